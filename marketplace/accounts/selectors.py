"""Reads about people and their roles."""

from allauth.mfa.models import Authenticator


def user_has_two_factor(user) -> bool:
    """Whether the user has an active TOTP authenticator."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def user_needs_two_factor_setup(user) -> bool:
    """A holder of a staff role without TOTP must set it up before using the site."""
    return user.holds_staff_role and not user_has_two_factor(user)
