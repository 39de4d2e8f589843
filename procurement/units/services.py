"""Writes for government units."""

from django.contrib.auth.models import Group
from django.db import transaction

from procurement.units.models import Membership, Unit

ROLE_GROUPS = {"pemesan": "Pemesan OPD", "ppk": "PPK", "bendahara": "Bendahara"}


@transaction.atomic
def membership_grant(*, user, unit: Unit, role: str):
    """Let `user` act for `unit` in `role`; the role's group gives the permissions."""
    membership, _created = Membership.objects.update_or_create(
        user=user, unit=unit, role=role, defaults={"is_active": True}
    )
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    return membership


@transaction.atomic
def membership_revoke(*, user, unit: Unit, role: str) -> None:
    """Stop `user` acting for `unit` in `role`; the group goes when no unit is left."""
    Membership.objects.filter(user=user, unit=unit, role=role).update(is_active=False)
    if not Membership.objects.filter(user=user, role=role, is_active=True).exists():
        user.groups.remove(Group.objects.get(name=ROLE_GROUPS[role]))


@transaction.atomic
def membership_set(
    *, user, unit: Unit, role: str, is_active: bool, previous: Membership | None = None
) -> Membership:
    """Make `user` act (or no longer act) for `unit` in `role`, as an Admin edits it; returns the stored
    membership. Changing an existing membership's person or role ends the old one: memberships are
    deactivated, never deleted, so the record of who acted for a unit stays."""
    if previous is not None and (previous.user_id, previous.role) != (user.pk, role):
        membership_revoke(user=previous.user, unit=previous.unit, role=previous.role)
    if is_active:
        return membership_grant(user=user, unit=unit, role=role)
    stored, _created = Membership.objects.get_or_create(
        user=user, unit=unit, role=role, defaults={"is_active": False}
    )
    membership_revoke(user=user, unit=unit, role=role)
    stored.refresh_from_db()
    return stored
