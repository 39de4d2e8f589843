"""A small city to order in: one unit with an officer and a PPK, one approved MSME with two
food products, this year's food budget line and the price ceilings (SSH).

Plain functions, not fixtures: each test module makes the fixture it needs
(`world = pytest.fixture(build_world)`-style), so transactional and ordinary tests share them.

Numbers chosen so failures are easy to read:
  snack box Rp 20.000 (kudapan ceiling Rp 22.000), minimum 10, a day's notice;
  boxed meal Rp 35.000 (makan ceiling Rp 40.000), minimum 10, two days' notice;
  budget line pagu Rp 5.000.000; the unit's approval threshold Rp 1.000.000.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from procurement.budgets.models import BudgetLine
from procurement.ordering import services
from procurement.ordering.models import Event, UnitOrder
from procurement.units.models import Membership, Unit
from tests.factories import BudgetLineFactory, UnitFactory, UserFactory, VendorFactory
from tests.factories.ordering import BasketFactory, FoodProductFactory, MembershipFactory, PriceCeilingFactory
from tests.factories.settlement import pack_tax_rules

FOOD_ACCOUNT = "5.1.02.01.01.0052"
SNACK_PRICE = 20_000
MEAL_PRICE = 35_000
SNACK_CEILING = 22_000
MEAL_CEILING = 40_000
PAGU = 5_000_000
THRESHOLD = 1_000_000


@dataclass
class World:
    unit: Unit
    officer: object
    ppk: object
    vendor: object  # vendors.Vendor
    vendor_user: object
    partner: object
    snack: object
    meal: object
    line: BudgetLine


def this_year() -> int:
    return timezone.localdate().year


def person_for(unit: Unit, *roles_: str, **user_fields):
    """A user acting for `unit` in each of `roles_` (Membership.Role values)."""
    user = UserFactory(**user_fields)
    for role in roles_:
        MembershipFactory(user=user, unit=unit, role=role)
    return user


def approved_vendor(**vendor_fields):
    """An approved MSME whose owner manages its Oscar partner (as vendor_approve leaves it)."""
    vendor = VendorFactory(approved=True, **vendor_fields)
    vendor.partner.users.add(vendor.owner)
    return vendor


def food_line(unit: Unit, **fields) -> BudgetLine:
    fields.setdefault("fiscal_year", this_year())
    fields.setdefault("pagu_idr", PAGU)
    return BudgetLineFactory(unit=unit, **fields)


def build_world(*, pagu: int = PAGU, capacity: int | None = None) -> World:
    pack_tax_rules()  # the BAST issues the invoice, taxed by these
    PriceCeilingFactory(kind="kudapan", max_price_idr=SNACK_CEILING)
    PriceCeilingFactory(kind="makan", max_price_idr=MEAL_CEILING)
    PriceCeilingFactory(kind="kudapan_tamu", max_price_idr=30_000)
    PriceCeilingFactory(kind="makan_tamu", max_price_idr=55_000)
    unit = UnitFactory(approval_threshold_idr=THRESHOLD)
    officer = person_for(unit, Membership.Role.BUYER, first_name="Rini", last_name="Astuti")
    ppk = person_for(unit, Membership.Role.PPK, first_name="Hadi", last_name="Sucipto")
    vendor = approved_vendor(business_name="Dapur Lumpia Bu Sri")
    partner = vendor.partner
    if capacity is not None:
        partner.daily_capacity = capacity
        partner.save(update_fields=["daily_capacity"])
    snack = FoodProductFactory(
        title="Snack Box Lumpia Semarang", partner=partner, price=SNACK_PRICE, lead_time_hours=24
    )
    meal = FoodProductFactory(
        title="Nasi Kotak Ayam Bakar",
        partner=partner,
        price=MEAL_PRICE,
        kind="nasi_kotak",
        ceiling_kind="makan",
        lead_time_hours=48,
    )
    return World(
        unit=unit,
        officer=officer,
        ppk=ppk,
        vendor=vendor,
        vendor_user=vendor.owner,
        partner=partner,
        snack=snack,
        meal=meal,
        line=food_line(unit, pagu_idr=pagu),
    )


def delivery(days: int = 3, hour: int = 9) -> datetime:
    """`days` from today at `hour`:00, city time."""
    day = timezone.localtime() + timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def event(starts_at: datetime | None = None, **fields) -> services.EventData:
    values = {
        "name": "Rapat Koordinasi Pelayanan Publik",
        "starts_at": starts_at or delivery(),
        "venue": "Ruang Rapat Lantai 3, Jl. Pemuda No. 148",
        "participants": 40,
        "contact_name": "Rini Astuti",
        "contact_phone": "081234567890",
    }
    return services.EventData(**{**values, **fields})


def basket_for(owner, *items):
    """An open basket of `owner` holding (product, quantity) items."""
    return BasketFactory(owner=owner, lines=list(items))


def place(w: World, *items, officer=None, line=None, starts_at=None, **event_fields) -> UnitOrder:
    """Place an order through the service (10 snack boxes = Rp 200.000 by default)."""
    officer = officer or w.officer
    basket = basket_for(officer, *(items or [(w.snack, 10)]))
    return services.order_place(
        officer=officer,
        basket=basket,
        event=event(starts_at, **event_fields),
        budget_line=line or w.line,
    )


def place_big(w: World, **kwargs) -> UnitOrder:
    """An order above the unit's approval threshold: 60 snack boxes = Rp 1.200.000."""
    return place(w, (w.snack, 60), **kwargs)


