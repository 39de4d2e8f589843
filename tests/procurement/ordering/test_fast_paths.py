"""The faster reads and the shorter lock of issue 19 give what the slow paths gave.

- `shown_status_in` (which also filters the stored status, for the indexes) keeps exactly the
  orders the shown-status filter alone kept, overdue ones included;
- the officer's history takes the same number of queries whatever the number of orders, and
  fewer on a second visit (its totals are cached: tests/procurement/ordering/test_history_totals_cache.py);
- checkout commits the budget last (the line is locked only for the commitment) and refreshes
  the MSME's 90-day sales after the commit, not inside the order's transaction.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from procurement.budgets.models import LedgerEntry
from procurement.ordering import selectors, services, versions
from procurement.ordering.lifecycle import OrderStatus
from procurement.ordering.models import OrderAction, UnitOrder
from tests.procurement.ordering.world import basket_for, build_world, event, order_in, place

pytestmark = pytest.mark.django_db


def _slow(qs, statuses):
    return selectors.with_shown_status(qs).filter(shown_status__in=[str(s) for s in statuses])


def test_shown_status_in_keeps_what_the_shown_status_filter_kept():
    w = build_world()
    orders = [
        order_in(w, status) for status in ("awaiting_vendor", "confirmed", "pending_approval", "cancelled")
    ]
    overdue = place(w)  # awaiting the MSME, its deadline passed: shown expired
    UnitOrder.objects.filter(pk=overdue.pk).update(vendor_deadline=timezone.now() - timedelta(hours=1))
    assert len(orders) == 4
    everything = UnitOrder.objects.all()
    for statuses in [[s] for s in OrderStatus] + [
        [OrderStatus.PENDING_APPROVAL, OrderStatus.AWAITING_VENDOR, OrderStatus.CONFIRMED],
        [OrderStatus.EXPIRED, OrderStatus.CONFIRMED],
    ]:
        fast = set(selectors.shown_status_in(everything, statuses).values_list("pk", flat=True))
        assert fast == set(_slow(everything, statuses).values_list("pk", flat=True)), statuses
    assert set(selectors.shown_status_in(everything, [OrderStatus.EXPIRED]).values_list("pk", flat=True)) == {
        overdue.pk
    }
    assert overdue.pk not in selectors.shown_status_in(everything, [OrderStatus.AWAITING_VENDOR]).values_list(
        "pk", flat=True
    )


def _history_queries(client, officer) -> int:
    client.force_login(officer)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("ordering:order-list"))
    assert response.status_code == 200
    return len(captured)


def test_order_history_queries_do_not_grow_with_the_orders(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    w = build_world()
    place(w)
    _history_queries(client, w.officer)  # the first visit also sets up the session
    warm = _history_queries(client, w.officer)  # the totals come from the cache
    versions.unit_orders_changed([w.unit.pk])
    cold = _history_queries(client, w.officer)  # the totals computed again
    assert warm < cold, "the second visit reads the totals from the cache"
    for _ in range(3):  # four orders in all: the most a unit places with one MSME in a month
        place(w)
    assert _history_queries(client, w.officer) == cold  # the first visit after the new orders
    assert _history_queries(client, w.officer) == warm
    shown = selectors.unit_orders_for(w.officer).order_by("-created_at", "-pk")
    assert list(shown.values_list("pk", flat=True)) == list(
        UnitOrder.objects.filter(unit=w.unit).order_by("-created_at", "-pk").values_list("pk", flat=True)
    )


def test_checkout_commits_the_budget_last_and_refreshes_sales_after_the_commit(monkeypatch):
    w = build_world()
    real_commit, real_refresh = services.budget_commit, services.vendor_sales_refresh
    seen = {"returned": False}

    def commit(**kwargs):
        # Everything else of the order is written already: the line's lock is held only from here.
        seen["order_written"] = UnitOrder.objects.filter(order=kwargs["order"]).exists()
        seen["action_written"] = OrderAction.objects.filter(unit_order__order=kwargs["order"]).exists()
        return real_commit(**kwargs)

    def refresh(**kwargs):
        seen["refreshed_after_return"] = seen["returned"]
        return real_refresh(**kwargs)

    monkeypatch.setattr(services, "budget_commit", commit)
    monkeypatch.setattr(services, "vendor_sales_refresh", refresh)
    with TestCase.captureOnCommitCallbacks(execute=True):
        uo = services.order_place(
            officer=w.officer, basket=basket_for(w.officer, (w.snack, 10)), event=event(), budget_line=w.line
        )
        seen["returned"] = True
    assert seen["order_written"] and seen["action_written"]
    assert seen["refreshed_after_return"], "the 90-day sales are refreshed after the commit"
    assert LedgerEntry.objects.filter(kind="commit", order=uo.order).count() == 1
    w.partner.refresh_from_db()
    assert w.partner.sales_90d_idr == uo.total_idr
