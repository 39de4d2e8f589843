"""Reads of the catalogue, straight from the database.

Oscar 4.2's haystack SimpleEngine lists no products (django-oscar issue 4366),
so browsing and search are served by these querysets. They decide the
select/prefetch, so a listing page's query count does not grow with its size.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from difflib import SequenceMatcher
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone, translation
from oscar.core.loading import get_model

from marketplace.catalogue.models import ProductKind
from marketplace.catalogue.templatetags.category_menu import MENU_CACHE_SECONDS, menu_version

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")
Option = get_model("catalogue", "Option")
SearchSynonym = get_model("catalogue", "SearchSynonym")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")

# Deliveries on a chosen date are planned for this hour (lead time counts up to it).
DELIVERY_HOUR = 10
SORTS = ("relevance", "pemerataan", "price_asc", "price_desc", "newest")


def default_sort(user, query: str) -> str:
    """The listing's order when the visitor chose none: officers see Pemerataan first (MSMEs with
    fewer platform sales on top), so the city's spending spreads over many MSMEs."""
    if user.is_authenticated and user.has_perm("accounts.place_orders"):
        return "pemerataan"
    return "relevance" if query else "newest"


_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_QUERY_WORDS = 8
MAX_ALTERNATIVES = 12  # phrases one query word (or phrase) may stand for, synonyms included
_TSQUERY = "to_tsquery('indonesian', %s)"
_FULL_TEXT = f"search_document @@ {_TSQUERY}"
_NEAR_MISS = "title %%> %s"  # word_similarity(%s, title) above pg_trgm's threshold, by the GIN index


@dataclass(frozen=True)
class ListingFilters:
    query: str = ""
    categories: object = None  # categories or their ids (category_ids: one category and its descendants)
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
            # The card shows the MSME's name and kecamatan.
            Prefetch("stockrecords", queryset=StockRecord.objects.select_related("partner__kecamatan")),
        )
    )


def product_cards(pks) -> list:
    """These products, loaded whole with what their cards show (in any order)."""
    return list(_base().filter(pk__in=pks))


def product_listing(*, query: str = "", categories=None) -> QuerySet:
    """Public, sellable products of active partners, newest first (search optional)."""
    return product_search(ListingFilters(query=query, categories=categories, sort="newest"))


def search_words(text: str) -> list[str]:
    """The words of a query or of a synonym, lower case (punctuation and underscores split words)."""
    return _WORD.findall((text or "").lower())


SYNONYMS_CACHE_KEY = "catalogue:search-synonyms"
SYNONYMS_CACHE_SECONDS = 300  # a pack loaded by another process is read again within this


def synonym_map() -> dict[tuple[str, ...], set[tuple[str, ...]]]:
    """The city pack's synonyms: each term's words → the phrases it also stands for.

    Read once (one query) and cached; loading the pack forgets it (`services.search_synonyms_forget`)."""
    found = cache.get(SYNONYMS_CACHE_KEY)
    if found is None:
        found = _synonyms_read()
        cache.set(SYNONYMS_CACHE_KEY, found, SYNONYMS_CACHE_SECONDS)
    return found


def _synonyms_read() -> dict[tuple[str, ...], set[tuple[str, ...]]]:
    found: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
    for term, synonyms, two_way in SearchSynonym.objects.values_list("term", "synonyms", "two_way"):
        head = tuple(search_words(term))
        others = [phrase for s in synonyms or [] if (phrase := tuple(search_words(s)))]
        if not head:
            continue
        found[head].update(others)
        if two_way:
            group = [head, *others]
            for phrase in others:
                found[phrase].update(group)
    for phrase, alternatives in found.items():
        alternatives.discard(phrase)
    return dict(found)


