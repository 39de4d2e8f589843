"""The dashboard's selectors: the figures for a filter, in plain rows, each from a fixed number of
queries whatever the number of orders paid."""

from datetime import date

import pytest

from tests.factories import VendorFactory
from tests.vendors.census.helpers import nik, record
from vendors.census import selectors
from vendors.census.models import PlatformStatus, SizeClassChange
from vendors.census.selectors import CensusFilter, census_filter_from, gini
from vendors.census.services import census_sales_record

pytestmark = pytest.mark.django_db

YEAR_2025 = CensusFilter(year=2025)
UNITS = {"DINKES": "Dinas Kesehatan", "SETDA": "Sekretariat Daerah", "BAPPEDA": "Bappeda"}


def pay(vendor, on, amount, unit="DINKES", orders=None):
    census_sales_record(
        vendor_id=vendor.pk,
        paid_on=on,
        amount_idr=amount,
        unit_code=unit,
        unit_name=UNITS[unit],
        orders=orders,
        today=date(2026, 1, 5),
    )


@pytest.fixture
def city(semarang):
    """Seven MSMEs known by 2025 in three kecamatan, four of them on the platform and paid in 2025,
    and one more known only in 2026."""
    tengah, tembalang, tugu = semarang["Semarang Tengah"], semarang["Tembalang"], semarang["Tugu"]
    records = {
        "sri": record(
            nik=nik(kecamatan=1, birth=date(1985, 8, 12), female=True, serial=1),
            owner_gender="P",
            owner_birth_date=date(1985, 8, 12),
            sector="kuliner",
            kecamatan=tengah,
            registered_on=date(2024, 5, 1),
            size_class="mikro",
        ),
        "budi": record(
            nik=nik(kecamatan=10, birth=date(2003, 2, 1), serial=2),
            owner_gender="L",
            owner_birth_date=date(2003, 2, 1),
            sector="fashion",
            kecamatan=tembalang,
            registered_on=date(2025, 3, 15),
            size_class="kecil",
        ),
        "tugu": record(sector="kriya", kecamatan=tugu, registered_on=date(2025, 3, 20), size_class="mikro"),
        "late": record(sector="kuliner", kecamatan=tengah, registered_on=date(2026, 2, 1)),
    }
    vendors = {}
    for name, kecamatan, amounts in (
        ("dapur", tengah, [("2025-01-10", 1_000_000, "DINKES"), ("2025-02-10", 500_000, "SETDA")]),
        ("katering", tengah, [("2025-02-11", 3_000_000, "DINKES")]),
        ("batik", tembalang, [("2025-02-12", 200_000, "BAPPEDA"), ("2025-03-01", -200_000, "BAPPEDA")]),
        ("kriya", tugu, [("2025-03-05", 300_000, "SETDA")]),
    ):
        vendor = VendorFactory(
            approved=True, kecamatan=kecamatan, sector="kriya" if name == "kriya" else "kuliner"
        )
        for day, amount, unit in amounts:
            pay(vendor, date.fromisoformat(day), amount, unit, orders=-1 if amount < 0 else None)
        vendors[name] = vendor
    return records, vendors


def test_a_filter_reads_its_period_from_the_months_or_the_year():
    assert CensusFilter(year=2025).bounds(date(2026, 1, 5)) == (date(2025, 1, 1), date(2025, 12, 31))
    assert CensusFilter(month_from=date(2025, 3, 9), month_to=date(2025, 4, 2)).bounds() == (
        date(2025, 3, 1),
        date(2025, 4, 30),
    )
    assert CensusFilter().bounds(date(2026, 2, 10)) == (None, date(2026, 2, 28))
    assert CensusFilter(year=2026).as_of(date(2026, 2, 10)) == date(2026, 2, 10)


