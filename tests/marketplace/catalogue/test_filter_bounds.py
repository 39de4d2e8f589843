"""The catalogue's filters come from the address bar: a value no product can match (a price
beyond any, a delivery date in year 1 or 9999) is ignored with a message naming the filter, and
the other filters still apply."""

from html import unescape

import pytest

from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def menu():
    return (
        ProductFactory(title="Nasi Kotak Ayam", price=30_000),
        ProductFactory(title="Risoles Mayo", price=5_000),
    )


def listed(response) -> set[str]:
    return {p.title for p in response.context["products"]}


@pytest.mark.parametrize("value", [str(10**13), str(2**63), str(10**30)])
def test_a_price_beyond_any_is_ignored_and_named_and_the_other_filters_apply(client, menu, value):
    response = client.get("/catalogue/", {"price_max": value, "price_min": "10000"})

    assert response.status_code == 200
    assert listed(response) == {"Nasi Kotak Ayam"}  # price_min still applies
    assert "Filter “Harga sampai (Rp)” diabaikan" in unescape(response.content.decode())


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_a_delivery_date_out_of_range_is_ignored_with_a_message(client, menu, day):
    response = client.get("/search/", {"available_on": day, "q": "risoles"})

    assert response.status_code == 200
    assert listed(response) == {"Risoles Mayo"}
    html = unescape(response.content.decode())
    assert "Filter “Tanggal pengantaran” diabaikan: Pilih tanggal antara tahun 2000 dan 2100." in html
