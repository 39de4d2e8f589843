"""Sign-up, e-mail verification, login and password reset: allauth's pages only."""

import contextlib
import re
import time
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import resolve, reverse

from marketplace.accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
_REAL_TIME = time.time

LINK = re.compile(r"https?://testserver(/\S+)")


@contextlib.contextmanager
def time_machine_offset(seconds: float):
    """Run the block as if `seconds` had passed (allauth's rate limits read time.time)."""
    start = _REAL_TIME()
    with mock.patch("time.time", lambda: start + seconds + (_REAL_TIME() - start)):
        yield


def link_in(message, fragment: str) -> str:
    paths = [p for p in LINK.findall(message.body) if fragment in p]
    assert paths, message.body
    return paths[0]


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def sign_up(client, email="sari.wulandari@contoh.id"):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def test_signup_creates_an_unverified_user_and_sends_the_confirmation_mail(client):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="sari.wulandari@contoh.id")
    assert not EmailAddress.objects.get(user=user).verified
    assert not is_logged_in(client)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sari.wulandari@contoh.id"]
    assert mail.outbox[0].subject.startswith("[Gulo Asem] ")
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_signup_user_holds_no_role(client):
    sign_up(client)

    assert not User.objects.get(email="sari.wulandari@contoh.id").groups.exists()


def test_confirmation_link_verifies_the_address_and_logs_in(client):
    sign_up(client)
    confirm_path = link_in(mail.outbox[0], "/accounts/confirm-email/")

    assert client.get(confirm_path).status_code == 200
    response = client.post(confirm_path)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="sari.wulandari@contoh.id").verified
    assert is_logged_in(client)


def test_login_before_verification_does_not_log_in(client):
    user = UserFactory(email_verified=False)

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not is_logged_in(client)


def test_login_of_a_verified_user_logs_in(client):
    user = UserFactory()

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_with_a_wrong_password_is_refused(client):
    user = UserFactory()

    response = client.post(reverse("account_login"), {"login": user.email, "password": "salah-sandi-123"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not is_logged_in(client)


@pytest.mark.parametrize(
    ("oscar_url", "allauth_url"),
    [
        ("/accounts/register/", "account_signup"),
        ("/accounts/change-password/", "account_change_password"),
        ("/password-reset/", "account_reset_password"),
    ],
)
def test_oscars_account_pages_send_to_allauths(client, oscar_url, allauth_url):
    response = client.get(oscar_url)

    assert response.status_code in (301, 302)
    assert response["Location"] == reverse(allauth_url)


def test_oscars_login_url_is_allauths_login_page(client):
    assert resolve(reverse("customer:login")).url_name == "account_login"
    response = client.get(reverse("customer:login"))

    assert response.status_code == 200
    assert 'name="login"' in response.content.decode()


def test_oscar_register_keeps_the_next_page(client):
    response = client.get("/accounts/register/?next=/catalogue/")

    assert response["Location"] == reverse("account_signup") + "?next=/catalogue/"


def test_password_reset_mails_a_link_that_sets_a_new_password(client):
    user = UserFactory()

    response = client.post(reverse("account_reset_password"), {"email": user.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    key_path = link_in(mail.outbox[0], "/accounts/password/reset/key/")
    set_password_path = client.get(key_path)["Location"]
    new_password = "Lumpia-Gang-Lombok-11"
    response = client.post(set_password_path, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_login_is_blocked_after_five_failed_attempts_with_the_same_email_and_says_when_to_retry(client):
    user = UserFactory()
    blocked = "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 5 menit."
    for _attempt in range(5):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "tebakan-salah"})
        assert "Terlalu banyak percobaan" not in response.content.decode()

    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert blocked in response.content.decode()
    assert not is_logged_in(client)


def test_blocked_login_says_the_minutes_left_of_the_window(client):
    user = UserFactory()
    with time_machine_offset(0):
        for _attempt in range(5):
            client.post(reverse("account_login"), {"login": user.email, "password": "tebakan-salah"})
    with time_machine_offset(3 * 60 + 10):  # 3 min 10 s later: under 2 minutes left
        response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert "Coba lagi dalam 2 menit." in response.content.decode()
    assert not is_logged_in(client)


def test_an_office_behind_one_address_is_not_locked_out_by_its_colleagues_mistakes(client):
    """Twelve failures a minute from one address (three colleagues) used to lock out everyone."""
    colleagues = UserFactory.create_batch(4)
    for person in colleagues[:3]:
        for _attempt in range(4):
            response = client.post(
                reverse("account_login"), {"login": person.email, "password": "tebakan-salah"}
            )
            assert "Terlalu banyak percobaan" not in response.content.decode()

    client.post(reverse("account_login"), {"login": colleagues[3].email, "password": PASSWORD})

    assert int(client.session["_auth_user_id"]) == colleagues[3].pk


def test_failed_attempts_on_one_account_do_not_block_another(client):
    target, other = UserFactory(), UserFactory()
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": target.email, "password": "tebakan-salah"})

    client.post(reverse("account_login"), {"login": other.email, "password": PASSWORD})

    assert int(client.session["_auth_user_id"]) == other.pk
