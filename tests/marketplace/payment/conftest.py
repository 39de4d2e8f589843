import pytest

from tests.stripe_fixtures import stripe_fake, stripe_offline, stripe_webhook_receiver  # noqa: F401


@pytest.fixture(autouse=True)
def _stripe_offline_by_default(stripe_offline):  # noqa: F811 (the fixture imported above)
    """Nothing here reaches api.stripe.com unless a test asks (the fake's fixture, the live test)."""
