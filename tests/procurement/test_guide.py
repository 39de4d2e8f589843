"""Panduan: a guide page per role, reachable from the menu, linking to the real pages;
and the role menu itself, which shows each person the work pages they may open."""

import re

import pytest
from django.urls import resolve, reverse

from marketplace.accounts import roles
from procurement.guide.views import GUIDE_ROLES
from procurement.units.models import Membership
from tests.factories import UnitFactory, UserFactory
from tests.factories.ordering import MembershipFactory
from tests.procurement.budgets.conftest import with_two_factor

pytestmark = pytest.mark.django_db

SLUGS = ["pelaku-umkm", "pemesan", "ppk", "bendahara", "verifikator", "analis", "admin"]

# The pages each guide must lead to, in the order the role does its work.
STEPS = {
    "pelaku-umkm": [
        "vendors:register",
        "vendors:status",
        "vendors:shop-products",
        "vendors:shop-schedule",
        "ordering:vendor-orders",
        "settlement:vendor-payments",
    ],
    "pemesan": ["catalogue:index", "basket:summary", "checkout:index", "ordering:order-list"],
    "ppk": ["ordering:order-list", "budgets:line-list"],
    "bendahara": ["settlement:payables", "budgets:line-list"],
    "verifikator": ["vendors:verification-queue"],
    "analis": ["census:dashboard", "catalogue:index"],
    "admin": ["admin:units_unit_changelist", "budgets:line-import", "admin:ceilings_priceceiling_changelist"],
}


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"#?]+)', html.split('id="guide-steps"', 1)[1].split("</ol>", 1)[0])


def test_every_role_has_a_guide():
    assert [r.slug for r in GUIDE_ROLES] == SLUGS


@pytest.mark.parametrize("slug", SLUGS)
def test_guide_page_opens_for_a_visitor(client, slug):
    response = client.get(f"/panduan/{slug}/")

    assert response.status_code == 200
    assert reverse("guide:role", args=[slug]) == f"/panduan/{slug}/"


@pytest.mark.parametrize("slug", SLUGS)
def test_guide_links_the_roles_pages_in_the_order_of_the_work(client, slug):
    links = hrefs(client.get(f"/panduan/{slug}/").content.decode())

    expected = [reverse(name) for name in STEPS[slug]]
    positions = [links.index(url) for url in expected]
    assert positions == sorted(positions), f"{slug}: {links}"
    for url in links:
        resolve(url)  # every link goes to a real page


def test_no_guide_speaks_of_a_later_release_any_more(client):
    for slug in SLUGS:
        assert 'id="guide-later"' not in client.get(f"/panduan/{slug}/").content.decode()


def test_unknown_role_is_404(client):
    assert client.get("/panduan/walikota/").status_code == 404


def test_index_lists_every_role_and_marks_mine(client):
    officer = UserFactory(roles=[roles.BUYER])
    client.force_login(officer)

    html = client.get(reverse("guide:index")).content.decode()

    for slug in SLUGS:
        assert reverse("guide:role", args=[slug]) in html
    assert html.index('id="guide-pemesan"') < html.index('id="guide-pelaku-umkm"')  # mine first
    assert html.count('class="badge badge-success"') == 1


# --- the menu ------------------------------------------------------------------------------

MENU = {
    "nav-guide": "guide:index",
    "nav-orders": "ordering:order-list",
    "nav-budgets": "budgets:line-list",
    "nav-incoming-orders": "ordering:vendor-orders",
    "nav-import-dpa": "budgets:line-import",
}


def menu_of(client) -> set[str]:
    html = client.get("/").content.decode()
    shown = set()
    for link_id, name in MENU.items():
        match = re.search(rf'href="([^"]+)" id="{link_id}"', html)
        if match:
            assert match.group(1) == reverse(name)
            shown.add(link_id)
    return shown


def test_visitor_menu_has_the_guide_only(client):
    assert menu_of(client) == {"nav-guide"}


def test_officer_menu_has_orders_and_budget(client):
    officer = UserFactory()
    MembershipFactory(user=officer, unit=UnitFactory(), role=Membership.Role.BUYER)
    client.force_login(officer)

    assert menu_of(client) == {"nav-guide", "nav-orders", "nav-budgets"}


def test_treasurer_menu_has_orders_and_budget_through_the_membership(client):
    treasurer = UserFactory()
    MembershipFactory(user=treasurer, unit=UnitFactory(), role=Membership.Role.TREASURER)
    client.force_login(with_two_factor(treasurer))

    assert menu_of(client) == {"nav-guide", "nav-orders", "nav-budgets"}


def test_msme_owner_menu_has_incoming_orders(client):
    client.force_login(UserFactory(roles=[roles.VENDOR]))

    assert menu_of(client) == {"nav-guide", "nav-incoming-orders"}


def test_admin_menu_has_budget_and_import(client):
    client.force_login(with_two_factor(UserFactory(roles=[roles.ADMIN])))

    assert menu_of(client) == {"nav-guide", "nav-budgets", "nav-import-dpa"}


def test_guide_is_linked_from_the_menu_of_every_page(client):
    for path in ("/", "/catalogue/", "/panduan/pemesan/"):
        assert f'href="{reverse("guide:index")}" id="nav-guide"' in client.get(path).content.decode()
