"""Writes about people's accounts: deleting one, or deactivating it when it must be kept.

An account that an MSME, an order or any other kept record points at cannot be deleted: the
procurement history must stay whole (who ordered, who sold, who approved). Which records keep
an account is not listed here (marketplace knows nothing of vendors/ or procurement/): it is
every relation with on_delete=PROTECT or RESTRICT reaching the user, as Django's deletion
collector finds them, so a new app's protected relation counts without a change here.
"""

import logging
from dataclasses import dataclass

from django.db import router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


class AccountKept(Exception):
    """The account cannot be deleted; `refusal` says why."""

    def __init__(self, refusal: "DeleteRefusal"):
        super().__init__(refusal.message)
        self.refusal = refusal


@dataclass(frozen=True)
class DeleteRefusal:
    message: str
    kinds: tuple[str, ...]  # what keeps the account, by model name ("MSMEs", "unit orders")


def _kept_by(user) -> tuple[str, ...]:
    """Plural names of the kinds of records that keep the user from being deleted (none: none)."""
    collector = Collector(using=router.db_for_write(type(user), instance=user), origin=user)
    try:
        collector.collect([user])
    except ProtectedError as exc:
        objects = exc.protected_objects
    except RestrictedError as exc:
        objects = exc.restricted_objects
    else:
        return ()
    return tuple(sorted({str(obj._meta.verbose_name_plural) for obj in objects}))


def _refusal(kinds: tuple[str, ...]) -> DeleteRefusal:
    return DeleteRefusal(
        message=_(
            "This account cannot be deleted because it is linked to a registered MSME and/or "
            "orders; the procurement history must be kept. You can deactivate the account."
        ),
        kinds=kinds,
    )


def user_delete_refusal(user) -> DeleteRefusal | None:
    """Why the user's account cannot be deleted, or None when it can be."""
    kinds = _kept_by(user)
    return _refusal(kinds) if kinds else None


@transaction.atomic
def user_delete(*, user) -> None:
    """Delete the account and what only it owns (basket, addresses, e-mail addresses).

    Raises AccountKept, deleting nothing, when kept records point at it.
    """
    refusal = user_delete_refusal(user)
    if refusal is not None:
        raise AccountKept(refusal)
    pk = user.pk
    try:
        with transaction.atomic():
            user.delete()
    except (ProtectedError, RestrictedError) as exc:  # a kept record added meanwhile
        raise AccountKept(_refusal(_kept_by(user))) from exc
    log.info("account %s deleted by its owner", pk)


def user_deactivate(*, user) -> None:
    """Close the account without deleting anything: it can no longer log in, and every row
    pointing at it (orders, decisions, the MSME) stays as it was. An administrator can
    reactivate it (is_active) in the admin."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    log.info("account %s deactivated by its owner", user.pk)
