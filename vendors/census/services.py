"""Writes of the census: platform MSMEs' records, the spending feed, size classes, snapshots, exports.

Procurement feeds the census through `census_sales_record` (an invoice paid: its subtotal; a
card refund: minus the refunded share of it, `census_refund_share`) inside the transaction
that pays or refunds, and checks it with `census_aggregates_replace` (`manage.py
census_recompute`). This package never imports procurement. The rules: docs/census.md.

No function here logs personal data (NIK, phone, address): log lines name record ids only.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.common.domain import DomainError
from vendors.census import periods, selectors, sizeclass
from vendors.census.models import (
    CensusRecord,
    CensusSnapshot,
    CensusSnapshotRow,
    ExportLog,
    PlatformSales,
    PlatformStatus,
    SizeClassChange,
)
from vendors.models import Vendor
from vendors.validators import compact, parse_nik

logger = logging.getLogger(__name__)

GENDER_FROM_NIK = {"M": "L", "F": "P"}  # parse_nik's letters -> the KTP's (Vendor.Gender)
NIB_LENGTH = 13

__all__ = [
    "CensusRefused",
    "SalesDrift",
    "SalesRow",
    "census_aggregates_replace",
    "census_export_log",
    "census_link_vendor",
    "census_record_for_vendor",
    "census_refund_share",
    "census_sales_record",
    "census_size_classes_refresh",
    "census_snapshot_close",
    "census_snapshot_freeze",
    "census_sync_vendors",
]


class CensusRefused(DomainError):
    """A census step cannot be done; `message` says why in the user's words."""


# --- Facts read from a NIK ------------------------------------------------------------------------


@dataclass(frozen=True)
class NikFacts:
    nik: str | None = None
    gender: str = ""  # "L" or "P"
    birth_date: date | None = None


def nik_facts(value) -> NikFacts:
    """The NIK as stored with the gender and birth date it tells; empty facts when it is not a NIK."""
    if not compact(value):
        return NikFacts()
    try:
        info = parse_nik(value)
    except ValidationError:
        return NikFacts()
    return NikFacts(nik=info.nik, gender=GENDER_FROM_NIK[info.gender], birth_date=info.birth_date)


def _nib(value) -> str | None:
    nib = compact(value)
    return nib if len(nib) == NIB_LENGTH and nib.isascii() and nib.isdigit() else None


# --- Size class and platform status ------------------------------------------------------------------


def platform_12m_idr(*, record_id: int, on: date) -> int:
    """The record's platform sales in the 12 calendar months ending with `on`'s month."""
    first, last = periods.twelve_months_to(on)
    total = PlatformSales.objects.filter(record_id=record_id, month__gte=first, month__lte=last).aggregate(
        s=Sum("amount_idr")
    )["s"]
    return total or 0


def _class_refresh(record: CensusRecord, *, on: date, cause: str, platform_idr: int | None = None):
    """Set the record's class from its figures; record a change. Returns the change or None."""
    if platform_idr is None:
        platform_idr = platform_12m_idr(record_id=record.pk, on=on) if record.pk else 0
    new = sizeclass.size_class(
        capital_idr=record.capital_idr,
        reported_sales_idr=record.annual_sales_idr,
        platform_12m_idr=platform_idr,
    )
    if new == record.size_class:
        return None
    change = SizeClassChange(
        record=record, from_class=record.size_class, to_class=new, changed_on=on, cause=cause
    )
    record.size_class = new
    return change


def _has_products(vendor: Vendor) -> bool:
    return bool(vendor.partner_id) and vendor.partner.stockrecords.exists()


def platform_status_for(*, vendor: Vendor | None, first_paid_month: date | None) -> str:
    """registered → verified (approved once by the Verifikator) → selling (approved, with products on
    offer) → paid (at least one month with platform sales)."""
    if first_paid_month is not None:
        return PlatformStatus.PAID
    if vendor is None:
        return PlatformStatus.NONE
    if vendor.status == Vendor.Status.APPROVED and _has_products(vendor):
        return PlatformStatus.SELLING
    if vendor.approved_at is not None:
        return PlatformStatus.VERIFIED
    return PlatformStatus.REGISTERED


def _first_paid_month(record_id: int) -> date | None:
    return PlatformSales.objects.filter(record_id=record_id, amount_idr__gt=0).aggregate(m=Min("month"))["m"]


