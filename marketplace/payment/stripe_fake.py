"""A local stand-in for the part of Stripe's API that `stripe_gateway` uses (tests and the demo).

    fake = StripeFake(secret_key="sk_test_fake", webhook_secret="whsec_fake")
    base_url = fake.start()  # http://127.0.0.1:<free port>; point STRIPE_API_BASE at it
    ...
    fake.stop()

or `manage.py stripe_fake` for the demo (docs/stripe.md). Stdlib only: a ThreadingHTTPServer
in a background thread. It speaks Stripe's wire format, so the real SDK talks to it:

- API (Bearer `sk_test_…` key required, 401 otherwise): POST /v1/checkout/sessions,
  GET /v1/checkout/sessions/{id}, POST /v1/checkout/sessions/{id}/expire,
  GET /v1/payment_intents/{id}, POST /v1/refunds, GET /v1/events/{id}. Form bodies and query
  strings with nested keys (`line_items[0][price_data][unit_amount]=…`) are parsed as Stripe
  does, and every parameter name is checked against the SDK's own typed params (the TypedDicts
  in `stripe.params`): an unknown one is refused as Stripe refuses it. Amounts are in
  hundredths (IDR is a two-decimal currency for Stripe).
- `Idempotency-Key` on POSTs: the same key with the same parameters replays the first answer
  (header `Idempotent-Replayed: true`); with other parameters it is a 400 `idempotency_error`.
- A stand-in for Stripe's hosted page, GET /pay/{session_id}, with buttons Pay, Decline,
  3-D Secure (a confirmation step, then pay) and Abandon (back to cancel_url, session stays
  open). Paying completes the session, sends signed `checkout.session.completed` and
  `payment_intent.succeeded` webhooks to `webhook_url`, then redirects (303) to success_url.
- Webhooks are signed like Stripe's (`Stripe-Signature: t=…,v1=…`) and delivered before the
  redirect. Every event sent is kept in `sent_events`; with `deliver_webhooks = False` they
  are only kept. `resend(event_id)` replays one; `signed_event(...)` builds a signed event
  with any timestamp.

Not Stripe: one currency per session, `mode=payment` and `price_data` line items only, no
customers, no real cards, events in a fixed order. State lives in memory.
"""

from __future__ import annotations

import base64
import copy
import hmac
import html
import importlib
import json
import logging
import re
import secrets
import string
import threading
import time
import types
import typing
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import stripe
import typing_extensions

logger = logging.getLogger(__name__)

API_VERSION = stripe.api_version
MAX_BODY_BYTES = 1024 * 1024
SESSION_LIFETIME_SECONDS = 24 * 3600
WEBHOOK_TIMEOUT_SECONDS = 10
_ALNUM = string.ascii_letters + string.digits


def _new_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(length))


# --- Parameter names from the SDK's typed params ----------------------------------------


@dataclass(frozen=True)
class _Node:
    """What a parameter may hold: kind is object, list, map, int, bool, decimal, str or any."""

    kind: str
    fields: dict[str, _Node] | None = None  # object: its known keys
    item: _Node | None = None  # list and map: what each entry holds
    choices: frozenset[str] | None = None  # str: a closed set of values (a Literal without |str)


_ANY = _Node("any")


def _is_typeddict(tp: Any) -> bool:
    return typing_extensions.is_typeddict(tp) or typing.is_typeddict(tp)


