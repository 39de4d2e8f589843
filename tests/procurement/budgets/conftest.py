"""People and a small ordering world for the budget pages.

The world (a unit with an officer and a PPK, an approved MSME, a food budget line of
Rp 5.000.000) comes from tests/procurement/ordering/world.py; orders are placed through
`order_place`, so every figure on a line has its ledger entries behind it.
"""

import re
from html import unescape

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from marketplace.accounts import roles
from tests.factories import UserFactory
from tests.procurement.ordering.world import build_world


def with_two_factor(user):
    """Staff roles must have TOTP before any page opens; give them one."""
    TOTP.activate(user, generate_totp_secret())
    return user


def text_of(html: str, element_id: str) -> str:
    """The text inside the element with this id (tags stripped, spaces collapsed)."""
    match = re.search(rf'id="{re.escape(element_id)}"[^>]*>(.*?)</(td|div|dd|p|span|table|ul)>', html, re.S)
    assert match, f"no element with id {element_id!r}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


@pytest.fixture
def w():
    return build_world()


@pytest.fixture
def reference_admin():
    """The Admin role (accounts.manage_reference_data), with two-factor set up, in no unit."""
    return with_two_factor(UserFactory(roles=[roles.ADMIN], first_name="Galih", last_name="Pratama"))


@pytest.fixture
def reference_admin_client(client, reference_admin):
    client.force_login(reference_admin)
    return client
