"""Writes for unit orders: place against a budget line, approve, confirm, deliver, receive.

An order and its budget commitment are created in one transaction; every move that
ends an order (decline, cancel, expiry, PPK rejection) releases what it holds, and the
BAST releases what was not received.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model

from marketplace.accounts import roles
from marketplace.basket.selectors import basket_partner
from marketplace.common.domain import DomainError
from marketplace.partner.services import partner_sales_store
from procurement.budgets.models import BudgetLine
from procurement.budgets.services import (
    BudgetExceeded,
    budget_commit,
    budget_realize,
    budget_release,
    budget_unrealize,
)
from procurement.ordering import checkout_rules as rules
from procurement.ordering import lifecycle, selectors, tasks
from procurement.ordering.lifecycle import Actor, Budget, OrderStatus
from procurement.ordering.models import (
    Event,
    OrderAction,
    Receipt,
    ReceiptLine,
    UnitOrder,
    VendorRating,
)
from procurement.units.models import Membership
from procurement.units.selectors import holds_role

OrderCreator = get_class("order.utils", "OrderCreator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Repository = get_class("shipping.repository", "Repository")
Partner = get_model("partner", "Partner")
Basket = get_model("basket", "Basket")
ShippingAddress = get_model("order", "ShippingAddress")
Line = get_model("order", "Line")
Country = get_model("address", "Country")
S = OrderStatus


class OrderRefused(DomainError):
    """The order cannot be placed; `problems` holds every reason with its numbers."""

    def __init__(self, problems: list[rules.Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems

    @property
    def codes(self) -> set[str]:
        return {p.code for p in self.problems}


class NotAllowed(DomainError):
    """A move or step of the order that this person may not make now; `message` says why."""


class NotYet(NotAllowed):
    """A move made too early: marking an order delivered before its delivery day (`opens_at`)."""

    def __init__(self, *, delivery_at: datetime, opens_at: datetime):
        self.delivery_at, self.opens_at = delivery_at, opens_at
        day = date_format(timezone.localtime(delivery_at), "l, j F Y")
        opens = timezone.localtime(opens_at)
        if opens.date() >= timezone.localtime(delivery_at).date():  # no slack: from midnight
            message = _("This order can be marked delivered from its delivery day, %(day)s.") % {"day": day}
        else:
            message = _(
                "This order can be marked delivered from its delivery day, %(day)s "
                "(at the earliest %(opens)s)."
            ) % {"day": day, "opens": date_format(opens, "j F Y H:i")}
        super().__init__(message)


@dataclass(frozen=True)
class EventData:
    name: str
    starts_at: datetime
    venue: str
    participants: int
    contact_name: str
    contact_phone: str


def _refuse(code: str, message: str):
    raise OrderRefused([rules.Problem(code, message)])


@transaction.atomic
def order_place(*, officer, basket, event: EventData, budget_line: BudgetLine) -> UnitOrder:
    """Place a catering order for a unit and commit its amount against the budget line."""
    if basket.is_empty:
        _refuse("empty", _("The basket is empty."))
    if not holds_role(user=officer, unit=budget_line.unit, role=Membership.Role.BUYER):
        _refuse("not_member", _("You do not order for %(unit)s.") % {"unit": budget_line.unit})
    if not budget_line.account.is_food:
        _refuse(
            "not_food_account",
            _("Budget account %(code)s is not a food and drink account.")
            % {"code": budget_line.account.code},
        )
    partner = basket_partner(basket)
    if partner is None:
        _refuse("mixed_vendors", _("A basket may hold the products of one MSME only."))
    # The MSME is locked for the whole order (its daily capacity, a basket sent twice); the budget
    # line only at the end, by budget_commit, so concurrent orders on one line queue for the few
    # statements of the commitment, not for the whole order. Until then the line is read as it
    # stands: an order it cannot cover is refused at once, and budget_commit checks again under
    # the lock.
    line = BudgetLine.objects.select_related("account", "unit").get(pk=budget_line.pk)
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if basket.pk and not Basket.objects.filter(pk=basket.pk, status=Basket.OPEN).exists():
        # Sent twice at once (a double click): the first became the order while this one waited
        # for the locks above, which every order of this MSME takes.
        _refuse("empty", _("The basket is empty."))
    if not partner.is_active:
        _refuse("vendor_inactive", _("%(vendor)s does not sell at the moment.") % {"vendor": partner.name})

    shipping_method = Repository().get_default_shipping_method(basket=basket)
    shipping_charge = shipping_method.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, shipping_charge)
    total_idr = int(total.incl_tax)
    portions = rules.food_portions(basket)
    problems = (
        rules.delivery_problems(budget_line=line, delivery_at=event.starts_at)
        + rules.line_problems(basket=basket, budget_line=line, delivery_at=event.starts_at)
        + rules.vendor_problems(partner=partner, delivery_at=event.starts_at, portions=portions)
        + rules.rotation_problems(unit=line.unit, partner=partner)  # exact: under the MSME's lock
        + rules.total_problems(total_idr=total_idr, budget_line=line)
    )
    if problems:
        raise OrderRefused(problems)

    unit = line.unit
    ev = Event.objects.create(unit=unit, created_by=officer, **event.__dict__)
    address = ShippingAddress.objects.create(
        first_name=event.contact_name[:255],
        line1=event.venue[:255],
        line4="Semarang",
        phone_number="",
        notes=_("Event: %(name)s, %(participants)s participants")
        % {"name": event.name, "participants": event.participants},
        country=Country.objects.get_or_create(
            iso_3166_1_a2="ID",
            defaults={"name": "Indonesia", "printable_name": "Indonesia", "is_shipping_country": True},
        )[0],
    )
    placing = lifecycle.placing(needs_approval=total_idr > unit.approval_threshold_idr)
    status = placing.target
    order = OrderCreator().place_order(
        basket=basket,
        total=total,
        shipping_method=shipping_method,
        shipping_charge=shipping_charge,
        user=officer,
        shipping_address=address,
        status=status,
    )
    unit_order = UnitOrder.objects.create(
        order=order,
        event=ev,
        unit=unit,
        budget_line=line,
        partner=partner,
        officer=officer,
        status=status,
        total_idr=total_idr,
        delivery_at=event.starts_at,
        portions=portions,
        vendor_deadline=(
            _vendor_deadline(
                delivery_at=event.starts_at,
                lead_hours=[line.product.lead_time_hours for line in basket.all_lines() if line.product],
            )
            if status == S.AWAITING_VENDOR
            else None
        ),
    )
    OrderAction.objects.create(unit_order=unit_order, actor=officer, action=placing.action, to_status=status)
    basket.submit()
    try:  # last: the line stays locked from here to the commit
        budget_commit(
            line=line,
            amount_idr=total_idr,
            order=order,
            actor=officer,
            note=_("Order %(number)s") % {"number": order.number},
        )
    except BudgetExceeded as exc:  # another order took the money since the line was read
        raise OrderRefused([rules.Problem("budget", exc.message)]) from exc
    # After the commit, outside the locks (a Celery worker does them when CELERY_BROKER_URL is set).
    transaction.on_commit(lambda: tasks.vendor_sales_refresh_task.delay([partner.pk]))
    transaction.on_commit(lambda: tasks.order_notify_task.delay(unit_order.pk, placing.action))
    return unit_order


def vendor_sales_refresh(*, partner_ids=None, days: int = 90) -> int:
    """Recompute each MSME's platform sales of the last `days` days (orders that did not end
    declined, cancelled or expired) and hand them to the shop, which sorts "Pemerataan" by them.

    Returns the number of partners updated."""
    since = timezone.now() - timedelta(days=days)
    lines = Line.objects.filter(order__date_placed__gte=since).exclude(
        order__status__in=lifecycle.NOT_SALES_STATUSES
    )
    if partner_ids is not None:
        lines = lines.filter(partner_id__in=partner_ids)
    sales = dict(
        lines.order_by()
        .values_list("partner_id")
        .annotate(total=Sum("line_price_incl_tax"))
        .values_list("partner_id", "total")
    )
    sales = {pk: int(total or 0) for pk, total in sales.items()}
    return partner_sales_store(
        sales=sales, partner_ids=partner_ids, low_rated=low_rated_partners(partner_ids)
    )


# An MSME rated below this average by at least this many orders is not promoted by Pemerataan.
LOW_RATING_BELOW = 3
LOW_RATING_MIN_RATINGS = 3


def low_rated_partners(partner_ids=None) -> set[int]:
    """The MSMEs (partner ids) rated below 3 of 5 on average by at least 3 orders."""
    ratings = VendorRating.objects.all()
    if partner_ids is not None:
        ratings = ratings.filter(partner_id__in=partner_ids)
    return set(
        ratings.order_by()
        .values("partner_id")
        .annotate(n=Count("pk"), average=Avg("score"))
        .filter(n__gte=LOW_RATING_MIN_RATINGS, average__lt=LOW_RATING_BELOW)
        .values_list("partner_id", flat=True)
    )


def _vendor_deadline(*, delivery_at: datetime, lead_hours) -> datetime:
    """The MSME answers within the set hours, and never later than the lead time before delivery."""
    now = timezone.now()
    deadline = min(
        now + timedelta(hours=settings.VENDOR_CONFIRM_HOURS),
        delivery_at - timedelta(hours=max(lead_hours, default=0)),
    )
    return max(deadline, now)


def _set_vendor_deadline(unit_order: UnitOrder) -> None:
    unit_order.vendor_deadline = _vendor_deadline(
        delivery_at=unit_order.delivery_at,
        lead_hours=[
            line.product.lead_time_hours
            for line in unit_order.order.lines.select_related("product")
            if line.product
        ],
    )
    unit_order.save(update_fields=["vendor_deadline"])


# --- Moves (the table is procurement.ordering.lifecycle) ---------------------------------------

ROLE_OF = {
    Actor.BUYER: Membership.Role.BUYER,
    Actor.PPK: Membership.Role.PPK,
    Actor.TREASURER: Membership.Role.TREASURER,
}


def actor_may(*, unit_order: UnitOrder, actor, who: Actor) -> bool:
    """`actor` is who the move needs: a role of the order's unit, a user of its MSME, or the system."""
    if who == Actor.SYSTEM:
        return actor is None
    if actor is None or not actor.is_authenticated:
        return False
    if who == Actor.VENDOR:
        return unit_order.partner.users.filter(pk=actor.pk).exists()
    if who == Actor.ADMIN:
        return actor.is_superuser or actor.groups.filter(name=roles.ADMIN).exists()
    return holds_role(user=actor, unit=unit_order.unit, role=ROLE_OF[who])


