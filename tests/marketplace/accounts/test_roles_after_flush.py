"""A transactional test empties every table; the tests after it still find the role groups.

Both tests are transactional so they run in this order (pytest-django runs all other
database tests first); the second sees only what tests/conftest.py put back.
"""

import pytest
from django.contrib.auth.models import Group, Permission

from marketplace.accounts import roles

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_transactional_test_may_empty_the_role_groups():
    Group.objects.all().delete()
    assert not Group.objects.exists()


def test_role_groups_and_their_permissions_are_back_for_the_next_test():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)
    verifier = Group.objects.get(name=roles.VERIFIER)
    assert verifier.permissions.filter(codename="verify_vendors").exists()
    assert Permission.objects.filter(codename="dashboard_access").exists()
