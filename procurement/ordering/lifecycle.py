"""The order's life in one table: statuses, moves, what each does to the budget, who is told.

    place ─► pending_approval ─approve─► awaiting_vendor ─confirm─► confirmed ─deliver─► delivered
                    │                         │                        │                    │
             reject_approval,           decline, cancel,        cancel_confirmed         receive (BAST)
             cancel, expire             expire                                              ▼
                    ▼                         ▼                        ▼               received ─pay─► paid
                cancelled / expired     declined / cancelled / expired   cancelled       ◄─refund─┘

Every other part reads this module: the services apply a move only as listed here
(`procurement.ordering.services.order_move`), the order page offers the moves the viewer may
make, the notifications tell the parties named here, and Oscar's status pipeline
(`OSCAR_ORDER_STATUS_PIPELINE`, which `Order.set_status` enforces) is derived from the table.
This module imports nothing of Django's app registry, so the settings can read it.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class OrderStatus(TextChoices):
    PENDING_APPROVAL = "pending_approval", _("Waiting for PPK approval")
    AWAITING_VENDOR = "awaiting_vendor", _("Waiting for the MSME")
    CONFIRMED = "confirmed", _("Confirmed")
    DELIVERED = "delivered", _("Delivered")
    RECEIVED = "received", _("Received (BAST)")
    PAID = "paid", _("Paid")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


S = OrderStatus
OPEN_STATUSES = (S.PENDING_APPROVAL, S.AWAITING_VENDOR, S.CONFIRMED)
END_STATUSES = (S.DECLINED, S.CANCELLED, S.EXPIRED)
# The MSME still has to make the food: the day's production list and capacity count these.
TO_PRODUCE_STATUSES = (S.AWAITING_VENDOR, S.CONFIRMED)
# The MSME earned it: delivered and accepted (the census and the sales figures count these).
SOLD_STATUSES = (S.RECEIVED, S.PAID)
# Orders that never became sales.
NOT_SALES_STATUSES = END_STATUSES
# Until the PPK has approved, there is no order letter to print.
WITHOUT_ORDER_LETTER = (S.PENDING_APPROVAL, S.CANCELLED, S.EXPIRED)


class Actor(StrEnum):
    """Who may make a move: a role of the order's unit, its MSME, or the system (cron)."""

    BUYER = "buyer"  # Pemesan of the order's unit
    PPK = "ppk"  # PPK of the order's unit
    TREASURER = "treasurer"  # Bendahara of the order's unit
    VENDOR = "vendor"  # a user of the order's MSME
    ADMIN = "admin"  # the platform's Admin (refunds)
    SYSTEM = "system"  # nobody: a scheduled job


class Party(StrEnum):
    """Who is told of a move."""

    OFFICER = "officer"  # the officer who placed the order
    VENDOR = "vendor"  # the MSME's users
    PPK = "ppk"  # the unit's PPK
    TREASURER = "treasurer"  # the unit's Bendahara


class Budget(StrEnum):
    """What a move does to the order's budget line (procurement.budgets.services)."""

    NONE = "none"
    COMMIT = "commit"  # the order's total is committed
    RELEASE = "release"  # whatever the order still holds is released
    RELEASE_UNRECEIVED = "release_unreceived"  # what was not received is released
    REALIZE = "realize"  # the paid amount is realized
    UNREALIZE = "unrealize"  # a refunded payment: the realized amount is committed again


@dataclass(frozen=True)
class Move:
    action: str
    sources: tuple[OrderStatus, ...]
    target: OrderStatus
    who: Actor
    reason_required: bool
    budget: Budget
    tell: tuple[Party, ...]
    subject: str  # the notification's subject (English msgid, translated when sent)
    label: str = ""  # the button on the order page ("" = no button: a page or job of its own)
    primary: bool = False  # the button is the expected next step (else a refusal, drawn in red)
    asks_reason: bool = False  # the button's form has a reason field (required or not)
    done: str = ""  # the order's history names the move with this ("approved by the PPK")
    # Only from the order's delivery day (less ORDER_DELIVERED_SLACK_HOURS): food is not
    # delivered days ahead of the meeting it is for.
    from_delivery_day: bool = False


