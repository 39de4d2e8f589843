"""Reads of the product page (Oscar's `ProductDetailView`, marketplace.catalogue.views).

Oscar's page asked the database sixteen times for one product: the product, its photos, stock
records, partner and kecamatan one by one, the MSME behind the partner, the first category and
its ancestors for the breadcrumb, the year's price ceilings, the recommendations, the product
options (the basket form) and the recently-viewed products even when the only product viewed
was this one. Here:

- `product_page_queryset`: the product, its class and what the page asks of it (the breadcrumb's
  category path, whether it has recommendations or options) in one query, its photos in a
  second and its stock records with partner, kecamatan and MSME in a third;
- `category_crumbs`: the breadcrumb from the category tree cached under the category menu's
  version (replaced on every save or delete of a category);
- `page_fingerprint`: what the page's cached parts show, as a hash, so a change to the product,
  its photos, its stock record, partner, kecamatan, MSME or this year's ceiling gives a new key
  (`{% product_part %}`, marketplace.catalogue.templatetags.product_page);
- `strip_products`: the recently-viewed products with what their cards show, in one query, so
  the strip's HTML can be taken from the cache without loading their photos and stock records
  (`{% recently_viewed_others %}`).
"""

import functools
import hashlib
from collections import defaultdict

from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, Subquery, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone, translation
from oscar.core.loading import get_model

from marketplace.catalogue.templatetags.category_menu import MENU_CACHE_SECONDS, menu_version

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductRecommendation = get_model("catalogue", "ProductRecommendation")
Category = get_model("catalogue", "Category")
Option = get_model("catalogue", "Option")
StockRecord = get_model("partner", "StockRecord")


def product_page_queryset() -> QuerySet:
    """Products with all their page shows, in three queries whatever the page asks."""
    return _product_page_queryset().all()


@functools.cache
def _product_page_queryset() -> QuerySet:
    # Built once per process (resolving the annotations costs about 1.5 ms of CPU a request) and
    # never evaluated itself: each page takes a copy (`.all()`), as a view's `queryset` is.
    first_category = (
        ProductCategory.objects.filter(
            product=OuterRef("pk"), category__is_public=True, category__ancestors_are_public=True
        )
        .order_by("category__path")  # Oscar's `get_categories().first()` (categories order by path)
        .values("category__path")[:1]
    )
    return (
        Product.objects.select_related("product_class")
        .annotate(
            page_category_path=Subquery(first_category),
            page_has_recommendations=Exists(ProductRecommendation.objects.filter(primary=OuterRef("pk"))),
            # Oscar's `has_options` (the basket form) reads these instead of asking.
            has_product_class_options=Exists(Option.objects.filter(productclass=OuterRef("product_class"))),
            has_product_options=Exists(Option.objects.filter(product=OuterRef("pk"))),
        )
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order", "pk")),
            Prefetch(
                "stockrecords",
                queryset=StockRecord.objects.select_related("partner__kecamatan", "partner__vendor"),
            ),
        )
    )


# --- The breadcrumb ---------------------------------------------------------------------------


def _categories_by_path() -> dict[str, tuple[str, str]]:
    """Every category's name and address by its tree path, cached with the category menu."""
    key = f"catalogue:category-paths:{menu_version()}:{translation.get_language()}"
    found = cache.get(key)
    if found is None:
        found, full_slugs = {}, {}
        for category in Category.objects.order_by("path"):  # parents before their children
            parent_slug = full_slugs.get(category.path[: -Category.steplen])
            full_slug = category.get_full_slug(parent_slug=parent_slug)
            full_slugs[category.path] = full_slug
            url = reverse("catalogue:category", kwargs={"category_slug": full_slug, "pk": category.pk})
            found[category.path] = (category.name, url)
        cache.set(key, found, MENU_CACHE_SECONDS)
    return found


def category_crumbs(product) -> list[dict]:
    """The breadcrumb's categories (name, url), root first: the product's first public category
    and its ancestors, as Oscar's page shows them."""
    path = getattr(product, "page_category_path", False)
    if path is False or product.is_child:  # not loaded by product_page_queryset: Oscar's way
        return _crumbs_from_database(product)
    if not path:
        return []
    known = _categories_by_path()
    paths = [path[:end] for end in range(Category.steplen, len(path) + 1, Category.steplen)]
    if any(p not in known for p in paths):  # changed without signals: read it
        return _crumbs_from_database(product)
    return [{"name": known[p][0], "url": known[p][1]} for p in paths]


def _crumbs_from_database(product) -> list[dict]:
    category = product.get_categories().first()
    if category is None:
        return []
    return [{"name": c.name, "url": c.get_absolute_url()} for c in category.get_ancestors_and_self()]


# --- The cached parts' key ----------------------------------------------------------------------

# Columns kept on the rows for search and Pemerataan, never shown on the page (they change with
# every sale of the MSME: they would only make the parts again for nothing).
_NOT_SHOWN = {"search_labels", "search_seller", "vendor_sales_90d_idr", "sales_90d_idr"}


