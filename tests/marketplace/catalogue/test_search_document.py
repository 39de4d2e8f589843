"""The search document covers what a card and a product page show, the city pack's synonyms
widen a query, and a query that finds nothing offers the nearest categories.

Runs on SQLite (the fallback reads the same columns) and on PostgreSQL (the generated
`search_document`, with its GIN index).
"""

import csv
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from oscar.core.loading import get_model

from marketplace.catalogue import services
from marketplace.catalogue.selectors import (
    ListingFilters,
    product_search,
    query_units,
    search_suggestions,
    search_words,
    synonym_map,
)
from tests.factories import KecamatanFactory, VendorFactory
from vendors import services as vendor_services

pytestmark = pytest.mark.django_db

SearchSynonym = get_model("catalogue", "SearchSynonym")
Product = get_model("catalogue", "Product")


def titles(query: str) -> set[str]:
    return {p.title for p in product_search(ListingFilters(query=query, sort="relevance"))}


def make(partner, title: str, kind: str, **data) -> object:
    """A product made as an MSME makes it, through the product service."""
    values = {"title": title, "description": "", "kind": kind, "min_order_qty": 10, **data}
    return services.product_create(partner=partner, data=values, price_idr=25_000)


@pytest.fixture
def shop():
    """Two MSMEs in two kecamatan, selling what the city buys."""
    pedurungan, tembalang = KecamatanFactory(name="Pedurungan"), KecamatanFactory(name="Tembalang")
    dapur = VendorFactory(approved=True, business_name="Dapur Bu Lastri", kecamatan=pedurungan)
    griya = VendorFactory(approved=True, business_name="Griya Anyam Lestari", kecamatan=tembalang)
    for vendor in (dapur, griya):
        vendor.partner.kecamatan = vendor.kecamatan
        vendor.partner.save()
    products = {
        "risoles": make(dapur.partner, "Risoles Ragout Ayam", "kudapan", is_halal=True),
        "nasi": make(dapur.partner, "Nasi Kotak Ayam Bakar", "nasi_kotak", is_halal=True),
        "klepon": make(dapur.partner, "Klepon Pandan", "kudapan", dietary_tags=["vegetarian"]),
        "tas": make(griya.partner, "Tas Eceng Gondok", "kriya"),
    }
    return {"dapur": dapur, "griya": griya, **products}


@pytest.fixture
def semarang_synonyms():
    call_command("load_city_pack", stdout=StringIO())


# --- What the document covers ---------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        ("kudapan", {"Risoles Ragout Ayam", "Klepon Pandan"}),  # the category and kind
        ("Kudapan (snack box)", {"Risoles Ragout Ayam", "Klepon Pandan"}),
        ("snack box", {"Risoles Ragout Ayam", "Klepon Pandan"}),  # the kind's label
        ("minuman", set()),  # not every meal: the parent category "Makanan & Minuman" is left out
        ("halal", {"Risoles Ragout Ayam", "Nasi Kotak Ayam Bakar"}),
        ("vegetarian", {"Klepon Pandan"}),
        ("kriya", {"Tas Eceng Gondok"}),
        ("crafts", {"Tas Eceng Gondok"}),  # the kind's label in English, the site's other language
        ("lastri", {"Risoles Ragout Ayam", "Nasi Kotak Ayam Bakar", "Klepon Pandan"}),  # the MSME
        ("tembalang", {"Tas Eceng Gondok"}),  # the MSME's kecamatan
        ("risoles pedurungan", {"Risoles Ragout Ayam"}),
        ("halal kudapan", {"Risoles Ragout Ayam"}),
    ],
)
def test_the_document_holds_categories_kind_tags_halal_msme_and_kecamatan(shop, query, expected):
    assert titles(query) == expected


def test_a_changed_business_name_or_kecamatan_is_found(shop):
    dapur = shop["dapur"]
    assert titles("mbak") == set()

    vendor_services.vendor_update(
        vendor=dapur,
        actor=dapur.owner,
        data={"business_name": "Katering Mbak Lastri", "kecamatan": KecamatanFactory(name="Gayamsari")},
    )

    assert titles("mbak") == {"Risoles Ragout Ayam", "Nasi Kotak Ayam Bakar", "Klepon Pandan"}
    assert "Risoles Ragout Ayam" in titles("gayamsari")
    assert titles("pedurungan") == set()


def test_an_edited_product_changes_its_document(shop):
    tas = shop["tas"]
    services.product_update(
        partner=shop["griya"].partner,
        product=tas,
        data={"title": tas.title, "kind": "oleh_oleh", "is_halal": False},
        price_idr=80_000,
    )

    assert "Tas Eceng Gondok" in titles("oleh-oleh")
    assert "Tas Eceng Gondok" not in titles("kriya")


def test_the_refresh_command_mends_a_renamed_category(shop):
    category = shop["tas"].categories.get()
    category.name = "Kerajinan Tangan"
    category.save()
    assert titles("tangan") == set()

    out = StringIO()
    call_command("search_refresh", stdout=out)

    assert titles("tangan") == {"Tas Eceng Gondok"}
    assert "1 product(s) changed." in out.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the generated tsvector is PostgreSQL's")
def test_postgresql_weights_the_title_above_the_msme_name(shop):
    # "Lestari" is in the title of one product and in the MSME's name of the other.
    dapur = shop["dapur"]
    make(dapur.partner, "Lestari Lumpia Semarang", "kudapan")
    make(shop["griya"].partner, "Lumpia Anyaman", "kriya")

    ranked = [p.title for p in product_search(ListingFilters(query="lestari lumpia", sort="relevance"))]

    assert ranked == ["Lestari Lumpia Semarang", "Lumpia Anyaman"]


# --- Synonyms from the city pack ------------------------------------------------------------


