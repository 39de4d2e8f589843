"""The rules an order must pass before money is committed. Each failure names the
problem and the numbers; `order_problems` returns all of them at once."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from oscar.core.loading import get_class

from marketplace.basket.selectors import basket_partner
from marketplace.common.money import format_rupiah
from marketplace.partner.services import partner_is_open
from procurement.budgets.services import BudgetExceeded
from procurement.ceilings.selectors import ceiling_for, ceilings_by_kind
from procurement.ordering.lifecycle import NOT_SALES_STATUSES
from procurement.ordering.models import OPEN_STATUSES, UnitOrder
from procurement.units.models import Membership

OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Repository = get_class("shipping.repository", "Repository")

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


def ceiling_problem(*, product, price_idr: int, kind: str, year: int, ceilings=None) -> Problem | None:
    """The unit price is above the fiscal year's price ceiling (SSH) of `kind`.

    `ceilings` (kind → PriceCeiling of that year) spares a query per line."""
    if not kind:
        return None
    ceiling = ceilings.get(kind) if ceilings is not None else ceiling_for(kind=kind, year=year)
    if ceiling is None or price_idr <= ceiling.max_price_idr:
        return None
    return Problem(
        "above_ceiling",
        _(
            "%(product)s costs %(price)s per unit, above the %(year)s price ceiling (SSH) "
            "for %(kind)s of %(ceiling)s."
        )
        % {
            "product": product.title,
            "price": format_rupiah(price_idr),
            "year": year,
            "kind": kind,
            "ceiling": format_rupiah(ceiling.max_price_idr),
        },
    )


def minimum_problem(*, product, quantity: int) -> Problem | None:
    if quantity >= product.min_order_qty:
        return None
    return Problem(
        "below_minimum",
        _("%(product)s: you ordered %(qty)s, the minimum order is %(min)s.")
        % {"product": product.title, "qty": quantity, "min": product.min_order_qty},
    )


def earliest_delivery(*, product, now: datetime) -> datetime:
    return now + timedelta(hours=product.lead_time_hours)


def lead_time_problem(*, product, delivery_at: datetime, now: datetime) -> Problem | None:
    earliest = earliest_delivery(product=product, now=now)
    if delivery_at >= earliest:
        return None
    return Problem(
        "lead_time",
        _("%(product)s needs %(hours)s hours of notice: the earliest delivery is %(earliest)s.")
        % {
            "product": product.title,
            "hours": product.lead_time_hours,
            "earliest": date_format(timezone.localtime(earliest), "j F Y H:i"),
        },
    )


def line_problems(*, basket, budget_line, delivery_at: datetime) -> list[Problem]:
    now = timezone.now()
    problems = []
    for line in basket.all_lines():
        problems += _problems_of_line(
            line,
            kind=ceiling_kind_for(line.product, budget_line),
            year=budget_line.fiscal_year,
            delivery_at=delivery_at,
            now=now,
        )
    return problems


def _problems_of_line(line, *, kind: str, year: int, delivery_at: datetime, now: datetime, ceilings=None):
    product, price = line.product, int(line.unit_price_excl_tax or 0)
    found = (
        ceiling_problem(product=product, price_idr=price, kind=kind, year=year, ceilings=ceilings),
        minimum_problem(product=product, quantity=line.quantity),
        lead_time_problem(product=product, delivery_at=delivery_at, now=now),
    )
    return [p for p in found if p]


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


def month_of(moment: datetime) -> tuple[datetime, datetime]:
    """The calendar month (city time) holding `moment`: its first instant and the next month's."""
    local = timezone.localtime(moment)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following


def rotation_count(*, unit, partner, now: datetime) -> int:
    """Orders `unit` placed with `partner` in `now`'s month that still count (not declined,
    cancelled or expired)."""
    start, end = month_of(now)
    return (
        UnitOrder.objects.filter(unit=unit, partner=partner, created_at__gte=start, created_at__lt=end)
        .exclude(status__in=NOT_SALES_STATUSES)
        .count()
    )


def rotation_allows(*, placed: int, limit: int) -> bool:
    """Pemerataan's rotation: one more order is allowed while fewer than `limit` were placed this
    month (`limit` 0: no rotation). The fairness simulation calls this too."""
    return not limit or placed < limit


def rotation_problems(*, unit, partner, now: datetime | None = None) -> list[Problem]:
    """A unit orders from one MSME at most `ORDER_ROTATION_MONTHLY_LIMIT` times a calendar month,
    so the city's spending spreads over its MSMEs (Pemerataan)."""
    limit = settings.ORDER_ROTATION_MONTHLY_LIMIT
    if not limit:
        return []
    now = now or timezone.now()
    placed = rotation_count(unit=unit, partner=partner, now=now)
    if rotation_allows(placed=placed, limit=limit):
        return []
    _start, following = month_of(now)
    return [
        Problem(
            "rotation",
            _(
                "%(unit)s has already placed %(placed)s orders with %(vendor)s in %(month)s. To spread "
                "the city's spending over its MSMEs (Pemerataan), a unit orders from one MSME at most "
                "%(limit)s times a month: choose another MSME, or order from %(vendor)s again from "
                "%(next)s."
            )
            % {
                "unit": unit.short_name or unit.name,
                "placed": placed,
                "vendor": partner.name,
                "month": date_format(timezone.localtime(now), "F Y"),
                "limit": limit,
                "next": date_format(following, "j F Y"),
            },
        )
    ]