def _node_for(tp: Any, memo: dict) -> _Node:
    """The _Node for one resolved annotation (TypedDicts recursively, through unions and lists)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [_node_for(arg, memo) for arg in typing.get_args(tp) if arg is not type(None)]
        for kind in ("object", "list", "map", "int", "bool", "decimal"):
            for option in options:
                if option.kind == kind:
                    return option
        choices: set[str] = set()
        for option in options:
            if option.kind == "str" and option.choices is None:
                return _Node("str")
            choices |= option.choices or set()
        return _Node("str", choices=frozenset(choices)) if choices else _Node("str")
    if origin is typing.Literal:
        return _Node("str", choices=frozenset(str(arg) for arg in typing.get_args(tp)))
    if origin in (list, tuple, typing.List):  # noqa: UP006 (the SDK's annotations use typing.List)
        args = typing.get_args(tp)
        return _Node("list", item=_node_for(args[0], memo) if args else _ANY)
    if origin is dict or (origin is not None and getattr(origin, "__name__", "") == "UntypedStripeObject"):
        args = typing.get_args(tp)
        return _Node("map", item=_node_for(args[-1], memo) if args else _ANY)
    if _is_typeddict(tp):
        return _typeddict_node(tp, memo)
    if tp is bool:
        return _Node("bool")
    if tp is int:
        return _Node("int")
    if tp in (float, Decimal):
        return _Node("decimal")
    if tp is str:
        return _Node("str")
    return _ANY


def _typeddict_node(cls: type, memo: dict) -> _Node:
    if cls in memo:
        return memo[cls]
    fields: dict[str, _Node] = {}
    node = _Node("object", fields=fields)
    memo[cls] = node  # before recursing: a TypedDict may (indirectly) contain itself
    from stripe import _request_options
    from stripe._stripe_context import StripeContext

    # Top-level params classes inherit RequestOptions, whose annotations name things only its
    # own module imports; those keys are SDK options (headers), never body parameters.
    hints = typing.get_type_hints(cls, localns={**vars(_request_options), "StripeContext": StripeContext})
    for name, hint in hints.items():
        if name in _request_options.RequestOptions.__annotations__:
            continue
        fields[name] = _node_for(hint, memo)
    return node


@cache
def params_schema(name: str) -> _Node:
    """The schema of one of the SDK's params TypedDicts, e.g. `checkout.SessionCreateParams`."""
    namespace, _, class_name = name.rpartition(".")
    # The SDK's layout: stripe.params.checkout._session_create_params.SessionCreateParams
    module = "_" + re.sub(r"(?<!^)(?=[A-Z])", "_", class_name).lower()
    package = f"stripe.params.{namespace}" if namespace else "stripe.params"
    return _typeddict_node(getattr(importlib.import_module(f"{package}.{module}"), class_name), {})


class StripeApiError(Exception):
    """An error answered in Stripe's shape: {"error": {"type", "message", "param", "code"}}."""

    def __init__(self, status: int, message: str, *, param=None, code=None, type_="invalid_request_error"):
        super().__init__(message)
        self.status, self.message, self.param, self.code, self.type = status, message, param, code, type_

    def body(self) -> dict:
        error = {"type": self.type, "message": self.message}
        if self.param is not None:
            error["param"] = self.param
        if self.code is not None:
            error["code"] = self.code
        return {"error": error}


_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def parse_form(pairs: list[tuple[str, str]]) -> dict:
    """Form pairs with bracketed keys (`a[b][0][c]=v`, `a[]=v`) as nested dicts of strings."""
    root: dict = {}
    for key, value in pairs:
        match = _KEY.match(key)
        if not match:
            raise StripeApiError(400, f"Invalid parameter name: {key}", param=key)
        parts = [match.group(1)] + re.findall(r"\[([^\[\]]*)\]", match.group(2))
        node = root
        for depth, part in enumerate(parts):
            if part == "":  # a[]=x: the next index
                part = str(len(node))
            last = depth == len(parts) - 1
            if last:
                if isinstance(node.get(part), dict):
                    raise StripeApiError(400, f"Invalid value for {key}: expected an object", param=key)
                node[part] = value
            else:
                child = node.setdefault(part, {})
                if not isinstance(child, dict):
                    raise StripeApiError(400, f"Invalid value for {key}: expected a string", param=key)
                node = child
    return root


def check_params(values: dict, schema: _Node, path: str = "") -> Any:
    """`values` checked against `schema` and typed (ints, bools, lists); StripeApiError if wrong."""
    kind = schema.kind
    if kind == "any":
        return values
    if kind in ("object", "map", "list"):
        if values == "":  # Stripe's way to unset an object
            return {} if kind != "list" else []
        if not isinstance(values, dict):
            raise StripeApiError(400, f"Invalid {path}: must be an object", param=path)
        if kind == "list":
            if not all(k.isdigit() for k in values):
                raise StripeApiError(400, f"Invalid array: {path}", param=path)
            return [check_params(values[k], schema.item, f"{path}[{k}]") for k in sorted(values, key=int)]
        out = {}
        for name, value in values.items():
            sub = f"{path}[{name}]" if path else name
            if kind == "object":
                if name not in schema.fields:
                    raise StripeApiError(
                        400, f"Received unknown parameter: {sub}", param=sub, code="parameter_unknown"
                    )
                out[name] = check_params(value, schema.fields[name], sub)
            else:
                out[name] = check_params(value, schema.item, sub)
        return out
    if isinstance(values, dict):
        raise StripeApiError(400, f"Invalid {path}: must be a string, not an object", param=path)
    if kind == "int":
        if not re.fullmatch(r"-?\d{1,18}", values):
            raise StripeApiError(
                400, f"Invalid integer: {values}", param=path, code="parameter_invalid_integer"
            )
        return int(values)
    if kind == "bool":
        if values not in ("true", "false"):
            raise StripeApiError(400, f"Invalid boolean: {values}", param=path)
        return values == "true"
    if kind == "decimal":
        try:
            return Decimal(values)
        except ArithmeticError:
            raise StripeApiError(400, f"Invalid decimal: {values}", param=path) from None
    if schema.choices is not None and values not in schema.choices:
        allowed = ", ".join(sorted(schema.choices))
        raise StripeApiError(400, f"Invalid {path}: must be one of {allowed}", param=path)
    return values


