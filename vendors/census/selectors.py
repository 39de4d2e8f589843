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

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from marketplace.regions.models import Region
from vendors.census import periods, sizeclass
from vendors.census.models import (
    PLATFORM_RANK,
    CensusRecord,
    CensusSnapshot,
    CensusSnapshotRow,
    Gender,
    KecamatanTile,
    PlatformSales,
    PlatformStatus,
    SizeClass,
    SizeClassChange,
)
from vendors.models import Vendor
from vendors.validators import compact, mask_nik

TOP_SHARE = 0.10  # concentration: the share of the top 10% of MSMEs
DEFAULT_MONTHS = 24  # growth per month without a period: the last 24 months
MASK = "•"

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
]


# --- The filter ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CensusFilter:
    """What the dashboard shows: a period, a sector, a kecamatan (all optional).

    The period: `month_from`..`month_to` (any day of each month; either may be left out), else
    the whole `year`, else everything up to today. `sector`: a vendors.Vendor.Sector value.
    `kecamatan_id`: a marketplace.regions Region id."""

    year: int | None = None
    month_from: date | None = None
    month_to: date | None = None
    sector: str = ""
    kecamatan_id: int | None = None

    def bounds(self, today: date | None = None) -> tuple[date | None, date]:
        """(first day, or None for "from the beginning"; last day) of the period."""
        today = today or timezone.localdate()
        start = periods.month_start(self.month_from) if self.month_from else None
        if start is None and self.year:
            start = date(self.year, 1, 1)
        if self.month_to:
            end = periods.month_end(self.month_to)
        elif self.year:
            end = date(self.year, 12, 31)
        else:
            end = periods.month_end(today)
        return start, end

    def as_of(self, today: date | None = None) -> date:
        """The day the register is counted on: the period's end, or today if that is later."""
        today = today or timezone.localdate()
        return min(self.bounds(today)[1], today)

    def params(self) -> dict:
        """The filter as URL parameters (and as stored in an ExportLog), empty values left out."""
        out = {}
        if self.year:
            out["year"] = str(self.year)
        if self.month_from:
            out["month_from"] = self.month_from.strftime("%Y-%m")
        if self.month_to:
            out["month_to"] = self.month_to.strftime("%Y-%m")
        if self.sector:
            out["sector"] = self.sector
        if self.kecamatan_id:
            out["kecamatan"] = str(self.kecamatan_id)
        return out


def census_filter_from(params) -> CensusFilter:
    """A CensusFilter from URL parameters (`CensusFilter.params` gives them back): `year` (2026),
    `month_from`/`month_to` ("2026-03", or a month number 1–12 within `year`), `sector`,
    `kecamatan` (a Region id). A value that cannot be read is left out, never an error."""

    def get(name):
        value = params.get(name)
        return str(value).strip() if value not in (None, "") else ""

    year = int(get("year")) if get("year").isdigit() and 2000 <= int(get("year")) <= 2100 else None

    def month(name):
        text = get(name)
        if text.isdigit() and year and 1 <= int(text) <= 12:
            return date(year, int(text), 1)
        try:
            day = date.fromisoformat(text + "-01" if len(text) == 7 else text)
        except ValueError:
            return None
        return periods.month_start(day) if 2000 <= day.year <= 2100 else None

    month_from, month_to = month("month_from"), month("month_to")
    if month_from and month_to and month_from > month_to:
        month_from, month_to = month_to, month_from
    sector = get("sector") if get("sector") in Vendor.Sector.values else ""
    kecamatan = get("kecamatan")
    kecamatan_id = int(kecamatan) if kecamatan.isdigit() and 0 < int(kecamatan) < 2**63 else None
    return CensusFilter(year, month_from, month_to, sector, kecamatan_id)


def _records(f: CensusFilter, today=None):
    qs = CensusRecord.objects.filter(registered_on__lte=f.as_of(today))
    if f.sector:
        qs = qs.filter(sector=f.sector)
    if f.kecamatan_id:
        qs = qs.filter(kecamatan_id=f.kecamatan_id)
    return qs


def _sales(f: CensusFilter, today=None):
    start, end = f.bounds(today)
    qs = PlatformSales.objects.filter(month__lte=end)
    if start:
        qs = qs.filter(month__gte=start)
    if f.sector:
        qs = qs.filter(record__sector=f.sector)
    if f.kecamatan_id:
        qs = qs.filter(record__kecamatan_id=f.kecamatan_id)
    return qs


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


# --- Rows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountRow:
    """MSMEs of one kind (a sector, a class, a gender, an age group)."""

    key: str
    label: str
    msmes: int
    share: float  # of all MSMEs in the table, 0..1


@dataclass(frozen=True)
class StageRow:
    """MSMEs at one stage on the platform: `msmes` exactly there, `reached` there or beyond."""

    key: str
    label: str
    msmes: int
    reached: int
    share: float  # `reached` of all MSMEs in the table


@dataclass(frozen=True)
class RegionRow:
    """MSMEs (or spending) of one kecamatan or kelurahan; `code` is its Kemendagri code."""

    region_id: int | None
    code: str
    label: str
    kecamatan_code: str
    msmes: int
    share: float
    amount_idr: int = 0