# How to bring an order into each status, as (action, who) moves after placing.
PATHS = {
    "pending_approval": [],
    "awaiting_vendor": [],
    "confirmed": [("confirm", "vendor")],
    "delivered": [("confirm", "vendor"), ("deliver", "vendor")],
    "received": [("confirm", "vendor"), ("deliver", "vendor"), ("receive", "officer")],
    "declined": [("decline", "vendor")],
    "cancelled": [("cancel", "officer")],
    "expired": [("expire", None)],
}


def order_in(w: World, status: str) -> UnitOrder:
    """A fresh order of the world's unit in `status`, reached through the real moves."""
    uo = place_big(w) if status == "pending_approval" else place(w)
    actors = {"vendor": w.vendor_user, "officer": w.officer, None: None}
    for action, who in PATHS[status]:
        if action == "receive":
            services.order_receive(unit_order=uo, officer=w.officer, quantities={})
        else:
            # Delivered on the delivery day (days ahead): the move is judged as at that moment.
            now = uo.delivery_at if action == "deliver" else None
            services.order_move(unit_order=uo, action=action, actor=actors[who], reason="Alasan uji", now=now)
    uo.refresh_from_db()
    assert uo.status == status
    return uo


def delivery_day_come(uo: UnitOrder, *, hours_ago: int = 1) -> UnitOrder:
    """The order's delivery time moved to `hours_ago` hours ago (its event too): the day has come,
    for pages and browsers that cannot pass `now` to the services."""
    when = timezone.now() - timedelta(hours=hours_ago)
    UnitOrder.objects.filter(pk=uo.pk).update(delivery_at=when)
    Event.objects.filter(pk=uo.event_id).update(starts_at=when)
    uo.refresh_from_db()
    return uo


def vendor_person():
    """Another MSME's owner (for 'another vendor' checks)."""
    return approved_vendor(business_name="Katering Lain Jaya").owner


__all__ = [
    "FOOD_ACCOUNT",
    "MEAL_CEILING",
    "MEAL_PRICE",
    "PAGU",
    "SNACK_CEILING",
    "SNACK_PRICE",
    "THRESHOLD",
    "World",
    "approved_vendor",
    "basket_for",
    "build_world",
    "delivery",
    "delivery_day_come",
    "event",
    "food_line",
    "order_in",
    "person_for",
    "place",
    "place_big",
    "this_year",
    "vendor_person",
]
