"""The census dashboard's figures computed together and cached by the census's stamp."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone, translation

from vendors.census.models import (
    CensusRecord,
    PlatformSales,
)
from vendors.census.selectors_filter import CensusFilter, _share
from vendors.census.selectors_msmes import (
    by_age_group,
    by_gender,
    by_kecamatan,
    by_kelurahan,
    by_platform_status,
    by_sector,
    by_size_class,
    growth_by_month,
)
from vendors.census.selectors_rows import (
    AmountRow,
    Concentration,
    CountRow,
    GrowthRow,
    MonthAmountRow,
    NaikKelas,
    RegionRow,
    StageRow,
    TileRow,
    TopRow,
    _sector_label,
)
from vendors.census.selectors_spending import (
    _concentration_of,
    _period_months,
    _record_months,
    kecamatan_tiles,
    naik_kelas_count,
    spending_by_kecamatan,
    spending_by_sector,
    spending_by_unit,
)

# --- The dashboard, cached -------------------------------------------------------------------------

DASHBOARD_CACHE_SECONDS = 6 * 60 * 60  # a safety net: the stamp in the key changes on every write


def census_stamp() -> str:
    """The census's version: the latest `updated_at` and id of a record and the latest monthly
    aggregate's id (index lookups: under a millisecond at 39,000 records). Every census write
    moves it: an import or a profile sync saves the records it changes (`updated_at`), a payment
    or refund fed in (`census_sales_record`) saves the MSME's record, `census_aggregates_replace
    --fix` and the class refresh save the records they touch. Records are never deleted by the
    census (aggregates and snapshots protect them)."""
    records = CensusRecord.objects.aggregate(m=Max("updated_at"), i=Max("pk"))
    latest = records["m"]
    sales = PlatformSales.objects.aggregate(i=Max("pk"))["i"] or 0
    return f"{int(latest.timestamp() * 1_000_000) if latest else 0}-{records['i'] or 0}-{sales}"


@dataclass(frozen=True)
class DashboardFigures:
    """Every figure the dashboard shows for one filter (each selector's rows as it returns them)."""

    by_sector: list[CountRow]
    by_kecamatan: list[RegionRow]  # every kecamatan's figure, whichever kecamatan is chosen
    by_kelurahan: list[RegionRow]
    by_size_class: list[CountRow]
    by_gender: list[CountRow]
    by_age_group: list[CountRow]
    by_platform_status: list[StageRow]
    growth_by_month: list[GrowthRow]
    spending_by_unit: list[AmountRow]
    spending_by_sector: list[AmountRow]
    spending_by_kecamatan: list[AmountRow]
    spending_by_month: list[MonthAmountRow]
    top_msmes: list[TopRow]
    concentration: Concentration
    naik_kelas: NaikKelas
    kecamatan_tiles: list[TileRow]


def _spending_by_month_of(f: CensusFilter, pairs) -> list[MonthAmountRow]:
    """`spending_by_month(f)` from `_record_months(f)`."""
    grouped: dict[date, list[int]] = {}
    for _record_id, month, amount, orders in pairs:
        item = grouped.setdefault(month, [0, 0, 0])
        item[0] += amount
        item[1] += orders
        item[2] += 1
    return [MonthAmountRow(m, *grouped.get(m, (0, 0, 0))) for m in _period_months(f, grouped)]


def _top_msmes_of(pairs, n: int = 10) -> list[TopRow]:
    """`top_msmes(f, n)` from `_record_months(f)` (one query for the names of the `n`)."""
    per_record: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    total = 0
    for record_id, _month, amount, orders in pairs:
        per_record[record_id][0] += amount
        per_record[record_id][1] += orders
        total += amount
    top = sorted(((-a, pk, o) for pk, (a, o) in per_record.items() if a > 0))[: max(int(n), 0)]
    if not top:
        return []
    names = {
        pk: (name, sector, kecamatan)
        for pk, name, sector, kecamatan in CensusRecord.objects.filter(
            pk__in=[pk for _a, pk, _o in top]
        ).values_list("pk", "business_name", "sector", "kecamatan__name")
    }
    rows = []
    for rank, (minus_amount, pk, orders) in enumerate(top, start=1):
        name, sector, kecamatan = names[pk]
        rows.append(
            TopRow(rank, pk, name, _sector_label(sector or ""), kecamatan or "", -minus_amount, orders,
                   _share(-minus_amount, total))
        )  # fmt: skip
    return rows


def _dashboard_compute(f: CensusFilter) -> DashboardFigures:
    pairs = _record_months(f)
    return DashboardFigures(
        by_sector=by_sector(f),
        by_kecamatan=by_kecamatan(CensusFilter(f.year, f.month_from, f.month_to, f.sector)),
        by_kelurahan=by_kelurahan(f),
        by_size_class=by_size_class(f),
        by_gender=by_gender(f),
        by_age_group=by_age_group(f),
        by_platform_status=by_platform_status(f),
        growth_by_month=growth_by_month(f),
        spending_by_unit=spending_by_unit(f),
        spending_by_sector=spending_by_sector(f),
        spending_by_kecamatan=spending_by_kecamatan(f),
        spending_by_month=_spending_by_month_of(f, pairs),
        top_msmes=_top_msmes_of(pairs),
        concentration=_concentration_of(f, pairs),
        naik_kelas=naik_kelas_count(f),
        kecamatan_tiles=kecamatan_tiles(f),
    )


def census_dashboard_key(f: CensusFilter) -> str:
    """The cache key of the dashboard's figures for `f`: the census's stamp, the day (periods
    without an end run to today), the language (labels) and the filter."""
    return ":".join(
        [
            "census-dashboard",
            census_stamp(),
            timezone.localdate().isoformat(),
            translation.get_language() or "",
            *(f"{name}={value}" for name, value in sorted(f.params().items())),
        ]
    )


def census_dashboard(f: CensusFilter, *, key: str | None = None) -> DashboardFigures:
    """The dashboard's figures for `f`, computed once per `census_dashboard_key(f)` (about 30
    grouped queries over the register and `PlatformSales`; when cached, the stamp's two queries
    and a cache read)."""
    key = key or census_dashboard_key(f)
    figures = cache.get(key)
    if figures is None:
        figures = _dashboard_compute(f)
        cache.set(key, figures, DASHBOARD_CACHE_SECONDS)
    return figures