@dataclass(frozen=True)
class AmountRow:
    """Spending of one kind (a unit, a sector, a kecamatan): paid, orders, MSMEs paid."""

    key: str
    label: str
    amount_idr: int
    orders: int
    msmes: int
    share: float  # of all spending in the table


@dataclass(frozen=True)
class GrowthRow:
    month: date
    new: int  # records that became known to the city that month
    total: int  # records known by the month's end


@dataclass(frozen=True)
class MonthAmountRow:
    month: date
    amount_idr: int
    orders: int
    msmes: int


@dataclass(frozen=True)
class TopRow:
    rank: int
    record_id: int
    business_name: str
    sector: str
    kecamatan: str
    amount_idr: int
    orders: int
    share: float


@dataclass(frozen=True)
class ConcentrationMonth:
    month: date
    msmes: int
    amount_idr: int
    top_share: float
    gini: float


@dataclass(frozen=True)
class Concentration:
    """How concentrated spending is among the MSMEs paid in the period: the share of the top 10%
    (at least one MSME) and the Gini coefficient (0: every MSME paid the same; near 1: one MSME
    got nearly all), overall and per month."""

    msmes: int
    amount_idr: int
    top_count: int
    top_share: float
    gini: float
    months: list[ConcentrationMonth] = field(default_factory=list)


@dataclass(frozen=True)
class TransitionRow:
    from_key: str
    from_label: str
    to_key: str
    to_label: str
    count: int
    up: bool


@dataclass(frozen=True)
class NaikKelas:
    """Class changes in the period: up ("naik kelas"), down, and each transition."""

    up: int
    down: int
    transitions: list[TransitionRow]
    months: list[tuple[date, int]]  # (month, MSMEs that moved up)


@dataclass(frozen=True)
class TileRow:
    """One kecamatan's tile on the map: where it lies (row, col) and its figure."""

    region_id: int
    code: str
    label: str
    row: int
    col: int
    value: int
    share: float  # of the largest tile's value, 0..1 (for shading)


def _sector_label(key: str) -> str:
    return str(Vendor.Sector(key).label) if key in Vendor.Sector.values else _("Not stated")


def _count_rows(counts: dict, keys_labels: list[tuple[str, str]]) -> list[CountRow]:
    total = sum(counts.values())
    rows = [
        CountRow(key, label, counts.get(key, 0), _share(counts.get(key, 0), total))
        for key, label in keys_labels
    ]
    if counts.get("", 0) and all(k != "" for k, _l in keys_labels):
        rows.append(CountRow("", _("Not stated"), counts[""], _share(counts[""], total)))
    return rows


# --- MSMEs ----------------------------------------------------------------------------------------


def by_sector(f: CensusFilter) -> list[CountRow]:
    """MSMEs per sector (every sector listed, "Not stated" when some have none). One query."""
    counts = dict(_records(f).values_list("sector").annotate(n=Count("pk")).order_by())
    return _count_rows(counts, [(s.value, str(s.label)) for s in Vendor.Sector])


def _region_counts(f: CensusFilter, field_name: str) -> dict:
    return dict(_records(f).values_list(field_name).annotate(n=Count("pk")).order_by())


def by_kecamatan(f: CensusFilter) -> list[RegionRow]:
    """MSMEs per kecamatan, every kecamatan of the city listed (with its code for the tile map),
    in code order; records without a kecamatan last. Two queries."""
    counts = _region_counts(f, "kecamatan_id")
    total = sum(counts.values())
    rows = [
        RegionRow(k.pk, k.code, k.name, k.code, counts.get(k.pk, 0), _share(counts.get(k.pk, 0), total))
        for k in Region.objects.filter(level=Region.Level.DISTRICT).order_by("code")
    ]
    if counts.get(None):
        rows.append(
            RegionRow(None, "", _("Unknown kecamatan"), "", counts[None], _share(counts[None], total))
        )
    return rows


def by_kelurahan(f: CensusFilter) -> list[RegionRow]:
    """MSMEs per kelurahan: those of the chosen kecamatan (all the city's without one), each with
    its kecamatan's code; records without a kelurahan last. Two queries."""
    counts = _region_counts(f, "kelurahan_id")
    total = sum(counts.values())
    kelurahan = Region.objects.filter(level=Region.Level.VILLAGE).select_related("parent").order_by("code")
    if f.kecamatan_id:
        kelurahan = kelurahan.filter(parent_id=f.kecamatan_id)
    rows = [
        RegionRow(
            k.pk,
            k.code,
            k.name,
            k.parent.code if k.parent_id else "",
            counts.get(k.pk, 0),
            _share(counts.get(k.pk, 0), total),
        )
        for k in kelurahan
    ]
    if counts.get(None):
        rows.append(
            RegionRow(None, "", _("Unknown kelurahan"), "", counts[None], _share(counts[None], total))
        )
    return rows


def by_size_class(f: CensusFilter) -> list[CountRow]:
    """MSMEs per size class (micro, small, medium, large, unknown), current classes. One query."""
    counts = dict(_records(f).values_list("size_class").annotate(n=Count("pk")).order_by())
    order = [SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM, SizeClass.LARGE, SizeClass.UNKNOWN]
    return _count_rows(counts, [(c.value, str(c.label)) for c in order])


