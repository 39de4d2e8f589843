"""The category listing filters through the category links alone (no second read of the product
table), by category ids (cached under the category menu's version) rather than a subquery, and
still finds what the old filter found: the same products, order and count, the category's
descendants included, each product once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from marketplace.catalogue.selectors import SORTS, ListingFilters, category_ids, product_search
from tests.factories import CategoryFactory, PartnerFactory, ProductFactory

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
PAGE = 24


@pytest.fixture
def tree():
    """Rapat > Snack Box > Kue Basah, and Oleh-oleh beside it; 27 products in the tree (two pages),
    one of them in two of its categories, and products the listing must leave out."""
    meeting = CategoryFactory(name="Konsumsi Rapat")
    snacks = CategoryFactory(name="Snack Box", parent=meeting)
    cakes = CategoryFactory(name="Kue Basah", parent=snacks)
    souvenirs = CategoryFactory(name="Oleh-oleh")
    partner = PartnerFactory()
    for n in range(9):
        ProductFactory(title=f"Nasi Kotak {n}", categories=[meeting], partner=partner, price=20000 + n * 1000)
        ProductFactory(title=f"Snack Box {n}", categories=[snacks], price=15000 + (n % 3) * 1000)
        ProductFactory(title=f"Kue Lapis {n}", categories=[cakes], partner=partner, price=15000)
    ProductFactory(title="Risoles di dua kategori", categories=[meeting, cakes])
    ProductFactory(title="Wingko Babat", categories=[souvenirs])
    ProductFactory(title="Lemper tidak tampil", categories=[snacks], is_public=False)
    ProductFactory(title="Lumpia UMKM nonaktif", categories=[cakes], partner=PartnerFactory(is_active=False))
    return meeting


def old_listing(categories, sort="newest"):
    """The filter as it was: the products of the categories read again as a subquery."""
    return product_search(ListingFilters(sort=sort)).filter(
        pk__in=Product.objects.filter(categories__in=categories).values("pk")
    )


@pytest.mark.parametrize("sort", SORTS)
def test_category_listing_finds_what_the_old_filter_found(tree, sort):
    categories = tree.get_descendants_and_self()
    listing = product_search(ListingFilters(categories=categories, sort=sort))

    found = list(listing.values_list("pk", flat=True))

    assert found == list(old_listing(categories, sort).values_list("pk", flat=True))
    assert len(found) == len(set(found)) == 28  # 27 + the product in two categories, once
    titles = set(Product.objects.filter(pk__in=found).values_list("title", flat=True))
    assert "Kue Lapis 0" in titles  # a grandchild's product
    assert {"Wingko Babat", "Lemper tidak tampil", "Lumpia UMKM nonaktif"}.isdisjoint(titles)


@pytest.mark.parametrize("sort", SORTS)
def test_category_ids_list_what_the_categories_queryset_listed(tree, sort):
    by_ids = product_search(ListingFilters(categories=category_ids(tree), sort=sort))

    assert list(by_ids.values_list("pk", flat=True)) == list(
        old_listing(tree.get_descendants_and_self(), sort).values_list("pk", flat=True)
    )


def test_category_ids_are_the_category_and_its_descendants(tree):
    snacks = tree.get_children().get()

    assert sorted(category_ids(tree)) == sorted(c.pk for c in tree.get_descendants_and_self())
    assert len(category_ids(tree)) == 3
    assert sorted(category_ids(snacks)) == sorted([snacks.pk, snacks.get_children().get().pk])


def test_category_filter_reads_the_product_table_once_and_no_category(tree):
    sql = str(product_search(ListingFilters(categories=category_ids(tree))).query)

    assert sql.count('FROM "catalogue_product"') == 1
    assert '"catalogue_productcategory"' in sql
    assert '"catalogue_category"' not in sql


def test_a_new_subcategory_is_listed_at_once(client, tree):
    assert "Pastel Baru" not in client.get(tree.get_absolute_url()).content.decode()  # ids cached
    fresh = CategoryFactory(name="Pastel", parent=tree)
    ProductFactory(title="Pastel Baru", categories=[fresh])

    assert "Pastel Baru" in client.get(tree.get_absolute_url()).content.decode()


def test_a_leaf_category_lists_only_its_products(tree):
    cakes = tree.get_descendants().get(name="Kue Basah")
    categories = cakes.get_descendants_and_self()

    found = list(product_search(ListingFilters(categories=categories)).values_list("pk", flat=True))

    assert found == list(old_listing(categories).values_list("pk", flat=True))
    assert len(found) == 10  # 9 cakes and the product in two categories


def test_category_page_count_and_pages_equal_the_old_listing(client, tree):
    """Anonymous, as the benchmark visits it: the pager's count and both pages."""
    expected = list(old_listing(tree.get_descendants_and_self()).values_list("pk", flat=True))

    first = client.get(tree.get_absolute_url())
    with CaptureQueriesContext(connection) as captured:
        second = client.get(tree.get_absolute_url(), {"page": 2})

    assert first.status_code == second.status_code == 200
    assert first.context["paginator"].count == len(expected) == 28
    assert [p.pk for p in first.context["products"]] == expected[:PAGE]
    assert [p.pk for p in second.context["products"]] == expected[PAGE:]
    listing = [q["sql"] for q in captured.captured_queries if "catalogue_productcategory" in q["sql"]]
    assert listing and not any('"catalogue_category"' in sql for sql in listing)  # ids, from the cache
