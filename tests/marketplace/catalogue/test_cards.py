"""What a catalogue card says: price per unit, minimum order, notice, halal, kecamatan, the SSH
badge, and the MSME's name without a NIK in it; a page of cards in a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.catalogue.templatetags.product_cards import lead_time, mask_nik_runs
from tests.factories import KecamatanFactory, PartnerFactory, ProductFactory
from tests.factories.catalogue_extra import CateringProductFactory, PhotoFactory, PriceCeilingFactory

pytestmark = pytest.mark.django_db

NIK = "3374014501900001"


def card(client, product, url="/catalogue/") -> str:
    """The text of one product's card on a listing page (tags removed, spaces collapsed)."""
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    pattern = rf'<article class="[^"]*product-card[^"]*" data-product="{product.pk}">(.*?)</article>'
    found = re.search(pattern, html, re.S)
    assert found, f"no card for {product}"
    return found.group(1)


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def gayamsari_partner(name="Dapur Bu Ratna"):
    return PartnerFactory(name=name, kecamatan=KecamatanFactory(name="Gayamsari"))


def test_card_shows_the_price_per_unit_minimum_order_notice_and_kecamatan(client):
    product = CateringProductFactory(
        title="Nasi Kotak Ayam Goreng",
        partner=gayamsari_partner(),
        price=35_000,
        sale_unit="porsi",
        min_order_qty=20,
        lead_time_hours=48,
    )

    shown = text(card(client, product))

    assert "Nasi Kotak Ayam Goreng" in shown
    assert "Rp 35.000 / porsi" in shown
    assert "min. 20 porsi" in shown
    assert "pesan H-2" in shown
    assert "Dapur Bu Ratna" in shown
    assert "Kec. Gayamsari" in shown


def test_card_of_a_product_sold_by_the_piece_has_no_minimum_line(client):
    product = ProductFactory(title="Batik Tulis Semarangan", price=450_000)

    shown = text(card(client, product))

    assert "min." not in shown
    assert "Rp 450.000 / buah" in shown


def test_halal_badge_only_on_halal_products(client):
    halal = CateringProductFactory(title="Lemper Ayam", is_halal=True)
    other = CateringProductFactory(title="Babi Kecap", is_halal=False)

    assert "halal-badge" in card(client, halal)
    assert "halal-badge" not in card(client, other)


def test_card_says_whether_the_price_is_within_the_ssh(client):
    PriceCeilingFactory(kind="makan", max_price_idr=40_000)
    within = CateringProductFactory(title="Nasi Kotak Ayam", price=35_000, ceiling_kind="makan")
    above = CateringProductFactory(title="Nasi Kotak Wagyu", price=95_000, ceiling_kind="makan")

    assert 'data-ceiling="within"' in card(client, within)
    assert 'data-ceiling="above"' in card(client, above)


@pytest.mark.parametrize(
    "hours, label",
    [
        (0, "pesan hari-H"),
        (6, "pesan 6 jam sebelumnya"),
        (24, "pesan H-1"),
        (36, "pesan H-2"),
        (72, "pesan H-3"),
    ],
)
def test_notice_is_said_the_way_kitchens_say_it(hours, label):
    from django.utils import translation

    with translation.override("id"):
        assert lead_time(hours) == label


def test_a_nik_typed_into_the_business_name_is_masked_on_the_card(client):
    product = CateringProductFactory(title="Risoles Ragout", partner=gayamsari_partner(f"Katering {NIK}"))

    html = card(client, product)

    assert NIK not in html
    assert "Katering 3374••••••••0001" in text(html)


@pytest.mark.parametrize(
    "name, shown",
    [
        (f"Dapur {NIK}", "Dapur 3374••••••••0001"),
        ("Dapur 3374 0145 0190 0001", "Dapur 3374••••••••0001"),
        ("Dapur 33.74.01.450190.0001", "Dapur 3374••••••••0001"),
        ("Dapur 33740145019000012", "Dapur " + "•" * 17),  # longer runs are masked whole
        ("Dapur Bu Sri 0812-3456-7890", "Dapur Bu Sri 0812-3456-7890"),  # a phone number is no NIK
        ("Katering 2024", "Katering 2024"),
    ],
)
def test_runs_of_sixteen_digits_are_masked(name, shown):
    assert mask_nik_runs(name) == shown


def test_the_title_link_carries_the_whole_title_and_the_grid_holds_the_cards(client):
    title = "Nasi Kotak " + "Ayam Bakar Madu Spesial " * 4
    product = CateringProductFactory(title=title.strip())

    response = client.get("/catalogue/")
    html = response.content.decode()

    assert 'class="product-grid" id="product-list"' in html
    assert f'title="{product.title}"' in card(client, product)


def _products(count: int, start: int = 0):
    for n in range(start, start + count):
        product = CateringProductFactory(
            title=f"Nasi Kotak Menu {n}",
            partner=PartnerFactory(kecamatan=KecamatanFactory()),
            ceiling_kind="makan" if n % 2 else "kudapan",
        )
        if n % 4 == 0:
            PhotoFactory(product=product)


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("url", ["/catalogue/", "/"])
def test_query_count_of_a_page_of_cards_does_not_grow_with_the_cards(client, url):
    """Kecamatan, photos and SSH badges come with the page's fixed queries, not one per card."""
    PriceCeilingFactory(kind="makan", max_price_idr=40_000)
    PriceCeilingFactory(kind="kudapan", max_price_idr=22_000)
    _products(4)
    client.get(url)  # the session and anything made once
    few, _html = _queries(client, url)
    _products(20, start=4)

    many, html = _queries(client, url)

    assert html.count('class="product-card-kecamatan">Kec. ') >= 12
    assert html.count("ceiling-badge") >= 12
    assert many <= few, f"{url}: {few} queries for 4 cards, {many} for more"
