"""The spending feed: what procurement hands `census_sales_record` ends up in the monthly
aggregates, exactly; refunds take back their share; the recomputation finds and mends drift."""

from collections import defaultdict
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import VendorFactory
from vendors.census import services
from vendors.census.models import CensusRecord, PlatformSales, PlatformStatus
from vendors.census.services import (
    SalesRow,
    census_aggregates_replace,
    census_refund_share,
    census_sales_record,
)

pytestmark = pytest.mark.django_db

UNITS = (("DINKES", "Dinas Kesehatan"), ("SETDA", "Sekretariat Daerah"), ("BAPPEDA", "Bappeda"))
TODAY = date(2026, 12, 1)


def stored() -> dict:
    return {
        (s.record.vendor_id, s.month, s.unit_code): (s.amount_idr, s.orders)
        for s in PlatformSales.objects.select_related("record")
    }


def sale(vendor, *, on=date(2026, 3, 10), amount=200_000, unit=UNITS[0], **kwargs):
    return census_sales_record(
        vendor_id=vendor.pk,
        paid_on=on,
        amount_idr=amount,
        unit_code=unit[0],
        unit_name=unit[1],
        today=TODAY,
        **kwargs,
    )


def test_a_first_sale_creates_the_msmes_record_and_its_month():
    vendor = VendorFactory(approved=True)

    sale(vendor, on=date(2026, 3, 10))

    record = CensusRecord.objects.get(vendor=vendor)
    assert record.source == "platform" and record.platform_status == PlatformStatus.PAID
    assert record.first_paid_month == date(2026, 3, 1)
    assert stored() == {(vendor.pk, date(2026, 3, 1), "DINKES"): (200_000, 1)}


def test_sales_of_one_month_and_unit_add_up_and_other_units_and_months_stay_apart():
    vendor = VendorFactory(approved=True)

    sale(vendor, on=date(2026, 3, 1))
    sale(vendor, on=date(2026, 3, 31), amount=50_000)
    sale(vendor, on=date(2026, 3, 5), unit=UNITS[1])
    sale(vendor, on=date(2026, 4, 1))

    assert stored() == {
        (vendor.pk, date(2026, 3, 1), "DINKES"): (250_000, 2),
        (vendor.pk, date(2026, 3, 1), "SETDA"): (200_000, 1),
        (vendor.pk, date(2026, 4, 1), "DINKES"): (200_000, 1),
    }


def test_a_refund_takes_its_amount_off_in_the_month_refunded_without_an_order():
    vendor = VendorFactory(approved=True)
    sale(vendor, on=date(2026, 3, 10))

    sale(vendor, on=date(2026, 4, 2), amount=-50_000)
    sale(vendor, on=date(2026, 4, 3), amount=-150_000, orders=-1)

    assert stored() == {
        (vendor.pk, date(2026, 3, 1), "DINKES"): (200_000, 1),
        (vendor.pk, date(2026, 4, 1), "DINKES"): (-200_000, -1),
    }


def test_a_full_refund_in_the_month_paid_leaves_the_msme_never_paid():
    vendor = VendorFactory(approved=True)
    sale(vendor, on=date(2026, 3, 10))

    sale(vendor, on=date(2026, 3, 12), amount=-200_000, orders=-1)

    record = CensusRecord.objects.get(vendor=vendor)
    assert record.first_paid_month is None
    assert record.platform_status != PlatformStatus.PAID


@pytest.mark.parametrize(
    "subtotal, paid, refunds",
    [
        (200_000, 196_000, [196_000]),
        (200_000, 196_000, [50_000, 146_000]),
        (333_333, 326_667, [1, 1, 326_665]),
        (200_000, 220_000, [100_000, 100_000, 20_000]),  # PBJT charged on top: net above the subtotal
    ],
)
def test_refund_shares_add_up_to_the_subtotal_exactly(subtotal, paid, refunds):
    refunded, taken = 0, 0
    for amount in refunds:
        refunded += amount
        taken += census_refund_share(
            subtotal_idr=subtotal, paid_idr=paid, refunded_idr=refunded, refunded_now_idr=amount
        )
    assert taken == subtotal


