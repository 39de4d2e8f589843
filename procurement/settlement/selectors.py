"""Reads for settlement: payables of a Bendahara, invoices a person may see, timeliness figures."""

import statistics
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import BooleanField, Case, Count, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from procurement.settlement.models import Invoice, Payment
from procurement.units.models import Membership, Unit

UNPAID = (Invoice.Status.UNPAID, Invoice.Status.AWAITING_CONFIRMATION, Invoice.Status.DISPUTED)


def payment_target_days() -> int:
    """Days after the BAST within which a unit should pay (settings.PAYMENT_TARGET_DAYS, default 14)."""
    return int(getattr(settings, "PAYMENT_TARGET_DAYS", 14))


def treasurer_units(user) -> QuerySet[Unit]:
    if not user.is_authenticated:
        return Unit.objects.none()
    return Unit.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.TREASURER, memberships__is_active=True
    ).distinct()


def _treasurer_unit_ids(user) -> QuerySet:
    """The ids of `treasurer_units`, read from the memberships alone (a subquery on the invoice's
    own `unit_id`, which the index on (unit, status, received_at) serves)."""
    if not user.is_authenticated:
        return Membership.objects.none().values("unit_id")
    held = Membership.objects.filter(user=user, role=Membership.Role.TREASURER, is_active=True)
    return held.values("unit_id")


def _with_order(qs: QuerySet[Invoice]) -> QuerySet[Invoice]:
    return qs.select_related(
        "unit_order__unit",
        "unit_order__partner",
        "unit_order__order",
        "unit_order__event",
        "unit_order__budget_line__account",
    )


def invoices_visible_to(user) -> QuerySet[Invoice]:
    """Invoices of the units the user acts for (any role), and of the MSMEs whose user they are."""
    if not user.is_authenticated:
        return Invoice.objects.none()
    units = Membership.objects.filter(user=user, is_active=True).values("unit_id")
    mine = Q(unit_id__in=units) | Q(unit_order__partner__users=user)
    return _with_order(Invoice.objects.filter(mine).distinct())


@dataclass(frozen=True)
class PayablesFilter:
    unit_id: int | None = None
    partner_id: int | None = None
    budget_line_id: int | None = None
    overdue_only: bool = False


# What the payables list shows of each invoice's order: its unit, MSME and budget line. No more:
# with the memberships' subquery this is seven tables, within PostgreSQL's join_collapse_limit
# (8), so the planner reads the units' unpaid invoices by the (unit, status, received_at) index.
# Two more (the order and the event, which the list does not show) and the planner joins the
# subquery last: it read every unpaid invoice of the city and joined the other tables to each
# before keeping the unit's, and spent longer planning than running.
PAYABLES_RELATED = ("unit_order__unit", "unit_order__partner", "unit_order__budget_line__account")


def payables(*, treasurer, filters: PayablesFilter = PayablesFilter()) -> QuerySet[Invoice]:
    """Received-but-unpaid invoices of the Bendahara's units, oldest BAST first.

    Filtered on the invoice's own unit (not its order's), so only the units' unpaid invoices are
    read, by the index on (unit, status, received_at), however many the city has."""
    qs = Invoice.objects.filter(unit_id__in=_treasurer_unit_ids(treasurer), status__in=UNPAID)
    if filters.unit_id:
        qs = qs.filter(unit_id=filters.unit_id)
    if filters.partner_id:
        qs = qs.filter(unit_order__partner_id=filters.partner_id)
    if filters.budget_line_id:
        qs = qs.filter(unit_order__budget_line_id=filters.budget_line_id)
    if filters.overdue_only:
        qs = qs.filter(received_at__lt=timezone.now() - timezone.timedelta(days=payment_target_days()))
    return qs.select_related(*PAYABLES_RELATED).order_by("received_at", "pk")


def days_waiting(invoice: Invoice, *, today: date | None = None) -> int:
    today = today or timezone.localdate()
    return max((today - timezone.localtime(invoice.received_at).date()).days, 0)


def is_overdue(invoice: Invoice, *, today: date | None = None) -> bool:
    return invoice.status in UNPAID and days_waiting(invoice, today=today) > payment_target_days()


def payables_totals(qs: QuerySet[Invoice]) -> dict:
    """Totals of a payables list: overall, per MSME and per budget line (net to pay)."""
    overall = qs.aggregate(n=Count("pk"), net=Sum("net_idr"), total=Sum("total_idr"))
    by_vendor = list(
        qs.order_by()
        .values("unit_order__partner_id", "unit_order__partner__name")
        .annotate(n=Count("pk"), net=Sum("net_idr"))
        .order_by("-net")
    )
    by_line = list(
        qs.order_by()
        .values(
            "unit_order__budget_line_id",
            "unit_order__budget_line__sub_activity_name",
            "unit_order__budget_line__account__code",
        )
        .annotate(n=Count("pk"), net=Sum("net_idr"))
        .order_by("-net")
    )
    return {
        "count": overall["n"] or 0,
        "net_idr": overall["net"] or 0,
        "total_idr": overall["total"] or 0,
        "by_vendor": by_vendor,
        "by_line": by_line,
    }


