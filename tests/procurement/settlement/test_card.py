"""Paying by card through Stripe Checkout (the local fake): one charge and one payment whatever
is retried, verified webhooks applied once, decline, abandon, expiry and refunds."""

import pytest
from oscar.core.loading import get_model

from marketplace.payment import stripe_gateway
from procurement.budgets.services import budget_recompute
from procurement.ordering.lifecycle import OrderStatus
from procurement.settlement import services
from procurement.settlement.models import Invoice, Payment, StripeEvent
from tests.factories import UserFactory
from tests.procurement.settlement.world import received

pytestmark = pytest.mark.django_db

Source = get_model("payment", "Source")
URLS = {
    "success_url": "http://testserver/ok?session_id={CHECKOUT_SESSION_ID}",
    "cancel_url": "http://testserver/no",
}


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def start(pw):
    return services.card_checkout_start(invoice=pw.invoice, treasurer=pw.treasurer, **URLS)


def deliver(fake, event_type=None):
    """Hand the fake's collected webhooks (of a type) to the site, as the webhook view would."""
    results = []
    for sent in list(fake.sent_events):
        if event_type and sent.type != event_type:
            continue
        event = stripe_gateway.webhook_event_construct(
            payload=sent.payload, signature_header=sent.signature_header
        )
        results.append(services.stripe_event_handle(event=event))
    return results


@pytest.fixture
def pw(stripe_fake):
    stripe_fake.deliver_webhooks = False
    return received()


def test_card_checkout_opens_a_session_for_the_net_in_hundredths(pw, stripe_fake):
    checkout = start(pw)

    session = stripe_gateway.checkout_session_retrieve(session_id=checkout.payment.stripe_session_id)
    assert checkout.url == session.url
    assert session.amount_idr == pw.invoice.net_idr == 196_000
    assert checkout.payment.status == Payment.Status.PENDING


def test_a_double_click_returns_the_same_session_and_creates_one_charge(pw, stripe_fake):
    first, second = start(pw), start(pw)

    assert first.payment.pk == second.payment.pk and first.url == second.url
    assert Payment.objects.count() == 1
    assert stripe_fake.created["checkout.session"] == 1


def test_a_paid_session_pays_the_invoice_once_whatever_arrives_twice(pw, stripe_fake):
    checkout = start(pw)
    stripe_fake.pay(checkout.payment.stripe_session_id)

    assert deliver(stripe_fake, "checkout.session.completed") == ["applied"]
    assert deliver(stripe_fake, "checkout.session.completed") == ["duplicate"]  # a replay
    services.card_session_sync(session_id=checkout.payment.stripe_session_id)  # the payer comes back

    inv, uo = reload(pw.invoice), reload(pw.invoice.unit_order)
    assert inv.status == Invoice.Status.PAID and uo.status == OrderStatus.PAID
    assert Source.objects.get(order=uo.order).amount_debited == 196_000
    assert reload(pw.w.line).realized_idr == 200_000
    assert budget_recompute() == []


def test_events_in_any_order_are_harmless(pw, stripe_fake):
    checkout = start(pw)
    stripe_fake.pay(checkout.payment.stripe_session_id)

    assert deliver(stripe_fake, "payment_intent.succeeded") == ["ignored"]  # before the session's event
    assert reload(pw.invoice).status == Invoice.Status.UNPAID
    assert deliver(stripe_fake, "checkout.session.completed") == ["applied"]
    assert reload(pw.invoice).status == Invoice.Status.PAID


def test_the_return_page_settles_even_when_the_webhook_is_late(pw, stripe_fake):
    checkout = start(pw)
    stripe_fake.pay(checkout.payment.stripe_session_id)

    services.card_session_sync(session_id=checkout.payment.stripe_session_id)
    assert deliver(stripe_fake, "checkout.session.completed") == ["applied"]

    assert reload(pw.invoice).status == Invoice.Status.PAID
    assert Source.objects.get(order=pw.invoice.unit_order.order).amount_debited == 196_000


def test_a_declined_card_leaves_the_invoice_payable_in_the_same_session(pw, stripe_fake):
    checkout = start(pw)
    stripe_fake.decline(checkout.payment.stripe_session_id)
    deliver(stripe_fake)

    assert reload(pw.invoice).status == Invoice.Status.UNPAID
    again = start(pw)
    assert again.payment.pk == checkout.payment.pk