def test_a_filter_comes_from_url_parameters_and_goes_back_to_them():
    f = census_filter_from(
        {"year": "2025", "month_from": "3", "month_to": "2025-04", "sector": "kuliner", "kecamatan": "7"}
    )

    assert f == CensusFilter(2025, date(2025, 3, 1), date(2025, 4, 1), "kuliner", 7)
    assert census_filter_from(f.params()) == f
    assert (
        census_filter_from({"year": "99999", "month_from": "13", "sector": "<b>", "kecamatan": "9" * 30})
        == CensusFilter()
    )


def test_msmes_by_sector_kecamatan_and_kelurahan(city):
    sectors = {r.key: r.msmes for r in selectors.by_sector(YEAR_2025)}
    kecamatan = {r.code: r for r in selectors.by_kecamatan(YEAR_2025)}
    kelurahan = selectors.by_kelurahan(CensusFilter(year=2025, kecamatan_id=kecamatan["33.74.01"].region_id))

    assert sectors == {"kuliner": 4, "fashion": 1, "kriya": 2, "jasa": 0, "lainnya": 0}
    assert len(kecamatan) == 16
    assert (kecamatan["33.74.01"].label, kecamatan["33.74.01"].msmes) == ("Semarang Tengah", 3)
    assert kecamatan["33.74.10"].msmes == 2 and kecamatan["33.74.16"].msmes == 2
    assert {r.kecamatan_code for r in kelurahan} == {"33.74.01", ""}
    assert len([r for r in kelurahan if r.region_id]) == 15


def test_a_sector_or_kecamatan_filter_narrows_every_figure(city, semarang):
    f = CensusFilter(year=2025, sector="kuliner", kecamatan_id=semarang["Semarang Tengah"].pk)

    assert sum(r.msmes for r in selectors.by_sector(f)) == 3
    assert sum(r.amount_idr for r in selectors.spending_by_unit(f)) == 4_500_000


def test_owners_by_gender_and_age_group_at_the_periods_end(city):
    genders = {r.key: r.msmes for r in selectors.by_gender(YEAR_2025)}
    ages = {r.key: r.msmes for r in selectors.by_age_group(YEAR_2025)}

    assert genders["P"] == 1 and genders["L"] >= 1
    # Born 2003-02-01: 22 at the end of 2025 (<25); born 1985-08-12: 40 (35-44).
    assert ages["<25"] >= 1 and ages["35-44"] >= 1
    assert sum(ages.values()) == sum(r.msmes for r in selectors.by_sector(YEAR_2025))


def test_msmes_by_size_class_and_platform_status(city):
    classes = {r.key: r.msmes for r in selectors.by_size_class(YEAR_2025)}
    stages = {r.key: (r.msmes, r.reached) for r in selectors.by_platform_status(YEAR_2025)}

    assert classes["kecil"] == 1 and classes["mikro"] >= 2
    assert stages[PlatformStatus.PAID] == (4, 4)  # the batik MSME was paid once, refunded a month later
    assert stages[PlatformStatus.NONE] == (3, 7)
    assert stages[PlatformStatus.VERIFIED] == (0, 4)


def test_growth_per_month_counts_new_records_and_the_running_total(city):
    rows = {r.month: (r.new, r.total) for r in selectors.growth_by_month(YEAR_2025)}

    assert len(rows) == 12
    assert rows[date(2025, 1, 1)] == (1, 2)  # sri (2024) before; dapur first paid in January
    assert rows[date(2025, 3, 1)][1] == 7
    assert rows[date(2025, 12, 1)] == (0, 7)


def test_spending_by_unit_sector_kecamatan_and_month(city):
    units = selectors.spending_by_unit(YEAR_2025)
    sectors = {r.key: r.amount_idr for r in selectors.spending_by_sector(YEAR_2025)}
    kecamatan = {r.key: r.amount_idr for r in selectors.spending_by_kecamatan(YEAR_2025)}
    months = {r.month: r.amount_idr for r in selectors.spending_by_month(YEAR_2025)}

    assert [(u.key, u.label, u.amount_idr, u.orders) for u in units] == [
        ("DINKES", "Dinas Kesehatan", 4_000_000, 2),
        ("SETDA", "Sekretariat Daerah", 800_000, 2),
        ("BAPPEDA", "Bappeda", 0, 0),
    ]
    assert round(units[0].share, 3) == round(4_000_000 / 4_800_000, 3)
    assert sectors == {"kuliner": 4_500_000, "fashion": 0, "kriya": 300_000, "jasa": 0, "lainnya": 0}
    assert (
        kecamatan["33.74.01"] == 4_500_000 and kecamatan["33.74.16"] == 300_000 and kecamatan["33.74.10"] == 0
    )
    assert months[date(2025, 2, 1)] == 3_700_000 and months[date(2025, 3, 1)] == 100_000
    assert len(months) == 12


