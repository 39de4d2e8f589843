"""The demo's settlement step (procurement.demo.settlement) on one received order: the card path
against the in-process Stripe fake, and the transfer it falls back to without one."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from marketplace.payment import stripe_gateway
from marketplace.payment.stripe_fake import StripeFake
from procurement.budgets.services import budget_recompute
from procurement.demo import settlement
from procurement.demo.settlement import Settle, card_payer, invoice_settle
from procurement.ordering.lifecycle import OrderStatus
from procurement.settlement.models import Invoice, Payment, StripeEvent
from tests.procurement.settlement.world import received

pytestmark = pytest.mark.django_db


def test_the_card_path_pays_through_checkout_and_a_verified_webhook_and_restores_the_settings():
    pw = received()
    before = (settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET, settings.STRIPE_API_BASE)

    with card_payer() as card:
        assert card is not None and settings.STRIPE_API_BASE == card.fake.base_url
        invoice = invoice_settle(
            unit_order=pw.invoice.unit_order, settle=Settle.CARD, treasurer=pw.treasurer, card=card
        )

    assert (settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET, settings.STRIPE_API_BASE) == before
    payment = invoice.payments.get()
    assert (invoice.status, payment.method, payment.status) == (
        Invoice.Status.PAID,
        Payment.Method.CARD,
        Payment.Status.SUCCEEDED,
    )
    assert StripeEvent.objects.filter(payment=payment, type="checkout.session.completed").exists()
    assert invoice.unit_order.status == OrderStatus.PAID
    assert budget_recompute() == []


def test_without_a_stripe_fake_the_card_order_is_paid_by_transfer(monkeypatch):
    def refuse(self):
        raise OSError("address in use")

    monkeypatch.setattr(StripeFake, "start", refuse)
    pw = received()

    with card_payer() as card:
        assert card is None
        invoice = invoice_settle(
            unit_order=pw.invoice.unit_order, settle=Settle.CARD, treasurer=pw.treasurer, card=card
        )

    payment = invoice.payments.get()
    assert (invoice.status, payment.method) == (Invoice.Status.PAID, Payment.Method.TRANSFER)
    assert budget_recompute() == []


def test_a_card_gateway_failure_falls_back_to_a_transfer(monkeypatch):
    pw = received()

    def fail(**kwargs):
        raise stripe_gateway.GatewayError("down", code="api_connection_error")

    monkeypatch.setattr(stripe_gateway, "checkout_session_create", fail)
    with card_payer() as card:
        invoice = invoice_settle(
            unit_order=pw.invoice.unit_order, settle=Settle.CARD, treasurer=pw.treasurer, card=card
        )

    assert invoice.status == Invoice.Status.PAID
    assert list(invoice.payments.values_list("method", flat=True)) == [Payment.Method.TRANSFER]


@pytest.mark.parametrize(
    ("settle", "invoice_status", "payment_status"),
    [
        (Settle.TRANSFER, Invoice.Status.PAID, Payment.Status.SUCCEEDED),
        (Settle.AWAITING, Invoice.Status.AWAITING_CONFIRMATION, Payment.Status.AWAITING_CONFIRMATION),
        (Settle.DISPUTED, Invoice.Status.DISPUTED, Payment.Status.DISPUTED),
    ],
)
def test_a_transfer_is_dated_a_few_days_after_the_bast_and_left_as_planned(
    settle, invoice_status, payment_status
):
    pw = received()
    bast = timezone.now() - timedelta(days=20)
    Invoice.objects.filter(pk=pw.invoice.pk).update(received_at=bast)  # as backdate.order_history does

    invoice = invoice_settle(
        unit_order=pw.invoice.unit_order, settle=settle, treasurer=pw.treasurer, card=None
    )

    payment = invoice.payments.get()
    assert (invoice.status, payment.status) == (invoice_status, payment_status)
    on = timezone.localtime(bast).date() + timedelta(days=settlement.TRANSFER_AFTER_DAYS[settle])
    assert payment.transfer_date == on and timezone.localtime(payment.created_at).date() == on
    if settle == Settle.TRANSFER:
        assert invoice.days_to_pay == settlement.TRANSFER_AFTER_DAYS[settle]
        assert timezone.localtime(invoice.paid_at).date() == on
        assert invoice.unit_order.actions.get(action="pay").created_at == invoice.paid_at
    assert budget_recompute() == []


def test_an_invoice_left_unpaid_is_not_touched():
    pw = received()

    invoice = invoice_settle(
        unit_order=pw.invoice.unit_order, settle=Settle.NONE, treasurer=pw.treasurer, card=None
    )

    assert invoice.status == Invoice.Status.UNPAID and not invoice.payments.exists()
