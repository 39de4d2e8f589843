"""Card payments through Stripe Checkout: the only module that talks to Stripe.

Callers (invoices, the payables pages, the webhook view) use the functions below and get
back small frozen dataclasses in whole rupiah; they never see Stripe objects or the SDK's
errors.

- **One client.** Every call goes through one `stripe.StripeClient` built from settings
  (`STRIPE_SECRET_KEY`, `STRIPE_API_BASE`, `STRIPE_TIMEOUT_SECONDS`,
  `STRIPE_MAX_NETWORK_RETRIES`), rebuilt only when those settings change. Production talks
  to https://api.stripe.com; tests and the demo point `STRIPE_API_BASE` at the local fake
  (`marketplace.payment.stripe_fake`), so both run this same code.
- **Amounts.** Stripe treats IDR as a two-decimal currency: every amount sent to or read
  from the API is in hundredths of a rupiah (Rp 150.000 is `15000000`). This module
  multiplies by 100 on the way out (`marketplace.common.money.to_stripe_amount`) and divides
  by 100 on the way in; the rest of the project only ever handles whole rupiah.
- **Idempotency.** Every write takes an `idempotency_key`, sent as Stripe's
  `Idempotency-Key` header: a retry with the same key (after a timeout, a double click)
  returns the first result instead of creating a second session or refund. Keys must be
  derived from the thing being paid or refunded (e.g. `invoice-42-attempt-1`), never random.
- **Errors.** Network and API failures become `GatewayError`, whose message is translated
  and safe to show; its `code` and `detail` are for logs. A declined card is *not* an error
  here: Stripe's hosted page handles it and the session stays open.
- **Webhooks.** `webhook_event_construct` verifies the `Stripe-Signature` header on the raw
  body with `STRIPE_WEBHOOK_SECRET`; anything else raises `WebhookRefused`.

Keys are never logged. See docs/stripe.md.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import stripe
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from marketplace.common.money import to_stripe_amount

logger = logging.getLogger(__name__)

CURRENCY = "idr"
# Stripe Checkout's page languages that the site also speaks; others let Stripe choose.
CHECKOUT_LOCALES = {"id", "en"}


class GatewayError(Exception):
    """Stripe could not be reached or refused the request; `message` is fit to show a user."""

    def __init__(self, message, *, code: str = "", detail: str = ""):
        super().__init__(message)
        self.message = message  # translated (lazily) into the language active when shown
        self.code = code  # Stripe's error code or the SDK error's class name, for logs
        self.detail = detail  # Stripe's own (English) explanation, for logs


class WebhookRefused(Exception):
    """A webhook request that must be answered 400 and ignored; `reason` says why."""

    BAD_SIGNATURE = "bad_signature"
    OLD_TIMESTAMP = "old_timestamp"
    MALFORMED_PAYLOAD = "malformed_payload"
    NOT_CONFIGURED = "not_configured"

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class CheckoutSession:
    """A Stripe Checkout Session, amounts in whole rupiah."""

    id: str
    url: str | None  # the hosted payment page; None once the session is complete or expired
    status: str  # "open", "complete" or "expired"
    payment_status: str  # "unpaid" or "paid" ("no_payment_required" never happens here)
    payment_intent_id: str | None  # None until the payer first tries to pay
    amount_idr: int
    client_reference_id: str | None
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def is_paid(self) -> bool:
        """True once the money is taken: the session is complete and paid."""
        return self.status == "complete" and self.payment_status == "paid"


@dataclass(frozen=True)
class Refund:
    """A Stripe refund, amount in whole rupiah."""

    id: str
    status: str  # "pending", "requires_action", "succeeded", "failed" or "canceled"
    amount_idr: int
    payment_intent_id: str | None


# --- The client ---------------------------------------------------------------------------

_client_cache: dict[tuple, stripe.StripeClient] = {}


def _client_settings() -> tuple:
    return (
        settings.STRIPE_SECRET_KEY,
        settings.STRIPE_API_BASE.rstrip("/"),
        float(getattr(settings, "STRIPE_TIMEOUT_SECONDS", 20)),
        int(getattr(settings, "STRIPE_MAX_NETWORK_RETRIES", 2)),
    )


def _client() -> stripe.StripeClient:
    """The StripeClient for the current settings (built once, rebuilt if they change)."""
    key = _client_settings()
    client = _client_cache.get(key)
    if client is None:
        secret_key, api_base, timeout, retries = key
        if not secret_key:
            raise GatewayError(_("Card payment is not set up on this site."), code="not_configured")
        bases: dict[str, str] = {"api": api_base}
        if api_base != stripe.DEFAULT_API_BASE:
            # Not the real Stripe (the fake, a proxy): nothing may leave for Stripe's other hosts.
            bases.update(files=api_base, connect=api_base, meter_events=api_base)
        client = stripe.StripeClient(
            secret_key,
            base_addresses=bases,
            max_network_retries=retries,
            http_client=stripe.RequestsClient(timeout=timeout),
        )
        _client_cache.clear()
        _client_cache[key] = client
    return client


def stripe_configured() -> bool:
    """True when a secret key and a webhook secret are set, so card payment can be offered."""
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)


# --- Conversions --------------------------------------------------------------------------


def _id_of(value: Any) -> str | None:
    """An expandable field's id, whether Stripe sent the id or the expanded object."""
    if value is None or isinstance(value, str):
        return value
    return value.get("id")


