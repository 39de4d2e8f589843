"""Moving the demo's history into the past: the only writes of the demo that bypass the services.

The demo makes everything through the services, today: a registration submitted and approved,
an order placed, delivered and paid all happen "now". A demo world with a history (MSMEs that
registered a year ago, orders of the past months, an invoice overdue for weeks) then moves
those records' dates back with queryset `.update()` calls of **date and time fields only**,
here and nowhere else. Statuses, amounts, links and the ledger are never touched (ledger
entries are append-only: a PostgreSQL trigger refuses any UPDATE of them, so their own
timestamps stay the day of seeding). Each function moves the records of one subject by one
offset, so their order in time is kept.
"""

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from oscar.core.loading import get_model

from procurement.ordering.lifecycle import OrderStatus
from procurement.ordering.models import Event, OrderAction, Receipt, UnitOrder, VendorRating
from procurement.settlement.models import Invoice, Payment, SettlementAction
from vendors.models import Vendor, VendorDecision, VendorDocument

Order = get_model("order", "Order")
OrderStatusChange = get_model("order", "OrderStatusChange")
PaymentEvent = get_model("order", "PaymentEvent")
Transaction = get_model("payment", "Transaction")
User = get_user_model()
A = VendorDecision.Action


def vendor_history(
    *,
    vendor: Vendor,
    submitted: datetime,
    approved: datetime | None = None,
    decided: datetime | None = None,
    suspended: datetime | None = None,
) -> None:
    """Date a registration's steps: created and documents uploaded before `submitted`, the
    approval at `approved`, a rejection or request for changes at `decided`, a suspension at
    `suspended`."""
    started = submitted - timedelta(days=1)
    User.objects.filter(pk=vendor.owner_id).update(date_joined=started)
    Vendor.objects.filter(pk=vendor.pk).update(
        created_at=started,
        submitted_at=submitted,
        approved_at=approved if vendor.approved_at else None,
    )
    VendorDocument.all_objects.filter(vendor=vendor).update(uploaded_at=submitted - timedelta(hours=2))
    when = {
        A.SUBMIT: submitted,
        A.APPROVE: approved,
        A.REJECT: decided,
        A.REQUEST_CHANGES: decided,
        A.SUSPEND: suspended,
    }
    for decision in vendor.decisions.all():
        if when.get(decision.action):
            VendorDecision.objects.filter(pk=decision.pk).update(created_at=when[decision.action])


# When each move of an order happens, after its placing (or at its delivery, its deadline).
_AFTER_PLACING = {
    "place": timedelta(0),
    "approve": timedelta(hours=2),
    "reject_approval": timedelta(hours=2),
    "confirm": timedelta(hours=2),
    "decline": timedelta(hours=2),
    "cancel": timedelta(hours=3),
    "cancel_confirmed": timedelta(days=1),
}
RECEIVED_AFTER_DELIVERY = timedelta(hours=3)


def order_history(*, unit_order: UnitOrder, days: int) -> None:
    """Move an order placed today `days` days back, with what is dated on it: its event and
    delivery, its moves (OrderAction and Oscar's status changes, each at its moment: confirmed
    two hours after placing, delivered at the event, received three hours later), its BAST and
    rating, its invoice. Payments are dated by `transfer_history` (they come later)."""
    if not days:
        return
    delta = timedelta(days=days)
    uo = UnitOrder.objects.select_related("event", "order").get(pk=unit_order.pk)
    placed, delivery = uo.created_at - delta, uo.delivery_at - delta
    deadline = uo.vendor_deadline - delta if uo.vendor_deadline else None
    received = delivery + RECEIVED_AFTER_DELIVERY
    UnitOrder.objects.filter(pk=uo.pk).update(
        created_at=placed, delivery_at=delivery, vendor_deadline=deadline
    )
    Event.objects.filter(pk=uo.event_id).update(starts_at=uo.event.starts_at - delta, created_at=placed)
    Order.objects.filter(pk=uo.order_id).update(date_placed=placed)
    moments = {action: placed + after for action, after in _AFTER_PLACING.items()}
    moments.update(expire=deadline or placed, deliver=delivery, receive=received)
    for action in OrderAction.objects.filter(unit_order=uo).order_by("pk"):
        when = moments.get(action.action)
        if when is None:
            continue
        OrderAction.objects.filter(pk=action.pk).update(created_at=when)
        OrderStatusChange.objects.filter(order_id=uo.order_id, new_status=action.to_status).update(
            date_created=when
        )
    Receipt.objects.filter(unit_order=uo).update(received_at=received)
    VendorRating.objects.filter(unit_order=uo).update(created_at=received)
    invoices = Invoice.objects.filter(unit_order=uo)
    invoices.update(issued_at=received, received_at=received)
    SettlementAction.objects.filter(invoice__in=invoices).update(created_at=received)


def transfer_history(*, payment: Payment, on: date) -> None:
    """Date a bank transfer recorded today for `on` on that day: recorded at 10:00, the MSME's
    answer (confirmation or dispute) and the payment it settled at 15:00, never after now.

    Moves its Payment, its SettlementAction rows, and once paid the invoice's paid_at, the
    order's `pay` move and Oscar's payment records (Transaction, PaymentEvent)."""
    now = timezone.now()
    recorded = timezone.make_aware(datetime.combine(on, time(10, 0)))
    answered = min(recorded + timedelta(hours=5), now)
    recorded = min(recorded, answered)
    payment = Payment.objects.select_related("invoice__unit_order").get(pk=payment.pk)
    invoice = payment.invoice
    Payment.objects.filter(pk=payment.pk).update(
        created_at=recorded, settled_at=answered if payment.settled_at else None
    )
    SettlementAction.objects.filter(invoice=invoice, payment=payment).update(created_at=answered)
    SettlementAction.objects.filter(invoice=invoice, payment=payment, action="transfer_record").update(
        created_at=recorded
    )
    SettlementAction.objects.filter(invoice=invoice, payment__isnull=True, action="pph_refigured").update(
        created_at=recorded
    )
    if invoice.status != Invoice.Status.PAID:
        return
    Invoice.objects.filter(pk=invoice.pk).update(paid_at=answered)
    uo = invoice.unit_order
    OrderAction.objects.filter(unit_order=uo, action="pay").update(created_at=answered)
    OrderStatusChange.objects.filter(order_id=uo.order_id, new_status=OrderStatus.PAID).update(
        date_created=answered
    )
    Transaction.objects.filter(source__order_id=uo.order_id).update(date_created=answered)
    PaymentEvent.objects.filter(order_id=uo.order_id).update(date_created=answered)
