"""Signing up and logging in, in a real browser."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from marketplace.accounts import roles
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page, form_field):
    """Press the submit button of the form holding the given field."""
    page.locator(f"form:has({form_field}) [type=submit]").first.click()


def test_signup_confirm_email_and_land_logged_in(page, live_server):
    page.goto("/accounts/signup/")
    page.fill("input[name=email]", "dapur.bu.sri@contoh.id")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    submit(page, "input[name=password2]")

    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)

    page.goto(link)
    # The page signs a fresh key into its form, so match the form by its address, not the key.
    page.locator("form[action*='/accounts/confirm-email/'] [type=submit]").click()

    expect(page).to_have_url(live_server.url + "/")
    page.goto("/accounts/email/")
    expect(page).to_have_url(re.compile(r"/accounts/email/$"))
    expect(page.locator("body")).to_contain_text("dapur.bu.sri@contoh.id")


def test_staff_login_lands_on_the_site_when_two_factor_is_off(page, live_server, settings):
    settings.STAFF_MFA_REQUIRED = False
    verifier = UserFactory(roles=[roles.VERIFIER], email="verifikator@dinkopum.semarangkota.go.id")

    page.goto("/accounts/login/")
    expect(page.locator("#mfa-off-notice")).to_be_visible()
    page.fill("input[name=login]", verifier.email)
    page.fill("input[name=password]", PASSWORD)
    submit(page, "input[name=password]")

    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("a[href='/accounts/logout/']").first).to_be_attached()


def test_staff_login_is_sent_to_two_factor_setup_when_required(page, settings):
    settings.STAFF_MFA_REQUIRED = True
    treasurer = UserFactory(roles=[roles.TREASURER])

    page.goto("/accounts/login/")
    expect(page.locator("#mfa-off-notice")).to_have_count(0)
    page.fill("input[name=login]", treasurer.email)
    page.fill("input[name=password]", PASSWORD)
    submit(page, "input[name=password]")

    expect(page).to_have_url(re.compile(r"/accounts/(2fa/totp/activate|reauthenticate)/"))
