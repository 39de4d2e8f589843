"""Reads for open government: the public figures, the units' rapor, paid orders as open data.

What "spent" means, everywhere (page, CSV, OCDS, API): what a unit paid for an order, the
invoice total (subtotal + PBJT, the PPh withheld included) less what a card refund gave back; an
order counts in the month its payment completed (`Invoice.paid_at`, the city's time), and a
refund is taken off that same month (a full refund makes the invoice unpaid: it no longer
counts). So a period's figures add up with its rows in the paid-orders file.

Where they come from:

- The figures of a period (totals, months, units, sectors, kecamatan, size classes,
  concentration) read the census's maintained aggregate, `vendors.census.models.PlatformSales`
  (its `spent_idr` / `paid_orders`, kept by `census_sales_record` as invoices are paid and
  refunded, checked by `manage.py census_recompute`), with each MSME's sector, kecamatan and size
  class as its census record holds them: seven grouped queries whose cost follows the number of
  MSMEs and months, not of orders. Tests compare them with a recount from the raw payments.
- The rapor needs each invoice's days to pay: one grouped query over the paid invoices of the
  year and the year before (medians by percentile_cont on PostgreSQL; elsewhere the days are
  read and the medians taken in Python).
- Paid orders (the unit pages, the CSV, OCDS) are the paid invoices themselves, read in chunks.

Everything computed is cached (Django's cache) per period and language. The key holds a version
that `public_figures_changed()` renews (called by procurement.settlement.services whenever an
invoice becomes paid or a payment is refunded) and, for what shows census facts, the census's
latest change (`census_stamp()`: an import or a profile sync that moves an MSME to another
sector, kecamatan or size class renews the figures at once).
"""

# The reads live in the modules below by topic (caching, periods, figures, rapor, paid_orders);
# this module keeps every name callers and tests use.

from django.utils import timezone

from procurement.settlement.selectors import payment_target_days
from procurement.transparency.caching import (
    VERSION_KEY,
    _cached,
    cache_version,
    census_stamp,
    public_figures_changed,
)
from procurement.transparency.figures import (
    GROUP_FIELDS,
    MICRO,
    MONTH_NAMES,
    RECORD_FACTS,
    SIZE_LABELS,
    TOP_SHARE_OF_MSMES,
    Figures,
    Share,
    YearSummary,
    _compute_figures,
    figures,
    gini,
    period_sales,
    top_share,
    year_summaries,
)
from procurement.transparency.paid_orders import (
    OCDS_INVOICE_VALUES,
    PAID_ORDER_VALUES,
    RECORD,
    CountedRows,
    OcdsLine,
    OcdsPayment,
    OverdueInvoice,
    PaidOrder,
    ocds_details,
    ocds_invoice_chunks,
    ocds_invoices,
    ocid_for,
    ocid_prefix,
    paid_order,
    paid_order_values,
    paid_orders,
    unit_overdue_invoices,
    unit_paid_order_values,
    unit_public,
)
from procurement.transparency.periods import (
    YEAR_MAX,
    YEAR_MIN,
    Period,
    current_year,
    paid_invoices,
    spent,
    valid_period,
    years_available,
)
from procurement.transparency.rapor import (
    GREEN_MIN_SHARE,
    MARK_LABELS,
    TREND_LABELS,
    TREND_STEP,
    YELLOW_MIN_SHARE,
    Mark,
    Median,
    Rapor,
    RaporRow,
    Timing,
    _timings_counted,
    _timings_python,
    _timings_sql,
    mark_for,
    mark_legend,
    rapor,
    trend_for,
    unit_timings,
)

__all__ = [
    "VERSION_KEY",
    "public_figures_changed",
    "cache_version",
    "census_stamp",
    "_cached",
    "Period",
    "YEAR_MIN",
    "YEAR_MAX",
    "valid_period",
    "current_year",
    "years_available",
    "paid_invoices",
    "spent",
    "MICRO",
    "SIZE_LABELS",
    "TOP_SHARE_OF_MSMES",
    "gini",
    "top_share",
    "Share",
    "Figures",
    "MONTH_NAMES",
    "period_sales",
    "RECORD_FACTS",
    "GROUP_FIELDS",
    "figures",
    "YearSummary",
    "year_summaries",
    "_compute_figures",
    "GREEN_MIN_SHARE",
    "YELLOW_MIN_SHARE",
    "TREND_STEP",
    "Mark",
    "MARK_LABELS",
    "TREND_LABELS",
    "mark_for",
    "trend_for",
    "Timing",
    "Median",
    "unit_timings",
    "RaporRow",
    "Rapor",
    "rapor",
    "mark_legend",
    "_timings_counted",
    "_timings_python",
    "_timings_sql",
    "PAID_ORDER_VALUES",
    "ocid_prefix",
    "ocid_for",
    "PaidOrder",
    "RECORD",
    "paid_order_values",
    "paid_order",
    "paid_orders",
    "unit_public",
    "OverdueInvoice",
    "unit_overdue_invoices",
    "CountedRows",
    "unit_paid_order_values",
    "OCDS_INVOICE_VALUES",
    "ocds_invoices",
    "OcdsLine",
    "OcdsPayment",
    "ocds_details",
    "ocds_invoice_chunks",
    "payment_target_days",
    "timezone",
]