def _may_make(*, unit_order: UnitOrder, move: lifecycle.Move | None, actor) -> bool:
    """The order's status allows the move and `actor` is who makes it (whatever the hour)."""
    return (
        move is not None
        and unit_order.status in move.sources
        and actor_may(unit_order=unit_order, actor=actor, who=move.who)
    )


def can_move(*, unit_order: UnitOrder, action: str, actor, now=None) -> bool:
    """`actor` may make the move now: its status, its maker, and its day (delivered)."""
    move = lifecycle.move(action)
    return _may_make(unit_order=unit_order, move=move, actor=actor) and selectors.move_is_open(
        unit_order=unit_order, move=move, now=now
    )


def offered_moves(*, unit_order: UnitOrder, actor, now=None) -> list[lifecycle.Move]:
    """The buttons of the order page this person may press now."""
    return [
        m for m in lifecycle.BUTTONS if can_move(unit_order=unit_order, action=m.action, actor=actor, now=now)
    ]


def later_moves(*, unit_order: UnitOrder, actor, now=None) -> list[tuple[lifecycle.Move, datetime]]:
    """The buttons this person will have later, each with the moment it opens (delivered: the day)."""
    return [
        (m, selectors.move_opens_at(unit_order=unit_order, move=m))
        for m in lifecycle.BUTTONS
        if _may_make(unit_order=unit_order, move=m, actor=actor)
        and not selectors.move_is_open(unit_order=unit_order, move=m, now=now)
    ]


