"""Two approved MSMEs (A and B), an officer and anonymous visitors, for catalogue tests."""

import pytest
from django.test import Client

from marketplace.accounts import roles
from tests.factories import UserFactory, VendorFactory


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def vendor_a(db):
    """An approved MSME with its Oscar partner."""
    return VendorFactory(approved=True, business_name="Katering Bu Ani")


@pytest.fixture
def vendor_b(db):
    return VendorFactory(approved=True, business_name="Dapur Pak Budi")


@pytest.fixture
def client_a(vendor_a):
    return logged_in(vendor_a.owner)


@pytest.fixture
def client_b(vendor_b):
    return logged_in(vendor_b.owner)


@pytest.fixture
def officer(db):
    """A Pemesan OPD: may place orders, so the catalogue opens sorted by Pemerataan."""
    return UserFactory(roles=[roles.BUYER])


@pytest.fixture
def officer_client(officer):
    return logged_in(officer)
