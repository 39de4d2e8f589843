"""Finding catering: search, each filter and each sort, through the selector and /catalogue/.

Search runs on SQLite (a plain fallback) and on PostgreSQL (full text with the `indonesian`
stemmer plus pg_trgm); tests of what only PostgreSQL does are skipped on SQLite.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from marketplace.catalogue.selectors import ListingFilters, product_search
from tests.factories import KecamatanFactory, PartnerFactory, ProductFactory
from tests.factories.catalogue_extra import (
    CateringProductFactory,
    ClosedDayFactory,
    PhotoFactory,
    PriceCeilingFactory,
)

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: stemming and near-misses come from its full text search and pg_trgm; "
    "the SQLite fallback matches plain substrings",
)

# /catalogue/ runs the same queries whether it shows 5 products or a full page of 24 (on
# PostgreSQL a search asks one more: whether any product has the words, else near-misses).
# A page is found in two steps: its product ids, sorted over narrow rows, then those products.
# A search also reads the city pack's synonyms (then cached: here, with a cold cache, once).
# Anonymous listing with every filter: the request's savepoint pair, the kecamatan filter (and its
# choices), the synonyms, the full-text probe (PostgreSQL: up to 300 matches through the GIN index),
# the capped count, the page's ids and its products, photos and stock records, the category menu on
# a cold cache and the year's price ceilings. Fixed whatever the number of products.
LISTING_MAX_QUERIES = 16
# Logged in, the page also reads the session, user, roles, permissions, notifications, unit
# membership and basket (created, with its savepoints, on the first visit).
OFFICER_LISTING_MAX_QUERIES = 26


def titles(filters: ListingFilters) -> list[str]:
    return [p.title for p in product_search(filters)]


def listing(client, **params) -> str:
    response = client.get("/catalogue/", params)
    assert response.status_code == 200
    return response.content.decode()


def shown(html: str, *candidates: str) -> list[str]:
    """The candidate titles the page shows, in page order."""
    found = [(html.find(f'title="{t}"'), t) for t in candidates]
    return [t for pos, t in sorted(found) if pos >= 0]


# --- Search ---------------------------------------------------------------------------------


@pytest.fixture
def menu():
    """Five products of five MSMEs: food the city buys and what local MSMEs make."""
    specs = [
        ("Nasi Kotak Ayam Bakar", "nasi_kotak", "Ayam bakar madu, lalapan, sambal terasi."),
        ("Snack Box Risoles Ragout", "kudapan", "Risoles ragout ayam, kue sus vla, air mineral."),
        ("Kain Batik Semarangan Motif Asem Arang", "fashion", "Batik tulis katun, dua meter."),
        ("Tumpeng Mini Nasi Kuning", "tumpeng", "Nasi kuning, ayam ingkung, urap, telur pindang."),
        ("Wingko Babat Isi Sepuluh", "oleh_oleh", "Kue kelapa panggang khas Semarang."),
    ]
    return {
        title: CateringProductFactory(title=title, kind=kind, description=description, contents="")
        for title, kind, description in specs
    }


@pytest.mark.parametrize(
    "word, expected",
    [
        ("nasi", {"Nasi Kotak Ayam Bakar", "Tumpeng Mini Nasi Kuning"}),
        ("risoles", {"Snack Box Risoles Ragout"}),
        ("batik", {"Kain Batik Semarangan Motif Asem Arang"}),
        ("tumpeng", {"Tumpeng Mini Nasi Kuning"}),
        ("Risoles", {"Snack Box Risoles Ragout"}),
        ("risol", {"Snack Box Risoles Ragout"}),
        ("nasi kuning", {"Tumpeng Mini Nasi Kuning"}),
    ],
)
def test_search_finds_products_by_indonesian_word(menu, word, expected):
    assert set(titles(ListingFilters(query=word))) == expected


@pytest.mark.parametrize("word", ["nasi", "risoles", "batik", "tumpeng"])
def test_search_page_shows_only_matching_products(client, menu, word):
    html = listing(client, q=word)

    expected = set(titles(ListingFilters(query=word)))
    assert expected
    assert set(shown(html, *menu)) == expected


def test_search_matches_words_in_the_description(menu):
    assert titles(ListingFilters(query="ingkung")) == ["Tumpeng Mini Nasi Kuning"]


def test_search_without_match_shows_no_products(client, menu):
    html = listing(client, q="rendang")

    assert shown(html, *menu) == []
    assert 'id="no-products"' in html


@postgres_only
def test_search_stems_indonesian_words():
    """The indonesian Snowball stemmer reduces makanan → makan, so "makanan" finds "Makan Siang"."""
    CateringProductFactory(title="Paket Makan Siang Rapat", description="Nasi, lauk, sayur.", contents="")
    CateringProductFactory(title="Es Teh Manis Jumbo", kind="minuman", description="Teh tubruk.", contents="")

    assert titles(ListingFilters(query="makanan")) == ["Paket Makan Siang Rapat"]


@postgres_only
def test_search_forgives_a_misspelt_word(menu):
    """pg_trgm finds "Risoles" for "rissoles", which neither the stemmer nor a prefix would."""
    assert titles(ListingFilters(query="rissoles")) == ["Snack Box Risoles Ragout"]


@postgres_only
def test_relevance_puts_title_matches_first():
    CateringProductFactory(title="Snack Box Lemper", description="Lemper ayam, nasi ketan.", contents="")
    CateringProductFactory(title="Nasi Liwet Komplit", description="Liwet, ayam suwir.", contents="")

    assert titles(ListingFilters(query="nasi", sort="relevance")) == [
        "Nasi Liwet Komplit",
        "Snack Box Lemper",
    ]


@postgres_only
def test_near_misses_only_when_no_product_has_the_words():
    CateringProductFactory(title="Snack Box Risoles Ragout", description="Kue sus vla.", contents="")
    CateringProductFactory(title="Rissoles Mayo Pedas", description="Kulit lumpia, mayones.", contents="")

    assert titles(ListingFilters(query="risoles")) == ["Snack Box Risoles Ragout"]
    assert titles(ListingFilters(query="risoless")) == ["Snack Box Risoles Ragout"]


@postgres_only
def test_near_misses_are_ranked_by_similarity():
    CateringProductFactory(title="Lemper Ayam Bakar", description="Ketan isi ayam.", contents="")
    CateringProductFactory(title="Snack Box Lempeer Abon", description="Ketan isi abon.", contents="")

    assert titles(ListingFilters(query="lemperx", sort="relevance")) == [
        "Lemper Ayam Bakar",
        "Snack Box Lempeer Abon",
    ]


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("price_asc", ["Nasi Kotak Ayam Bakar", "Tumpeng Mini Nasi Kuning"]),
        ("price_desc", ["Tumpeng Mini Nasi Kuning", "Nasi Kotak Ayam Bakar"]),
    ],
)
def test_search_sorted_by_price_lists_only_matches(client, sort, expected):
    CateringProductFactory(title="Tumpeng Mini Nasi Kuning", kind="tumpeng", price=350000, contents="")
    CateringProductFactory(title="Nasi Kotak Ayam Bakar", price=25000, contents="")
    CateringProductFactory(title="Kain Batik Semarangan", kind="fashion", price=150000, contents="")
    CateringProductFactory(title="Snack Box Risoles Ragout", kind="kudapan", price=12000, contents="")

    assert titles(ListingFilters(query="nasi", sort=sort)) == expected
    html = listing(client, q="nasi", sort=sort)
    assert shown(html, *expected, "Kain Batik Semarangan", "Snack Box Risoles Ragout") == expected


# --- Filters --------------------------------------------------------------------------------


def test_filter_by_kind(client, menu):
    assert titles(ListingFilters(kind="kudapan")) == ["Snack Box Risoles Ragout"]
    assert shown(listing(client, kind="kudapan"), *menu) == ["Snack Box Risoles Ragout"]


def test_filter_by_kecamatan_of_the_msme(client):
    tembalang, mijen = KecamatanFactory(name="Tembalang"), KecamatanFactory(name="Mijen")
    CateringProductFactory(title="Nasi Kotak Tembalang", partner=PartnerFactory(kecamatan=tembalang))
    CateringProductFactory(title="Nasi Kotak Mijen", partner=PartnerFactory(kecamatan=mijen))
    CateringProductFactory(title="Nasi Kotak Tanpa Kecamatan")
    all_titles = ("Nasi Kotak Tembalang", "Nasi Kotak Mijen", "Nasi Kotak Tanpa Kecamatan")

    assert titles(ListingFilters(kecamatan_id=tembalang.pk)) == ["Nasi Kotak Tembalang"]
    assert shown(listing(client, kecamatan=mijen.pk), *all_titles) == ["Nasi Kotak Mijen"]


def test_filter_by_price_range_includes_its_bounds(client):
    for title, price in [
        ("Risoles 15", 15000),
        ("Nasi 20", 20000),
        ("Nasi 30", 30000),
        ("Tumpeng 45", 45000),
    ]:
        CateringProductFactory(title=title, price=price)
    all_titles = ("Risoles 15", "Nasi 20", "Nasi 30", "Tumpeng 45")

    assert set(titles(ListingFilters(price_min=20000, price_max=30000))) == {"Nasi 20", "Nasi 30"}
    assert set(titles(ListingFilters(price_min=30000))) == {"Nasi 30", "Tumpeng 45"}
    assert set(titles(ListingFilters(price_max=15000))) == {"Risoles 15"}
    html = listing(client, price_min=20000, price_max=30000)
    assert set(shown(html, *all_titles)) == {"Nasi 20", "Nasi 30"}


def test_price_range_upside_down_is_refused_and_filters_nothing(client):
    CateringProductFactory(title="Nasi 20", price=20000)

    response = client.get("/catalogue/", {"price_min": 30000, "price_max": 10000})

    assert response.status_code == 200
    assert response.context["form"].errors["price_max"]
    assert "Nasi 20" in response.content.decode()


def test_filter_halal_only(client):
    CateringProductFactory(title="Nasi Kotak Ayam Halal", is_halal=True)
    CateringProductFactory(title="Babi Kecap Porsi", is_halal=False)

    assert titles(ListingFilters(halal_only=True)) == ["Nasi Kotak Ayam Halal"]
    html = listing(client, halal="on")
    assert shown(html, "Nasi Kotak Ayam Halal", "Babi Kecap Porsi") == ["Nasi Kotak Ayam Halal"]


def test_filter_by_quantity_hides_products_with_a_higher_minimum_order(client):
    for qty in (1, 15, 50):
        CateringProductFactory(title=f"Nasi Kotak min {qty}", min_order_qty=qty)
    all_titles = ("Nasi Kotak min 1", "Nasi Kotak min 15", "Nasi Kotak min 50")

    assert set(titles(ListingFilters(quantity=15))) == {"Nasi Kotak min 1", "Nasi Kotak min 15"}
    assert set(shown(listing(client, quantity=14), *all_titles)) == {"Nasi Kotak min 1"}


@pytest.fixture
def delivery_day():
    """Three days ahead: between 58 and 82 hours of notice until 10:00 that day."""
    return timezone.localdate() + timedelta(days=3)


def test_available_on_considers_lead_time(client, delivery_day):
    CateringProductFactory(title="Nasi Kotak Sehari", lead_time_hours=24)
    CateringProductFactory(title="Tumpeng Seminggu", lead_time_hours=24 * 7)

    assert titles(ListingFilters(available_on=delivery_day)) == ["Nasi Kotak Sehari"]
    assert titles(ListingFilters(available_on=delivery_day + timedelta(days=7))) == [
        "Tumpeng Seminggu",
        "Nasi Kotak Sehari",
    ]
    html = listing(client, available_on=delivery_day.isoformat())
    assert shown(html, "Nasi Kotak Sehari", "Tumpeng Seminggu") == ["Nasi Kotak Sehari"]


def test_available_on_skips_msmes_closed_that_weekday(client, delivery_day):
    weekday = delivery_day.weekday()
    CateringProductFactory(title="Dapur Tutup Hari Itu", partner=PartnerFactory(closed_weekdays=str(weekday)))
    CateringProductFactory(
        title="Dapur Tutup Besoknya", partner=PartnerFactory(closed_weekdays=str((weekday + 1) % 7))
    )

    assert titles(ListingFilters(available_on=delivery_day)) == ["Dapur Tutup Besoknya"]
    html = listing(client, available_on=delivery_day.isoformat())
    assert shown(html, "Dapur Tutup Hari Itu", "Dapur Tutup Besoknya") == ["Dapur Tutup Besoknya"]


def test_available_on_skips_msmes_closed_on_that_date(client, delivery_day):
    closed, open_ = PartnerFactory(), PartnerFactory()
    ClosedDayFactory(partner=closed, date=delivery_day)
    ClosedDayFactory(partner=open_, date=delivery_day + timedelta(days=1))
    CateringProductFactory(title="Dapur Hajatan", partner=closed)
    CateringProductFactory(title="Dapur Buka", partner=open_)

    assert titles(ListingFilters(available_on=delivery_day)) == ["Dapur Buka"]
    assert set(titles(ListingFilters(available_on=delivery_day + timedelta(days=2)))) == {
        "Dapur Hajatan",
        "Dapur Buka",
    }
    html = listing(client, available_on=delivery_day.isoformat())
    assert shown(html, "Dapur Hajatan", "Dapur Buka") == ["Dapur Buka"]


def test_available_on_a_past_date_finds_nothing():
    CateringProductFactory(title="Nasi Kotak Sehari", lead_time_hours=1)

    assert titles(ListingFilters(available_on=timezone.localdate() - timedelta(days=1))) == []


def test_filters_combine(client):
    tembalang = KecamatanFactory(name="Tembalang")
    here = PartnerFactory(kecamatan=tembalang)
    CateringProductFactory(title="Cocok Semua", partner=here, price=25000, is_halal=True, min_order_qty=10)
    CateringProductFactory(title="Terlalu Mahal", partner=here, price=60000, is_halal=True, min_order_qty=10)
    CateringProductFactory(title="Tidak Halal", partner=here, price=25000, is_halal=False, min_order_qty=10)
    CateringProductFactory(title="Kecamatan Lain", price=25000, is_halal=True, min_order_qty=10)

    html = listing(
        client, kecamatan=tembalang.pk, halal="on", price_max=50000, quantity=20, kind="nasi_kotak"
    )

    assert shown(html, "Cocok Semua", "Terlalu Mahal", "Tidak Halal", "Kecamatan Lain") == ["Cocok Semua"]


# --- Sorts ----------------------------------------------------------------------------------


@pytest.fixture
def spread():
    """Three MSMEs with different platform sales; the busiest listed its product last (newest)."""
    CateringProductFactory(title="Sepi Pembeli", price=30000, partner=PartnerFactory(sales_90d_idr=0))
    CateringProductFactory(title="Lumayan Laku", price=20000, partner=PartnerFactory(sales_90d_idr=2_500_000))
    CateringProductFactory(
        title="Paling Laris", price=25000, partner=PartnerFactory(sales_90d_idr=90_000_000)
    )
    return ("Sepi Pembeli", "Lumayan Laku", "Paling Laris")


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("price_asc", ["Lumayan Laku", "Paling Laris", "Sepi Pembeli"]),
        ("price_desc", ["Sepi Pembeli", "Paling Laris", "Lumayan Laku"]),
        ("newest", ["Paling Laris", "Lumayan Laku", "Sepi Pembeli"]),
        ("pemerataan", ["Sepi Pembeli", "Lumayan Laku", "Paling Laris"]),
    ],
)
def test_sort(client, spread, sort, expected):
    assert titles(ListingFilters(sort=sort)) == expected
    assert shown(listing(client, sort=sort), *spread) == expected


def test_pemerataan_breaks_ties_by_newest():
    quiet = PartnerFactory(sales_90d_idr=0)
    CateringProductFactory(title="Lama", partner=quiet)
    CateringProductFactory(title="Laris", partner=PartnerFactory(sales_90d_idr=5_000_000))
    CateringProductFactory(title="Baru", partner=quiet)

    assert titles(ListingFilters(sort="pemerataan")) == ["Baru", "Lama", "Laris"]


def test_pemerataan_applies_within_search_results():
    CateringProductFactory(title="Risoles Sepi", partner=PartnerFactory(sales_90d_idr=10_000))
    CateringProductFactory(title="Risoles Laris", partner=PartnerFactory(sales_90d_idr=50_000_000))
    CateringProductFactory(title="Nasi Kotak Sepi Sekali", partner=PartnerFactory(sales_90d_idr=0))

    assert titles(ListingFilters(query="risoles", sort="pemerataan")) == ["Risoles Sepi", "Risoles Laris"]


def test_officer_sees_pemerataan_by_default(officer_client, spread):
    response = officer_client.get("/catalogue/")

    assert response.context["sort"] == "pemerataan"
    assert shown(response.content.decode(), *spread) == ["Sepi Pembeli", "Lumayan Laku", "Paling Laris"]


def test_anonymous_visitor_sees_newest_by_default(client, spread):
    response = client.get("/catalogue/")

    assert response.context["sort"] == "newest"
    assert shown(response.content.decode(), *spread) == ["Paling Laris", "Lumayan Laku", "Sepi Pembeli"]


def test_officer_may_choose_another_sort(officer_client, spread):
    response = officer_client.get("/catalogue/", {"sort": "price_asc"})

    assert response.context["sort"] == "price_asc"
    assert shown(response.content.decode(), *spread) == ["Lumayan Laku", "Paling Laris", "Sepi Pembeli"]


# --- What is hidden ---------------------------------------------------------------------------


@pytest.fixture
def hidden_and_shown():
    return {
        "shown": CateringProductFactory(title="Nasi Kotak Terbuka"),
        "paused": CateringProductFactory(title="Nasi Kotak Dijeda", is_public=False),
        "suspended": CateringProductFactory(
            title="Nasi Kotak Diskors", partner=PartnerFactory(is_active=False)
        ),
    }


def test_paused_and_suspended_products_are_not_listed(client, hidden_and_shown):
    everything = ("Nasi Kotak Terbuka", "Nasi Kotak Dijeda", "Nasi Kotak Diskors")

    assert shown(listing(client), *everything) == ["Nasi Kotak Terbuka"]
    assert shown(listing(client, q="nasi kotak"), *everything) == ["Nasi Kotak Terbuka"]
    assert titles(ListingFilters(query="nasi")) == ["Nasi Kotak Terbuka"]


@pytest.mark.parametrize("which, status", [("shown", 200), ("paused", 404), ("suspended", 404)])
def test_product_page_of_paused_or_suspended_product_is_not_found(client, hidden_and_shown, which, status):
    response = client.get(hidden_and_shown[which].get_absolute_url())

    assert response.status_code == status


# --- Product page ---------------------------------------------------------------------------


def ceiling_state(client, product) -> str | None:
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    match = re.search(r'data-ceiling="(\w+)"', response.content.decode())
    return match.group(1) if match else None


@pytest.mark.parametrize("price, state", [(35000, "within"), (40000, "within"), (40001, "above")])
def test_product_page_says_whether_price_is_within_this_years_ceiling(client, price, state):
    PriceCeilingFactory(kind="makan", max_price_idr=40000)
    product = CateringProductFactory(title="Nasi Kotak Rapat", ceiling_kind="makan", price=price)

    assert ceiling_state(client, product) == state


def test_product_page_uses_the_ceiling_of_the_products_kind(client):
    PriceCeilingFactory(kind="makan", max_price_idr=40000)
    PriceCeilingFactory(kind="kudapan", max_price_idr=20000)
    snack = CateringProductFactory(
        title="Snack Box Rapat", kind="kudapan", ceiling_kind="kudapan", price=25000
    )

    assert ceiling_state(client, snack) == "above"


def test_product_page_has_no_badge_without_a_ceiling(client):
    PriceCeilingFactory(kind="makan", max_price_idr=40000)
    batik = CateringProductFactory(title="Kain Batik", kind="fashion", ceiling_kind="", price=250000)
    snack = CateringProductFactory(title="Snack Box", kind="kudapan", ceiling_kind="kudapan", price=15000)

    assert ceiling_state(client, batik) is None
    assert ceiling_state(client, snack) is None  # no kudapan ceiling loaded this year


def test_product_page_ignores_last_years_ceiling(client):
    PriceCeilingFactory(kind="makan", max_price_idr=10000, fiscal_year=timezone.localdate().year - 1)
    product = CateringProductFactory(title="Nasi Kotak Rapat", ceiling_kind="makan", price=35000)

    assert ceiling_state(client, product) is None


def test_prices_are_shown_in_rupiah(client):
    product = CateringProductFactory(title="Snack Box Risoles", price=15000)

    assert "Rp 15.000" in listing(client)
    assert "Rp 15.000" in client.get(product.get_absolute_url()).content.decode()


def test_product_page_shows_what_an_officer_needs(client):
    tembalang = KecamatanFactory(name="Tembalang")
    product = CateringProductFactory(
        title="Nasi Kotak Rapat",
        partner=PartnerFactory(kecamatan=tembalang),
        min_order_qty=25,
        lead_time_hours=48,
    )

    html = client.get(product.get_absolute_url()).content.decode()

    facts = html[html.index('id="product-facts"') :]
    assert "Tembalang" in facts
    assert "25" in facts
    assert "48" in facts


# --- Query count ------------------------------------------------------------------------------


def listed_with_photos(count: int) -> None:
    tembalang = KecamatanFactory(name="Tembalang")
    for n in range(count):
        product = CateringProductFactory(
            title=f"Nasi Kotak Menu {n}",
            price=20000 + n * 500,
            partner=PartnerFactory(kecamatan=tembalang, sales_90d_idr=n * 1000),
        )
        PhotoFactory(product=product)


QUERY_CASES = {
    "browse": {},
    "search": {"q": "nasi"},
    "filters": {
        "q": "nasi kotak",
        "kind": "nasi_kotak",
        "halal": "on",
        "price_min": "1000",
        "price_max": "90000",
        "quantity": "50",
        "sort": "price_asc",
    },
}


@pytest.mark.parametrize("count", [5, 24])
@pytest.mark.parametrize("case", QUERY_CASES)
def test_listing_query_count_does_not_grow_with_products(client, django_assert_max_num_queries, count, case):
    listed_with_photos(count)
    params = dict(QUERY_CASES[case])
    if case == "filters":
        params["available_on"] = (timezone.localdate() + timedelta(days=3)).isoformat()
        params["kecamatan"] = (
            ProductFactory._meta.model.objects.first().stockrecords.get().partner.kecamatan_id
        )

    with django_assert_max_num_queries(LISTING_MAX_QUERIES):
        html = listing(client, **params)

    assert html.count('loading="lazy"') >= count
    assert html.count("Nasi Kotak Menu") >= count


@pytest.mark.parametrize("count", [5, 24])
def test_officer_listing_query_count_does_not_grow_with_products(
    officer_client, django_assert_max_num_queries, count
):
    listed_with_photos(count)

    with django_assert_max_num_queries(OFFICER_LISTING_MAX_QUERIES):
        html = listing(officer_client)

    assert html.count("Nasi Kotak Menu") >= count
