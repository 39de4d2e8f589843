"""Warn early, refuse late, on a 375 px phone: an officer cannot send less than the minimum from
the product page (the field's `min`), and a basket line below it is marked at once on the basket
page with checkout's words; a visitor is told why they cannot order and where to log in."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_analyst_journey import axe_check
from tests.browser.test_officer_journey import log_in
from tests.procurement.ordering.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE_WIDTH = 375


def assert_fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width} px wide on a {PHONE_WIDTH} px phone"


def test_officer_below_the_minimum_is_stopped_on_the_product_page_and_warned_on_the_basket(
    phone_page, settings
):
    settings.STAFF_MFA_REQUIRED = False
    w = build_world()
    snack, page = w.snack, phone_page
    log_in(page, w.officer)

    # The product page: the quantity starts at the minimum and the browser refuses less.
    page.goto(snack.get_absolute_url())
    quantity = page.locator("#add_to_basket_form input[name=quantity]")
    expect(quantity).to_have_value("10")
    expect(quantity).to_have_attribute("min", "10")
    expect(page.locator("#ceiling-amount")).to_contain_text("Rp 22.000")
    expect(page.locator("text=Product Information")).to_have_count(0)  # Oscar's tax table is gone
    assert_fits(page)
    axe_check(page)
    quantity.fill("5")
    page.locator("#add_to_basket_form [type=submit]").click()
    assert page.evaluate(
        "document.querySelector('#add_to_basket_form input[name=quantity]').validity.rangeUnderflow"
    )
    expect(page).to_have_url(re.compile(re.escape(snack.get_absolute_url()) + "$"))  # nothing sent
    quantity.fill("10")
    page.locator("#add_to_basket_form [type=submit]").click()
    expect(page.locator("#messages .alert").first).to_be_visible()

    # The basket: fine at 10; at 5 the line is marked with checkout's refusal.
    page.goto("/basket/")
    expect(page.locator("#basket-check")).to_be_visible()
    expect(page.locator("#basket-problems")).to_have_count(0)
    expect(page.locator(".voucher, #voucher_form")).to_have_count(0)
    line_quantity = page.locator("#basket_formset input[name$='-quantity']").first
    line_quantity.fill("5")
    page.locator("#basket_formset [type=submit]").first.click()
    expect(page.locator("#basket-problems")).to_be_visible()
    expect(page.locator(".line-problem[data-code=below_minimum]")).to_contain_text(
        "Anda memesan 5, pesanan minimumnya 10"
    )
    assert_fits(page)
    axe_check(page)

    # Checkout refuses it with the same words.
    page.goto("/checkout/")
    expect(page.locator("#basket-summary")).to_contain_text(snack.title)


def test_officer_picks_a_delivery_too_soon_and_the_basket_says_the_lead_time(phone_page, settings):
    settings.STAFF_MFA_REQUIRED = False
    w = build_world()
    page = phone_page
    log_in(page, w.officer)
    page.goto(w.meal.get_absolute_url())  # two days' notice
    page.locator("#add_to_basket_form [type=submit]").click()

    page.goto("/basket/")
    expect(page.locator("#delivery-earliest")).to_be_visible()
    tomorrow = (timezone.localtime() + timedelta(days=1)).replace(hour=9, minute=0)
    page.fill("#delivery-choice input[name=delivery_at]", tomorrow.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#delivery-choice [type=submit]").click()

    expect(page.locator(".line-problem[data-code=lead_time]")).to_contain_text("48 jam")
    expect(page.locator("#delivery-earliest")).to_have_count(0)
    assert_fits(page)
    axe_check(page)


def test_visitor_is_told_why_they_cannot_order_and_where_to_log_in(phone_page):
    w = build_world()
    page = phone_page

    page.goto(w.snack.get_absolute_url())

    expect(page.locator("#add_to_basket_form")).to_have_count(0)
    expect(page.locator("#cannot-order")).to_contain_text("Hanya petugas perangkat daerah (Pemesan OPD)")
    assert_fits(page)
    axe_check(page)
    page.locator("#login-to-order").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=" + re.escape(w.snack.get_absolute_url())))