def test_an_abandoned_session_that_expires_lets_the_bendahara_start_again(pw, stripe_fake):
    checkout = start(pw)
    stripe_fake.expire(checkout.payment.stripe_session_id)
    deliver(stripe_fake, "checkout.session.expired")

    assert reload(checkout.payment).status == Payment.Status.FAILED
    again = start(pw)
    assert again.payment.pk != checkout.payment.pk
    assert reload(pw.invoice).status == Invoice.Status.UNPAID


def test_a_forged_event_is_refused_before_anything_is_stored(pw, stripe_fake):
    checkout = start(pw)
    stripe_fake.pay(checkout.payment.stripe_session_id)
    sent = stripe_fake.events_of_type("checkout.session.completed")[0]

    with pytest.raises(stripe_gateway.WebhookRefused):
        stripe_gateway.webhook_event_construct(
            payload=sent.payload, signature_header=stripe_fake.sign(sent.payload, secret="whsec_other")
        )
    with pytest.raises(stripe_gateway.WebhookRefused):
        stripe_gateway.webhook_event_construct(
            payload=sent.payload, signature_header=stripe_fake.sign(sent.payload, timestamp=1)
        )

    assert not StripeEvent.objects.exists()
    assert reload(pw.invoice).status == Invoice.Status.UNPAID


def paid(pw, stripe_fake):
    checkout = start(pw)
    stripe_fake.pay(checkout.payment.stripe_session_id)
    deliver(stripe_fake, "checkout.session.completed")
    return reload(checkout.payment)


def test_a_full_refund_makes_the_order_payable_again_and_the_ledger_balances(pw, stripe_fake):
    payment = paid(pw, stripe_fake)
    admin = UserFactory(is_superuser=True)

    services.card_refund(payment=payment, admin=admin, amount_idr=196_000, reason="Kartu yang salah")

    uo, line = reload(pw.invoice.unit_order), reload(pw.w.line)
    assert reload(payment).status == Payment.Status.REFUNDED
    assert reload(pw.invoice).status == Invoice.Status.UNPAID
    assert uo.status == OrderStatus.RECEIVED
    assert (line.committed_idr, line.realized_idr) == (200_000, 0)
    assert budget_recompute() == []
    assert uo.actions.filter(action="refund", actor=admin, reason="Kartu yang salah").exists()


def test_a_partial_refund_keeps_the_order_paid_and_gives_the_money_back_to_the_line(pw, stripe_fake):
    payment = paid(pw, stripe_fake)

    services.card_refund(
        payment=payment, admin=UserFactory(is_superuser=True), amount_idr=50_000, reason="Kurang 5 kotak"
    )

    line = reload(pw.w.line)
    assert reload(pw.invoice.unit_order).status == OrderStatus.PAID
    assert (line.committed_idr, line.realized_idr) == (0, 150_000)
    assert reload(payment).refunded_idr == 50_000
    assert budget_recompute() == []


def test_a_refund_beyond_what_was_paid_or_by_a_non_admin_is_refused(pw, stripe_fake):
    payment = paid(pw, stripe_fake)

    with pytest.raises(services.SettlementRefused):
        services.card_refund(
            payment=payment, admin=UserFactory(is_superuser=True), amount_idr=196_001, reason="x"
        )
    with pytest.raises(services.SettlementRefused):
        services.card_refund(payment=payment, admin=pw.treasurer, amount_idr=1_000, reason="x")

    assert reload(payment).refunded_idr == 0
    assert reload(pw.w.line).realized_idr == 200_000


def test_without_stripe_keys_card_payment_is_refused_with_a_reason(stripe_offline):
    pw = received()

    with pytest.raises(services.SettlementRefused, match="transfer"):
        start(pw)

    assert not Payment.objects.exists()


def test_a_partial_refund_then_the_rest_makes_the_order_payable_again_and_balances(pw, stripe_fake):
    payment = paid(pw, stripe_fake)
    admin = UserFactory(is_superuser=True)

    services.card_refund(payment=payment, admin=admin, amount_idr=50_000, reason="Kurang 5 kotak")
    services.card_refund(payment=reload(payment), admin=admin, amount_idr=146_000, reason="Dibatalkan")

    line = reload(pw.w.line)
    assert reload(payment).status == Payment.Status.REFUNDED
    assert reload(pw.invoice.unit_order).status == OrderStatus.RECEIVED
    assert (line.committed_idr, line.realized_idr) == (200_000, 0)  # the whole invoice is held again
    assert budget_recompute() == []
