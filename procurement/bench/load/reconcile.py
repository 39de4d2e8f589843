"""After the load: every budget line's stored figures equal what its ledger adds up to."""

from dataclasses import dataclass

from django.db.models import F

from procurement.budgets.models import BudgetLine, LedgerEntry
from procurement.budgets.services import budget_recompute


@dataclass
class Reconciliation:
    lines: int
    entries: int
    drifts: list  # budget_recompute's Drift rows: a line whose stored figures differ from its ledger
    overspent: int  # lines whose committed + realized exceed the pagu

    @property
    def ok(self) -> bool:
        return not self.drifts and not self.overspent

    def as_json(self) -> dict:
        return {
            "lines": self.lines,
            "ledger_entries": self.entries,
            "drift": len(self.drifts),
            "drifted_lines": [
                {
                    "line": d.line.pk,
                    "stored": [d.line.committed_idr, d.line.realized_idr],
                    "ledger": [d.committed_idr, d.realized_idr],
                }
                for d in self.drifts[:20]
            ],
            "overspent": self.overspent,
            "ok": self.ok,
        }


def budget_reconciliation() -> Reconciliation:
    """`budget_recompute` over every line (read only), and no line above its pagu."""
    drifts = budget_recompute(fix=False)
    lines = BudgetLine.objects.count()
    entries = LedgerEntry.objects.count()
    overspent = BudgetLine.objects.filter(pagu_idr__lt=F("committed_idr") + F("realized_idr")).count()
    return Reconciliation(lines=lines, entries=entries, drifts=drifts, overspent=overspent)
