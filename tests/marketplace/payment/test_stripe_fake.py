"""The local fake of Stripe: its wire format, its checks, its hosted page and its webhooks."""

import io
import re
import time
import typing

import pytest
import requests
from django.core.management import CommandError, call_command
from stripe import _request_options
from stripe._stripe_context import StripeContext
from stripe.params.checkout._session_create_params import SessionCreateParams

from marketplace.payment import stripe_gateway as gateway
from marketplace.payment.stripe_fake import StripeApiError, StripeFake, params_schema, parse_form
from tests.stripe_fixtures import FAKE_SECRET_KEY

AUTH = {"Authorization": f"Bearer {FAKE_SECRET_KEY}"}
SESSION_FORM = {
    "mode": "payment",
    "line_items[0][quantity]": "2",
    "line_items[0][price_data][currency]": "idr",
    "line_items[0][price_data][unit_amount]": "7500000",
    "line_items[0][price_data][product_data][name]": "Snack box",
    "success_url": "https://guloasem.test/ok?session={CHECKOUT_SESSION_ID}",
    "cancel_url": "https://guloasem.test/cancel",
    "client_reference_id": "INV-7",
    "metadata[invoice_id]": "7",
    "payment_intent_data[metadata][invoice_id]": "7",
}


def _post(fake, path, data, headers=None):
    return requests.post(fake.base_url + path, data=data, headers={**AUTH, **(headers or {})}, timeout=2)


def _session(fake, **extra):
    response = _post(fake, "/v1/checkout/sessions", {**SESSION_FORM, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def _click(url, action):
    return requests.post(url, data={"action": action}, allow_redirects=False, timeout=5)


# --- Parsing and checking parameters ---------------------------------------------------------


def test_nested_form_keys_are_parsed_as_stripe_does():
    pairs = [
        ("line_items[0][price_data][unit_amount]", "100"),
        ("line_items[1][quantity]", "2"),
        ("expand[]", "payment_intent"),
        ("expand[]", "line_items"),
        ("metadata[a b]", ""),
    ]

    assert parse_form(pairs) == {
        "line_items": {"0": {"price_data": {"unit_amount": "100"}}, "1": {"quantity": "2"}},
        "expand": {"0": "payment_intent", "1": "line_items"},
        "metadata": {"a b": ""},
    }
    with pytest.raises(StripeApiError):
        parse_form([("metadata", "x"), ("metadata[a]", "y")])


def test_the_parameter_names_come_from_the_sdks_typed_params():
    hints = typing.get_type_hints(
        SessionCreateParams, localns={**vars(_request_options), "StripeContext": StripeContext}
    )
    request_options = set(_request_options.RequestOptions.__annotations__)

    schema = params_schema("checkout.SessionCreateParams")

    assert set(schema.fields) == set(hints) - request_options
    assert len(schema.fields) > 40  # the whole API, not the few names the gateway uses
    line_item = schema.fields["line_items"].item
    assert {"price_data", "quantity"} <= set(line_item.fields)
    assert {"currency", "unit_amount", "product_data"} <= set(line_item.fields["price_data"].fields)
    assert schema.fields["metadata"].kind == "map"  # free keys


def test_an_unknown_parameter_is_refused_as_stripe_refuses_it(stripe_fake):
    response = _post(stripe_fake, "/v1/checkout/sessions", {**SESSION_FORM, "foo": "bar"})

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "type": "invalid_request_error",
            "message": "Received unknown parameter: foo",
            "param": "foo",
            "code": "parameter_unknown",
        }
    }
    assert stripe_fake.sessions == {}


def test_an_unknown_nested_parameter_is_named_by_its_path(stripe_fake):
    response = _post(
        stripe_fake, "/v1/checkout/sessions", {**SESSION_FORM, "line_items[0][price_data][colour]": "red"}
    )

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "line_items[0][price_data][colour]"


def test_a_parameter_of_the_sdk_that_the_fake_does_not_use_is_accepted(stripe_fake):
    # Neither the gateway nor the fake's code names these: only the SDK's types know them.
    session = _session(stripe_fake, billing_address_collection="required", allow_promotion_codes="false")

    assert session["status"] == "open"


def test_request_options_are_not_body_parameters(stripe_fake):
    # SessionCreateParams inherits the SDK's RequestOptions (idempotency_key, api_key...):
    # those travel as headers, never as body parameters.
    response = _post(stripe_fake, "/v1/checkout/sessions", {**SESSION_FORM, "idempotency_key": "k"})

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "idempotency_key"