def _rupiah(hundredths: int | None) -> int:
    return (hundredths or 0) // 100


def _as_dict(obj: Any) -> dict:
    """A Stripe object's data as plain dicts (stripe 16's StripeObject is no longer a dict)."""
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _session_from(stripe_object: Any) -> CheckoutSession:
    obj = _as_dict(stripe_object)
    return CheckoutSession(
        id=obj["id"],
        url=obj.get("url"),
        status=obj.get("status") or "",
        payment_status=obj.get("payment_status") or "",
        payment_intent_id=_id_of(obj.get("payment_intent")),
        amount_idr=_rupiah(obj.get("amount_total")),
        client_reference_id=obj.get("client_reference_id"),
        metadata={str(k): str(v) for k, v in (obj.get("metadata") or {}).items()},
    )


def _refund_from(stripe_object: Any) -> Refund:
    obj = _as_dict(stripe_object)
    return Refund(
        id=obj["id"],
        status=obj.get("status") or "",
        amount_idr=_rupiah(obj.get("amount")),
        payment_intent_id=_id_of(obj.get("payment_intent")),
    )


def _gateway_error(exc: stripe.StripeError, action: str) -> GatewayError:
    """The GatewayError for an SDK error, logged without keys or personal data."""
    code = getattr(exc, "code", None) or type(exc).__name__
    detail = getattr(exc, "user_message", None) or str(getattr(exc, "_message", "") or "")
    logger.warning(
        "Stripe %s failed: %s (HTTP %s, request %s): %s",
        action,
        code,
        getattr(exc, "http_status", None),
        getattr(exc, "request_id", None),
        detail,
    )
    if isinstance(exc, stripe.APIConnectionError):
        message = _("The card payment service could not be reached. Please try again in a few minutes.")
    elif isinstance(exc, stripe.AuthenticationError | stripe.PermissionError):
        message = _(
            "The card payment service refused this site's credentials. Please tell the platform team."
        )
    elif isinstance(exc, stripe.RateLimitError):
        message = _("The card payment service is busy. Please try again in a minute.")
    elif isinstance(exc, stripe.IdempotencyError):
        message = _("This payment request was already sent with different details. Please start again.")
    elif code in ("amount_too_large", "charge_already_refunded"):
        message = _("The refund is larger than what is left to refund on this payment.")
    elif isinstance(exc, stripe.InvalidRequestError) and code == "resource_missing":
        message = _("The card payment service does not know this payment.")
    else:
        message = _("The card payment service could not process the request. Please try again later.")
    return GatewayError(message, code=code, detail=detail)


# --- Checkout -----------------------------------------------------------------------------


