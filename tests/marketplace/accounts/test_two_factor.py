"""Staff roles (PPK, Bendahara, Verifikator, Analis, Admin) must set up two-factor login first."""

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.urls import reverse

from marketplace.accounts import roles
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STAFF_ROLES = [roles.PPK, roles.TREASURER, roles.VERIFIER, roles.ANALYST, roles.ADMIN]
OTHER_ROLES = [roles.BUYER, roles.VENDOR]
PAGES = ["/", "/catalogue/"]


def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_without_totp_is_sent_to_two_factor_setup(client, role, path):
    logged_in(client, UserFactory(roles=[role]))

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_superuser_without_totp_is_sent_to_two_factor_setup(client):
    logged_in(client, UserFactory(is_superuser=True, is_staff=True))

    assert client.get("/")["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_with_totp_opens_the_page(client, role, path):
    user = UserFactory(roles=[role])
    TOTP.activate(user, generate_totp_secret())
    logged_in(client, user)

    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("role", OTHER_ROLES)
def test_buyers_and_msme_owners_need_no_two_factor(client, role, path):
    logged_in(client, UserFactory(roles=[role]))

    assert client.get(path).status_code == 200


def test_staff_logging_in_is_sent_to_two_factor_setup(client):
    verifier = UserFactory(roles=[roles.VERIFIER])

    response = client.post(
        reverse("account_login"), {"login": verifier.email, "password": PASSWORD}, follow=True
    )

    visited = [url for url, _status in response.redirect_chain]
    assert visited[:2] == ["/", reverse("mfa_activate_totp")]
    assert response.status_code == 200
    assert response.context["user"] == verifier


def test_staff_who_sets_up_totp_then_reaches_the_site(client, settings):
    settings.MFA_TOTP_TOLERANCE = 1  # the code below may be checked in the next 30-second window
    analyst = UserFactory(roles=[roles.ANALYST])
    client.post(reverse("account_login"), {"login": analyst.email, "password": PASSWORD})
    # allauth asks for the password again before adding an authenticator.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))

    response = client.post(reverse("mfa_activate_totp"), {"code": code})

    assert response.status_code == 302, response.context["form"].errors
    assert Authenticator.objects.filter(user=analyst, type=Authenticator.Type.TOTP).exists()
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/accounts/logout/", "/i18n/setlang/"])
def test_staff_without_totp_may_still_reach_logout_language_and_health(client, path):
    logged_in(client, UserFactory(roles=[roles.ADMIN]))

    response = client.get(path)

    assert response.get("Location") != reverse("mfa_activate_totp")


@pytest.mark.parametrize("role", STAFF_ROLES + OTHER_ROLES)
def test_nobody_is_redirected_when_staff_two_factor_is_off(client, settings, role):
    settings.STAFF_MFA_REQUIRED = False
    logged_in(client, UserFactory(roles=[role]))

    assert client.get("/").status_code == 200


def test_login_page_warns_when_staff_two_factor_is_off(client, settings):
    settings.STAFF_MFA_REQUIRED = False

    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    assert 'id="mfa-off-notice"' in response.content.decode()


def test_login_page_has_no_demo_notice_when_staff_two_factor_is_on(client, settings):
    settings.STAFF_MFA_REQUIRED = True

    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    assert 'id="mfa-off-notice"' not in response.content.decode()
