"""The census dashboard's spending figures: what the city's units paid the MSMEs, how concentrated
it is, naik kelas (size-class changes) and the tile map."""

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Max, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.regions.models import Region
from vendors.census import periods, sizeclass
from vendors.census.models import (
    KecamatanTile,
    SizeClass,
    SizeClassChange,
)
from vendors.census.selectors_filter import CensusFilter, _sales, _share
from vendors.census.selectors_msmes import (
    _region_counts,
)
from vendors.census.selectors_rows import (
    AmountRow,
    Concentration,
    ConcentrationMonth,
    MonthAmountRow,
    NaikKelas,
    TileRow,
    TopRow,
    TransitionRow,
    _sector_label,
)
from vendors.models import Vendor

TOP_SHARE = 0.10  # concentration: the share of the top 10% of MSMEs


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