# --- The fake -----------------------------------------------------------------------------


@dataclass
class SentEvent:
    """One webhook as sent (or, with deliver_webhooks off, as it would have been sent)."""

    event_id: str
    type: str
    payload: bytes  # the exact body, as the webhook view will read it
    signature_header: str  # the Stripe-Signature header
    url: str | None = None  # where it was posted; None if only collected
    status: int | None = None  # the receiver's HTTP status; None if not delivered
    error: str = ""  # why delivery failed (connection refused, timeout...)

    @property
    def event(self) -> dict:
        """The event, parsed."""
        return json.loads(self.payload)


@dataclass
class _Response:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def _json_response(status: int, obj: Any, headers: dict | None = None) -> _Response:
    return _Response(status, json.dumps(obj, indent=2).encode(), headers=headers or {})


def _format_idr(hundredths: int) -> str:
    rupiah, cents = divmod(hundredths, 100)
    text = f"Rp {rupiah:,}".replace(",", ".")
    return f"{text},{cents:02d}" if cents else text


class StripeFake:
    """A threaded local HTTP server that answers like Stripe for Checkout, refunds and events."""

    def __init__(
        self,
        *,
        secret_key: str = "sk_test_fake",
        webhook_secret: str = "whsec_fake",
        host: str = "127.0.0.1",
        port: int = 0,
        webhook_url: str | None = None,
        deliver_webhooks: bool = True,
        public_url: str | None = None,
    ):
        if not secret_key.startswith("sk_test_"):
            raise ValueError("The Stripe fake only takes test-mode secret keys (sk_test_...).")
        self.secret_key = secret_key
        self.webhook_secret = webhook_secret
        self.host, self.port = host, port
        self.webhook_url = webhook_url  # where webhooks go; None: only collected in sent_events
        self.deliver_webhooks = deliver_webhooks
        self.public_url = public_url  # base of hosted page links, if browsers reach it elsewhere
        self.sessions: dict[str, dict] = {}
        self.payment_intents: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.events: dict[str, dict] = {}
        self.sent_events: list[SentEvent] = []
        self.created: Counter[str] = Counter()  # objects created, by Stripe object name
        self.requests: list[tuple[str, str]] = []  # (method, path) of every API request
        self._session_items: dict[str, dict] = {}  # what Stripe keeps but does not show on the session
        self._idempotency: dict[tuple[str, str], tuple[tuple, _Response]] = {}
        self._lock = threading.RLock()
        self._deliver_lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle --------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """Where the fake listens, e.g. http://127.0.0.1:54321 (set STRIPE_API_BASE to it)."""
        if self._server is None:
            raise RuntimeError("The Stripe fake is not started.")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> str:
        """Listen in a background thread; return the base URL."""
        if self._server is not None:
            return self.base_url
        self._server = _Server((self.host, self.port), _Handler, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="stripe-fake", daemon=True
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop listening (connections are then refused)."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> StripeFake:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- test helpers -----------------------------------------------------------------

    def pay(self, session_id: str) -> dict:
        """Pay a session as the hosted page's Pay button does (without a browser); the session."""
        return self._run_and_send(lambda outbox: self._complete(session_id, outbox))

    def decline(self, session_id: str) -> dict:
        """Decline the card on a session as the hosted page's Decline button does; the session."""
        return self._run_and_send(lambda outbox: self._fail(session_id, outbox, code="card_declined"))

    def expire(self, session_id: str) -> dict:
        """Expire an open session (as Stripe does after 24 hours); the session."""
        return self._run_and_send(lambda outbox: self._expire(session_id, outbox))

    def resend(self, event_id: str) -> SentEvent:
        """Send an event again, freshly signed, as Stripe's retries and the dashboard's resend do."""
        with self._lock:
            event = self.events.get(event_id)
        if event is None:
            raise KeyError(event_id)
        return self._send(event)

    def build_event(self, event_type: str, data_object: dict, *, created: int | None = None) -> dict:
        """A Stripe-shaped event around `data_object` (not stored, not sent)."""
        return {
            "id": _new_id("evt_test_"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()) if created is None else created,
            "data": {"object": copy.deepcopy(data_object)},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }

    def sign(self, payload: bytes, *, timestamp: int | None = None, secret: str | None = None) -> str:
        """The Stripe-Signature header for `payload` (now, or at `timestamp`)."""
        return stripe.WebhookSignature.generate_signature_header(
            payload.decode("utf-8"), secret or self.webhook_secret, timestamp
        )

    def signed_event(
        self, event_type: str, data_object: dict, *, timestamp: int | None = None
    ) -> tuple[bytes, str]:
        """(payload, Stripe-Signature header) of a new event, signed at `timestamp` (default now)."""
        event = self.build_event(event_type, data_object, created=timestamp)
        payload = json.dumps(event, indent=2, ensure_ascii=False).encode("utf-8")
        return payload, self.sign(payload, timestamp=timestamp)

    def events_of_type(self, event_type: str) -> list[SentEvent]:
        """The sent events of one type, oldest first."""
        return [sent for sent in self.sent_events if sent.type == event_type]

    # --- request handling -------------------------------------------------------------

    _ROUTES = [  # method, path, handler, the SDK's params class (in stripe.params[.namespace])
        ("POST", "/v1/checkout/sessions", "_api_session_create", "checkout.SessionCreateParams"),
        ("GET", "/v1/checkout/sessions/{id}", "_api_session_retrieve", "checkout.SessionRetrieveParams"),
        ("POST", "/v1/checkout/sessions/{id}/expire", "_api_session_expire", "checkout.SessionExpireParams"),
        ("GET", "/v1/payment_intents/{id}", "_api_payment_intent_retrieve", "PaymentIntentRetrieveParams"),
        ("POST", "/v1/refunds", "_api_refund_create", "RefundCreateParams"),
        ("GET", "/v1/events/{id}", "_api_event_retrieve", "EventRetrieveParams"),
    ]

    def _handle(self, method: str, target: str, headers, body: bytes) -> _Response:
        url = urlsplit(target)
        path = url.path.rstrip("/") or "/"
        try:
            if path.startswith("/pay/"):
                return self._hosted(method, path, url.query, body)
            if path.startswith("/v1/"):
                return self._api(method, path, url.query, headers, body)
            raise StripeApiError(404, f"Unrecognized request URL ({method}: {path}).")
        except StripeApiError as error:
            return _json_response(error.status, error.body())

    def _api(self, method: str, path: str, query: str, headers, body: bytes) -> _Response:
        self._authenticate(headers.get("Authorization", ""))
        for route_method, pattern, handler_name, params_class in self._ROUTES:  # noqa: B007 (used below)
            match = re.fullmatch(re.escape(pattern).replace(r"\{id\}", "(?P<id>[^/]+)"), path)
            if match and route_method == method:
                break
        else:
            raise StripeApiError(404, f"Unrecognized request URL ({method}: {path}).")
        raw = body.decode("utf-8", "replace") if method == "POST" else query
        pairs = parse_qsl(raw, keep_blank_values=True)
        key = headers.get("Idempotency-Key") if method == "POST" else None
        fingerprint = (method, path, tuple(sorted(pairs)))
        with self._lock:
            self.requests.append((method, path))
            if key:
                known = self._idempotency.get((self.secret_key, key))
                if known is not None:
                    if known[0] != fingerprint:
                        raise StripeApiError(
                            400,
                            "Keys for idempotent requests can only be used with the same parameters they "
                            f"were first used with. Try using a key other than '{key}' if you meant to "
                            "execute a different request.",
                            type_="idempotency_error",
                        )
                    replay = known[1]
                    return _Response(
                        replay.status, replay.body, headers={**replay.headers, "Idempotent-Replayed": "true"}
                    )
            # Parameters are checked before the endpoint runs; Stripe saves no idempotent result
            # for a request refused at this point, so a corrected retry may reuse the key.
            params = check_params(parse_form(pairs), params_schema(params_class))
            outbox: list[dict] = []
            try:
                obj = getattr(self, handler_name)(params, outbox, **match.groupdict())
                response = _json_response(200, obj)
            except StripeApiError as error:
                response = _json_response(error.status, error.body())
            response.headers["Request-Id"] = _new_id("req_", 14)
            if key:
                self._idempotency[(self.secret_key, key)] = (fingerprint, response)
        self._send_all(outbox)
        return response

    def _authenticate(self, authorization: str) -> None:
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() == "basic":  # curl -u sk_test_...:
            try:
                credentials = base64.b64decode(credentials).decode().partition(":")[0]
            except ValueError:
                credentials = ""
        elif scheme.lower() != "bearer":
            credentials = ""
        if not credentials:
            raise StripeApiError(
                401,
                "You did not provide an API key. You need to provide your API key in the Authorization "
                "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
            )
        if not hmac.compare_digest(credentials.encode(), self.secret_key.encode()):
            shown = credentials[:8] + "*" * max(0, len(credentials) - 12) + credentials[-4:]
            raise StripeApiError(401, f"Invalid API Key provided: {shown}")

    # --- API endpoints (called under the lock; events go to outbox) ---------------------

    def _api_session_create(self, params: dict, outbox: list) -> dict:
        if params.get("mode") is None:
            raise StripeApiError(400, "Missing required param: mode.", param="mode", code="parameter_missing")
        if params["mode"] != "payment":
            raise StripeApiError(400, "The Stripe fake only supports mode=payment.", param="mode")
        if params.get("ui_mode", "hosted") != "hosted":
            raise StripeApiError(400, "The Stripe fake only supports ui_mode=hosted.", param="ui_mode")
        for name in ("success_url", "cancel_url"):
            value = params.get(name)
            if value is None and name == "success_url":
                raise StripeApiError(
                    400, f"Missing required param: {name}.", param=name, code="parameter_missing"
                )
            if value is not None and not re.match(r"https?://[^\s/]+", value):
                raise StripeApiError(400, f"Not a valid URL: {name}", param=name, code="url_invalid")
        items = params.get("line_items") or []
        if not items:
            raise StripeApiError(
                400, "Missing required param: line_items.", param="line_items", code="parameter_missing"
            )
        total, currency, names = 0, params.get("currency"), []
        for index, item in enumerate(items):
            at = f"line_items[{index}]"
            if "price" in item:
                raise StripeApiError(
                    400, f"No such price: '{item['price']}'", param=f"{at}[price]", code="resource_missing"
                )
            price = item.get("price_data")
            if not price:
                raise StripeApiError(
                    400,
                    f"Missing required param: {at}[price_data].",
                    param=f"{at}[price_data]",
                    code="parameter_missing",
                )
            for name in ("currency", "unit_amount"):
                if name not in price:
                    raise StripeApiError(
                        400,
                        f"Missing required param: {at}[price_data][{name}].",
                        param=f"{at}[price_data][{name}]",
                        code="parameter_missing",
                    )
            if not (price.get("product_data") or {}).get("name"):
                raise StripeApiError(
                    400,
                    f"Missing required param: {at}[price_data][product_data][name].",
                    param=f"{at}[price_data][product_data][name]",
                    code="parameter_missing",
                )
            if "quantity" not in item:
                raise StripeApiError(
                    400,
                    f"Missing required param: {at}[quantity].",
                    param=f"{at}[quantity]",
                    code="parameter_missing",
                )
            if price["unit_amount"] < 0 or item["quantity"] < 1:
                raise StripeApiError(400, f"Invalid non-negative integer: {at}", param=at)
            if currency is not None and price["currency"] != currency:
                raise StripeApiError(
                    400, "All line items must have the same currency.", param=f"{at}[price_data][currency]"
                )
            currency = price["currency"]
            total += price["unit_amount"] * item["quantity"]
            names.append(price["product_data"]["name"])
        if total <= 0:
            raise StripeApiError(
                400, "The Checkout Session's total amount due must be above zero.", param="line_items"
            )
        self._check_metadata(params.get("metadata") or {}, "metadata")
        intent_data = params.get("payment_intent_data") or {}
        self._check_metadata(intent_data.get("metadata") or {}, "payment_intent_data[metadata]")
        reference = params.get("client_reference_id")
        if reference is not None and len(reference) > 200:
            raise StripeApiError(
                400, "client_reference_id can have up to 200 characters.", param="client_reference_id"
            )
        now = int(time.time())
        session_id = _new_id("cs_test_", 58)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": total,
            "amount_total": total,
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": reference,
            "created": now,
            "currency": currency,
            "customer": None,
            "customer_details": None,
            "customer_email": params.get("customer_email"),
            "expires_at": params.get("expires_at") or now + SESSION_LIFETIME_SECONDS,
            "livemode": False,
            "locale": params.get("locale"),
            "metadata": params.get("metadata") or {},
            "mode": "payment",
            "payment_intent": None,  # made when the payer first tries to pay, as Stripe does
            "allowed_payment_method_types": params.get("allowed_payment_method_types"),
            "payment_method_types": params.get("allowed_payment_method_types") or ["card"],
            "payment_status": "unpaid",
            "status": "open",
            "success_url": params.get("success_url"),
            "ui_mode": "hosted",
            "url": f"{(self.public_url or self.base_url).rstrip('/')}/pay/{session_id}",
        }
        self.sessions[session_id] = session
        self._session_items[session_id] = {"names": names, "payment_intent_data": intent_data}
        self.created["checkout.session"] += 1
        return self._expanded(session, params.get("expand"))

    @staticmethod
    def _check_metadata(metadata: dict, param: str) -> None:
        if len(metadata) > 50:
            raise StripeApiError(400, "Invalid metadata: metadata can have up to 50 keys.", param=param)
        for key, value in metadata.items():
            if len(key) > 40:
                raise StripeApiError(
                    400, "Metadata keys can have up to 40 characters.", param=f"{param}[{key}]"
                )
            if len(value) > 500:
                raise StripeApiError(
                    400,
                    "Metadata values can have up to 500 characters, but you passed in a value that is "
                    f"{len(value)} characters long.",
                    param=f"{param}[{key}]",
                )

    def _api_session_retrieve(self, params: dict, outbox: list, id: str) -> dict:
        return self._expanded(self._get(self.sessions, id, "checkout.session"), params.get("expand"))

    def _api_session_expire(self, params: dict, outbox: list, id: str) -> dict:
        return self._expanded(self._expire(id, outbox), params.get("expand"))

    def _api_payment_intent_retrieve(self, params: dict, outbox: list, id: str) -> dict:
        if params.get("expand"):
            raise StripeApiError(
                400, f"This property cannot be expanded ({params['expand'][0]}).", param="expand"
            )
        return copy.deepcopy(self._get(self.payment_intents, id, "payment_intent"))

    def _api_event_retrieve(self, params: dict, outbox: list, id: str) -> dict:
        return copy.deepcopy(self._get(self.events, id, "event"))

    def _api_refund_create(self, params: dict, outbox: list) -> dict:
        if "charge" in params and "payment_intent" not in params:
            charge = self._get(self.charges, params["charge"], "charge", param="charge")
            params["payment_intent"] = charge["payment_intent"]
        if "payment_intent" not in params:
            raise StripeApiError(
                400,
                "One of the following params should be provided for this request: payment_intent or charge.",
            )
        intent = self._get(
            self.payment_intents, params["payment_intent"], "payment_intent", param="payment_intent"
        )
        if intent["status"] != "succeeded" or not intent.get("latest_charge"):
            raise StripeApiError(
                400,
                f"This PaymentIntent ({intent['id']}) does not have a successful charge to refund.",
                param="payment_intent",
                code="charge_not_refundable",
            )
        charge = self.charges[intent["latest_charge"]]
        remaining = charge["amount"] - charge["amount_refunded"]
        if remaining <= 0:
            raise StripeApiError(
                400, f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded"
            )
        amount = params.get("amount", remaining)
        if amount <= 0:
            raise StripeApiError(
                400, "Invalid positive integer", param="amount", code="parameter_invalid_integer"
            )
        if amount > remaining:
            raise StripeApiError(
                400,
                f"Refund amount ({_format_idr(amount)}) is greater than unrefunded amount on charge "
                f"({_format_idr(remaining)})",
                param="amount",
                code="amount_too_large",
            )
        refund = {
            "id": _new_id("re_test_"),
            "object": "refund",
            "amount": amount,
            "charge": charge["id"],
            "created": int(time.time()),
            "currency": charge["currency"],
            "metadata": params.get("metadata") or {},
            "payment_intent": intent["id"],
            "reason": params.get("reason"),
            "status": "succeeded",
        }
        self.refunds[refund["id"]] = refund
        self.created["refund"] += 1
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        self._event("refund.created", refund, outbox)
        self._event("charge.refunded", charge, outbox)
        return self._expanded(refund, params.get("expand"))

    # --- state changes ----------------------------------------------------------------

    def _get(self, table: dict, object_id: str, name: str, *, param: str = "id") -> dict:
        obj = table.get(object_id)
        if obj is None:
            raise StripeApiError(404, f"No such {name}: '{object_id}'", param=param, code="resource_missing")
        return obj

    def _expanded(self, obj: dict, expand: list | None) -> dict:
        out = copy.deepcopy(obj)
        for name in expand or []:
            if name != "payment_intent" or "payment_intent" not in out:
                raise StripeApiError(400, f"This property cannot be expanded ({name}).", param="expand")
            if out["payment_intent"]:
                out["payment_intent"] = copy.deepcopy(self.payment_intents[out["payment_intent"]])
        return out

    def _event(self, event_type: str, data_object: dict, outbox: list) -> dict:
        event = self.build_event(event_type, data_object)
        self.events[event["id"]] = event
        self.created["event"] += 1
        outbox.append(event)
        return event

    def _open_session(self, session_id: str) -> dict:
        session = self._get(self.sessions, session_id, "checkout.session")
        if session["status"] != "open":
            raise StripeApiError(409, f"This Checkout Session is {session['status']}.")
        return session

    def _intent_for(self, session: dict) -> dict:
        if session["payment_intent"]:
            return self.payment_intents[session["payment_intent"]]
        data = self._session_items[session["id"]]["payment_intent_data"]
        intent = {
            "id": _new_id("pi_test_"),
            "object": "payment_intent",
            "amount": session["amount_total"],
            "amount_received": 0,
            "created": int(time.time()),
            "currency": session["currency"],
            "description": data.get("description"),
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "metadata": data.get("metadata") or {},
            "payment_method_types": ["card"],
            "status": "requires_payment_method",
        }
        self.payment_intents[intent["id"]] = intent
        self.created["payment_intent"] += 1
        session["payment_intent"] = intent["id"]
        return intent

    def _complete(self, session_id: str, outbox: list) -> dict:
        session = self._open_session(session_id)
        intent = self._intent_for(session)
        charge = {
            "id": _new_id("ch_test_"),
            "object": "charge",
            "amount": intent["amount"],
            "amount_captured": intent["amount"],
            "amount_refunded": 0,
            "created": int(time.time()),
            "currency": intent["currency"],
            "metadata": intent["metadata"],
            "paid": True,
            "payment_intent": intent["id"],
            "refunded": False,
            "status": "succeeded",
        }
        self.charges[charge["id"]] = charge
        self.created["charge"] += 1
        intent.update(status="succeeded", amount_received=intent["amount"], latest_charge=charge["id"])
        intent["last_payment_error"] = None
        session.update(status="complete", payment_status="paid", url=None)
        session["customer_details"] = {"email": session["customer_email"], "name": "Test Cardholder"}
        self._event("checkout.session.completed", session, outbox)
        self._event("payment_intent.succeeded", intent, outbox)
        return session

    def _fail(self, session_id: str, outbox: list, *, code: str) -> dict:
        session = self._open_session(session_id)
        intent = self._intent_for(session)
        message = {
            "card_declined": "Your card was declined.",
            "payment_intent_authentication_failure": "The provided payment method has failed authentication.",
        }[code]
        intent["status"] = "requires_payment_method"
        intent["last_payment_error"] = {
            "type": "card_error",
            "code": code,
            "decline_code": "generic_decline" if code == "card_declined" else None,
            "message": message,
        }
        self._event("payment_intent.payment_failed", intent, outbox)
        return session

    def _expire(self, session_id: str, outbox: list) -> dict:
        session = self._get(self.sessions, session_id, "checkout.session")
        if session["status"] != "open":
            raise StripeApiError(
                400,
                'Only Checkout Sessions with a status in ["open"] can be expired '
                f"(this one is {session['status']}).",
            )
        session.update(status="expired", url=None)
        if session["payment_intent"]:
            self.payment_intents[session["payment_intent"]]["status"] = "canceled"
        self._event("checkout.session.expired", session, outbox)
        return session

    def _run_and_send(self, change) -> Any:
        """Run `change(outbox)` under the lock, then send the events it queued."""
        outbox: list[dict] = []
        with self._lock:
            result = copy.deepcopy(change(outbox))
        self._send_all(outbox)
        return result

    # --- webhooks ---------------------------------------------------------------------

    def _send_all(self, events: list[dict]) -> None:
        # Never under self._lock: the receiver (the site's webhook view) may call the API back.
        for event in events:
            self._send(event)

    def _send(self, event: dict) -> SentEvent:
        payload = json.dumps(event, indent=2, ensure_ascii=False).encode("utf-8")
        sent = SentEvent(event["id"], event["type"], payload, self.sign(payload))
        with self._deliver_lock:  # only around the list: the POST below may cause more events
            self.sent_events.append(sent)
        url = self.webhook_url if self.deliver_webhooks else None
        if url:
            sent.url = url
            request = urllib.request.Request(
                url,
                data=payload,
                method="POST",
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "Stripe-Signature": sent.signature_header,
                    "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as answer:
                    sent.status = answer.status
            except urllib.error.HTTPError as error:
                sent.status = error.code
            except (OSError, ValueError) as error:
                sent.error = str(error)
        logger.info(
            "Stripe fake: %s %s -> %s", event["type"], event["id"], url and (sent.status or sent.error)
        )
        return sent

    # --- the hosted page --------------------------------------------------------------

    def _hosted(self, method: str, path: str, query: str, body: bytes) -> _Response:
        session_id = path.removeprefix("/pay/")
        with self._lock:
            session = copy.deepcopy(self.sessions.get(session_id))
            names = list(self._session_items.get(session_id, {}).get("names", []))
        if session is None:
            return self._page(404, "Not found", "<p>There is no Checkout Session with this address.</p>")
        if session["status"] != "open":
            status = 200 if method == "GET" else 409
            return self._page(
                status, "Checkout Session closed", f"<p>This Checkout Session is {session['status']}.</p>"
            )
        if method == "GET":
            note = ""
            error = dict(parse_qsl(query)).get("error")
            if error == "declined":
                note = '<p class="error" role="alert">Your card was declined.</p>'
            elif error == "authentication":
                note = '<p class="error" role="alert">Authentication failed: the card was not charged.</p>'
            return self._checkout_page(session, names, note)
        action = dict(parse_qsl(body.decode("utf-8", "replace"))).get("action", "")
        here = f"/pay/{session_id}"
        try:
            if action == "pay" or action == "3ds_complete":
                self._run_and_send(lambda outbox: self._complete(session_id, outbox))
                return self._redirect(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id))
            if action == "decline":
                self._run_and_send(lambda outbox: self._fail(session_id, outbox, code="card_declined"))
                return self._redirect(f"{here}?error=declined")
            if action == "3ds_fail":
                self._run_and_send(
                    lambda outbox: self._fail(
                        session_id, outbox, code="payment_intent_authentication_failure"
                    )
                )
                return self._redirect(f"{here}?error=authentication")
            if action == "3ds":
                return self._challenge_page(session)
            if action == "abandon":
                return self._redirect(session["cancel_url"] or here)
        except StripeApiError as error:  # paid or expired meanwhile (another tab)
            return self._page(409, "Checkout Session closed", f"<p>{html.escape(error.message)}</p>")
        return self._page(400, "Unknown action", "<p>Choose one of the buttons.</p>")

    @staticmethod
    def _redirect(location: str) -> _Response:
        return _Response(303, b"", content_type="text/plain", headers={"Location": location})

    @staticmethod
    def _page(status: int, title: str, content: str) -> _Response:
        page = f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} · Stripe fake</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 28rem; margin: 2rem auto; padding: 0 1rem; }}
