"""Background work of settlement (config/celery.py): called with ids when a transaction commits.

Without a broker (CELERY_BROKER_URL empty) a task runs inline, as if called directly.
"""

from celery import shared_task

from procurement.settlement import notifications
from procurement.settlement.models import Invoice, Payment


@shared_task
def settlement_notify_task(payment_id: int, event: str) -> None:
    """E-mail and in-site notification of one settlement event (notifications.settlement_notify)."""
    payment = Payment.objects.select_related(
        "invoice__unit_order__unit",
        "invoice__unit_order__order",
        "invoice__unit_order__officer",
        "created_by",
    ).get(pk=payment_id)
    notifications.settlement_notify(payment=payment, event=event)


@shared_task
def invoice_pdf_task(invoice_id: int) -> int:
    """Render the invoice's PDF once, so what the renderer keeps (its DocumentSeal) exists before
    anyone downloads it; the PDF itself is served live, so nothing is stored. Returns its size."""
    from procurement.settlement import documents  # imported when the task runs

    invoice = Invoice.objects.select_related(
        "unit_order__unit", "unit_order__partner", "unit_order__order", "pbjt_rule", "pph_rule"
    ).get(pk=invoice_id)
    return len(documents.invoice_pdf(invoice=invoice))
