"""The payables page takes its filter choices and totals from one grouped query
(`payables_groups`): they must equal what the queries over the invoices gave, for every filter,
and the page's queries must not grow with the invoices."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from procurement.settlement import selectors
from procurement.settlement.models import Invoice
from tests.procurement.ordering.world import order_in
from tests.procurement.settlement.world import received

pytestmark = pytest.mark.django_db


def _slow_choices(treasurer):
    every = selectors.payables(treasurer=treasurer).order_by()
    partners = every.values_list("unit_order__partner_id", "unit_order__partner__name").distinct()
    lines = every.values_list(
        "unit_order__budget_line_id",
        "unit_order__budget_line__account__code",
        "unit_order__budget_line__sub_activity_name",
    ).distinct()
    return sorted(partners, key=lambda p: p[1] or ""), sorted(
        (pk, f"{code} {name}") for pk, code, name in lines
    )


@pytest.fixture
def pw():
    pw = received()
    order_in(pw.w, "received")
    late = order_in(pw.w, "received")
    Invoice.objects.filter(unit_order=late).update(received_at=timezone.now() - timedelta(days=40))
    return pw


def test_choices_and_totals_from_the_groups_equal_the_queries_over_the_invoices(pw):
    groups = selectors.payables_groups(treasurer=pw.treasurer)
    assert selectors.payables_choices(groups) == _slow_choices(pw.treasurer)
    for filters in (
        selectors.PayablesFilter(),
        selectors.PayablesFilter(overdue_only=True),
        selectors.PayablesFilter(partner_id=pw.w.partner.pk),
        selectors.PayablesFilter(partner_id=pw.w.partner.pk + 999),
        selectors.PayablesFilter(budget_line_id=pw.w.line.pk),
        selectors.PayablesFilter(unit_id=pw.w.unit.pk, overdue_only=True),
    ):
        slow = selectors.payables_totals(selectors.payables(treasurer=pw.treasurer, filters=filters))
        assert selectors.payables_totals_of(groups, filters) == slow, filters
    overdue = selectors.payables_totals_of(groups, selectors.PayablesFilter(overdue_only=True))
    assert overdue["count"] == 1 and selectors.payables_totals_of(groups)["count"] == 3


def _page_queries(client, treasurer) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("settlement:payables"))
    assert response.status_code == 200
    return len(captured)


def test_payables_page_queries_do_not_grow_with_the_invoices(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    pw = received()
    client.force_login(pw.treasurer)
    _page_queries(client, pw.treasurer)  # the first visit also sets up the session
    one = _page_queries(client, pw.treasurer)
    for _ in range(3):
        order_in(pw.w, "received")
    assert _page_queries(client, pw.treasurer) == one