def by_gender(f: CensusFilter) -> list[CountRow]:
    """Owners per gender, read from the NIK ("Not stated" without a readable NIK). One query."""
    counts = dict(_records(f).values_list("owner_gender").annotate(n=Count("pk")).order_by())
    return _count_rows(counts, [(g.value, str(g.label)) for g in Gender])


def by_age_group(f: CensusFilter) -> list[CountRow]:
    """Owners per age group at the period's end (from the birth date in the NIK). One query."""
    on = f.as_of()
    aggregates = {}
    for key, low, high in periods.AGE_GROUPS:
        condition = Q(owner_birth_date__lte=periods.years_before(on, low))
        if high is not None:
            condition &= Q(owner_birth_date__gt=periods.years_before(on, high))
        if low == 0:  # a birth date after the period's end counts with the youngest
            condition = Q(owner_birth_date__gt=periods.years_before(on, high))
        aggregates[key] = Count("pk", filter=condition)
    aggregates[periods.AGE_UNKNOWN] = Count("pk", filter=Q(owner_birth_date__isnull=True))
    counts = _records(f).aggregate(**aggregates)
    labels = [(key, key) for key, _low, _high in periods.AGE_GROUPS]
    return _count_rows(counts, labels)


def by_platform_status(f: CensusFilter) -> list[StageRow]:
    """MSMEs per stage on the platform: not on it, registered, verified, selling, paid at least
    once; `reached` counts each stage with the ones beyond. One query."""
    counts = dict(_records(f).values_list("platform_status").annotate(n=Count("pk")).order_by())
    total = sum(counts.values())
    rows, reached = [], 0
    for status in reversed(PlatformStatus):
        reached += counts.get(status.value, 0)
        rows.append(StageRow(status.value, str(status.label), counts.get(status.value, 0), reached, 0.0))
    rows.reverse()
    return [StageRow(r.key, r.label, r.msmes, r.reached, _share(r.reached, total)) for r in rows]


def growth_by_month(f: CensusFilter) -> list[GrowthRow]:
    """New records per month (when each became known to the city) and the running total, over
    the period's months (without a period: the last 24). Two queries."""
    start, end = f.bounds()
    end = min(end, periods.month_end(timezone.localdate()))
    if start is None:
        start = periods.add_months(periods.month_start(end), -(DEFAULT_MONTHS - 1))
    qs = _records(CensusFilter(sector=f.sector, kecamatan_id=f.kecamatan_id)).filter(registered_on__lte=end)
    before = qs.filter(registered_on__lt=start).count()
    new = {
        (m.date() if hasattr(m, "date") else m): n
        for m, n in qs.filter(registered_on__gte=start)
        .annotate(m=TruncMonth("registered_on"))
        .values_list("m")
        .annotate(n=Count("pk"))
        .order_by()
    }
    rows, total = [], before
    for month in periods.months(start, end):
        total += new.get(month, 0)
        rows.append(GrowthRow(month, new.get(month, 0), total))
    return rows


# --- Spending -------------------------------------------------------------------------------------


def _amount_rows(grouped, keys_labels: list[tuple], total: int | None = None) -> list[AmountRow]:
    by_key = {key: (amount or 0, orders or 0, msmes) for key, amount, orders, msmes in grouped}
    total = sum(v[0] for v in by_key.values()) if total is None else total
    rows = []
    for key, label in keys_labels:
        amount, orders, msmes = by_key.get(key, (0, 0, 0))
        rows.append(AmountRow(str(key or ""), label, amount, orders, msmes, _share(amount, total)))
    return rows


def _grouped(qs, key: str):
    return (
        qs.values_list(key)
        .annotate(s=Sum("amount_idr"), o=Sum("orders"), m=Count("record", distinct=True))
        .order_by()
    )


def spending_by_unit(f: CensusFilter) -> list[AmountRow]:
    """What each government unit paid MSMEs in the period, largest first (key: the unit's code).
    One query."""
    grouped = list(
        _sales(f)
        .values_list("unit_code")
        .annotate(
            s=Sum("amount_idr"), o=Sum("orders"), m=Count("record", distinct=True), name=Max("unit_name")
        )
        .order_by("-s", "unit_code")
    )
    total = sum(s or 0 for _c, s, _o, _m, _n in grouped)
    return [
        AmountRow(code, name, s or 0, o or 0, m, _share(s or 0, total)) for code, s, o, m, name in grouped
    ]


def spending_by_sector(f: CensusFilter) -> list[AmountRow]:
    """What MSMEs of each sector were paid in the period (every sector listed). One query."""
    grouped = list(_grouped(_sales(f), "record__sector"))
    keys = [(s.value, str(s.label)) for s in Vendor.Sector]
    if any(key == "" for key, *_rest in grouped):
        keys.append(("", _("Not stated")))
    return _amount_rows(grouped, keys)


