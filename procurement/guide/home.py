"""The home page of a signed-in person: what waits for them, one section per role they hold.

Reads only. Each figure is one query, built on the selectors of the package that owns the data
(ordering, settlement, budgets, units, vendors, census, catalogue), so a rule such as "an order
past its deadline shows as expired" is never written twice. The role home sits here, at the top
of the dependency graph, because it reads from every package below.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.accounts import roles
from marketplace.catalogue.models import FOOD_KINDS, ProductKind
from marketplace.catalogue.selectors import partner_products, product_listing
from procurement.budgets.models import BudgetLine
from procurement.budgets.selectors import food_lines_for
from procurement.ordering.lifecycle import OrderStatus
from procurement.ordering.selectors import unit_orders_for, vendor_orders_for, with_shown_status
from procurement.settlement.models import Invoice
from procurement.settlement.selectors import PayablesFilter, payables, vendor_payments
from procurement.units.models import Membership, Unit
from procurement.units.selectors import units_for
from vendors.census.selectors import CensusFilter, census_export_count, census_snapshots
from vendors.models import Vendor
from vendors.selectors import (
    is_city_staff,
    next_step_text,
    registration_missing,
    vendor_of,
    verification_queue,
)

Basket = get_model("basket", "Basket")
S = OrderStatus
# How many rows a card lists (the oldest registrations, the budget lines) before "see all".
CARD_ROWS = 5
PRODUCT_STRIP = 12


def _url(name: str, **params) -> str:
    """A page's address with its filter parameters (empty ones left out)."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


# --- Pelaku UMKM ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnerSection:
    """An MSME owner: the registration until it is approved, then the day's work."""

    vendor: Vendor | None  # None: no registration started yet
    next_text: str
    missing: int = 0  # fields and documents still missing (a draft)
    registering: bool = True  # the registration can be continued (draft, changes requested, none)
    selling: bool = False  # the MSME has a shop (approved, or suspended with its past orders)
    to_confirm: int = 0
    to_confirm_today: int = 0
    to_deliver: int = 0
    deliveries_today: int = 0
    paused: int = 0
    payments_to_confirm: int = 0
    slug: str = "owner"

    @property
    def waiting(self) -> int:
        if not self.selling:
            return 1  # the registration itself waits for the owner or the verifier
        return self.to_confirm + self.to_deliver + self.payments_to_confirm

    @property
    def today_url(self) -> str:
        return _url("ordering:vendor-orders", day=timezone.localdate().isoformat())


def owner_section(user) -> OwnerSection:
    vendor = vendor_of(user)
    if vendor is None:
        return OwnerSection(vendor=None, next_text="")
    editable = vendor.status in (Vendor.Status.DRAFT, Vendor.Status.CHANGES_REQUESTED)
    missing = len(registration_missing(vendor)) if vendor.status == Vendor.Status.DRAFT else 0
    if vendor.partner is None:
        return OwnerSection(
            vendor=vendor, next_text=next_step_text(vendor), missing=missing, registering=editable
        )
    today = timezone.localdate()
    orders = with_shown_status(vendor_orders_for(user)).order_by()
    waiting_answer, waiting_delivery = Q(shown_status=S.AWAITING_VENDOR), Q(shown_status=S.CONFIRMED)
    counts = orders.aggregate(
        to_confirm=Count("pk", filter=waiting_answer),
        to_confirm_today=Count("pk", filter=waiting_answer & Q(vendor_deadline__date__lte=today)),
        to_deliver=Count("pk", filter=waiting_delivery),
        deliveries_today=Count("pk", filter=waiting_delivery & Q(delivery_at__date__lte=today)),
    )
    paused = partner_products(partner=vendor.partner).filter(is_public=False).order_by().count()
    to_confirm_payments = (
        vendor_payments(user=user).filter(status=Invoice.Status.AWAITING_CONFIRMATION).order_by().count()
    )
    return OwnerSection(
        vendor=vendor,
        next_text="" if vendor.is_selling else next_step_text(vendor),
        registering=False,
        selling=True,
        paused=paused,
        payments_to_confirm=to_confirm_payments,
        **counts,
    )