def test_the_semarang_synonyms_load_once(semarang_synonyms):
    kudapan = SearchSynonym.objects.get(term="kudapan")
    assert {"camilan", "cemilan"} <= set(kudapan.synonyms) and kudapan.two_way
    assert SearchSynonym.objects.get(term="kriya").synonyms[0] == "kerajinan"
    lunch = SearchSynonym.objects.get(term="makan siang")
    assert set(lunch.synonyms) == {"nasi kotak", "prasmanan"} and not lunch.two_way
    assert SearchSynonym.objects.get(term="oleh oleh")  # as the search reads "oleh-oleh"
    count = SearchSynonym.objects.count()
    assert count >= 20

    out = StringIO()
    call_command("load_city_pack", stdout=out)

    assert SearchSynonym.objects.count() == count
    assert f"Search synonyms: 0 created, 0 updated, {count} unchanged." in out.getvalue()


def test_synonyms_widen_a_query_one_way_or_both(shop, semarang_synonyms):
    assert titles("nasi box") == {"Nasi Kotak Ayam Bakar"}
    assert titles("makan siang") == {"Nasi Kotak Ayam Bakar"}
    assert titles("coffee break") == {"Risoles Ragout Ayam", "Klepon Pandan"}
    assert titles("kerajinan") == {"Tas Eceng Gondok"}  # kriya ↔ kerajinan
    assert titles("makanan") == {"Risoles Ragout Ayam", "Nasi Kotak Ayam Bakar", "Klepon Pandan"}
    assert titles("nasi box risoles") == set()  # every unit of the query must match
    # One way only: a search for nasi kotak does not become a search for lunch (and buffets).
    assert ("prasmanan",) not in synonym_map()[("nasi", "kotak")]


def test_loading_the_pack_forgets_the_cached_synonyms(shop, django_assert_num_queries):
    assert titles("nasi dus") == set()  # no synonyms yet, and that is cached
    with django_assert_num_queries(0):
        synonym_map()

    call_command("load_city_pack", stdout=StringIO())

    assert titles("nasi dus") == {"Nasi Kotak Ayam Bakar"}


def test_a_query_becomes_units_of_alternatives(semarang_synonyms):
    units = query_units(search_words("Nasi box Ayam"), synonym_map())

    assert units[0][0] == ("nasi", "box") and ("nasi", "kotak") in units[0]
    assert units[1] == [("ayam",)]


def write_pack_with_synonyms(folder: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    shutil.copytree(settings.CITY_PACK_DIR, folder)
    with (folder / "search-synonyms.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("term", "synonyms", "two_way", "note"))
        writer.writerows(rows)
    return folder


def test_a_bad_synonym_row_loads_nothing_and_says_where(tmp_path):
    pack = write_pack_with_synonyms(
        tmp_path / "pack",
        [
            ("Nasi Box", "nasi kotak;  NASI  dus", "", ""),
            ("snack", "snack; kudapan", "yes", ""),
            ("kopi", " ; ", "yes", ""),
            ("teh", "tea", "perhaps", ""),
        ],
    )

    with pytest.raises(CommandError) as error:
        call_command("load_city_pack", str(pack), stdout=StringIO())

    message = str(error.value)
    assert "search-synonyms.csv line 3, column synonyms: 'snack' is the row's own term" in message
    assert "search-synonyms.csv line 4, column synonyms: no synonym between the semicolons" in message
    assert "search-synonyms.csv line 5, column two_way: 'perhaps' is not one of yes, no" in message
    assert not SearchSynonym.objects.exists()


def test_synonyms_are_stored_as_the_search_reads_them(tmp_path):
    pack = write_pack_with_synonyms(tmp_path / "pack", [("Nasi Box", "nasi kotak;  NASI  dus", "", "")])

    call_command("load_city_pack", str(pack), stdout=StringIO())

    row = SearchSynonym.objects.get()
    assert (row.term, row.synonyms, row.two_way) == ("nasi box", ["nasi kotak", "nasi dus"], True)


# --- Nothing found --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, first",
    [
        ("kudapn", "Kudapan (snack box)"),
        ("nasi kotk", "Nasi kotak"),
        ("krya", "Kriya"),
        ("cofee brek", "Kudapan (snack box)"),  # a synonym of the pack, leading to its category
    ],
)
def test_a_near_miss_offers_the_nearest_categories(shop, semarang_synonyms, query, first):
    suggestions, near = search_suggestions(query)

    assert near
    assert suggestions[0].label == first
    assert suggestions[0].url.startswith("/catalogue/category/")


def test_nonsense_offers_the_categories_to_browse(shop):
    suggestions, near = search_suggestions("qwzx vbnm")

    assert not near
    labels = {s.label for s in suggestions}
    assert {"Kudapan (snack box)", "Nasi kotak", "Kriya"} <= labels
    assert "Makanan & Minuman" not in labels  # the leaves, where the products are


def test_the_empty_page_offers_the_nearest_categories_and_one_leads_to_products(
    client, shop, semarang_synonyms, django_assert_max_num_queries
):
    with django_assert_max_num_queries(16):
        response = client.get("/catalogue/", {"q": "kudapn"})

    html = response.content.decode()
    assert 'id="no-products"' in html
    assert "Mungkin maksud Anda:" in html
    suggestions, _near = search_suggestions("kudapn")
    assert f'href="{suggestions[0].url}"' in html
    category_page = client.get(suggestions[0].url).content.decode()
    assert "Risoles Ragout Ayam" in category_page and "Klepon Pandan" in category_page


def test_a_page_with_results_offers_nothing(client, shop):
    html = client.get("/catalogue/", {"q": "risoles"}).content.decode()

    assert "Risoles Ragout Ayam" in html
    assert 'id="search-suggestions"' not in html
