"""Every kind of page works under the Content-Security-Policy: visitors', officers', MSMEs',
verifiers' pages, the account and two-factor pages, Oscar's dashboard and Django's admin. The
conftest's watch fails a test when the policy refuses anything on any page it opened; here each
page also shows that its scripts ran (Bootstrap's dropdowns open, Oscar's page script ran)."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model
from playwright.sync_api import expect

from marketplace.accounts import roles
from tests.factories import PASSWORD, UserFactory
from tests.factories.vendor_documents import CompleteVendorFactory
from tests.procurement.ordering.world import build_world, order_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

Notification = get_model("communication", "Notification")


def log_in(page, user):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").first.click()
    expect(page.locator("a[href='/accounts/logout/']").first).to_be_attached()


def visit(page, url, status=200):
    response = page.goto(url)
    assert response.status == status, (url, response.status)
    page.wait_for_load_state("load")
    return response


def assert_scripts_ran(page):
    """Oscar's inline onload script (with the nonce) ran: it starts oscar.init()."""
    assert page.evaluate("typeof window.oscar === 'object' && typeof window.jQuery === 'function'")


def test_visitor_pages(page):
    w = build_world()

    for url in [
        "/",
        reverse("catalogue:index"),
        w.snack.get_absolute_url(),
        reverse("vendors:vendor-detail", args=[w.vendor.slug]),
        reverse("guide:index"),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
    ]:
        visit(page, url)
        assert_scripts_ran(page)
    visit(page, "/tidak-ada/", status=404)


def test_officer_pages_with_a_basket_and_notifications(page, settings, live_server):
    settings.STAFF_MFA_REQUIRED = False
    w = build_world()
    uo = order_in(w, "declined")
    note = Notification.objects.create(
        recipient=w.officer, subject="Pesanan ditolak", body="Alasan: dapur penuh"
    )
    log_in(page, w.officer)

    visit(page, w.snack.get_absolute_url())
    page.locator("#add_to_basket_form [type=submit]").click()
    expect(page.locator("#messages .alert").first).to_be_visible()
    # The mini basket's dropdown (Bootstrap's script) opens.
    page.locator(".basket-mini .dropdown-toggle").click()
    expect(page.locator(".basket-mini .dropdown-menu")).to_be_visible()

    visit(page, reverse("basket:summary"))
    assert_scripts_ran(page)
    expect(page.locator("#basket_formset input[name$='-DELETE']").first).to_be_hidden()  # a class, not style=
    for url in [
        reverse("checkout:index"),
        reverse("ordering:order-list"),
        reverse("ordering:order-detail", args=[uo.pk]),
        reverse("budgets:line-list"),
        reverse("budgets:line-detail", args=[w.line.pk]),
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("mfa_index"),
        reverse("mfa_activate_totp"),  # the QR code is a data: image
        reverse("customer:summary"),
        reverse("customer:profile-update"),  # Oscar's form partial ("cancel" without onclick=)
    ]:
        visit(page, url)
        assert_scripts_ran(page)
    # "cancel" of Oscar's form partial goes back a page (gulo/site.js, not onclick=).
    page.locator("[data-history-back]").first.click()
    expect(page).to_have_url(live_server.url + reverse("customer:profile-view"))  # summary redirects there
    visit(page, reverse("customer:notifications-inbox"))
    row = page.locator(
        "tr", has=page.locator(f"a[href='{reverse('customer:notifications-detail', args=[note.pk])}']")
    )
    row.locator("[data-behaviours=archive]").click()  # Oscar's notifications script archives it
    expect(page.locator("#messages .alert-success")).to_be_visible()
    note.refresh_from_db()
    assert note.location == Notification.ARCHIVE


def test_msme_and_verifier_pages(page, settings):
    settings.STAFF_MFA_REQUIRED = False
    w = build_world()
    order_in(w, "confirmed")
    log_in(page, w.vendor_user)
    for url in [
        reverse("vendors:status"),
        reverse("vendors:shop-products"),
        reverse("vendors:shop-product-create"),
        reverse("vendors:shop-product-update", args=[w.snack.pk]),
        reverse("vendors:shop-schedule"),
        reverse("ordering:vendor-orders"),
        reverse("vendors:register-step", args=["usaha"]),
    ]:
        visit(page, url)
        assert_scripts_ran(page)

    submitted = CompleteVendorFactory(submitted=True, documents=[])
    page.context.clear_cookies()
    log_in(page, UserFactory(roles=[roles.VERIFIER]))
    visit(page, reverse("vendors:verification-queue"))
    visit(page, reverse("vendors:verification-review", args=[submitted.pk]))
    assert_scripts_ran(page)


def test_django_admin_and_oscars_dashboard_work(page, settings):
    settings.STAFF_MFA_REQUIRED = False
    w = build_world()
    log_in(page, UserFactory(is_staff=True, is_superuser=True))

    for url in [
        reverse("admin:index"),
        reverse("admin:budgets_budgetline_changelist"),
        reverse("admin:budgets_budgetline_change", args=[w.line.pk]),
        reverse("admin:units_unit_add"),
        reverse("admin:accounts_user_changelist"),
    ]:
        visit(page, url)
    # The admin's own scripts run: "add another" of an inline adds a row.
    visit(page, reverse("admin:units_unit_add"))
    total = page.locator("input[name$='-TOTAL_FORMS']").first
    before = int(total.input_value())
    page.locator(".add-row a").first.click()
    expect(total).to_have_value(str(before + 1))

    for url in ["/dashboard/", "/dashboard/catalogue/", f"/dashboard/catalogue/products/{w.snack.pk}/"]:
        visit(page, url)
        assert_scripts_ran(page)
