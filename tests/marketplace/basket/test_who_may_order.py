"""The product page offers "Tambahkan ke keranjang" to those who can order (officers), with the
quantity starting at the minimum; everyone else reads why they cannot, anonymous visitors with a
link to log in. Oscar's tax table is gone from the page (taxes come with the invoice)."""

import re

import pytest

from marketplace.accounts import roles
from tests.factories import UserFactory, VendorFactory
from tests.factories.catalogue_extra import CateringProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    return CateringProductFactory(title="Nasi Kotak Ayam Bakar", price=35_000, min_order_qty=20)


def page(client, product) -> str:
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_visitor_is_told_to_log_in_to_order(client, product):
    content = page(client, product)

    assert 'id="add_to_basket_form"' not in content
    assert "Hanya petugas perangkat daerah (Pemesan OPD) yang dapat memesan. Masuk untuk memesan." in content
    assert f'href="/accounts/login/?next={product.get_absolute_url()}"' in content


def test_msme_owner_is_told_only_officers_order(client, product):
    client.force_login(VendorFactory(approved=True).owner)

    content = page(client, product)

    assert 'id="add_to_basket_form"' not in content
    assert "Anda masuk sebagai pelaku UMKM" in content
    assert 'id="login-to-order"' not in content


@pytest.mark.parametrize("role", [roles.VERIFIER, roles.ANALYST, roles.TREASURER, roles.ADMIN])
def test_staff_without_the_pemesan_role_are_told_whom_to_ask(client, product, role, settings):
    settings.STAFF_MFA_REQUIRED = False  # staff log in with two factors; not the point here
    client.force_login(UserFactory(roles=[role]))

    content = page(client, product)

    assert 'id="add_to_basket_form"' not in content
    assert "tidak memiliki peran Pemesan OPD" in content and "Admin (Diskominfo)" in content


def test_officer_gets_a_quantity_field_starting_at_the_minimum(client, product):
    client.force_login(UserFactory(roles=[roles.BUYER]))

    content = page(client, product)

    assert 'id="cannot-order"' not in content
    field = re.search(r'<input[^>]*name="quantity"[^>]*>', content).group(0)
    assert 'type="number"' in field and 'value="20"' in field and 'min="20"' in field
    assert "Pesanan minimum: 20." in content
    assert "Tambahkan ke keranjang" in content


def test_product_page_has_no_tax_table(client, product):
    content = page(client, product)

    assert 'class="table table-striped"' not in content
    assert "Informasi Produk" not in content and "Product Information" not in content
