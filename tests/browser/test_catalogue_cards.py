"""Catalogue cards and the header, drawn by Chromium at a phone's 375 px and a desktop's 1280 px:
no card's lines overlap whatever the title's length, the cards of a row are equally tall, the
phone header fits in 120 px with one menu that opens by mouse and by keyboard, and axe-core finds
no critical or serious violation."""

import pytest
from playwright.sync_api import expect

from tests.factories import KecamatanFactory, VendorFactory
from tests.factories.catalogue_extra import CateringProductFactory, PriceCeilingFactory

try:  # the accessibility helper may move axe_check into the shared conftest
    from tests.browser.conftest import axe_check
except ImportError:
    from tests.browser.conftest import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_TITLE = (
    "Nasi Kotak Ayam Bakar Madu Spesial dengan Sambal Terasi, Lalapan Segar, "
    "Tahu Tempe Bacem dan Buah Potong Musiman, Rapat."
)
CARD_PARTS = (".product-card-title", ".product-card-msme", ".product-card-kecamatan", ".product-card-price",
              ".product-card-min", ".product-card-lead")  # fmt: skip
SIZES = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}

# Per card: the boxes of its lines, its own box and its top (cards of a row share the top).
CARD_BOXES = """
(parts) => [...document.querySelectorAll('main .product-card')].map(card => {
  const box = (el) => { const r = el.getBoundingClientRect();
                        return {x: r.left, y: r.top, w: r.width, h: r.height}; };
  return {card: box(card), title: card.querySelector('.product-card-title a').textContent,
          parts: parts.map(sel => card.querySelector(sel)).filter(el => el && el.textContent.trim())
                      .map(el => Object.assign(box(el), {sel: el.className}))};
})
"""


def world():
    """One MSME in Gayamsari with a 120-character title among short ones, and this year's SSH."""
    assert len(LONG_TITLE) == 120
    PriceCeilingFactory(kind="makan", max_price_idr=40_000)
    vendor = VendorFactory(approved=True, business_name="Dapur Bu Ratna Gayamsari")
    vendor.partner.kecamatan = KecamatanFactory(name="Gayamsari")
    vendor.partner.save()
    for n, title in enumerate(["Nasi Kotak", "Risoles", "Lemper Ayam", "Nasi Kotak Rendang", "Soto"]):
        terms = {"min_order_qty": 20, "lead_time_hours": 48}
        CateringProductFactory(title=title, partner=vendor.partner, price=25_000 + n * 1_000, **terms)
    # The newest, so the first card: its row holds short titles.
    CateringProductFactory(title=LONG_TITLE, partner=vendor.partner, price=95_000, **terms)


def overlap(a, b) -> bool:
    """Whether two boxes share more than half a pixel each way."""
    across = a["x"] < b["x"] + b["w"] - 0.5 and b["x"] < a["x"] + a["w"] - 0.5
    down = a["y"] < b["y"] + b["h"] - 0.5 and b["y"] < a["y"] + a["h"] - 0.5
    return across and down


def inside(part, card) -> bool:
    left, top = part["x"] >= card["x"] - 0.5, part["y"] >= card["y"] - 0.5
    right = part["x"] + part["w"] <= card["x"] + card["w"] + 0.5
    bottom = part["y"] + part["h"] <= card["y"] + card["h"] + 0.5
    return left and top and right and bottom


def rows(cards) -> list[list[dict]]:
    by_top: dict[int, list[dict]] = {}
    for card in cards:
        by_top.setdefault(round(card["card"]["y"]), []).append(card)
    return [by_top[top] for top in sorted(by_top)]


def cards_on(page, path):
    page.goto(path)
    expect(page.locator(".product-card", has_text="Risoles")).to_be_visible()
    return page.evaluate(CARD_BOXES, list(CARD_PARTS))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("path", ["/catalogue/", "/"])
