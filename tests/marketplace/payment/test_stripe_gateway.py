"""The Stripe gateway, through the real SDK, against the local fake of Stripe's API."""

import time

import pytest
from django.utils import translation

from marketplace.payment import stripe_gateway as gateway
from marketplace.payment.stripe_gateway import GatewayError, WebhookRefused

SUCCESS_URL = "https://guloasem.test/bayar/selesai/?session={CHECKOUT_SESSION_ID}"
CANCEL_URL = "https://guloasem.test/bayar/batal/"


def _create(**overrides):
    arguments = {
        "reference": "INV-2025-0042",
        "amount_idr": 150_000,
        "description": "Nasi kotak rapat dinas, 30 porsi",
        "success_url": SUCCESS_URL,
        "cancel_url": CANCEL_URL,
        "idempotency_key": "invoice-42-attempt-1",
        "metadata": {"invoice_id": "42", "unit": "Dinas Kesehatan"},
        "customer_email": "bendahara@dinkes.semarangkota.go.id",
    }
    return gateway.checkout_session_create(**{**arguments, **overrides})


def test_session_is_created_in_hundredths_and_read_back_in_rupiah(stripe_fake):
    session = _create()

    sent = stripe_fake.sessions[session.id]
    assert sent["amount_total"] == 15_000_000  # Stripe counts IDR in hundredths
    assert sent["currency"] == "idr"
    assert sent["mode"] == "payment"
    assert sent["client_reference_id"] == "INV-2025-0042"
    assert sent["metadata"] == {"invoice_id": "42", "unit": "Dinas Kesehatan"}
    assert sent["customer_email"] == "bendahara@dinkes.semarangkota.go.id"
    assert sent["success_url"] == SUCCESS_URL and sent["cancel_url"] == CANCEL_URL
    assert sent["allowed_payment_method_types"] == ["card"]
    assert session == gateway.CheckoutSession(
        id=session.id,
        url=f"{stripe_fake.base_url}/pay/{session.id}",
        status="open",
        payment_status="unpaid",
        payment_intent_id=None,
        amount_idr=150_000,
        client_reference_id="INV-2025-0042",
        metadata={"invoice_id": "42", "unit": "Dinas Kesehatan"},
    )
    assert gateway.checkout_session_retrieve(session_id=session.id) == session
    assert not session.is_paid


def test_the_payment_intent_carries_the_metadata_and_the_paid_session_reads_back_paid(stripe_fake):
    session = _create()

    stripe_fake.pay(session.id)
    paid = gateway.checkout_session_retrieve(session_id=session.id)

    assert (paid.status, paid.payment_status, paid.is_paid, paid.url) == ("complete", "paid", True, None)
    intent = stripe_fake.payment_intents[paid.payment_intent_id]
    assert intent["status"] == "succeeded"
    assert intent["amount_received"] == 15_000_000
    assert intent["metadata"] == {"invoice_id": "42", "unit": "Dinas Kesehatan"}


def test_stripe_checkout_speaks_the_language_of_the_payer(stripe_fake):
    with translation.override("id"):
        indonesian = _create(idempotency_key="k-id")
    with translation.override("en"):
        english = _create(idempotency_key="k-en")

    assert stripe_fake.sessions[indonesian.id]["locale"] == "id"
    assert stripe_fake.sessions[english.id]["locale"] == "en"


@pytest.mark.parametrize("amount", [0, -5_000, 1.5, True, "150000"])
def test_an_amount_that_is_not_a_positive_whole_rupiah_is_refused_before_stripe(stripe_fake, amount):
    with pytest.raises(ValueError):
        _create(amount_idr=amount)

    assert stripe_fake.requests == []


def test_the_same_idempotency_key_twice_gives_one_session(stripe_fake):
    first = _create()
    second = _create()

    assert second.id == first.id
    assert stripe_fake.created["checkout.session"] == 1
    assert len(stripe_fake.requests) == 2  # both reached Stripe: the second was replayed there


def test_the_same_idempotency_key_with_another_body_is_refused(stripe_fake):
    _create()

    with pytest.raises(GatewayError) as refused:
        _create(amount_idr=175_000)

    assert refused.value.code == "IdempotencyError"
    with translation.override("en"):
        assert str(refused.value) == (
            "This payment request was already sent with different details. Please start again."
        )
    assert stripe_fake.created["checkout.session"] == 1


def test_an_open_session_can_be_expired_and_no_longer_paid(stripe_fake):
    session = _create()

    expired = gateway.checkout_session_expire(session_id=session.id)

    assert (expired.status, expired.url) == ("expired", None)
    assert gateway.checkout_session_retrieve(session_id=session.id).status == "expired"
    assert [sent.type for sent in stripe_fake.sent_events] == ["checkout.session.expired"]