# --- Pemesan OPD ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuyerSection:
    """An officer: the unit's open orders, what to sign for (BAST), the food budget, the basket."""

    open_orders: int
    to_receive: int
    lines: list  # this year's food budget lines (BudgetLine), at most CARD_ROWS
    lines_count: int
    available_idr: int  # over every food line of the year
    basket_lines: int  # lines in the person's open or saved baskets (orders not placed yet)
    baskets: int
    slug: str = "pemesan"

    @property
    def waiting(self) -> int:
        return self.to_receive + self.baskets

    @property
    def receive_url(self) -> str:
        return _url("ordering:order-list", status=S.DELIVERED)


def buyer_section(user) -> BuyerSection:
    orders = with_shown_status(unit_orders_for(user)).filter(
        unit__in=units_for(user=user, role=Membership.Role.BUYER)
    )
    counts = orders.order_by().aggregate(
        open_orders=Count(
            "pk", filter=Q(shown_status__in=(S.PENDING_APPROVAL, S.AWAITING_VENDOR, S.CONFIRMED))
        ),
        to_receive=Count("pk", filter=Q(shown_status=S.DELIVERED)),
    )
    lines = list(food_lines_for(user=user))
    baskets = (
        Basket.objects.filter(owner=user, status__in=(Basket.OPEN, Basket.SAVED))
        .annotate(n=Count("lines"))
        .filter(n__gt=0)
        .aggregate(baskets=Count("pk"), lines=Sum("n"))
    )
    return BuyerSection(
        lines=lines[:CARD_ROWS],
        lines_count=len(lines),
        available_idr=sum(line.available_idr for line in lines),
        basket_lines=baskets["lines"] or 0,
        baskets=baskets["baskets"] or 0,
        **counts,
    )


# --- PPK -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PPKSection:
    """A PPK: the orders waiting for approval, per budget line with what is left on the line."""

    lines: list  # BudgetLine with `waiting` (orders) and `waiting_idr` (their total)
    slug: str = "ppk"

    @property
    def waiting(self) -> int:
        return sum(line.waiting for line in self.lines)

    @property
    def waiting_idr(self) -> int:
        return sum(line.waiting_idr for line in self.lines)

    @property
    def list_url(self) -> str:
        return _url("ordering:order-list", status=S.PENDING_APPROVAL)


def ppk_section(user) -> PPKSection:
    pending = with_shown_status(unit_orders_for(user)).filter(
        unit__in=units_for(user=user, role=Membership.Role.PPK), shown_status=S.PENDING_APPROVAL
    )
    lines = (
        BudgetLine.objects.filter(orders__in=pending.values("pk"))
        .annotate(waiting=Count("orders"), waiting_idr=Sum("orders__total_idr"))
        .select_related("unit", "account")
        .order_by("unit__name", "sub_activity_code", "account__code")
    )
    lines = list(lines)
    for line in lines:
        line.approve_url = _url("ordering:order-list", status=S.PENDING_APPROVAL, budget_line=line.pk)
    return PPKSection(lines=lines)


# --- Bendahara -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TreasurerSection:
    to_pay: int
    to_pay_idr: int  # net to the MSMEs
    overdue: int
    slug: str = "bendahara"

    @property
    def waiting(self) -> int:
        return self.to_pay

    @property
    def overdue_url(self) -> str:
        return _url("settlement:payables", overdue=1)


def treasurer_section(user) -> TreasurerSection:
    totals = payables(treasurer=user).order_by().aggregate(n=Count("pk"), net=Sum("net_idr"))
    overdue = payables(treasurer=user, filters=PayablesFilter(overdue_only=True)).order_by().count()
    return TreasurerSection(to_pay=totals["n"] or 0, to_pay_idr=totals["net"] or 0, overdue=overdue)


# --- Verifikator ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifierSection:
    """The registrations waiting for a decision, by how long they have waited, oldest first."""

    under_a_day: int
    one_to_three_days: int
    over_three_days: int
    oldest: list  # Vendor, oldest submission first, at most CARD_ROWS
    slug: str = "verifikator"

    @property
    def waiting(self) -> int:
        return self.under_a_day + self.one_to_three_days + self.over_three_days

    @property
    def old_url(self) -> str:
        return _url("vendors:verification-queue", min_days=3)