def spending_by_kecamatan(f: CensusFilter) -> list[AmountRow]:
    """What MSMEs of each kecamatan were paid in the period (key: the kecamatan's code). Two queries."""
    grouped = {k: rest for k, *rest in _grouped(_sales(f), "record__kecamatan_id")}
    total = sum(rest[0] or 0 for rest in grouped.values())
    rows = []
    for k in Region.objects.filter(level=Region.Level.DISTRICT).order_by("code"):
        amount, orders, msmes = grouped.get(k.pk, (0, 0, 0))
        rows.append(AmountRow(k.code, k.name, amount or 0, orders or 0, msmes, _share(amount or 0, total)))
    if None in grouped:
        amount, orders, msmes = grouped[None]
        rows.append(
            AmountRow("", _("Unknown kecamatan"), amount or 0, orders or 0, msmes, _share(amount or 0, total))
        )
    return rows


def _period_months(f: CensusFilter, found: Iterable[date]) -> list[date]:
    start, end = f.bounds()
    end = min(end, periods.month_end(timezone.localdate()))
    found = sorted(found)
    if start is None:
        start = found[0] if found else periods.add_months(periods.month_start(end), -11)
    return periods.months(start, end)


def spending_by_month(f: CensusFilter) -> list[MonthAmountRow]:
    """Spending per month of the period (without a period: from the first month paid), with
    months without spending shown as 0. One query."""
    grouped = {m: rest for m, *rest in _grouped(_sales(f), "month")}
    rows = []
    for month in _period_months(f, grouped):
        amount, orders, msmes = grouped.get(month, (0, 0, 0))
        rows.append(MonthAmountRow(month, amount or 0, orders or 0, msmes))
    return rows


def top_msmes(f: CensusFilter, n: int = 10) -> list[TopRow]:
    """The `n` MSMEs paid most in the period. Two queries."""
    qs = _sales(f)
    total = qs.aggregate(s=Sum("amount_idr"))["s"] or 0
    grouped = (
        qs.values_list("record_id", "record__business_name", "record__sector", "record__kecamatan__name")
        .annotate(s=Sum("amount_idr"), o=Sum("orders"))
        .filter(s__gt=0)
        .order_by("-s", "record_id")[: max(int(n), 0)]
    )
    return [
        TopRow(rank, pk, name, _sector_label(sector or ""), kecamatan or "", s, o or 0, _share(s, total))
        for rank, (pk, name, sector, kecamatan, s, o) in enumerate(grouped, start=1)
    ]


def gini(values: Iterable[int]) -> float:
    """The Gini coefficient of non-negative amounts (0 for fewer than two or a zero total)."""
    xs = sorted(max(int(v), 0) for v in values)
    n, total = len(xs), sum(xs)
    if n < 2 or total == 0:
        return 0.0
    weighted = sum(i * x for i, x in enumerate(xs, start=1))
    return max(0.0, (2 * weighted) / (n * total) - (n + 1) / n)


def _top_share(values: list[int]) -> tuple[int, float]:
    xs = sorted((v for v in values if v > 0), reverse=True)
    if not xs:
        return 0, 0.0
    k = max(1, math.ceil(len(xs) * TOP_SHARE))
    return k, _share(sum(xs[:k]), sum(xs))


def concentration(f: CensusFilter) -> Concentration:
    """The share of the top 10% of the MSMEs paid, and the Gini coefficient, over the period and
    per month (each MSME's net amount; MSMEs with nothing left after refunds are not counted).
    One query."""
    return _concentration_of(f, _record_months(f))


