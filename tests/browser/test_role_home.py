"""Each role lands on its own home on a phone (375 px): an MSME owner, a Pemesan and a Verifikator
log in, see what waits for them and follow a link; a new owner confirming the e-mail lands on
"Lanjutkan pendaftaran". Every home passes axe-core (no critical or serious violation) and fits
the phone without sideways scrolling."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from marketplace.accounts import roles
from tests.browser.conftest import PHONE, axe_check
from tests.factories import PASSWORD, UserFactory, VendorFactory
from tests.procurement.ordering.world import build_world, order_in
from vendors.models import Vendor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, user):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").last.click()
    page.wait_for_url(re.compile(r"/$"))


def fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a 375 px phone"


def test_an_msme_owner_sees_the_orders_to_answer_and_opens_them(phone_page):
    w = build_world()
    order_in(w, "awaiting_vendor")
    page = phone_page

    log_in(page, w.vendor_user)

    expect(page.locator("#home-owner")).to_be_visible()
    expect(page.locator("#owner-to-confirm .home-count")).to_have_text("1")
    fits(page)
    axe_check(page)
    page.locator("#owner-to-confirm").click()
    expect(page).to_have_url(re.compile(r"/umkm/pesanan/$"))
    expect(page.locator("#content_inner")).to_contain_text("Rapat Koordinasi Pelayanan Publik")


def test_a_pemesan_sees_the_budget_left_and_orders_meeting_food_by_kind(phone_page):
    w = build_world()
    order_in(w, "delivered")
    page = phone_page

    log_in(page, w.officer)

    expect(page.locator("#home-pemesan")).to_be_visible()
    expect(page.locator("#pemesan-to-receive .home-count")).to_have_text("1")
    expect(page.locator("#pemesan-available")).to_have_text("Rp 4.800.000")
    expect(page.locator("#home-food-kinds a").first).to_have_text("Nasi kotak")
    fits(page)
    axe_check(page)
    page.locator("#home-food-kinds a[data-kind=nasi_kotak]").click()
    expect(page).to_have_url(re.compile(r"/catalogue/\?kind=nasi_kotak"))
    expect(page.locator(".product_pod", has_text="Nasi Kotak Ayam Bakar")).to_be_visible()
    expect(page.locator(".product_pod", has_text="Snack Box Lumpia Semarang")).to_have_count(0)


def test_a_verifikator_sees_the_queue_by_age_and_opens_the_oldest(phone_page, settings):
    settings.STAFF_MFA_REQUIRED = False  # two-factor has its own journey (test_accounts)
    now = timezone.now()
    submitted = Vendor.Status.SUBMITTED
    VendorFactory(status=submitted, submitted_at=now - timedelta(hours=3), business_name="Baru Masuk")
    oldest = VendorFactory(
        status=submitted, submitted_at=now - timedelta(days=6), business_name="Katering Lama Menunggu"
    )
    page = phone_page

    log_in(page, UserFactory(roles=[roles.VERIFIER]))

    expect(page.locator("#verifikator-waiting .home-count")).to_have_text("2")
    expect(page.locator("#verifikator-under-a-day")).to_have_text("1")
    expect(page.locator("#verifikator-over-three")).to_have_text("1")
    expect(page.locator("#verifikator-oldest li").first).to_contain_text("Katering Lama Menunggu")
    fits(page)
    axe_check(page)
    page.locator("#verifikator-oldest a").first.click()
    expect(page).to_have_url(re.compile(rf"/verifikasi/{oldest.pk}/$"))


def test_a_new_owner_confirms_the_e_mail_and_lands_on_continue_your_registration(phone_page):
    page = phone_page
    page.goto("/accounts/signup/")
    page.fill("input[name=email]", "dewi.lestari@contoh.id")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("form:has(input[name=password2]) [type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    body = [m.body for m in mail.outbox if m.to == ["dewi.lestari@contoh.id"]][-1]
    page.goto(re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", body).group(1))
    page.locator("form[action*='/accounts/confirm-email/'] [type=submit]").click()

    page.wait_for_url(re.compile(r"/$"))
    continue_link = page.locator("#home-continue-registration")
    expect(continue_link).to_have_text("Lanjutkan pendaftaran")
    fits(page)
    axe_check(page)
    continue_link.click()
    expect(page).to_have_url(re.compile(r"/umkm/daftar/"))
