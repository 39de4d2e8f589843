"""The product page (issue 19, ≤ 25 ms): a warm page asks a fixed few queries, with or without a
recently-viewed history; the parts that are the same for every visitor (the photo, the title,
price and facts, the description, the strip of products viewed) come from the cache and show a
change at once; the basket form, the CSRF token and the login prompt stay each visitor's own."""

import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from marketplace.accounts import roles
from marketplace.catalogue.templatetags.product_page import PART_CACHE_PREFIX, STRIP_CACHE_PREFIX
from procurement.ceilings.selectors import ceilings_by_kind
from tests.factories import CategoryFactory, KecamatanFactory, PartnerFactory, UserFactory, VendorFactory
from tests.factories.catalogue_extra import CateringProductFactory, PhotoFactory, PriceCeilingFactory

pytestmark = pytest.mark.django_db

StockRecord = get_model("partner", "StockRecord")
ProductRecommendation = get_model("catalogue", "ProductRecommendation")
ProductAlert = get_model("customer", "ProductAlert")

# The product with its class and what the page asks of it, its photos, its stock records (with
# partner, kecamatan and MSME), Oscar's view counter; and the transaction's two statements.
WARM_QUERIES = 6
# ... and the products viewed before, with what their cards show.
WARM_QUERIES_WITH_HISTORY = WARM_QUERIES + 1
MARKER = "PART-FROM-THE-CACHE"


def visit(client: Client, product) -> tuple[list[str], str]:
    """Open the product's page: (the SQL it ran, its HTML)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries], response.content.decode()


def page(client: Client, product) -> str:
    return visit(client, product)[1]


def keys(prefix: str) -> list[str]:
    """Our keys in the test's local-memory cache (stored as ':1:' + key)."""
    return [key.split(":", 2)[2] for key in cache._cache if prefix in key]


def poison(prefix: str) -> None:
    """Replace every cached part by a marker: a page showing it took the part from the cache."""
    for key in keys(prefix):
        cache.set(key, MARKER)


def main_part(html: str) -> str:
    """The title, price and facts (from the <h1> to the end of the facts)."""
    found = re.search(r"<h1>.*?</dl>", html, re.S)
    assert found, "no title and facts on the page"
    return found.group(0)


def strip(html: str) -> str:
    marker = 'class="sub-header"'
    return html[html.rfind(marker) :] if marker in html else ""


@pytest.fixture
def vendor():
    return VendorFactory(approved=True, business_name="Katering Bu Ani")


@pytest.fixture
def product(vendor):
    vendor.partner.kecamatan = KecamatanFactory(name="Gayamsari")
    vendor.partner.save()
    PriceCeilingFactory(kind="makan", max_price_idr=40_000)
    return CateringProductFactory(
        title="Nasi Kotak Ayam Bakar",
        description="Nasi, ayam bakar madu dan lalapan.",
        partner=vendor.partner,
        price=30_000,
        categories=[CategoryFactory(name="Nasi Kotak")],
    )


@pytest.fixture
def officer():
    return UserFactory(roles=[roles.BUYER])


@pytest.fixture
def officer_client(officer):
    client = Client()
    client.force_login(officer)
    return client


# --- Queries ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_warm_page_asks_a_fixed_few_queries_with_and_without_history():
    """Committed rows, as in production: the ceilings' and the category tree's caches are used."""
    category = CategoryFactory(name="Nasi Kotak")
    PriceCeilingFactory(kind="makan", max_price_idr=40_000)
    target, *others = [
        CateringProductFactory(
            title=f"Nasi Kotak Menu {n:02d}", categories=[category], partner=PartnerFactory()
        )
        for n in range(8)
    ]
    client = Client()
    visit(client, target)  # Oscar's view counter inserts its row on a product's first view
    queries, html = visit(client, target)  # the only product in the history is this one
    for other in others:
        visit(client, other)
    visit(client, target)  # the strip of these products, rendered once
    with_history, history_html = visit(client, target)

    assert len(queries) <= WARM_QUERIES, "\n".join(queries)
    assert len(with_history) <= WARM_QUERIES_WITH_HISTORY, "\n".join(with_history)
    assert "Nasi Kotak Menu 01" not in strip(html)
    assert "Nasi Kotak Menu 07" in strip(history_html) and "Nasi Kotak Menu 00" not in strip(history_html)
    # Each statement's table: the breadcrumb, the ceilings, the recommendations and the product
    # options asked nothing of their own.
    tables = {
        m.group(1) for sql in with_history if (m := re.match(r'(?:SELECT|UPDATE|INSERT INTO) "(\w+)"', sql))
    }
    assert tables == {
        "catalogue_product",
        "catalogue_productimage",
        "partner_stockrecord",
        "analytics_productrecord",
    }
    assert '<a href="/catalogue/category/nasi-kotak_' in html  # the breadcrumb is still there
    assert 'data-ceiling="within"' in main_part(html)


