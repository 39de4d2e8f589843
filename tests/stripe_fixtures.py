"""Fixtures for anything that pays by card: the local Stripe fake, and a webhook receiver.

Use them from any test folder by importing them into its conftest.py:

    from tests.stripe_fixtures import stripe_fake, stripe_offline, stripe_webhook_receiver  # noqa: F401

`stripe_fake` starts `marketplace.payment.stripe_fake.StripeFake` on a free port and points
STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and STRIPE_API_BASE at it (no request can reach
api.stripe.com), with short timeouts and no retries so a failure shows at once. Webhooks are
collected in `stripe_fake.sent_events` until a test sets `stripe_fake.webhook_url`
(e.g. `live_server.url + reverse(...)`, or `stripe_webhook_receiver.url`).
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from marketplace.payment.stripe_fake import StripeFake

FAKE_SECRET_KEY = "sk_test_gulo_asem_tests"
FAKE_PUBLISHABLE_KEY = "pk_test_gulo_asem_tests"
FAKE_WEBHOOK_SECRET = "whsec_gulo_asem_tests"


@pytest.fixture
def stripe_offline(settings):
    """No Stripe at all: no keys, and an API address where nothing listens (whatever .env says)."""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # the discard port: connections are refused
    settings.STRIPE_TIMEOUT_SECONDS = 2
    settings.STRIPE_MAX_NETWORK_RETRIES = 0


@pytest.fixture
def stripe_fake(settings):
    """A running Stripe fake that the gateway talks to; stopped after the test."""
    fake = StripeFake(secret_key=FAKE_SECRET_KEY, webhook_secret=FAKE_WEBHOOK_SECRET)
    base_url = fake.start()
    settings.STRIPE_SECRET_KEY = FAKE_SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = FAKE_PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = FAKE_WEBHOOK_SECRET
    settings.STRIPE_API_BASE = base_url
    settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300
    settings.STRIPE_TIMEOUT_SECONDS = 2
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    yield fake
    fake.stop()


class WebhookReceiver:
    """A tiny HTTP server that records every POST (headers and raw body) and answers `status`."""

    def __init__(self):
        self.received: list[dict] = []  # {"path", "headers", "body"} in arrival order
        self.status = 200
        self.on_receive = None  # called with each parsed event before answering, like a webhook view
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
                if receiver.on_receive is not None:
                    receiver.on_receive(json.loads(body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/webhooks/stripe/"

    def events(self) -> list[dict]:
        """The bodies received, parsed."""
        return [json.loads(item["body"]) for item in self.received]

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def stripe_webhook_receiver():
    """A local URL that records the webhooks posted to it."""
    receiver = WebhookReceiver()
    yield receiver
    receiver.stop()