def payables_groups(*, treasurer) -> list[dict]:
    """Every payable of the Bendahara's units in one grouped query: per unit, MSME, budget line
    and overdue or not, how many and their net and total. The payables page takes its filter
    choices and its totals from these rows (`payables_choices`, `payables_totals_of`) instead of
    five queries over the invoices."""
    cutoff = timezone.now() - timezone.timedelta(days=payment_target_days())
    return list(
        payables(treasurer=treasurer)
        .order_by()
        .annotate(
            overdue=Case(
                When(received_at__lt=cutoff, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .values(
            "overdue",
            "unit_id",
            "unit_order__partner_id",
            "unit_order__partner__name",
            "unit_order__budget_line_id",
            "unit_order__budget_line__sub_activity_name",
            "unit_order__budget_line__account__code",
        )
        .annotate(n=Count("pk"), net=Sum("net_idr"), total=Sum("total_idr"))
    )


def payables_choices(groups: list[dict]) -> tuple[list, list]:
    """The MSMEs (id, name) and budget lines (id, "code name") among the payables, sorted."""
    partners = {(g["unit_order__partner_id"], g["unit_order__partner__name"]) for g in groups}
    lines = {
        (
            g["unit_order__budget_line_id"],
            f"{g['unit_order__budget_line__account__code']} "
            f"{g['unit_order__budget_line__sub_activity_name']}",
        )
        for g in groups
    }
    return sorted(partners, key=lambda p: p[1] or ""), sorted(lines)


def payables_totals_of(groups: list[dict], filters: PayablesFilter = PayablesFilter()) -> dict:
    """`payables_totals` of the payables `filters` keeps, summed from `payables_groups`."""
    kept = [
        g
        for g in groups
        if (not filters.unit_id or g["unit_id"] == filters.unit_id)
        and (not filters.partner_id or g["unit_order__partner_id"] == filters.partner_id)
        and (not filters.budget_line_id or g["unit_order__budget_line_id"] == filters.budget_line_id)
        and (not filters.overdue_only or g["overdue"])
    ]

    def by(*keys):
        out: dict[tuple, dict] = {}
        for g in kept:
            row = out.setdefault(tuple(g[k] for k in keys), {**{k: g[k] for k in keys}, "n": 0, "net": 0})
            row["n"] += g["n"]
            row["net"] += g["net"] or 0
        return sorted(out.values(), key=lambda row: -row["net"])

    return {
        "count": sum(g["n"] for g in kept),
        "net_idr": sum(g["net"] or 0 for g in kept),
        "total_idr": sum(g["total"] or 0 for g in kept),
        "by_vendor": by("unit_order__partner_id", "unit_order__partner__name"),
        "by_line": by(
            "unit_order__budget_line_id",
            "unit_order__budget_line__sub_activity_name",
            "unit_order__budget_line__account__code",
        ),
    }


@dataclass(frozen=True)
class Timeliness:
    paid: int
    average_days: float | None
    median_days: float | None
    within_target_share: float | None  # 0..1
    overdue_unpaid: int


def unit_timeliness(*, unit: Unit, year: int | None = None) -> Timeliness:
    """How fast a unit pays after the BAST (paid invoices), and how many unpaid ones are overdue."""
    paid = Invoice.objects.filter(unit=unit, status=Invoice.Status.PAID)
    if year:
        paid = paid.filter(paid_at__year=year)
    days = list(paid.values_list("days_to_pay", flat=True))
    target = payment_target_days()
    overdue = Invoice.objects.filter(
        unit=unit,
        status__in=UNPAID,
        received_at__lt=timezone.now() - timezone.timedelta(days=target),
    ).count()
    if not days:
        return Timeliness(0, None, None, None, overdue)
    return Timeliness(
        paid=len(days),
        average_days=sum(days) / len(days),
        median_days=float(statistics.median(days)),
        within_target_share=sum(1 for d in days if d <= target) / len(days),
        overdue_unpaid=overdue,
    )


def units_timeliness(*, year: int | None = None) -> dict[int, Timeliness]:
    """Timeliness of every unit that has invoices (for the public rapor)."""
    unit_ids = Invoice.objects.order_by().values_list("unit_id", flat=True).distinct()
    return {unit.pk: unit_timeliness(unit=unit, year=year) for unit in Unit.objects.filter(pk__in=unit_ids)}


def vendor_payments(*, user) -> QuerySet[Invoice]:
    """The invoices of the MSMEs the user sells for, newest BAST first."""
    if not user.is_authenticated:
        return Invoice.objects.none()
    qs = Invoice.objects.filter(unit_order__partner__users=user)
    return _with_order(qs).order_by("-received_at", "-pk")


def payment_awaiting_confirmation(invoice: Invoice) -> Payment | None:
    return invoice.payments.filter(status=Payment.Status.AWAITING_CONFIRMATION).first()
