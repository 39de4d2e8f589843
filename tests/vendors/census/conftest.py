"""The city of the census tests: Semarang's regions and tile map from the city pack, and people."""

from datetime import date

import pytest
from django.conf import settings

from marketplace.accounts import roles
from marketplace.common.citypack import pack_load
from marketplace.regions.models import Region
from procurement.units.city_pack import KECAMATAN_TILES, REGIONS
from tests.factories import UserFactory

TODAY = date(2026, 12, 1)


@pytest.fixture
def semarang(db):
    """The city pack's 16 kecamatan and 177 kelurahan, and their tiles."""
    pack_load(pack_dir=settings.CITY_PACK_DIR, specs=(REGIONS, KECAMATAN_TILES))
    return {r.name: r for r in Region.objects.filter(level=Region.Level.DISTRICT)}


@pytest.fixture
def analyst(db):
    return UserFactory(roles=[roles.ANALYST], email="analis@dinkopum.semarangkota.go.id")


@pytest.fixture
def kelurahan(semarang):
    """`kelurahan(name, kecamatan_name)`: the kelurahan of that name in that kecamatan."""

    def find(name, kecamatan):
        return Region.objects.get(level=Region.Level.VILLAGE, name=name, parent=semarang[kecamatan])

    return find
