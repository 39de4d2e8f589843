"""The product page's recently-viewed strip (marketplace.customer.history) costs the same queries
whatever the visitor saw before."""

import json

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import CategoryFactory, PartnerFactory, ProductFactory

pytestmark = pytest.mark.django_db

COOKIE = settings.OSCAR_RECENTLY_VIEWED_COOKIE_NAME


def visit(client: Client, product) -> tuple[int, str]:
    """Open the product's page; (queries it took, its HTML)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    return len(captured), response.content.decode()


def strip(html: str) -> str:
    """The recently-viewed part of the page (Oscar's heading starts it)."""
    marker = 'class="sub-header"'
    return html[html.rfind(marker) :] if marker in html else ""


@pytest.fixture
def products():
    category = CategoryFactory(name="Nasi Kotak")
    return [
        ProductFactory(title=f"Nasi Kotak Menu {n:02d}", categories=[category], partner=PartnerFactory())
        for n in range(12)
    ]


def test_product_page_queries_stay_fixed_after_viewing_ten_products(products):
    target, *others = products
    visit(Client(), target)  # Oscar counts a product's views: its first view ever inserts the counter
    viewed_one, viewed_ten = Client(), Client()
    visit(viewed_one, others[0])
    one_queries, one_html = visit(viewed_one, target)
    for product in others[:10]:
        visit(viewed_ten, product)

    ten_queries, ten_html = visit(viewed_ten, target)

    assert ten_queries == one_queries
    assert "Nasi Kotak Menu 01" in strip(one_html)
    shown = [p.title for p in others[:10] if p.title in strip(ten_html)]
    assert shown == [p.title for p in others[4:10]]  # Oscar's six latest
    assert strip(ten_html).index("Menu 10") < strip(ten_html).index("Menu 05")  # latest first


def test_the_strip_adds_a_fixed_few_queries_to_a_first_visit(products):
    target, *others = products
    visit(Client(), target)  # the view counter exists, as for any product viewed before
    first_queries, first_html = visit(Client(), target)
    client = Client()
    for product in others[:10]:
        visit(client, product)

    queries, _html = visit(client, target)

    assert "Menu" not in strip(first_html)
    assert 0 < queries - first_queries <= 3  # the products, their photos, their stock records


def test_the_strip_leaves_out_the_product_shown_and_products_no_longer_public(products):
    target, first, second, *_ = products
    client = Client()
    visit(client, first)
    visit(client, second)
    visit(client, target)
    second.is_public = False
    second.save()

    _queries, html = visit(client, target)

    assert "Nasi Kotak Menu 01" in strip(html)
    assert "Nasi Kotak Menu 02" not in strip(html)
    assert "Nasi Kotak Menu 00" not in strip(html)


def test_a_tampered_history_cookie_shows_only_real_products(products):
    target, first, *_ = products
    client = Client()
    client.cookies[COOKIE] = json.dumps([first.pk, "x", 2**80, -3, True, None, first.pk])

    _queries, html = visit(client, target)

    assert "Nasi Kotak Menu 01" in strip(html)