def _locked_order(unit_order: UnitOrder) -> UnitOrder:
    return (
        UnitOrder.objects.select_for_update()
        .select_related("order", "partner", "unit", "budget_line")
        .get(pk=unit_order.pk)
    )


def _refuse_move(uo: UnitOrder, move: lifecycle.Move, actor, reason: str, now=None) -> None:
    if uo.status not in move.sources:
        raise NotAllowed(
            _("This order is “%(status)s”: that is no longer possible.") % {"status": uo.get_status_display()}
        )
    if move.action != "expire" and selectors.is_overdue(uo, now=now):  # shown expired: expire_orders ends it
        raise NotAllowed(
            _("This order is “%(status)s”: that is no longer possible.") % {"status": S.EXPIRED.label}
        )
    if not actor_may(unit_order=uo, actor=actor, who=move.who):
        raise NotAllowed(_("You may not do this for this order."))
    if move.reason_required and not reason.strip():
        raise NotAllowed(_("Give a reason."))
    if not selectors.move_is_open(unit_order=uo, move=move, now=now):
        raise NotYet(delivery_at=uo.delivery_at, opens_at=selectors.move_opens_at(unit_order=uo, move=move))


def _apply(uo: UnitOrder, move: lifecycle.Move, *, actor, reason: str = "", amount_idr: int | None = None):
    """Record the move, then do to the budget what the table says and tell whom it names."""
    _set_status(uo, move.target, actor=actor, action=move.action, reason=reason)
    if move.target == S.AWAITING_VENDOR:
        _set_vendor_deadline(uo)
    note = _("%(action)s: order %(number)s") % {"action": move.action, "number": uo.order.number}
    if move.budget == Budget.RELEASE:
        budget_release(line=uo.budget_line, order=uo.order, actor=actor, note=note)
    elif move.budget == Budget.REALIZE:
        budget_realize(line=uo.budget_line, order=uo.order, amount_idr=amount_idr, actor=actor, note=note)
    elif move.budget == Budget.UNREALIZE:
        budget_unrealize(line=uo.budget_line, order=uo.order, amount_idr=amount_idr, actor=actor, note=note)
    if move.budget != Budget.NONE:
        transaction.on_commit(lambda: vendor_sales_refresh(partner_ids=[uo.partner_id]))
    transaction.on_commit(lambda: tasks.order_notify_task.delay(uo.pk, move.action, reason))


