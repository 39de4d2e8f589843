"""The Django admin: ledger read-only, pagu only through its service, memberships through theirs."""

import pytest
from django.urls import reverse

from marketplace.accounts import roles
from procurement.budgets.models import BudgetLine, LedgerEntry
from procurement.units.models import Membership
from tests.factories import UnitFactory, UserFactory
from tests.procurement.budgets.conftest import with_two_factor
from tests.procurement.ordering.world import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(with_two_factor(UserFactory(is_staff=True, is_superuser=True)))
    return client


def test_ledger_admin_lists_entries_but_cannot_add_change_or_delete(superuser_client, w):
    place(w)
    entry = LedgerEntry.objects.get()

    assert superuser_client.get(reverse("admin:budgets_ledgerentry_changelist")).status_code == 200
    assert superuser_client.get(reverse("admin:budgets_ledgerentry_add")).status_code == 403
    assert (
        superuser_client.get(reverse("admin:budgets_ledgerentry_delete", args=[entry.pk])).status_code == 403
    )
    view = superuser_client.get(reverse("admin:budgets_ledgerentry_change", args=[entry.pk]))
    assert view.status_code == 200 and 'name="_save"' not in view.content.decode()
    superuser_client.post(reverse("admin:budgets_ledgerentry_change", args=[entry.pk]), {"amount_idr": "1"})
    assert LedgerEntry.objects.get().amount_idr == 200_000


def test_budget_line_admin_shows_pagu_read_only_and_ignores_a_posted_pagu(superuser_client, w):
    url = reverse("admin:budgets_budgetline_change", args=[w.line.pk])

    html = superuser_client.get(url).content.decode()
    response = superuser_client.post(
        url, {"sub_activity_name": "Rapat Koordinasi Pimpinan", "pagu_idr": "1", "committed_idr": "0"}
    )

    assert 'name="pagu_idr"' not in html
    assert reverse("budgets:line-pagu", args=[w.line.pk]) in html
    assert response.status_code == 302
    line = BudgetLine.objects.get(pk=w.line.pk)
    assert (line.sub_activity_name, line.pagu_idr) == ("Rapat Koordinasi Pimpinan", 5_000_000)


def test_budget_account_admin_is_registered(superuser_client, w):
    response = superuser_client.get(reverse("admin:budgets_budgetaccount_changelist"))

    assert response.status_code == 200 and "5.1.02.01.01.0052" in response.content.decode()


def test_membership_added_in_the_admin_gives_the_role_group(superuser_client):
    person, unit = UserFactory(), UnitFactory()

    response = superuser_client.post(
        reverse("admin:units_membership_add"),
        {"user": person.pk, "unit": unit.pk, "role": Membership.Role.PPK, "is_active": "on"},
    )

    assert response.status_code == 302
    assert Membership.objects.get(user=person, unit=unit).role == Membership.Role.PPK
    assert person.groups.filter(name=roles.PPK).exists()


def test_membership_deactivated_in_the_admin_takes_the_group_away(superuser_client):
    person, unit = UserFactory(), UnitFactory()
    from procurement.units.services import membership_grant

    membership = membership_grant(user=person, unit=unit, role=Membership.Role.BUYER)

    superuser_client.post(reverse("admin:units_membership_change", args=[membership.pk]), {})

    membership.refresh_from_db()
    assert membership.is_active is False
    assert not person.groups.filter(name=roles.BUYER).exists()
    assert (
        superuser_client.get(reverse("admin:units_membership_delete", args=[membership.pk])).status_code
        == 403
    )


def test_unit_admin_edits_the_approval_threshold_and_adds_people_inline(superuser_client):
    unit, officer = UnitFactory(), UserFactory()
    url = reverse("admin:units_unit_change", args=[unit.pk])

    response = superuser_client.post(
        url,
        {
            "code": unit.code,
            "name": unit.name,
            "short_name": unit.short_name,
            "kind": unit.kind,
            "is_active": "on",
            "approval_threshold_idr": "25000000",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-user": officer.pk,
            "memberships-0-role": Membership.Role.BUYER,
            "memberships-0-is_active": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    unit.refresh_from_db()
    assert unit.approval_threshold_idr == 25_000_000
    assert Membership.objects.filter(user=officer, unit=unit, role="pemesan", is_active=True).exists()
    assert officer.groups.filter(name=roles.BUYER).exists()
