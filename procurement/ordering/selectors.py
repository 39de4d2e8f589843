"""Reads of unit orders: who may see which, history with filters, totals, production lists."""

import hashlib
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Case, CharField, Count, F, Min, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from procurement.ordering import lifecycle, versions
from procurement.ordering.lifecycle import END_STATUSES, TO_PRODUCE_STATUSES, OrderStatus
from procurement.ordering.models import ReceiptLine, UnitOrder, VendorRating
from procurement.units.models import Membership

# --- Expiry as the pages show it -----------------------------------------------------------------
# An order nobody answered in time is expired by `manage.py expire_orders` (cron, every few
# minutes), which also releases its budget and tells the people of the order. Until it runs,
# the pages show such an order as expired (and offer no move on it) without writing anything.


def overdue_q(*, now) -> Q:
    """Orders past their deadline still waiting: the MSME's answer, or the PPK's approval
    before the delivery time."""
    return Q(status=OrderStatus.AWAITING_VENDOR, vendor_deadline__lt=now) | Q(
        status=OrderStatus.PENDING_APPROVAL, delivery_at__lt=now
    )


def next_overdue_at(*, unit_ids, now) -> datetime | None:
    """The next moment an order of these units turns overdue (shown expired without a write):
    the earliest deadline, not yet passed at `now`, among those `overdue_q` looks at. One query
    on the (unit, status, …) index, which reads the few waiting orders only."""
    found = UnitOrder.objects.filter(
        unit_id__in=sorted(unit_ids), status__in=[OrderStatus.AWAITING_VENDOR, OrderStatus.PENDING_APPROVAL]
    ).aggregate(
        vendor=Min("vendor_deadline", filter=Q(status=OrderStatus.AWAITING_VENDOR, vendor_deadline__gte=now)),
        approval=Min("delivery_at", filter=Q(status=OrderStatus.PENDING_APPROVAL, delivery_at__gte=now)),
    )
    return min((moment for moment in found.values() if moment is not None), default=None)


def is_overdue(unit_order: UnitOrder, *, now=None) -> bool:
    now = now or timezone.now()
    if unit_order.status == OrderStatus.AWAITING_VENDOR:
        return bool(unit_order.vendor_deadline and unit_order.vendor_deadline < now)
    return unit_order.status == OrderStatus.PENDING_APPROVAL and unit_order.delivery_at < now


def as_shown(unit_order: UnitOrder, *, now=None) -> UnitOrder:
    """The order as the pages show it (in memory only, never saved): an overdue order is
    expired, with `expiry_pending` set until the expire_orders command records its expiry."""
    unit_order.expiry_pending = is_overdue(unit_order, now=now)
    if unit_order.expiry_pending:
        unit_order.status = OrderStatus.EXPIRED
    return unit_order


def with_shown_status(qs: QuerySet, *, now=None) -> QuerySet:
    """`qs` with `shown_status`: the status the pages show (overdue orders expired), to filter on."""
    if "shown_status" in qs.query.annotations:
        return qs
    now = now or timezone.now()
    return qs.annotate(
        shown_status=Case(
            When(overdue_q(now=now), then=Value(OrderStatus.EXPIRED.value)),
            default=F("status"),
            output_field=CharField(),
        )
    )


def shown_status_in(qs: QuerySet, statuses) -> QuerySet:
    """`qs` narrowed to the orders shown in one of `statuses` (overdue orders shown expired).

    The stored status is filtered too (an order is shown in a status other than expired only
    when it is stored in it), so PostgreSQL reads the (partner|unit, status, …) indexes instead
    of every order of the MSME to compute the shown status of each."""
    statuses = {str(s) for s in statuses}
    stored = statuses - {OrderStatus.EXPIRED.value}
    if OrderStatus.EXPIRED.value in statuses:
        stored |= {
            OrderStatus.EXPIRED.value,
            OrderStatus.AWAITING_VENDOR.value,
            OrderStatus.PENDING_APPROVAL.value,
        }
    return with_shown_status(qs).filter(status__in=sorted(stored), shown_status__in=sorted(statuses))


# --- When a move may be made ---------------------------------------------------------------------


