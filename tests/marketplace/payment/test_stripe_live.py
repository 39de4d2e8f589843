"""Opt-in: the gateway against Stripe's real test mode (needs internet and a test-mode key).

    export STRIPE_LIVE_TEST_KEY=sk_test_...
    .venv/bin/python -m pytest -p no:xdist tests/marketplace/payment/test_stripe_live.py

Skipped otherwise (and always in CI, which has no internet). It checks what the fake cannot:
that Stripe itself accepts the parameters the gateway sends and answers in the shape the
gateway reads. It creates a Checkout Session in the test account and expires it again.
"""

import os
import uuid

import pytest

from marketplace.payment import stripe_gateway as gateway

LIVE_KEY = os.environ.get("STRIPE_LIVE_TEST_KEY", "")

pytestmark = [
    pytest.mark.skipif(
        not LIVE_KEY,
        reason="Stripe live test skipped: set STRIPE_LIVE_TEST_KEY=sk_test_... to run it against "
        "Stripe's test mode (needs internet)",
    ),
    pytest.mark.skipif(
        bool(LIVE_KEY) and not LIVE_KEY.startswith("sk_test_"),
        reason="Stripe live test skipped: STRIPE_LIVE_TEST_KEY must be a test-mode key (sk_test_...)",
    ),
]


@pytest.fixture
def live_stripe(settings):
    settings.STRIPE_SECRET_KEY = LIVE_KEY
    settings.STRIPE_WEBHOOK_SECRET = "whsec_unused_by_this_test"
    settings.STRIPE_API_BASE = "https://api.stripe.com"
    settings.STRIPE_TIMEOUT_SECONDS = 20
    settings.STRIPE_MAX_NETWORK_RETRIES = 1


def test_a_session_in_stripe_test_mode_round_trips_in_rupiah(live_stripe):
    key = f"gulo-asem-live-test-{uuid.uuid4()}"
    arguments = {
        "reference": "LIVE-TEST",
        "amount_idr": 150_000,
        "description": "Gulo Asem live test",
        "success_url": "https://example.com/ok?session={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://example.com/cancel",
        "idempotency_key": key,
        "metadata": {"test": "live"},
    }

    session = gateway.checkout_session_create(**arguments)
    try:
        assert session.id.startswith("cs_test_")
        assert (session.status, session.payment_status, session.amount_idr) == ("open", "unpaid", 150_000)
        assert session.url and session.url.startswith("https://checkout.stripe.com/")
        assert session.client_reference_id == "LIVE-TEST" and session.metadata == {"test": "live"}
        assert gateway.checkout_session_create(**arguments).id == session.id  # idempotent
        assert gateway.checkout_session_retrieve(session_id=session.id).amount_idr == 150_000
    finally:
        expired = gateway.checkout_session_expire(session_id=session.id)
    assert expired.status == "expired"
