"""Counting a listing's results stops past what anyone pages through."""

import pytest
from django.core.paginator import EmptyPage
from oscar.core.loading import get_model

from marketplace.catalogue.views import CatalogueView
from marketplace.common.pagination import CappedCountPaginator
from tests.factories.catalogue_extra import CateringProductFactory

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")


@pytest.fixture
def seven():
    CateringProductFactory.create_batch(7)
    return Product.objects.order_by("pk")


def test_counts_exactly_under_the_cap(seven):
    paginator = CappedCountPaginator(seven, 2, cap=10)

    assert (paginator.count, paginator.is_capped, paginator.num_pages) == (7, False, 4)


def test_stops_counting_at_the_cap(seven):
    paginator = CappedCountPaginator(seven, 2, cap=3)

    assert (paginator.count, paginator.is_capped) == (3, True)
    page = paginator.page(1)
    assert [p.pk for p in page] == [p.pk for p in seven[:2]]
    assert page.has_next()


def test_the_cap_moves_with_the_requested_page(seven):
    paginator = CappedCountPaginator(seven, 2, cap=3, page_number=3)

    # Counted up to 2 pages before + 3: the third page and the one after it are reachable.
    assert (paginator.count, paginator.is_capped) == (7, False)
    assert [p.pk for p in paginator.page(3)] == [p.pk for p in seven[4:6]]


@pytest.mark.parametrize("page_number", ["last", "x", None, "-3"])
def test_odd_page_numbers_count_from_the_first_page(seven, page_number):
    assert CappedCountPaginator(seven, 2, cap=3, page_number=page_number).count == 3


def test_catalogue_says_more_than_when_capped(client, seven, monkeypatch):
    monkeypatch.setattr(CatalogueView, "paginate_by", 2)
    monkeypatch.setattr(CatalogueView, "count_cap", 3)

    html = client.get("/catalogue/").content.decode()

    assert "Lebih dari <strong>3</strong> produk" in html
    assert "Halaman 1</span>" in html
    assert "page=2" in html  # the next page is still offered


def test_catalogue_gives_the_exact_count_under_the_cap(client, seven, monkeypatch):
    monkeypatch.setattr(CatalogueView, "paginate_by", 2)

    html = client.get("/catalogue/").content.decode()

    assert "<strong>7</strong> produk." in html
    assert "Halaman 1 dari 4" in html


def test_two_step_page_keeps_the_order_and_loads_only_its_rows(seven):
    asked = []

    def rows(pks):
        asked.append(list(pks))
        return list(Product.objects.filter(pk__in=pks).order_by("?"))  # any order back

    newest_first = seven.order_by("-pk")
    paginator = CappedCountPaginator(newest_first, 3, cap=10, rows=rows)
    page = paginator.page(2)

    expected = [p.pk for p in newest_first[3:6]]
    assert [p.pk for p in page] == expected
    assert asked == [expected]
    assert [p.pk for p in paginator.page(3)] == [newest_first[6].pk]  # the short last page


def test_is_capped_is_right_before_count_is_asked(seven):
    assert CappedCountPaginator(seven, 2, cap=3).is_capped is True
    assert CappedCountPaginator(seven, 2, cap=7).is_capped is False


# --- Page numbers far past any end --------------------------------------------------------


@pytest.mark.parametrize("page_number", [10**18, "1000000000000000000", str(2**63), "9" * 400])
def test_a_page_far_past_the_end_is_counted_as_the_first_and_is_empty(seven, page_number):
    paginator = CappedCountPaginator(seven, 2, cap=3, page_number=page_number)

    assert paginator.count == 3  # counted as for page 1: no LIMIT the database cannot hold
    with pytest.raises(EmptyPage):
        paginator.page(page_number)
    assert [p.pk for p in paginator.get_page(page_number)] == [p.pk for p in seven[2:3]]  # the last


@pytest.mark.parametrize("url", ["/catalogue/", "/search/"])
@pytest.mark.parametrize("page", ["1000000000000000000", str(2**63), "abc", "-1", "0", "1e9"])
def test_listing_with_an_impossible_page_is_an_indonesian_page_not_found(client, seven, url, page):
    response = client.get(url, {"page": page})

    assert response.status_code == 404
    html = response.content.decode()
    assert "Halaman tidak ditemukan" in html
    assert "nomor halamannya melewati halaman terakhir" in html
