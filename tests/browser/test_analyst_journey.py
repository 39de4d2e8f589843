"""The Analis reads the MSME census (/statistik/) on a phone (375 px) and on a desktop, filters
it by kecamatan, and downloads the register as XLSX. Every page runs under the site's
Content-Security-Policy (the browser conftest fails a test on anything it refuses)."""

import re
from datetime import date

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from marketplace.accounts import roles
from marketplace.regions.models import Region
from tests.browser.conftest import PHONE, axe_check
from tests.factories import PASSWORD, CityRegionFactory, UserFactory
from vendors.census.models import CensusRecord, ExportLog, KecamatanTile, PlatformSales, SizeClass
from vendors.census.services import census_snapshot_freeze

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NIK = "3374015508900001"


def log_in(page, user):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").first.click()
    expect(page.locator("a[href='/accounts/logout/']").first).to_be_attached()


def census():
    """An analyst and three MSMEs: one in Semarang Tengah, two in Tembalang, with some spending."""
    CityRegionFactory()
    tengah, tembalang = Region.objects.get(code="33.74.01"), Region.objects.get(code="33.74.10")
    KecamatanTile.objects.create(region_code=tengah.code, region=tengah, row=1, col=2)
    KecamatanTile.objects.create(region_code=tembalang.code, region=tembalang, row=2, col=4)
    base = {
        "source": CensusRecord.Source.KOPIMI,
        "registered_on": date(2026, 1, 10),
        "size_class": SizeClass.MICRO,
    }
    catering = CensusRecord.objects.create(
        business_name="Katering Bu Sri",
        nik=NIK,
        sector="kuliner",
        kecamatan=tengah,
        phone="+6281234567890",
        **base,
    )
    CensusRecord.objects.create(business_name="Batik Tembalang", nib="1234567890123", sector="fashion",
                                kecamatan=tembalang, **base)  # fmt: skip
    CensusRecord.objects.create(business_name="Snack Box Ayu", nib="1234567890124", sector="kuliner",
                                kecamatan=tembalang, **base)  # fmt: skip
    PlatformSales.objects.create(record=catering, month=date(2026, 2, 1), unit_code="SETDA",
                                 unit_name="Sekretariat Daerah", amount_idr=5_000_000, orders=3)  # fmt: skip
    analyst = UserFactory(roles=[roles.ANALYST], email="analis@disdag.semarangkota.go.id")
    return analyst, tengah, tembalang


def test_the_analyst_reads_the_census_on_a_phone(phone_page, settings):
    settings.STAFF_MFA_REQUIRED = False
    analyst, _tengah, tembalang = census()
    page = phone_page
    log_in(page, analyst)

    page.goto("/statistik/")

    expect(page.locator("#census-total")).to_have_text("3")
    expect(page.locator("#by_sector-chart svg")).to_be_visible()
    expect(page.locator("#by_sector-table caption")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the dashboard is {width} px wide on a 375 px phone"
    axe_check(page)

    # A tap on a kecamatan's tile filters the census by it.
    tile = page.locator(f"#by_kecamatan .census-tile[data-kecamatan='{tembalang.pk}']")
    expect(tile.locator("text.census-tile-value")).to_have_text("2")
    tile.click()
    page.wait_for_url(re.compile(rf"kecamatan={tembalang.pk}"))
    expect(page.locator("#census-total")).to_have_text("2")
    expect(page.locator(f".census-tile.is-selected[data-kecamatan='{tembalang.pk}']")).to_be_attached()

    # The snapshots, a comparison and the upload fit the phone too.
    year_2025 = census_snapshot_freeze(period_kind="year", year=2025, actor=analyst)  # before these MSMEs
    page.goto(f"/statistik/snapshot/banding/?a={year_2025.pk}")
    expect(page.locator("#compare-new")).to_have_text("3")
    for path in ("/statistik/snapshot/", "/statistik/impor/", page.url):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        axe_check(page)


def test_the_analyst_filters_by_kecamatan_and_downloads_the_xlsx(page, settings, tmp_path):
    settings.STAFF_MFA_REQUIRED = False
    analyst, tengah, _tembalang = census()
    log_in(page, analyst)

    page.locator("#nav-census").click()
    expect(page).to_have_url(re.compile(r"/statistik/$"))
    expect(page.locator("#census-total")).to_have_text("3")

    page.select_option("#census-filters select[name=kecamatan]", str(tengah.pk))
    page.locator("#apply-filters").click()
    page.wait_for_url(re.compile(rf"kecamatan={tengah.pk}"))
    expect(page.locator("#census-total")).to_have_text("1")
    expect(page.locator("#census-period")).to_contain_text("Semarang Tengah")
    expect(page.locator("#spending-total")).to_have_text("Rp 5.000.000")
    axe_check(page)

    with page.expect_download() as download_info:
        page.locator("#export-register-xlsx").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows = list(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2  # the header and the one MSME of Semarang Tengah
    assert "Katering Bu Sri" in rows[1]
    assert NIK in rows[1]  # the Analis holds the personal-data permission
    log = ExportLog.objects.get()
    assert (log.user_id, log.what, log.file_format, log.filter) == (
        analyst.pk,
        "register",
        "xlsx",
        {"kecamatan": str(tengah.pk)},
    )
