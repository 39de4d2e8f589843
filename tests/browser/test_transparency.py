"""An anonymous visitor on a phone reads where the city's catering money went, which units pay
slowly, a unit's paid orders, and downloads the open data; a developer opens the API docs.
Every page runs under the Content-Security-Policy (a refusal fails the test: conftest.py)."""

import pytest
from playwright.sync_api import expect

from tests.procurement.transparency.world import town

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{page.url} is {width}px wide on a 375px phone"


def test_a_visitor_on_a_phone_reads_the_figures_the_rapor_a_unit_and_downloads_the_csv(phone_page, settings):
    settings.STRIPE_SECRET_KEY = ""
    city = town()
    page = phone_page

    page.goto("/")
    page.locator("#footer-transparency").click()
    expect(page.locator("h1")).to_contain_text("Transparansi")
    expect(page.locator("#total-spent")).to_contain_text("Rp 600.000")
    expect(page.locator("#by-unit caption")).to_be_visible()
    expect(page.locator("svg rect").first).to_be_attached()
    fits(page)

    page.locator("#transparency-nav").get_by_role("link", name="Rapor pembayaran perangkat daerah").click()
    expect(page.locator("#legend")).to_contain_text("Tepat waktu")
    row = page.locator(f'#rapor-table tr[data-unit="{city.a.unit.code}"]')
    expect(row).to_contain_text("Tepat waktu")
    fits(page)

    row.get_by_role("link").click()
    expect(page.locator("#unit-code")).to_have_text(city.a.unit.code)
    expect(page.locator("#paid-orders tbody tr")).to_have_count(2)
    expect(page.locator("#paid-orders")).to_contain_text("Dapur Lumpia Bu Sri")
    fits(page)

    page.goto("/transparansi/data/")
    expect(page.locator("#license")).to_contain_text("CC BY 4.0")
    fits(page)
    with page.expect_download() as info:
        page.locator(".download-orders").first.click()
    download = info.value
    assert download.suggested_filename.startswith("gulo-asem-pesanan-")
    text = open(download.path(), encoding="utf-8-sig").read()
    assert text.splitlines()[0].startswith("ocid,order_number,unit_code")
    assert len(text.splitlines()) == 4  # the header and three paid orders
    assert "[disamarkan]" in text


def test_the_api_docs_work_under_the_content_security_policy(page):
    page.goto("/api/docs/")

    expect(page.locator(".swagger-ui .info")).to_contain_text("Gulo Asem API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