def test_values_are_checked_against_their_types(stripe_fake):
    response = _post(
        stripe_fake,
        "/v1/checkout/sessions",
        {**SESSION_FORM, "line_items[0][price_data][unit_amount]": "75k"},
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parameter_invalid_integer"


def test_a_missing_required_parameter_is_refused(stripe_fake):
    form = {key: value for key, value in SESSION_FORM.items() if key != "line_items[0][quantity]"}

    response = _post(stripe_fake, "/v1/checkout/sessions", form)

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "line_items[0][quantity]"


def test_amounts_are_hundredths_and_multiply_by_quantity(stripe_fake):
    session = _session(stripe_fake)

    assert session["amount_total"] == 15_000_000
    assert session["object"] == "checkout.session"
    assert re.fullmatch(r"cs_test_\w+", session["id"])
    assert session["url"] == f"{stripe_fake.base_url}/pay/{session['id']}"
    assert (session["status"], session["payment_status"], session["payment_intent"]) == (
        "open",
        "unpaid",
        None,
    )


# --- Authentication ------------------------------------------------------------------------


def test_a_request_without_the_secret_key_is_refused(stripe_fake):
    response = requests.get(f"{stripe_fake.base_url}/v1/events/evt_1", timeout=2)

    assert response.status_code == 401
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_a_wrong_secret_key_is_refused_without_echoing_it(stripe_fake):
    wrong = "sk_test_not_the_right_one_987"
    response = requests.get(
        f"{stripe_fake.base_url}/v1/events/evt_1", headers={"Authorization": f"Bearer {wrong}"}, timeout=2
    )

    assert response.status_code == 401
    assert wrong not in response.text
    assert response.json()["error"]["message"].endswith("_987")


def test_basic_auth_as_curl_sends_it_is_accepted(stripe_fake):
    response = requests.get(f"{stripe_fake.base_url}/v1/events/evt_1", auth=(FAKE_SECRET_KEY, ""), timeout=2)

    assert response.status_code == 404  # authenticated; the event just does not exist
    assert response.json()["error"]["code"] == "resource_missing"


def test_the_fake_takes_test_mode_keys_only():
    with pytest.raises(ValueError):
        StripeFake(secret_key="sk_live_123")


# --- Idempotency ---------------------------------------------------------------------------


def test_the_same_idempotency_key_and_body_replays_the_first_answer(stripe_fake):
    first = _post(stripe_fake, "/v1/checkout/sessions", SESSION_FORM, {"Idempotency-Key": "k1"})
    again = _post(stripe_fake, "/v1/checkout/sessions", SESSION_FORM, {"Idempotency-Key": "k1"})

    assert again.json()["id"] == first.json()["id"]
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert stripe_fake.created["checkout.session"] == 1


def test_the_same_idempotency_key_with_another_body_is_an_idempotency_error(stripe_fake):
    _post(stripe_fake, "/v1/checkout/sessions", SESSION_FORM, {"Idempotency-Key": "k1"})

    changed = {**SESSION_FORM, "client_reference_id": "INV-8"}
    other = _post(stripe_fake, "/v1/checkout/sessions", changed, {"Idempotency-Key": "k1"})

    assert other.status_code == 400
    assert other.json()["error"]["type"] == "idempotency_error"
    assert stripe_fake.created["checkout.session"] == 1


def test_a_request_refused_for_its_parameters_does_not_use_up_its_key(stripe_fake):
    refused = _post(
        stripe_fake, "/v1/checkout/sessions", {**SESSION_FORM, "foo": "1"}, {"Idempotency-Key": "k"}
    )
    fixed = _post(stripe_fake, "/v1/checkout/sessions", SESSION_FORM, {"Idempotency-Key": "k"})

    assert (refused.status_code, fixed.status_code) == (400, 200)


# --- The hosted page -----------------------------------------------------------------------


def test_the_hosted_page_shows_the_payment_and_escapes_what_it_shows(stripe_fake):
    session = _session(stripe_fake, **{"line_items[0][price_data][product_data][name]": "<b>Kue</b>"})

    page = requests.get(session["url"], timeout=2)

    assert page.status_code == 200
    assert "Rp 150.000" in page.text
    assert "&lt;b&gt;Kue&lt;/b&gt;" in page.text and "<b>Kue</b>" not in page.text
    for button in ("Pay", "Decline", "3-D Secure", "Abandon"):
        assert f">{button}</button>" in page.text
    assert "<script" not in page.text


def test_paying_completes_the_session_sends_signed_webhooks_then_redirects(
    stripe_fake, stripe_webhook_receiver
):
    stripe_fake.webhook_url = stripe_webhook_receiver.url
    session = _session(stripe_fake)

    response = _click(session["url"], "pay")

    assert response.status_code == 303
    assert response.headers["Location"] == f"https://guloasem.test/ok?session={session['id']}"
    received = stripe_webhook_receiver.received
    assert [event["type"] for event in stripe_webhook_receiver.events()] == [
        "checkout.session.completed",
        "payment_intent.succeeded",
    ]
    completed = gateway.webhook_event_construct(
        payload=received[0]["body"], signature_header=received[0]["headers"]["Stripe-Signature"]
    )
    assert completed.data.object.id == session["id"]
    assert (completed.data.object.status, completed.data.object.payment_status) == ("complete", "paid")
    assert completed.livemode is False and completed.id.startswith("evt_")
    intent_id = completed.data.object.payment_intent
    succeeded = gateway.webhook_event_construct(
        payload=received[1]["body"], signature_header=received[1]["headers"]["Stripe-Signature"]
    )
    assert succeeded.data.object.id == intent_id
    assert succeeded.data.object.metadata.to_dict() == {"invoice_id": "7"}
    assert [sent.status for sent in stripe_fake.sent_events] == [200, 200]
    intent = requests.get(f"{stripe_fake.base_url}/v1/payment_intents/{intent_id}", headers=AUTH, timeout=2)
    assert intent.json()["status"] == "succeeded"


def test_a_declined_card_leaves_the_session_open_and_it_can_be_paid_after(stripe_fake):
    session = _session(stripe_fake)

    declined = _click(session["url"], "decline")

    assert declined.status_code == 303 and declined.headers["Location"].endswith("?error=declined")
    page = requests.get(stripe_fake.base_url + declined.headers["Location"], timeout=2)
    assert "Your card was declined." in page.text
    state = stripe_fake.sessions[session["id"]]
    assert (state["status"], state["payment_status"]) == ("open", "unpaid")
    intent = stripe_fake.payment_intents[state["payment_intent"]]
    assert intent["status"] == "requires_payment_method"
    assert intent["last_payment_error"]["code"] == "card_declined"
    assert [sent.type for sent in stripe_fake.sent_events] == ["payment_intent.payment_failed"]

    assert _click(session["url"], "pay").status_code == 303
    assert state["payment_status"] == "paid"
    assert stripe_fake.created["payment_intent"] == 1  # the same PaymentIntent, as on Stripe


def test_3d_secure_asks_for_confirmation_before_paying(stripe_fake):
    session = _session(stripe_fake)

    challenge = _click(session["url"], "3ds")

    assert challenge.status_code == 200 and ">Complete authentication</button>" in challenge.text
    assert stripe_fake.sessions[session["id"]]["payment_status"] == "unpaid"
    assert stripe_fake.sent_events == []
    confirmed = _click(session["url"], "3ds_complete")
    assert confirmed.status_code == 303 and "/ok?session=" in confirmed.headers["Location"]
    assert stripe_fake.sessions[session["id"]]["payment_status"] == "paid"


def test_failing_3d_secure_does_not_pay(stripe_fake):
    session = _session(stripe_fake)
    _click(session["url"], "3ds")

    failed = _click(session["url"], "3ds_fail")

    assert failed.headers["Location"].endswith("?error=authentication")
    assert stripe_fake.sessions[session["id"]]["payment_status"] == "unpaid"
    assert [sent.type for sent in stripe_fake.sent_events] == ["payment_intent.payment_failed"]


def test_abandoning_goes_back_to_the_site_and_leaves_the_session_open(stripe_fake):
    session = _session(stripe_fake)

    response = _click(session["url"], "abandon")

    assert (response.status_code, response.headers["Location"]) == (303, "https://guloasem.test/cancel")
    assert stripe_fake.sessions[session["id"]]["status"] == "open"
    assert stripe_fake.sent_events == []


def test_an_expired_session_cannot_be_paid(stripe_fake):
    session = _session(stripe_fake)
    expired = _post(stripe_fake, f"/v1/checkout/sessions/{session['id']}/expire", {})

    assert expired.json()["status"] == "expired" and expired.json()["url"] is None
    assert _click(session["url"], "pay").status_code == 409
    assert "expired" in requests.get(session["url"], timeout=2).text
    assert stripe_fake.sessions[session["id"]]["payment_status"] == "unpaid"
    again = _post(stripe_fake, f"/v1/checkout/sessions/{session['id']}/expire", {})
    assert again.status_code == 400


def test_a_paid_session_cannot_be_paid_twice(stripe_fake):
    session = _session(stripe_fake)
    _click(session["url"], "pay")

    assert _click(session["url"], "pay").status_code == 409
    assert stripe_fake.created["charge"] == 1 and len(stripe_fake.charges) == 1


# --- Webhooks ------------------------------------------------------------------------------


def test_with_delivery_off_events_are_collected_and_can_be_resent(stripe_fake, stripe_webhook_receiver):
    stripe_fake.webhook_url = stripe_webhook_receiver.url
    stripe_fake.deliver_webhooks = False
    session = _session(stripe_fake)

    stripe_fake.pay(session["id"])

    assert stripe_webhook_receiver.received == []
    completed = stripe_fake.events_of_type("checkout.session.completed")[0]
    assert completed.status is None and completed.url is None
    assert (
        gateway.webhook_event_construct(
            payload=completed.payload, signature_header=completed.signature_header
        ).data.object.payment_status
        == "paid"
    )

    stripe_fake.deliver_webhooks = True
    resent = stripe_fake.resend(completed.event_id)

    assert resent.status == 200
    assert [event["id"] for event in stripe_webhook_receiver.events()] == [completed.event_id]
    assert resent.payload == completed.payload  # the same event, signed again


def test_a_failed_delivery_is_recorded_and_does_not_stop_the_payment(stripe_fake, stripe_webhook_receiver):
    stripe_webhook_receiver.status = 500
    stripe_fake.webhook_url = stripe_webhook_receiver.url
    session = _session(stripe_fake)

    assert _click(session["url"], "pay").status_code == 303
    assert [sent.status for sent in stripe_fake.sent_events] == [500, 500]
    stripe_fake.webhook_url = "http://127.0.0.1:9/unreachable"
    gone = stripe_fake.resend(stripe_fake.sent_events[0].event_id)
    assert gone.status is None and gone.error


def test_a_webhook_receiver_may_call_stripe_back_while_it_handles_an_event(
    stripe_fake, stripe_webhook_receiver
):
    def refund_on_completion(event):  # what a webhook view might do: its call makes more events
        if event["type"] == "checkout.session.completed":
            gateway.refund_create(
                payment_intent_id=event["data"]["object"]["payment_intent"],
                amount_idr=None,
                idempotency_key="refund-on-completion",
                reason_note="test",
            )

    stripe_webhook_receiver.on_receive = refund_on_completion
    stripe_fake.webhook_url = stripe_webhook_receiver.url
    session = _session(stripe_fake)

    started = time.monotonic()
    assert _click(session["url"], "pay").status_code == 303

    assert time.monotonic() - started < 1  # no wait on a lock held across the delivery
    assert [event["type"] for event in stripe_webhook_receiver.events()] == [
        "checkout.session.completed",
        "refund.created",  # sent while the first delivery was still waiting for its answer
        "charge.refunded",
        "payment_intent.succeeded",
    ]
    assert all(sent.status == 200 for sent in stripe_fake.sent_events)


def test_events_can_be_retrieved(stripe_fake):
    session = _session(stripe_fake)
    stripe_fake.pay(session["id"])
    event_id = stripe_fake.sent_events[0].event_id

    event = requests.get(f"{stripe_fake.base_url}/v1/events/{event_id}", headers=AUTH, timeout=2).json()

    assert event["object"] == "event" and event["type"] == "checkout.session.completed"
    assert event["data"]["object"]["id"] == session["id"]
    assert event["api_version"] and isinstance(event["created"], int)


def test_a_session_can_be_read_with_its_payment_intent_expanded(stripe_fake):
    session = _session(stripe_fake)
    stripe_fake.pay(session["id"])

    read = requests.get(
        f"{stripe_fake.base_url}/v1/checkout/sessions/{session['id']}",
        params={"expand[0]": "payment_intent"},
        headers=AUTH,
        timeout=2,
    ).json()

    assert read["payment_intent"]["object"] == "payment_intent"
    assert read["payment_intent"]["status"] == "succeeded"


def test_refunds_send_refund_and_charge_events(stripe_fake):
    session = _session(stripe_fake)
    stripe_fake.pay(session["id"])
    intent_id = stripe_fake.sessions[session["id"]]["payment_intent"]
    stripe_fake.sent_events.clear()

    refund = _post(stripe_fake, "/v1/refunds", {"payment_intent": intent_id, "amount": "1000000"}).json()

    assert (refund["object"], refund["amount"], refund["status"]) == ("refund", 1_000_000, "succeeded")
    assert [sent.type for sent in stripe_fake.sent_events] == ["refund.created", "charge.refunded"]
    charge = stripe_fake.sent_events[1].event["data"]["object"]
    assert (charge["amount_refunded"], charge["refunded"]) == (1_000_000, False)


# --- The demo command ----------------------------------------------------------------------


def test_the_demo_command_serves_until_interrupted(settings, monkeypatch):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_fake", "whsec_fake"

    def interrupt(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr("marketplace.payment.management.commands.stripe_fake.time.sleep", interrupt)
    out, err = io.StringIO(), io.StringIO()

    call_command("stripe_fake", port=0, stdout=out, stderr=err)

    assert re.search(r"Stripe fake on http://127\.0\.0\.1:\d+; webhooks to nowhere", out.getvalue())
    assert "stopped" in out.getvalue()
    assert "sk_test_fake" not in out.getvalue() + err.getvalue()


def test_the_demo_command_refuses_a_real_key(settings):
    settings.STRIPE_SECRET_KEY = "sk_live_123"

    with pytest.raises(CommandError):
        call_command("stripe_fake", port=0)
