"""Background work of ordering (config/celery.py): called with ids when a transaction commits.

Without a broker (CELERY_BROKER_URL empty) a task runs inline, as if called directly.
"""

from celery import shared_task

from procurement.ordering import lifecycle, notifications
from procurement.ordering.lifecycle import OrderStatus
from procurement.ordering.models import UnitOrder


@shared_task
def order_notify_task(unit_order_id: int, action: str, reason: str = "") -> None:
    """Tell the parties of the move `action` (procurement.ordering.lifecycle) what happened."""
    unit_order = UnitOrder.objects.select_related("order", "event", "unit", "partner", "officer").get(
        pk=unit_order_id
    )
    if action == "place":
        move = lifecycle.placing(needs_approval=unit_order.status == OrderStatus.PENDING_APPROVAL)
    else:
        move = lifecycle.move(action)
    notifications.order_notify(unit_order=unit_order, move=move, reason=reason)


@shared_task
def vendor_sales_refresh_task(partner_ids: list[int]) -> None:
    """The MSMEs' 90-day sales (Pemerataan) after an order of theirs was placed."""
    from procurement.ordering.services import vendor_sales_refresh  # services imports this module

    vendor_sales_refresh(partner_ids=partner_ids)
