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


class KindCeiling(models.Model):
    """Which price ceiling (Standar Satuan Harga) a kind of product counts against: city-pack data
    (`product-kind-ceilings.csv`), e.g. nasi kotak → makan, kudapan → kudapan, kriya → none.

    An empty `ceiling_kind` says the kind has no ceiling. The products' own `ceiling_kind` is
    derived from this table (`services.product_ceiling_kinds_refresh`), never picked by the MSME.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ProductKind.choices, unique=True)
    ceiling_kind = models.CharField(_("price ceiling kind"), max_length=25, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ("kind",)
        verbose_name = _("price ceiling of a product kind")
        verbose_name_plural = _("price ceilings of product kinds")

    def __str__(self):
        return f"{self.kind} → {self.ceiling_kind or '-'}"


class Product(AbstractProduct):
    kind = models.CharField(_("kind"), max_length=20, choices=ProductKind.choices, blank=True, db_index=True)
    sale_unit = models.CharField(
        pgettext_lazy("sale unit", "unit"), max_length=10, choices=SaleUnit.choices, default=SaleUnit.PIECE
    )
    # Follows from `kind` through the city pack's KindCeiling rows; empty: no ceiling applies.
    ceiling_kind = models.CharField(
        _("price ceiling kind"), max_length=25, default="", blank=True, editable=False
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
    # What a card and a product page show beside the title, as text for search, written by
    # marketplace.catalogue.services.products_search_refresh: category and kind names, dietary
    # tags and "halal" (`search_labels`); the MSME's business name and kecamatan (`search_seller`).
    # On PostgreSQL the generated `search_document` column (migrations 0034, 0038) indexes them.
    search_labels = models.TextField(_("search labels"), blank=True, default="", editable=False)
    search_seller = models.TextField(_("search: MSME and kecamatan"), blank=True, default="", editable=False)

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


class SearchSynonym(models.Model):
    """Words officers type and the words products use for them: city-pack data
    (`search-synonyms.csv`), e.g. nasi box → nasi kotak, kriya ↔ kerajinan.

    A query holding `term` also finds products with any of `synonyms` (each a word or a phrase);
    when `two_way`, a query holding one of the synonyms also finds the term and the other
    synonyms. Terms and synonyms are stored lower case, one space between words.
    """

    term = models.CharField(_("term"), max_length=100, unique=True)
    synonyms = models.JSONField(_("synonyms"), default=list)
    two_way = models.BooleanField(_("both ways"), default=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ("term",)
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self):
        return f"{self.term} {'↔' if self.two_way else '→'} {'; '.join(self.synonyms)}"


from oscar.apps.catalogue.models import *  # noqa: E402,F403