def order_limit_problems(*, total_idr: int) -> list[Problem]:
    limit = settings.ORDER_MAX_TOTAL_IDR
    if total_idr <= limit:
        return []
    return [
        Problem(
            "order_limit",
            _("The total %(total)s is above the limit per order of %(limit)s.")
            % {"total": format_rupiah(total_idr), "limit": format_rupiah(limit)},
        )
    ]


def approval_needed(*, total_idr: int, unit) -> bool:
    """An order above the unit's approval threshold waits for the unit's PPK."""
    return total_idr > unit.approval_threshold_idr


def unit_has_ppk(unit) -> bool:
    return Membership.objects.filter(
        unit=unit, role=Membership.Role.PPK, is_active=True, user__is_active=True
    ).exists()


def _approval_numbers(*, total_idr: int, unit) -> dict:
    return {
        "total": format_rupiah(total_idr),
        "threshold": format_rupiah(unit.approval_threshold_idr),
        "unit": unit.short_name or unit.name,
    }


def approval_problems(*, total_idr: int, unit) -> list[Problem]:
    """An order that needs a PPK's approval in a unit with no PPK is refused at once (nobody
    could approve it: it would only wait until it expires)."""
    if not approval_needed(total_idr=total_idr, unit=unit) or unit_has_ppk(unit):
        return []
    return [
        Problem(
            "no_ppk",
            _(
                "The total %(total)s is above the approval threshold of %(unit)s (%(threshold)s), and "
                "%(unit)s has no PPK to approve it: ask the Admin (Diskominfo) to appoint the unit's PPK, "
                "or order at most %(threshold)s."
            )
            % _approval_numbers(total_idr=total_idr, unit=unit),
        )
    ]


def approval_notice(*, total_idr: int, unit) -> Problem | None:
    """Not a refusal: the order will wait for the unit's PPK."""
    if not approval_needed(total_idr=total_idr, unit=unit):
        return None
    return Problem(
        "needs_approval",
        _(
            "The total %(total)s is above the approval threshold of %(unit)s (%(threshold)s): "
            "this order will wait for the PPK's approval."
        )
        % _approval_numbers(total_idr=total_idr, unit=unit),
    )


def total_problems(*, total_idr: int, budget_line) -> list[Problem]:
    problems = order_limit_problems(total_idr=total_idr)
    if budget_line.available_idr < total_idr:
        problems.append(
            Problem(
                "budget",
                BudgetExceeded(
                    line=budget_line, available_idr=budget_line.available_idr, requested_idr=total_idr
                ).message,
            )
        )
    return problems + approval_problems(total_idr=total_idr, unit=budget_line.unit)


def order_total_idr(basket) -> int:
    """What the order of this basket would cost in whole rupiah (delivery is in the price)."""
    shipping_method = Repository().get_default_shipping_method(basket=basket)
    total = OrderTotalCalculator().calculate(basket, shipping_method.calculate(basket))
    return int(total.incl_tax)


def food_portions(basket) -> int:
    """Portions that count against a kitchen's daily capacity (food only)."""
    return sum(line.quantity for line in basket.all_lines() if line.product.is_food)


@dataclass(frozen=True)
class BasketCheck:
    """What checkout would refuse, known on the basket page (checkout's own words and numbers)."""

    delivery_at: datetime  # the delivery chosen on the basket page, or the earliest possible one
    chosen: bool
    lines: dict  # basket line id → [Problem]
    order: list[Problem]  # problems of the whole order: the MSME that day, the order limit, no PPK
    notices: list[Problem]  # not refusals: the order will wait for the PPK

    @property
    def problems(self) -> list[Problem]:
        return [p for found in self.lines.values() for p in found] + self.order


def _next_full_hour(moment: datetime) -> datetime:
    local = timezone.localtime(moment)
    if local.minute or local.second or local.microsecond:
        local = local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return local


def basket_check(*, basket, units, delivery_at: datetime | None = None, now: datetime | None = None):
    """Check a basket before checkout with the rules checkout applies. The budget line is not
    chosen yet: the ceilings are those of meetings (a guests' account allows more) in the
    delivery's year, and the threshold that of each unit the officer orders for. Without a chosen
    delivery the earliest one the lead times allow is judged."""
    now = now or timezone.now()
    lines = list(basket.all_lines()) if basket.id else []
    chosen = delivery_at is not None
    if not chosen:
        latest = max((earliest_delivery(product=line.product, now=now) for line in lines), default=now)
        delivery_at = _next_full_hour(latest)
    year = timezone.localtime(delivery_at).year
    ceilings = ceilings_by_kind(year=year)
    found = {}
    for line in lines:
        kind = line.product.ceiling_kind  # an ordinary meeting's: the account is not chosen yet
        found[line.id] = _problems_of_line(
            line, kind=kind, year=year, delivery_at=delivery_at, now=now, ceilings=ceilings
        )
    order, notices = [], []
    if lines:
        total_idr = order_total_idr(basket)
        order += order_limit_problems(total_idr=total_idr)
        partner = basket_partner(basket)
        if partner is not None:
            order += vendor_problems(partner=partner, delivery_at=delivery_at, portions=food_portions(basket))
        for unit in units:
            if partner is not None:
                order += rotation_problems(unit=unit, partner=partner, now=now)
            refused = approval_problems(total_idr=total_idr, unit=unit)
            order += refused
            notice = None if refused else approval_notice(total_idr=total_idr, unit=unit)
            notices += [notice] if notice else []
    return BasketCheck(
        delivery_at=delivery_at,
        chosen=chosen,
        lines={k: v for k, v in found.items() if v},
        order=order,
        notices=notices,
    )
