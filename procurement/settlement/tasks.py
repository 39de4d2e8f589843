"""Background work of settlement (config/celery.py): called with ids when a transaction commits.

Without a broker (CELERY_BROKER_URL empty) a task runs inline, as if called directly.
"""

from celery import shared_task

from marketplace.common.links import absolute_url
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
    """Render the invoice's PDF once, so its seal (the DocumentSeal its QR code points at) exists
    before anyone prints it. The PDF itself is served live by the download page, so nothing is
    stored. Returns the PDF's size in bytes."""
    from procurement.settlement import documents  # imported when the task runs

    invoice = Invoice.objects.select_related(
        "unit_order__unit",
        "unit_order__partner",
        "unit_order__order",
        "unit_order__event",
        "unit_order__budget_line",
    ).get(pk=invoice_id)
    seal = documents.invoice_seal_issue(invoice=invoice)
    verify_url = absolute_url("ordering:document-verify", seal.code)
    return len(documents.invoice_pdf(invoice=invoice, seal=seal, verify_url=verify_url))