def verifier_section(user) -> VerifierSection:
    now = timezone.now()
    day, three_days = now - timedelta(days=1), now - timedelta(days=3)
    queue = verification_queue()
    counts = queue.order_by().aggregate(
        under_a_day=Count("pk", filter=Q(submitted_at__gt=day)),
        one_to_three_days=Count("pk", filter=Q(submitted_at__lte=day, submitted_at__gt=three_days)),
        over_three_days=Count("pk", filter=Q(submitted_at__lte=three_days) | Q(submitted_at__isnull=True)),
    )
    oldest = list(queue[:CARD_ROWS])
    for vendor in oldest:
        vendor.days_waiting = (now - vendor.submitted_at).days if vendor.submitted_at else None
    return VerifierSection(oldest=oldest, **counts)


# --- Analis --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnalystSection:
    msmes: int  # MSMEs in the census register today
    latest_snapshot: object  # CensusSnapshot | None
    slug: str = "analis"
    waiting: int = 0  # nothing queues for an analyst: the card shows figures and pages


def analyst_section(user) -> AnalystSection:
    return AnalystSection(
        msmes=census_export_count(CensusFilter()), latest_snapshot=census_snapshots().first()
    )


# --- Admin ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminSection:
    units: int  # active units
    units_without_ppk: int  # active units where no one is PPK: their large orders cannot be approved
    lines_this_year: int
    users: int  # active accounts
    slug: str = "admin"

    @property
    def waiting(self) -> int:
        return self.units_without_ppk


def admin_section(user) -> AdminSection:
    ppk = Membership.objects.filter(unit=OuterRef("pk"), role=Membership.Role.PPK, is_active=True)
    units = (
        Unit.objects.filter(is_active=True)
        .order_by()
        .aggregate(units=Count("pk"), without_ppk=Count("pk", filter=~Q(Exists(ppk))))
    )
    return AdminSection(
        units=units["units"],
        units_without_ppk=units["without_ppk"],
        lines_this_year=BudgetLine.objects.filter(fiscal_year=timezone.localdate().year).count(),
        users=get_user_model().objects.filter(is_active=True).count(),
    )


# --- The whole page ------------------------------------------------------------------------------

# Each role's section, in the order the page shows them (the role group that gives it).
SECTIONS = (
    (roles.BUYER, buyer_section),
    (roles.PPK, ppk_section),
    (roles.TREASURER, treasurer_section),
    (roles.VERIFIER, verifier_section),
    (roles.ANALYST, analyst_section),
    (roles.ADMIN, admin_section),
)
# Officers order the city's meeting food: their home shows it, as the public home does.
ORDERING_ROLES = frozenset({roles.BUYER, roles.PPK})


@dataclass(frozen=True)
class Home:
    sections: list = field(default_factory=list)
    shows_food: bool = False

    @property
    def waiting(self) -> int:
        return sum(section.waiting for section in self.sections)


def home_for(user) -> Home:
    """The signed-in person's home: the MSME owner's section first (for an owner, and for anyone
    who holds no city role yet: a new sign-up is an owner to be), then one per role held."""
    held = user.role_names()
    sections = []
    if roles.VENDOR in held or not is_city_staff(user):
        sections.append(owner_section(user))
    is_admin = roles.ADMIN in held or user.is_superuser
    for role, build in SECTIONS:
        if role in held or (role == roles.ADMIN and is_admin):
            sections.append(build(user))
    return Home(sections=sections, shows_food=bool(held & ORDERING_ROLES) or not sections)


# --- Meeting food first --------------------------------------------------------------------------


@dataclass(frozen=True)
class KindLink:
    value: str
    label: str
    url: str


def product_kinds() -> tuple[list[KindLink], list[KindLink]]:
    """The catalogue's kinds as links to its filter: the kinds of food, then the others (crafts)."""
    links = [
        KindLink(value, label, _url("catalogue:index", kind=value)) for value, label in ProductKind.choices
    ]
    return [k for k in links if k.value in FOOD_KINDS], [k for k in links if k.value not in FOOD_KINDS]


def products_food_first(limit: int = PRODUCT_STRIP) -> list:
    """The newest listed products, the kinds of food before the crafts. Two plain newest-first
    reads (each walks the newest-products index and stops at `limit`), the second only when
    there is not enough food to fill the strip."""
    food = list(product_listing().filter(kind__in=FOOD_KINDS)[:limit])
    if len(food) < limit:
        food += list(product_listing().exclude(kind__in=FOOD_KINDS)[: limit - len(food)])
    return food
