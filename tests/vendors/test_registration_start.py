"""Opening the registration writes nothing: a draft starts with the first step saved (a POST),
and the city's staff are told that registration is for business owners."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from marketplace.accounts import roles
from procurement.units.models import Membership
from tests.factories import UserFactory, VendorFactory
from tests.factories.ordering import MembershipFactory
from vendors.forms import STEP_SLUGS
from vendors.models import Vendor

pytestmark = pytest.mark.django_db

START = "/umkm/daftar/"
STAFF_TEXT = "Pendaftaran UMKM hanya untuk pelaku usaha. Akun Anda adalah akun petugas."


def step_url(step):
    return reverse("vendors:register-step", args=[step])


def unit_member(role):
    member = MembershipFactory(role=role)
    return member.user


STAFF = {
    "pemesan": lambda: unit_member(Membership.Role.BUYER),
    "ppk": lambda: unit_member(Membership.Role.PPK),
    "bendahara": lambda: unit_member(Membership.Role.TREASURER),
    "verifikator": lambda: UserFactory(roles=[roles.VERIFIER]),
    "analis": lambda: UserFactory(roles=[roles.ANALYST]),
    "admin": lambda: UserFactory(roles=[roles.ADMIN]),
    "platform_staff": lambda: UserFactory(is_staff=True),
}


def test_anonymous_visitor_is_sent_to_login(client):
    for url in (START, step_url("usaha")):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert Vendor.objects.count() == 0


def test_new_user_sees_the_empty_first_step_and_nothing_is_written(client):
    client.force_login(UserFactory())

    response = client.get(START, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(step_url(STEP_SLUGS[0]), 302)]
    assert response.context["form"].initial.get("business_name") in (None, "")
    assert Vendor.objects.count() == 0


@pytest.mark.parametrize("step", STEP_SLUGS)
def test_every_step_opens_for_a_new_user_without_writing(client, step):
    client.force_login(UserFactory())

    response = client.get(step_url(step))

    assert response.status_code == 200
    assert Vendor.objects.count() == 0


@pytest.mark.parametrize("who", list(STAFF))
def test_city_staff_are_told_registration_is_for_business_owners(client, settings, who):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(STAFF[who]())

    for response in (
        client.get(START),
        client.get(step_url("usaha")),
        client.get(step_url("dokumen")),
        client.post(step_url("usaha"), {"business_name": "Dapur Petugas"}),
    ):
        assert response.status_code == 403
        assert STAFF_TEXT in response.content.decode()
    assert Vendor.objects.count() == 0


def test_first_post_starts_the_draft(client):
    owner = UserFactory()
    client.force_login(owner)
    client.get(START, follow=True)
    assert Vendor.objects.count() == 0

    response = client.post(step_url("usaha"), {"business_name": "Lumpia Bu Sri", "save_draft": "1"})

    assert response.status_code == 302
    vendor = Vendor.objects.get()
    assert (vendor.owner, vendor.status) == (owner, Vendor.Status.DRAFT)
    assert vendor.business_name == "Lumpia Bu Sri"


def test_submitting_an_unstarted_registration_leaves_a_draft(client):
    client.force_login(UserFactory())

    response = client.post(step_url("kirim"))

    assert response["Location"] == step_url("kirim")  # with what is still missing
    assert Vendor.objects.get().status == Vendor.Status.DRAFT


def test_an_owner_who_later_joins_the_staff_keeps_their_registration(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    vendor = VendorFactory(business_name="Dapur Bu Tini")
    vendor.owner.groups.add(Group.objects.get(name=roles.BUYER))
    client.force_login(vendor.owner)

    response = client.get(step_url("usaha"))

    assert response.status_code == 200
    assert "Dapur Bu Tini" in response.content.decode()
