"""Writes for products: an MSME creates, edits, pauses and deletes its own.

Every function checks that the product belongs to the given partner; the caller
(the vendor pages) passes the partner of the logged-in owner, never one from input.
"""

from decimal import Decimal
from uuid import uuid4

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from oscar.core.loading import get_model

from marketplace.catalogue.images import thumbnails_make
from marketplace.catalogue.models import FOOD_KINDS
from marketplace.common.domain import DomainError
from marketplace.common.html import clean_rich_text

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductImage = get_model("catalogue", "ProductImage")
Category = get_model("catalogue", "Category")
StockRecord = get_model("partner", "StockRecord")
OrderLine = get_model("order", "Line")

PRODUCT_FIELDS = (
    "title",
    "description",
    "kind",
    "sale_unit",
    "ceiling_kind",
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
    return values


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
        vendor_sales_90d_idr=partner.sales_90d_idr,
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
    if photo:
        _attach_photo(product, photo, photo_ext)
    return product


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
