"""Writes for products: an MSME creates, edits, pauses and deletes its own.

Every function checks that the product belongs to the given partner; the caller
(the vendor pages) passes the partner of the logged-in owner, never one from input.
"""

from dataclasses import dataclass
from decimal import Decimal
from uuid import uuid4

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from oscar.core.loading import get_model

from marketplace.catalogue.images import thumbnails_make
from marketplace.catalogue.models import FOOD_KINDS, DietaryTag, KindCeiling, ProductKind
from marketplace.catalogue.selectors import SYNONYMS_CACHE_KEY, every_language
from marketplace.common.domain import DomainError
from marketplace.common.html import clean_rich_text
from marketplace.partner.services import pemerataan_figure

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductImage = get_model("catalogue", "ProductImage")
ProductCategory = get_model("catalogue", "ProductCategory")
Category = get_model("catalogue", "Category")
StockRecord = get_model("partner", "StockRecord")
OrderLine = get_model("order", "Line")

PRODUCT_FIELDS = (
    "title",
    "description",
    "kind",
    "sale_unit",
    "min_order_qty",
    "lead_time_hours",
    "is_halal",
    "dietary_tags",
    "contents",
)


def _product_values(data: dict) -> dict:
    """The product fields from `data`; a description written as HTML keeps only safe markup
    (plain text is stored as typed and escaped when shown)."""
    values = {k: data[k] for k in PRODUCT_FIELDS if k in data}
    if "description" in values:
        values["description"] = clean_rich_text(values["description"])
    if "kind" in values:  # the price ceiling follows from the kind, never from input
        values["ceiling_kind"] = ceiling_kind_of(kind=values["kind"])
    return values


def ceiling_kind_of(*, kind: str) -> str:
    """The price ceiling (SSH) kind products of `kind` count against, as the city pack says
    (empty: no ceiling, or the kind is not in the pack)."""
    row = KindCeiling.objects.filter(kind=kind).first() if kind else None
    return row.ceiling_kind if row else ""


def product_ceiling_kinds_refresh() -> int:
    """Give every product the ceiling kind of its kind (after the city pack changed); returns how
    many products changed."""
    mapping = dict(KindCeiling.objects.values_list("kind", "ceiling_kind"))
    changed = 0
    for kind, ceiling_kind in mapping.items():
        changed += (
            Product.objects.filter(kind=kind)
            .exclude(ceiling_kind=ceiling_kind)
            .update(ceiling_kind=ceiling_kind)
        )
    changed += Product.objects.exclude(kind__in=mapping).exclude(ceiling_kind="").update(ceiling_kind="")
    return changed


class NotYourProduct(DomainError):
    """The product does not belong to this MSME."""


def product_class_for(kind: str):
    """One Oscar product class per kind; made-to-order goods track no stock."""
    label = dict(Product._meta.get_field("kind").choices).get(kind, "Produk")
    pc, _created = ProductClass.objects.get_or_create(
        slug=kind or "produk", defaults={"name": str(label), "track_stock": False, "requires_shipping": True}
    )
    return pc


def category_for(kind: str):
    label = str(dict(Product._meta.get_field("kind").choices).get(kind, "Lainnya"))
    root_name = "Makanan & Minuman" if kind in FOOD_KINDS else "Produk UMKM"
    root = Category.get_root_nodes().filter(name=root_name).first() or Category.add_root(name=root_name)
    return root.get_children().filter(name=label).first() or root.add_child(name=label)


def _attach_photo(product, photo: bytes, extension: str) -> None:
    name = f"{slugify(product.title)[:40] or 'produk'}-{uuid4().hex[:8]}.{extension}"
    image = ProductImage(product=product, display_order=product.images.count())
    image.original.save(name, ContentFile(photo), save=False)
    image.save()
    thumbnails_make(original_name=image.original.name)


@transaction.atomic
def product_create(
    *, partner, data: dict, price_idr: int, photo: bytes | None = None, photo_ext: str = "jpg"
):
    """Create a product of this MSME with its price (whole rupiah) and an optional photo."""
    values = _product_values(data)
    product = Product.objects.create(
        product_class=product_class_for(values.get("kind", "")),
        is_public=True,
        vendor_sales_90d_idr=pemerataan_figure(sales_idr=partner.sales_90d_idr, low_rated=partner.low_rated),
        **values,
    )
    product.categories.add(category_for(values.get("kind", "")))
    StockRecord.objects.create(
        product=product,
        partner=partner,
        partner_sku=f"P{partner.pk}-{product.pk}",
        price=Decimal(int(price_idr)),
        price_currency="IDR",
    )
    _search_text_refresh(product)
    if photo:
        _attach_photo(product, photo, photo_ext)
    return product


def _search_text_refresh(product) -> None:
    """Write this product's search text and keep the instance in step (a later save keeps it)."""
    search_texts_write(product_ids=[product.pk])
    product.refresh_from_db(fields=["search_labels", "search_seller"])


def _own(partner, product):
    if not product.stockrecords.filter(partner=partner).exists():
        raise NotYourProduct()


