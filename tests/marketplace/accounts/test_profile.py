"""The account pages of Oscar's customer app: the e-mail changes only through allauth's
verification, and an account that kept records point at is deactivated, not deleted."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from marketplace.accounts import services
from marketplace.accounts.models import User
from tests.factories import PASSWORD, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
LINK = re.compile(r"https?://testserver(/\S+)")


@pytest.fixture(autouse=True)
def _staff_without_two_factor(settings):
    settings.STAFF_MFA_REQUIRED = False


def html(response) -> str:
    return response.content.decode()


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- E-mail changes go through allauth's verification ----------------------------------------


def test_posting_an_email_to_the_profile_form_leaves_the_email_unchanged(client):
    user = UserFactory(email="sari@contoh.semarangkota.go.id", first_name="Sari")
    client.force_login(user)

    response = client.post(
        reverse("customer:profile-update"),
        {"first_name": "Sari Wulan", "last_name": "Dewi", "email": "penyerang@contoh.id"},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Sari Wulan", "Dewi")
    assert user.email == "sari@contoh.semarangkota.go.id"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "primary", "verified")) == [
        ("sari@contoh.semarangkota.go.id", True, True)
    ]
    assert mail.outbox == []  # neither Oscar's "e-mail changed" mail nor anything else


def test_profile_form_has_no_email_field_and_points_to_the_email_page(client):
    client.force_login(UserFactory())

    response = client.get(reverse("customer:profile-update"))

    assert "email" not in response.context["form"].fields
    assert 'name="email"' not in html(response)
    assert f'href="{reverse("account_email")}"' in html(response)


def test_profile_page_shows_the_email_with_a_link_to_change_it(client):
    client.force_login(UserFactory(email="sari@contoh.semarangkota.go.id"))

    page = html(client.get(reverse("customer:profile-view")))

    assert "sari@contoh.semarangkota.go.id" in page
    link = re.search(r'<a id="change-email"[^>]*href="([^"]+)"[^>]*>([^<]+)</a>', page)
    assert link and link.groups() == (reverse("account_email"), "Ubah e-mail")


def test_changing_the_email_on_allauths_page_sends_an_indonesian_verification_and_waits_for_it(client):
    user = UserFactory(email="sari@contoh.semarangkota.go.id")
    client.force_login(user)

    response = client.post(reverse("account_email"), {"action_add": "", "email": "sari.baru@contoh.id"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sari.baru@contoh.id"]
    assert message.subject == "[Gulo Asem] Mohon Konfirmasi Alamat E-mail Anda"
    assert "Untuk mengonfirmasi" in message.body
    # Until confirmed, the old address is the login and where notifications go.
    user.refresh_from_db()
    assert user.email == "sari@contoh.semarangkota.go.id"
    new = EmailAddress.objects.get(user=user, email="sari.baru@contoh.id")
    assert (new.verified, new.primary) == (False, False)
    assert EmailAddress.objects.get(user=user, email="sari@contoh.semarangkota.go.id").primary

    confirm = LINK.search(message.body).group(1)
    client.post(confirm)

    user.refresh_from_db()
    assert user.email == "sari.baru@contoh.id"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "primary", "verified")) == [
        ("sari.baru@contoh.id", True, True)
    ]


def test_email_page_has_no_style_attribute_the_content_security_policy_would_refuse(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("account_email"), {"action_add": "", "email": "baru@contoh.id"})

    page = html(client.get(reverse("account_email")))

    assert f"<strong>{user.email}</strong>" in page  # the current address, as text
    assert "baru@contoh.id" in page  # the pending change, with its hidden form
    assert not re.search(r"<[a-zA-Z][^>]*\sstyle\s*=", page)


# --- Deleting an account, or deactivating it when it must be kept ----------------------------


@pytest.fixture
def msme_owner(db):
    return VendorFactory().owner


@pytest.fixture
def officer_with_orders(db):
    from tests.procurement.ordering.world import build_world, place

    world = build_world()
    place(world)
    return world.officer


def test_an_msme_owner_is_told_why_the_account_is_kept_and_offered_deactivation(client, msme_owner):
    client.force_login(msme_owner)

    response = client.get(reverse("customer:profile-delete"))

    assert response.status_code == 200
    page = html(response)
    assert (
        "Akun ini tidak dapat dihapus karena terkait dengan UMKM terdaftar dan/atau pesanan; "
        "riwayat pengadaan harus disimpan. Anda dapat menonaktifkan akun."
    ) in page
    assert 'id="delete_profile_form"' not in page
    assert f'action="{reverse("customer:profile-deactivate")}"' in page


@pytest.mark.parametrize("who", ["msme_owner", "officer_with_orders"])
def test_a_kept_account_posting_the_delete_form_is_refused_not_a_500(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)

    response = client.post(reverse("customer:profile-delete"), {"password": PASSWORD}, follow=True)

    assert response.status_code == 200
    assert "tidak dapat dihapus" in html(response)
    assert User.objects.filter(pk=user.pk, is_active=True).exists()
    assert is_logged_in(client)


@pytest.mark.parametrize("who", ["msme_owner", "officer_with_orders"])
def test_a_kept_account_is_deactivated_after_its_password_and_logged_out(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    rows_before = _row_counts()

    response = client.post(reverse("customer:profile-deactivate"), {"password": PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active is False
    assert not is_logged_in(client)
    assert _row_counts() == rows_before  # nothing deleted
    assert not client.login(email=user.email, password=PASSWORD)


def test_deactivation_needs_the_right_password(client, msme_owner):
    client.force_login(msme_owner)

    response = client.post(reverse("customer:profile-deactivate"), {"password": "salah"})

    assert response.status_code == 400
    assert 'id="deactivate_profile_form"' in html(response)
    msme_owner.refresh_from_db()
    assert msme_owner.is_active
    assert is_logged_in(client)


def test_a_plain_user_can_still_delete_the_account(client):
    user = UserFactory()
    Basket.objects.create(owner=user)
    client.force_login(user)

    page = html(client.get(reverse("customer:profile-delete")))
    response = client.post(reverse("customer:profile-delete"), {"password": PASSWORD})

    assert 'id="delete_profile_form"' in page and "tidak dapat dihapus" not in page
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not EmailAddress.objects.filter(user_id=user.pk).exists()


def test_a_plain_user_with_a_wrong_password_keeps_the_account(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("customer:profile-delete"), {"password": "salah"})

    assert response.status_code == 200
    assert User.objects.filter(pk=user.pk).exists()


@pytest.mark.parametrize("name", ["customer:profile-delete", "customer:profile-deactivate"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, name):
    for response in (client.get(reverse(name)), client.post(reverse(name), {"password": PASSWORD})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_the_service_finds_protected_relations_without_knowing_the_apps(msme_owner, officer_with_orders):
    plain = UserFactory()

    assert services.user_delete_refusal(plain) is None
    for user in (msme_owner, officer_with_orders):
        refusal = services.user_delete_refusal(user)
        assert refusal is not None and refusal.kinds
        with pytest.raises(services.AccountKept):
            services.user_delete(user=user)
        assert User.objects.filter(pk=user.pk).exists()


def _row_counts() -> dict[str, int]:
    from django.apps import apps

    # Tables only (no unmanaged or proxy models); sessions aside: logging out ends the session.
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label != "sessions.Session"
    }