def test_an_officer_is_not_asked_for_stock_alerts_or_product_options(officer_client, product):
    page(officer_client, product)

    queries, html = visit(officer_client, product)

    assert 'id="add_to_basket_form"' in html
    assert not [sql for sql in queries if "customer_productalert" in sql]
    assert not [sql for sql in queries if re.match(r'SELECT [^()]*FROM "catalogue_option"', sql)]


def test_an_officer_still_gets_oscars_stock_alert_where_the_product_cannot_be_bought(
    officer_client, officer, product
):
    StockRecord.objects.filter(product=product).update(price=None)
    assert 'id="alert_form"' in page(officer_client, product)
    ProductAlert.objects.create(product=product, user=officer, status=ProductAlert.ACTIVE)

    html = page(officer_client, product)

    assert 'id="alert_form"' not in html and 'id="add_to_basket_form"' not in html


# --- The cached parts show a change at once ---------------------------------------------------


def test_the_second_visit_takes_the_shared_parts_from_the_cache(client, product):
    first = page(client, product)
    assert len(keys(PART_CACHE_PREFIX)) == 3  # the photo, the title and facts, the description
    poison(PART_CACHE_PREFIX)

    html = page(client, product)

    assert html.count(MARKER) == 3
    assert 'id="login-to-order"' in html  # the visitor's own part is rendered each time
    assert "Katering Bu Ani" in first and "Nasi, ayam bakar madu dan lalapan." in first


def test_a_new_price_shows_at_once(client, product):
    page(client, product)
    poison(PART_CACHE_PREFIX)
    record = product.stockrecords.get()
    record.price = 32_500
    record.save()

    main = main_part(page(client, product))

    assert MARKER not in main
    assert "Rp 32.500" in main


def test_a_price_written_without_save_shows_too(client, product):
    page(client, product)
    poison(PART_CACHE_PREFIX)
    StockRecord.objects.filter(product=product).update(price=45_000)  # no date_updated change

    main = main_part(page(client, product))

    assert "Rp 45.000" in main
    assert 'data-ceiling="above"' in main  # above the Rp 40.000 ceiling


def test_a_new_title_and_description_show_at_once(client, product):
    page(client, product)
    poison(PART_CACHE_PREFIX)
    product.title = "Nasi Kotak Ayam Bakar Madu"
    product.description = "Kini dengan sambal korek."
    product.save()

    html = page(client, product)

    assert MARKER not in html
    assert "<h1>Nasi Kotak Ayam Bakar Madu</h1>" in html
    assert "Kini dengan sambal korek." in html


def test_the_msmes_new_name_and_kecamatan_show_at_once(client, product, vendor):
    page(client, product)
    poison(PART_CACHE_PREFIX)
    partner = vendor.partner
    partner.name = "Katering Ani Jaya"
    partner.kecamatan = KecamatanFactory(name="Pedurungan")
    partner.save()

    main = main_part(page(client, product))

    assert MARKER not in main
    assert f'<a href="/umkm/u/{vendor.slug}/">Katering Ani Jaya</a>' in main
    assert "Pedurungan" in main


def test_a_new_ceiling_shows_at_once(client, product):
    assert "Rp 40.000" in main_part(page(client, product))
    poison(PART_CACHE_PREFIX)
    ceiling = ceilings_by_kind()["makan"]
    ceiling.max_price_idr = 25_000
    ceiling.save()

    main = main_part(page(client, product))

    assert MARKER not in main
    assert "Rp 25.000" in main and 'data-ceiling="above"' in main


def test_a_new_photo_shows_at_once(client, product):
    assert "image_not_found" in page(client, product)
    poison(PART_CACHE_PREFIX)

    photo = PhotoFactory(product=product)
    html = page(client, product)

    assert MARKER not in html
    assert f"thumbs/detail/{photo.original.name.rsplit('.', 1)[0]}.jpg" in html


def breadcrumb(html: str) -> str:
    found = re.search(r'<ol class="breadcrumb">.*?</ol>', html, re.S)
    assert found, "no breadcrumb"
    return found.group(0)


