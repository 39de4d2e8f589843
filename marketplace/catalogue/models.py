"""Oscar's catalogue with the columns buyers filter on, typed and indexed.

Kinds follow what the city buys (nasi kotak = boxed meal, kudapan = snacks,
prasmanan = buffet per person, tumpeng = festive rice cone / event package)
and what local MSMEs make (batik and other fashion, kriya = crafts, oleh-oleh = souvenirs).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from oscar.apps.catalogue.abstract_models import AbstractProduct


class ProductKind(models.TextChoices):
    BOXED_MEAL = "nasi_kotak", _("Boxed meal (nasi kotak)")
    SNACK_BOX = "kudapan", _("Snack box (kudapan)")
    BUFFET = "prasmanan", _("Buffet per person (prasmanan)")
    DRINK = "minuman", _("Drinks (minuman)")
    EVENT_PACKAGE = "tumpeng", _("Tumpeng / event package")
    FASHION = "fashion", _("Fashion (batik…)")
    CRAFT = "kriya", _("Crafts (kriya)")
    SOUVENIR = "oleh_oleh", _("Souvenirs (oleh-oleh)")


FOOD_KINDS = frozenset({"nasi_kotak", "kudapan", "prasmanan", "minuman", "tumpeng"})


class DietaryTag(models.TextChoices):
    VEGETARIAN = "vegetarian", _("vegetarian")
    VEGAN = "vegan", _("vegan")
    NUT_FREE = "tanpa_kacang", _("nut-free")
    GLUTEN_FREE = "tanpa_gluten", _("gluten-free")
    LOW_SUGAR = "rendah_gula", _("low sugar")
    SPICY = "pedas", _("spicy")


class SaleUnit(models.TextChoices):
    BOX = "kotak", _("box")
    PORTION = "porsi", _("portion")
    PERSON = "orang", _("person")
    PIECE = "pcs", _("piece")


class CeilingKind(models.TextChoices):
    """Which price ceiling (Standar Satuan Harga) a product's unit price counts against."""

    MEAL = "makan", _("Meal")
    SNACK = "kudapan", _("Snack")
    NONE = "", _("None")


class Product(AbstractProduct):
    kind = models.CharField(_("kind"), max_length=20, choices=ProductKind.choices, blank=True, db_index=True)
    sale_unit = models.CharField(
        pgettext_lazy("sale unit", "unit"), max_length=10, choices=SaleUnit.choices, default=SaleUnit.PIECE
    )
    ceiling_kind = models.CharField(
        _("price ceiling kind"), max_length=10, choices=CeilingKind.choices, default="", blank=True
    )
    min_order_qty = models.PositiveIntegerField(
        _("minimum order"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100000)],
        db_index=True,
    )
    lead_time_hours = models.PositiveIntegerField(
        _("lead time (hours of notice)"), default=24, validators=[MaxValueValidator(24 * 60)], db_index=True
    )
    is_halal = models.BooleanField(_("halal"), default=False, db_index=True)
    dietary_tags = models.JSONField(_("dietary tags"), default=list, blank=True)
    contents = models.TextField(_("contents"), blank=True)
    # The selling MSME's platform sales of the last 90 days, copied from its partner by
    # marketplace.partner.services.partner_sales_refresh: the Pemerataan sort then walks one
    # index of this table instead of sorting every product joined to its partner.
    vendor_sales_90d_idr = models.BigIntegerField(
        _("MSME's sales in the last 90 days (Rp)"), default=0, editable=False
    )

    class Meta(AbstractProduct.Meta):
        indexes = [
            models.Index(fields=["is_public", "-date_created"], name="product_public_newest"),
            # Listed products, as a narrow index: counting a listing's results (the pager) reads
            # this instead of every product row (the search document makes the rows wide).
            models.Index(
                fields=["id"],
                name="product_listed",
                condition=models.Q(is_public=True, structure__in=["standalone", "parent"]),
            ),
            # Pemerataan: the least-selling MSMEs' products first, newest first among equals.
            models.Index(
                fields=["vendor_sales_90d_idr", "-date_created", "-id"],
                name="product_pemerataan",
                condition=models.Q(is_public=True, structure__in=["standalone", "parent"]),
            ),
        ]

    @property
    def is_food(self) -> bool:
        return self.kind in FOOD_KINDS

    def dietary_labels(self) -> list[str]:
        labels = dict(DietaryTag.choices)
        return [str(labels.get(tag, tag)) for tag in self.dietary_tags or []]


from oscar.apps.catalogue.models import *  # noqa: E402,F403
