import pytest

from tests.procurement.transparency.world import town
from tests.stripe_fixtures import stripe_offline  # noqa: F401 (no Stripe, no network)


@pytest.fixture
def city(db, stripe_offline):  # noqa: F811
    return town()
