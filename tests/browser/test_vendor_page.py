"""A visitor on a phone goes from a product to its MSME's page and pages through its products."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import KecamatanFactory, ProductFactory, VendorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_opens_the_msme_page_from_a_product_and_pages_through_it(phone_page, monkeypatch):
    from vendors.views import VendorPublicView

    monkeypatch.setattr(VendorPublicView, "paginate_by", 2)
    vendor = VendorFactory(approved=True, business_name="Dapur Bu Ratna", kecamatan=KecamatanFactory())
    titles = ["Bandeng Presto", "Wingko Babat", "Lumpia Rebung"]
    for title in titles:
        ProductFactory(partner=vendor.partner, title=title)
    ProductFactory(title="Tahu Gimbal Tetangga")
    page = phone_page

    page.goto("/catalogue/?q=wingko")
    page.locator(".product_pod", has_text="Wingko Babat").locator("h3 a").click()
    page.get_by_role("link", name="Dapur Bu Ratna").click()

    expect(page).to_have_url(re.compile(rf"/umkm/u/{vendor.slug}/$"))
    expect(page.locator("h1")).to_contain_text("Dapur Bu Ratna")
    expect(page.locator("#product-count")).to_contain_text("3 produk")
    first = page.locator("#product-list .product_pod")
    expect(first).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.get_by_role("link", name="berikutnya").click()

    expect(page).to_have_url(re.compile(r"\?page=2$"))
    expect(page.locator("#product-list .product_pod")).to_have_count(1)
    expect(page.locator(".pagination")).to_contain_text("Halaman 2 dari 2")
    shown = page.locator("body").inner_text()
    assert "Tahu Gimbal Tetangga" not in shown
