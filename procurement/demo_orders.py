"""Demo orders: a unit's catering history in every status over the past months.

Used by `manage.py seed_demo` only. Orders go through the real services (checks,
budget commitment, moves, BAST), then finished ones are moved back in time so the
history and spending pages show several months. Idempotent: nothing is added when
the demo officer already has orders.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from procurement.budgets.models import BudgetLine
from procurement.ordering import services
from procurement.ordering.models import Event, UnitOrder

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
Selector = get_class("partner.strategy", "Selector")

EVENTS = (
    "Rapat Koordinasi Bulanan",
    "Musrenbang Kecamatan",
    "Rapat Evaluasi Program",
    "Sosialisasi Perda",
    "Bimbingan Teknis UMKM",
    "Rapat Pimpinan",
    "Focus Group Discussion",
    "Pelatihan Aparatur",
    "Rapat Anggaran",
    "Kunjungan Kerja DPRD",
    "Rapat Persiapan HUT Kota",
    "Forum OPD",
)
# (final status, months back): finished orders spread over the past months, open ones ahead.
PLAN = (
    ("received", 5),
    ("received", 4),
    ("received", 3),
    ("received", 2),
    ("received", 1),
    ("declined", 3),
    ("cancelled", 2),
    ("expired", 1),
    ("delivered", 0),
    ("confirmed", 0),
    ("awaiting_vendor", 0),
    ("awaiting_vendor", 0),
    ("pending_approval", 0),  # above the unit's approval threshold: waits for its PPK
)


class _NotAsPlanned(Exception):
    """The order did not land in the planned status (rolled back; another product is tried)."""


def _place(*, officer, line, product, quantity: int, name: str, days_ahead: int):
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


def _backdate(unit_order: UnitOrder, months: int) -> None:
    if not months:
        return
    delta = timedelta(days=30 * months)
    UnitOrder.objects.filter(pk=unit_order.pk).update(
        created_at=unit_order.created_at - delta, delivery_at=unit_order.delivery_at - delta
    )
    Event.objects.filter(pk=unit_order.event_id).update(starts_at=unit_order.event.starts_at - delta)
    Order.objects.filter(pk=unit_order.order_id).update(date_placed=unit_order.order.date_placed - delta)


def demo_orders_seed(*, officer, unit_code: str = "SETDA") -> int:
    """Place the demo officer's orders in every status; returns how many were created."""
    if UnitOrder.objects.filter(officer=officer).exists():
        return 0
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
    rng = random.Random(2026)
    products = list(
        Product.objects.filter(
            kind__in=("kudapan", "nasi_kotak"),
            is_public=True,
            stockrecords__partner__is_active=True,
            lead_time_hours__lte=48,
        )
        .select_related("product_class")
        .order_by("pk")
    )
    created = 0
    for n, (status, months) in enumerate(PLAN):
        for product in rng.sample(products, k=min(6, len(products))):
            quantity = max(product.min_order_qty, 25)
            if status == "pending_approval":
                quantity = max(quantity, _over_threshold(product, line.unit.approval_threshold_idr))
            try:
                with transaction.atomic():
                    uo = _place(
                        officer=officer,
                        line=line,
                        product=product,
                        quantity=quantity,
                        name=EVENTS[n % len(EVENTS)],
                        days_ahead=3 + n % 4,
                    )
                    _advance(uo, status, officer)
                    _backdate(uo, months)
            except (services.OrderRefused, services.NotAllowed, _NotAsPlanned):
                continue  # closed that day, capacity… try another product
            created += 1
            break
    return created


def _over_threshold(product, threshold_idr: int) -> int:
    """The smallest quantity of `product` whose total is above `threshold_idr`."""
    price = int(product.stockrecords.first().price)
    return threshold_idr // price + 1


def _advance(uo: UnitOrder, status: str, officer) -> None:
    vendor = uo.partner.users.first()
    if status in ("awaiting_vendor", "pending_approval"):
        if uo.status != status:
            raise _NotAsPlanned(uo.status)
        return
    if status == "declined":
        services.order_move(
            unit_order=uo, action="decline", actor=vendor, reason="Dapur penuh pada tanggal itu."
        )
        return
    if status == "cancelled":
        services.order_move(unit_order=uo, action="cancel", actor=officer, reason="Rapat ditunda.")
        return
    if status == "expired":
        services.order_move(unit_order=uo, action="expire", actor=None)
        return
    services.order_move(unit_order=uo, action="confirm", actor=vendor)
    if status == "confirmed":
        return
    services.order_move(unit_order=uo, action="deliver", actor=vendor)
    if status == "delivered":
        return
    lines = list(uo.order.lines.all())
    quantities = {
        line.pk: line.quantity - (2 if i == 0 and uo.pk % 3 == 0 else 0) for i, line in enumerate(lines)
    }
    services.order_receive(
        unit_order=uo,
        officer=officer,
        quantities=quantities,
        notes="Diterima dengan baik.",
        rating=4 + uo.pk % 2,
        comment="Tepat waktu, rasa enak.",
    )
