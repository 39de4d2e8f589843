"""The rules an order must pass before money is committed. Each failure names the
problem and the numbers; `order_problems` returns all of them at once."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from marketplace.common.money import format_rupiah
from marketplace.partner.services import partner_is_open
from procurement.budgets.services import BudgetExceeded
from procurement.ceilings.selectors import ceiling_for
from procurement.ordering.models import OPEN_STATUSES, UnitOrder

# Accounts for guests (Jamuan Tamu) use the guests' ceilings: makan → makan_tamu.
GUEST_ACCOUNTS = {"5.1.02.01.01.0053"}


@dataclass(frozen=True)
class Problem:
    code: str
    message: str


def ceiling_kind_for(product, budget_line) -> str:
    if not product.ceiling_kind:
        return ""
    if budget_line.account.code in GUEST_ACCOUNTS:
        return f"{product.ceiling_kind}_tamu"
    return product.ceiling_kind


def delivery_problems(*, budget_line, delivery_at: datetime) -> list[Problem]:
    """The delivery falls in the fiscal year of the budget line that pays it (city time):
    a 2026 line pays for 2026 meetings only, and no date far off (9999-12-31) gets through."""
    day = timezone.localtime(delivery_at).date()
    if day.year == budget_line.fiscal_year:
        return []
    return [
        Problem(
            "outside_fiscal_year",
            _(
                "The delivery on %(day)s is outside fiscal year %(year)s of budget line %(line)s: "
                "choose a delivery date in %(year)s."
            )
            % {
                "day": date_format(day, "j F Y"),
                "year": budget_line.fiscal_year,
                "line": budget_line.account.code,
            },
        )
    ]


def line_problems(*, basket, budget_line, delivery_at: datetime) -> list[Problem]:
    problems = []
    now = timezone.now()
    for line in basket.all_lines():
        product, price = line.product, int(line.unit_price_excl_tax or 0)
        kind = ceiling_kind_for(product, budget_line)
        ceiling = ceiling_for(kind=kind, year=budget_line.fiscal_year) if kind else None
        if ceiling and price > ceiling.max_price_idr:
            problems.append(
                Problem(
                    "above_ceiling",
                    _(
                        "%(product)s costs %(price)s per unit, above the %(year)s price ceiling (SSH) "
                        "for %(kind)s of %(ceiling)s."
                    )
                    % {
                        "product": product.title,
                        "price": format_rupiah(price),
                        "year": budget_line.fiscal_year,
                        "kind": kind,
                        "ceiling": format_rupiah(ceiling.max_price_idr),
                    },
                )
            )
        if line.quantity < product.min_order_qty:
            problems.append(
                Problem(
                    "below_minimum",
                    _("%(product)s: you ordered %(qty)s, the minimum order is %(min)s.")
                    % {"product": product.title, "qty": line.quantity, "min": product.min_order_qty},
                )
            )
        earliest = now + timedelta(hours=product.lead_time_hours)
        if delivery_at < earliest:
            problems.append(
                Problem(
                    "lead_time",
                    _("%(product)s needs %(hours)s hours of notice: the earliest delivery is %(earliest)s.")
                    % {
                        "product": product.title,
                        "hours": product.lead_time_hours,
                        "earliest": date_format(timezone.localtime(earliest), "j F Y H:i"),
                    },
                )
            )
    return problems


def vendor_problems(*, partner, delivery_at: datetime, portions: int, exclude_order=None) -> list[Problem]:
    problems = []
    day = timezone.localtime(delivery_at).date()
    if not partner_is_open(partner=partner, day=day):
        problems.append(
            Problem(
                "closed_day",
                _("%(vendor)s is closed on %(day)s.")
                % {"vendor": partner.name, "day": date_format(day, "l, j F Y")},
            )
        )
    if partner.daily_capacity and portions:
        booked = (
            UnitOrder.objects.filter(partner=partner, status__in=OPEN_STATUSES, delivery_at__date=day)
            .exclude(pk=getattr(exclude_order, "pk", None))
            .aggregate(s=Sum("portions"))["s"]
            or 0
        )
        if booked + portions > partner.daily_capacity:
            problems.append(
                Problem(
                    "capacity",
                    _(
                        "%(vendor)s can make %(cap)s portions on %(day)s; %(booked)s are already ordered, "
                        "so at most %(left)s more."
                    )
                    % {
                        "vendor": partner.name,
                        "cap": partner.daily_capacity,
                        "day": date_format(day, "j F Y"),
                        "booked": booked,
                        "left": max(partner.daily_capacity - booked, 0),
                    },
                )
            )
    return problems


def total_problems(*, total_idr: int, budget_line) -> list[Problem]:
    problems = []
    limit = settings.ORDER_MAX_TOTAL_IDR
    if total_idr > limit:
        problems.append(
            Problem(
                "order_limit",
                _("The total %(total)s is above the limit per order of %(limit)s.")
                % {"total": format_rupiah(total_idr), "limit": format_rupiah(limit)},
            )
        )
    if budget_line.available_idr < total_idr:
        problems.append(
            Problem(
                "budget",
                BudgetExceeded(
                    line=budget_line, available_idr=budget_line.available_idr, requested_idr=total_idr
                ).message,
            )
        )
    return problems


def food_portions(basket) -> int:
    """Portions that count against a kitchen's daily capacity (food only)."""
    return sum(line.quantity for line in basket.all_lines() if line.product.is_food)
