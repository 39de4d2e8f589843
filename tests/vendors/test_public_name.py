"""A NIK an owner typed into the business name never reaches the public pages that name the MSME:
the product page and the MSME's own page show it masked, as the catalogue cards do."""

import pytest

from tests.factories import VendorFactory
from tests.factories.catalogue_extra import CateringProductFactory

pytestmark = pytest.mark.django_db

NIK = "3374014501900001"
MASKED = "3374••••••••0001"


@pytest.fixture
def product():
    vendor = VendorFactory(approved=True, business_name=f"Katering {NIK}")
    return CateringProductFactory(title="Risoles Ragout", partner=vendor.partner)


def test_the_product_page_never_shows_a_nik_in_the_business_name(client, product):
    response = client.get(product.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert NIK not in page
    assert f"Katering {MASKED}" in page  # the link to the MSME's page, in the product's facts


def test_the_msme_page_never_shows_a_nik_in_the_business_name(client, product):
    response = client.get(f"/umkm/u/{product.stockrecords.get().partner.vendor.slug}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert NIK not in page
    assert page.count(f"Katering {MASKED}") >= 3  # the title, the breadcrumb and the heading
