"""Regions of Kota Semarang (Kemendagri codes): the city, its kecamatan and kelurahan."""

import factory
from factory.django import DjangoModelFactory

from marketplace.regions.models import Region

KECAMATAN_NAMES = (
    "Semarang Tengah",
    "Semarang Utara",
    "Semarang Timur",
    "Gayamsari",
    "Genuk",
    "Pedurungan",
    "Semarang Selatan",
    "Candisari",
    "Gajahmungkur",
    "Tembalang",
    "Banyumanik",
    "Gunungpati",
    "Semarang Barat",
    "Mijen",
    "Ngaliyan",
    "Tugu",
)
KELURAHAN_NAMES = (
    "Miroto",
    "Brumbungan",
    "Jagalan",
    "Kranggan",
    "Sekayu",
    "Kauman",
    "Tembalang",
    "Bulusan",
    "Srondol Wetan",
    "Pedalangan",
    "Lamper Kidul",
    "Tlogosari Kulon",
)


class CityRegionFactory(DjangoModelFactory):
    """Kota Semarang itself (33.74); shared by every kecamatan made here."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "33.74"
    level = Region.Level.CITY
    name = "Kota Semarang"


class KecamatanFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    parent = factory.SubFactory(CityRegionFactory)
    code = factory.Sequence(lambda n: f"33.74.{n % 90 + 10:02d}")
    level = Region.Level.DISTRICT
    name = factory.Iterator(KECAMATAN_NAMES)


class KelurahanFactory(DjangoModelFactory):
    class Meta:
        model = Region

    parent = factory.SubFactory(KecamatanFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.code}.{2001 + n}")
    level = Region.Level.VILLAGE
    name = factory.Iterator(KELURAHAN_NAMES)