@transaction.atomic
def order_move(*, unit_order: UnitOrder, action: str, actor, reason: str = "", now=None) -> UnitOrder:
    """Apply one of the moves people make on the order page, by an actor allowed to make it.

    `now` is the moment the move is judged at (the demo makes its past moves as on their day)."""
    move = lifecycle.move(action)
    if move is None or move not in lifecycle.BUTTONS + (lifecycle.move("expire"),):
        raise NotAllowed(_("Unknown action."))
    uo = _locked_order(unit_order)
    _refuse_move(uo, move, actor, reason, now=now)
    _apply(uo, move, actor=actor, reason=reason)
    return uo


@transaction.atomic
def order_pay(*, unit_order: UnitOrder, actor, amount_idr: int) -> UnitOrder:
    """The order's invoice is paid (procurement.settlement decides that): `paid`, its amount realized."""
    move = lifecycle.move("pay")
    uo = _locked_order(unit_order)
    if uo.status not in move.sources:
        raise NotAllowed(
            _("This order is “%(status)s”: that is no longer possible.") % {"status": uo.get_status_display()}
        )
    _apply(uo, move, actor=actor, amount_idr=amount_idr)
    return uo


@transaction.atomic
def order_refund(*, unit_order: UnitOrder, actor, amount_idr: int, full: bool, reason: str) -> UnitOrder:
    """Money paid for the order came back (procurement.settlement's refund): the realization is reversed.

    A full refund makes the order payable again (`paid` → `received`, the amount committed once
    more); a partial one leaves it paid and gives the refunded amount back to the budget line."""
    uo = _locked_order(unit_order)
    if uo.status != S.PAID:
        raise NotAllowed(_("Only a paid order can be refunded."))
    if full:
        _apply(uo, lifecycle.move("refund"), actor=actor, reason=reason, amount_idr=amount_idr)
        return uo
    note = _("Partial refund: order %(number)s") % {"number": uo.order.number}
    budget_unrealize(line=uo.budget_line, order=uo.order, amount_idr=amount_idr, actor=actor, note=note)
    budget_release(line=uo.budget_line, order=uo.order, amount_idr=amount_idr, actor=actor, note=note)
    OrderAction.objects.create(
        unit_order=uo,
        actor=actor,
        action=lifecycle.PARTIAL_REFUND,
        from_status=uo.status,
        to_status=uo.status,
        reason=reason,
    )
    transaction.on_commit(lambda: vendor_sales_refresh(partner_ids=[uo.partner_id]))
    return uo


