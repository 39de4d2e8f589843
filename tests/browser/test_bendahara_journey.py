"""The Bendahara pays what was received, on a phone (375 px): by bank transfer, which the MSME
confirms in its own browser, and by card through the Stripe fake's hosted page, whose webhooks
reach the live server. Every page runs under the site's Content-Security-Policy (the browser
conftest fails a test on anything it refuses), and axe-core finds no critical or serious
accessibility problem on the settlement pages."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from config.settings import csp_stripe_form_origins
from procurement.ordering.lifecycle import OrderStatus
from procurement.settlement.models import Invoice, Payment
from tests import stripe_fixtures
from tests.browser.conftest import CSP_WATCH, PHONE, axe_check
from tests.factories import PASSWORD
from tests.factories.vendor_documents import jpeg_bytes
from tests.procurement.settlement.world import received

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The Stripe fixtures (tests/stripe_fixtures.py), for this module only.
stripe_fake = stripe_fixtures.stripe_fake
stripe_offline = stripe_fixtures.stripe_offline

NET = "Rp 196.000"  # 10 snack boxes (Rp 200.000) less PPh 23 2%


def log_in(page, user):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").first.click()
    expect(page.locator("a[href='/accounts/logout/']").first).to_be_attached()


def fits_the_phone(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


@pytest.fixture
def vendor_page(browser, live_server):
    """The MSME's own phone: cookies apart from the Bendahara's."""
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport=PHONE, is_mobile=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_the_bendahara_records_a_transfer_and_the_msme_confirms_it(
    phone_page, vendor_page, settings, stripe_offline
):
    settings.STAFF_MFA_REQUIRED = False
    pw = received()
    page = phone_page

    # The Bendahara sees what is waiting, oldest first, and opens the invoice.
    log_in(page, pw.treasurer)
    page.goto("/bayar/")
    row = page.locator(f"#payables [data-invoice='{pw.invoice.pk}']")
    expect(row).to_contain_text(NET)
    expect(row).to_contain_text("0 hari sejak BAST")
    expect(row.locator(".payable-status")).to_have_attribute("data-status", "unpaid")
    fits_the_phone(page)
    axe_check(page)
    row.locator(f"a[href='/bayar/tagihan/{pw.invoice.pk}/']").click()
    expect(page.locator("#invoice-status")).to_have_attribute("data-status", "unpaid")
    expect(page.locator("#invoice-net")).to_have_text(NET)
    expect(page.locator("#card-unavailable")).to_be_visible()  # no card payment set up here
    expect(page.locator("#transfer_amount_idr")).to_have_value("196000")  # the net, prefilled
    fits_the_phone(page)
    axe_check(page)

    # A form error first (no bank), shown at its field; then the transfer with its proof.
    form = page.locator("#transfer-form")
    form.locator("#transfer_reference").fill("SP2D/0042/2026")
    form.locator("#transfer_proof").set_input_files(
        files=[{"name": "bukti.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    page.click("#record-transfer")
    expect(page.locator("#transfer_bank_name_error")).to_be_visible()
    expect(page.locator("#transfer_bank_name")).to_have_attribute("aria-invalid", "true")
    axe_check(page)
    assert not Payment.objects.exists()
    form.locator("#transfer_bank_name").fill("Bank Jateng")
    form.locator("#transfer_reference").fill("SP2D/0042/2026")
    form.locator("#transfer_proof").set_input_files(
        files=[{"name": "bukti.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    page.click("#record-transfer")
    expect(page.locator(".alert-success").first).to_be_visible()
    expect(page.locator("#invoice-status")).to_have_attribute("data-status", "awaiting_confirmation")
    expect(page.locator("#void-form")).to_be_visible()
    axe_check(page)
    payment = Payment.objects.get()
    expect(page.locator(f"a[href='/bayar/pembayaran/{payment.pk}/bukti/']")).to_be_visible()

    # The MSME, on its own phone, checks its account and confirms.
    log_in(vendor_page, pw.w.vendor_user)
    vendor_page.goto("/umkm/pembayaran/")
    expect(vendor_page.locator(f"#vendor-payments [data-invoice='{pw.invoice.pk}']")).to_contain_text(NET)
    fits_the_phone(vendor_page)
    axe_check(vendor_page)
    vendor_page.locator(f"a[href='/bayar/tagihan/{pw.invoice.pk}/']").click()
    expect(vendor_page.locator("#confirm-transfer")).to_contain_text("Bank Jateng")
    axe_check(vendor_page)
    vendor_page.click("#confirm-received")
    expect(vendor_page.locator("#invoice-status")).to_have_attribute("data-status", "paid")
    expect(vendor_page.locator("#invoice-days")).to_contain_text("0 hari setelah BAST")

    # The Bendahara's invoice and the order both show it paid; nothing is left to pay.
    page.reload()
    expect(page.locator("#invoice-status")).to_have_attribute("data-status", "paid")
    page.click("#invoice-order")
    expect(page.locator("#order-status")).to_have_attribute("data-status", "paid")
    expect(page.locator("#open-invoice")).to_be_visible()
    page.goto("/bayar/")
    expect(page.locator("#no-payables")).to_be_visible()
    assert Invoice.objects.get().status == Invoice.Status.PAID
    assert pw.invoice.unit_order.__class__.objects.get(pk=pw.invoice.unit_order_id).status == OrderStatus.PAID


def _allow_the_fakes_page(settings):
    """The policy as config/settings.py computes it when the API base is the fake (its port is random)."""
    policy = {**settings.CONTENT_SECURITY_POLICY}
    directives = {**policy["DIRECTIVES"]}
    directives["form-action"] = ["'self'", *csp_stripe_form_origins(settings.STRIPE_API_BASE)]
    policy["DIRECTIVES"] = directives
    settings.CONTENT_SECURITY_POLICY = policy
    return directives["form-action"]


def test_the_bendahara_pays_by_card_on_stripes_page_and_comes_back_to_a_paid_invoice(
    phone_page, live_server, settings, stripe_fake
):
    settings.STAFF_MFA_REQUIRED = False
    stripe_fake.webhook_url = live_server.url + reverse("settlement:stripe-webhook")
    allowed = _allow_the_fakes_page(settings)
    assert stripe_fake.base_url.rstrip("/") in allowed and "https://checkout.stripe.com" in allowed
    pw = received()
    page = phone_page

    log_in(page, pw.treasurer)
    page.goto(f"/bayar/tagihan/{pw.invoice.pk}/")
    header = page.request.get(f"/bayar/tagihan/{pw.invoice.pk}/").headers["content-security-policy"]
    assert stripe_fake.base_url.rstrip("/") in header  # the page's own policy lets its form lead there
    axe_check(page)
    page.click("#pay-by-card")

    # Stripe's (the fake's) hosted page: the form's redirect was not refused by form-action.
    expect(page).to_have_url(re.compile(re.escape(stripe_fake.base_url.rstrip("/")) + r"/pay/cs_test_"))
    page.get_by_role("button", name="Pay", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/bayar/tagihan/{pw.invoice.pk}/$"))
    expect(page.locator(".alert-success").first).to_contain_text("Pembayaran kartu berhasil")
    expect(page.locator("#invoice-status")).to_have_attribute("data-status", "paid")
    expect(page.locator("#invoice-payments .payment").first).to_have_attribute("data-status", "succeeded")
    # The webhook reached the live server before the redirect, and was applied once.
    completed = stripe_fake.events_of_type("checkout.session.completed")
    assert completed and completed[0].status == 200
    assert Invoice.objects.get().status == Invoice.Status.PAID
    assert Payment.objects.get().status == Payment.Status.SUCCEEDED


def test_without_the_payment_pages_origin_the_policy_refuses_the_card_redirect(
    phone_page, live_server, settings, stripe_fake
):
    """Why form-action lists Stripe's page: with 'self' alone Chromium stops the redirect."""
    settings.STAFF_MFA_REQUIRED = False
    policy = {
        **settings.CONTENT_SECURITY_POLICY,
        "DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]},
    }
    policy["DIRECTIVES"]["form-action"] = ["'self'"]
    settings.CONTENT_SECURITY_POLICY = policy
    pw = received()
    page = phone_page
    log_in(page, pw.treasurer)
    page.goto(f"/bayar/tagihan/{pw.invoice.pk}/")

    page.click("#pay-by-card")
    page.wait_for_timeout(1500)

    assert "/pay/cs_test_" not in page.url
    page.evaluate("0")  # flush the console
    refused = [seen for seen in CSP_WATCH.seen if "form-action" in seen]
    assert refused, CSP_WATCH.seen
    CSP_WATCH.seen.clear()  # the refusal was this test's point, not a fault of a page