def _concentration_of(f: CensusFilter, pairs) -> Concentration:
    """`concentration(f)` from `_record_months(f)`."""
    per_record: dict[int, int] = defaultdict(int)
    per_month: dict[date, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for record_id, month, amount, _orders in pairs:
        per_record[record_id] += amount
        per_month[month][record_id] += amount
    paid = [v for v in per_record.values() if v > 0]
    top_count, top_share = _top_share(paid)
    months = []
    for month in _period_months(f, per_month):
        values = [v for v in per_month.get(month, {}).values() if v > 0]
        _k, share = _top_share(values)
        months.append(ConcentrationMonth(month, len(values), sum(values), share, gini(values)))
    return Concentration(len(paid), sum(paid), top_count, top_share, gini(paid), months)


def naik_kelas_count(f: CensusFilter) -> NaikKelas:
    """Size-class changes in the period among the filter's MSMEs: up (naik kelas: from a known
    MSME class to a larger one), down, and each transition; the first classification of a
    record (from "unknown") is neither. One query."""
    start, end = f.bounds()
    qs = SizeClassChange.objects.filter(changed_on__lte=end)
    if start:
        qs = qs.filter(changed_on__gte=start)
    if f.sector:
        qs = qs.filter(record__sector=f.sector)
    if f.kecamatan_id:
        qs = qs.filter(record__kecamatan_id=f.kecamatan_id)
    qs = qs.exclude(from_class=SizeClass.UNKNOWN).exclude(to_class=SizeClass.UNKNOWN)
    grouped = (
        qs.annotate(m=TruncMonth("changed_on"))
        .values_list("from_class", "to_class", "m")
        .annotate(n=Count("record", distinct=True))
        .order_by()
    )
    transitions: dict[tuple[str, str], int] = defaultdict(int)
    up_by_month: dict[date, int] = defaultdict(int)
    for from_class, to_class, month, n in grouped:
        transitions[(from_class, to_class)] += n
        if sizeclass.is_up(from_class, to_class):
            up_by_month[month.date() if hasattr(month, "date") else month] += n
    rows = [
        TransitionRow(a, str(SizeClass(a).label), b, str(SizeClass(b).label), n, sizeclass.is_up(a, b))
        for (a, b), n in sorted(
            transitions.items(), key=lambda t: (sizeclass.RANK[t[0][0]], sizeclass.RANK[t[0][1]])
        )
    ]
    up = sum(r.count for r in rows if r.up)
    return NaikKelas(
        up=up,
        down=sum(r.count for r in rows if not r.up),
        transitions=rows,
        months=sorted(up_by_month.items()),
    )


def kecamatan_tiles(f: CensusFilter, *, measure: str = "msmes") -> list[TileRow]:
    """The tile map: each kecamatan with a tile (city pack kecamatan-tiles.csv) and its figure,
    MSMEs ("msmes") or spending in rupiah ("spending"). `share` is the figure over the largest
    one, for shading. Two queries."""
    if measure == "spending":
        values = dict(
            _sales(CensusFilter(f.year, f.month_from, f.month_to, f.sector))
            .values_list("record__kecamatan_id")
            .annotate(s=Sum("amount_idr"))
            .order_by()
        )
    else:
        values = _region_counts(CensusFilter(f.year, f.month_from, f.month_to, f.sector), "kecamatan_id")
    tiles = list(KecamatanTile.objects.select_related("region").order_by("row", "col"))
    top = max([max(values.get(t.region_id) or 0, 0) for t in tiles] or [0])
    return [
        TileRow(
            t.region_id,
            t.region_code,
            t.region.name,
            t.row,
            t.col,
            values.get(t.region_id) or 0,
            _share(max(values.get(t.region_id) or 0, 0), top),
        )
        for t in tiles
    ]


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


def _record_months(f: CensusFilter) -> list[tuple[int, date, int, int]]:
    """(record, month, amount, orders) of the period: the one grouping the dashboard's spending
    per month, its top MSMEs and its concentration are all derived from (one query)."""
    return [
        (record_id, month, amount or 0, orders or 0)
        for record_id, month, amount, orders in _sales(f)
        .values_list("record_id", "month")
        .annotate(s=Sum("amount_idr"), o=Sum("orders"))
        .order_by()
    ]


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


# --- Exports --------------------------------------------------------------------------------------


def _mask_phone(phone: str) -> str:
    if not phone:
        return ""
    return phone[:4] + MASK * max(len(phone) - 7, 3) + phone[-3:]


def _mask_name(name: str) -> str:
    """Initials only: "Sri Wahyuni" -> "S. W."."""
    return " ".join(f"{part[0]}." for part in name.split() if part)


def _mask_address(address: str) -> str:
    return MASK * 8 if address else ""


EXPORT_COLUMNS = (
    ("id", "ID"),
    ("nik", "NIK"),
    ("nib", "NIB"),
    ("business_name", gettext_noop("Business name")),
    ("owner_name", gettext_noop("Owner")),
    ("owner_gender", gettext_noop("Gender")),
    ("owner_birth_date", gettext_noop("Birth date")),
    ("age_group", gettext_noop("Age group")),
    ("phone", gettext_noop("Phone")),
    ("address", gettext_noop("Address")),
    ("sector", gettext_noop("Sector")),
    ("kecamatan", gettext_noop("Kecamatan")),
    ("kelurahan", gettext_noop("Kelurahan")),
    ("capital_idr", gettext_noop("Capital (Rp)")),
    ("annual_sales_idr", gettext_noop("Self-reported annual sales (Rp)")),
    ("employees", gettext_noop("Employees")),
    ("size_class", gettext_noop("Size class")),
    ("platform_status", gettext_noop("Platform status")),
    ("sales_idr", gettext_noop("Platform sales in the period (Rp)")),
    ("source", gettext_noop("Source")),
    ("source_reference", gettext_noop("Reference in the source")),
    ("registered_on", gettext_noop("Known to the city since")),
)


EXPORT_FIELDS = (
    "pk",
    "nik",
    "nib",
    "business_name",
    "owner_name",
    "owner_gender",
    "owner_birth_date",
    "phone",
    "address",
    "sector",
    "kecamatan__name",
    "kelurahan__name",
    "capital_idr",
    "annual_sales_idr",
    "employees",
    "size_class",
    "platform_status",
    "period_sales",
    "source",
    "source_reference",
    "registered_on",
)


def _labels(choices) -> dict[str, str]:
    return {key: str(label) for key, label in choices}


def census_export_count(f: CensusFilter) -> int:
    """How many rows `census_export_rows(f, …)` yields after its header (for the ExportLog)."""
    return _records(f).count()


def census_export_rows(f: CensusFilter, *, with_personal_data: bool) -> Iterator[list]:
    """The register for the filter, one list per MSME after a header row (translated), streamed
    from the database in chunks (flat memory at 20,000 rows). Without `with_personal_data` the
    NIK (`3374••••••••0001`), phone, address, owner's name (initials) and birth date are masked.
    Feed it to `exports.export_csv` or `exports.export_xlsx`."""
    yield [_(label) for _key, label in EXPORT_COLUMNS]
    start, end = f.bounds()
    on = f.as_of()
    sales = PlatformSales.objects.filter(record=OuterRef("pk"), month__lte=end)
    if start:
        sales = sales.filter(month__gte=start)
    sales = sales.order_by().values("record").annotate(s=Sum("amount_idr")).values("s")
    # Plain value rows (no model instances) with the two region names joined in.
    qs = (
        _records(f)
        .annotate(period_sales=Coalesce(Subquery(sales, output_field=IntegerField()), Value(0)))
        .order_by("pk")
        .values_list(*EXPORT_FIELDS)
    )
    # Labels translated once per export, not once per row (a quarter of the CPU at 20,000 rows).
    sources = _labels(CensusRecord.Source.choices)
    classes = _labels(SizeClass.choices)
    statuses = _labels(PlatformStatus.choices)
    genders = _labels(Gender.choices)
    sectors = _labels(Vendor.Sector.choices)
    not_stated = _("Not stated")
    personal = with_personal_data
    for (
        pk,
        nik,
        nib,
        business_name,
        owner_name,
        owner_gender,
        owner_birth_date,
        phone,
        address,
        sector,
        kecamatan,
        kelurahan,
        capital_idr,
        annual_sales_idr,
        employees,
        size_class,
        platform_status,
        period_sales,
        source,
        source_reference,
        registered_on,
    ) in qs.iterator(chunk_size=2000):
        yield [
            pk,
            (nik or "") if personal else mask_nik(nik),
            nib or "",
            business_name,
            owner_name if personal else _mask_name(owner_name),
            genders.get(owner_gender, ""),
            owner_birth_date if personal else None,
            periods.age_group(owner_birth_date, on=on),
            phone if personal else _mask_phone(phone),
            address if personal else _mask_address(address),
            sectors.get(sector, not_stated) if sector else "",
            kecamatan or "",
            kelurahan or "",
            capital_idr,
            annual_sales_idr,
            employees,
            classes.get(size_class, ""),
            statuses.get(platform_status, ""),
            period_sales,
            sources.get(source, ""),
            source_reference,
            registered_on,
        ]


TABLE_HEADINGS = {
    "key": gettext_noop("Code"),
    "label": gettext_noop("Name"),
    "msmes": gettext_noop("MSMEs"),
    "reached": gettext_noop("Reached"),
    "share": gettext_noop("Share"),
    "code": gettext_noop("Code"),
    "kecamatan_code": gettext_noop("Kecamatan code"),
    "amount_idr": gettext_noop("Amount (Rp)"),
    "orders": gettext_noop("Orders"),
    "month": gettext_noop("Month"),
    "new": gettext_noop("New"),
    "total": gettext_noop("Total"),
    "rank": gettext_noop("Rank"),
    "business_name": gettext_noop("Business name"),
    "sector": gettext_noop("Sector"),
    "kecamatan": gettext_noop("Kecamatan"),
    "top_share": gettext_noop("Share of the top 10%"),
    "gini": gettext_noop("Gini coefficient"),
    "from_label": gettext_noop("From"),
    "to_label": gettext_noop("To"),
    "count": gettext_noop("MSMEs"),
    "up": gettext_noop("Up"),
    "row": gettext_noop("Row"),
    "col": gettext_noop("Column"),
    "value": gettext_noop("Value"),
}
TABLE_SKIPPED = {"region_id", "record_id", "from_key", "to_key"}


def census_table_rows(rows: Iterable) -> Iterator[list]:
    """A dashboard table (a list of the row dataclasses above) as a header and value lists, for
    `exports.export_csv` / `export_xlsx`. Shares are given in percent with one decimal."""
    rows = list(rows)
    if not rows or not is_dataclass(rows[0]):
        yield [_("No figures for this choice.")]
        return
    names = [f.name for f in fields(rows[0]) if f.name not in TABLE_SKIPPED]
    yield [_(TABLE_HEADINGS.get(name, name)) for name in names]
    for row in rows:
        values = asdict(row)
        out = []
        for name in names:
            value = values[name]
            if name in ("share", "top_share"):
                value = round(value * 100, 1)
            elif name == "gini":
                value = round(value, 3)
            elif isinstance(value, bool):
                value = _("yes") if value else _("no")
            out.append(value)
        yield out


# --- Registration: pre-filling from the census ----------------------------------------------------


@dataclass(frozen=True)
class CensusPrefill:
    """What the registration form may take from the census record holding the MSME's NIK.

    `fields` are vendors.Vendor field names with their values (only those the record has).
    Non-personal fields always; the personal ones (owner's name, phone, address, NIB, annual
    sales) only when `personal` (the MSME is approved: the Verifikator checked the NIK)."""

    record_id: int
    fields: dict
    personal: bool


PREFILL_PUBLIC = (
    ("business_name", "business_name"),
    ("sector", "sector"),
    ("kecamatan_id", "kecamatan_id"),
    ("kelurahan_id", "kelurahan_id"),
    ("capital_idr", "capital_idr"),
    ("employees", "employees"),
)
PREFILL_PERSONAL = (
    ("owner_name", "owner_name"),
    ("phone", "phone"),
    ("street_address", "address"),
    ("nib", "nib"),
    ("annual_sales_idr", "annual_sales_idr"),
)


def census_prefill_for(vendor: Vendor) -> CensusPrefill | None:
    """The census facts to pre-fill `vendor`'s registration with, or None (no NIK, no record).

    Found by the vendor's link, else by its NIK. Someone who merely types a NIK sees the
    business's non-personal facts at most; the personal ones follow once the MSME is approved."""
    record = CensusRecord.objects.filter(vendor=vendor).first() if vendor.pk else None
    if record is None:
        nik = compact(vendor.nik)
        if len(nik) != 16:
            return None
        free = Q(vendor__isnull=True) | Q(vendor_id=vendor.pk) if vendor.pk else Q(vendor__isnull=True)
        record = CensusRecord.objects.filter(free, nik=nik).first()
    if record is None:
        return None
    personal = vendor.status == Vendor.Status.APPROVED
    pairs = PREFILL_PUBLIC + (PREFILL_PERSONAL if personal else ())
    values = {
        vendor_field: getattr(record, record_field)
        for vendor_field, record_field in pairs
        if getattr(record, record_field) not in (None, "")
    }
    return CensusPrefill(record_id=record.pk, fields=values, personal=personal)


# --- Snapshots ------------------------------------------------------------------------------------


def census_snapshots():
    """The frozen snapshots, latest period first (a queryset: the page slices or lists it)."""
    return CensusSnapshot.objects.select_related("frozen_by").order_by("-period_start", "period_kind")


def census_rows_at(start: date, end: date) -> list[CensusSnapshotRow]:
    """Every record known by `end` with its figures for the period, as a snapshot would freeze
    them now (unsaved rows): sales and orders in the period, the class from the 12 months to
    `end`, the age group at `end`, the platform status at `end` as far as it can be told."""
    in_period = {
        record_id: (amount or 0, orders or 0)
        for record_id, amount, orders in PlatformSales.objects.filter(month__gte=start, month__lte=end)
        .values_list("record_id")
        .annotate(s=Sum("amount_idr"), o=Sum("orders"))
        .order_by()
    }
    first, last = periods.twelve_months_to(end)
    twelve = dict(
        PlatformSales.objects.filter(month__gte=first, month__lte=last)
        .values_list("record_id")
        .annotate(s=Sum("amount_idr"))
        .order_by()
    )
    rows = []
    for record in (
        CensusRecord.objects.filter(registered_on__lte=end).order_by("pk").iterator(chunk_size=2000)
    ):
        sales, orders = in_period.get(record.pk, (0, 0))
        platform = twelve.get(record.pk) or 0
        status = record.platform_status
        if record.first_paid_month and record.first_paid_month <= end:
            status = PlatformStatus.PAID
        elif PLATFORM_RANK[status] >= PLATFORM_RANK[PlatformStatus.PAID]:
            status = PlatformStatus.SELLING
        rows.append(
            CensusSnapshotRow(
                record_id=record.pk,
                sector=record.sector,
                kecamatan_id=record.kecamatan_id,
                kelurahan_id=record.kelurahan_id,
                owner_gender=record.owner_gender,
                age_group=periods.age_group(record.owner_birth_date, on=end),
                size_class=sizeclass.size_class(
                    capital_idr=record.capital_idr,
                    reported_sales_idr=record.annual_sales_idr,
                    platform_12m_idr=platform,
                ),
                platform_status=status,
                source=record.source,
                registered_on=record.registered_on,
                capital_idr=record.capital_idr,
                annual_sales_idr=sizeclass.annual_sales(
                    reported_idr=record.annual_sales_idr, platform_12m_idr=platform
                ),
                employees=record.employees,
                sales_idr=sales,
                orders=orders,
            )
        )
    return rows


@dataclass(frozen=True)
class SnapshotSide:
    """One side of a comparison: a frozen snapshot, or the census now (`snapshot_id` None)."""

    snapshot_id: int | None
    label: str
    period_start: date
    period_end: date
    frozen_at: object  # datetime, None for "now"
    msmes: int
    sales_idr: int
    paid_msmes: int


@dataclass(frozen=True)
class CompareRow:
    key: str
    label: str
    a_msmes: int
    b_msmes: int
    a_sales_idr: int
    b_sales_idr: int

    @property
    def msmes_change(self) -> int:
        return self.b_msmes - self.a_msmes

    @property
    def sales_growth(self) -> float | None:
        """(b − a) / a, None when a is 0."""
        return (self.b_sales_idr - self.a_sales_idr) / self.a_sales_idr if self.a_sales_idr else None


@dataclass(frozen=True)
class SnapshotComparison:
    """What moved from snapshot `a` to `b`: MSMEs new in `b` (and gone), class changes of the
    MSMEs in both, sales growth overall, per sector and per size class."""

    a: SnapshotSide
    b: SnapshotSide
    new_msmes: int
    gone_msmes: int
    new_by_sector: list[CountRow]
    class_up: int
    class_down: int
    transitions: list[TransitionRow]
    by_sector: list[CompareRow]
    by_size_class: list[CompareRow]
    newly_paid: int  # MSMEs paid in `b`'s status that were not in `a`'s

    @property
    def sales_growth(self) -> float | None:
        return (self.b.sales_idr - self.a.sales_idr) / self.a.sales_idr if self.a.sales_idr else None


def _side(snapshot: CensusSnapshot | None, rows: list, start: date, end: date) -> SnapshotSide:
    paid = sum(1 for r in rows if r.platform_status == PlatformStatus.PAID)
    if snapshot is None:
        return SnapshotSide(None, _("Now"), start, end, None, len(rows), sum(r.sales_idr for r in rows), paid)
    return SnapshotSide(
        snapshot.pk,
        periods.period_label(period_kind=snapshot.period_kind, year=snapshot.year, quarter=snapshot.quarter),
        snapshot.period_start,
        snapshot.period_end,
        snapshot.frozen_at,
        snapshot.records,
        snapshot.sales_idr,
        paid,
    )


def _compare_rows(a_rows, b_rows, attribute: str, keys_labels) -> list[CompareRow]:
    def sums(rows):
        out = defaultdict(lambda: [0, 0])
        for r in rows:
            out[getattr(r, attribute)][0] += 1
            out[getattr(r, attribute)][1] += r.sales_idr
        return out

    a, b = sums(a_rows), sums(b_rows)
    return [CompareRow(key, label, a[key][0], b[key][0], a[key][1], b[key][1]) for key, label in keys_labels]


def census_snapshot_compare(
    a: CensusSnapshot, b: CensusSnapshot | None = None, *, today: date | None = None
) -> SnapshotComparison:
    """Compare snapshot `a` with snapshot `b`, or with the census now (`b` None: the figures as
    they stand, sales of the current period of `a`'s kind so far). Reads both snapshots' rows
    (two queries) or `a`'s rows and the live figures."""
    today = today or timezone.localdate()
    a_rows = list(
        CensusSnapshotRow.objects.filter(snapshot=a).only(
            "record_id", "sector", "size_class", "platform_status", "sales_idr"
        )
    )
    if b is None:
        quarter = (today.month - 1) // 3 + 1 if a.period_kind == CensusSnapshot.PeriodKind.QUARTER else None
        start, _end = periods.period_bounds(period_kind=a.period_kind, year=today.year, quarter=quarter)
        b_rows = census_rows_at(start, today)
        b_side = _side(None, b_rows, start, today)
    else:
        b_rows = list(
            CensusSnapshotRow.objects.filter(snapshot=b).only(
                "record_id", "sector", "size_class", "platform_status", "sales_idr"
            )
        )
        b_side = _side(b, b_rows, b.period_start, b.period_end)
    a_by_record = {r.record_id: r for r in a_rows}
    b_by_record = {r.record_id: r for r in b_rows}
    new = [r for pk, r in b_by_record.items() if pk not in a_by_record]
    gone = [pk for pk in a_by_record if pk not in b_by_record]
    transitions: dict[tuple[str, str], int] = defaultdict(int)
    newly_paid = 0
    for pk, before in a_by_record.items():
        after = b_by_record.get(pk)
        if after is None:
            continue
        if before.size_class != after.size_class:
            transitions[(before.size_class, after.size_class)] += 1
        if after.platform_status == PlatformStatus.PAID and before.platform_status != PlatformStatus.PAID:
            newly_paid += 1
    newly_paid += sum(1 for r in new if r.platform_status == PlatformStatus.PAID)
    rows = [
        TransitionRow(x, str(SizeClass(x).label), y, str(SizeClass(y).label), n, sizeclass.is_up(x, y))
        for (x, y), n in sorted(
            transitions.items(), key=lambda t: (sizeclass.RANK[t[0][0]], sizeclass.RANK[t[0][1]])
        )
    ]
    sector_keys = [(s.value, str(s.label)) for s in Vendor.Sector] + [("", _("Not stated"))]
    new_counts = defaultdict(int)
    for r in new:
        new_counts[r.sector] += 1
    class_keys = [
        (c.value, str(c.label))
        for c in (SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM, SizeClass.LARGE, SizeClass.UNKNOWN)
    ]
    return SnapshotComparison(
        a=_side(a, a_rows, a.period_start, a.period_end),
        b=b_side,
        new_msmes=len(new),
        gone_msmes=len(gone),
        new_by_sector=[r for r in _count_rows(dict(new_counts), sector_keys) if r.key or r.msmes],
        class_up=sum(r.count for r in rows if r.up),
        class_down=sum(
            r.count for r in rows if not r.up and sizeclass.RANK[r.to_key] < sizeclass.RANK[r.from_key]
        ),
        transitions=rows,
        by_sector=[
            r for r in _compare_rows(a_rows, b_rows, "sector", sector_keys) if r.key or r.a_msmes or r.b_msmes
        ],
        by_size_class=_compare_rows(a_rows, b_rows, "size_class", class_keys),
        newly_paid=newly_paid,
    )
