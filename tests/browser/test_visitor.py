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
