"""The API: permissions per role, token auth, throttling, JSON errors, pagination, the schema."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token

from marketplace.accounts import roles
from procurement.transparency import selectors
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def numbers(response) -> set[str]:
    return {o["number"] for o in response.json()["results"]}


def test_public_endpoints_answer_anyone_paginated(client, city):
    year = selectors.current_year()
    for url in [
        reverse("api:spending-years"),
        reverse("api:spending", args=[year, "unit"]),
        reverse("api:rapor", args=[year]),
        reverse("api:unit-paid-orders", args=[city.a.unit.code]),
        reverse("api:ocds-releases", args=[year]),
        reverse("api:catalogue") + "?q=lumpia",
    ]:
        body = client.get(url).json()
        assert set(body) == {"count", "next", "previous", "results"}, url
        assert body["count"] >= 1, url


def test_the_officer_sees_the_orders_of_their_unit_only(client, city):
    mine = str(city.invoices[0].unit_order.order.number)
    theirs = str(city.invoices[2].unit_order.order.number)
    client.force_login(city.a.officer)

    assert mine in numbers(client.get(reverse("api:my-orders")))
    assert theirs not in numbers(client.get(reverse("api:my-orders")))
    assert client.get(reverse("api:my-order", args=[mine])).status_code == 200
    refused = client.get(reverse("api:my-order", args=[theirs]))
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    other_unit = client.get(reverse("api:my-orders"), {"unit": city.b.unit.code})
    assert other_unit.status_code == 403
    assert other_unit.json()["detail"] == "Anda tidak bertugas untuk perangkat daerah ini."
    assert client.get(reverse("api:incoming-orders")).status_code == 403  # not an MSME


def test_the_msme_sees_its_own_incoming_orders_only(client, city):
    mine = str(city.invoices[0].unit_order.order.number)
    theirs = str(city.invoices[2].unit_order.order.number)
    client.force_login(city.a.vendor_user)

    assert numbers(client.get(reverse("api:incoming-orders"))) >= {mine}
    assert theirs not in numbers(client.get(reverse("api:incoming-orders")))
    assert client.get(reverse("api:incoming-order", args=[mine])).status_code == 200
    assert client.get(reverse("api:incoming-order", args=[theirs])).status_code == 404
    assert client.get(reverse("api:my-orders")).status_code == 403  # no unit


def test_anonymous_and_the_analyst_have_no_orders(client, city, settings):
    settings.STAFF_MFA_REQUIRED = False
    anonymous = client.get(reverse("api:my-orders"))
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "not_authenticated"
    client.force_login(UserFactory(roles=[roles.ANALYST]))
    assert client.get(reverse("api:my-orders")).status_code == 403
    assert client.get(reverse("api:incoming-orders")).status_code == 403
    assert client.get(reverse("api:spending-years")).status_code == 200


def test_a_token_made_on_the_token_page_authenticates(client, city):
    client.force_login(city.a.officer)
    page = client.post(reverse("api:token"), {"action": "renew"})
    token = page.context["new_token"]
    assert Token.objects.get(user=city.a.officer).key == token

    client.logout()
    response = client.get(reverse("api:my-orders"), HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 200 and response.json()["count"] == 2
    assert "no-store" in response["Cache-Control"]
    assert client.get(reverse("api:my-orders"), HTTP_AUTHORIZATION="Token salah").status_code == 401


def test_throttling_answers_429_with_a_json_message(client, settings):
    settings.API_THROTTLE_RATES = {"anon": "2/minute", "user": "100/minute"}
    url = reverse("api:spending-years")

    answers = [client.get(url) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    body = answers[2].json()
    assert body["code"] == "throttled"
    assert body["detail"].startswith("Terlalu banyak permintaan")
    assert int(answers[2]["Retry-After"]) == body["retry_after"] > 0


def test_errors_are_json_with_a_message(client, city):
    year = selectors.current_year()
    assert client.get("/api/v1/tidak-ada/").json()["code"] == "not_found"
    bad_month = client.get(reverse("api:spending", args=[year, "unit"]), {"month": 13})
    assert bad_month.status_code == 400 and "month" in bad_month.json()["errors"]
    assert client.get(reverse("api:spending", args=[year, "planet"])).status_code == 404
    assert client.get(reverse("api:rapor", args=[year]), {"page": 99}).json()["code"] == "not_found"
    assert client.post(reverse("api:spending-years")).status_code == 405


def _api_routes():
    """Every endpoint under /api/v1/ and /ocds/ in the URL conf, as OpenAPI paths."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    import re

    for route in walk(get_resolver().url_patterns):
        if route.startswith(("api/v1/", "ocds/")):
            yield "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def test_every_endpoint_appears_in_the_schema(client):
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = set(response.json()["paths"])
    routes = set(_api_routes())

    assert len(routes) >= 12
    assert routes - paths == set()


def test_the_docs_page_serves_swagger_from_the_site_without_inline_script(client):
    response = client.get(reverse("api:docs"))
    html = response.content.decode()

    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<style" not in html and "<script>" not in html
    assert "cdn" not in html.lower()
    script = client.get(reverse("api:docs") + "?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_analyst_reads_the_census_tables_and_a_masked_register(client, city, settings):
    from vendors.census.services import census_record_for_vendor

    settings.STAFF_MFA_REQUIRED = False
    vendor = city.a.vendor
    census_record_for_vendor(vendor=vendor)
    client.force_login(UserFactory(roles=[roles.ANALYST]))

    table = client.get(reverse("api:census-table", args=["sector"]))
    register = client.get(reverse("api:census-register"))

    assert table.status_code == 200 and table.json()["count"] >= 1
    assert {"count", "next", "previous", "results"} == set(register.json())
    rows = register.json()["results"]
    assert rows and all(vendor.nik not in str(row) for row in rows)
    unknown = client.get(reverse("api:census-table", args=["gaji"]))
    assert unknown.status_code == 404 and "sector" in unknown.json()["detail"]


@pytest.mark.parametrize("who", ["anonymous", "officer", "msme"])
def test_only_analysts_read_the_census_through_the_api(client, city, who):
    if who == "officer":
        client.force_login(city.a.officer)
    elif who == "msme":
        client.force_login(city.a.vendor_user)

    for url in (reverse("api:census-table", args=["sector"]), reverse("api:census-register")):
        response = client.get(url)
        assert response.status_code in (401, 403), (who, url)
        assert "detail" in response.json()


def test_a_units_paid_orders_count_is_cached_and_renewed_by_payments_and_refunds(
    client, city, stripe_fake, django_assert_max_num_queries
):
    from procurement.settlement.models import Invoice
    from tests.procurement.transparency.world import paid_by_card, paid_order, refund

    url = reverse("api:unit-paid-orders", args=[city.a.unit.code])

    def count() -> int:
        body = client.get(url).json()
        assert len(body["results"]) == body["count"]
        return body["count"]

    def paid_in_db() -> int:
        return Invoice.objects.filter(status=Invoice.Status.PAID, unit_order__unit=city.a.unit).count()

    first = count()
    assert first == paid_in_db() >= 1
    with django_assert_max_num_queries(4):  # the count is not taken again: the unit, the page
        assert client.get(url).status_code == 200
    paid_order(city.a)
    assert count() == first + 1 == paid_in_db()
    payment = paid_by_card(city.a, stripe_fake)
    assert count() == first + 2
    refund(payment)  # in full: the invoice is no longer paid
    assert count() == first + 1 == paid_in_db()
