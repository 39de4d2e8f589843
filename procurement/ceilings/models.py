"""Price ceilings: the city's Standar Satuan Harga (SSH).

Per fiscal year and kind (makan = meal, kudapan = snack, *_tamu = for guests) the
highest price per person per occasion a unit may pay.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PriceCeiling(models.Model):
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    kind = models.CharField(_("kind"), max_length=30)
    unit_label = models.CharField(pgettext_lazy("sale unit", "unit"), max_length=40, default="orang/kali")
    max_price_idr = models.BigIntegerField(_("maximum price (Rp)"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ("-fiscal_year", "kind")
        verbose_name = _("price ceiling")
        verbose_name_plural = _("price ceilings")
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "kind"], name="priceceiling_unique_year_kind"),
            models.CheckConstraint(condition=models.Q(max_price_idr__gt=0), name="priceceiling_positive"),
        ]

    def __str__(self):
        return f"{self.fiscal_year} {self.kind}: {self.max_price_idr}"
