"""Reads of unit orders: who may see which, history with filters, totals, production lists."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from procurement.ordering.models import END_STATUSES, UnitOrder
from procurement.units.models import Membership


def _base() -> QuerySet:
    return UnitOrder.objects.select_related(
        "order", "event", "unit", "partner", "budget_line__account", "officer"
    )


def orders_visible_to(user) -> QuerySet:
    """Orders of the units the user acts for, plus orders to the MSME the user owns."""
    if not user.is_authenticated:
        return UnitOrder.objects.none()
    unit_ids = Membership.objects.filter(user=user, is_active=True).values("unit_id")
    return _base().filter(Q(unit_id__in=unit_ids) | Q(partner__users=user)).distinct()


def unit_orders_for(user) -> QuerySet:
    """Orders of the units where the user is officer, PPK or treasurer (not the vendor view)."""
    unit_ids = Membership.objects.filter(user=user, is_active=True).values("unit_id")
    return _base().filter(unit_id__in=unit_ids)


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


def filter_orders(qs: QuerySet, f: OrderFilters) -> QuerySet:
    if f.status:
        qs = qs.filter(status=f.status)
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
    counted = qs.exclude(status__in=END_STATUSES).order_by()
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


def production_list(*, user, day: date) -> dict:
    """What an MSME must make on `day`: per product the quantity, and per delivery what goes where."""
    orders = (
        vendor_orders_for(user)
        .filter(status__in=("confirmed", "awaiting_vendor"), delivery_at__date=day)
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
