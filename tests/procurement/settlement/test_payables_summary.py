"""The payables page takes its filter choices and totals from one grouped query
(`payables_groups`): they must equal what the queries over the invoices gave, for every filter,
and the page's queries must not grow with the invoices."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from procurement.settlement import selectors
from procurement.settlement.models import Invoice
from procurement.units.models import Membership
from procurement.units.services import membership_revoke
from tests.factories.ordering import MembershipFactory
from tests.procurement.ordering.world import order_in, person_for
from tests.procurement.settlement.world import PayWorld, other_unit, received

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


# --- The invoice's own unit ------------------------------------------------------------------------


def _old_payables(treasurer, filters=None):
    """The payables as they were read before the invoice had a unit: through its order's unit."""
    filters = filters or selectors.PayablesFilter()
    qs = Invoice.objects.filter(
        unit_order__unit__in=selectors.treasurer_units(treasurer), status__in=selectors.UNPAID
    )
    if filters.unit_id:
        qs = qs.filter(unit_order__unit_id=filters.unit_id)
    if filters.partner_id:
        qs = qs.filter(unit_order__partner_id=filters.partner_id)
    if filters.budget_line_id:
        qs = qs.filter(unit_order__budget_line_id=filters.budget_line_id)
    if filters.overdue_only:
        qs = qs.filter(received_at__lt=timezone.now() - timedelta(days=selectors.payment_target_days()))
    return list(qs.order_by("received_at", "pk").values_list("pk", flat=True))


@dataclass
class TwoUnits:
    a: PayWorld  # unit A: one unpaid invoice, its Bendahara
    b: object  # unit B's world (the same MSME)
    b_treasurer: object
    b_invoices: list


@pytest.fixture
def two():
    a = received()
    b = other_unit(a.w)
    b_invoices = [Invoice.objects.get(unit_order=order_in(b, "received")) for _ in range(2)]
    Invoice.objects.filter(pk=b_invoices[0].pk).update(received_at=timezone.now() - timedelta(days=30))
    return TwoUnits(a, b, person_for(b.unit, Membership.Role.TREASURER), b_invoices)


def _numbers(qs):
    return sorted(qs.values_list("number", flat=True))


def test_a_units_payables_never_include_another_units_invoices(two):
    a_treasurer, b_unit = two.a.treasurer, two.b.unit
    # A's Bendahara is B's PPK, and was B's Bendahara once: neither shows B's invoices.
    MembershipFactory(user=a_treasurer, unit=b_unit, role=Membership.Role.PPK)
    MembershipFactory(user=a_treasurer, unit=b_unit, role=Membership.Role.TREASURER)
    membership_revoke(user=a_treasurer, unit=b_unit, role=Membership.Role.TREASURER)

    assert _numbers(selectors.payables(treasurer=a_treasurer)) == [two.a.invoice.number]
    assert _numbers(selectors.payables(treasurer=two.b_treasurer)) == sorted(i.number for i in two.b_invoices)
    # A filter on another unit narrows, never widens.
    on_b = selectors.PayablesFilter(unit_id=b_unit.pk)
    assert not selectors.payables(treasurer=a_treasurer, filters=on_b).exists()
    groups = selectors.payables_groups(treasurer=a_treasurer)
    assert {g["unit_id"] for g in groups} == {two.a.w.unit.pk}
    assert selectors.payables_totals_of(groups)["count"] == 1
    assert selectors.payables_totals_of(groups, on_b)["count"] == 0
    assert not selectors.payables(treasurer=AnonymousUser()).exists()
    assert selectors.payables_groups(treasurer=AnonymousUser()) == []