def _set_status(uo: UnitOrder, target: str, *, actor, action: str, reason: str = "") -> None:
    OrderAction.objects.create(
        unit_order=uo,
        actor=actor,
        action=action,
        from_status=uo.status,
        to_status=target,
        reason=reason.strip(),
    )
    uo.order.set_status(target)  # Oscar's pipeline check, and its OrderStatusChange record
    uo.status = target
    uo.save(update_fields=["status"])


def order_expire_if_due(*, unit_order: UnitOrder, now=None) -> bool:
    """Expire an order nobody answered in time, release its budget and tell its people: by
    `manage.py expire_orders` (cron), or when someone tries a move on it (a POST). Pages only
    show it expired (`selectors.as_shown`): a GET writes nothing."""
    if not selectors.is_overdue(unit_order, now=now or timezone.now()):
        return False
    try:
        order_move(unit_order=unit_order, action="expire", actor=None)
    except NotAllowed:  # answered (or cancelled) since this copy was read: nothing to expire
        return False
    return True


def orders_expire(*, now=None) -> int:
    """Expire every overdue order (for cron); returns how many."""
    now = now or timezone.now()
    due = UnitOrder.objects.filter(selectors.overdue_q(now=now))
    return sum(order_expire_if_due(unit_order=uo, now=now) for uo in due)


@transaction.atomic
def order_receive(
    *,
    unit_order: UnitOrder,
    officer,
    quantities: dict[int, int],
    notes: str = "",
    rating: int | None = None,
    comment: str = "",
) -> Receipt:
    """Sign the BAST: what arrived becomes the payable, the rest of the commitment is released."""
    move = lifecycle.move("receive")
    uo = _locked_order(unit_order)
    if uo.status not in move.sources:
        raise NotAllowed(_("Only a delivered order can be received."))
    if not actor_may(unit_order=uo, actor=officer, who=move.who):
        raise NotAllowed(_("You may not do this for this order."))
    lines = list(uo.order.lines.all())
    amount = 0
    for line in lines:
        qty = quantities.get(line.pk, line.quantity)
        if qty < 0 or qty > line.quantity:
            raise NotAllowed(
                _("%(product)s: received quantity must be between 0 and %(max)s.")
                % {"product": line.title, "max": line.quantity}
            )
        amount += int(line.unit_price_incl_tax) * qty
    if rating is not None and not 1 <= rating <= 5:
        raise NotAllowed(_("The rating is 1 to 5."))
    year = timezone.localdate().year
    seq = Receipt.objects.filter(number__startswith=f"BAST/{uo.unit.code}/{year}/").count() + 1
    receipt = Receipt.objects.create(
        unit_order=uo,
        number=f"BAST/{uo.unit.code}/{year}/{seq:05d}",
        received_by=officer,
        notes=notes.strip(),
        amount_idr=amount,
    )
    ReceiptLine.objects.bulk_create(
        [
            ReceiptLine(receipt=receipt, line=line, quantity_received=quantities.get(line.pk, line.quantity))
            for line in lines
        ]
    )
    uo.payable_idr = amount
    uo.save(update_fields=["payable_idr"])
    _set_status(uo, move.target, actor=officer, action=move.action, reason=notes)
    if uo.total_idr > amount:  # Budget.RELEASE_UNRECEIVED
        budget_release(
            line=uo.budget_line,
            order=uo.order,
            amount_idr=uo.total_idr - amount,
            actor=officer,
            note=_("Not received: order %(number)s") % {"number": uo.order.number},
        )
    if rating:
        VendorRating.objects.create(
            unit_order=uo, partner_id=uo.partner_id, score=rating, comment=comment.strip()
        )
    # The BAST issues the invoice (tagihan) the Bendahara pays: procurement.settlement.
    from procurement.settlement.services import invoice_issue

    invoice_issue(unit_order=uo, actor=officer)
    transaction.on_commit(lambda: vendor_sales_refresh(partner_ids=[uo.partner_id]))
    transaction.on_commit(lambda: tasks.order_notify_task.delay(uo.pk, move.action))
    return receipt
