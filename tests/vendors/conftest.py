"""People and helpers for the MSME tests.

Staff two-factor login is tested in tests/marketplace/accounts/test_two_factor.py; here it is
off, so a Verifikator or an Admin logged in with `client.force_login` reaches the pages.
"""

from pathlib import Path

import pytest
from django.core.files.storage import storages

from marketplace.accounts import roles
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _staff_without_two_factor(settings):
    settings.STAFF_MFA_REQUIRED = False


@pytest.fixture
def verifier(db):
    return UserFactory(roles=[roles.VERIFIER], email="verifikator@dinkopum.semarangkota.go.id")


@pytest.fixture
def city_admin(db):
    return UserFactory(roles=[roles.ADMIN], email="admin@diskominfo.semarangkota.go.id")


@pytest.fixture
def buyer(db):
    return UserFactory(roles=[roles.BUYER], email="pemesan@bappeda.semarangkota.go.id")


@pytest.fixture
def private_files():
    """A function returning the set of files currently in the private storage."""

    def files() -> set[Path]:
        root = Path(storages["private"].location)
        return {p for p in root.rglob("*") if p.is_file()}

    return files


@pytest.fixture
def login(client):
    """`login(user)` logs the test client in as the user and returns the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
