"""Oscar's dashboard stays closed to MSMEs, even when linked to their partner the Oscar way.

Oscar's partner dashboard grants `partner.dashboard_access` to users it links to a partner;
its order dashboard then shows whole orders, other sellers' lines included.
"""

import pytest
from django.contrib.auth.models import Permission

from tests.factories import ProductFactory, UserFactory
from tests.marketplace.catalogue.conftest import logged_in

pytestmark = pytest.mark.django_db

DASHBOARD_PAGES = ["/dashboard/", "/dashboard/orders/", "/dashboard/catalogue/"]


@pytest.fixture
def linked_vendor(vendor_a):
    """Vendor A as Oscar's "link user to partner" leaves it: a partner user with dashboard access."""
    owner = vendor_a.owner
    vendor_a.partner.users.add(owner)
    owner.user_permissions.add(
        Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
    )
    ProductFactory(partner=vendor_a.partner, title="Nasi Kotak Bu Ani")
    return owner


@pytest.mark.parametrize("url", DASHBOARD_PAGES)
def test_partner_user_cannot_open_oscars_dashboard(linked_vendor, url):
    response = logged_in(linked_vendor).get(url)

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/login/" in response["Location"] or "/accounts/" in response["Location"]


@pytest.mark.parametrize("url", DASHBOARD_PAGES)
def test_anonymous_cannot_open_oscars_dashboard(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize("url", DASHBOARD_PAGES)
def test_staff_still_use_oscars_dashboard(settings, url):
    settings.STAFF_MFA_REQUIRED = False
    staff = UserFactory(is_staff=True, is_superuser=True)

    assert logged_in(staff).get(url).status_code == 200
