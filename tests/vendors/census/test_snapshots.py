"""Snapshots: frozen for a closed quarter or year (on demand, or by cron once it closes), never
changed afterwards, and compared to say what moved."""

from datetime import date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import UserFactory, VendorFactory
from tests.vendors.census.helpers import nik, record
from vendors.census.models import CensusSnapshot, CensusSnapshotRow, PlatformSales, SizeClass, WriteOnceError
from vendors.census.selectors import census_snapshot_compare
from vendors.census.services import (
    CensusRefused,
    census_sales_record,
    census_snapshot_close,
    census_snapshot_freeze,
)

pytestmark = pytest.mark.django_db

AFTER_Q3 = date(2026, 10, 5)


def pay(vendor, on, amount, *, today=AFTER_Q3, orders=None):
    census_sales_record(
        vendor_id=vendor.pk,
        paid_on=on,
        amount_idr=amount,
        unit_code="DINKES",
        unit_name="Dinas Kesehatan",
        orders=orders,
        today=today,
    )


def freeze(actor, quarter=3, year=2026, today=AFTER_Q3, kind="quarter"):
    return census_snapshot_freeze(
        period_kind=kind, year=year, quarter=quarter if kind == "quarter" else None, actor=actor, today=today
    )


def rows_of(snapshot):
    return sorted(
        CensusSnapshotRow.objects.filter(snapshot=snapshot).values_list(
            "record_id", "size_class", "sales_idr", "orders", "platform_status"
        )
    )


def test_a_closed_quarter_is_frozen_with_each_msmes_figures(analyst):
    vendor = VendorFactory(approved=True, annual_sales_idr=100_000_000)
    pay(vendor, date(2026, 6, 30), 1_000_000)  # Q2
    pay(vendor, date(2026, 7, 1), 300_000)
    pay(vendor, date(2026, 9, 30), 200_000)
    record(nik=nik(serial=3), registered_on=date(2026, 9, 30))
    record(nik=nik(serial=4), registered_on=date(2026, 10, 1))  # known only after the quarter

    snapshot = freeze(analyst)

    assert (snapshot.period_start, snapshot.period_end, snapshot.frozen_by) == (
        date(2026, 7, 1),
        date(2026, 9, 30),
        analyst,
    )
    assert (snapshot.records, snapshot.sales_idr) == (2, 500_000)
    by_record = {row[0]: row for row in rows_of(snapshot)}
    assert by_record[vendor.census_record.pk][1:] == ("mikro", 500_000, 2, "paid")


def test_a_period_not_yet_ended_is_refused_with_the_day_it_can_be_frozen(analyst):
    with pytest.raises(CensusRefused, match="belum berakhir: dapat dibekukan mulai 01-10-2026"):
        freeze(analyst, today=date(2026, 9, 30))
    with pytest.raises(CensusRefused, match="Tahun 2026"):
        freeze(analyst, kind="year", today=date(2026, 12, 31))
    assert not CensusSnapshot.objects.exists()


def test_a_period_is_frozen_once(analyst):
    freeze(analyst)

    with pytest.raises(CensusRefused, match="sudah dibekukan"):
        freeze(analyst)


def test_only_an_analyst_freezes(analyst):
    with pytest.raises(CensusRefused):
        freeze(UserFactory())
    with pytest.raises(CensusRefused):
        census_snapshot_freeze(period_kind="quarter", year=2026, quarter=5, actor=analyst, today=AFTER_Q3)


def test_a_frozen_figure_never_changes_when_orders_are_paid_or_refunded_afterwards(analyst):
    vendor = VendorFactory(approved=True, annual_sales_idr=1_900_000_000)
    pay(vendor, date(2026, 8, 10), 400_000)
    snapshot = freeze(analyst)
    before = rows_of(snapshot)

    pay(vendor, date(2026, 9, 15), 3_000_000_000)  # paid late, dated inside the quarter
    pay(vendor, date(2026, 8, 10), -400_000, orders=-1)  # and the first one refunded
    snapshot.refresh_from_db()

    assert rows_of(snapshot) == before
    assert (snapshot.records, snapshot.sales_idr) == (1, 400_000)
    assert PlatformSales.objects.filter(month__gte=date(2026, 7, 1)).count() == 2