def test_a_renamed_or_changed_category_shows_in_the_breadcrumb_at_once(client, product):
    assert ">Nasi Kotak</a>" in breadcrumb(page(client, product))
    category = product.categories.get()
    category.name = "Nasi Box"
    category.save()
    assert ">Nasi Box</a>" in breadcrumb(page(client, product))

    product.categories.set([CategoryFactory(name="Prasmanan")])

    shown = breadcrumb(page(client, product))
    assert ">Prasmanan</a>" in shown and ">Nasi Box</a>" not in shown


def test_the_parts_are_kept_per_language(client, product):
    assert "Pesanan minimum" in page(client, product)
    client.cookies["django_language"] = "en"

    assert "Minimum order" in page(client, product)


def test_recommendations_are_shown_when_the_product_has_some(client, product):
    assert "Recommended" not in page(client, product) and "Rekomendasi" not in page(client, product)
    other = CateringProductFactory(title="Es Teh Manis Jumbo", partner=PartnerFactory())
    ProductRecommendation.objects.create(primary=product, recommendation=other, ranking=1)

    assert "Es Teh Manis Jumbo" in page(client, product)


# --- What stays each visitor's own ------------------------------------------------------------


def test_each_visitor_gets_their_own_basket_form_and_token_beside_the_shared_parts(
    client, officer_client, product
):
    officer_html = page(officer_client, product)  # fills the cache as an officer
    other_officer = Client()
    other_officer.force_login(UserFactory(roles=[roles.BUYER]))

    other_html = page(other_officer, product)
    anonymous_html = page(client, product)

    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert 'id="add_to_basket_form"' in officer_html and 'id="add_to_basket_form"' in other_html
    assert 'id="add_to_basket_form"' not in anonymous_html and 'id="login-to-order"' in anonymous_html
    assert token.findall(officer_html) and token.findall(other_html)
    assert set(token.findall(officer_html)).isdisjoint(token.findall(other_html))
    assert main_part(officer_html) == main_part(other_html) == main_part(anonymous_html)
    for key in keys(PART_CACHE_PREFIX):  # no token, form or visitor in a shared part
        assert "csrfmiddlewaretoken" not in cache.get(key) and "add_to_basket" not in cache.get(key)


def test_markup_the_msme_typed_is_escaped_in_the_cached_parts_too(client, vendor):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    vendor.partner.name = f"Dapur {payload}"
    vendor.partner.save()
    product = CateringProductFactory(
        title=f"Nasi {payload}", description=f"Enak {payload}", contents=payload, partner=vendor.partner
    )

    for _ in range(2):  # the first render fills the cache, the second reads it
        html = page(client, product)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html
    assert keys(PART_CACHE_PREFIX)


# --- The year's ceilings, cached --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_years_ceilings_are_read_once_and_again_after_a_committed_change():
    ceiling = PriceCeilingFactory(kind="makan", max_price_idr=40_000)
    assert ceilings_by_kind()["makan"].max_price_idr == 40_000
    with CaptureQueriesContext(connection) as read:
        assert ceilings_by_kind()["makan"].max_price_idr == 40_000
    assert len(read) == 0

    with transaction.atomic():
        ceiling.max_price_idr = 30_000
        ceiling.save()
        assert ceilings_by_kind()["makan"].max_price_idr == 30_000  # its own change, uncommitted
        transaction.set_rollback(True)
    assert ceilings_by_kind()["makan"].max_price_idr == 40_000  # rolled back: the cache holds

    ceiling.max_price_idr = 25_000
    ceiling.save()
    assert ceilings_by_kind()["makan"].max_price_idr == 25_000
    ceiling.delete()
    assert "makan" not in ceilings_by_kind()
    assert ceilings_by_kind(cached=False) == {}


# --- The recently-viewed strip ----------------------------------------------------------------


def test_the_strip_comes_from_the_cache_and_shows_a_viewed_products_change_at_once(client, product):
    viewed = CateringProductFactory(title="Snack Box Risoles", price=15_000, partner=PartnerFactory())
    page(client, viewed)
    page(client, product)
    assert "Snack Box Risoles" in strip(page(client, product))
    poison(STRIP_CACHE_PREFIX)
    assert MARKER in page(client, product)  # nothing changed: the strip came from the cache

    viewed.title = "Snack Box Risoles Mayo"
    viewed.save()
    StockRecord.objects.filter(product=viewed).update(price=17_500)
    shown = strip(page(client, product))

    assert MARKER not in shown
    assert "Snack Box Risoles Mayo" in shown and "Rp 17.500" in shown
