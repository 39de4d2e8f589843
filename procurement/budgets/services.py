"""Writes for budgets: accounts, lines, their pagu and the ledger.

Money moves only through `budget_commit`, `budget_release` and `budget_realize`:
each locks the line's row, writes a ledger entry and moves the line's figures
with one UPDATE, so the database check constraint (available ≥ 0) has the last word
under any number of concurrent orders.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from marketplace.common.domain import DomainError
from marketplace.common.money import format_rupiah
from procurement.budgets.models import BudgetAccount, BudgetLine, LedgerEntry
from procurement.units.models import Unit

# The largest pagu of one line, wherever it is set (the pagu form, the DPA import): Rp 1 quadrillion,
# far above any city's budget and far below what the database column holds.
PAGU_MAX_IDR = 10**15


class BudgetError(DomainError):
    """A budget move that cannot be made; `message` is for the user."""


class BudgetExceeded(BudgetError):
    """The line's available amount is less than asked; carries both numbers."""

    def __init__(self, *, line: BudgetLine, available_idr: int, requested_idr: int):
        super().__init__(
            _("Budget line %(line)s has %(available)s available; this order needs %(requested)s.")
            % {
                "line": line.account.code,
                "available": format_rupiah(available_idr),
                "requested": format_rupiah(requested_idr),
            }
        )
        self.available_idr = available_idr
        self.requested_idr = requested_idr


def _locked(line: BudgetLine) -> BudgetLine:
    # The line's row only (not its account's, which every line of the account shares), and
    # FOR NO KEY UPDATE: rows that merely point at the line (an order being placed, its ledger
    # entry) need not wait for the line's lock, nor the lock for them.
    return (
        BudgetLine.objects.select_for_update(no_key=True, of=("self",))
        .select_related("account")
        .get(pk=line.pk)
    )


def _move(line: BudgetLine, kind: str, amount: int, *, order=None, actor=None, note: str = "") -> LedgerEntry:
    deltas = {
        LedgerEntry.Kind.COMMIT: {"committed_idr": F("committed_idr") + amount},
        LedgerEntry.Kind.RELEASE: {"committed_idr": F("committed_idr") - amount},
        LedgerEntry.Kind.REALIZE: {
            "committed_idr": F("committed_idr") - amount,
            "realized_idr": F("realized_idr") + amount,
        },
        LedgerEntry.Kind.UNREALIZE: {
            "committed_idr": F("committed_idr") + amount,
            "realized_idr": F("realized_idr") - amount,
        },
    }[kind]
    BudgetLine.objects.filter(pk=line.pk).update(**deltas)
    return LedgerEntry.objects.create(
        line=line, kind=kind, amount_idr=amount, order=order, actor=actor, note=note
    )


@transaction.atomic
def budget_commit(
    *, line: BudgetLine, amount_idr: int, order=None, actor=None, note: str = ""
) -> LedgerEntry:
    """Reserve money on a line for an order; refused when the line has less available."""
    if amount_idr <= 0:
        raise BudgetError(_("The amount must be more than zero."))
    locked = _locked(line)
    if locked.available_idr < amount_idr:
        raise BudgetExceeded(line=locked, available_idr=locked.available_idr, requested_idr=amount_idr)
    try:
        with transaction.atomic():
            return _move(locked, LedgerEntry.Kind.COMMIT, amount_idr, order=order, actor=actor, note=note)
    except IntegrityError:  # the check constraint, should anything have slipped past the lock
        locked.refresh_from_db()
        raise BudgetExceeded(
            line=locked, available_idr=locked.available_idr, requested_idr=amount_idr
        ) from None


def order_committed_idr(*, line: BudgetLine, order) -> int:
    """What an order still holds committed on a line (commits − releases − realizations)."""
    sums = dict(
        LedgerEntry.objects.filter(line=line, order=order).values_list("kind").annotate(s=Sum("amount_idr"))
    )
    return sums.get("commit", 0) + sums.get("unrealize", 0) - sums.get("release", 0) - sums.get("realize", 0)


def order_realized_idr(*, line: BudgetLine, order) -> int:
    """What was paid for an order on a line (realizations − reversed realizations)."""
    sums = dict(
        LedgerEntry.objects.filter(line=line, order=order).values_list("kind").annotate(s=Sum("amount_idr"))
    )
    return sums.get("realize", 0) - sums.get("unrealize", 0)


@transaction.atomic
def budget_release(*, line: BudgetLine, order, amount_idr: int | None = None, actor=None, note: str = ""):
    """Give back what an order holds (all of it by default); nothing happens when it holds nothing."""
    locked = _locked(line)
    held = order_committed_idr(line=locked, order=order)
    amount = held if amount_idr is None else min(amount_idr, held)
    if amount <= 0:
        return None
    return _move(locked, LedgerEntry.Kind.RELEASE, amount, order=order, actor=actor, note=note)


@transaction.atomic
def budget_realize(*, line: BudgetLine, order, amount_idr: int, actor=None, note: str = "") -> LedgerEntry:
    """Turn (part of) an order's commitment into spending when it is paid."""
    locked = _locked(line)
    held = order_committed_idr(line=locked, order=order)
    if amount_idr <= 0 or amount_idr > held:
        raise BudgetError(_("Only what the order holds committed can be realized."))
    return _move(locked, LedgerEntry.Kind.REALIZE, amount_idr, order=order, actor=actor, note=note)


