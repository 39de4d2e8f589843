"""A person registering whose NIK the census knows finds the business's facts pre-filled,
never another person's personal data."""

import pytest
from django.urls import reverse

from tests.factories import VendorFactory
from tests.vendors.census.helpers import record

pytestmark = pytest.mark.django_db


def test_the_business_step_is_prefilled_from_the_census_record_of_the_nik(client):
    vendor = VendorFactory(business_name="", capital_idr=None, employees=None)
    record(nik=vendor.nik, business_name="Warung Bu Endang", capital_idr=40_000_000, employees=4)
    client.force_login(vendor.owner)

    business = client.get(reverse("vendors:register-step", args=["usaha"])).content.decode()
    census = client.get(reverse("vendors:register-step", args=["sensus"])).content.decode()

    assert 'id="census-prefill"' in business and 'value="Warung Bu Endang"' in business
    assert 'value="40000000"' in census and 'value="4"' in census


def test_nothing_is_prefilled_without_a_matching_record_or_over_what_the_owner_typed(client):
    vendor = VendorFactory(business_name="Dapur Milik Saya")
    record(nik="3374014101850003", business_name="Warung Orang Lain")
    client.force_login(vendor.owner)

    html = client.get(reverse("vendors:register-step", args=["usaha"])).content.decode()

    assert "Warung Orang Lain" not in html and 'id="census-prefill"' not in html
    assert 'value="Dapur Milik Saya"' in html