# --- Platform MSMEs --------------------------------------------------------------------------------


def _held_by_other(field: str, value, record: CensusRecord) -> bool:
    return CensusRecord.objects.filter(**{field: value}).exclude(pk=record.pk).exists()


def _unlinked_match(*, nik: str | None, nib: str | None) -> CensusRecord | None:
    """A record not yet linked to any MSME of the platform, by NIK first, then by NIB."""
    unlinked = CensusRecord.objects.select_for_update().filter(vendor__isnull=True)
    if nik and (record := unlinked.filter(nik=nik).first()):
        return record
    if nib and (record := unlinked.filter(nib=nib).first()):
        if record.nik and nik and record.nik != nik:
            return None  # that NIB belongs to another person's record
        return record
    return None


def _write_vendor_facts(record: CensusRecord, vendor: Vendor, facts: NikFacts) -> None:
    """Copy the vendor's filled-in facts onto the record; an empty field leaves the record's value."""
    values = {
        "business_name": vendor.business_name,
        "owner_name": vendor.owner_name,
        "phone": vendor.phone,
        "address": vendor.street_address,
        "sector": vendor.sector,
        "kecamatan_id": vendor.kecamatan_id,
        "kelurahan_id": vendor.kelurahan_id,
        "capital_idr": vendor.capital_idr,
        "annual_sales_idr": vendor.annual_sales_idr,
        "employees": vendor.employees,
    }
    for field, value in values.items():
        if value not in (None, ""):
            setattr(record, field, value)
    if facts.nik and facts.nik != record.nik and not _held_by_other("nik", facts.nik, record):
        record.nik = facts.nik
    if record.nik == facts.nik and facts.nik:
        record.owner_gender, record.owner_birth_date = facts.gender, facts.birth_date
    nib = _nib(vendor.nib)
    if nib and nib != record.nib and not _held_by_other("nib", nib, record):
        record.nib = nib


@transaction.atomic
def census_record_for_vendor(*, vendor: Vendor, on: date | None = None) -> CensusRecord:
    """The census record of a platform MSME, created or brought up to date from its profile.

    Found by its link, else an unlinked record with its NIK, then its NIB (a person imported from
    Gerai Kopimi who registers later), else created (source "platform"). The MSME's figures are
    copied onto a record it did not create only once the Verifikator has approved it: someone
    who merely types a NIK never overwrites that person's census facts."""
    on = on or timezone.localdate()
    facts = nik_facts(vendor.nik)
    record = CensusRecord.objects.select_for_update().filter(vendor=vendor).first()
    if record is None:
        record = _unlinked_match(nik=facts.nik, nib=_nib(vendor.nib))
    if record is None:
        record = CensusRecord(
            source=CensusRecord.Source.PLATFORM,
            business_name=str(vendor)[:120],
            registered_on=timezone.localtime(vendor.created_at).date() if vendor.created_at else on,
        )
    if vendor.created_at:
        record.registered_on = min(record.registered_on, timezone.localtime(vendor.created_at).date())
    own = record.pk is None or (
        record.source == CensusRecord.Source.PLATFORM and record.vendor_id == vendor.pk
    )
    if own or vendor.approved_at is not None:
        _write_vendor_facts(record, vendor, facts)
    record.vendor = vendor
    if record.pk is None:
        record.save()
    record.first_paid_month = _first_paid_month(record.pk)
    record.platform_status = platform_status_for(vendor=vendor, first_paid_month=record.first_paid_month)
    change = _class_refresh(record, on=on, cause=SizeClassChange.Cause.PLATFORM)
    record.save()
    if change:
        change.save()
    return record


@transaction.atomic
def census_link_vendor(*, vendor: Vendor) -> CensusRecord | None:
    """Link a platform MSME to the census record holding its NIK (imported before it registered).

    Only links: the record's facts stay as the register had them until the MSME is approved
    (`census_record_for_vendor` copies them then). Returns the record, or None when no record
    holds the NIK (or it is linked to another MSME)."""
    linked = CensusRecord.objects.filter(vendor=vendor).first()
    if linked is not None:
        return linked
    facts = nik_facts(vendor.nik)
    if not facts.nik:
        return None
    record = CensusRecord.objects.select_for_update().filter(nik=facts.nik, vendor__isnull=True).first()
    if record is None:
        return None
    record.vendor = vendor
    record.platform_status = platform_status_for(vendor=vendor, first_paid_month=record.first_paid_month)
    record.save(update_fields=["vendor", "platform_status", "updated_at"])
    logger.info("census record %s linked to MSME %s", record.pk, vendor.pk)
    return record


