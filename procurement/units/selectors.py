"""Who acts for which unit."""

from procurement.units.models import Membership, Unit


def units_for(*, user, role: str):
    """Units where the user holds `role` (active memberships only)."""
    if not user.is_authenticated:
        return Unit.objects.none()
    return Unit.objects.filter(memberships__user=user, memberships__role=role, memberships__is_active=True)


def holds_role(*, user, unit, role: str) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, unit=unit, role=role, is_active=True).exists()
    )
