"""Price ceilings (Standar Satuan Harga, SSH) per fiscal year and kind."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from procurement.ceilings.models import PriceCeiling


class PriceCeilingFactory(DjangoModelFactory):
    """This fiscal year's SSH for a kind, e.g. `PriceCeilingFactory(kind="makan", max_price_idr=40000)`
    (default: snacks, kudapan, at Rp 22.000 per person per occasion)."""

    class Meta:
        model = PriceCeiling
        django_get_or_create = ("fiscal_year", "kind")

    fiscal_year = factory.LazyFunction(lambda: timezone.localdate().year)
    kind = "kudapan"
    unit_label = "orang/kali"
    max_price_idr = 22_000
    note = "Standar Satuan Harga Kota Semarang (contoh)"
