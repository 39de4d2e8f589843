"""`manage.py budget_recompute [--fix]` and `manage.py expire_orders` (for cron)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from procurement.budgets.models import BudgetLine, LedgerEntry
from procurement.ordering import services
from procurement.ordering.models import OrderStatus, UnitOrder
from tests.procurement.ordering.world import place, place_big

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_recompute_finds_no_drift_after_commits_and_releases(w):
    kept, cancelled = place(w), place(w)
    services.order_move(unit_order=cancelled, action="cancel", actor=w.officer)

    assert run("budget_recompute").strip() == "no drift"
    w.line.refresh_from_db()
    assert w.line.committed_idr == kept.total_idr == 200_000


def test_recompute_reports_a_manual_update_and_exits_non_zero(w):
    place(w)
    BudgetLine.objects.filter(pk=w.line.pk).update(committed_idr=350_000)  # someone edited the table
    out = StringIO()

    with pytest.raises(CommandError) as info:
        call_command("budget_recompute", stdout=out)

    assert info.value.returncode == 1  # manage.py exits with it
    report = out.getvalue()
    assert f"line {w.line.pk} " in report
    assert "committed expected Rp 200.000, stored Rp 350.000" in report
    w.line.refresh_from_db()
    assert w.line.committed_idr == 350_000  # reporting changes nothing


def test_recompute_fix_repairs_the_line_from_the_ledger(w):
    place(w)
    BudgetLine.objects.filter(pk=w.line.pk).update(committed_idr=0, realized_idr=50_000)

    out = run("budget_recompute", "--fix")

    assert "committed expected Rp 200.000, stored Rp 0" in out
    assert "realized expected Rp 0, stored Rp 50.000" in out
    w.line.refresh_from_db()
    assert (w.line.committed_idr, w.line.realized_idr) == (200_000, 0)
    assert run("budget_recompute").strip() == "no drift"


def test_expire_orders_expires_an_overdue_order_and_releases_its_commitment(w):
    overdue, waiting = place(w), place(w)
    UnitOrder.objects.filter(pk=overdue.pk).update(vendor_deadline=timezone.now() - timedelta(minutes=1))

    out = run("expire_orders")

    assert out.strip() == "1 order(s) expired"
    overdue.refresh_from_db()
    waiting.refresh_from_db()
    assert overdue.status == OrderStatus.EXPIRED
    assert waiting.status == OrderStatus.AWAITING_VENDOR
    release = LedgerEntry.objects.get(order=overdue.order, kind=LedgerEntry.Kind.RELEASE)
    assert release.amount_idr == 200_000 and release.actor is None
    w.line.refresh_from_db()
    assert w.line.committed_idr == 200_000  # only the waiting order still holds money
    assert run("budget_recompute").strip() == "no drift"


def test_expire_orders_expires_an_unapproved_order_past_its_delivery_time(w):
    pending = place_big(w)
    UnitOrder.objects.filter(pk=pending.pk).update(delivery_at=timezone.now() - timedelta(hours=1))

    assert run("expire_orders").strip() == "1 order(s) expired"
    pending.refresh_from_db()
    assert pending.status == OrderStatus.EXPIRED
    w.line.refresh_from_db()
    assert w.line.committed_idr == 0


def test_expire_orders_with_nothing_due_says_zero(w):
    place(w)

    assert run("expire_orders").strip() == "0 order(s) expired"