def test_top_msmes_and_concentration(city):
    top = selectors.top_msmes(YEAR_2025, n=2)
    spread = selectors.concentration(YEAR_2025)

    assert [(t.rank, t.amount_idr) for t in top] == [(1, 3_000_000), (2, 1_500_000)]
    assert spread.msmes == 3 and spread.top_count == 1
    assert spread.top_share == pytest.approx(3_000_000 / 4_800_000)
    assert spread.gini == pytest.approx(gini([3_000_000, 1_500_000, 300_000]))
    february = next(m for m in spread.months if m.month == date(2025, 2, 1))
    assert (february.msmes, february.amount_idr) == (3, 3_700_000)


def test_gini_of_even_and_uneven_spending():
    assert gini([]) == gini([5]) == 0.0
    assert gini([100, 100, 100]) == pytest.approx(0.0)
    assert gini([0, 0, 0, 100]) == pytest.approx(0.75)


def test_naik_kelas_counts_moves_up_and_down_in_the_period(city):
    sri, budi = city[0]["sri"], city[0]["budi"]
    SizeClassChange.objects.create(
        record=sri, from_class="mikro", to_class="kecil", changed_on=date(2025, 6, 3), cause="sales"
    )
    SizeClassChange.objects.create(
        record=budi, from_class="kecil", to_class="mikro", changed_on=date(2025, 7, 3), cause="refresh"
    )
    SizeClassChange.objects.create(
        record=budi, from_class="mikro", to_class="kecil", changed_on=date(2026, 1, 3), cause="sales"
    )

    moved = selectors.naik_kelas_count(YEAR_2025)

    assert (moved.up, moved.down) == (1, 1)
    assert moved.months == [(date(2025, 6, 1), 1)]


def test_the_tile_map_has_every_kecamatan_with_its_figure(city):
    tiles = {t.code: t for t in selectors.kecamatan_tiles(YEAR_2025)}
    spending = {t.code: t.value for t in selectors.kecamatan_tiles(YEAR_2025, measure="spending")}

    assert len(tiles) == 16
    assert (tiles["33.74.01"].value, tiles["33.74.01"].share) == (3, 1.0)
    assert spending["33.74.01"] == 4_500_000 and spending["33.74.02"] == 0


DASHBOARD = {
    "by_sector": 1,
    "by_kecamatan": 2,
    "by_kelurahan": 2,
    "by_size_class": 1,
    "by_gender": 1,
    "by_age_group": 1,
    "by_platform_status": 1,
    "growth_by_month": 2,
    "spending_by_unit": 1,
    "spending_by_sector": 1,
    "spending_by_kecamatan": 2,
    "spending_by_month": 1,
    "top_msmes": 2,
    "concentration": 1,
    "naik_kelas_count": 1,
    "kecamatan_tiles": 2,
}


@pytest.mark.parametrize("name, queries", DASHBOARD.items())
def test_each_selector_makes_a_fixed_number_of_queries_whatever_the_orders(
    city, django_assert_num_queries, name, queries
):
    selector = getattr(selectors, name)
    f = CensusFilter(year=2025, sector="kuliner")
    with django_assert_num_queries(queries):
        selector(f)
    dapur = city[1]["dapur"]
    for day in range(1, 29):  # many more orders paid
        pay(dapur, date(2025, 4, day), 10_000, "DINKES")
        pay(dapur, date(2025, 5, day), 10_000, "SETDA")
    with django_assert_num_queries(queries):
        selector(f)