def census_sync_vendors(*, on: date | None = None, progress=None) -> int:
    """Create or refresh the record of every platform MSME (`census_record_for_vendor`). Returns
    how many. `progress(done, total)` is called as it goes."""
    vendors = Vendor.objects.select_related("partner").order_by("pk")
    total = vendors.count()
    for done, vendor in enumerate(vendors.iterator(chunk_size=500), start=1):
        census_record_for_vendor(vendor=vendor, on=on)
        if progress:
            progress(done, total)
    return total


@transaction.atomic
def census_size_classes_refresh(*, on: date | None = None) -> int:
    """Re-class every record with the 12 months ending today (sales leave the window as months pass).
    Returns the number of class changes recorded (cause "refresh")."""
    on = on or timezone.localdate()
    first, last = periods.twelve_months_to(on)
    platform = dict(
        PlatformSales.objects.filter(month__gte=first, month__lte=last)
        .values_list("record_id")
        .annotate(s=Sum("amount_idr"))
    )
    changes, changed = [], []
    for record in CensusRecord.objects.only("pk", "capital_idr", "annual_sales_idr", "size_class").iterator(
        chunk_size=2000
    ):
        change = _class_refresh(
            record, on=on, cause=SizeClassChange.Cause.REFRESH, platform_idr=platform.get(record.pk, 0)
        )
        if change:
            changes.append(change)
            changed.append(record)
    now = timezone.now()
    for record in changed:
        record.updated_at = now  # bulk_update skips auto_now: the public figures' cache key reads it
    CensusRecord.objects.bulk_update(changed, ["size_class", "updated_at"], batch_size=1000)
    SizeClassChange.objects.bulk_create(changes, batch_size=1000)
    return len(changes)


# --- The spending feed (called by procurement) ----------------------------------------------------


def census_refund_share(*, subtotal_idr: int, paid_idr: int, refunded_idr: int, refunded_now_idr: int) -> int:
    """The part of an invoice's subtotal (the MSME's sale) a refund takes back.

    `paid_idr` was paid, `refunded_idr` is refunded in all, this refund (`refunded_now_idr`)
    included. Shares are taken cumulatively, so refunds adding up to the whole payment take
    back exactly the subtotal, whatever the rounding of each."""
    if paid_idr <= 0:
        return 0
    before = refunded_idr - refunded_now_idr
    return subtotal_idr * refunded_idr // paid_idr - subtotal_idr * before // paid_idr


def _record_locked_for_vendor(vendor_id: int, on: date) -> CensusRecord:
    record = CensusRecord.objects.select_for_update().filter(vendor_id=vendor_id).first()
    if record is None:  # the MSME's first sale, or a record never synced: made now
        vendor = Vendor.objects.select_related("partner").get(pk=vendor_id)
        census_record_for_vendor(vendor=vendor, on=on)
        record = CensusRecord.objects.select_for_update().get(vendor_id=vendor_id)
    return record


def _sales_move(record: CensusRecord, *, month: date, unit_code: str, unit_name: str, **deltas) -> None:
    """Move the figures of the record's row for `month` and the unit by `deltas` (one UPDATE with
    F(); the row made when it is the first)."""
    moved = PlatformSales.objects.filter(record=record, month=month, unit_code=unit_code).update(
        unit_name=unit_name, **{name: F(name) + value for name, value in deltas.items()}
    )
    if not moved:
        PlatformSales.objects.create(
            record=record, month=month, unit_code=unit_code, unit_name=unit_name, **deltas
        )


