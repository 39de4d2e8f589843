"""The demo's people: one account per role, the MSME owners, and who acts for which unit.

Every demo account shares DEMO_PASSWORD and has a verified e-mail address, so anyone trying
the demo can log in as any role; the officer, PPK and treasurer act for the Setda (the officer
also for the Dinas Koperasi). The Pelaku UMKM account is the owner of the first demo MSME
(`procurement.demo.vendors`); owners get their seller role from the approval, not from here.

Nothing in the project creates accounts outside allauth's sign-up pages, so `user_ensure`
writes the user and its verified address itself; roles of unit members come from
`procurement.units.services.membership_grant`. Idempotent: accounts are found by e-mail,
memberships by (user, unit, role); existing accounts keep their passwords and flags.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from marketplace.accounts import roles
from procurement.units.models import Membership, Unit
from procurement.units.services import membership_grant

User = get_user_model()

DEMO_PASSWORD = "gulo-asem-demo"
DEMO_DOMAIN = "demo.guloasem.id"


def demo_owner_email(no: int) -> str:
    return f"umkm{no:02d}@{DEMO_DOMAIN}"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    full_name: str
    is_admin: bool = False


STAFF_ACCOUNTS = (
    DemoAccount(roles.BUYER, f"pemesan@{DEMO_DOMAIN}", "Rini Astuti"),
    DemoAccount(roles.PPK, f"ppk@{DEMO_DOMAIN}", "Hadi Sucipto"),
    DemoAccount(roles.TREASURER, f"bendahara@{DEMO_DOMAIN}", "Wulan Sari"),
    DemoAccount(roles.VERIFIER, f"verifikator@{DEMO_DOMAIN}", "Arif Budiman"),
    DemoAccount(roles.ANALYST, f"analis@{DEMO_DOMAIN}", "Nadia Putri"),
    DemoAccount(roles.ADMIN, f"admin@{DEMO_DOMAIN}", "Galih Pratama", is_admin=True),
)

# (role, unit code, membership role): who acts for which unit.
DEMO_MEMBERSHIPS = (
    (roles.BUYER, "SETDA", Membership.Role.BUYER),
    (roles.BUYER, "DINKOPUM", Membership.Role.BUYER),
    (roles.PPK, "SETDA", Membership.Role.PPK),
    (roles.TREASURER, "SETDA", Membership.Role.TREASURER),
)


def demo_accounts() -> list[tuple[str, str]]:
    """(role, e-mail) of every demo account, in the order the roles are listed in the design."""
    return [(roles.VENDOR, demo_owner_email(1))] + [(a.role, a.email) for a in STAFF_ACCOUNTS]


def user_ensure(
    *, email: str, full_name: str, password_hash: str, groups: Iterable[Group] = (), **extra
) -> tuple[User, bool]:
    """A user with a verified primary e-mail address, created with `password_hash` if missing.

    An existing user keeps its password and flags; only missing role groups and a missing
    verified address are added.
    """
    first_name, _, last_name = full_name.partition(" ")
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"first_name": first_name, "last_name": last_name, "password": password_hash, **extra},
    )
    address, _ = EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
    missing = set(groups) - set(user.groups.all())
    if missing:
        user.groups.add(*missing)
    return user, created


@transaction.atomic
def staff_accounts_seed(*, password_hash: str) -> dict[str, User]:
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


def memberships_seed(*, users: dict[str, User]) -> int:
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
