"""Browsing the catalogue: products come straight from the database (not haystack)."""

import pytest
from django.utils import translation

from tests.factories import CategoryFactory, PartnerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def in_indonesian(text: str) -> str:
    with translation.override("id"):
        translated = translation.gettext(text)
    assert translated != text, f"{text!r} has no Indonesian translation"
    return translated


# The listing's query count is fixed by marketplace.catalogue.selectors, whatever the page size.
CATALOGUE_MAX_QUERIES = 13
HOME_MAX_QUERIES = 8


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_catalogue_lists_products_of_active_msmes(client):
    ProductFactory(title="Nasi Kotak Ayam Bakar")

    assert "Nasi Kotak Ayam Bakar" in page(client, "/catalogue/")


def test_catalogue_hides_products_of_a_suspended_msme(client):
    ProductFactory(title="Nasi Kotak Ayam Bakar")
    ProductFactory(title="Tahu Gimbal Pak Man", partner=PartnerFactory(is_active=False))

    html = page(client, "/catalogue/")

    assert "Nasi Kotak Ayam Bakar" in html
    assert "Tahu Gimbal Pak Man" not in html


def test_catalogue_hides_products_that_are_not_public(client):
    ProductFactory(title="Nasi Kotak Ayam Bakar")
    ProductFactory(title="Menu Rahasia Dapur", is_public=False)

    html = page(client, "/catalogue/")

    assert "Nasi Kotak Ayam Bakar" in html
    assert "Menu Rahasia Dapur" not in html


def test_catalogue_hides_products_nobody_sells(client):
    ProductFactory(title="Produk Tanpa Penjual", stockrecord=None)

    assert "Produk Tanpa Penjual" not in page(client, "/catalogue/")


def test_catalogue_shows_prices_in_rupiah(client):
    ProductFactory(title="Snack Box Risoles", price=25000)

    assert "Rp 25.000" in page(client, "/catalogue/")


def test_search_finds_products_by_title_word(client):
    ProductFactory(title="Snack Box Risoles", description="Risoles ragout dan kue sus.")
    ProductFactory(title="Nasi Kotak Ayam", description="Nasi, ayam goreng, sayur, sambal.")

    html = page(client, "/catalogue/", q="risoles")

    assert "Snack Box Risoles" in html
    assert "Nasi Kotak Ayam" not in html


def test_search_without_match_says_so(client):
    ProductFactory(title="Nasi Kotak Ayam")

    html = page(client, "/catalogue/", q="rendang")

    assert "Nasi Kotak Ayam" not in html


def test_category_page_lists_its_products_and_those_of_its_subcategories(client):
    food = CategoryFactory(name="Konsumsi Rapat")
    snacks = CategoryFactory(name="Snack Box", parent=food)
    souvenirs = CategoryFactory(name="Oleh-oleh")
    ProductFactory(title="Nasi Kotak Ayam", categories=[food])
    ProductFactory(title="Snack Box Risoles", categories=[snacks])
    ProductFactory(title="Wingko Babat Kotak", categories=[souvenirs])

    html = page(client, food.get_absolute_url())

    assert "Nasi Kotak Ayam" in html
    assert "Snack Box Risoles" in html
    assert "Wingko Babat Kotak" not in html


def test_home_page_lists_products_in_indonesian(client):
    ProductFactory(title="Lumpia Semarang Isi Rebung", price=25000)

    html = page(client, "/")

    assert '<html lang="id"' in html
    assert "Lumpia Semarang Isi Rebung" in html
    assert "Rp 25.000" in html
    assert in_indonesian("Login or register") in html


def test_language_switch_to_english_gives_english_pages(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302

    html = page(client, "/")

    assert '<html lang="en"' in html
    assert "Login or register" in html
    assert in_indonesian("Login or register") not in html


@pytest.mark.parametrize("products", [5, 30])
def test_catalogue_query_count_does_not_grow_with_products(client, django_assert_max_num_queries, products):
    category = CategoryFactory(name="Nasi Kotak")
    for n in range(products):
        ProductFactory(title=f"Nasi Kotak Menu {n}", categories=[category], partner=PartnerFactory())

    with django_assert_max_num_queries(CATALOGUE_MAX_QUERIES):
        html = page(client, "/catalogue/")

    assert html.count("Nasi Kotak Menu") >= min(products, 24)


@pytest.mark.parametrize("products", [5, 30])
def test_home_page_query_count_does_not_grow_with_products(client, django_assert_max_num_queries, products):
    for n in range(products):
        ProductFactory(title=f"Nasi Kotak Menu {n}", partner=PartnerFactory())

    with django_assert_max_num_queries(HOME_MAX_QUERIES):
        page(client, "/")
