"""Searching the catalogue on a phone (375 px): the shop's words find products, and a search that
finds nothing offers categories to follow instead of an empty page; axe-core finds no critical or
serious violation on either page."""

import pytest
from playwright.sync_api import expect

from marketplace.catalogue import services
from tests.factories import KecamatanFactory, VendorFactory

try:  # the accessibility helper may move axe_check into the shared conftest
    from tests.browser.conftest import axe_check
except ImportError:
    from tests.browser.test_analyst_journey import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shop():
    """An MSME in Tembalang selling snack boxes and a boxed meal, made as an owner makes them."""
    vendor = VendorFactory(approved=True, business_name="Dapur Bu Ratna")
    vendor.partner.kecamatan = KecamatanFactory(name="Tembalang")
    vendor.partner.save()
    for title, kind in [
        ("Risoles Ragout Ayam", "kudapan"),
        ("Lemper Ayam Bakar", "kudapan"),
        ("Nasi Kotak Garang Asem", "nasi_kotak"),
    ]:
        data = {"title": title, "description": "", "kind": kind, "min_order_qty": 20, "is_halal": True}
        services.product_create(partner=vendor.partner, data=data, price_idr=15_000)


def search(page, words: str) -> None:
    page.fill("#site-search-q", words)
    page.press("#site-search-q", "Enter")


def test_snack_finds_the_snack_boxes(phone_page):
    shop()
    page = phone_page
    page.goto("/")

    search(page, "snack")  # the kind's name in English: the products say "kudapan"

    results = page.locator("#product-list")
    expect(results.locator(".product-card", has_text="Risoles Ragout Ayam")).to_be_visible()
    expect(results.locator(".product-card", has_text="Lemper Ayam Bakar")).to_be_visible()
    expect(results.locator(".product-card", has_text="Nasi Kotak")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    axe_check(page)


def test_nothing_found_offers_categories_to_follow(phone_page):
    shop()
    page = phone_page
    page.goto("/catalogue/")

    search(page, "kudapn")  # a typo: the nearest category is offered

    expect(page.locator("#no-products")).to_be_visible()
    suggestions = page.locator("#search-suggestions")
    expect(suggestions).to_contain_text("Mungkin maksud Anda:")
    expect(suggestions.get_by_role("link").first).to_have_text("Kudapan (snack box)")

    search(page, "qwzx vbnm")  # nonsense: the categories to browse instead

    expect(page.locator("#no-products")).to_be_visible()
    expect(suggestions).to_contain_text("Coba lihat salah satu kategori:")
    axe_check(page)
    suggestions.get_by_role("link", name="Nasi kotak").click()

    expect(page.locator("h1")).to_contain_text("Nasi kotak")
    expect(page.locator(".product-card", has_text="Nasi Kotak Garang Asem")).to_be_visible()
    expect(page.locator(".product-card", has_text="Risoles")).to_have_count(0)
