"""What officers type finds something, on a sample of the city-scale catalogue.

The sample is made once for the module by the city-scale generator (`city_vendors_seed`: 300
MSMEs and their products) after loading the Semarang city pack (regions, search synonyms).
The same queries run on SQLite (the fallback) and on PostgreSQL (full text, `indonesian`).
"""

import pytest
from django.core.management import call_command
from django.db import transaction

from marketplace.catalogue.selectors import ListingFilters, product_search
from procurement.demo.catalogue import catalogue_ensure
from procurement.demo.city import city_vendors_seed

# Everyday queries, as officers and visitors type them (lower case or not, one word or a few).
EVERYDAY_QUERIES = (
    "nasi kotak", "nasi box", "nasi dus", "snack box", "snack", "kudapan", "makan siang",
    "prasmanan", "buffet", "tumpeng", "nasi kuning", "halal", "vegetarian", "kerajinan", "kriya",
    "batik", "kemeja batik", "seragam batik", "kopi", "teh", "es teh", "jajan pasar",
    "coffee break", "lumpia", "Lunpia", "bandeng presto", "wingko", "risoles", "lemper", "kue",
    "minuman", "air mineral", "wedang jahe", "ayam bakar", "rendang", "garang asem", "oleh-oleh",
    "souvenir", "cendera mata", "plakat", "tas", "konsumsi rapat", "katering", "catering",
    "gorengan", "pedas", "tahu bakso", "paket rapat", "syukuran", "makanan ringan",
)  # fmt: skip
MAX_FINDING_NOTHING = 2


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    """300 city-scale MSMEs and their products (about 1,500), made once, rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_city_pack", verbosity=0)
        city_vendors_seed(vendors=300, products=1500, refs=catalogue_ensure(), photo_pool={})
        yield
        transaction.set_rollback(True)


def found(query: str, **filters):
    return product_search(ListingFilters(query=query, sort="relevance", **filters))


def test_the_sample_is_a_city_catalogue(city, db):
    everything = product_search(ListingFilters())
    assert everything.count() >= 1000
    assert set(everything.values_list("kind", flat=True)) >= {"nasi_kotak", "kudapan", "kriya", "fashion"}


def test_at_most_two_everyday_queries_find_nothing(city, db):
    assert len(EVERYDAY_QUERIES) >= 40
    nothing = [query for query in EVERYDAY_QUERIES if not found(query).exists()]

    assert len(nothing) <= MAX_FINDING_NOTHING, f"these everyday queries find nothing: {nothing}"


@pytest.mark.parametrize(
    "query, kinds",
    [
        ("kudapan", {"kudapan"}),  # the category's own name
        ("snack", {"kudapan"}),
        ("nasi box", {"nasi_kotak"}),  # the product says "nasi kotak"
        ("makan siang", {"nasi_kotak", "prasmanan"}),  # lunch is a boxed meal or a buffet
        ("kerajinan", {"kriya"}),  # crafts, by the category (kriya) and the MSMEs' names
        ("jajan pasar", {"kudapan"}),
    ],
)
def test_the_shops_words_find_their_kind(city, db, query, kinds):
    results = found(query)

    assert results.exists()
    kinds_found = set(results.values_list("kind", flat=True))
    assert kinds_found & kinds
    main = max(kinds_found, key=lambda kind: results.filter(kind=kind).count())
    assert main in kinds, f"{query!r} finds mostly {main}"


def test_halal_finds_the_halal_products_only(city, db):
    results = found("halal")

    assert results.count() == product_search(ListingFilters(halal_only=True)).count() > 0
    assert not results.filter(is_halal=False).exists()


def test_vegetarian_finds_vegetarian_and_vegan_food(city, db):
    results = list(found("vegetarian"))

    assert results
    assert all({"vegetarian", "vegan"} & set(p.dietary_tags) for p in results)


def test_a_kecamatan_and_an_msme_name_are_found(city, db):
    product = found("").filter(stockrecords__partner__kecamatan__isnull=False).first()
    partner = product.stockrecords.get().partner

    by_kecamatan = found(partner.kecamatan.name)
    by_name = found(partner.name)

    assert by_kecamatan.filter(pk=product.pk).exists()
    assert by_name.filter(pk=product.pk).exists()
