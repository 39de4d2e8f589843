"""Size classes per PP 7/2021 art. 35: the limits (inclusive), capital against sales, the
platform's sales raising the class, and "naik kelas" recorded with its date."""

from datetime import date

import pytest

from tests.factories import VendorFactory
from tests.vendors.census.helpers import record
from vendors.census import services
from vendors.census.models import SizeClassChange
from vendors.census.sizeclass import MILIAR, SizeClass, class_by_capital, class_by_sales, is_up, size_class

M = MILIAR  # "M" = miliar = 10^9 rupiah


@pytest.mark.parametrize(
    "sales, expected",
    [
        (0, SizeClass.MICRO),
        (2 * M, SizeClass.MICRO),
        (2 * M + 1, SizeClass.SMALL),
        (15 * M, SizeClass.SMALL),
        (15 * M + 1, SizeClass.MEDIUM),
        (50 * M, SizeClass.MEDIUM),
        (50 * M + 1, SizeClass.LARGE),
    ],
)
def test_sales_boundaries_are_inclusive(sales, expected):
    assert class_by_sales(sales) == expected
    assert size_class(capital_idr=None, reported_sales_idr=sales) == expected


@pytest.mark.parametrize(
    "capital, expected",
    [
        (0, SizeClass.MICRO),
        (1 * M, SizeClass.MICRO),
        (1 * M + 1, SizeClass.SMALL),
        (5 * M, SizeClass.SMALL),
        (5 * M + 1, SizeClass.MEDIUM),
        (10 * M, SizeClass.MEDIUM),
        (10 * M + 1, SizeClass.LARGE),
    ],
)
def test_capital_boundaries_are_inclusive(capital, expected):
    assert class_by_capital(capital) == expected
    assert size_class(capital_idr=capital, reported_sales_idr=None) == expected


def test_reported_sales_decide_over_capital():
    """Art. 35(4): for empowerment the annual sales are the criterion; capital is for registering."""
    assert size_class(capital_idr=3 * M, reported_sales_idr=500_000_000) == SizeClass.MICRO
    assert size_class(capital_idr=200_000_000, reported_sales_idr=16 * M) == SizeClass.MEDIUM


def test_platform_sales_raise_what_was_reported_never_lower_it():
    assert (
        size_class(capital_idr=None, reported_sales_idr=1 * M, platform_12m_idr=2 * M + 1) == SizeClass.SMALL
    )
    assert (
        size_class(capital_idr=None, reported_sales_idr=3 * M, platform_12m_idr=10_000_000) == SizeClass.SMALL
    )


def test_without_reported_sales_platform_sales_only_raise_the_capital_class():
    assert (
        size_class(capital_idr=3 * M, reported_sales_idr=None, platform_12m_idr=50_000_000) == SizeClass.SMALL
    )
    assert (
        size_class(capital_idr=100_000_000, reported_sales_idr=None, platform_12m_idr=16 * M)
        == SizeClass.MEDIUM
    )
    assert (
        size_class(capital_idr=None, reported_sales_idr=None, platform_12m_idr=50_000_000) == SizeClass.MICRO
    )


def test_nothing_known_is_unknown():
    assert size_class(capital_idr=None, reported_sales_idr=None) == SizeClass.UNKNOWN


def test_naik_kelas_is_a_move_up_from_a_known_msme_class():
    assert is_up(SizeClass.MICRO, SizeClass.SMALL) and is_up(SizeClass.SMALL, SizeClass.LARGE)
    assert not is_up(SizeClass.UNKNOWN, SizeClass.MEDIUM)
    assert not is_up(SizeClass.SMALL, SizeClass.MICRO)


@pytest.mark.django_db
def test_platform_sales_crossing_rp_2_m_record_naik_kelas_with_the_date():
    vendor = VendorFactory(approved=True, annual_sales_idr=1_900_000_000, capital_idr=50_000_000)
    services.census_record_for_vendor(vendor=vendor, on=date(2026, 3, 1))

    services.census_sales_record(
        vendor_id=vendor.pk,
        paid_on=date(2026, 5, 4),
        amount_idr=2 * M + 1,
        unit_code="DINKES",
        unit_name="Dinas Kesehatan",
        today=date(2026, 5, 6),
    )
    r = vendor.census_record
    r.refresh_from_db()

    assert r.size_class == SizeClass.SMALL
    change = SizeClassChange.objects.filter(record=r).latest("pk")
    assert (change.from_class, change.to_class, change.changed_on, change.cause) == (
        SizeClass.MICRO,
        SizeClass.SMALL,
        date(2026, 5, 6),
        "sales",
    )


@pytest.mark.django_db
def test_sales_leaving_the_12_months_move_the_class_back_on_refresh():
    r = record(annual_sales_idr=1 * M)
    vendor = VendorFactory(approved=True, annual_sales_idr=1 * M, nik=None, nib=None)
    r.vendor = vendor
    r.save()
    services.census_sales_record(
        vendor_id=vendor.pk,
        paid_on=date(2025, 1, 10),
        amount_idr=3 * M,
        unit_code="SETDA",
        unit_name="Sekretariat Daerah",
        today=date(2025, 1, 10),
    )
    r.refresh_from_db()
    assert r.size_class == SizeClass.SMALL

    assert services.census_size_classes_refresh(on=date(2026, 1, 1)) == 1

    r.refresh_from_db()
    assert r.size_class == SizeClass.MICRO
    assert SizeClassChange.objects.filter(record=r, cause="refresh", to_class="mikro").exists()
