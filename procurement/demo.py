"""The demo's people and money: one account per role and a few budget lines.

Used by `manage.py seed_demo` only. Every demo account shares DEMO_PASSWORD and has a
verified e-mail address, so anyone trying the demo can log in as any role; the officer,
PPK and treasurer act for the Setda (the officer also for the Dinas Koperasi). Idempotent:
accounts are found by e-mail, budget lines by (unit, year, sub-activity, account) and
memberships by (user, unit, role); existing rows, their passwords and balances are left
as they are.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from marketplace.accounts import roles
from procurement.budgets.models import BudgetAccount, BudgetLine
from procurement.units.models import Membership, Unit
from procurement.units.services import membership_grant
from vendors.demo import DEMO_DOMAIN, demo_owner_email, user_ensure

User = get_user_model()

DEMO_PASSWORD = "gulo-asem-demo"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    full_name: str
    is_admin: bool = False


# The Pelaku UMKM account is the owner of the first demo MSME (seeded by vendors.demo).
STAFF_ACCOUNTS = (
    DemoAccount(roles.BUYER, f"pemesan@{DEMO_DOMAIN}", "Rini Astuti"),
    DemoAccount(roles.PPK, f"ppk@{DEMO_DOMAIN}", "Hadi Sucipto"),
    DemoAccount(roles.TREASURER, f"bendahara@{DEMO_DOMAIN}", "Wulan Sari"),
    DemoAccount(roles.VERIFIER, f"verifikator@{DEMO_DOMAIN}", "Arif Budiman"),
    DemoAccount(roles.ANALYST, f"analis@{DEMO_DOMAIN}", "Nadia Putri"),
    DemoAccount(roles.ADMIN, f"admin@{DEMO_DOMAIN}", "Galih Pratama", is_admin=True),
)


def demo_accounts() -> list[tuple[str, str]]:
    """(role, e-mail) of every demo account, in the order the roles are listed in the design."""
    return [(roles.VENDOR, demo_owner_email(1))] + [(a.role, a.email) for a in STAFF_ACCOUNTS]


@dataclass(frozen=True)
class DemoBudgetLine:
    unit_code: str
    sub_activity_code: str
    sub_activity_name: str
    account_code: str
    pagu_idr: int


MEETINGS = "Penyelenggaraan Rapat Koordinasi dan Konsultasi SKPD"
MEALS_MEETING = "5.1.02.01.01.0052"
MEALS_GUESTS = "5.1.02.01.01.0053"
MEALS_FIELD = "5.1.02.01.01.0058"

DEMO_BUDGET_LINES = (
    DemoBudgetLine("SETDA", "4.01.01.2.06.0009", MEETINGS, MEALS_MEETING, 150_000_000),
    DemoBudgetLine("SETDA", "4.01.01.2.06.0009", MEETINGS, MEALS_GUESTS, 250_000_000),
    DemoBudgetLine("DINKOPUM", "2.17.01.2.06.0009", MEETINGS, MEALS_MEETING, 120_000_000),
    DemoBudgetLine(
        "DINKOPUM", "2.17.07.2.01.0001", "Pemberdayaan Usaha Mikro melalui Pendataan dan Kemitraan",
        MEALS_FIELD, 80_000_000,
    ),
    DemoBudgetLine("DINKES", "1.02.01.2.06.0009", MEETINGS, MEALS_MEETING, 150_000_000),
    DemoBudgetLine(
        "DINKES", "1.02.02.2.02.0020", "Pengelolaan Pelayanan Kesehatan Gizi Masyarakat",
        MEALS_FIELD, 200_000_000,
    ),
    DemoBudgetLine("DISKOMINFO", "2.16.01.2.06.0009", MEETINGS, MEALS_MEETING, 100_000_000),
)  # fmt: skip


@transaction.atomic
def demo_accounts_seed(*, password_hash: str) -> dict[str, User]:
    """Create the staff demo accounts (one per role) that are missing; returns them by role."""
    groups = {g.name: g for g in Group.objects.filter(name__in=roles.ALL_ROLES)}
    users = {}
    for account in STAFF_ACCOUNTS:
        extra = {"is_staff": True, "is_superuser": True} if account.is_admin else {}
        users[account.role], _created = user_ensure(
            email=account.email,
            full_name=account.full_name,
            password_hash=password_hash,
            groups=[groups[account.role]],
            **extra,
        )
    return users


# (role, unit code, membership role): who acts for which unit.
DEMO_MEMBERSHIPS = (
    (roles.BUYER, "SETDA", Membership.Role.BUYER),
    (roles.BUYER, "DINKOPUM", Membership.Role.BUYER),
    (roles.PPK, "SETDA", Membership.Role.PPK),
    (roles.TREASURER, "SETDA", Membership.Role.TREASURER),
)


def demo_memberships_seed(*, users: dict[str, User]) -> int:
    """Let the demo officer, PPK and treasurer act for their units; returns how many were granted."""
    units = {u.code: u for u in Unit.objects.filter(code__in={code for _r, code, _m in DEMO_MEMBERSHIPS})}
    granted = 0
    for role, unit_code, membership_role in DEMO_MEMBERSHIPS:
        user, unit = users[role], units.get(unit_code)
        if unit is None or Membership.objects.filter(user=user, unit=unit, role=membership_role).exists():
            continue
        membership_grant(user=user, unit=unit, role=membership_role)
        granted += 1
    return granted


@transaction.atomic
def demo_budget_lines_seed(*, fiscal_year: int) -> int:
    """Create the demo budget lines of `fiscal_year` that are missing; returns how many were created.

    Units whose code is not in the loaded city pack are skipped.
    """
    units = {u.code: u for u in Unit.objects.filter(code__in={line.unit_code for line in DEMO_BUDGET_LINES})}
    accounts = {a.code: a for a in BudgetAccount.objects.all()}
    created = 0
    for line in DEMO_BUDGET_LINES:
        unit = units.get(line.unit_code)
        if unit is None or line.account_code not in accounts:
            continue
        _obj, was_created = BudgetLine.objects.get_or_create(
            unit=unit,
            fiscal_year=fiscal_year,
            sub_activity_code=line.sub_activity_code,
            account=accounts[line.account_code],
            defaults={"sub_activity_name": line.sub_activity_name, "pagu_idr": line.pagu_idr},
        )
        created += was_created
    return created
