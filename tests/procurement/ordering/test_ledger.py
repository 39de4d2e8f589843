"""The budget ledger through orders' lives: commits, releases and realizations always add up to the
line's figures, recomputation finds no drift, and entries are never changed or removed."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum

from procurement.budgets.models import BudgetLine, LedgerEntry
from procurement.budgets.services import (
    BudgetError,
    BudgetExceeded,
    budget_commit,
    budget_line_set_pagu,
    budget_realize,
    budget_recompute,
    budget_release,
)
from procurement.ordering import services
from tests.procurement.ordering.world import MEAL_PRICE, SNACK_PRICE, build_world, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


def ledger_figures(line: BudgetLine) -> tuple[int, int]:
    """(committed, realized) as the ledger says: commits − releases − realizations, realizations."""
    sums = dict(
        LedgerEntry.objects.filter(line=line).values_list("kind").annotate(s=Sum("amount_idr")).order_by()
    )
    commit, release, realize = (sums.get(k, 0) for k in ("commit", "release", "realize"))
    return commit - release - realize, realize


def assert_balanced(line: BudgetLine) -> None:
    line.refresh_from_db()
    assert ledger_figures(line) == (line.committed_idr, line.realized_idr)
    assert 0 <= line.available_idr == line.pagu_idr - line.committed_idr - line.realized_idr


def test_ledger_matches_the_line_through_every_kind_of_order_life(w):
    line = w.line
    # 1. placed and left waiting for the MSME
    waiting = place(w, (w.snack, 10))  # Rp 200.000
    assert_balanced(line)
    # 2. declined by the MSME
    declined = place(w, (w.snack, 12))
    services.order_move(unit_order=declined, action="decline", actor=w.vendor_user, reason="Dapur penuh")
    assert_balanced(line)
    # 3. above the threshold, rejected by the PPK
    rejected = place(w, (w.snack, 60))
    services.order_move(unit_order=rejected, action="reject_approval", actor=w.ppk, reason="Tidak perlu")
    assert_balanced(line)
    # 4. approved, confirmed, then cancelled with a reason
    cancelled = place(w, (w.snack, 55))
    services.order_move(unit_order=cancelled, action="approve", actor=w.ppk)
    services.order_move(unit_order=cancelled, action="confirm", actor=w.vendor_user)
    services.order_move(
        unit_order=cancelled, action="cancel_confirmed", actor=w.officer, reason="Rapat batal"
    )
    assert_balanced(line)
    # 5. delivered, partly received, paid
    paid = place(w, (w.snack, 20), (w.meal, 10))  # Rp 750.000
    services.order_move(unit_order=paid, action="confirm", actor=w.vendor_user)
    services.order_move(unit_order=paid, action="deliver", actor=w.vendor_user, now=paid.delivery_at)
    snack_line = paid.order.lines.get(product=w.snack)
    services.order_receive(unit_order=paid, officer=w.officer, quantities={snack_line.pk: 15}, rating=5)
    assert_balanced(line)
    paid.refresh_from_db()
    budget_realize(line=line, order=paid.order, amount_idr=paid.payable_idr, actor=None, note="SP2D")
    assert_balanced(line)
    # 6. expired
    expired = place(w, (w.snack, 10))
    services.order_move(unit_order=expired, action="expire", actor=None)
    assert_balanced(line)

    line.refresh_from_db()
    payable = 15 * SNACK_PRICE + 10 * MEAL_PRICE
    assert (line.committed_idr, line.realized_idr) == (waiting.total_idr, payable)
    kinds = list(LedgerEntry.objects.filter(line=line).order_by("pk").values_list("kind", flat=True))
    assert kinds.count("commit") == 6
    assert kinds.count("release") == 5  # declined, rejected, cancelled, the part not received, expired
    assert kinds.count("realize") == 1
    assert budget_recompute() == []
    call_command("budget_recompute", stdout=io.StringIO())  # raises CommandError on drift


def test_recompute_reports_drift_and_can_repair_it(w):
    uo = place(w, (w.snack, 10))
    BudgetLine.objects.filter(pk=w.line.pk).update(committed_idr=123_000)

    drifts = budget_recompute()

    assert [(d.line.pk, d.committed_idr, d.realized_idr) for d in drifts] == [(w.line.pk, uo.total_idr, 0)]
    with pytest.raises(CommandError):
        call_command("budget_recompute", stdout=io.StringIO())
    w.line.refresh_from_db()
    assert w.line.committed_idr == 123_000  # reporting changes nothing

    budget_recompute(fix=True)

    w.line.refresh_from_db()
    assert w.line.committed_idr == uo.total_idr
    assert budget_recompute() == []


def test_ledger_entries_cannot_be_changed(w):
    place(w, (w.snack, 10))
    entry = LedgerEntry.objects.get()

    entry.amount_idr = 1
    with pytest.raises(ValueError):
        entry.save()

    entry.refresh_from_db()
    assert entry.amount_idr == 10 * SNACK_PRICE


def test_ledger_entries_cannot_be_deleted(w):
    place(w, (w.snack, 10))
    entry = LedgerEntry.objects.get()

    with pytest.raises(ValueError):
        entry.delete()

    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_budget_commit_refuses_more_than_available_with_both_numbers(w):
    budget_commit(line=w.line, amount_idr=4_900_000)

    with pytest.raises(BudgetExceeded) as info:
        budget_commit(line=w.line, amount_idr=150_000)

    assert (info.value.available_idr, info.value.requested_idr) == (100_000, 150_000)
    assert "Rp 100.000" in info.value.message and "Rp 150.000" in info.value.message
    assert LedgerEntry.objects.count() == 1
    assert_balanced(w.line)


def test_release_gives_back_at_most_what_the_order_holds(w):
    uo = place(w, (w.snack, 10))
    services.order_move(unit_order=uo, action="cancel", actor=w.officer)

    assert budget_release(line=w.line, order=uo.order) is None  # nothing left to give back

    assert LedgerEntry.objects.filter(kind="release").count() == 1
    assert_balanced(w.line)


def test_realize_refuses_more_than_the_order_holds(w):
    uo = place(w, (w.snack, 10))

    with pytest.raises(BudgetError):
        budget_realize(line=w.line, order=uo.order, amount_idr=uo.total_idr + 1)

    assert not LedgerEntry.objects.filter(kind="realize").exists()
    assert_balanced(w.line)


def test_pagu_cannot_be_lowered_below_what_is_committed_and_realized(w):
    uo = place(w, (w.snack, 20), (w.meal, 10))  # Rp 750.000
    budget_realize(line=w.line, order=uo.order, amount_idr=400_000)

    with pytest.raises(BudgetError) as info:
        budget_line_set_pagu(line=w.line, pagu_idr=749_999)

    assert "Rp 750.000" in info.value.message
    w.line.refresh_from_db()
    assert w.line.pagu_idr == 5_000_000
    budget_line_set_pagu(line=w.line, pagu_idr=750_000)
    w.line.refresh_from_db()
    assert w.line.available_idr == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_bulk_changes_to_the_ledger(w):
    place(w, (w.snack, 10))
    entry = LedgerEntry.objects.get()
    note = entry.note

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_idr=1)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE budgets_ledgerentry SET note = 'diubah' WHERE id = %s", [entry.pk])

    entry.refresh_from_db()
    assert (entry.amount_idr, entry.note) == (10 * SNACK_PRICE, note)