def query_units(words: list[str], synonyms: dict) -> list[list[tuple[str, ...]]]:
    """The query as a list of units that must all match; each unit lists its alternatives (the
    typed words first, unless a synonym finds them anyway, then their synonyms). Longest synonym
    first: "nasi box ayam" → [[(nasi, box), (nasi, dus), (nasi, kotak), (rice, box)], [(ayam,)]]."""
    longest = max(map(len, synonyms), default=1)
    units, i = [], 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            typed = tuple(words[i : i + n])
            if typed in synonyms:
                units.append(_without_redundant([typed, *sorted(synonyms[typed])])[:MAX_ALTERNATIVES])
                i += n
                break
        else:
            units.append([(words[i],)])
            i += 1
    return units


def _without_redundant(alternatives: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Drop a phrase (the typed words too) that a single word of another alternative already
    finds, as a prefix: beside "snack", "snack box" adds nothing but work, and each alternative
    makes PostgreSQL expect more matches (past a quarter of the table it reads the whole table)."""
    singles = {a[0] for a in alternatives if len(a) == 1}
    return [a for a in alternatives if len(a) == 1 or not any(w.startswith(s) for s in singles for w in a)]


def _tsquery(units: list[list[tuple[str, ...]]]) -> str:
    """A to_tsquery text: the typed words each as a prefix (all of them), a synonym as a phrase
    of prefixes; the alternatives of a unit joined by OR, the units by AND."""

    def alternative(index: int, phrase: tuple[str, ...]) -> str:
        joiner = " & " if index == 0 else " <-> "  # the typed words anywhere, a synonym as written
        return joiner.join(f"{w}:*" for w in phrase)

    parts = []
    for alternatives in units:
        if len(alternatives) == 1:
            parts.append(alternative(0, alternatives[0]))
        else:
            parts.append("(" + " | ".join(f"({alternative(i, a)})" for i, a in enumerate(alternatives)) + ")")
    return " & ".join(parts)


# What the SQLite fallback reads: the columns the PostgreSQL search document is made of.
_TEXT_FIELDS = ("title", "description", "contents", "search_labels", "search_seller")


def _contains(phrase: str) -> Q:
    condition = Q()
    for field in _TEXT_FIELDS:
        condition |= Q(**{f"{field}__icontains": phrase})
    return condition


def _search(qs: QuerySet, text: str, *, sort: str) -> tuple[QuerySet, bool]:
    """Narrow to products matching every word (or a synonym of it, from the city pack); on
    PostgreSQL, rank them when sorting by relevance."""
    words = search_words(text)[:MAX_QUERY_WORDS]
    if not words:
        return qs, False
    units = query_units(words, synonym_map())
    if connection.vendor == "postgresql":
        # Prefix match on stemmed words (makanan → makan:*) over the search document (title,
        # categories and kind, tags, description, MSME and kecamatan). Only when no product has
        # the words, trigram near-misses on the title ("rissoles" → "Risoles"): testing every title for
        # similarity costs more than the full-text search itself, for results nobody needs
        # when the words were found (one cheap query decides: _any_match).
        tsquery = _tsquery(units)
        phrase = " ".join(words)
        if _any_match(qs.extra(where=[f"catalogue_product.{_FULL_TEXT}"], params=[tsquery])):
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
    # SQLite fallback: each unit must appear in the same columns: the typed words each anywhere,
    # or one of the synonyms as written.
    for alternatives in units:
        typed, *synonyms = alternatives
        condition = Q()
        for word in typed:
            condition &= _contains(word)
        for synonym in synonyms:
            condition |= _contains(" ".join(synonym))
        qs = qs.filter(condition)
    return qs, False


# How many matches the full-text probe counts up to (see _any_match).
MATCH_PROBE_ROWS = 300


def _any_match(qs: QuerySet) -> bool:
    """Whether any product matches, decided through the search document's GIN index.

    `exists()` (LIMIT 1) made PostgreSQL walk the whole product table hoping to meet a match early:
    a word no product has ("rissoles") took 200–350 ms at 100,000 products. Counting up to a few
    hundred matches is planned through the GIN index when the words are rare (about 10 ms, none
    found), and still stops early on a common word ("nasi", 25,000 matches: about 10 ms)."""
    return qs.order_by().values("pk")[:MATCH_PROBE_ROWS].count() > 0


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
        # The category links alone (`Product.objects.filter(categories__in=…)` read the product
        # table a second time inside the subquery). Given category ids (`category_ids`), not a
        # subquery, PostgreSQL knows how many products the categories hold and plans the count
        # of a category page in 7 ms instead of 30 at 100,000 products.
        qs = qs.filter(pk__in=ProductCategory.objects.filter(category__in=f.categories).values("product_id"))
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


def category_ids(category) -> list[int]:
    """The ids of `category` and of every category under it (what its page lists), for
    `ListingFilters.categories`; cached under the category menu's version, which a category's
    save or delete renews."""
    key = f"catalogue:category-ids:{menu_version()}:{category.pk}"
    ids = cache.get(key)
    if ids is None:
        ids = list(category.get_descendants_and_self().values_list("pk", flat=True))
        cache.set(key, ids, MENU_CACHE_SECONDS)
    return ids


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
    # Among equals (the same price, the same relevance), Pemerataan decides: the MSME with fewer
    # platform sales first (docs/performance.md, "Fairness": price sorting undid the default order).
    if sort == "relevance":
        return (
            ("-rank", "vendor_sales_90d_idr", "-date_created", "-pk") if ranked else ("-date_created", "-pk")
        )
    if sort == "price_asc":
        return ("stockrecords__price", "vendor_sales_90d_idr", "-pk")
    if sort == "price_desc":
        return ("-stockrecords__price", "vendor_sales_90d_idr", "-pk")
    if sort == "pemerataan":
        # Spread spending: vendors with the least platform sales in the last 90 days first, those
        # rated poorly after all others (the partner's figure, copied onto each product by
        # marketplace.partner.services.products_sales_copy: one index serves the sort).
        return ("vendor_sales_90d_idr", "-date_created", "-pk")
    return ("-date_created", "-pk")


COMPARABLE_PRICE_BAND = 0.2  # ± this share of the price
COMPARABLE_SHOWN = 3


def comparable_offers(
    *, product, price_idr: int, exclude_partner_id: int, kecamatan_id=None, limit: int = COMPARABLE_SHOWN
) -> list:
    """Other MSMEs' products a buyer could order instead of `product`: the same kind, a price
    within ±20 %, the MSMEs with the fewest recent platform sales first (Pemerataan) and none
    rated poorly, one product per MSME; those of `kecamatan_id` first, then the rest of the city.
    One query, or two when the kecamatan has fewer than `limit`."""
    if not product.kind or limit <= 0:
        return []
    band = int(price_idr * COMPARABLE_PRICE_BAND)
    filters = dict(
        kind=product.kind, price_min=price_idr - band, price_max=price_idr + band, sort="pemerataan"
    )

    def offers(kecamatan, exclude_kecamatan=None, n=limit):
        qs = (
            product_search(ListingFilters(kecamatan_id=kecamatan, **filters))
            .exclude(stockrecords__partner_id=exclude_partner_id)
            .exclude(stockrecords__partner__low_rated=True)
        )
        if exclude_kecamatan:
            qs = qs.exclude(stockrecords__partner__kecamatan_id=exclude_kecamatan)
        kept, partners = [], set()
        for offer in qs[: n * 3]:  # one product per MSME
            partner_id = offer.stockrecords.all()[0].partner_id
            if partner_id not in partners:
                partners.add(partner_id)
                kept.append(offer)
        return kept[:n]

    found = offers(kecamatan_id) if kecamatan_id else []
    if len(found) < limit:
        found += offers(None, exclude_kecamatan=kecamatan_id, n=limit - len(found))
    return found


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


# --- When a search finds nothing ------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    label: str
    url: str


SUGGESTION_MIN_SIMILARITY = 0.75
SUGGESTIONS_SHOWN = 4


def _similarity(query: tuple[str, ...], name: tuple[str, ...]) -> float:
    """How near a query comes to a name (0 to 1, difflib): the whole text, or word by word (each
    word of the query against the nearest word of the name, averaged), whichever is nearer."""
    whole = SequenceMatcher(None, " ".join(query), " ".join(name)).ratio()
    by_word = sum(max(SequenceMatcher(None, q, n).ratio() for n in name) for q in query) / len(query)
    return max(whole, by_word)


def every_language(label) -> list[str]:
    """A (lazy) label in each of the site's languages."""
    found = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.append(str(label))
    return found


def _category_urls() -> list[tuple[object, str, bool]]:
    """Every public category with its address and whether it is a leaf (no public child), in
    one query (Oscar's get_absolute_url reads each category's parents)."""
    categories = list(
        Category.objects.filter(is_public=True).order_by("path").only("pk", "name", "slug", "path")
    )
    paths = {c.path for c in categories}
    parents = {path[: -Category.steplen] for path in paths}
    full_slugs: dict[str, str] = {}
    found = []
    for category in categories:
        parent = full_slugs.get(category.path[: -Category.steplen])
        full_slugs[category.path] = f"{parent}/{category.slug}" if parent else category.slug
        kwargs = {"category_slug": full_slugs[category.path], "pk": category.pk}
        found.append((category, reverse("catalogue:category", kwargs=kwargs), category.path not in parents))
    return found


def search_suggestions(query: str) -> tuple[list[Suggestion], bool]:
    """What to offer instead of an empty result: the categories, kinds and the city pack's
    synonyms whose names come nearest to `query` ("kudapn" → Kudapan), and True; when nothing
    comes near, the categories to browse, and False.

    The names are few (tens of categories and kinds, the pack's synonyms): they are compared in
    Python with difflib, the same on SQLite and PostgreSQL, in two queries."""
    targets: dict[str, Suggestion] = {}  # url → suggestion
    names: dict[tuple[str, ...], set[str]] = defaultdict(set)  # a name's words → the urls it leads to
    leaves = []
    for category, url, is_leaf in _category_urls():
        targets[url] = Suggestion(category.name, url)
        if is_leaf:
            leaves.append(targets[url])
        # "Kudapan (snack box)" is found as a whole and by its parts: "kudapan", "snack box".
        for part in [category.name, *re.split(r"[()/,&]", category.name)]:
            if phrase := tuple(search_words(part)):
                names[phrase].add(url)
    listing = reverse("catalogue:index")
    for kind, label in ProductKind.choices:
        # Its category is named by its label (services.category_for), in the language of the day.
        spoken = {tuple(search_words(kind)), *(tuple(search_words(text)) for text in every_language(label))}
        url = min((url for phrase in spoken for url in names.get(phrase, ())), default=None)
        url = url or f"{listing}?{urlencode({'kind': kind})}"
        targets.setdefault(url, Suggestion(str(label), url))
        for phrase in spoken:
            names[phrase].add(url)
    # A synonym leads where its group's words lead (coffee break → Kudapan), else to its own search.
    for term, alternatives in synonym_map().items():
        urls = {url for phrase in [term, *alternatives] for url in names.get(phrase, ())}
        if not urls:
            url = f"{listing}?{urlencode({'q': ' '.join(term)})}"
            targets.setdefault(url, Suggestion(" ".join(term), url))
            urls = {url}
        names[term].update(urls)
    words = tuple(search_words(query)[:MAX_QUERY_WORDS])
    best: dict[str, float] = {}
    for phrase, urls in names.items() if words else ():
        score = _similarity(words, phrase)
        if score >= SUGGESTION_MIN_SIMILARITY:
            for url in urls:
                best[url] = max(best.get(url, 0.0), score)
    if not best:
        return leaves, False
    ranked = sorted(best, key=lambda url: (-best[url], targets[url].label))
    return [targets[url] for url in ranked[:SUGGESTIONS_SHOWN]], True
