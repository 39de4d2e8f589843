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

import itertools
import math
import statistics
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import (
    Aggregate,
    Case,
    Count,
    F,
    FilteredRelation,
    FloatField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractQuarter, ExtractYear
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from oscar.core.loading import get_model

from procurement.ordering.models import ReceiptLine
from procurement.settlement.models import Invoice, Payment
from procurement.settlement.selectors import UNPAID, payment_target_days
from procurement.transparency.public import public_name, vendor_public_id
from procurement.units.models import Unit
from vendors.census.models import CensusRecord, PlatformSales
from vendors.census.sizeclass import SizeClass
from vendors.models import Vendor

OrderLine = get_model("order", "Line")

# --- Cache ---------------------------------------------------------------------------------------

VERSION_KEY = "transparency:version"


def _timeout() -> int:
    return int(getattr(settings, "TRANSPARENCY_CACHE_SECONDS", 6 * 3600))


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY)
    return version


def _bump() -> None:
    cache.set(VERSION_KEY, time.time_ns(), None)


def public_figures_changed() -> None:
    """A payment landed or was refunded: every cached public figure is stale.

    The version changes at once (this process reads afresh) and again when the transaction
    commits, so a page computed by another request before the commit is not kept."""
    _bump()
    transaction.on_commit(_bump)


def cache_version() -> int:
    """The current version of the public figures (for ETags of downloads)."""
    return _version()


def census_stamp() -> str:
    """When the census last changed a record (one indexed MAX): part of the key of what shows an
    MSME's sector, kecamatan or size class."""
    latest = CensusRecord.objects.aggregate(m=Max("updated_at"))["m"]
    return str(int(latest.timestamp() * 1_000_000)) if latest else "0"


def _cached(name: str, *parts, compute):
    """`compute()`, cached under the version, the language, `name` and `parts`."""
    key = ":".join(
        ["transparency", str(_version()), translation.get_language() or "", name, *map(str, parts)]
    )
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, _timeout())
    return value


# --- Periods -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A calendar year, or one month of it, in the city's time."""

    year: int
    month: int | None = None

    def bounds(self) -> tuple[datetime, datetime]:
        if self.month:
            start = datetime(self.year, self.month, 1)
            end = datetime(self.year + self.month // 12, self.month % 12 + 1, 1)
        else:
            start, end = datetime(self.year, 1, 1), datetime(self.year + 1, 1, 1)
        tz = timezone.get_default_timezone()
        return timezone.make_aware(start, tz), timezone.make_aware(end, tz)

    def months(self) -> tuple[date, date]:
        """The first day of the period's first month, and of the month after it ends."""
        start, end = self.bounds()
        return start.date(), end.date()

    @property
    def key(self) -> str:
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)


YEAR_MIN, YEAR_MAX = 2000, 2100  # a year outside these is no period of the platform


def valid_period(year, month=None) -> Period | None:
    """The period asked for, or None when the year or month is not one."""
    try:
        year = int(year)
        month = int(month) if month not in (None, "") else None
    except (TypeError, ValueError):
        return None
    if not YEAR_MIN <= year <= YEAR_MAX or (month is not None and not 1 <= month <= 12):
        return None
    return Period(year, month)


def current_year() -> int:
    return timezone.localdate().year


def years_available() -> list[int]:
    """Years with paid orders, newest first (always the current year)."""

    def compute():
        years = {d.year for d in PlatformSales.objects.filter(paid_orders__gt=0).dates("month", "year")}
        return sorted(years | {current_year()}, reverse=True)

    return _cached("years", compute=compute)


# --- Paid invoices -------------------------------------------------------------------------------


def paid_invoices(period: Period | None = None) -> QuerySet[Invoice]:
    """Paid invoices (of `period`), with `succeeded`: their one succeeded payment."""
    qs = Invoice.objects.filter(status=Invoice.Status.PAID)
    if period is not None:
        start, end = period.bounds()
        qs = qs.filter(paid_at__gte=start, paid_at__lt=end)
    return qs.annotate(
        succeeded=FilteredRelation("payments", condition=Q(payments__status=Payment.Status.SUCCEEDED))
    )


def spent():
    """The amount spent on a paid invoice: its total less a partial refund (for `paid_invoices`)."""
    return F("total_idr") - Coalesce(F("succeeded__refunded_idr"), Value(0))


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


# --- The units' rapor -----------------------------------------------------------------------------

