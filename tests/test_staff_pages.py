"""Staff pages send a visitor who is not logged in to the login page (and back afterwards), and
answer a logged-in person without the role with the Indonesian 403 page; pages of one person's
or one unit's own things (orders, invoices, products) send visitors to the login page too."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from marketplace.accounts import roles
from procurement.settlement.models import Invoice
from procurement.units.models import Membership
from tests.factories import UserFactory
from tests.factories.vendor_documents import CompleteVendorFactory
from tests.procurement.ordering.world import build_world, order_in, person_for
from tests.procurement.settlement.world import PayWorld, record_transfer

pytestmark = pytest.mark.django_db

# Pages for a role: (url name, which object of the world fills its argument, if any).
STAFF_PAGES = [
    ("vendors:verification-queue", None),
    ("vendors:verification-review", "submitted"),
    ("census:dashboard", None),
    ("census:export", None),
    ("census:import", None),
    ("census:import-report", None),
    ("census:snapshot-list", None),
    ("census:snapshot-compare", None),
    ("settlement:payables", None),
    ("budgets:line-import", None),
    ("budgets:line-pagu", "line"),
    ("dashboard:index", None),
    ("dashboard:order-list", None),
    ("dashboard:catalogue-product-list", None),
    ("dashboard:users-index", None),
    ("dashboard:partner-list", None),
    ("dashboard:reports-index", None),
]
# Pages of a person's or a unit's own things: others see their own (empty) list, or a 404 that
# does not reveal the object; visitors who are not logged in are sent to log in.
OWN_PAGES = [
    ("ordering:order-list", None),
    ("ordering:order-detail", "awaiting"),
    ("ordering:order-receive", "received"),
    ("ordering:order-letter-pdf", "awaiting"),
    ("ordering:order-bast-pdf", "received"),
    ("ordering:vendor-orders", None),
    ("settlement:invoice-detail", "invoice"),
    ("settlement:invoice-pdf", "invoice"),
    ("settlement:transfer-proof", "payment"),
    ("settlement:vendor-payments", None),
    ("budgets:line-list", None),
    ("budgets:line-detail", "line"),
    ("vendors:shop-products", None),
    ("vendors:shop-product-create", None),
    ("vendors:shop-product-update", "snack"),
    ("vendors:shop-schedule", None),
    ("vendors:status", None),
    ("vendors:register", None),
    ("checkout:index", None),
]


@pytest.fixture
def things(settings):
    settings.STAFF_MFA_REQUIRED = False
    settings.ORDER_DELIVERED_SLACK_HOURS = 24 * 30  # the world's meetings are days ahead
    w = build_world()
    treasurer = person_for(w.unit, Membership.Role.TREASURER)
    received = order_in(w, "received")
    invoice = Invoice.objects.get(unit_order=received)
    return {
        "submitted": CompleteVendorFactory(submitted=True),
        "line": w.line,
        "snack": w.snack,
        "awaiting": order_in(w, "awaiting_vendor"),
        "received": received,
        "invoice": invoice,
        "payment": record_transfer(PayWorld(w=w, treasurer=treasurer, invoice=invoice)),
    }


def url_of(things, name, thing) -> str:
    return reverse(name, args=[things[thing].pk] if thing else None)


def login_redirect(client, url) -> str:
    """Where a visitor who is not logged in ends up, following redirects to the login page."""
    response = client.get(url)
    for _hop in range(3):
        assert response.status_code == 302, f"{url}: {response.status_code}"
        location = response["Location"]
        if urlsplit(location).path == reverse("account_login"):
            return location
        response = client.get(location)
    raise AssertionError(f"{url} never reached the login page")


@pytest.mark.parametrize(
    ("name", "thing"), STAFF_PAGES + OWN_PAGES, ids=[n for n, _ in STAFF_PAGES + OWN_PAGES]
)
def test_a_visitor_not_logged_in_is_sent_to_log_in_and_back(client, things, name, thing):
    url = url_of(things, name, thing)

    location = login_redirect(client, url)

    assert parse_qs(urlsplit(location).query)["next"] == [url]


@pytest.mark.parametrize(("name", "thing"), STAFF_PAGES, ids=[n for n, _ in STAFF_PAGES])
@pytest.mark.parametrize("who", ["no_role", "officer", "vendor"])
def test_a_person_without_the_role_gets_the_indonesian_403(client, things, name, thing, who):
    person = {
        "no_role": lambda: UserFactory(),
        "officer": lambda: UserFactory(roles=[roles.BUYER]),
        "vendor": lambda: UserFactory(roles=[roles.VENDOR]),
    }[who]()
    client.force_login(person)

    response = client.get(url_of(things, name, thing))

    assert response.status_code == 403
    page = response.content.decode()
    assert "Tidak terbuka untuk Anda" in page and "Halaman ini untuk peran lain" in page
    assert 'id="site-header"' in page  # the site's layout, not a bare "403 Forbidden"


def test_the_login_a_visitor_is_sent_to_leads_back_to_the_staff_page(client, things, password):
    verifier = UserFactory(roles=[roles.VERIFIER])
    queue = reverse("vendors:verification-queue")
    location = login_redirect(client, queue)

    response = client.post(location, {"login": verifier.email, "password": password})

    assert response.status_code == 302 and response["Location"] == queue
    assert client.get(queue).status_code == 200
