from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.abstract_models import AbstractPartner


class Partner(AbstractPartner):
    """An Oscar partner: one per approved MSME. Only active partners' products are sold."""

    is_active = models.BooleanField(
        _("selling"),
        default=True,
        db_index=True,
        help_text=_("Off while the MSME is suspended: its products are hidden at once."),
    )


from oscar.apps.partner.models import *  # noqa: E402,F403
