"""The units' rapor: every unit ranked by how fast it pays after the BAST, with its mark and
trend (see procurement.transparency.selectors)."""

import statistics
from dataclasses import dataclass, field, replace
from enum import StrEnum

from django.db.models import (
    Aggregate,
    Count,
    FloatField,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce, ExtractQuarter, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procurement.settlement.models import Invoice
from procurement.settlement.selectors import UNPAID, payment_target_days
from procurement.transparency.caching import _cached
from procurement.transparency.periods import Period
from procurement.units.models import Unit

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