def _row(obj) -> tuple | None:
    """Every stored column of a row (those it was loaded with), in a fixed order."""
    if obj is None:
        return None
    deferred = obj.get_deferred_fields()
    return tuple(
        (f.attname, getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.attname not in deferred and f.attname not in _NOT_SHOWN
    )


# The year's price ceilings by kind are procurement's (procurement may import the shop, never the
# other way): `procurement.ceilings` hands its reader in when the apps are ready.
_ceilings_reader = dict


def ceilings_reader_set(reader) -> None:
    """Called by procurement.ceilings' AppConfig.ready with its `ceilings_by_kind`."""
    global _ceilings_reader
    _ceilings_reader = reader


def current_ceilings() -> dict:
    """This year's price ceilings by kind (part of the product page's fingerprint)."""
    return _ceilings_reader()


def page_fingerprint(product, session, ceilings: dict) -> str:
    """What the product page's shared parts show, as a short hash: it changes whenever they would
    (any column of the product, its class, photos, stock record, partner, kecamatan, the MSME's
    address and name, this year's ceiling for its kind, the price and availability Oscar's
    strategy gives, the language)."""
    record = getattr(session, "stockrecord", None)
    partner = getattr(record, "partner", None) if record else None
    vendor = getattr(partner, "vendor", None) if partner else None
    price = getattr(session, "price", None)
    availability = getattr(session, "availability", None)
    ceiling = ceilings.get(product.ceiling_kind) if product.ceiling_kind else None
    parts = [
        translation.get_language() or "",
        timezone.localdate().year,
        _row(product),
        _row(product.get_product_class()),
        [_row(image) for image in product.images.all()],
        _row(record),
        _row(partner),
        _row(getattr(partner, "kecamatan", None) if partner else None),
        (vendor.pk, vendor.slug, vendor.business_name, vendor.status) if vendor else None,
        (str(price.excl_tax), price.exists) if price is not None else None,
        (availability.code, str(availability.message), availability.is_available_to_buy)
        if availability is not None
        else None,
        _row(ceiling),
    ]
    return hashlib.md5(repr(parts).encode(), usedforsecurity=False).hexdigest()


# --- The recently-viewed strip -------------------------------------------------------------------

# What a product card (templates/oscar/catalogue/partials/product.html: its photo, title, MSME,
# kecamatan, price, minimum order, notice and SSH badge; Oscar's `render_product` picks its
# template by UPC and class) shows: the product's own columns, and joined, its photos' and its
# stock records' with their partner and kecamatan (the columns `product_cards.card_fingerprint`
# hashes, and the price's currency).
CARD_COLUMNS = (
    "pk",
    "date_updated",
    "title",
    "slug",
    "upc",
    "product_class_id",
    "sale_unit",
    "min_order_qty",
    "lead_time_hours",
    "is_halal",
    "ceiling_kind",
)
CARD_JOINED = {
    "card_photo_pk": "images__pk",
    "card_photo": "images__original",
    "card_photo_order": "images__display_order",
    "card_record_pk": "stockrecords__pk",
    "card_record_updated": "stockrecords__date_updated",
    "card_price": "stockrecords__price",
    "card_currency": "stockrecords__price_currency",
    "card_partner_pk": "stockrecords__partner_id",
    "card_partner": "stockrecords__partner__name",
    "card_partner_active": "stockrecords__partner__is_active",
    "card_kecamatan": "stockrecords__partner__kecamatan__name",
    "card_class": "product_class__slug",
}


def strip_products(pks) -> tuple[dict, dict[int, list[tuple]]]:
    """Of these products, those still on show (the ones `selectors.product_cards` finds, with the
    same class and annotations), one instance each, and for each the rows of what its card shows
    (one per stock record and photo, in a fixed order). One query; `strip_prefetch` loads what
    rendering their cards needs."""
    found = (
        Product.objects.filter(pk__in=pks, structure__in=[Product.STANDALONE, Product.PARENT], is_public=True)
        .select_related("product_class")
        .annotate(
            has_product_class_options=Exists(Option.objects.filter(productclass=OuterRef("product_class"))),
            has_product_options=Exists(Option.objects.filter(product=OuterRef("pk"))),
            **{alias: F(column) for alias, column in CARD_JOINED.items()},
        )
        .order_by("pk", "card_record_pk", "card_photo_pk")
    )
    products: dict = {}
    rows: dict[int, list[tuple]] = defaultdict(list)
    for product in found:
        products.setdefault(product.pk, product)
        rows[product.pk].append(
            tuple(getattr(product, c) for c in CARD_COLUMNS) + tuple(getattr(product, a) for a in CARD_JOINED)
        )
    return products, dict(rows)


def strip_prefetch(products) -> None:
    """The photos and stock records (partner, kecamatan) of these products, as
    `selectors.product_cards` prefetches them: two queries."""
    prefetch_related_objects(
        products,
        Prefetch("images", queryset=ProductImage.objects.order_by("display_order", "pk")),
        Prefetch("stockrecords", queryset=StockRecord.objects.select_related("partner__kecamatan")),
    )
