"""An officer orders snacks for a meeting; the MSME confirms and delivers; the officer signs the
BAST and downloads it. Two people, two browsers (contexts with their own cookies)."""

import re

import pytest
from playwright.sync_api import expect

from procurement.budgets.models import BudgetLine, LedgerEntry
from procurement.ordering.models import UnitOrder
from tests.factories import PASSWORD
from tests.procurement.ordering.world import SNACK_PRICE, build_world, delivery, delivery_day_come

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in(page, user):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").first.click()
    expect(page.locator("a[href='/accounts/logout/']").first).to_be_attached()


def status_of(page):
    return page.locator("#order-status")


@pytest.fixture
def vendor_page(browser, live_server):
    """The MSME's own browser: cookies apart from the officer's."""
    context = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 375, "height": 812}
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_officer_orders_snacks_vendor_delivers_officer_signs_and_downloads_the_bast(
    page, vendor_page, live_server, settings, tmp_path
):
    settings.STAFF_MFA_REQUIRED = False
    w = build_world()
    snack = w.snack
    minimum = snack.min_order_qty
    total = minimum * SNACK_PRICE
    when = delivery(days=3, hour=9)

    # The officer finds the snack box in the catalogue and puts the minimum in the basket.
    log_in(page, w.officer)
    page.goto("/catalogue/")
    search = page.locator("input[name=q]:visible").first
    search.fill("lumpia")
    search.press("Enter")
    page.locator(".product_pod", has_text=snack.title).locator(
        f"a[href='{snack.get_absolute_url()}']"
    ).first.click()
    expect(page).to_have_url(re.compile(re.escape(snack.get_absolute_url()) + "$"))
    form = page.locator("#add_to_basket_form")
    expect(form.locator("input[name=quantity]")).to_have_value(str(minimum))  # the minimum, at once
    form.locator("[type=submit]").click()
    expect(page.locator(".alert-success").first).to_be_visible()

    # Checkout: the event and the budget line.
    page.goto("/checkout/")
    expect(page.locator("#basket-summary")).to_contain_text(snack.title)
    page.fill("#id_name", "Rapat Koordinasi Pelayanan Publik")
    page.fill("#id_starts_at", when.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_venue", "Ruang Rapat Lantai 3, Jl. Pemuda No. 148")
    page.fill("#id_participants", str(minimum))
    page.fill("#id_contact_name", "Rini Astuti")
    page.fill("#id_contact_phone", "0812-3456-7890")
    page.select_option("#id_budget_line", str(w.line.pk))
    page.click("#place-order")

    expect(page).to_have_url(re.compile(r"/pesanan/\d+/$"))
    expect(status_of(page)).to_have_attribute("data-status", "awaiting_vendor")
    expect(page.locator("#order-total")).to_contain_text("Rp 200.000")
    order_url = page.url
    uo = UnitOrder.objects.get()
    assert (uo.total_idr, uo.officer_id, uo.budget_line_id) == (total, w.officer.pk, w.line.pk)
    assert BudgetLine.objects.get(pk=w.line.pk).committed_idr == total

    # The MSME, on its phone: incoming orders, confirm, then deliver.
    log_in(vendor_page, w.vendor_user)
    vendor_page.goto("/umkm/pesanan/")
    vendor_page.locator(f"#vendor-orders a[href='/pesanan/{uo.pk}/']").click()
    expect(status_of(vendor_page)).to_have_attribute("data-status", "awaiting_vendor")
    vendor_page.click("#action-confirm")
    expect(status_of(vendor_page)).to_have_attribute("data-status", "confirmed")
    # Three days ahead: not delivered yet, the page says from when.
    expect(vendor_page.locator("#action-deliver")).to_have_count(0)
    expect(vendor_page.locator("#later-deliver")).to_be_visible()
    delivery_day_come(uo)  # … the delivery day has come
    vendor_page.reload()
    vendor_page.click("#action-deliver")
    expect(status_of(vendor_page)).to_have_attribute("data-status", "delivered")

    # The officer signs the BAST: everything arrived, five stars.
    page.goto(order_url)
    expect(status_of(page)).to_have_attribute("data-status", "delivered")
    receipt_form = page.locator("#receipt-form")
    line = uo.order.lines.get()
    expect(receipt_form.locator(f"input[name=qty_{line.pk}]")).to_have_value(str(minimum))
    receipt_form.locator("textarea[name=notes]").fill("Diterima lengkap dan tepat waktu")
    receipt_form.locator("select[name=rating]").select_option("5")
    receipt_form.locator("textarea[name=comment]").fill("Lumpia hangat, kemasan rapi")
    page.click("#sign-bast")

    expect(status_of(page)).to_have_attribute("data-status", "received")
    expect(page.locator("#receipt")).to_contain_text("Rp 200.000")
    expect(page.locator("#order-payable")).to_contain_text("Rp 200.000")
    uo.refresh_from_db()
    assert (uo.status, uo.payable_idr, uo.rating.score) == ("received", total, 5)
    assert not LedgerEntry.objects.filter(kind="release").exists()

    # … and downloads the BAST as a PDF.
    with page.expect_download() as download_info:
        page.click("#download-bast")
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.suffix == ".pdf"
    assert saved.read_bytes().startswith(b"%PDF")