def move_opens_at(*, unit_order: UnitOrder, move: lifecycle.Move) -> datetime | None:
    """The earliest moment `move` may be made on the order (None: any time).

    A move made `from_delivery_day` (the MSME marking it delivered) opens when the delivery day begins
    in the city, less `ORDER_DELIVERED_SLACK_HOURS`."""
    if not move.from_delivery_day:
        return None
    day = timezone.localtime(unit_order.delivery_at).date()
    starts = timezone.make_aware(datetime.combine(day, time.min))
    return starts - timedelta(hours=settings.ORDER_DELIVERED_SLACK_HOURS)


def move_is_open(*, unit_order: UnitOrder, move: lifecycle.Move, now=None) -> bool:
    opens_at = move_opens_at(unit_order=unit_order, move=move)
    return opens_at is None or (now or timezone.now()) >= opens_at


# --- The order page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderLineShown:
    """One line of the order page: what was ordered and, after the BAST, what was received."""

    line: object  # Oscar's order Line
    ordered: int
    received: int | None  # None until the BAST is signed


def order_lines(unit_order: UnitOrder) -> list[OrderLineShown]:
    """The order's lines with the quantity ordered and the quantity received (BAST)."""
    lines = list(unit_order.order.lines.all())
    received = dict(
        ReceiptLine.objects.filter(receipt__unit_order=unit_order).values_list("line_id", "quantity_received")
    )
    return [
        OrderLineShown(line=line, ordered=line.quantity, received=received.get(line.pk)) for line in lines
    ]


def order_history(unit_order: UnitOrder) -> list:
    """The order's recorded moves, oldest first, each with `done`: the move's name in the
    history ("approved by the PPK"), an English msgid the page translates."""
    actions = list(unit_order.actions.select_related("actor"))
    for action in actions:
        action.done = lifecycle.done_label(action.action)
    return actions


def _base() -> QuerySet:
    # Joined: what differs from row to row. The unit, the budget line with its account and the
    # officer repeat on a page (a handful of each): prefetched by id. Joining all eight tables
    # cost PostgreSQL 35-50 ms of planning per list at city scale (more than its join_collapse_limit
    # allows to reorder cheaply) for a 1 ms scan; four joined plus three small lookups plan in a
    # few ms (docs/performance.md, "The officer's order history").
    return UnitOrder.objects.select_related("order", "event", "partner").prefetch_related(
        "unit", "budget_line__account", "officer"
    )


def orders_visible_to(user) -> QuerySet:
    """Orders of the units the user acts for, plus orders to the MSME the user owns."""
    if not user.is_authenticated:
        return UnitOrder.objects.none()
    unit_ids = Membership.objects.filter(user=user, is_active=True).values("unit_id")
    return _base().filter(Q(unit_id__in=unit_ids) | Q(partner__users=user)).distinct()


def unit_ids_for(user) -> list[int]:
    """The units where the user is officer, PPK or treasurer (active memberships), by id."""
    if not user.is_authenticated:
        return []
    return sorted(set(Membership.objects.filter(user=user, is_active=True).values_list("unit_id", flat=True)))


def unit_orders_for(user, *, unit_ids=None) -> QuerySet:
    """Orders of the units where the user is officer, PPK or treasurer (not the vendor view);
    `unit_ids`: those units when the caller has read them already (`unit_ids_for`).

    The unit ids are read first (a handful): `unit_id = …` lets PostgreSQL walk the unit's
    (unit, created_at, id) index for the newest orders, which a subquery hides from it."""
    if unit_ids is None:
        unit_ids = unit_ids_for(user)
    return _base().filter(unit_id__in=sorted(unit_ids))


def vendor_orders_for(user) -> QuerySet:
    """Orders to the MSME(s) the user owns, by date of delivery."""
    return _base().filter(partner__users=user).order_by("delivery_at", "pk")


@dataclass(frozen=True)
class OrderFilters:
    status: str = ""
    event: str = ""
    partner_id: int | None = None
    month: date | None = None
    budget_line_id: int | None = None