def test_the_payables_equal_the_old_reads_through_the_order_for_every_filter(two):
    both = person_for(two.a.w.unit, Membership.Role.TREASURER)
    MembershipFactory(user=both, unit=two.b.unit, role=Membership.Role.TREASURER)
    a, b = two.a.w, two.b
    filters = (
        selectors.PayablesFilter(),
        selectors.PayablesFilter(unit_id=a.unit.pk),
        selectors.PayablesFilter(unit_id=b.unit.pk),
        selectors.PayablesFilter(unit_id=b.unit.pk, overdue_only=True),
        selectors.PayablesFilter(overdue_only=True),
        selectors.PayablesFilter(partner_id=a.partner.pk),
        selectors.PayablesFilter(budget_line_id=b.line.pk),
        selectors.PayablesFilter(unit_id=a.unit.pk, budget_line_id=b.line.pk),
    )
    for treasurer in (both, two.a.treasurer, two.b_treasurer):
        groups = selectors.payables_groups(treasurer=treasurer)
        assert selectors.payables_choices(groups) == _slow_choices(treasurer)
        for f in filters:
            new = list(selectors.payables(treasurer=treasurer, filters=f).values_list("pk", flat=True))
            assert new == _old_payables(treasurer, f), (treasurer, f)
            slow = selectors.payables_totals(Invoice.objects.filter(pk__in=new))
            assert selectors.payables_totals_of(groups, f) == slow, (treasurer, f)
    assert len(_old_payables(both)) == 3 and len(_old_payables(both, filters[3])) == 1


def test_the_payables_page_makes_the_same_queries_however_many_invoices_other_units_have(
    client, settings, two
):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(two.a.treasurer)
    _page_queries(client, two.a.treasurer)  # the first visit also sets up the session
    one = _page_queries(client, two.a.treasurer)
    c = other_unit(two.a.w)
    for _ in range(3):
        order_in(c, "received")
    order_in(two.b, "received")

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("settlement:payables"))
    assert len(captured) == one
    assert [i.number for i in response.context["invoices"]] == [two.a.invoice.number]
    assert response.context["totals"]["count"] == 1


def _where(sql: str) -> str:
    """The outer WHERE clause of a query (the joins come before it)."""
    return sql.split(" WHERE ", 1)[1]


def test_the_payables_filter_on_the_invoices_own_unit_not_through_its_order(two):
    """So the database reads the units' unpaid invoices by the (unit, status, received_at) index
    instead of every unpaid invoice of the city joined to its order."""
    treasurer, unit = two.a.treasurer, two.a.w.unit
    own, via_order = '"settlement_invoice"."unit_id"', '"ordering_unitorder"."unit_id"'
    for f in (selectors.PayablesFilter(), selectors.PayablesFilter(unit_id=unit.pk, overdue_only=True)):
        where = _where(str(selectors.payables(treasurer=treasurer, filters=f).query))
        assert f"{own} IN (SELECT" in where and via_order not in where, where
    assert f"{own} = {unit.pk}" in _where(
        str(selectors.payables(treasurer=treasurer, filters=selectors.PayablesFilter(unit_id=unit.pk)).query)
    )
    with CaptureQueriesContext(connection) as captured:
        selectors.payables_groups(treasurer=treasurer)
    (grouped,) = (q["sql"] for q in captured if "GROUP BY" in q["sql"])
    assert own in _where(grouped) and via_order not in _where(grouped)


def test_the_payables_list_joins_few_enough_tables_for_postgresql_to_plan_it_by_the_index():
    """With the memberships' subquery, at most eight tables (PostgreSQL's join_collapse_limit):
    more, and the planner joins the subquery last, after reading every unpaid invoice of the city
    and joining the other tables to each (measured on 115,000 invoices: 1,285 rows read for the
    unit's 92, planned in 44 ms instead of 5)."""
    pw = received()
    sql = str(selectors.payables(treasurer=pw.treasurer)[:25].query)
    tables = sql.count(" JOIN ") + 1 + sql.count(' FROM "units_membership"')
    assert tables <= 8, sql
    page = selectors.payables(treasurer=pw.treasurer)[:25]
    with CaptureQueriesContext(connection) as captured:
        shown = [
            (i.unit_order.partner.name, i.unit_order.unit.name, i.unit_order.budget_line.account.code)
            for i in page
        ]
    assert shown and len(captured) == 1  # what the list shows comes with it
