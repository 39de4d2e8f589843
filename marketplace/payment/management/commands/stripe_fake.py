"""Demo: run the local fake of Stripe (marketplace.payment.stripe_fake) until Ctrl-C.

With STRIPE_FAKE=1 (and no real key) the site talks to it at STRIPE_FAKE_URL with the fake's
test keys; the hosted page it serves stands in for Stripe Checkout, and its webhooks go to
STRIPE_FAKE_WEBHOOK_URL (or --webhook-url). See docs/stripe.md.
"""

import signal
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from marketplace.payment.stripe_fake import StripeFake


class Command(BaseCommand):
    help = "Run a local fake of Stripe's API and Checkout page for the demo (never for production)."

    def add_arguments(self, parser):
        address = urlsplit(settings.STRIPE_FAKE_URL)
        parser.add_argument("--host", default=address.hostname or "127.0.0.1")
        parser.add_argument("--port", type=int, default=address.port or 12111)
        parser.add_argument(
            "--webhook-url",
            default=settings.STRIPE_FAKE_WEBHOOK_URL,
            help="Where to post signed webhooks (default STRIPE_FAKE_WEBHOOK_URL; empty: only log them).",
        )
        parser.add_argument(
            "--public-url",
            default="",
            help="Base of the payment page links, if browsers reach the fake elsewhere.",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The Stripe fake is for the demo only.")
        secret_key = settings.STRIPE_SECRET_KEY
        if not secret_key.startswith("sk_test_"):
            raise CommandError(
                "Set STRIPE_FAKE=1 (with no STRIPE_SECRET_KEY) to run the fake with its test keys."
            )
        fake = StripeFake(
            secret_key=secret_key,
            webhook_secret=settings.STRIPE_WEBHOOK_SECRET or "whsec_fake",
            host=options["host"],
            port=options["port"],
            webhook_url=options["webhook_url"] or None,
            public_url=options["public_url"] or None,
        )
        base_url = fake.start()
        if settings.STRIPE_API_BASE != base_url:
            self.stderr.write(
                f"Note: the site talks to {settings.STRIPE_API_BASE}, not to this fake; set STRIPE_FAKE=1."
            )
        where = fake.webhook_url or "nowhere (kept and logged only)"
        self.stdout.write(f"Stripe fake on {base_url}; webhooks to {where}. Ctrl-C to stop.")
        previous = signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as Ctrl-C does
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            fake.stop()
            self.stdout.write(f"Stripe fake stopped ({len(fake.sent_events)} event(s) sent).")


def _interrupt(signum, frame):
    raise KeyboardInterrupt