# --- Aggregates equal a recomputation (hypothesis) -----------------------------------------------

EVENT = st.tuples(
    st.integers(min_value=0, max_value=2),  # which MSME
    st.integers(min_value=0, max_value=2),  # which unit
    st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 11, 30)),
    st.integers(min_value=1, max_value=50_000_000),  # the invoice subtotal
    st.lists(st.integers(min_value=1, max_value=100), max_size=3),  # refunds, in % of what is left
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=st.lists(EVENT, max_size=12))
def test_the_aggregates_equal_a_direct_sum_of_the_payments_and_refunds(history):
    PlatformSales.objects.all().delete()
    CensusRecord.objects.all().delete()
    vendors = [VendorFactory(approved=True) for _ in range(3)]
    expected: dict = defaultdict(lambda: [0, 0])
    rows = []
    for msme, unit_no, paid_on, subtotal, refund_percents in history:
        vendor, unit = vendors[msme], UNITS[unit_no]
        census_sales_record(
            vendor_id=vendor.pk,
            paid_on=paid_on,
            amount_idr=subtotal,
            unit_code=unit[0],
            unit_name=unit[1],
            today=TODAY,
        )
        key = (vendor.pk, paid_on.replace(day=1), unit[0])
        expected[key][0] += subtotal
        expected[key][1] += 1
        rows.append(SalesRow(vendor.pk, paid_on, unit[0], unit[1], subtotal, 1))
        paid, refunded = subtotal, 0  # a net paid equal to the subtotal, to keep the sum readable
        for percent in refund_percents:
            amount = max(1, (paid - refunded) * percent // 100)
            if refunded + amount > paid:
                break
            refunded += amount
            share = census_refund_share(
                subtotal_idr=subtotal, paid_idr=paid, refunded_idr=refunded, refunded_now_idr=amount
            )
            full = refunded == paid
            census_sales_record(
                vendor_id=vendor.pk,
                paid_on=paid_on,
                amount_idr=-share,
                orders=-1 if full else 0,
                unit_code=unit[0],
                unit_name=unit[1],
                today=TODAY,
            )
            expected[key][0] -= share
            expected[key][1] -= 1 if full else 0
            rows.append(SalesRow(vendor.pk, paid_on, unit[0], unit[1], -share, -1 if full else 0))

    assert stored() == {k: tuple(v) for k, v in expected.items()}
    assert census_aggregates_replace(rows=rows, fix=False) == []


# --- census_aggregates_replace ---------------------------------------------------------------------


def test_drift_is_reported_and_fixed_from_the_recomputed_rows():
    a, b = VendorFactory(approved=True), VendorFactory(approved=True)
    sale(a, on=date(2026, 3, 10))
    sale(b, on=date(2026, 3, 10))
    PlatformSales.objects.filter(record__vendor=a).update(amount_idr=999)
    rows = [
        SalesRow(a.pk, date(2026, 3, 1), "DINKES", "Dinas Kesehatan", 200_000, 1),
        SalesRow(a.pk, date(2026, 5, 1), "SETDA", "Sekretariat Daerah", 70_000, 1),
    ]  # b's sale is not backed by any invoice

    drifts = census_aggregates_replace(rows=rows, fix=False)

    assert [(d.vendor_id, d.month, d.expected_idr, d.stored_idr) for d in drifts] == [
        (a.pk, date(2026, 3, 1), 200_000, 999),
        (b.pk, date(2026, 3, 1), 0, 200_000),
        (a.pk, date(2026, 5, 1), 70_000, 0),
    ]
    assert PlatformSales.objects.get(record__vendor=a, month=date(2026, 3, 1)).amount_idr == 999

    census_aggregates_replace(rows=rows, fix=True)

    assert census_aggregates_replace(rows=rows, fix=False) == []
    assert stored() == {
        (a.pk, date(2026, 3, 1), "DINKES"): (200_000, 1),
        (a.pk, date(2026, 5, 1), "SETDA"): (70_000, 1),
    }
    assert CensusRecord.objects.get(vendor=b).first_paid_month is None


def test_fixing_creates_the_record_of_an_msme_paid_before_the_census_existed():
    vendor = VendorFactory(approved=True)
    rows = [SalesRow(vendor.pk, date(2026, 2, 1), "DINKES", "Dinas Kesehatan", 300_000, 1)]

    assert [(d.vendor_id, d.record_id) for d in census_aggregates_replace(rows=rows, fix=False)] == [
        (vendor.pk, None)
    ]
    assert not CensusRecord.objects.exists()

    census_aggregates_replace(rows=rows, fix=True)

    assert stored() == {(vendor.pk, date(2026, 2, 1), "DINKES"): (300_000, 1)}
    assert services.census_aggregates_replace(rows=rows, fix=False) == []


# --- What the unit spent (the public figure, on the same rows) -----------------------------------


def spent() -> dict:
    return {
        (s.record.vendor_id, s.month, s.unit_code): (s.spent_idr, s.paid_orders)
        for s in PlatformSales.objects.select_related("record")
        if (s.spent_idr, s.paid_orders) != (0, 0)
    }


def test_what_the_unit_spent_moves_the_month_the_payment_completed_refunds_included():
    vendor = VendorFactory(approved=True)
    # Transferred on 28 March, confirmed (paid) on 2 April: the MSME's sale is March's, the
    # unit's spending (with PBJT) April's.
    sale(vendor, on=date(2026, 3, 28), amount=200_000, spent_idr=220_000, spent_on=date(2026, 4, 2))
    # Refunded in May, in part then the rest: the census takes it off May, the spending April.
    sale(vendor, on=date(2026, 5, 5), amount=-50_000, spent_idr=-55_000, spent_on=date(2026, 4, 2))

    assert stored() == {
        (vendor.pk, date(2026, 3, 1), "DINKES"): (200_000, 1),
        (vendor.pk, date(2026, 4, 1), "DINKES"): (0, 0),
        (vendor.pk, date(2026, 5, 1), "DINKES"): (-50_000, 0),
    }
    assert spent() == {(vendor.pk, date(2026, 4, 1), "DINKES"): (165_000, 1)}

    sale(
        vendor,
        on=date(2026, 5, 6),
        amount=-150_000,
        orders=-1,
        spent_idr=-165_000,
        spent_on=date(2026, 4, 2),
        paid_orders=-1,
    )

    assert spent() == {}  # refunded in full: April counts nothing any more
    assert stored()[(vendor.pk, date(2026, 3, 1), "DINKES")] == (200_000, 1)  # March never moves


def test_drift_in_what_the_unit_spent_is_reported_and_fixed():
    vendor = VendorFactory(approved=True)
    sale(vendor, on=date(2026, 3, 10), spent_idr=220_000)
    rows = [SalesRow(vendor.pk, date(2026, 3, 1), "DINKES", "Dinas Kesehatan", 200_000, 1, 220_000, 1)]
    assert census_aggregates_replace(rows=rows, fix=False) == []
    PlatformSales.objects.update(spent_idr=1)

    (drift,) = census_aggregates_replace(rows=rows, fix=False)

    assert (drift.expected_idr, drift.stored_idr) == (200_000, 200_000)
    assert (drift.expected_spent_idr, drift.stored_spent_idr, drift.stored_paid_orders) == (220_000, 1, 1)
    census_aggregates_replace(rows=rows, fix=True)
    assert spent() == {(vendor.pk, date(2026, 3, 1), "DINKES"): (220_000, 1)}
    assert census_aggregates_replace(rows=rows, fix=False) == []
