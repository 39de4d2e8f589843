from tests.stripe_fixtures import stripe_fake, stripe_offline, stripe_webhook_receiver  # noqa: F401
