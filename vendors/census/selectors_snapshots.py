"""Census snapshots: the rows a snapshot freezes and the comparison of two snapshots (or one and now)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from vendors.census import periods, sizeclass
from vendors.census.models import (
    PLATFORM_RANK,
    CensusRecord,
    CensusSnapshot,
    CensusSnapshotRow,
    PlatformSales,
    PlatformStatus,
    SizeClass,
)
from vendors.census.selectors_rows import CountRow, TransitionRow, _count_rows
from vendors.models import Vendor

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
