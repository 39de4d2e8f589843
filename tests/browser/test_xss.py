"""Stored payloads do not run in a real browser: on the product page and on the notification
pages no dialog opens and no payload sets its flag, both with the Content-Security-Policy and
with the browser told to ignore it (so the escaping and sanitising are tested on their own)."""

import pytest
from django.urls import reverse
from oscar.core.loading import get_model
from playwright.sync_api import expect

from tests.browser.conftest import CSP_WATCH
from tests.factories import PASSWORD, ProductFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Notification = get_model("communication", "Notification")

# Each payload both opens a dialog and sets window.xssRan, should it ever run.
RUN = "alert(1);window.xssRan=1"
PAYLOADS = " ".join(
    [
        f"<script>{RUN}</script>",
        f"<img src=x onerror={RUN}>",
        f"<svg onload={RUN}>",
        f'"><script>{RUN}</script>',
        f"<details open ontoggle={RUN}>",
        f'<a id="js-link" href="javascript:{RUN}">klik</a>',
        f"<b onmouseover={RUN}>tidak ditutup",
        f'<img src="x" onerror="{RUN}"',
    ]
)


@pytest.fixture(params=["with-policy", "policy-ignored"])
def tab(request, browser, live_server):
    """A tab that records every dialog; in the second run the browser ignores the policy."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="id-ID",
        viewport={"width": 1280, "height": 900},
        bypass_csp=request.param == "policy-ignored",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.dialogs = []

    def dismiss(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    yield page
    context.close()


def assert_nothing_ran(page):
    page.wait_for_timeout(300)  # onerror/onload/ontoggle fire just after the page loads
    page.mouse.move(5, 5)
    page.mouse.move(400, 400)
    assert page.dialogs == [], f"a payload opened a dialog: {page.dialogs}"
    assert page.evaluate("window.xssRan") is None, "a payload ran"
    links = page.locator("a[href^='javascript:' i]")
    assert links.count() == 0, "a javascript: link is on the page"


def log_in(page, user):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").first.click()
    expect(page.locator("a[href='/accounts/logout/']").first).to_be_attached()


def test_product_page_with_payloads_in_title_description_and_contents_runs_nothing(tab):
    product = ProductFactory(
        title=f"Lumpia Uji {PAYLOADS}"[:250],
        description=f"Deskripsi uji\n{PAYLOADS}",
        contents=f"Isi uji {PAYLOADS}",
    )

    tab.goto(product.get_absolute_url())

    expect(tab.locator("#product-description-text")).to_contain_text("Deskripsi uji")
    assert_nothing_ran(tab)


def test_notification_pages_with_payloads_run_nothing(tab):
    user = UserFactory()
    note = Notification.objects.create(
        recipient=user, subject=f"Pesanan {PAYLOADS}"[:255], body=f"Alasan: {PAYLOADS}"
    )
    log_in(tab, user)

    tab.goto(reverse("customer:notifications-inbox"))
    expect(tab.locator("table")).to_contain_text("Pesanan")
    assert_nothing_ran(tab)
    tab.goto(reverse("customer:notifications-detail", args=[note.pk]))
    expect(tab.locator("table")).to_contain_text("Alasan:")
    assert_nothing_ran(tab)


def test_the_watch_sees_what_the_policy_refuses(page):
    """The conftest's watch works: an inline script without the nonce is reported."""
    page.goto("/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
        " document.body.appendChild(s); }"
    )
    page.evaluate("0")

    assert page.evaluate("window.ran") is None  # refused
    seen, CSP_WATCH.seen[:] = list(CSP_WATCH.seen), []  # seen here on purpose: not a failure
    assert any("script-src" in text for text in seen), seen
