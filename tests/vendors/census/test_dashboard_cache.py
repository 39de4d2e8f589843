# ruff: noqa: F811 (the fixtures of test_views, imported)
"""The dashboard's figures are computed once per census version and filter: a second visit reads
no census table but the stamp's two small queries, and any census write (a payment fed in, a new
or changed record, a recomputation) shows at once."""

import re
from datetime import date
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace.common.money import format_rupiah
from tests.factories import VendorFactory
from tests.vendors.census.test_views import _today, analyst, record, user_with, world  # noqa: F401 (fixtures)
from vendors.census import selectors
from vendors.census.models import CensusRecord, PlatformSales
from vendors.census.selectors import CensusFilter
from vendors.census.services import SalesRow, census_aggregates_replace, census_sales_record

pytestmark = pytest.mark.django_db

CENSUS_TABLES = (
    "census_platformsales",
    "census_censusrecord",
    "census_sizeclasschange",
    "census_kecamatantile",
)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def dashboard(client, **params):
    response = client.get(reverse("census:dashboard"), params)
    assert response.status_code == 200
    return response


def figure(response, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', response.content.decode())
    assert found, element_id
    return unescape(found.group(1))


def test_a_second_visit_reads_the_figures_from_the_cache(client, world, analyst):
    client.force_login(analyst)
    with CaptureQueriesContext(connection) as first:
        dashboard(client, year=2026)

    with CaptureQueriesContext(connection) as second:
        again = dashboard(client, year=2026)

    def census_reads(queries):
        return [q["sql"] for q in queries if any(t in q["sql"] for t in CENSUS_TABLES)]

    assert len(census_reads(first.captured_queries)) > 10
    reads = census_reads(second.captured_queries)
    assert len(reads) == 2  # the stamp: the records' latest change and id, the sales' latest id
    assert not any("GROUP BY" in sql for sql in reads)
    assert figure(again, "spending-total") == format_rupiah(7_000_000)


def test_a_payment_fed_in_shows_at_once(client, world, analyst):
    client.force_login(analyst)
    assert figure(dashboard(client, year=2026), "spending-total") == format_rupiah(7_000_000)

    census_sales_record(
        vendor_id=VendorFactory(approved=True).pk,
        paid_on=date(2026, 11, 20),
        amount_idr=1_500_000,
        unit_code="SETDA",
        unit_name="Sekretariat Daerah",
        today=date(2026, 12, 1),
    )

    assert figure(dashboard(client, year=2026), "spending-total") == format_rupiah(8_500_000)


def test_a_new_or_changed_record_shows_at_once(client, world, analyst):
    client.force_login(analyst)
    assert figure(dashboard(client), "census-total") == "3"
    record(business_name="Jamu Gendong", sector="kuliner")
    assert figure(dashboard(client), "census-total") == "4"

    batik = world["batik"]
    batik.sector = "kuliner"
    batik.save()

    figures = selectors.census_dashboard(CensusFilter())
    assert {r.key: r.msmes for r in figures.by_sector}["kuliner"] == 4


def test_a_recomputation_that_fixes_drift_shows_at_once(world):
    before = selectors.census_dashboard(CensusFilter(year=2026))
    assert sum(r.amount_idr for r in before.spending_by_unit) == 7_000_000
    catering = world["catering"]
    rows = [
        SalesRow(
            vendor_id=VendorFactory(approved=True).pk,
            month=date(2026, 4, 1),
            unit_code="DINKES",
            unit_name="Dinas Kesehatan",
            amount_idr=300_000,
            orders=1,
        )
    ]
    assert catering.vendor_id is None  # the world's records have no MSME: the recomputation drops their rows

    census_aggregates_replace(rows=rows, fix=True)

    after = selectors.census_dashboard(CensusFilter(year=2026))
    assert sum(r.amount_idr for r in after.spending_by_unit) == 300_000
    assert PlatformSales.objects.count() == 1


def test_the_cached_figures_are_the_freshly_computed_ones(world):
    for f in (
        CensusFilter(),
        CensusFilter(year=2026, sector="kuliner"),
        CensusFilter(kecamatan_id=world["tengah"].pk),
    ):
        assert selectors.census_dashboard(f) == selectors._dashboard_compute(f)
        assert selectors.census_dashboard(f) == selectors._dashboard_compute(f)  # now from the cache


def test_the_stamp_moves_on_every_kind_of_census_write(world):
    stamps = [selectors.census_stamp()]
    record(business_name="Baru")
    stamps.append(selectors.census_stamp())
    CensusRecord.objects.filter(business_name="Baru").delete()
    stamps.append(selectors.census_stamp())
    PlatformSales.objects.create(
        record=world["batik"], month=date(2026, 7, 1), unit_code="DINKES", unit_name="Dinas Kesehatan",
        amount_idr=1, orders=1,
    )  # fmt: skip
    stamps.append(selectors.census_stamp())

    assert all(before != after for before, after in zip(stamps, stamps[1:], strict=False))


def test_the_cached_figures_keep_the_export_links_to_those_who_may_export(client, world, analyst):
    client.force_login(analyst)
    assert 'id="export-by_sector"' in dashboard(client).content.decode()
    reader = user_with("view_msme_statistics", email="baca@disdag.semarangkota.go.id")
    client.force_login(reader)

    page = dashboard(client).content.decode()

    assert 'id="census-total"' in page
    assert 'id="export-by_sector"' not in page


def test_the_spending_figures_derived_from_one_grouping_are_the_selectors_own(world):
    months = [date(2025, 11, 1), date(2026, 1, 1), date(2026, 2, 1), date(2026, 6, 1)]
    for n in range(12):
        sector = ("kuliner", "fashion")[n % 2]
        more = record(business_name=f"Usaha {n}", sector=sector, kecamatan=world["tengah"])
        for i, month in enumerate(months[: 1 + n % 4]):
            PlatformSales.objects.create(
                record=more, month=month, unit_code=f"U{(n + i) % 3}", unit_name=f"Unit {(n + i) % 3}",
                amount_idr=(-50_000 if n == 5 and i == 1 else 100_000 * (1 + (n * i) % 4)), orders=1 + i % 2,
            )  # fmt: skip
    filters = (
        CensusFilter(),
        CensusFilter(year=2026),
        CensusFilter(year=2026, sector="fashion"),
        CensusFilter(kecamatan_id=world["tembalang"].pk),
        CensusFilter(month_from=date(2026, 1, 1), month_to=date(2026, 2, 1)),
    )
    for f in filters:
        figures = selectors._dashboard_compute(f)

        assert figures.spending_by_month == selectors.spending_by_month(f)
        assert figures.top_msmes == selectors.top_msmes(f)
        assert figures.concentration == selectors.concentration(f)
    assert len(selectors._dashboard_compute(CensusFilter()).top_msmes) == 10