def test_an_unknown_session_is_a_gateway_error(stripe_fake):
    with pytest.raises(GatewayError) as error:
        gateway.checkout_session_retrieve(session_id="cs_test_nothing")

    assert error.value.code == "resource_missing"
    with translation.override("en"):
        assert str(error.value) == "The card payment service does not know this payment."


# --- Refunds -------------------------------------------------------------------------------


@pytest.fixture
def paid_intent_id(stripe_fake):
    session = _create()
    stripe_fake.pay(session.id)
    return stripe_fake.sessions[session.id]["payment_intent"]


def test_a_partial_then_a_full_refund_take_back_what_was_paid(stripe_fake, paid_intent_id):
    partial = gateway.refund_create(
        payment_intent_id=paid_intent_id,
        amount_idr=50_000,
        idempotency_key="r-1",
        reason_note="10 porsi kurang",
    )
    rest = gateway.refund_create(
        payment_intent_id=paid_intent_id, amount_idr=None, idempotency_key="r-2", reason_note="acara batal"
    )

    assert partial == gateway.Refund(
        id=partial.id, status="succeeded", amount_idr=50_000, payment_intent_id=paid_intent_id
    )
    assert (rest.amount_idr, rest.status) == (100_000, "succeeded")
    assert stripe_fake.refunds[partial.id]["amount"] == 5_000_000  # hundredths on the wire
    assert stripe_fake.refunds[partial.id]["metadata"] == {"reason_note": "10 porsi kurang"}
    charge = stripe_fake.charges[stripe_fake.payment_intents[paid_intent_id]["latest_charge"]]
    assert (charge["amount_refunded"], charge["refunded"]) == (15_000_000, True)
    with pytest.raises(GatewayError) as nothing_left:
        gateway.refund_create(
            payment_intent_id=paid_intent_id, amount_idr=None, idempotency_key="r-3", reason_note="lagi"
        )
    assert nothing_left.value.code == "charge_already_refunded"


def test_a_refund_above_what_is_left_is_refused(stripe_fake, paid_intent_id):
    gateway.refund_create(
        payment_intent_id=paid_intent_id, amount_idr=100_000, idempotency_key="r-1", reason_note="sebagian"
    )

    with pytest.raises(GatewayError) as refused:
        gateway.refund_create(
            payment_intent_id=paid_intent_id, amount_idr=50_001, idempotency_key="r-2", reason_note="terlalu"
        )

    assert refused.value.code == "amount_too_large"
    with translation.override("en"):
        assert str(refused.value) == "The refund is larger than what is left to refund on this payment."
    assert "Rp 50.000" in refused.value.detail
    assert stripe_fake.created["refund"] == 1


def test_retrying_a_refund_with_its_key_refunds_once(stripe_fake, paid_intent_id):
    arguments = {"payment_intent_id": paid_intent_id, "amount_idr": 20_000, "idempotency_key": "r-1"}

    first = gateway.refund_create(**arguments, reason_note="x")
    again = gateway.refund_create(**arguments, reason_note="x")

    assert again.id == first.id
    assert stripe_fake.created["refund"] == 1


def test_an_unpaid_payment_cannot_be_refunded(stripe_fake):
    session = _create()
    stripe_fake.decline(session.id)
    intent_id = stripe_fake.sessions[session.id]["payment_intent"]

    with pytest.raises(GatewayError) as refused:
        gateway.refund_create(
            payment_intent_id=intent_id, amount_idr=None, idempotency_key="r", reason_note="x"
        )

    assert refused.value.code == "charge_not_refundable"


@pytest.mark.parametrize("amount", [0, -1])
def test_a_refund_amount_must_be_positive(stripe_fake, amount):
    with pytest.raises(ValueError):
        gateway.refund_create(
            payment_intent_id="pi_x", amount_idr=amount, idempotency_key="r", reason_note="x"
        )

    assert stripe_fake.requests == []


# --- Webhooks ------------------------------------------------------------------------------


def _session_object():
    return {"id": "cs_test_1", "object": "checkout.session", "status": "complete", "payment_status": "paid"}


def test_a_correctly_signed_webhook_gives_its_event(stripe_fake):
    payload, header = stripe_fake.signed_event("checkout.session.completed", _session_object())

    event = gateway.webhook_event_construct(payload=payload, signature_header=header)

    assert event.type == "checkout.session.completed"
    assert event.data.object.id == "cs_test_1"
    assert event.data.object.payment_status == "paid"


def test_a_webhook_signed_with_another_secret_is_refused(stripe_fake):
    payload, _ = stripe_fake.signed_event("checkout.session.completed", _session_object())
    forged = stripe_fake.sign(payload, secret="whsec_someone_else")

    with pytest.raises(WebhookRefused) as refused:
        gateway.webhook_event_construct(payload=payload, signature_header=forged)

    assert refused.value.reason == WebhookRefused.BAD_SIGNATURE


