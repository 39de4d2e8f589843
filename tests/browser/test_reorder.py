""" "Pesan lagi" and Pemerataan's rotation on a 375 px phone: a Pemesan puts a placed order back
into the basket from the order page (the same products and quantities); once the unit reached
the month's limit with that MSME, the order page warns in Indonesian, offers no "Pesan yang sama"
button and lists comparable products of other MSMEs (one opens that product's page), and the
basket holding that MSME's product warns with the same offers. Every page passes axe-core and
fits the phone without sideways scrolling."""

import re

import pytest
from oscar.core.loading import get_model
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, axe_check
from tests.browser.test_officer_journey import log_in
from tests.factories.ordering import FoodProductFactory
from tests.procurement.ordering.world import approved_vendor, basket_for, build_world, place

Basket = get_model("basket", "Basket")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VENDOR = "Dapur Lumpia Bu Sri"  # the world's MSME


def fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a 375 px phone"


def other_msme(name, *, title, price, kind="kudapan", ceiling_kind="kudapan"):
    """Another approved MSME selling one product of `kind` at `price`."""
    partner = approved_vendor(business_name=name).partner
    return FoodProductFactory(
        title=title, partner=partner, price=price, kind=kind, ceiling_kind=ceiling_kind, lead_time_hours=24
    )


def basket_lines(page) -> dict[str, str]:
    """The basket page's lines: product title → the quantity in its field."""
    lines = {}
    for item in page.locator("#basket_formset .basket-items").all():
        title = item.locator("h3 a").inner_text().strip()
        lines[title] = item.locator("input[name$='-quantity']").input_value()
    return lines


def test_a_pemesan_orders_the_same_again_from_the_order_page(phone_page, settings):
    settings.ORDER_ROTATION_MONTHLY_LIMIT = 4  # the default: one order placed, three more allowed
    w = build_world()
    order = place(w, (w.snack, 12), (w.meal, 10))
    meal = {"kind": "nasi_kotak", "ceiling_kind": "makan"}
    offer = other_msme("Katering Sari Rasa", title="Nasi Kotak Sari Rasa", price=36_000, **meal)
    page = phone_page
    log_in(page, w.officer)

    page.goto(f"/pesanan/{order.pk}/")
    section = page.locator("#reorder")
    expect(section.locator("#reorder-title")).to_have_text("Pesan lagi")
    expect(section.locator("[data-code=rotation]")).to_have_count(0)
    button = section.locator("#reorder-button")
    expect(button).to_have_text(f"Pesan yang sama dari {VENDOR}")
    # Beside the button, a comparable boxed meal (the order's main line) of another MSME.
    expect(section.locator("#reorder-offers-title")).to_contain_text("Penawaran serupa dari UMKM")
    expect(section.locator("#reorder-offers li")).to_have_count(1)
    expect(section.locator("#reorder-offers a")).to_have_text(offer.title)
    fits(page)
    axe_check(page)

    button.click()

    expect(page).to_have_url(re.compile(r"/basket/$"))
    expect(page.locator("#messages")).to_contain_text(
        f"2 produk dari pesanan {order.order.number} sudah masuk keranjang"
    )
    assert basket_lines(page) == {w.snack.title: "12", w.meal.title: "10"}
    expect(page.locator("#basket-problems [data-code=rotation]")).to_have_count(0)
    expect(page.locator("#basket-offers")).to_have_count(0)
    fits(page)
    axe_check(page)
    basket = Basket.objects.get(owner=w.officer, status=Basket.OPEN)
    assert sorted((line.product_id, line.quantity) for line in basket.all_lines()) == sorted(
        [(w.snack.pk, 12), (w.meal.pk, 10)]
    )


def test_at_the_months_limit_the_order_page_and_the_basket_offer_other_msmes(phone_page, settings):
    settings.ORDER_ROTATION_MONTHLY_LIMIT = 2  # read by the live server's thread at each request
    w = build_world()
    orders = [place(w) for _ in range(2)]  # 10 snack boxes each, the month's limit
    offer = other_msme("Katering Sari Rasa", title="Snack Box Sari Rasa", price=21_000)
    other_msme("Katering Mahal", title="Snack Box Mewah", price=30_000)  # beyond ±20 %: not offered
    page = phone_page
    log_in(page, w.officer)

    # The order page: the warning in Indonesian, no button, the comparable offer.
    page.goto(f"/pesanan/{orders[0].pk}/")
    section = page.locator("#reorder")
    expect(section.locator("#reorder-title")).to_have_text("Pesan lagi")
    warning = section.locator("[data-code=rotation]")
    expect(warning).to_contain_text(f"sudah memesan 2 kali dari {VENDOR}")
    expect(warning).to_contain_text("paling banyak 2 kali sebulan")
    expect(section.locator("#reorder-button")).to_have_count(0)
    expect(section.locator("#reorder-form")).to_have_count(0)
    offers = section.locator("#reorder-offers li")
    expect(offers).to_have_count(1)
    expect(offers.first).to_contain_text("Katering Sari Rasa")
    expect(offers.first).to_contain_text("Rp 21.000")
    fits(page)
    axe_check(page)

    offers.first.locator("a").click()
    expect(page).to_have_url(re.compile(re.escape(offer.get_absolute_url()) + "$"))
    expect(page.locator("h1")).to_contain_text(offer.title)
    fits(page)
    axe_check(page)

    # The basket holding the same MSME's product: checkout's warning and the same offer.
    basket_for(w.officer, (w.snack, 10))
    page.goto("/basket/")
    problems = page.locator("#basket-problems")
    expect(problems.locator("[data-code=rotation]")).to_contain_text("paling banyak 2 kali sebulan")
    basket_offers = problems.locator("#basket-offers li")
    expect(basket_offers).to_have_count(1)
    expect(basket_offers.first.locator("a")).to_have_text(offer.title)
    expect(basket_offers.first.locator("a")).to_have_attribute("href", offer.get_absolute_url())
    fits(page)
    axe_check(page)
