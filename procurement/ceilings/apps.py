from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CeilingsConfig(AppConfig):
    name = "procurement.ceilings"
    label = "ceilings"
    verbose_name = _("Price ceilings")
