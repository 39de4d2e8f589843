"""The seven role groups and what each may do."""

import pytest
from django.contrib.auth.models import Group

from marketplace.accounts import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLE_NAMES = {"Pelaku UMKM", "Pemesan OPD", "PPK", "Bendahara", "Verifikator", "Analis", "Admin"}


def test_migrations_create_the_seven_role_groups():
    assert set(Group.objects.filter(name__in=ROLE_NAMES).values_list("name", flat=True)) == ROLE_NAMES
    assert set(roles.ALL_ROLES) == ROLE_NAMES


@pytest.mark.parametrize("role", sorted(ROLE_NAMES))
def test_role_group_holds_exactly_its_declared_permissions(role):
    group = Group.objects.get(name=role)
    granted = {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }
    assert granted == {f"accounts.{codename}" for codename in roles.ROLE_PERMISSIONS[role]}


def test_msme_owners_stay_out_of_oscars_dashboard():
    owner = UserFactory(roles=[roles.VENDOR])
    assert not owner.has_perm("partner.dashboard_access")


@pytest.mark.parametrize(
    ("role", "permission", "granted"),
    [
        (roles.VERIFIER, "accounts.verify_vendors", True),
        (roles.VERIFIER, "accounts.view_vendor_documents", True),
        (roles.VERIFIER, "accounts.pay_orders", False),
        (roles.BUYER, "accounts.verify_vendors", False),
        (roles.BUYER, "accounts.place_orders", True),
        (roles.BUYER, "accounts.view_personal_data", False),
        (roles.PPK, "accounts.approve_orders", True),
        (roles.PPK, "accounts.place_orders", True),
        (roles.PPK, "accounts.pay_orders", False),
        (roles.TREASURER, "accounts.pay_orders", True),
        (roles.TREASURER, "accounts.approve_orders", False),
        (roles.ANALYST, "accounts.export_msme_data", True),
        (roles.ANALYST, "accounts.verify_vendors", False),
        (roles.ADMIN, "accounts.manage_roles", True),
        (roles.ADMIN, "accounts.manage_reference_data", True),
        (roles.ADMIN, "accounts.place_orders", False),
        (roles.VENDOR, "accounts.sell_products", True),
        (roles.VENDOR, "accounts.place_orders", False),
    ],
)
def test_role_grants_permission(role, permission, granted):
    user = UserFactory(roles=[role])
    assert user.has_perm(permission) is granted


def test_user_without_role_has_no_project_permission():
    user = UserFactory()
    assert not any(user.has_perm(f"accounts.{codename}") for codename, _label in roles.PERMISSIONS)


def test_person_holding_two_roles_has_both_sets_of_permissions():
    officer = UserFactory(roles=[roles.BUYER, roles.TREASURER])
    assert officer.has_perm("accounts.place_orders")
    assert officer.has_perm("accounts.pay_orders")
    assert not officer.has_perm("accounts.approve_orders")


@pytest.mark.parametrize(
    ("role", "is_staff_role"),
    [
        (roles.VENDOR, False),
        (roles.BUYER, False),
        (roles.PPK, True),
        (roles.TREASURER, True),
        (roles.VERIFIER, True),
        (roles.ANALYST, True),
        (roles.ADMIN, True),
    ],
)
def test_staff_roles_are_those_guarding_money_or_personal_data(role, is_staff_role):
    assert UserFactory(roles=[role]).holds_staff_role is is_staff_role
