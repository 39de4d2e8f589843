from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuideConfig(AppConfig):
    """Panduan: the user guide, one page per role, and the role menu that leads to the work."""

    name = "procurement.guide"
    label = "guide"
    verbose_name = _("User guide")