@transaction.atomic
def product_update(
    *, partner, product, data: dict, price_idr: int, photo: bytes | None = None, photo_ext: str = "jpg"
):
    """Change a product's data and price; a new photo replaces the old ones."""
    _own(partner, product)
    old_kind = product.kind
    for key, value in _product_values(data).items():
        setattr(product, key, value)
    if product.kind != old_kind:
        product.product_class = product_class_for(product.kind)
        product.categories.set([category_for(product.kind)])
    product.save()
    StockRecord.objects.filter(product=product, partner=partner).update(price=Decimal(int(price_idr)))
    _search_text_refresh(product)
    if photo:
        for image in product.images.all():
            image.delete()
        _attach_photo(product, photo, photo_ext)
    return product


def product_pause(*, partner, product, paused: bool) -> None:
    """Hide a product from the catalogue (paused) or show it again."""
    _own(partner, product)
    product.is_public = not paused
    product.save(update_fields=["is_public"])


@transaction.atomic
def product_delete(*, partner, product) -> None:
    """Remove a product. A product already ordered keeps its row for the order history (lines
    point at it) but loses the MSME's offer (its stock record): hidden everywhere, gone from
    the MSME's own list, never to be resumed; its photos stay, as its orders show them.
    Any other product goes with its photos, whose files (original and thumbnails) are
    deleted from the public storage once this commits (`images.photo_deleted`)."""
    _own(partner, product)
    if OrderLine.objects.filter(product=product).exists():
        product.is_public = False
        product.save(update_fields=["is_public"])
        StockRecord.objects.filter(
            product=product, partner=partner
        ).delete()  # order lines keep theirs as NULL
        return
    product.delete()


# --- Search document ------------------------------------------------------------------------

SEARCH_BATCH = 2000  # products rewritten per round of queries


@dataclass(frozen=True)
class SearchModels:
    """The models the search text is read from: the live ones, or a migration's historical ones."""

    product: type
    product_category: type
    category: type
    stock_record: type


def _unique(parts) -> str:
    seen, kept = set(), []
    for part in parts:
        part = " ".join(str(part).split())
        if part and part.lower() not in seen:
            seen.add(part.lower())
            kept.append(part)
    return " · ".join(kept)


def search_texts_write(*, product_ids, models: SearchModels | None = None) -> int:
    """Write the search text of these products: their categories, their kind, dietary tags and
    halal (`search_labels`), their MSME's business name and kecamatan (`search_seller`). Only
    changed rows are written; returns how many.

    The parent categories are left out: "Makanan & Minuman" would make "minuman" (drinks) find
    every meal, and a word in most products makes a search scan the whole table."""
    m = models or SearchModels(Product, ProductCategory, Category, StockRecord)
    kinds = {kind: [kind.replace("_", " "), *every_language(label)] for kind, label in ProductKind.choices}
    tags = {tag: [tag.replace("_", " "), *every_language(label)] for tag, label in DietaryTag.choices}
    category_names = dict(m.category.objects.values_list("pk", "name"))
    written = 0
    product_ids = list(product_ids)
    for start in range(0, len(product_ids), SEARCH_BATCH):
        ids = product_ids[start : start + SEARCH_BATCH]
        categories: dict[int, list[str]] = {}
        for product_id, category_id in m.product_category.objects.filter(product_id__in=ids).values_list(
            "product_id", "category_id"
        ):
            categories.setdefault(product_id, []).append(category_names.get(category_id, ""))
        sellers: dict[int, list[str]] = {}
        for product_id, name, kecamatan in m.stock_record.objects.filter(product_id__in=ids).values_list(
            "product_id", "partner__name", "partner__kecamatan__name"
        ):
            sellers.setdefault(product_id, []).extend([name or "", kecamatan or ""])
        changed = []
        for product in m.product.objects.filter(pk__in=ids).only(
            "pk", "kind", "is_halal", "dietary_tags", "search_labels", "search_seller"
        ):
            labels = _unique(
                [
                    *categories.get(product.pk, []),
                    *kinds.get(product.kind, []),
                    *[word for tag in product.dietary_tags or [] for word in tags.get(tag, [tag])],
                    "halal" if product.is_halal else "",
                ]
            )
            seller = _unique(sellers.get(product.pk, []))
            if (product.search_labels, product.search_seller) != (labels, seller):
                product.search_labels, product.search_seller = labels, seller
                changed.append(product)
        m.product.objects.bulk_update(changed, ["search_labels", "search_seller"])
        written += len(changed)
    return written


def products_search_refresh(*, product_ids=None, partner_ids=None) -> int:
    """Rewrite the search text of these products, of these MSMEs' products (after a business name
    or kecamatan changed), or (neither given) of every product; returns how many changed."""
    if product_ids is None and partner_ids is None:
        ids = Product.objects.order_by("pk").values_list("pk", flat=True)
    elif product_ids is None:
        records = StockRecord.objects.filter(partner_id__in=list(partner_ids))
        ids = records.values_list("product_id", flat=True)
    else:
        ids = product_ids
    return search_texts_write(product_ids=sorted(set(ids)))


def search_synonyms_forget() -> None:
    """After the city pack's search synonyms changed: the next search reads them again."""
    cache.delete(SYNONYMS_CACHE_KEY)
