"""Fifty officers check out at the same moment against one budget line that covers only some of
them: the row lock and the check constraint keep the line from ever going below zero.

Real threads, real transactions: only PostgreSQL shows what a row lock does (SQLite locks the
whole file), so the threaded test is skipped elsewhere.
"""

import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from oscar.core.loading import get_class, get_model

from procurement.budgets.models import BudgetLine, LedgerEntry
from procurement.budgets.services import budget_recompute
from procurement.ordering import services
from procurement.ordering.models import UnitOrder
from procurement.units.models import Membership
from tests.procurement.ordering.world import basket_for, build_world, event, person_for

Basket = get_model("basket", "Basket")
Selector = get_class("partner.strategy", "Selector")

# Role groups (made by a migration) must come back for the tests that follow a flushed one.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks under concurrent checkouts need PostgreSQL (SQLite locks the whole database); "
    "run with DATABASE_URL=postgres://…",
)

THREADS = 50
PAGU = 1_000_000
BOXES = 10
ORDER_IDR = 150_000  # 10 boxes at Rp 15.000


@needs_postgres
@pytest.mark.postgres
def test_fifty_simultaneous_checkouts_never_overspend_one_budget_line():
    w = build_world(pagu=PAGU)
    # Rp 15.000 a box: each order of 10 boxes is Rp 150.000, so Rp 1.000.000 pays for 6 of them.
    w.snack.stockrecords.update(price=15_000)
    officers = [person_for(w.unit, Membership.Role.BUYER) for _ in range(THREADS - 1)] + [w.officer]
    baskets = [basket_for(officer, (w.snack, BOXES)) for officer in officers]
    expected = PAGU // ORDER_IDR
    barrier = threading.Barrier(THREADS)
    results: list[tuple[str, object]] = [("not run", None)] * THREADS

    def checkout(i: int) -> None:
        try:
            basket = Basket.objects.get(pk=baskets[i].pk)
            basket.strategy = Selector().strategy()
            barrier.wait(timeout=60)
            try:
                uo = services.order_place(
                    officer=officers[i], basket=basket, event=event(), budget_line=w.line
                )
            except services.OrderRefused as exc:
                results[i] = ("refused", exc)
            else:
                results[i] = ("placed", uo.pk)
        except Exception as exc:  # anything else fails the test below, with its cause
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=checkout, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)

    assert not any(t.is_alive() for t in threads), "a checkout never finished (deadlock?)"
    errors = [r for kind, r in results if kind not in ("placed", "refused")]
    assert not errors, errors
    placed = [r for kind, r in results if kind == "placed"]
    refused = [r for kind, r in results if kind == "refused"]
    assert len(placed) == expected
    assert len(refused) == THREADS - expected
    for exc in refused:
        assert exc.codes == {"budget"}
        message = next(p.message for p in exc.problems if p.code == "budget")
        assert "Rp 100.000" in message and "Rp 150.000" in message  # what was left, what was needed

    line = BudgetLine.objects.get(pk=w.line.pk)
    assert line.committed_idr == expected * ORDER_IDR <= line.pagu_idr
    assert line.available_idr == PAGU - expected * ORDER_IDR >= 0
    assert UnitOrder.objects.filter(budget_line=line).count() == expected
    assert set(UnitOrder.objects.values_list("pk", flat=True)) == set(placed)
    commits = LedgerEntry.objects.filter(line=line, kind="commit")
    assert commits.count() == expected
    assert commits.aggregate(s=Sum("amount_idr"))["s"] == line.committed_idr
    assert not LedgerEntry.objects.exclude(kind="commit").exists()
    assert budget_recompute() == []


def test_database_refuses_a_line_committed_beyond_its_pagu():
    w = build_world(pagu=PAGU)

    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {BudgetLine._meta.db_table} SET committed_idr = %s, realized_idr = %s WHERE id = %s",
                [600_000, 400_001, w.line.pk],
            )

    w.line.refresh_from_db()
    assert (w.line.committed_idr, w.line.realized_idr) == (0, 0)