def test_card_lines_never_overlap_and_cards_of_a_row_are_equally_tall(browser, live_server, size, path):
    world()
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport=SIZES[size])
    page = context.new_page()

    cards = cards_on(page, path)

    assert len(cards) == 6
    long_card = next(c for c in cards if c["title"] == LONG_TITLE)
    assert len(long_card["parts"]) == len(CARD_PARTS)  # every line is there, the long title's too
    for card in cards:
        for i, part in enumerate(card["parts"]):
            assert inside(part, card["card"]), f"{size} {path}: {part['sel']} leaves its card"
            for other in card["parts"][i + 1 :]:
                where = f"{size} {path} {card['title'][:20]}"
                assert not overlap(part, other), f"{where}: {part['sel']} over {other['sel']}"
    for row in rows(cards):
        heights = {round(c["card"]["h"]) for c in row}
        assert len(heights) == 1, f"{size} {path}: a row's cards are {heights} px tall"
    # The long title is cut to two lines: its card is as tall as a short title's.
    assert round(long_card["card"]["h"]) == round(next(c for c in cards if c["title"] == "Soto")["card"]["h"])
    per_row = len(rows(cards)[0])
    if size == "phone":
        assert per_row in (1, 2)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    elif path == "/catalogue/":
        assert per_row == 4
    card = page.locator(".product-card", has_text="Soto")
    expect(card).to_contain_text("Rp 29.000")
    expect(card).to_contain_text("/ kotak")
    expect(card).to_contain_text("min. 20 kotak")
    expect(card).to_contain_text("pesan H-2")
    expect(card).to_contain_text("Kec. Gayamsari")
    expect(card.locator(".halal-badge")).to_have_text("Halal")
    expect(card.locator(".ceiling-badge")).to_have_text("sesuai SSH")
    above = page.locator(".product-card", has_text="Spesial").locator(".ceiling-badge")
    expect(above).to_have_text("melebihi SSH")
    axe_check(page)
    context.close()


def test_phone_header_fits_in_120_px_with_one_menu_for_the_links(phone_page):
    world()
    page = phone_page
    page.goto("/catalogue/")

    header = page.locator("#site-header")
    assert header.bounding_box()["height"] <= 120
    expect(page.locator("#site-search-q")).to_be_visible()
    expect(page.locator("#header-basket")).to_be_visible()
    toggle = page.locator("#site-menu-toggle")
    expect(page.locator("#site-header button[aria-controls]:visible")).to_have_count(1)  # one menu button
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#nav-guide")).to_be_hidden()
    expect(page.locator("#site-header a[href*='/offers/']")).to_have_count(0)  # Oscar's "Penawaran" is gone

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#nav-guide")).to_be_visible()
    expect(page.locator("#login_link")).to_be_visible()
    expect(page.locator("#language-select")).to_be_visible()
    axe_check(page)  # the open menu is readable too
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#nav-guide")).to_be_hidden()

    # By keyboard: the button takes the focus, Enter opens the menu, Tab goes into it.
    toggle.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#nav-catalogue")).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('site-menu').contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(toggle).to_be_focused()
    expect(page.locator("#nav-catalogue")).to_be_hidden()

    # The header's search finds a product.
    page.fill("#site-search-q", "risoles")
    page.press("#site-search-q", "Enter")
    expect(page.locator(".product-card", has_text="Risoles")).to_be_visible()
    expect(page.locator(".product-card", has_text="Soto")).to_have_count(0)


def test_desktop_header_shows_the_links_without_a_menu_button(page):
    world()
    page.goto("/")

    expect(page.locator("#site-menu-toggle")).to_be_hidden()
    for link in ("#nav-catalogue", "#nav-guide", "#login_link", "#language-select", "#site-search-q"):
        expect(page.locator(link)).to_be_visible()
    expect(page.locator("a[href*='/offers/']")).to_have_count(0)
    page.locator("#nav-catalogue").click()
    expect(page.locator("#nav-all-products")).to_be_visible()
    expect(page.locator("main#main")).to_have_count(1)
    axe_check(page)