# The thresholds of the marks, in one place (the legend on the rapor page is drawn from these).
GREEN_MIN_SHARE = 0.80  # green: at least 80% paid within the target, and the median within it
YELLOW_MIN_SHARE = 0.50  # yellow: at least half paid within the target; red: less
TREND_STEP = 0.05  # a change of the share within target of 5 points or more is a trend


class Mark(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    NONE = "none"


MARK_LABELS = {
    Mark.GREEN: gettext_lazy("Pays on time"),
    Mark.YELLOW: gettext_lazy("Often late"),
    Mark.RED: gettext_lazy("Pays late"),
    Mark.NONE: gettext_lazy("No payment yet"),
}
TREND_LABELS = {
    "better": gettext_lazy("Better than last year"),
    "worse": gettext_lazy("Worse than last year"),
    "same": gettext_lazy("As last year"),
    "new": gettext_lazy("No payment last year"),
}


def mark_for(
    *, paid: int, median_days: float | None, within_share: float | None, overdue_unpaid: int
) -> Mark:
    """The rapor's mark of a unit (thresholds above; the payment target from the settings)."""
    if not paid:
        return Mark.RED if overdue_unpaid else Mark.NONE
    if within_share >= GREEN_MIN_SHARE and median_days <= payment_target_days():
        return Mark.GREEN
    if within_share >= YELLOW_MIN_SHARE:
        return Mark.YELLOW
    return Mark.RED


def trend_for(this_share: float | None, last_share: float | None) -> str:
    if last_share is None or this_share is None:
        return "new"
    if this_share - last_share >= TREND_STEP:
        return "better"
    if last_share - this_share >= TREND_STEP:
        return "worse"
    return "same"


@dataclass(frozen=True)
class Timing:
    paid: int
    median_days: float | None
    within_share: float | None
    average_days: float | None = None


def _timing(days: list[int]) -> Timing:
    if not days:
        return Timing(0, None, None)
    target = payment_target_days()
    return Timing(
        len(days),
        float(statistics.median(days)),
        sum(1 for d in days if d <= target) / len(days),
        sum(days) / len(days),
    )


class Median(Aggregate):
    """The median of a column on PostgreSQL (percentile_cont: between the two middle values for
    an even count, as `statistics.median`)."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _paid_timing_rows(year: int) -> QuerySet[Invoice]:
    """The paid invoices of `year` and the year before, with the year `y`, quarter `q` and days `d`
    of each (the city's time), ungrouped."""
    start, _end = Period(year - 1).bounds()
    _start, end = Period(year).bounds()
    return (
        Invoice.objects.filter(status=Invoice.Status.PAID, paid_at__gte=start, paid_at__lt=end)
        .annotate(y=ExtractYear("paid_at"), q=ExtractQuarter("paid_at"), d=Coalesce("days_to_pay", 0))
        .order_by()
    )


def _timings_sql(year: int) -> dict[int, dict]:
    """Per unit: the timing of `year`, of each of its quarters and of the year before, in one
    grouped query (PostgreSQL: count, within the target, sum and median per group)."""
    target = payment_target_days()

    def figures(prefix: str, where: Q | None) -> dict:
        within = Q(d__lte=target) & where if where is not None else Q(d__lte=target)
        return {
            f"{prefix}n": Count("pk", filter=where),
            f"{prefix}w": Count("pk", filter=within),
            f"{prefix}s": Sum("d", filter=where),
            f"{prefix}m": Median("d", filter=where),
        }

    aggregates = figures("y", None)
    for quarter in range(1, 5):
        aggregates.update(figures(f"q{quarter}", Q(q=quarter)))
    out: dict[int, dict] = {}
    for r in _paid_timing_rows(year).values("unit_order__unit_id", "y").annotate(**aggregates):

        def timing(prefix: str, r=r) -> Timing:
            n = r[f"{prefix}n"]
            if not n:
                return Timing(0, None, None)
            return Timing(n, float(r[f"{prefix}m"]), r[f"{prefix}w"] / n, r[f"{prefix}s"] / n)

        per = out.setdefault(r["unit_order__unit_id"], {})
        if r["y"] == year:
            per["year"], per["q"] = timing("y"), tuple(timing(f"q{q}") for q in range(1, 5))
        else:
            per["last"] = timing("y")
    empty = Timing(0, None, None)
    for per in out.values():
        per.setdefault("year", empty)
        per.setdefault("last", empty)
        per.setdefault("q", (empty,) * 4)
    return out


def _timings_python(year: int) -> dict[int, dict]:
    """The same as `_timings_sql`, from one query of each invoice's days (no median in SQL)."""
    days: dict[int, dict] = {}
    rows = _paid_timing_rows(year).values_list("unit_order__unit_id", "y", "q", "d")
    for unit_id, y, q, d in rows.iterator(chunk_size=5000):
        per = days.setdefault(unit_id, {"year": [], "last": [], "q": ([], [], [], [])})
        if y == year:
            per["year"].append(d)
            per["q"][q - 1].append(d)
        else:
            per["last"].append(d)
    return {
        unit_id: {
            "year": _timing(per["year"]),
            "last": _timing(per["last"]),
            "q": tuple(_timing(q) for q in per["q"]),
        }
        for unit_id, per in days.items()
    }


def _timing_of_counts(counts: dict[int, int]) -> Timing:
    """`_timing` of the days given as {days: how many invoices took them}."""
    n = sum(counts.values())
    if not n:
        return Timing(0, None, None)
    target = payment_target_days()
    middle, seen, below, median = (n - 1) // 2, 0, None, None
    for d in sorted(counts):  # the middle one (odd count) or the two middle ones (even)
        seen += counts[d]
        if below is None and seen > middle:
            below = d
        if seen > n // 2:
            median = (below + d) / 2 if n % 2 == 0 else float(d)
            break
    return Timing(
        n,
        float(median),
        sum(c for d, c in counts.items() if d <= target) / n,
        sum(d * c for d, c in counts.items()) / n,
    )


def _timings_counted(year: int) -> dict[int, dict]:
    """The same as `_timings_sql`, from one query counting the invoices per unit, year, quarter and
    days to pay (a few thousand rows, one hash aggregate: days to pay are whole days within a
    few months), the medians taken from those counts in Python."""
    per: dict[int, dict] = {}
    rows = _paid_timing_rows(year).values_list("unit_order__unit_id", "y", "q", "d").annotate(n=Count("pk"))
    for unit_id, y, q, d, n in rows:
        counts = per.setdefault(unit_id, {"year": {}, "last": {}, "q": ({}, {}, {}, {})})
        if y == year:
            counts["year"][d] = counts["year"].get(d, 0) + n
            counts["q"][q - 1][d] = n
        else:
            counts["last"][d] = counts["last"].get(d, 0) + n
    return {
        unit_id: {
            "year": _timing_of_counts(c["year"]),
            "last": _timing_of_counts(c["last"]),
            "q": tuple(_timing_of_counts(q) for q in c["q"]),
        }
        for unit_id, c in per.items()
    }


def unit_timings(year: int) -> dict[int, dict]:
    """Per unit id: {"year", "last", "q"}, the timing of `year`, of the year before and of each
    quarter of `year` (paid invoices, by the day the payment completed). The invoices counted
    per days to pay in one grouped query (`_timings_counted`): on PostgreSQL ten
    percentile_cont per unit (`_timings_sql`) sorted 165,000 invoices ten times (4 s at a
    million order lines), and reading every invoice's days (`_timings_python`) costs Python."""
    return _timings_counted(year)


@dataclass(frozen=True)
class RaporRow:
    rank: int | None
    code: str
    name: str
    short_name: str
    year: Timing
    last_year: Timing
    quarters: tuple[Timing, ...]
    overdue_unpaid: int
    mark: str
    trend: str

    @property
    def mark_label(self) -> str:
        return str(MARK_LABELS[Mark(self.mark)])

    @property
    def trend_label(self) -> str:
        return str(TREND_LABELS[self.trend])


@dataclass(frozen=True)
class Rapor:
    year: int
    target_days: int
    rows: tuple[RaporRow, ...]
    counts: dict = field(default_factory=dict)  # mark -> number of units

    def row(self, code: str) -> RaporRow | None:
        return next((r for r in self.rows if r.code == code), None)


def _compute_rapor(year: int) -> Rapor:
    target = payment_target_days()
    timings = unit_timings(year)
    overdue = dict(
        Invoice.objects.filter(
            status__in=UNPAID, received_at__lt=timezone.now() - timezone.timedelta(days=target)
        )
        .values("unit_order__unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_order__unit_id", "n")
    )
    with_invoices = Invoice.objects.values("unit_order__unit_id")
    units = Unit.objects.filter(Q(is_active=True) | Q(pk__in=with_invoices)).only(
        "code", "name", "short_name"
    )
    rows = []
    empty = Timing(0, None, None)
    for unit in units:
        per = timings.get(unit.pk, {"year": empty, "last": empty, "q": (empty,) * 4})
        this, last = per["year"], per["last"]
        n_overdue = overdue.get(unit.pk, 0)
        rows.append(
            RaporRow(
                rank=None,
                code=unit.code,
                name=unit.name,
                short_name=unit.short_name or unit.name,
                year=this,
                last_year=last,
                quarters=per["q"],
                overdue_unpaid=n_overdue,
                mark=mark_for(
                    paid=this.paid,
                    median_days=this.median_days,
                    within_share=this.within_share,
                    overdue_unpaid=n_overdue,
                ).value,
                trend=trend_for(this.within_share, last.within_share),
            )
        )
    rows.sort(key=_rank_key)
    ranked, rank = [], 0
    for r in rows:
        if r.year.paid:
            rank += 1
            r = replace(r, rank=rank)
        ranked.append(r)
    counts = {m.value: sum(1 for r in ranked if r.mark == m.value) for m in Mark}
    return Rapor(year=year, target_days=target, rows=tuple(ranked), counts=counts)


def _rank_key(r: RaporRow):
    """Fastest first: median days, then the share within target, then fewer overdue invoices.
    Units with nothing paid come last, those with overdue invoices first among them."""
    if r.year.paid:
        return (0, r.year.median_days, -r.year.within_share, r.overdue_unpaid, r.name)
    return (1, 0, 0, -r.overdue_unpaid, r.name)


def rapor(year: int) -> Rapor:
    """Every unit ranked by how fast it pays after the BAST in `year` (cached until a payment lands)."""
    return _cached("rapor", year, payment_target_days(), compute=lambda: _compute_rapor(year))


def mark_legend() -> list[dict]:
    """The marks with what each means, from the thresholds above."""
    target = payment_target_days()
    green, yellow = round(GREEN_MIN_SHARE * 100), round(YELLOW_MIN_SHARE * 100)
    return [
        {
            "mark": Mark.GREEN.value,
            "label": str(MARK_LABELS[Mark.GREEN]),
            "rule": _(
                "At least %(green)d%% of invoices paid within %(days)d days of the BAST, and half "
                "of them within %(days)d days (median)."
            )
            % {"green": green, "days": target},
        },
        {
            "mark": Mark.YELLOW.value,
            "label": str(MARK_LABELS[Mark.YELLOW]),
            "rule": _("At least %(yellow)d%% of invoices paid within %(days)d days of the BAST.")
            % {"yellow": yellow, "days": target},
        },
        {
            "mark": Mark.RED.value,
            "label": str(MARK_LABELS[Mark.RED]),
            "rule": _(
                "Fewer than %(yellow)d%% paid within %(days)d days, or nothing paid while invoices "
                "wait longer than that."
            )
            % {"yellow": yellow, "days": target},
        },
        {
            "mark": Mark.NONE.value,
            "label": str(MARK_LABELS[Mark.NONE]),
            "rule": _("No invoice paid this year and none overdue."),
        },
    ]


# --- Paid orders as public rows ------------------------------------------------------------------

PAID_ORDER_VALUES = (
    "pk",
    "unit_order_id",
    "unit_order__order__number",
    "unit_order__order__date_placed",
    "unit_order__delivery_at",
    "unit_order__unit__code",
    "unit_order__unit__name",
    "unit_order__partner_id",
    "unit_order__partner__name",
    "unit_order__partner__vendor__business_name",
    "public_sector",
    "public_kecamatan_code",
    "public_kecamatan_name",
    "subtotal_idr",
    "pbjt_idr",
    "total_idr",
    "spent_idr",
    "received_at",
    "paid_at",
    "days_to_pay",
)


def ocid_prefix() -> str:
    return getattr(settings, "OCDS_OCID_PREFIX", "ocds-xxxxxx")


def ocid_for(order_number: str) -> str:
    """The contracting process's id in OCDS: the registered prefix and the order's number."""
    return f"{ocid_prefix()}-{order_number}"


@dataclass(frozen=True)
class PaidOrder:
    invoice_id: int
    unit_order_id: int
    ocid: str
    order_number: str
    unit_code: str
    unit_name: str
    vendor_id: str
    vendor_name: str
    sector: str
    kecamatan_code: str
    kecamatan: str
    subtotal_idr: int
    pbjt_idr: int
    total_idr: int
    refunded_idr: int
    spent_idr: int
    ordered_at: datetime
    delivery_at: datetime
    received_at: datetime
    paid_at: datetime
    days_to_pay: int | None

    @property
    def sector_label(self) -> str:
        return str(dict(Vendor.Sector.choices).get(self.sector, "")) if self.sector else ""


RECORD = "unit_order__partner__vendor__census_record"


def _census_or(census_field: str, own_field: str):
    """The MSME's fact as its census record holds it (as the figures count it); the MSME's own
    profile when it has no record."""
    return Case(
        When(**{f"{RECORD}__isnull": False}, then=F(f"{RECORD}__{census_field}")),
        default=F(own_field),
    )


def paid_order_values(period: Period | None = None) -> QuerySet:
    """Paid invoices as plain values (one row per order), newest payment first."""
    return (
        paid_invoices(period)
        .annotate(
            spent_idr=spent(),
            public_sector=_census_or("sector", "unit_order__partner__vendor__sector"),
            public_kecamatan_code=_census_or("kecamatan__code", "unit_order__partner__kecamatan__code"),
            public_kecamatan_name=_census_or("kecamatan__name", "unit_order__partner__kecamatan__name"),
        )
        .values(*PAID_ORDER_VALUES)
        .order_by("-paid_at", "-pk")
    )


def paid_order(row: dict) -> PaidOrder:
    """One row of `paid_order_values` as it may be published (names masked, public ids)."""
    number = str(row["unit_order__order__number"])
    return PaidOrder(
        invoice_id=row["pk"],
        unit_order_id=row["unit_order_id"],
        ocid=ocid_for(number),
        order_number=number,
        unit_code=row["unit_order__unit__code"],
        unit_name=row["unit_order__unit__name"],
        vendor_id=vendor_public_id(row["unit_order__partner_id"]),
        vendor_name=public_name(
            row["unit_order__partner__vendor__business_name"], row["unit_order__partner__name"]
        ),
        sector=row["public_sector"] or "",
        kecamatan_code=row["public_kecamatan_code"] or "",
        kecamatan=row["public_kecamatan_name"] or "",
        subtotal_idr=row["subtotal_idr"],
        pbjt_idr=row["pbjt_idr"],
        total_idr=row["total_idr"],
        refunded_idr=row["total_idr"] - row["spent_idr"],
        spent_idr=row["spent_idr"],
        ordered_at=row["unit_order__order__date_placed"],
        delivery_at=row["unit_order__delivery_at"],
        received_at=row["received_at"],
        paid_at=row["paid_at"],
        days_to_pay=row["days_to_pay"],
    )


def paid_orders(period: Period | None = None, *, unit_code: str | None = None):
    """Public rows of paid orders, read in chunks (never every order in memory at once)."""
    qs = paid_order_values(period)
    if unit_code:
        qs = qs.filter(unit_order__unit__code=unit_code)
    for row in qs.iterator(chunk_size=2000):
        yield paid_order(row)


def unit_public(code: str) -> Unit | None:
    """The unit with this code (any unit, active or not: its history stays public)."""
    if not isinstance(code, str) or not 0 < len(code) <= 20:
        return None
    return Unit.objects.filter(code=code).first()


@dataclass(frozen=True)
class OverdueInvoice:
    """An invoice of the unit received but not paid past the target, as it may be published."""

    number: str
    vendor_name: str
    net_idr: int
    received_on: date
    days_waiting: int


def unit_overdue_invoices(unit: Unit, *, limit: int = 50) -> list[OverdueInvoice]:
    """The unit's received-but-unpaid invoices past the payment target, longest waiting first."""
    today = timezone.localdate()
    since = timezone.now() - timezone.timedelta(days=payment_target_days())
    rows = (
        Invoice.objects.filter(
            unit_order__unit=unit,
            status__in=(Invoice.Status.UNPAID, Invoice.Status.AWAITING_CONFIRMATION, Invoice.Status.DISPUTED),
            received_at__lt=since,
        )
        .select_related("unit_order__partner__vendor")
        .order_by("received_at", "pk")[:limit]
    )
    overdue = []
    for invoice in rows:
        partner = invoice.unit_order.partner
        vendor = getattr(partner, "vendor", None)
        received = timezone.localtime(invoice.received_at).date()
        overdue.append(
            OverdueInvoice(
                number=invoice.number,
                vendor_name=public_name(vendor.business_name if vendor else "", partner.name),
                net_idr=invoice.net_idr,
                received_on=received,
                days_waiting=(today - received).days,
            )
        )
    return overdue


class CountedRows:
    """Rows to page through whose count is taken by a cheaper query than the rows' own (Django's
    `Paginator` and DRF's pagination call `count()`, then slice)."""

    ordered = True

    def __init__(self, rows: QuerySet, count):
        self.rows, self._count = rows, count

    def count(self) -> int:
        return self._count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        return self.rows[index]


def unit_paid_order_values(unit: Unit) -> CountedRows:
    """The unit's paid orders, newest payment first (page through them, then `paid_order` each).

    Counted on the invoices alone (the rows' joins, payment, MSME, census record and kecamatan,
    are one row each per invoice; counting through them cost PostgreSQL five times the page), and
    the count cached under the figures' version: it changes only when an invoice is paid or
    refunded in full, which renews the version."""

    def count() -> int:
        paid = Invoice.objects.filter(status=Invoice.Status.PAID, unit_order__unit=unit).order_by()
        return _cached("unit-paid-count", unit.pk, compute=paid.count)

    return CountedRows(paid_order_values().filter(unit_order__unit=unit), count)


OCDS_INVOICE_VALUES = (
    "pk",
    "total_idr",
    "received_at",
    "paid_at",
    "unit_order_id",
    "unit_order__total_idr",
    "unit_order__delivery_at",
    "unit_order__order_id",
    "unit_order__order__number",
    "unit_order__order__date_placed",
    "unit_order__unit__code",
    "unit_order__unit__name",
    "unit_order__partner_id",
    "unit_order__partner__name",
    "unit_order__partner__vendor__business_name",
)


def ocds_invoices(period: Period) -> QuerySet:
    """Paid invoices of `period` as plain values (what an OCDS release shows of the invoice, its
    order, unit and MSME), oldest payment first. Read them a chunk at a time and complete each
    chunk with `ocds_details`: no model instances (a release costs its JSON, not Django's)."""
    return paid_invoices(period).values(*OCDS_INVOICE_VALUES).order_by("paid_at", "pk")


@dataclass(frozen=True)
class OcdsLine:
    pk: int
    title: str
    quantity: int
    unit_price_incl_tax: object  # Decimal
    received: int  # at the BAST (the quantity ordered when there is no BAST)


@dataclass(frozen=True)
class OcdsPayment:
    pk: int
    settled_at: datetime | None
    amount_idr: int
    refunded_idr: int


def ocds_details(rows: list[dict]) -> list[dict]:
    """`rows` of `ocds_invoices`, each with `lines` (its order's lines, with what the BAST
    received) and `payments` (its succeeded payments): three queries for the whole chunk."""
    order_ids = [r["unit_order__order_id"] for r in rows]
    received = dict(
        ReceiptLine.objects.filter(receipt__unit_order__order_id__in=order_ids)
        .order_by()
        .values_list("line_id", "quantity_received")
    )
    lines: dict[int, list[OcdsLine]] = {}
    for pk, order_id, title, quantity, price in (
        OrderLine.objects.filter(order_id__in=order_ids)
        .order_by("pk")
        .values_list("pk", "order_id", "title", "quantity", "unit_price_incl_tax")
    ):
        line = OcdsLine(pk, title, quantity, price, received.get(pk, quantity))
        lines.setdefault(order_id, []).append(line)
    payments: dict[int, list[OcdsPayment]] = {}
    for invoice_id, *values in (
        Payment.objects.filter(invoice_id__in=[r["pk"] for r in rows], status=Payment.Status.SUCCEEDED)
        .order_by("pk")
        .values_list("invoice_id", "pk", "settled_at", "amount_idr", "refunded_idr")
    ):
        payments.setdefault(invoice_id, []).append(OcdsPayment(*values))
    return [
        {**r, "lines": lines.get(r["unit_order__order_id"], []), "payments": payments.get(r["pk"], [])}
        for r in rows
    ]


def ocds_invoice_chunks(period: Period, chunk: int):
    """The paid invoices of `period` for OCDS, `chunk` at a time, each chunk with its details."""
    rows = ocds_invoices(period).iterator(chunk_size=chunk)
    while batch := list(itertools.islice(rows, chunk)):
        yield ocds_details(batch)