def test_snapshot_rows_refuse_to_be_changed_or_deleted(analyst):
    VendorFactory(approved=True)
    pay(VendorFactory(approved=True), date(2026, 8, 10), 400_000)
    snapshot = freeze(analyst)
    row = CensusSnapshotRow.objects.filter(snapshot=snapshot).first()

    row.sales_idr = 1
    with pytest.raises(WriteOnceError):
        row.save()
    with pytest.raises(WriteOnceError):
        row.delete()
    snapshot.records = 99
    with pytest.raises(WriteOnceError):
        snapshot.save()
    with pytest.raises(WriteOnceError):
        snapshot.delete()


def test_the_close_freezes_every_closed_period_since_the_census_began_once():
    r = record()
    type(r).objects.filter(pk=r.pk).update(created_at=timezone.make_aware(datetime(2026, 5, 20, 9)))

    made = census_snapshot_close(today=date(2027, 1, 2))

    assert [str(s) for s in made] == ["Q2 2026", "Q3 2026", "Q4 2026", "2026"]
    assert all(s.frozen_by is None for s in made)
    assert census_snapshot_close(today=date(2027, 1, 3)) == []


def test_the_close_command_reports_what_it_froze():
    record()
    out = StringIO()

    call_command("census_snapshot_close", "--today", "2026-01-01", stdout=out)

    assert "0 snapshot(s) frozen." in out.getvalue()


def test_comparing_two_snapshots_says_what_moved(analyst):
    grows = VendorFactory(approved=True, annual_sales_idr=1_900_000_000)
    pay(grows, date(2026, 8, 10), 100_000_000)
    old = record(nik=nik(serial=3), registered_on=date(2026, 1, 10), sector="kriya", annual_sales_idr=10**8)
    q3 = freeze(analyst)

    pay(grows, date(2026, 11, 2), 2_000_000_000, today=date(2027, 1, 5))  # over Rp 2 M in 12 months
    record(nik=nik(serial=4), registered_on=date(2026, 11, 1), sector="fashion")
    q4 = freeze(analyst, quarter=4, today=date(2027, 1, 5))

    moved = census_snapshot_compare(q3, q4)

    assert (moved.a.msmes, moved.b.msmes, moved.new_msmes, moved.gone_msmes) == (2, 3, 1, 0)
    assert [(r.key, r.msmes) for r in moved.new_by_sector if r.msmes] == [("fashion", 1)]
    assert (moved.class_up, moved.class_down) == (1, 0)
    assert [(t.from_key, t.to_key, t.count) for t in moved.transitions] == [
        (SizeClass.MICRO, SizeClass.SMALL, 1)
    ]
    assert (moved.a.sales_idr, moved.b.sales_idr, moved.sales_growth) == (100_000_000, 2_000_000_000, 19.0)
    kuliner = next(r for r in moved.by_sector if r.key == "kuliner")
    assert (kuliner.a_sales_idr, kuliner.b_sales_idr, kuliner.sales_growth) == (
        100_000_000,
        2_000_000_000,
        19.0,
    )
    assert old.pk in set(CensusSnapshotRow.objects.filter(snapshot=q4).values_list("record_id", flat=True))


def test_comparing_with_now_uses_the_live_figures_of_the_current_quarter(analyst):
    vendor = VendorFactory(approved=True)
    pay(vendor, date(2026, 8, 10), 100_000)
    q3 = freeze(analyst)
    today = timezone.localdate()
    pay(vendor, today, 250_000, today=today)

    moved = census_snapshot_compare(q3)

    assert moved.b.snapshot_id is None and moved.b.period_end == today
    assert moved.b.sales_idr == 250_000  # today lies after Q3 2026
