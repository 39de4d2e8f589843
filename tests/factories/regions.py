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
    """Kota Semarang itself (33.74) with its 16 kecamatan, as the city pack loads them.

    Shared by every kecamatan made here. The whole list is there because NIKs are checked
    against it (vendors.validators): a city with one kecamatan loaded would refuse the others.
    """

    class Meta:
        model = Region
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = "33.74"
    level = Region.Level.CITY
    name = "Kota Semarang"

    @factory.post_generation
    def kecamatan(obj, create, extracted, **kwargs):
        if not create:
            return
        for number, name in enumerate(KECAMATAN_NAMES, start=1):
            Region.objects.get_or_create(
                code=f"{obj.code}.{number:02d}",
                defaults={"level": Region.Level.DISTRICT, "name": name, "parent": obj},
            )


class KecamatanFactory(DjangoModelFactory):
    """A kecamatan of Kota Semarang.

    Named after a real one (`KecamatanFactory(name="Tembalang")`), it is that kecamatan, with its
    real code (33.74.10), as the city pack loads it. Unnamed, it is a new kecamatan each time,
    coded beyond the real ones (33.74.17 to 33.74.96).
    """

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    parent = factory.SubFactory(CityRegionFactory)
    code = factory.Sequence(lambda n: f"33.74.{n % 80 + 17:02d}")
    level = Region.Level.DISTRICT
    name = factory.Iterator(KECAMATAN_NAMES)

    @classmethod
    def _generate(cls, strategy, params):
        name = params.get("name")
        if name in KECAMATAN_NAMES and "code" not in params:
            params = {**params, "code": f"33.74.{KECAMATAN_NAMES.index(name) + 1:02d}"}
        return super()._generate(strategy, params)


class KelurahanFactory(DjangoModelFactory):
    class Meta:
        model = Region

    parent = factory.SubFactory(KecamatanFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.parent.code}.{2001 + n}")
    level = Region.Level.VILLAGE
    name = factory.Iterator(KELURAHAN_NAMES)
