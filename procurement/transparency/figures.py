"""The figures of a period: totals, months, units, sectors, kecamatan, size classes and
concentration, read from the census's `PlatformSales` (see procurement.transparency.selectors)."""

import math
from dataclasses import dataclass

from django.db.models import (
    Count,
    Max,
    QuerySet,
    Sum,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from procurement.transparency.caching import _cached, census_stamp
from procurement.transparency.periods import Period, years_available
from procurement.units.models import Unit
from vendors.census.models import PlatformSales
from vendors.census.sizeclass import SizeClass
from vendors.models import Vendor

# --- Size class ----------------------------------------------------------------------------------

# The census keeps each MSME's size class (PP 7/2021, vendors/census/sizeclass.py, platform
# sales raising what was reported); an MSME without a census record counts as not stated.
MICRO = SizeClass.MICRO
SIZE_LABELS = {
    SizeClass.MICRO: pgettext_lazy("business size", "Micro"),
    SizeClass.SMALL: pgettext_lazy("business size", "Small"),
    SizeClass.MEDIUM: pgettext_lazy("business size", "Medium"),
    SizeClass.LARGE: pgettext_lazy("business size", "Above medium"),
    SizeClass.UNKNOWN: pgettext_lazy("business size", "Not stated"),
}

# --- Concentration -------------------------------------------------------------------------------

TOP_SHARE_OF_MSMES = 0.10  # "top 10%": the share of spending that went to the top tenth of MSMEs paid


def gini(amounts: list[int]) -> float | None:
    """Gini coefficient of the amounts (0: spread evenly, towards 1: to a few)."""
    values = sorted(a for a in amounts if a > 0)
    n, total = len(values), sum(values)
    if n == 0 or total == 0:
        return None
    weighted = sum(i * v for i, v in enumerate(values, start=1))
    return (2 * weighted) / (n * total) - (n + 1) / n


def top_share(amounts: list[int]) -> tuple[float | None, int]:
    """The share of the total that went to the top 10% of MSMEs (at least one), and how many that is."""
    values = sorted((a for a in amounts if a > 0), reverse=True)
    total = sum(values)
    if not values or total == 0:
        return None, 0
    count = max(1, math.ceil(len(values) * TOP_SHARE_OF_MSMES))
    return sum(values[:count]) / total, count


# --- The figures of a period ----------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    key: str
    label: str
    amount_idr: int
    orders: int
    msmes: int
    share: float  # of the period's total, 0..1


@dataclass(frozen=True)
class Figures:
    period: Period
    total_idr: int
    orders: int
    msmes: int
    by_month: tuple[Share, ...]  # the year's twelve months (empty for a month)
    by_unit: tuple[Share, ...]
    by_sector: tuple[Share, ...]
    by_kecamatan: tuple[Share, ...]
    by_size: tuple[Share, ...]
    micro_idr: int
    micro_share: float | None
    top_share: float | None
    top_count: int
    gini: float | None

    @property
    def dimensions(self) -> dict[str, tuple[Share, ...]]:
        return {
            "month": self.by_month,
            "unit": self.by_unit,
            "sector": self.by_sector,
            "kecamatan": self.by_kecamatan,
            "size": self.by_size,
        }


MONTH_NAMES = (
    gettext_lazy("January"),
    gettext_lazy("February"),
    gettext_lazy("March"),
    gettext_lazy("April"),
    gettext_lazy("May"),
    gettext_lazy("June"),
    gettext_lazy("July"),
    gettext_lazy("August"),
    gettext_lazy("September"),
    gettext_lazy("October"),
    gettext_lazy("November"),
    gettext_lazy("December"),
)


def period_sales(period: Period) -> QuerySet[PlatformSales]:
    """The census's monthly aggregates of `period` that hold a paid order (PlatformSales)."""
    first, after = period.months()
    return PlatformSales.objects.filter(month__gte=first, month__lt=after, paid_orders__gt=0).order_by()


def _sums():
    return {
        "amount": Sum("spent_idr"),
        "orders": Sum("paid_orders"),
        "msmes": Count("record", distinct=True),
    }


def _share(key, label, row: dict, total: int) -> Share:
    amount = int(row["amount"] or 0)
    return Share(
        key=str(key),
        label=str(label),
        amount_idr=amount,
        orders=int(row["orders"] or 0),
        msmes=row["msmes"],
        share=amount / total if total else 0.0,
    )


def _shares(rows, total: int, key, label) -> tuple[Share, ...]:
    out = [_share(key(r), label(r), r, total) for r in rows]
    return tuple(sorted(out, key=lambda s: (-s.amount_idr, s.label)))


def _grouped(per_msme: list[dict], field: str) -> list[dict]:
    """`per_msme` (one row per MSME, with its census facts) summed by one of those facts: the
    MSMEs of a group are its rows (each MSME holds one sector, kecamatan and size class)."""
    out: dict = {}
    for r in per_msme:
        group = out.setdefault(
            r[field], {**{k: r[k] for k in GROUP_FIELDS[field]}, "amount": 0, "orders": 0, "msmes": 0}
        )
        group["amount"] += int(r["amount"] or 0)
        group["orders"] += int(r["orders"] or 0)
        group["msmes"] += 1
    return list(out.values())


# The census facts read with each MSME's sums, and the fields each dimension groups by.
RECORD_FACTS = ("record__sector", "record__kecamatan__code", "record__kecamatan__name", "record__size_class")
GROUP_FIELDS = {
    "record__sector": ("record__sector",),
    "record__kecamatan__code": ("record__kecamatan__code", "record__kecamatan__name"),
    "record__size_class": ("record__size_class",),
}


def _compute_figures(period: Period) -> Figures:
    """Three grouped queries over the period's `PlatformSales` (index-only scans of
    `platformsales_month_cover` on PostgreSQL): one row per MSME with its census facts (the
    totals, the concentration and the sector, kecamatan and size groups follow from it in
    Python), the months and the units (their distinct MSMEs counted in SQL)."""
    qs = period_sales(period)
    per_msme = list(
        qs.values("record_id", *RECORD_FACTS).annotate(amount=Sum("spent_idr"), orders=Sum("paid_orders"))
    )
    amounts = [int(r["amount"] or 0) for r in per_msme]
    total = sum(amounts)
    orders = sum(int(r["orders"] or 0) for r in per_msme)

    by_month: tuple[Share, ...] = ()
    if not period.month:
        months = {r["month"].month: r for r in qs.values("month").annotate(**_sums())}
        empty = {"amount": 0, "orders": 0, "msmes": 0}
        by_month = tuple(
            _share(f"{period.year}-{m:02d}", str(MONTH_NAMES[m - 1]), months.get(m, empty), total)
            for m in range(1, 13)
        )

    units = list(qs.values("unit_code").annotate(**_sums()))
    names = dict(Unit.objects.filter(code__in=[r["unit_code"] for r in units]).values_list("code", "name"))
    missing = [r["unit_code"] for r in units if r["unit_code"] not in names]
    if missing:  # a unit no longer in the register: the name the census kept with its sales
        names.update(
            qs.filter(unit_code__in=missing)
            .values("unit_code")
            .annotate(name=Max("unit_name"))
            .values_list("unit_code", "name")
        )
    by_unit = _shares(
        units,
        total,
        key=lambda r: r["unit_code"],
        label=lambda r: names.get(r["unit_code"]) or r["unit_code"],
    )
    sectors = dict(Vendor.Sector.choices)
    by_sector = _shares(
        _grouped(per_msme, "record__sector"),
        total,
        key=lambda r: r["record__sector"] or "unknown",
        label=lambda r: sectors.get(r["record__sector"]) or _("Not stated"),
    )
    by_kecamatan = _shares(
        _grouped(per_msme, "record__kecamatan__code"),
        total,
        key=lambda r: r["record__kecamatan__code"] or "unknown",
        label=lambda r: r["record__kecamatan__name"] or _("Not stated"),
    )
    by_size = _shares(
        _grouped(per_msme, "record__size_class"),
        total,
        key=lambda r: r["record__size_class"] or SizeClass.UNKNOWN,
        label=lambda r: SIZE_LABELS.get(r["record__size_class"], SIZE_LABELS[SizeClass.UNKNOWN]),
    )
    micro = next((s.amount_idr for s in by_size if s.key == MICRO), 0)
    top, top_count = top_share(amounts)
    return Figures(
        period=period,
        total_idr=total,
        orders=orders,
        msmes=len(per_msme),
        by_month=by_month,
        by_unit=by_unit,
        by_sector=by_sector,
        by_kecamatan=by_kecamatan,
        by_size=by_size,
        micro_idr=micro,
        micro_share=micro / total if total else None,
        top_share=top,
        top_count=top_count,
        gini=gini(amounts),
    )


def figures(period: Period, *, stamp: str | None = None) -> Figures:
    """Everything the transparency page shows for `period` (cached until a payment lands or the
    census changes an MSME's facts; `stamp`: `census_stamp()`, when the caller has read it)."""
    stamp = census_stamp() if stamp is None else stamp
    return _cached("figures", period.key, stamp, compute=lambda: _compute_figures(period))


@dataclass(frozen=True)
class YearSummary:
    year: int
    total_idr: int
    orders: int
    msmes: int
    micro_share: float | None
    top_share: float | None
    gini: float | None


def year_summaries() -> list[YearSummary]:
    """One line per year with paid orders (and the current year), newest first."""
    out, stamp = [], census_stamp()
    for year in years_available():
        f = figures(Period(year), stamp=stamp)
        out.append(YearSummary(year, f.total_idr, f.orders, f.msmes, f.micro_share, f.top_share, f.gini))
    return out
