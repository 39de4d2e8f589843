"""Reads of the census for the Analis dashboard (/statistik/), its exports and the registration form.

Every dashboard selector takes a `CensusFilter` and returns plain dataclasses (a label and
numbers per row), so a page shows each as a table beside its chart and exports it with
`census_table_rows`. They read the register and the monthly aggregates only (`PlatformSales`,
`SizeClassChange`), never the orders: each makes a fixed number of queries (one or two) whatever
the number of orders paid. Figures:

- *MSMEs* (`by_*`, `growth_by_month`, tiles with measure "msmes"): the records known to the
  city by the period's end (`registered_on`), in the sector and kecamatan chosen. The size
  class and platform status are the current ones: a past period's are in its snapshot.
- *Spending* (`spending_*`, `top_msmes`, `concentration`): what the city's units paid the
  MSMEs in the period's months (invoice subtotals, refunds taken off in the month refunded).

Personal data: the dashboard figures hold none. `census_export_rows` masks NIK, phone, address
and the owner's name unless asked `with_personal_data` (the page asks only for a user with
`accounts.view_personal_data`, and logs it with `services.census_export_log`).
"""

# The figures live in the modules by topic below; this module re-exports them, so callers keep
# importing `vendors.census.selectors`.
from vendors.census.selectors_dashboard import (
    DASHBOARD_CACHE_SECONDS,
    DashboardFigures,
    census_dashboard,
    census_dashboard_key,
    census_stamp,
)
from vendors.census.selectors_dashboard import (
    _dashboard_compute as _dashboard_compute,  # read by the dashboard cache's tests
)
from vendors.census.selectors_exports import (
    EXPORT_COLUMNS,
    EXPORT_FIELDS,
    MASK,
    TABLE_HEADINGS,
    TABLE_SKIPPED,
    census_export_count,
    census_export_rows,
    census_table_rows,
)
from vendors.census.selectors_filter import CensusFilter, census_filter_from
from vendors.census.selectors_msmes import (
    DEFAULT_MONTHS,
    by_age_group,
    by_gender,
    by_kecamatan,
    by_kelurahan,
    by_platform_status,
    by_sector,
    by_size_class,
    growth_by_month,
)
from vendors.census.selectors_register import (
    PREFILL_PERSONAL,
    PREFILL_PUBLIC,
    CensusPrefill,
    census_prefill_for,
)
from vendors.census.selectors_rows import (
    AmountRow,
    Concentration,
    ConcentrationMonth,
    CountRow,
    GrowthRow,
    MonthAmountRow,
    NaikKelas,
    RegionRow,
    StageRow,
    TileRow,
    TopRow,
    TransitionRow,
)
from vendors.census.selectors_snapshots import (
    CompareRow,
    SnapshotComparison,
    SnapshotSide,
    census_rows_at,
    census_snapshot_compare,
    census_snapshots,
)
from vendors.census.selectors_spending import (
    TOP_SHARE,
    concentration,
    gini,
    kecamatan_tiles,
    naik_kelas_count,
    spending_by_kecamatan,
    spending_by_month,
    spending_by_sector,
    spending_by_unit,
    top_msmes,
)

__all__ = [
    "AmountRow",
    "CensusFilter",
    "CensusPrefill",
    "CompareRow",
    "Concentration",
    "ConcentrationMonth",
    "CountRow",
    "GrowthRow",
    "MonthAmountRow",
    "NaikKelas",
    "RegionRow",
    "SnapshotComparison",
    "SnapshotSide",
    "StageRow",
    "TileRow",
    "TopRow",
    "TransitionRow",
    "by_age_group",
    "by_gender",
    "by_kecamatan",
    "by_kelurahan",
    "by_platform_status",
    "by_sector",
    "by_size_class",
    "DashboardFigures",
    "census_dashboard",
    "census_dashboard_key",
    "census_export_count",
    "census_export_rows",
    "census_filter_from",
    "census_prefill_for",
    "census_rows_at",
    "census_snapshot_compare",
    "census_snapshots",
    "census_stamp",
    "census_table_rows",
    "concentration",
    "gini",
    "growth_by_month",
    "kecamatan_tiles",
    "naik_kelas_count",
    "spending_by_kecamatan",
    "spending_by_month",
    "spending_by_sector",
    "spending_by_unit",
    "top_msmes",
    "DEFAULT_MONTHS",
    "TOP_SHARE",
    "DASHBOARD_CACHE_SECONDS",
    "EXPORT_COLUMNS",
    "EXPORT_FIELDS",
    "TABLE_HEADINGS",
    "TABLE_SKIPPED",
    "MASK",
    "PREFILL_PUBLIC",
    "PREFILL_PERSONAL",
]
