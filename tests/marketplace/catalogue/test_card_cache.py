"""The rendered product cards and the category menu are cached (issue 19), and a change to what a
card shows (the price, the title, the photo, the MSME's name or kecamatan) is seen at once."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from marketplace.catalogue.templatetags.product_cards import CARD_CACHE_PREFIX
from tests.factories import CategoryFactory, KecamatanFactory, PartnerFactory
from tests.factories.catalogue_extra import CateringProductFactory, PhotoFactory, PriceCeilingFactory

pytestmark = pytest.mark.django_db

StockRecord = get_model("partner", "StockRecord")
Category = get_model("catalogue", "Category")
MARKER = "CARD-FROM-THE-CACHE"


def card(client, product) -> str:
    response = client.get("/catalogue/")
    assert response.status_code == 200
    pattern = rf'<article class="[^"]*product-card[^"]*" data-product="{product.pk}">(.*?)</article>'
    found = re.search(pattern, response.content.decode(), re.S)
    assert found, f"no card for {product}"
    return found.group(1)


def card_keys() -> list[str]:
    """The cards in the test's local-memory cache (its own key format: ':1:' + our key)."""
    return [key for key in cache._cache if CARD_CACHE_PREFIX in key]


def poison_cached_cards() -> None:
    """Replace every cached card by a marker: a page showing it took the card from the cache."""
    for key in card_keys():
        cache.set(key.split(":", 2)[2], MARKER)


@pytest.fixture
def product():
    return CateringProductFactory(
        title="Nasi Kotak Ayam Bakar",
        partner=PartnerFactory(name="Dapur Bu Ratna", kecamatan=KecamatanFactory(name="Gayamsari")),
        price=30_000,
    )


def test_the_second_listing_takes_the_card_from_the_cache(client, product):
    card(client, product)
    assert card_keys()
    poison_cached_cards()

    assert MARKER in card(client, product)


def test_a_new_price_shows_at_once(client, product):
    card(client, product)
    poison_cached_cards()
    record = product.stockrecords.get()
    record.price = 32_500
    record.save()

    shown = card(client, product)

    assert MARKER not in shown
    assert "Rp 32.500" in shown


def test_a_price_written_without_save_shows_too(client, product):
    card(client, product)
    poison_cached_cards()
    StockRecord.objects.filter(product=product).update(price=27_000)  # no date_updated change

    assert "Rp 27.000" in card(client, product)


def test_a_new_title_shows_at_once(client, product):
    card(client, product)
    poison_cached_cards()
    product.title = "Nasi Kotak Ayam Bakar Madu"
    product.save()

    shown = card(client, product)

    assert MARKER not in shown
    assert "Nasi Kotak Ayam Bakar Madu" in shown


def test_a_new_photo_shows_at_once(client, product):
    before = card(client, product)
    assert "image_not_found" in before
    poison_cached_cards()
    photo = PhotoFactory(product=product)

    shown = card(client, product)

    assert MARKER not in shown
    assert "image_not_found" not in shown
    assert photo.original.name.rsplit("/", 1)[-1].rsplit(".", 1)[0] in shown


def test_the_msmes_new_name_and_kecamatan_show_at_once(client, product):
    card(client, product)
    poison_cached_cards()
    partner = product.stockrecords.get().partner
    partner.name = "Katering Ratna Jaya"
    partner.kecamatan = KecamatanFactory(name="Pedurungan")
    partner.save()

    shown = card(client, product)

    assert MARKER not in shown
    assert "Katering Ratna Jaya" in shown
    assert "Kec. Pedurungan" in shown


def test_the_ssh_badge_follows_the_years_ceiling_while_the_card_is_cached(client, product):
    ceiling = PriceCeilingFactory(kind="makan", max_price_idr=40_000)
    assert 'data-ceiling="within"' in card(client, product)
    ceiling.max_price_idr = 25_000
    ceiling.save()

    assert 'data-ceiling="above"' in card(client, product)


def test_the_card_is_cached_per_language(client, product):
    """The minimum order and the notice are translated: each language has its own card."""
    assert "pesan H-1" in card(client, product)
    client.cookies["django_language"] = "en"

    shown = card(client, product)

    assert "order 1 day ahead" in shown


def _queries(client, url="/catalogue/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_warm_listing_makes_fewer_queries_and_does_not_grow_with_the_cards(client):
    PriceCeilingFactory(kind="makan", max_price_idr=40_000)
    CategoryFactory(name="Nasi Kotak")
    for n in range(3):
        CateringProductFactory(title=f"Nasi Kotak {n}", partner=PartnerFactory(kecamatan=KecamatanFactory()))
    client.get("/catalogue/")  # the session and anything made once
    cache.clear()
    cold = _queries(client)
    warm = _queries(client)
    for n in range(3, 15):
        CateringProductFactory(title=f"Nasi Kotak {n}", partner=PartnerFactory(kecamatan=KecamatanFactory()))

    more_cards = _queries(client)

    assert warm < cold  # the category menu (two queries, twice) comes from the cache
    assert more_cards <= warm


def test_the_category_menu_shows_a_renamed_category_at_once(client):
    category = CategoryFactory(name="Nasi Kotak")
    html = client.get("/catalogue/").content.decode()
    assert "Nasi Kotak" in html
    category.name = "Nasi Box"
    category.save()

    html = client.get("/catalogue/").content.decode()

    assert "Nasi Box" in html
    assert "Nasi Kotak<" not in html


def test_markup_in_what_the_msme_typed_is_escaped_in_the_cached_card_too(client):
    """The card cache marks its stored HTML safe: it must be the escaped render, cold and warm."""
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    product = CateringProductFactory(
        title=f"Nasi {payload}",
        partner=PartnerFactory(name=f"Dapur {payload}", kecamatan=KecamatanFactory(name="Gayamsari")),
        price=30_000,
    )

    for _ in range(2):  # the first render fills the cache, the second reads it
        html = card(client, product)
        assert "<script>" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html
    assert card_keys()