def checkout_session_create(
    *,
    reference: str,
    amount_idr: int,
    description: str,
    success_url: str,
    cancel_url: str,
    idempotency_key: str,
    metadata: dict[str, str],
    customer_email: str | None = None,
) -> CheckoutSession:
    """Open a Checkout Session for one payment of `amount_idr` rupiah; send the payer to its `url`."""
    if isinstance(amount_idr, bool) or not isinstance(amount_idr, int) or amount_idr <= 0:
        raise ValueError(f"amount_idr must be a positive whole number of rupiah, not {amount_idr!r}")
    if not idempotency_key:
        raise ValueError("idempotency_key is required")
    metadata = {str(k): str(v) for k, v in metadata.items()}
    params: dict[str, Any] = {
        "mode": "payment",
        "currency": CURRENCY,
        # A unit pays with its government credit card; bank transfer is handled by the site itself.
        "allowed_payment_method_types": ["card"],
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": CURRENCY,
                    "unit_amount": to_stripe_amount(amount_idr),
                    "product_data": {"name": description},
                },
            }
        ],
        "client_reference_id": reference,
        "success_url": success_url,
        "cancel_url": cancel_url,
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata, "description": description},
    }
    language = (get_language() or "").split("-")[0]
    params["locale"] = language if language in CHECKOUT_LOCALES else "auto"
    if customer_email:
        params["customer_email"] = customer_email
    try:
        session = _client().v1.checkout.sessions.create(
            params=params, options={"idempotency_key": idempotency_key}
        )
    except stripe.StripeError as exc:
        raise _gateway_error(exc, "checkout session create") from exc
    return _session_from(session)


def checkout_session_retrieve(*, session_id: str) -> CheckoutSession:
    """Read a Checkout Session back from Stripe (the truth after a redirect or a webhook)."""
    try:
        session = _client().v1.checkout.sessions.retrieve(session_id)
    except stripe.StripeError as exc:
        raise _gateway_error(exc, "checkout session retrieve") from exc
    return _session_from(session)


def checkout_session_expire(*, session_id: str) -> CheckoutSession:
    """Close an open Checkout Session so it can no longer be paid (e.g. paid by transfer instead)."""
    try:
        session = _client().v1.checkout.sessions.expire(session_id)
    except stripe.StripeError as exc:
        raise _gateway_error(exc, "checkout session expire") from exc
    return _session_from(session)


# --- Refunds ------------------------------------------------------------------------------


def refund_create(
    *, payment_intent_id: str, amount_idr: int | None, idempotency_key: str, reason_note: str
) -> Refund:
    """Refund `amount_idr` rupiah (None: all that is left) of a succeeded payment."""
    if amount_idr is not None and (
        isinstance(amount_idr, bool) or not isinstance(amount_idr, int) or amount_idr <= 0
    ):
        raise ValueError(f"amount_idr must be a positive whole number of rupiah or None, not {amount_idr!r}")
    if not idempotency_key:
        raise ValueError("idempotency_key is required")
    params: dict[str, Any] = {
        "payment_intent": payment_intent_id,
        "metadata": {"reason_note": reason_note[:500]},  # Stripe's limit for a metadata value
    }
    if amount_idr is not None:
        params["amount"] = to_stripe_amount(amount_idr)
    try:
        refund = _client().v1.refunds.create(params=params, options={"idempotency_key": idempotency_key})
    except stripe.StripeError as exc:
        raise _gateway_error(exc, "refund create") from exc
    return _refund_from(refund)


# --- Webhooks -----------------------------------------------------------------------------


def webhook_event_construct(*, payload: bytes, signature_header: str) -> stripe.Event:
    """Verify a webhook's signature on its raw body and return the event; WebhookRefused otherwise."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise WebhookRefused(WebhookRefused.NOT_CONFIGURED, "STRIPE_WEBHOOK_SECRET is empty")
    tolerance = int(getattr(settings, "STRIPE_WEBHOOK_TOLERANCE_SECONDS", 300))
    try:
        # Webhook.construct_event rather than client.construct_event: verifying needs no API key.
        event = stripe.Webhook.construct_event(payload, signature_header, secret, tolerance)
    except stripe.SignatureVerificationError as exc:
        detail = str(getattr(exc, "_message", "") or exc)
        reason = (
            WebhookRefused.OLD_TIMESTAMP if "tolerance" in detail.lower() else WebhookRefused.BAD_SIGNATURE
        )
        raise WebhookRefused(reason, detail) from exc
    except (ValueError, TypeError, AttributeError) as exc:  # not UTF-8, not JSON, not an event
        raise WebhookRefused(WebhookRefused.MALFORMED_PAYLOAD, str(exc)[:200]) from exc
    if "id" not in event or "type" not in event or "data" not in event:
        raise WebhookRefused(WebhookRefused.MALFORMED_PAYLOAD, "no event id or type")
    return event
