"""A visitor (anyone, not logged in) browsing on a desktop and on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_shows_a_product_with_its_rupiah_price(page):
    ProductFactory(title="Lumpia Semarang Isi Rebung", price=25000)

    page.goto("/")

    expect(page.locator("html")).to_have_attribute("lang", "id")
    product = page.locator(".product_pod", has_text="Lumpia Semarang Isi Rebung")
    expect(product).to_be_visible()
    expect(product).to_contain_text("Rp 25.000")


def test_catalogue_search_finds_a_product(page):
    ProductFactory(title="Snack Box Risoles", description="Risoles ragout, kue sus dan air mineral.")
    ProductFactory(title="Nasi Kotak Ayam Bakar", description="Nasi, ayam bakar, lalapan, sambal.")

    page.goto("/catalogue/")
    search = page.locator("input[name=q]:visible").first
    search.fill("risoles")
    search.press("Enter")

    expect(page).to_have_url(re.compile(r"[?&]q=risoles"))
    expect(page.locator(".product_pod", has_text="Snack Box Risoles")).to_be_visible()
    expect(page.locator(".product_pod", has_text="Nasi Kotak Ayam Bakar")).to_have_count(0)


@pytest.mark.parametrize("path", ["/", "/catalogue/", "/accounts/login/", "/accounts/signup/"])
def test_page_fits_a_375_px_phone_without_sideways_scrolling(phone_page, path):
    for n in range(6):
        ProductFactory(title=f"Nasi Kotak Ayam Bakar Spesial Paket Rapat Dinas Nomor {n}", price=1_250_000)

    phone_page.goto(path)

    scroll_width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375, f"{path} is {scroll_width}px wide on a 375px phone"


def test_product_page_on_a_phone_tells_an_officer_what_to_know_before_ordering(phone_page):
    from tests.factories import KecamatanFactory, VendorFactory
    from tests.factories.catalogue_extra import CateringProductFactory, PriceCeilingFactory

    PriceCeilingFactory(kind="makan", max_price_idr=40_000)
    vendor = VendorFactory(approved=True, business_name="Dapur Bu Ratna")
    vendor.partner.kecamatan = KecamatanFactory(name="Gayamsari")
    vendor.partner.save()
    within = CateringProductFactory(
        title="Nasi Kotak Ayam Goreng",
        partner=vendor.partner,
        price=35_000,
        ceiling_kind="makan",
        min_order_qty=20,
        lead_time_hours=48,
    )
    above = CateringProductFactory(
        title="Nasi Kotak Wagyu", partner=vendor.partner, price=95_000, ceiling_kind="makan"
    )
    page = phone_page

    page.goto(within.get_absolute_url())

    facts = page.locator("#product-facts")
    expect(facts).to_contain_text("Dapur Bu Ratna")
    expect(facts).to_contain_text("Gayamsari")
    expect(facts).to_contain_text("20")
    expect(facts).to_contain_text("48 jam")
    expect(facts).to_contain_text("sesuai SSH")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    image = page.locator("img[loading=lazy]").first
    assert image.get_attribute("width") and image.get_attribute("height")

    page.goto(above.get_absolute_url())
    expect(page.locator("#product-facts")).to_contain_text("melebihi SSH")
