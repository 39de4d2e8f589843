import pytest

from tests.procurement.transparency.world import town
from tests.stripe_fixtures import stripe_fake, stripe_offline  # noqa: F401 (the fake, or no Stripe at all)


@pytest.fixture
def city(db, stripe_offline):  # noqa: F811
    return town()