.banner {{ background: #ffe9a8; padding: .5rem; border-radius: .25rem; font-size: .9rem; }}
.amount {{ font-size: 2rem; font-weight: bold; }}
.error {{ color: #b00020; font-weight: bold; }}
button {{ display: block; width: 100%; margin: .5rem 0; padding: .75rem; font-size: 1rem; }}
</style></head>
<body>
<p class="banner">Test mode: this is a local stand-in for Stripe Checkout. No card is charged.</p>
<h1>{html.escape(title)}</h1>
{content}
</body></html>"""
        return _Response(status, page.encode("utf-8"), content_type="text/html; charset=utf-8")

    def _checkout_page(self, session: dict, names: list[str], note: str) -> _Response:
        items = "".join(f"<li>{html.escape(name)}</li>" for name in names)
        reference = html.escape(session["client_reference_id"] or "")
        content = f"""{note}
<p class="amount">{_format_idr(session["amount_total"])}</p>
<ul>{items}</ul>
<p>Reference: <span class="reference">{reference}</span></p>
<form method="post" action="/pay/{session["id"]}">
<button type="submit" name="action" value="pay">Pay</button>
<button type="submit" name="action" value="decline">Decline</button>
<button type="submit" name="action" value="3ds">3-D Secure</button>
<button type="submit" name="action" value="abandon">Abandon</button>
</form>"""
        return self._page(200, "Pay with card", content)

    def _challenge_page(self, session: dict) -> _Response:
        amount = _format_idr(session["amount_total"])
        content = f"""<p>Your bank asks you to confirm this payment of {amount}.</p>
<form method="post" action="/pay/{session["id"]}">
<button type="submit" name="action" value="3ds_complete">Complete authentication</button>
<button type="submit" name="action" value="3ds_fail">Fail authentication</button>
</form>"""
        return self._page(200, "3-D Secure authentication", content)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, handler, fake: StripeFake):
        self.fake = fake
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    server_version = "StripeFake/1.0"
    server: _Server

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self._serve("GET")

    def do_POST(self):  # noqa: N802
        self._serve("POST")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            response = _json_response(413, StripeApiError(413, "Request body too large.").body())
        else:
            body = self.rfile.read(length) if length else b""
            response = self.server.fake._handle(method, self.path, self.headers, body)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Stripe-Version", API_VERSION)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        logger.debug("Stripe fake: " + format, *args)