@transaction.atomic
def census_sales_record(
    *,
    vendor_id: int,
    paid_on: date,
    amount_idr: int,
    unit_code: str,
    unit_name: str,
    orders: int | None = None,
    spent_idr: int = 0,
    spent_on: date | None = None,
    paid_orders: int | None = None,
    today: date | None = None,
) -> CensusRecord:
    """Add a payment (positive) or a refund (negative) to the MSME's platform sales of that month.

    Called by procurement inside the transaction that pays or refunds. The MSME's record is
    locked (made first if it has none); the month's row for the unit moves by one `UPDATE`
    with F(). `orders`: +1 for a payment, -1 for a refund that takes back the whole payment,
    default 1 for a positive amount, 0 otherwise. The size class follows (naik kelas recorded).

    `spent_idr` (what the city paid, taxes included; negative for a refund) and `paid_orders`
    (default as `orders`, from `spent_idr`) move the row of `spent_on`'s month: the day the
    payment completed, for a refund the day the refunded payment completed (PlatformSales)."""
    today = today or timezone.localdate()
    if orders is None:
        orders = 1 if amount_idr > 0 else 0
    if paid_orders is None:
        paid_orders = 1 if spent_idr > 0 else 0
    record = _record_locked_for_vendor(vendor_id, today)
    month = paid_on.replace(day=1)
    spent_month = (spent_on or paid_on).replace(day=1)
    unit = {"unit_code": unit_code, "unit_name": unit_name}
    if spent_month == month:
        _sales_move(
            record,
            month=month,
            **unit,
            amount_idr=amount_idr,
            orders=orders,
            spent_idr=spent_idr,
            paid_orders=paid_orders,
        )
    else:
        _sales_move(record, month=month, **unit, amount_idr=amount_idr, orders=orders)
        if spent_idr or paid_orders:
            _sales_move(record, month=spent_month, **unit, spent_idr=spent_idr, paid_orders=paid_orders)
    record.first_paid_month = _first_paid_month(record.pk)
    if record.first_paid_month is not None:
        record.platform_status = PlatformStatus.PAID
    elif record.platform_status == PlatformStatus.PAID:
        record.platform_status = PlatformStatus.SELLING
    record.registered_on = min(record.registered_on, paid_on)  # paid on a day: known to the city by then
    change = _class_refresh(record, on=today, cause=SizeClassChange.Cause.SALES)
    record.save(
        update_fields=["first_paid_month", "platform_status", "registered_on", "size_class", "updated_at"]
    )
    if change:
        change.save()
    return record


# --- Recomputation (manage.py census_recompute, in procurement) -----------------------------------


@dataclass(frozen=True)
class SalesRow:
    """One aggregate as recomputed from the raw paid invoices: an MSME's sales to a unit in a month
    (and what the unit spent on it, `spent_idr` / `paid_orders`, see PlatformSales)."""

    vendor_id: int
    month: date
    unit_code: str
    unit_name: str
    amount_idr: int
    orders: int
    spent_idr: int = 0
    paid_orders: int = 0


@dataclass(frozen=True)
class SalesDrift:
    """An aggregate that differs from its recomputation (`record_id` None: the MSME has no record)."""

    vendor_id: int | None
    record_id: int | None
    month: date
    unit_code: str
    expected_idr: int
    expected_orders: int
    stored_idr: int
    stored_orders: int
    expected_spent_idr: int = 0
    expected_paid_orders: int = 0
    stored_spent_idr: int = 0
    stored_paid_orders: int = 0


@transaction.atomic
def _records_refresh(record_ids: set[int], *, today: date) -> None:
    """Re-derive the first paid month, platform status, registration day and class of the records
    whose aggregates were replaced: three grouped queries and bulk writes, whatever their number
    (only a record not paid yet asks whether its MSME has products)."""
    first, last = periods.twelve_months_to(today)
    ids = list(record_ids)
    first_month, first_paid, platform = {}, {}, {}
    for start in range(0, len(ids), 5000):
        batch = ids[start : start + 5000]
        sales = PlatformSales.objects.filter(record_id__in=batch).values_list("record_id")
        first_month.update(sales.annotate(m=Min("month")).order_by())
        first_paid.update(sales.filter(amount_idr__gt=0).annotate(m=Min("month")).order_by())
        platform.update(
            sales.filter(month__gte=first, month__lte=last).annotate(s=Sum("amount_idr")).order_by()
        )
    now = timezone.now()
    records, changes = [], []
    for start in range(0, len(ids), 2000):
        for record in CensusRecord.objects.filter(pk__in=ids[start : start + 2000]).select_related(
            "vendor__partner"
        ):
            record.first_paid_month = first_paid.get(record.pk)
            if first_month.get(record.pk):
                record.registered_on = min(record.registered_on, first_month[record.pk])
            record.platform_status = platform_status_for(
                vendor=record.vendor, first_paid_month=record.first_paid_month
            )
            change = _class_refresh(
                record,
                on=today,
                cause=SizeClassChange.Cause.RECOMPUTE,
                platform_idr=platform.get(record.pk) or 0,
            )
            record.updated_at = now  # bulk_update skips auto_now: the caches' stamps read it
            records.append(record)
            if change:
                changes.append(change)
    CensusRecord.objects.bulk_update(
        records,
        ["first_paid_month", "platform_status", "registered_on", "size_class", "updated_at"],
        batch_size=1000,
    )
    SizeClassChange.objects.bulk_create(changes, batch_size=1000)