def filter_orders(qs: QuerySet, f: OrderFilters, *, now=None) -> QuerySet:
    """`qs` narrowed by the history's filters, with the status shown at `now` (default: now)."""
    qs = with_shown_status(qs, now=now)
    if f.status:
        qs = shown_status_in(qs, [f.status])
    if f.event:
        qs = qs.filter(event__name__icontains=f.event)
    if f.partner_id:
        qs = qs.filter(partner_id=f.partner_id)
    if f.month:
        qs = qs.filter(delivery_at__year=f.month.year, delivery_at__month=f.month.month)
    if f.budget_line_id:
        qs = qs.filter(budget_line_id=f.budget_line_id)
    return qs


def spending_totals(qs: QuerySet) -> dict:
    """Totals of the orders that still count (not declined, cancelled or expired): per event, month, line."""
    counted = with_shown_status(qs).exclude(shown_status__in=END_STATUSES).order_by()
    amount = Sum("total_idr")
    return {
        "total": counted.aggregate(total=amount, n=Count("pk")),
        "by_event": list(
            counted.values("event__name", "event__starts_at")
            .annotate(total=amount, n=Count("pk"))
            .order_by("-event__starts_at")[:50]
        ),
        "by_month": list(
            counted.annotate(month=TruncMonth("delivery_at"))
            .values("month")
            .annotate(total=amount, n=Count("pk"))
            .order_by("-month")[:24]
        ),
        "by_line": list(
            counted.values(
                "budget_line__account__code",
                "budget_line__sub_activity_name",
                "budget_line__unit__short_name",
            )
            .annotate(total=amount, n=Count("pk"))
            .order_by("-total")[:50]
        ),
    }


# The history's totals, cached: at 10,000 orders of a unit they cost more than the rest of the page.
# An entry is read only under the current versions of the units (`versions`: renewed at every
# change of their orders) and until the next deadline of a waiting order (which turns it expired
# on the pages without a write); the timeout only bounds what a write that sent no signal (a
# queryset `.update()` without `unit_orders_changed`) could leave.
TOTALS_MAX_SECONDS = 15 * 60


def spending_totals_cached(*, qs: QuerySet, unit_ids, filters_key: str, now=None) -> dict:
    """`spending_totals(qs)`, cached. `qs` must be the orders of `unit_ids` (the units the user may
    see) narrowed by the filters that `filters_key` spells, its shown status annotated at `now`
    (`filter_orders(..., now=now)`); users of the same units with the same filters share an entry."""
    unit_ids = sorted(set(unit_ids))
    if not unit_ids:
        return spending_totals(qs)
    now = now or timezone.now()
    stamp = repr((versions.unit_orders_versions(unit_ids), filters_key, timezone.get_current_timezone_name()))
    key = "ordering:history-totals:" + hashlib.sha256(stamp.encode()).hexdigest()
    entry = cache.get(key)
    if entry is not None and (entry["until"] is None or now <= entry["until"]):
        return entry["totals"]
    until = next_overdue_at(unit_ids=unit_ids, now=now)
    totals = spending_totals(with_shown_status(qs, now=now))
    seconds = TOTALS_MAX_SECONDS
    if until is not None:
        seconds = max(1, min(seconds, math.ceil((until - now).total_seconds())))
    cache.set(key, {"totals": totals, "until": until}, seconds)
    return totals


def production_list(*, user, day: date) -> dict:
    """What an MSME must make on `day`: per product the quantity, and per delivery what goes where."""
    orders = (
        shown_status_in(vendor_orders_for(user), TO_PRODUCE_STATUSES)
        .filter(delivery_at__date=day)
        .prefetch_related("order__lines")
    )
    per_product: dict[str, int] = {}
    deliveries = []
    for uo in orders:
        lines = list(uo.order.lines.all())
        for line in lines:
            per_product[line.title] = per_product.get(line.title, 0) + line.quantity
        deliveries.append({"order": uo, "lines": lines})
    return {"totals": sorted(per_product.items()), "deliveries": deliveries}


def vendor_rating_summary(*, partner, latest: int = 5) -> dict:
    """The MSME's average rating from officers (after the BAST), how many, and the latest comments."""
    if partner is None:
        return {"count": 0}
    ratings = VendorRating.objects.filter(partner=partner)
    summary = ratings.aggregate(avg=Avg("score"), count=Count("pk"))
    return {
        "avg": summary["avg"],
        "count": summary["count"],
        "comments": ratings.exclude(comment="")
        .select_related("unit_order__unit")
        .order_by("-created_at")[:latest],
    }
