"""Every OCDS package validates against the OCDS 1.1.5 schemas and codelists shipped in the
repository (procurement/transparency/ocds_schema); a broken release is caught."""

import copy
import json

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procurement.settlement.models import Invoice, Payment
from procurement.transparency import ocds, selectors
from procurement.transparency.api import ocds_views
from procurement.transparency.ocds_validation import SCHEMA_DIR, codes, package_problems
from procurement.transparency.selectors import Period
from tests.procurement.transparency.world import paid_order, town

pytestmark = pytest.mark.django_db


def csv_url(year: int) -> str:
    return reverse("transparency:csv-orders", args=[year])


def body(response) -> dict:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(content)


def packages(client):
    year = selectors.current_year()
    month = selectors.timezone.localdate().month
    yield "release", client.get(reverse("transparency:ocds-year", args=[year]))
    yield "release", client.get(reverse("transparency:ocds-month", args=[year, month]))
    yield "record", client.get(reverse("transparency:ocds-records", args=[year]))


def test_the_schemas_and_codelists_ship_in_the_repository():
    for name in ("release-schema.json", "release-package-schema.json", "record-package-schema.json"):
        assert (SCHEMA_DIR / name).is_file()
    assert (SCHEMA_DIR / "LICENSE.md").read_text().count("Apache") >= 1
    assert "direct" in codes("method.csv") and "IDR" in codes("currency.csv")


def test_every_package_validates_with_its_closed_codelists(client, city):
    for kind, response in packages(client):
        assert response.status_code == 200
        package = body(response)
        assert package_problems(package, kind=kind) == []
        assert package["version"] == "1.1"
        assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"


def test_a_period_without_payments_has_no_package(client, city):
    # A package holds at least one release: an empty period answers 404 with a message.
    response = client.get(reverse("transparency:ocds-year", args=[selectors.current_year() - 1]))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get("/ocds/2026/13/").status_code == 404


def test_the_year_package_streams(client, city):
    response = client.get(reverse("transparency:ocds-year", args=[selectors.current_year()]))

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("application/json")
    again = client.get(response.wsgi_request.path, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def _streamed(client, url) -> tuple[object, list[bytes]]:
    response = client.get(url)
    return response, list(response.streaming_content)  # the rows are read as it is consumed


def test_a_years_package_and_csv_stream_with_queries_that_do_not_grow_with_the_orders(
    client, django_assert_max_num_queries
):
    city = town(orders_a=2, orders_b=1)
    year = selectors.current_year()
    package, orders_file = reverse("transparency:ocds-year", args=[year]), csv_url(year)
    counts, paid = {}, 3
    for n in (3, 30):
        while paid < n:
            paid_order((city.a, city.b)[paid % 2])
            paid += 1
        assert Invoice.objects.filter(status=Invoice.Status.PAID).count() == n
        with CaptureQueriesContext(connection) as queries:
            with django_assert_max_num_queries(8):
                response, pieces = _streamed(client, package)
            with django_assert_max_num_queries(3):
                csv_response, lines = _streamed(client, orders_file)
        assert isinstance(response, StreamingHttpResponse) and isinstance(csv_response, StreamingHttpResponse)
        assert len(pieces) == n + 2  # the head, each release as it is written, the end
        assert len(json.loads(b"".join(pieces))["releases"]) == n and len(lines) == n + 1
        counts[n] = len(queries)

    assert counts[3] == counts[30]


def test_a_years_orders_are_read_a_chunk_at_a_time(client, city, monkeypatch):
    # Never every order in memory: the releases' lines, receipts and payments are fetched per
    # chunk of orders (here 1 at a time, so once per order).
    monkeypatch.setattr(ocds, "CHUNK", 1)
    url = reverse("transparency:ocds-year", args=[selectors.current_year()])
    with CaptureQueriesContext(connection) as queries:
        _response, pieces = _streamed(client, url)

    lines = [q["sql"] for q in queries if 'FROM "order_line"' in q["sql"]]
    assert len(lines) == len(city.invoices) == len(pieces) - 2


def test_a_large_month_streams_instead_of_being_cached(client, city, monkeypatch):
    today = selectors.timezone.localdate()
    url = reverse("transparency:ocds-month", args=[today.year, today.month])
    assert not client.get(url).streaming  # 3 orders: cached whole

    monkeypatch.setattr(ocds_views, "CACHED_RELEASES_MAX", 2)

    response = client.get(url)
    assert response.streaming
    assert package_problems(body(response), kind="release") == []


def test_a_release_maps_the_order(city, settings):
    settings.OCDS_OCID_PREFIX = "ocds-abc123"
    invoice = city.invoices[0]
    package = ocds.release_package(Period(selectors.current_year()))
    release = next(r for r in package["releases"] if r["ocid"].endswith(str(invoice.unit_order.order.number)))
    uo = invoice.unit_order

    assert release["ocid"] == f"ocds-abc123-{uo.order.number}"
    assert release["buyer"] == {"id": f"opd-{uo.unit.code}", "name": uo.unit.name}
    roles = {p["id"]: p["roles"] for p in release["parties"]}
    assert "buyer" in roles[f"opd-{uo.unit.code}"] and "supplier" in roles[f"umkm-{uo.partner_id}"]
    supplier = next(p for p in release["parties"] if "supplier" in p["roles"])
    assert set(supplier) == {"id", "name", "roles"}  # business name and public id only
    tender = release["tender"]
    assert tender["procurementMethod"] == "direct"
    assert tender["procurementMethodDetails"] == "Pembelian langsung / e-purchasing UMKM"
    (item,) = release["contracts"][0]["items"]
    assert item["quantity"] == 10 and item["unit"]["value"] == {"amount": 20_000, "currency": "IDR"}
    (transaction,) = release["contracts"][0]["implementation"]["transactions"]
    payment = Payment.objects.get(invoice=invoice, status=Payment.Status.SUCCEEDED)
    assert transaction["value"] == {"amount": payment.amount_idr, "currency": "IDR"}
    assert transaction["payer"]["id"] == f"opd-{uo.unit.code}"
    assert transaction["payee"]["id"] == f"umkm-{uo.partner_id}"
    assert release["contracts"][0]["value"]["amount"] == invoice.total_idr


@pytest.mark.parametrize(
    "breakage",
    [
        lambda r: r["tender"].update(procurementMethod="lelang"),  # closed codelist
        lambda r: r["contracts"][0]["value"].update(currency="RUPIAH"),  # closed codelist
        lambda r: r["awards"][0].update(status="done"),
        lambda r: r.pop("ocid"),  # required
        lambda r: r.update(date="kemarin"),  # date-time format
        lambda r: r["tender"]["value"].update(amount="200000"),  # amounts are numbers
        lambda r: r["parties"][0].update(roles=["pembeli"]),  # not a party role
    ],
)
def test_a_broken_release_fails_validation(city, breakage):
    package = ocds.release_package(Period(selectors.current_year()))
    assert package_problems(package) == []
    broken = copy.deepcopy(package)
    breakage(broken["releases"][0])

    assert package_problems(broken) != []


def test_a_package_is_built_from_values_without_model_instances(client, city):
    """A release costs its JSON: the invoices, order lines and payments are read as values, not
    as Django models (their instantiation took two thirds of the CPU per release)."""
    from django.db.models.signals import post_init

    made = []

    def count(sender, **kwargs):
        made.append(sender)

    post_init.connect(count)
    try:
        package = ocds.release_package(Period(selectors.current_year()))
    finally:
        post_init.disconnect(count)
    assert len(package["releases"]) == len(city.invoices)
    assert all(release["tender"]["items"] for release in package["releases"])
    assert made == []
