"""Open data files (CSV): the columns of each file with their meaning, and the rows, streamed.

Each file's columns are listed once, here: the CSV header, the data dictionary on
/transparansi/data/ and docs/open-data.md follow this list. Amounts are whole rupiah (integers),
dates ISO 8601 in the city's time (Asia/Jakarta, +07:00), shares decimals between 0 and 1.

"Spent" is one figure in every file (procurement.transparency.selectors): the invoice total with
PBJT (the PPh withheld included) less refunds, counted in the month the payment completed, so a
year's paid orders add up to its aggregates and its summary line.
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procurement.transparency import selectors
from procurement.transparency.selectors import Figures, PaidOrder, Period

INTEGER, TEXT, DATE, DATETIME, DECIMAL = (
    _("integer"),
    _("text"),
    _("date (YYYY-MM-DD)"),
    _("date and time (ISO 8601, +07:00)"),
    _("decimal (0 to 1)"),
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    meaning: str


SPENT_MEANING = _(
    "Spent in rupiah: invoice totals with PBJT less refunds, the sum of spent_idr of the paid "
    "orders (a refund is taken off the month its order was paid)"
)

ORDER_COLUMNS = (
    Column("ocid", TEXT, _("Open Contracting id of the order (the OCDS releases use the same)")),
    Column("order_number", TEXT, _("The order's number on the platform")),
    Column("unit_code", TEXT, _("Code of the government unit that bought")),
    Column("unit_name", TEXT, _("Name of the government unit that bought")),
    Column("vendor_id", TEXT, _("Public id of the MSME paid (stable, not personal)")),
    Column("vendor_name", TEXT, _("Business name of the MSME paid")),
    Column(
        "sector",
        TEXT,
        _(
            "The MSME's sector as the city's MSME census records it (kuliner, fashion, kriya, jasa, "
            "lainnya; empty: not stated)"
        ),
    ),
    Column("kecamatan_code", TEXT, _("Code of the MSME's kecamatan in the census (Kemendagri)")),
    Column("kecamatan", TEXT, _("Name of the MSME's kecamatan in the census")),
    Column("subtotal_idr", INTEGER, _("Value received (BAST), before PBJT, in rupiah")),
    Column("pbjt_idr", INTEGER, _("PBJT (regional tax on food and drink) charged on top, in rupiah")),
    Column("total_idr", INTEGER, _("Invoice total charged to the budget (subtotal + PBJT), in rupiah")),
    Column("refunded_idr", INTEGER, _("Refunded after payment, in rupiah (0: nothing)")),
    Column(
        "spent_idr",
        INTEGER,
        _("Spent: what the unit paid, the invoice total with PBJT less refunds, in rupiah"),
    ),
    Column("ordered_at", DATETIME, _("When the order was placed")),
    Column("delivery_at", DATETIME, _("Delivery date and time asked for")),
    Column("received_at", DATETIME, _("When the goods were received (BAST signed)")),
    Column(
        "paid_at",
        DATETIME,
        _("When the payment was completed: the order counts in this month in the aggregates"),
    ),
    Column("days_to_pay", INTEGER, _("Days from the BAST to the payment")),
)

AGGREGATE_COLUMNS = (
    Column("year", INTEGER, _("Year of payment")),
    Column("dimension", TEXT, _("What the row counts by: total, month, unit, sector, kecamatan or size")),
    Column(
        "key", TEXT, _("Code within the dimension (month YYYY-MM, unit code, sector, kecamatan code, size)")
    ),
    Column("label", TEXT, _("Readable name of the key")),
    Column("spent_idr", INTEGER, SPENT_MEANING),
    Column("orders", INTEGER, _("Orders paid")),
    Column("msmes", INTEGER, _("Different MSMEs paid")),
    Column("share", DECIMAL, _("Share of the year's spending")),
)

SUMMARY_COLUMNS = (
    Column("year", INTEGER, _("Year of payment")),
    Column("spent_idr", INTEGER, SPENT_MEANING),
    Column("orders", INTEGER, _("Orders paid")),
    Column("msmes", INTEGER, _("Different MSMEs paid")),
    Column("micro_share", DECIMAL, _("Share of spending that went to micro businesses (PP 7/2021)")),
    Column("top10_share", DECIMAL, _("Share of spending that went to the top 10% of MSMEs paid")),
    Column("gini", DECIMAL, _("Gini coefficient of spending over the MSMEs paid (0: even, 1: one MSME)")),
)

FILES = {
    "orders": ORDER_COLUMNS,
    "aggregates": AGGREGATE_COLUMNS,
    "summary": SUMMARY_COLUMNS,
}


def iso(value) -> str:
    """A datetime in the city's time, ISO 8601 to the second; empty for none."""
    if value is None:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _decimal(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def order_row(o: PaidOrder) -> list:
    return [
        o.ocid,
        o.order_number,
        o.unit_code,
        o.unit_name,
        o.vendor_id,
        o.vendor_name,
        o.sector,
        o.kecamatan_code,
        o.kecamatan,
        o.subtotal_idr,
        o.pbjt_idr,
        o.total_idr,
        o.refunded_idr,
        o.spent_idr,
        iso(o.ordered_at),
        iso(o.delivery_at),
        iso(o.received_at),
        iso(o.paid_at),
        "" if o.days_to_pay is None else o.days_to_pay,
    ]


def aggregate_rows(f: Figures) -> Iterator[list]:
    year = f.period.year
    whole = _decimal(1.0 if f.total_idr else 0)
    yield [year, "total", str(year), str(year), f.total_idr, f.orders, f.msmes, whole]
    for dimension, shares in f.dimensions.items():
        for s in shares:
            yield [year, dimension, s.key, s.label, s.amount_idr, s.orders, s.msmes, _decimal(s.share)]


def summary_row(s: selectors.YearSummary) -> list:
    return [
        s.year,
        s.total_idr,
        s.orders,
        s.msmes,
        _decimal(s.micro_share),
        _decimal(s.top_share),
        _decimal(s.gini),
    ]


class _Echo:
    """A file that hands back what is written to it (csv.writer → a streamed response)."""

    def write(self, value):
        return value


def csv_lines(columns: Iterable[Column], rows: Iterable[list]) -> Iterator[str]:
    """The CSV text, line by line: a header of the column names, then the rows (UTF-8, BOM first
    so spreadsheet programs read the names right)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([c.name for c in columns])
    for row in rows:
        yield writer.writerow(row)


def orders_csv(period: Period) -> Iterator[str]:
    return csv_lines(ORDER_COLUMNS, (order_row(o) for o in selectors.paid_orders(period)))


def aggregates_csv(period: Period) -> Iterator[str]:
    return csv_lines(AGGREGATE_COLUMNS, aggregate_rows(selectors.figures(period)))


def summary_csv() -> Iterator[str]:
    return csv_lines(SUMMARY_COLUMNS, (summary_row(s) for s in selectors.year_summaries()))
