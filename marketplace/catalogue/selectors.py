"""Reads of the catalogue, straight from the database.

Oscar 4.2's haystack SimpleEngine lists no products (django-oscar issue 4366),
so browsing and search are served by these querysets. They decide the
select/prefetch, so a listing page's query count does not grow with its size.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")
Option = get_model("catalogue", "Option")

# Deliveries on a chosen date are planned for this hour (lead time counts up to it).
DELIVERY_HOUR = 10
SORTS = ("relevance", "pemerataan", "price_asc", "price_desc", "newest")


def default_sort(user, query: str) -> str:
    """The listing's order when the visitor chose none: officers see Pemerataan first (MSMEs with
    fewer platform sales on top), so the city's spending spreads over many MSMEs."""
    if user.is_authenticated and user.has_perm("accounts.place_orders"):
        return "pemerataan"
    return "relevance" if query else "newest"


_WORD = re.compile(r"\w+", re.UNICODE)
_TSQUERY = "to_tsquery('indonesian', %s)"
_FULL_TEXT = f"search_document @@ {_TSQUERY}"
_NEAR_MISS = "title %%> %s"  # word_similarity(%s, title) above pg_trgm's threshold, by the GIN index


@dataclass(frozen=True)
class ListingFilters:
    query: str = ""
    categories: object = None  # a queryset/list of categories (one category and its descendants)
    kind: str = ""
    kecamatan_id: int | None = None
    price_min: int | None = None
    price_max: int | None = None
    halal_only: bool = False
    quantity: int | None = None  # "I need N": products whose minimum order is at most N
    available_on: date | None = None
    partner_id: int | None = None
    sort: str = "newest"


def _base() -> QuerySet:
    """Public products, with what a product card needs, in a fixed number of queries.

    product_search() adds the stock record conditions (an active partner, price, kecamatan…)."""
    return (
        Product.objects.filter(structure__in=[Product.STANDALONE, Product.PARENT], is_public=True)
        .select_related("product_class")
        # Oscar's card asks `product.has_options`; without these it runs one query per product.
        .annotate(
            has_product_class_options=Exists(Option.objects.filter(productclass=OuterRef("product_class"))),
            has_product_options=Exists(Option.objects.filter(product=OuterRef("pk"))),
        )
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order", "pk")),
            Prefetch("stockrecords", queryset=StockRecord.objects.select_related("partner")),
        )
    )


def product_cards(pks) -> list:
    """These products, loaded whole with what their cards show (in any order)."""
    return list(_base().filter(pk__in=pks))


def product_listing(*, query: str = "", categories=None) -> QuerySet:
    """Public, sellable products of active partners, newest first (search optional)."""
    return product_search(ListingFilters(query=query, categories=categories, sort="newest"))


def _search(qs: QuerySet, text: str, *, sort: str) -> tuple[QuerySet, bool]:
    """Narrow to products matching every word; on PostgreSQL, rank them when sorting by relevance."""
    words = _WORD.findall(text.lower())[:8]
    if not words:
        return qs, False
    if connection.vendor == "postgresql":
        # Prefix match on stemmed words (makanan → makan:*). Only when no product has the words,
        # trigram near-misses on the title ("rissoles" → "Risoles"): testing every title for
        # similarity costs more than the full-text search itself, for results nobody needs
        # when the words were found (one cheap query decides, stopping at the first match).
        tsquery = " & ".join(f"{w}:*" for w in words)
        phrase = " ".join(words)
        if qs.extra(where=[f"catalogue_product.{_FULL_TEXT}"], params=[tsquery]).exists():
            condition, params = _FULL_TEXT, [tsquery]
            rank = RawSQL(f"ts_rank(catalogue_product.search_document, {_TSQUERY})", (tsquery,))
        else:
            condition, params = _NEAR_MISS, [phrase]
            rank = RawSQL("word_similarity(%s, catalogue_product.title)", (phrase,))
        if sort in ("price_asc", "price_desc"):
            # Find the matches first, in their own subquery (OFFSET 0 keeps the planner from merging
            # it). Merged, PostgreSQL walks every stock record in price order testing each product
            # against the search, hoping to stop early, and takes seconds when the matches are all
            # at the far end ("batik" by ascending price: 1.2 s against 0.27 s at 100,000 products).
            # Not for the other orders: there the merged plan is the fast one.
            matches = RawSQL(f"SELECT id FROM catalogue_product WHERE {condition} OFFSET 0", params)
            return qs.filter(pk__in=matches), False
        qs = qs.extra(where=[f"catalogue_product.{condition}"], params=params)
        if sort != "relevance":
            return qs, False
        return qs.annotate(rank=rank), True
    # SQLite fallback: every word must appear in the title, description or contents.
    for w in words:
        qs = qs.filter(Q(title__icontains=w) | Q(description__icontains=w) | Q(contents__icontains=w))
    return qs, False


def product_search(filters: ListingFilters) -> QuerySet:
    """Products matching the filters, in the requested order."""
    qs = _base()
    f = filters
    # One filter() for every stock record condition, so they all hold for the same record and
    # the query joins stock records and partners once (each filter() call would add a join).
    record = Q(stockrecords__partner__is_active=True)
    if f.partner_id:
        record &= Q(stockrecords__partner_id=f.partner_id)
    if f.kecamatan_id:
        record &= Q(stockrecords__partner__kecamatan_id=f.kecamatan_id)
    if f.price_min is not None:
        record &= Q(stockrecords__price__gte=f.price_min)
    if f.price_max is not None:
        record &= Q(stockrecords__price__lte=f.price_max)
    qs = qs.filter(record)
    if f.categories is not None:
        qs = qs.filter(pk__in=Product.objects.filter(categories__in=f.categories).values("pk"))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.halal_only:
        qs = qs.filter(is_halal=True)
    if f.quantity:
        qs = qs.filter(min_order_qty__lte=f.quantity)
    if f.available_on:
        qs = _available_on(qs, f.available_on)
    ranked = False
    if f.query:
        qs, ranked = _search(qs, f.query, sort=f.sort)
    return qs.order_by(*_ordering(f.sort, ranked))


def _available_on(qs: QuerySet, day: date) -> QuerySet:
    """Products that can still be delivered on `day`: enough notice, kitchen open."""
    delivery = timezone.make_aware(datetime.combine(day, time(DELIVERY_HOUR)))
    hours = int((delivery - timezone.now()).total_seconds() // 3600)
    if hours < 0:
        return qs.none()
    return (
        qs.filter(lead_time_hours__lte=hours)
        .exclude(stockrecords__partner__closed_weekdays__contains=str(day.weekday()))
        .exclude(stockrecords__partner__closed_days__date=day)
    )


def _ordering(sort: str, ranked: bool) -> tuple:
    if sort == "relevance":
        return ("-rank", "-date_created", "-pk") if ranked else ("-date_created", "-pk")
    if sort == "price_asc":
        return ("stockrecords__price", "-pk")
    if sort == "price_desc":
        return ("-stockrecords__price", "-pk")
    if sort == "pemerataan":
        # Spread spending: vendors with the least platform sales in the last 90 days first.
        # (The partner's figure, copied onto each product: one index serves the sort.)
        return ("vendor_sales_90d_idr", "-date_created", "-pk")
    return ("-date_created", "-pk")


def partner_products(*, partner) -> QuerySet:
    """All products of one MSME, paused ones included, for its own pages."""
    return (
        Product.objects.filter(stockrecords__partner=partner)
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order", "pk")),
            Prefetch("stockrecords", queryset=StockRecord.objects.filter(partner=partner)),
        )
        .order_by("-date_created", "-pk")
    )