def test_a_webhook_whose_body_was_changed_is_refused(stripe_fake):
    payload, header = stripe_fake.signed_event("checkout.session.completed", _session_object())

    with pytest.raises(WebhookRefused) as refused:
        gateway.webhook_event_construct(
            payload=payload.replace(b'"paid"', b'"unpaid"'), signature_header=header
        )

    assert refused.value.reason == WebhookRefused.BAD_SIGNATURE


@pytest.mark.parametrize("header", ["", "garbage", "t=abc,v1=def", "v1=0123"])
def test_a_webhook_without_a_usable_signature_header_is_refused(stripe_fake, header):
    payload, _ = stripe_fake.signed_event("checkout.session.completed", _session_object())

    with pytest.raises(WebhookRefused) as refused:
        gateway.webhook_event_construct(payload=payload, signature_header=header)

    assert refused.value.reason == WebhookRefused.BAD_SIGNATURE


def test_a_webhook_signed_too_long_ago_is_refused(stripe_fake, settings):
    settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300
    old = int(time.time()) - 301
    payload, header = stripe_fake.signed_event("checkout.session.completed", _session_object(), timestamp=old)

    with pytest.raises(WebhookRefused) as refused:
        gateway.webhook_event_construct(payload=payload, signature_header=header)

    assert refused.value.reason == WebhookRefused.OLD_TIMESTAMP
    # The same event signed within the tolerance passes: only the age was wrong.
    recent = stripe_fake.sign(payload, timestamp=int(time.time()) - 290)
    assert gateway.webhook_event_construct(payload=payload, signature_header=recent).type


@pytest.mark.parametrize("payload", [b"{not json", b"\xff\xfe", b"[]", b'{"object": "event"}'])
def test_a_correctly_signed_body_that_is_not_an_event_is_refused(stripe_fake, payload):
    header = f"t={int(time.time())},v1=" + "0" * 64
    if payload != b"\xff\xfe":  # a body that is not UTF-8 cannot even be signed as text
        header = stripe_fake.sign(payload)

    with pytest.raises(WebhookRefused) as refused:
        gateway.webhook_event_construct(payload=payload, signature_header=header)

    assert refused.value.reason == WebhookRefused.MALFORMED_PAYLOAD


def test_webhooks_are_refused_while_no_webhook_secret_is_set(stripe_fake, settings):
    payload, header = stripe_fake.signed_event("checkout.session.completed", _session_object())
    settings.STRIPE_WEBHOOK_SECRET = ""

    with pytest.raises(WebhookRefused) as refused:
        gateway.webhook_event_construct(payload=payload, signature_header=header)

    assert refused.value.reason == WebhookRefused.NOT_CONFIGURED


# --- Configuration and failures -------------------------------------------------------------


def test_stripe_is_configured_only_with_both_the_secret_key_and_the_webhook_secret(settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "", ""
    assert gateway.stripe_configured() is False
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    assert gateway.stripe_configured() is False
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "", "whsec_x"
    assert gateway.stripe_configured() is False
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    assert gateway.stripe_configured() is True


def test_without_a_secret_key_no_request_is_made(stripe_fake, settings):
    settings.STRIPE_SECRET_KEY = ""

    with pytest.raises(GatewayError) as error:
        _create()

    assert error.value.code == "not_configured"
    assert stripe_fake.requests == []


def test_a_wrong_secret_key_is_a_gateway_error_that_shows_no_key(stripe_fake, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_wrong_key_123456"

    with pytest.raises(GatewayError) as error:
        _create()

    assert error.value.code == "AuthenticationError"
    with translation.override("en"):
        assert "refused this site's credentials" in str(error.value)
    assert "sk_test_wrong_key_123456" not in f"{error.value} {error.value.detail}"


def test_stripe_down_is_a_quick_gateway_error_in_the_payers_language(stripe_fake):
    stripe_fake.stop()

    started = time.monotonic()
    with pytest.raises(GatewayError) as error, translation.override("id"):
        _create()

    assert time.monotonic() - started < 1
    assert error.value.code == "APIConnectionError"
    with translation.override("id"):
        assert str(error.value.message) == (
            "Layanan pembayaran kartu tidak dapat dihubungi. Silakan coba lagi dalam beberapa menit."
        )
    with translation.override("en"):
        assert str(error.value.message) == (
            "The card payment service could not be reached. Please try again in a few minutes."
        )


def test_the_client_follows_the_settings(stripe_fake, settings):
    client = gateway._client()

    assert gateway._client() is client  # one client while the settings stay
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    assert gateway._client() is not client
