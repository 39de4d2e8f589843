"""Demo orders: the Setda's catering history in every status over the past months, and its invoices.

Each planned order is placed by the demo Pemesan through checkout's service
(`procurement.ordering.services.order_place`: checks, budget commitment, the first move), moved
by the people the order's life names (`order_move` by the MSME's owner or the officer,
`order_expire_if_due` as the cron does, `order_receive` for the BAST, which issues the invoice),
then dated in the past (`procurement.demo.backdate.order_history`) and settled as planned
(`procurement.demo.settlement`: paid by transfer or by card, a transfer waiting for the MSME or
disputed, or unpaid). Statuses are `procurement.ordering.lifecycle.OrderStatus`.

Orders of the past are placed today for a day a few days ahead, like any order, then moved back
by whole weeks (so the MSME's closed weekdays still hold) to land near their planned day.

Idempotent: an order is found by its event's name among the demo officer's orders; each is
made in one transaction, so an interrupted run is completed by the next.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from marketplace.catalogue.models import ProductKind
from marketplace.partner.services import partner_is_open
from procurement.budgets.models import BudgetLine
from procurement.demo import backdate
from procurement.demo.accounts import demo_owner_email
from procurement.demo.data import DEMO_VENDORS
from procurement.demo.settlement import CardPayer, Settle, invoice_settle
from procurement.ordering import services
from procurement.ordering.lifecycle import OrderStatus
from procurement.ordering.models import UnitOrder
from vendors.models import Vendor

Basket = get_model("basket", "Basket")
Product = get_model("catalogue", "Product")
Selector = get_class("partner.strategy", "Selector")
S = OrderStatus


@dataclass(frozen=True)
class PlannedOrder:
    """One demo order: the event it caters, where its moves take it and how its invoice stands."""

    event: str  # the event's name, unique in the plan: how a second run finds the order
    status: OrderStatus  # PAID: received, then paid as `settle` says
    days: int  # the event's day from today: negative in the past, positive ahead
    settle: Settle = Settle.NONE
    vendor_no: int | None = None  # ordered from this demo MSME (its tax facts) when it sells
    short: int = 0  # portions missing at the BAST: what was not received is released


PLAN: tuple[PlannedOrder, ...] = (
    # Paid, months ago: a history of payments within the 14-day target, each tax rule once.
    PlannedOrder("Rapat Koordinasi Bulanan", S.PAID, -150, Settle.TRANSFER, vendor_no=3),
    PlannedOrder("Musrenbang Kecamatan", S.PAID, -120, Settle.TRANSFER, vendor_no=1, short=2),  # PP 55
    PlannedOrder("Rapat Evaluasi Program", S.PAID, -90, Settle.TRANSFER, vendor_no=2),  # PBJT
    PlannedOrder("Sosialisasi Perda", S.PAID, -60, Settle.TRANSFER, vendor_no=5),  # no NPWP
    PlannedOrder("Bimbingan Teknis UMKM", S.PAID, -40, Settle.TRANSFER),
    PlannedOrder("Rapat Pimpinan", S.PAID, -4, Settle.CARD, vendor_no=3),  # the card path
    # Received, to pay: the Bendahara finds these at /bayar/.
    PlannedOrder("Focus Group Discussion", S.RECEIVED, -21, vendor_no=2),  # overdue (BAST > 14 days)
    PlannedOrder("Pelatihan Aparatur", S.RECEIVED, -3, vendor_no=1),
    PlannedOrder("Rapat Anggaran", S.RECEIVED, -6, Settle.AWAITING, vendor_no=1),  # umkm01 confirms
    PlannedOrder("Kunjungan Kerja DPRD", S.RECEIVED, -9, Settle.DISPUTED, vendor_no=4),
    # Orders that never became sales.
    PlannedOrder("Rapat Persiapan HUT Kota", S.DECLINED, -80),
    PlannedOrder("Forum OPD", S.CANCELLED, -50),
    PlannedOrder("Rapat Kerja Kecamatan", S.EXPIRED, -25),
    # Open: on their way.
    PlannedOrder("Rapat Koordinasi Camat", S.DELIVERED, -1, vendor_no=1),
    PlannedOrder("Sosialisasi Program Kesehatan", S.CONFIRMED, 4),
    PlannedOrder("Rapat Teknis Bappeda", S.AWAITING_VENDOR, 5, vendor_no=1),
    PlannedOrder("Pembinaan Kader PKK", S.AWAITING_VENDOR, 6),
    # Above the unit's approval threshold: waits for its PPK.
    PlannedOrder("Rapat Paripurna Bersama", S.PENDING_APPROVAL, 7),
)
# The kinds a meeting orders from, ready within two days.
MEETING_KINDS = (ProductKind.SNACK_BOX, ProductKind.BOXED_MEAL)
ATTEMPTS = 6  # products tried per planned order (closed, full…) before giving it up


class _NotAsPlanned(Exception):
    """The order did not land in the planned status (rolled back; another product is tried)."""


def _place(*, officer, line, product, quantity: int, name: str, days_ahead: int) -> UnitOrder:
    basket = Basket.objects.create(owner=officer)
    basket.strategy = Selector().strategy()
    basket.add_product(product, quantity)
    starts = timezone.localtime() + timedelta(days=days_ahead)
    event = services.EventData(
        name=name,
        starts_at=starts.replace(hour=10, minute=0, second=0, microsecond=0),
        venue="Balai Kota Semarang, Jl. Pemuda No. 148",
        participants=quantity,
        contact_name=officer.get_full_name() or officer.email,
        contact_phone="+6281234567890",
    )
    return services.order_place(officer=officer, basket=basket, event=event, budget_line=line)


def _partner(product):
    return product.stockrecords.all()[0].partner


def _schedule(product, planned: PlannedOrder) -> tuple[int, int]:
    """(days ahead of the delivery when placed today, days to move the order back afterwards).

    An open order is delivered on its planned day (or the MSME's next open day) and stays
    where it is. One of the past is delivered on the open day nearest its planned day (never
    later than yesterday), and placed today a whole number of weeks ahead of that, at least
    three days ahead: the same weekday, so the MSME is open then too."""
    partner = _partner(product)
    today = timezone.localdate()
    if planned.days > 0:
        for ahead in range(planned.days, planned.days + 7):
            if partner_is_open(partner=partner, day=today + timedelta(days=ahead)):
                return ahead, 0
        return planned.days, 0
    target = min(planned.days, -1)
    for offset in (0, -1, 1, -2, 2, -3, 3):
        day = min(planned.days + offset, -1)
        if partner_is_open(partner=partner, day=today + timedelta(days=day)):
            target = day
            break
    ahead = 3 + (target - 3) % 7  # the first day at least three days ahead on the same weekday
    return ahead, ahead - target


def _over_threshold(product, threshold_idr: int) -> int:
    """The smallest quantity of `product` whose total is above `threshold_idr`."""
    price = int(product.stockrecords.all()[0].price)
    return threshold_idr // price + 1


def _advance(uo: UnitOrder, planned: PlannedOrder, officer) -> None:
    """Make the moves that take a just-placed order to its planned status (PAID: to RECEIVED)."""
    vendor = uo.partner.users.first()
    status = planned.status
    if status in (S.AWAITING_VENDOR, S.PENDING_APPROVAL):
        if uo.status != status:
            raise _NotAsPlanned(uo.status)
        return
    if uo.status != S.AWAITING_VENDOR:
        raise _NotAsPlanned(uo.status)  # above the threshold: the PPK would have to approve first
    if status == S.DECLINED:
        services.order_move(
            unit_order=uo, action="decline", actor=vendor, reason="Dapur penuh pada tanggal itu."
        )
        return
    if status == S.CANCELLED:
        services.order_move(unit_order=uo, action="cancel", actor=officer, reason="Rapat ditunda.")
        return
    if status == S.EXPIRED:
        uo.refresh_from_db()
        if not services.order_expire_if_due(unit_order=uo, now=uo.vendor_deadline + timedelta(minutes=1)):
            raise _NotAsPlanned(uo.status)
        return
    services.order_move(unit_order=uo, action="confirm", actor=vendor)
    if status == S.CONFIRMED:
        return
    # Delivered on its day: placed today days ahead, the move is made as at the delivery, the
    # moment `backdate.order_history` then dates it at.
    services.order_move(unit_order=uo, action="deliver", actor=vendor, now=uo.delivery_at)
    if status == S.DELIVERED:
        return
    lines = list(uo.order.lines.all())
    quantities = {line.pk: line.quantity - (planned.short if i == 0 else 0) for i, line in enumerate(lines)}
    services.order_receive(
        unit_order=uo,
        officer=officer,
        quantities=quantities,
        notes="Diterima dengan baik."
        if not planned.short
        else "Dua kotak tidak sesuai pesanan, tidak diterima.",
        rating=4 + uo.pk % 2,
        comment="Tepat waktu, rasa enak.",
    )


def _candidates(products: list, planned: PlannedOrder, rng: random.Random) -> list:
    """The products to try, the planned MSME's first."""
    own = []
    if planned.vendor_no is not None:
        vendor = Vendor.objects.filter(owner__email=demo_owner_email(planned.vendor_no)).first()
        own = [p for p in products if vendor is not None and _partner(p).pk == vendor.partner_id]
    others = [p for p in products if p not in own]
    return (own + rng.sample(others, k=len(others)))[:ATTEMPTS]


def demo_orders_seed(*, officer, treasurer, card: CardPayer | None, unit_code: str = "SETDA") -> int:
    """Place the demo officer's planned orders that are missing; returns how many were created."""
    line = (
        BudgetLine.objects.filter(
            unit__code=unit_code, account__kind="makan_minum", fiscal_year=timezone.localdate().year
        )
        .select_related("unit", "account")
        .order_by("-pagu_idr")
        .first()
    )
    if line is None:
        return 0
    done = set(UnitOrder.objects.filter(officer=officer).values_list("event__name", flat=True))
    if all(planned.event in done for planned in PLAN):
        return 0
    # The hand-written demo MSMEs' products (never the city scale's thousands).
    owners = [demo_owner_email(spec.no) for spec in DEMO_VENDORS]
    products = list(
        Product.objects.filter(
            kind__in=MEETING_KINDS,
            is_public=True,
            stockrecords__partner__is_active=True,
            stockrecords__partner__vendor__owner__email__in=owners,
            lead_time_hours__lte=48,
        )
        .select_related("product_class")
        .prefetch_related("stockrecords__partner")
        .order_by("pk")
    )
    created = 0
    for n, planned in enumerate(PLAN):
        if planned.event in done:
            continue
        rng = random.Random(f"demo-order-{n}")
        for product in _candidates(products, planned, rng):
            quantity = max(product.min_order_qty, 25)
            if planned.status == S.PENDING_APPROVAL:
                quantity = max(quantity, _over_threshold(product, line.unit.approval_threshold_idr))
            days_ahead, days_back = _schedule(product, planned)
            try:
                with transaction.atomic():
                    uo = _place(
                        officer=officer,
                        line=line,
                        product=product,
                        quantity=quantity,
                        name=planned.event,
                        days_ahead=days_ahead,
                    )
                    _advance(uo, planned, officer)
                    backdate.order_history(unit_order=uo, days=days_back)
                    if planned.status in (S.RECEIVED, S.PAID):
                        invoice_settle(unit_order=uo, settle=planned.settle, treasurer=treasurer, card=card)
            except (services.OrderRefused, services.NotAllowed, _NotAsPlanned):
                continue  # closed that day, capacity… try another product
            created += 1
            break
    if created:
        # The orders moved into the past count in the MSMEs' 90-day sales as they now stand.
        services.vendor_sales_refresh()
    return created