def census_aggregates_replace(
    *, rows: Iterable[SalesRow], fix: bool, today: date | None = None
) -> list[SalesDrift]:
    """Compare the stored monthly aggregates with `rows` (recomputed from the raw paid invoices,
    by procurement); with `fix`, replace the stored ones with them (and re-derive each touched
    record's first paid month, platform status and class). Returns every drift found."""
    today = today or timezone.localdate()
    figures = ("amount_idr", "orders", "spent_idr", "paid_orders")
    expected: dict[tuple[int, date, str], list] = {}
    for row in rows:
        key = (row.vendor_id, row.month.replace(day=1), row.unit_code)
        item = expected.setdefault(key, [0, 0, 0, 0, row.unit_name])
        for i, name in enumerate(figures):
            item[i] += getattr(row, name)
        item[4] = row.unit_name
    vendor_ids = {key[0] for key in expected}
    record_of = dict(CensusRecord.objects.filter(vendor_id__in=vendor_ids).values_list("vendor_id", "pk"))
    if fix:
        for vendor in Vendor.objects.filter(pk__in=vendor_ids - set(record_of)).select_related("partner"):
            record_of[vendor.pk] = census_record_for_vendor(vendor=vendor, on=today).pk
    vendor_of = {pk: vendor_id for vendor_id, pk in record_of.items()}
    vendor_of.update(
        CensusRecord.objects.filter(platform_sales__isnull=False)
        .exclude(pk__in=vendor_of)
        .values_list("pk", "vendor_id")
        .distinct()
    )
    stored = {(s.record_id, s.month, s.unit_code): s for s in PlatformSales.objects.all()}
    drifts, to_create, to_update, touched = [], [], [], set()
    for (vendor_id, month, unit_code), (*want, unit_name) in expected.items():
        record_id = record_of.get(vendor_id)
        current = stored.pop((record_id, month, unit_code), None) if record_id else None
        have = [getattr(current, name) for name in figures] if current else [0, 0, 0, 0]
        if have != want or (current is None and record_id is None):
            drifts.append(
                SalesDrift(
                    vendor_id,
                    record_id,
                    month,
                    unit_code,
                    want[0],
                    want[1],
                    have[0],
                    have[1],
                    expected_spent_idr=want[2],
                    expected_paid_orders=want[3],
                    stored_spent_idr=have[2],
                    stored_paid_orders=have[3],
                )
            )
        if not fix or record_id is None:
            continue
        if current is None:
            to_create.append(
                PlatformSales(
                    record_id=record_id,
                    month=month,
                    unit_code=unit_code,
                    unit_name=unit_name,
                    **dict(zip(figures, want, strict=True)),
                )
            )
            touched.add(record_id)
        elif have != want or current.unit_name != unit_name:
            for name, value in zip(figures, want, strict=True):
                setattr(current, name, value)
            current.unit_name = unit_name
            to_update.append(current)
            touched.add(record_id)
    stale = list(stored.values())  # stored, but no paid invoice accounts for it
    for s in stale:
        drifts.append(
            SalesDrift(
                vendor_of.get(s.record_id),
                s.record_id,
                s.month,
                s.unit_code,
                0,
                0,
                s.amount_idr,
                s.orders,
                stored_spent_idr=s.spent_idr,
                stored_paid_orders=s.paid_orders,
            )
        )
    if fix:
        PlatformSales.objects.filter(pk__in=[s.pk for s in stale]).delete()
        PlatformSales.objects.bulk_update(to_update, [*figures, "unit_name"], batch_size=1000)
        PlatformSales.objects.bulk_create(to_create, batch_size=1000)
        touched |= {s.record_id for s in stale}
        _records_refresh(touched, today=today)
    drifts.sort(key=lambda d: (d.month, d.record_id or 0, d.vendor_id or 0, d.unit_code))
    return drifts


