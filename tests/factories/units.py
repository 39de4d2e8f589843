"""Government units (OPD) of the city."""

import factory
from factory.django import DjangoModelFactory

from procurement.units.models import Unit

UNITS = (
    ("Dinas Komunikasi Informatika Statistik dan Persandian", "Diskominfo", "dinas"),
    ("Dinas Kesehatan", "Dinkes", "dinas"),
    ("Badan Perencanaan Pembangunan Daerah", "Bappeda", "badan"),
    ("Dinas Koperasi dan Usaha Mikro", "Dinkop UM", "dinas"),
    ("Kecamatan Tembalang", "Kec. Tembalang", "kecamatan"),
    ("Sekretariat Daerah Kota Semarang", "Setda", "sekretariat"),
)


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"OPD-{n:04d}")
    name = factory.Sequence(lambda n: UNITS[n % len(UNITS)][0])
    short_name = factory.Sequence(lambda n: UNITS[n % len(UNITS)][1])
    kind = factory.Sequence(lambda n: UNITS[n % len(UNITS)][2])
    is_active = True
