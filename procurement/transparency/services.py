"""Writes of the transparency app: a person's API token (rest_framework.authtoken)."""

from django.db import transaction
from rest_framework.authtoken.models import Token


def api_token_exists(user) -> bool:
    return Token.objects.filter(user=user).exists()


@transaction.atomic
def api_token_renew(user) -> str:
    """A new token for `user` (any old one stops working); returned once, to show."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user).key


def api_token_delete(user) -> None:
    Token.objects.filter(user=user).delete()
