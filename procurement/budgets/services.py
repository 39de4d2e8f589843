"""Writes for budgets."""

import csv
from pathlib import Path

from django.db import transaction

from marketplace.regions.services import CityPackError, LoadReport
from procurement.budgets.models import BudgetAccount


def budget_accounts_load(*, path: Path) -> LoadReport:
    """Create or update budget accounts from a CSV with code,name,kind (idempotent)."""
    path = Path(path)
    if not path.exists():
        raise CityPackError(f"{path} not found")
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    report = LoadReport()
    with transaction.atomic():
        for n, row in enumerate(rows, start=2):
            if not all((row.get(c) or "").strip() for c in ("code", "name", "kind")):
                raise CityPackError(f"{path.name} line {n}: code, name and kind are required")
            obj, created = BudgetAccount.objects.update_or_create(
                code=row["code"].strip(), defaults={"name": row["name"].strip(), "kind": row["kind"].strip()}
            )
            report.created += created
            report.updated += not created
    return report
