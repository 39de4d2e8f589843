from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CeilingsConfig(AppConfig):
    name = "procurement.ceilings"
    label = "ceilings"
    verbose_name = _("Price ceilings")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from marketplace.catalogue.product_page import ceilings_reader_set
        from procurement.ceilings.models import PriceCeiling
        from procurement.ceilings.selectors import ceilings_by_kind, ceilings_changed

        # The year's price ceilings (every card's and product page's SSH badge) are cached
        # under a version replaced when a save or delete of a ceiling commits; the shop's product
        # page reads them through the reader handed to it here.
        post_save.connect(ceilings_changed, sender=PriceCeiling, dispatch_uid="ceilings_cache_saved")
        post_delete.connect(ceilings_changed, sender=PriceCeiling, dispatch_uid="ceilings_cache_deleted")
        ceilings_reader_set(ceilings_by_kind)