@transaction.atomic
def budget_unrealize(*, line: BudgetLine, order, amount_idr: int, actor=None, note: str = "") -> LedgerEntry:
    """A payment came back (refund): (part of) what was realized for the order is committed again."""
    locked = _locked(line)
    paid = order_realized_idr(line=locked, order=order)
    if amount_idr <= 0 or amount_idr > paid:
        raise BudgetError(_("Only what was paid for the order can be reversed."))
    return _move(locked, LedgerEntry.Kind.UNREALIZE, amount_idr, order=order, actor=actor, note=note)


@transaction.atomic
def budget_line_set_pagu(*, line: BudgetLine, pagu_idr: int) -> BudgetLine:
    """Change a line's pagu; never below what is already committed and realized."""
    if not 0 <= pagu_idr <= PAGU_MAX_IDR:
        raise BudgetError(
            _("The pagu must be between Rp 0 and %(max)s.") % {"max": format_rupiah(PAGU_MAX_IDR)}
        )
    locked = _locked(line)
    used = locked.committed_idr + locked.realized_idr
    if pagu_idr < used:
        raise BudgetError(
            _("The pagu cannot be lower than what is already committed and realized (%(used)s).")
            % {"used": format_rupiah(used)}
        )
    locked.pagu_idr = pagu_idr
    locked.save(update_fields=["pagu_idr"])
    return locked


@dataclass
class Drift:
    line: BudgetLine
    committed_idr: int
    realized_idr: int


def budget_recompute(*, fix: bool = False) -> list[Drift]:
    """Recompute every line's committed and realized from its ledger; report (and optionally fix) drift."""
    sums: dict[int, dict[str, int]] = {}
    for line_id, kind, total in LedgerEntry.objects.values_list("line_id", "kind").annotate(
        s=Sum("amount_idr")
    ):
        sums.setdefault(line_id, {})[kind] = total
    drifts = []
    for line in BudgetLine.objects.select_related("unit", "account"):
        s = sums.get(line.pk, {})
        committed = s.get("commit", 0) + s.get("unrealize", 0) - s.get("release", 0) - s.get("realize", 0)
        realized = s.get("realize", 0) - s.get("unrealize", 0)
        if (committed, realized) != (line.committed_idr, line.realized_idr):
            drifts.append(Drift(line=line, committed_idr=committed, realized_idr=realized))
            if fix:
                BudgetLine.objects.filter(pk=line.pk).update(committed_idr=committed, realized_idr=realized)
    return drifts


# --- CSV import of budget lines (DPA) ----------------------------------------------

IMPORT_COLUMNS = (
    "unit_code",
    "fiscal_year",
    "sub_activity_code",
    "sub_activity_name",
    "account_code",
    "pagu_idr",
)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def budget_lines_import(*, text: str) -> ImportReport:
    """Import DPA lines from CSV text (columns in docs/budget-import.md).

    Every row is checked first; if any row is rejected, nothing is imported and the
    report lists every rejected row with its reason."""
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in IMPORT_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        report.errors.append((1, _("Missing columns: %s") % ", ".join(missing)))
        return report
    units = {u.code: u for u in Unit.objects.all()}
    accounts = {a.code: a for a in BudgetAccount.objects.all()}
    rows, seen = [], set()
    for n, row in enumerate(reader, start=2):
        problems = []
        unit = units.get((row["unit_code"] or "").strip())
        account = accounts.get((row["account_code"] or "").strip())
        if unit is None:
            problems.append(_("unknown unit code “%s”") % (row["unit_code"] or "")[:30])
        if account is None:
            problems.append(_("unknown account code “%s”") % (row["account_code"] or "")[:30])
        try:
            year = int(row["fiscal_year"])
            if not 2000 <= year <= 2100:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(_("fiscal year must be a year like 2026"))
            year = None
        try:
            pagu = int((row["pagu_idr"] or "").replace(".", "").replace(",", "").strip())
            if pagu < 0:
                raise ValueError
        except ValueError:
            problems.append(_("pagu must be a whole number of rupiah, not negative"))
            pagu = None
        if pagu is not None and pagu > PAGU_MAX_IDR:
            problems.append(_("pagu is above the limit of %(max)s") % {"max": format_rupiah(PAGU_MAX_IDR)})
            pagu = None
        code = (row["sub_activity_code"] or "").strip()
        name = (row["sub_activity_name"] or "").strip()
        if not code or not name:
            problems.append(_("sub-activity code and name are required"))
        key = (row["unit_code"], year, code, row["account_code"])
        if key in seen:
            problems.append(_("duplicate of an earlier row"))
        seen.add(key)
        if problems:
            report.errors.append((n, "; ".join(problems)))
        else:
            rows.append((unit, year, code, name, account, pagu))
    if report.errors:
        return report
    with transaction.atomic():
        for unit, year, code, name, account, pagu in rows:
            line, created = BudgetLine.objects.get_or_create(
                unit=unit,
                fiscal_year=year,
                sub_activity_code=code,
                account=account,
                defaults={"sub_activity_name": name, "pagu_idr": pagu},
            )
            if created:
                report.created += 1
                continue
            line.sub_activity_name = name
            line.save(update_fields=["sub_activity_name"])
            if line.pagu_idr != pagu:
                try:
                    budget_line_set_pagu(line=line, pagu_idr=pagu)
                except BudgetError as exc:
                    report.errors.append((0, f"{line}: {exc.message}"))
                    transaction.set_rollback(True)
                    report.created = report.updated = 0
                    return report
            report.updated += 1
    return report