# --- Snapshots -------------------------------------------------------------------------------------


def _may_freeze(actor) -> bool:
    return actor is None or actor.has_perm("accounts.view_msme_statistics")


@transaction.atomic
def census_snapshot_freeze(
    *, period_kind: str, year: int, quarter: int | None = None, actor, today: date | None = None
) -> CensusSnapshot:
    """Freeze the census for a closed quarter or year (the Analis on demand; `actor` None: the
    automatic close). Refused for a period not yet ended, or one already frozen."""
    if not _may_freeze(actor):
        raise CensusRefused(_("Only an analyst of the census can freeze a snapshot."))
    try:
        start, end = periods.period_bounds(period_kind=period_kind, year=year, quarter=quarter)
    except ValueError:
        raise CensusRefused(_("Choose a quarter (1 to 4) and a year, or a whole year.")) from None
    label = periods.period_label(period_kind=period_kind, year=year, quarter=quarter)
    today = today or timezone.localdate()
    if end >= today:
        raise CensusRefused(
            _("%(period)s has not ended yet: it can be frozen from %(day)s.")
            % {"period": label, "day": periods.day_after(end).strftime("%d-%m-%Y")}
        )
    existing = CensusSnapshot.objects.filter(period_kind=period_kind, period_start=start).first()
    if existing:
        raise CensusRefused(
            _("%(period)s was already frozen on %(day)s.")
            % {"period": label, "day": timezone.localtime(existing.frozen_at).strftime("%d-%m-%Y")}
        )
    rows = selectors.census_rows_at(start, end)
    try:
        with transaction.atomic():
            snapshot = CensusSnapshot.objects.create(
                period_kind=period_kind,
                year=year,
                quarter=quarter if period_kind == CensusSnapshot.PeriodKind.QUARTER else None,
                period_start=start,
                period_end=end,
                frozen_at=timezone.now(),
                frozen_by=actor,
                records=len(rows),
                sales_idr=sum(r.sales_idr for r in rows),
            )
    except IntegrityError:  # frozen by someone else a moment ago
        raise CensusRefused(_("%(period)s was frozen a moment ago.") % {"period": label}) from None
    for row in rows:
        row.snapshot = snapshot
    CensusSnapshotRow.objects.bulk_create(rows, batch_size=1000)
    logger.info("census snapshot %s frozen: %s records", snapshot, len(rows))
    return snapshot


def census_snapshot_close(*, today: date | None = None) -> list[CensusSnapshot]:
    """Freeze every closed quarter and year not yet frozen since the census began (the first
    record's creation): for cron (`manage.py census_snapshot_close`)."""
    today = today or timezone.localdate()
    began = CensusRecord.objects.aggregate(m=Min("created_at"))["m"]
    if began is None:
        return []
    began = timezone.localtime(began).date()
    frozen = set(CensusSnapshot.objects.values_list("period_kind", "period_start"))
    made = []
    for kind, year, quarter, start in periods.closed_periods(since=began, today=today):
        if (kind, start) in frozen:
            continue
        made.append(
            census_snapshot_freeze(period_kind=kind, year=year, quarter=quarter, actor=None, today=today)
        )
    return made


# --- Exports ------------------------------------------------------------------------------------


def census_export_log(
    *, user, what: str, filter_params: dict, with_personal_data: bool, row_count: int, file_format: str
) -> ExportLog:
    """Record an export before it is streamed; refused without the export permission, and with
    personal data for a user who may not see it (accounts.view_personal_data)."""
    if not user.has_perm("accounts.export_msme_data"):
        raise CensusRefused(_("You may not export census data."))
    if with_personal_data and not user.has_perm("accounts.view_personal_data"):
        raise CensusRefused(_("You may not export personal data: export it masked."))
    if file_format not in ExportLog.Format.values:
        raise CensusRefused(_("Choose CSV or XLSX."))
    return ExportLog.objects.create(
        user=user,
        what=what[:60],
        filter=filter_params,
        with_personal_data=with_personal_data,
        row_count=row_count,
        file_format=file_format,
    )


def census_personal_data_allowed(user) -> bool:
    """Whether `user` may see NIK, phone and address unmasked."""
    return bool(user and user.has_perm("accounts.view_personal_data"))


__all__ += ["NikFacts", "census_personal_data_allowed", "nik_facts", "platform_status_for"]