P = Party
MOVES: tuple[Move, ...] = (
    Move("place", (), S.AWAITING_VENDOR, Actor.BUYER, False, Budget.COMMIT, (P.OFFICER, P.VENDOR),
         gettext_noop("Order %(number)s placed: %(status)s"), done=gettext_noop("placed by the officer")),
    Move("place", (), S.PENDING_APPROVAL, Actor.BUYER, False, Budget.COMMIT, (P.OFFICER, P.PPK),
         gettext_noop("Order %(number)s placed: %(status)s"), done=gettext_noop("placed by the officer")),
    Move("approve", (S.PENDING_APPROVAL,), S.AWAITING_VENDOR, Actor.PPK, False, Budget.NONE,
         (P.OFFICER, P.VENDOR), gettext_noop("Order %(number)s approved by the PPK"),
         label=gettext_noop("Approve"), primary=True, done=gettext_noop("approved by the PPK")),
    Move("reject_approval", (S.PENDING_APPROVAL,), S.CANCELLED, Actor.PPK, True, Budget.RELEASE,
         (P.OFFICER,), gettext_noop("Order %(number)s rejected by the PPK"),
         label=gettext_noop("Reject"), asks_reason=True, done=gettext_noop("rejected by the PPK")),
    Move("confirm", (S.AWAITING_VENDOR,), S.CONFIRMED, Actor.VENDOR, False, Budget.NONE,
         (P.OFFICER,), gettext_noop("Order %(number)s confirmed by the MSME"),
         label=gettext_noop("Confirm order"), primary=True, done=gettext_noop("confirmed by the MSME")),
    Move("decline", (S.AWAITING_VENDOR,), S.DECLINED, Actor.VENDOR, True, Budget.RELEASE,
         (P.OFFICER,), gettext_noop("Order %(number)s declined by the MSME"),
         label=gettext_noop("Decline"), asks_reason=True, done=gettext_noop("declined by the MSME")),
    Move("cancel", (S.PENDING_APPROVAL, S.AWAITING_VENDOR), S.CANCELLED, Actor.BUYER, False, Budget.RELEASE,
         (P.OFFICER, P.VENDOR), gettext_noop("Order %(number)s cancelled"),
         label=gettext_noop("Cancel order"), asks_reason=True, done=gettext_noop("cancelled by the officer")),
    Move("cancel_confirmed", (S.CONFIRMED,), S.CANCELLED, Actor.BUYER, True, Budget.RELEASE,
         (P.OFFICER, P.VENDOR), gettext_noop("Order %(number)s cancelled"),
         label=gettext_noop("Cancel order"), asks_reason=True, done=gettext_noop("cancelled by the officer")),
    Move("deliver", (S.CONFIRMED,), S.DELIVERED, Actor.VENDOR, False, Budget.NONE,
         (P.OFFICER,), gettext_noop("Order %(number)s delivered: confirm receipt (BAST)"),
         label=gettext_noop("Mark delivered"), primary=True, done=gettext_noop("delivered by the MSME"),
         from_delivery_day=True),
    Move("expire", (S.AWAITING_VENDOR, S.PENDING_APPROVAL), S.EXPIRED, Actor.SYSTEM, False, Budget.RELEASE,
         (P.OFFICER, P.VENDOR), gettext_noop("Order %(number)s expired: the MSME did not answer in time"),
         done=gettext_noop("expired: no answer before the deadline")),
    Move("receive", (S.DELIVERED,), S.RECEIVED, Actor.BUYER, False, Budget.RELEASE_UNRECEIVED,
         (P.VENDOR, P.TREASURER), gettext_noop("Order %(number)s received (BAST signed)"),
         done=gettext_noop("received by the officer (BAST signed)")),
    Move("pay", (S.RECEIVED,), S.PAID, Actor.TREASURER, False, Budget.REALIZE,
         (P.VENDOR, P.OFFICER), gettext_noop("Order %(number)s paid"),
         done=gettext_noop("paid by the Bendahara")),
    Move("refund", (S.PAID,), S.RECEIVED, Actor.ADMIN, True, Budget.UNREALIZE,
         (P.VENDOR, P.TREASURER), gettext_noop("Order %(number)s: payment refunded, to be paid again"),
         done=gettext_noop("payment refunded by the Admin, to be paid again")),
)  # fmt: skip

BY_ACTION: dict[str, Move] = {m.action: m for m in MOVES if m.action != "place"}
# A partial refund leaves the order paid: an OrderAction of its own, no move of the table.
PARTIAL_REFUND = "partial_refund"
_DONE: dict[str, str] = {m.action: m.done for m in MOVES} | {
    PARTIAL_REFUND: gettext_noop("part of the payment refunded by the Admin")
}
# The moves the order page offers as buttons, in the order they are drawn.
BUTTONS: tuple[Move, ...] = tuple(m for m in MOVES if m.label)


def move(action: str) -> Move | None:
    """The move called `action` (placing an order is `placing`, which depends on the total)."""
    return BY_ACTION.get(action)


def done_label(action: str) -> str:
    """How the order's history names a recorded move (an English msgid; "" if unknown)."""
    return _DONE.get(action, "")


def placing(*, needs_approval: bool) -> Move:
    """The first move of an order: straight to the MSME, or first to the unit's PPK."""
    target = S.PENDING_APPROVAL if needs_approval else S.AWAITING_VENDOR
    return next(m for m in MOVES if m.action == "place" and m.target == target)


def oscar_pipeline() -> dict[str, tuple[str, ...]]:
    """Oscar's OSCAR_ORDER_STATUS_PIPELINE: every status with the statuses a move leads to from it."""
    pipeline: dict[str, list[str]] = {status.value: [] for status in OrderStatus}
    for m in MOVES:
        for source in m.sources:
            if m.target.value not in pipeline[source.value]:
                pipeline[source.value].append(m.target.value)
    return {status: tuple(targets) for status, targets in pipeline.items()}
