"""The demo's budget lines: a few meal accounts of this fiscal year, imported as an Admin imports
the DPA (`procurement.budgets.services.budget_lines_import`, the CSV of docs/budget-import.md).

Idempotent: the import finds a line by (unit, year, sub-activity, account) and leaves an
existing one's pagu as it is when it is the same; lines already present are not imported again,
so a pagu an Admin changed in the demo is kept. Units or accounts missing from the loaded city
pack are skipped.
"""

import csv
import io
from dataclasses import dataclass

from procurement.budgets.models import BudgetAccount, BudgetLine
from procurement.budgets.services import IMPORT_COLUMNS, budget_lines_import
from procurement.units.models import Unit


@dataclass(frozen=True)
class DemoBudgetLine:
    unit_code: str
    sub_activity_code: str
    sub_activity_name: str
    account_code: str
    pagu_idr: int


MEETINGS = "Penyelenggaraan Rapat Koordinasi dan Konsultasi SKPD"
MEALS_MEETING = "5.1.02.01.01.0052"
MEALS_GUESTS = "5.1.02.01.01.0053"
MEALS_FIELD = "5.1.02.01.01.0058"

DEMO_BUDGET_LINES = (
    DemoBudgetLine("SETDA", "4.01.01.2.06.0009", MEETINGS, MEALS_MEETING, 150_000_000),
    DemoBudgetLine("SETDA", "4.01.01.2.06.0009", MEETINGS, MEALS_GUESTS, 250_000_000),
    DemoBudgetLine("DINKOPUM", "2.17.01.2.06.0009", MEETINGS, MEALS_MEETING, 120_000_000),
    DemoBudgetLine(
        "DINKOPUM", "2.17.07.2.01.0001", "Pemberdayaan Usaha Mikro melalui Pendataan dan Kemitraan",
        MEALS_FIELD, 80_000_000,
    ),
    DemoBudgetLine("DINKES", "1.02.01.2.06.0009", MEETINGS, MEALS_MEETING, 150_000_000),
    DemoBudgetLine(
        "DINKES", "1.02.02.2.02.0020", "Pengelolaan Pelayanan Kesehatan Gizi Masyarakat",
        MEALS_FIELD, 200_000_000,
    ),
    DemoBudgetLine("DISKOMINFO", "2.16.01.2.06.0009", MEETINGS, MEALS_MEETING, 100_000_000),
)  # fmt: skip


class DemoImportFailed(RuntimeError):
    """The DPA import refused the demo's lines (a changed import rule); the message lists why."""


def budget_lines_seed(*, fiscal_year: int) -> int:
    """Import the demo budget lines of `fiscal_year` that are missing; returns how many were created."""
    units = set(
        Unit.objects.filter(code__in={b.unit_code for b in DEMO_BUDGET_LINES}).values_list("code", flat=True)
    )
    accounts = set(BudgetAccount.objects.values_list("code", flat=True))
    present = set(
        BudgetLine.objects.filter(fiscal_year=fiscal_year).values_list(
            "unit__code", "sub_activity_code", "account__code"
        )
    )
    rows = [
        b
        for b in DEMO_BUDGET_LINES
        if b.unit_code in units
        and b.account_code in accounts
        and (b.unit_code, b.sub_activity_code, b.account_code) not in present
    ]
    if not rows:
        return 0
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(IMPORT_COLUMNS)
    for b in rows:
        writer.writerow(
            (b.unit_code, fiscal_year, b.sub_activity_code, b.sub_activity_name, b.account_code, b.pagu_idr)
        )
    report = budget_lines_import(text=out.getvalue())
    if not report.ok:
        raise DemoImportFailed("; ".join(f"row {n}: {message}" for n, message in report.errors))
    return report.created