def test_database_allows_a_line_used_up_exactly():
    w = build_world(pagu=PAGU)

    BudgetLine.objects.filter(pk=w.line.pk).update(committed_idr=600_000, realized_idr=400_000)

    w.line.refresh_from_db()
    assert w.line.available_idr == 0


def run_together(*jobs):
    """Run each job in its own thread (own connection), started together; return results or errors."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait(timeout=60)
            results[i] = ("ok", job())
        except Exception as exc:
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread never finished (deadlock?)"
    return results


@needs_postgres
@pytest.mark.postgres
def test_the_same_basket_sent_twice_at_once_becomes_one_order():
    """A double click on "place order": one order, one commitment, and a refusal, not an error page."""
    w = build_world()
    basket = basket_for(w.officer, (w.snack, 10))

    def send():
        fresh = Basket.objects.get(pk=basket.pk)
        fresh.strategy = Selector().strategy()
        return services.order_place(officer=w.officer, basket=fresh, event=event(), budget_line=w.line)

    results = run_together(send, send)

    outcomes = sorted(kind if kind == "ok" else type(r).__name__ for kind, r in results)
    assert outcomes == ["OrderRefused", "ok"], results
    assert UnitOrder.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="commit").count() == 1
    assert BudgetLine.objects.get(pk=w.line.pk).committed_idr == 200_000


@needs_postgres
@pytest.mark.postgres
def test_receipts_signed_at_once_in_one_unit_get_distinct_bast_numbers():
    w = build_world()
    officers = [w.officer] + [person_for(w.unit, Membership.Role.BUYER) for _ in range(4)]
    orders = []
    for officer in officers:
        uo = services.order_place(
            officer=officer, basket=basket_for(officer, (w.snack, 10)), event=event(), budget_line=w.line
        )
        services.order_move(unit_order=uo, action="confirm", actor=w.vendor_user)
        services.order_move(unit_order=uo, action="deliver", actor=w.vendor_user, now=uo.delivery_at)
        orders.append(uo)

    def sign(uo, officer):
        return lambda: services.order_receive(unit_order=uo, officer=officer, quantities={}).number

    results = run_together(*(sign(uo, officer) for uo, officer in zip(orders, officers, strict=True)))

    assert [kind for kind, _ in results] == ["ok"] * len(orders), results
    numbers = [number for _, number in results]
    assert len(set(numbers)) == len(orders)
    assert set(UnitOrder.objects.values_list("status", flat=True)) == {"received"}


@needs_postgres
@pytest.mark.postgres
def test_placing_and_confirming_at_once_on_one_line_and_vendor_do_not_deadlock(monkeypatch):
    """An officer places an order while the MSME confirms an earlier one of the same budget line:
    placing locks the MSME, then the line last (budget_commit); a move must not hold the MSME
    while waiting for the line."""
    w = build_world()
    earlier = services.order_place(
        officer=w.officer, basket=basket_for(w.officer, (w.snack, 10)), event=event(), budget_line=w.line
    )
    basket = basket_for(w.officer, (w.snack, 12))
    line_locked = threading.Event()
    real_partner = services.Partner

    class PartnerLockedLate:
        """Partner, whose row lock (taken right after the line's) waits until the move is under way."""

        class objects:
            @staticmethod
            def select_for_update():
                line_locked.set()
                time.sleep(1.5)
                return real_partner.objects.select_for_update()

    monkeypatch.setattr(services, "Partner", PartnerLockedLate)

    def place_order():
        fresh = Basket.objects.get(pk=basket.pk)
        fresh.strategy = Selector().strategy()
        return services.order_place(officer=w.officer, basket=fresh, event=event(), budget_line=w.line)

    def confirm():
        assert line_locked.wait(timeout=30)
        return services.order_move(unit_order=earlier, action="confirm", actor=w.vendor_user)

    results = run_together(place_order, confirm)

    assert [kind for kind, _ in results] == ["ok", "ok"], results
    assert dict(UnitOrder.objects.values_list("pk", "status")) == {
        earlier.pk: "confirmed",
        results[0][1].pk: "awaiting_vendor",
    }
