"""MSMEs (UMKM) with plausible registration data."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from marketplace.accounts import roles
from vendors.models import Vendor

from .accounts import UserFactory
from .catalogue import PartnerFactory


def _nik(n: int) -> str:
    """A structurally valid NIK first issued in Kota Semarang (33.74), kecamatan 01."""
    day, month, year = n % 28 + 1, n // 28 % 12 + 1, 80 + n % 20
    return f"337401{day:02d}{month:02d}{year:02d}{n % 9999 + 1:04d}"


class VendorFactory(DjangoModelFactory):
    """A registered MSME owned by a Pelaku UMKM; draft until `approved=True` (trait)."""

    class Meta:
        model = Vendor

    class Params:
        approved = factory.Trait(
            status=Vendor.Status.APPROVED,
            partner=factory.SubFactory(PartnerFactory, name=factory.SelfAttribute("..business_name")),
            submitted_at=factory.LazyFunction(timezone.now),
            approved_at=factory.LazyFunction(timezone.now),
        )

    owner = factory.SubFactory(UserFactory, roles=[roles.VENDOR])
    status = Vendor.Status.DRAFT
    slug = factory.Sequence(lambda n: f"umkm-{n}")
    business_name = factory.Sequence(lambda n: f"Katering Sari Rasa {n}")
    legal_form = Vendor.LegalForm.INDIVIDUAL
    sector = Vendor.Sector.FOOD
    description = "Nasi kotak, snack box dan prasmanan untuk rapat kantor."
    street_address = factory.Sequence(lambda n: f"Jl. Pandanaran No. {n % 200 + 1}")
    phone = factory.Sequence(lambda n: f"0812{n % 100000000:08d}")
    owner_name = factory.Faker("name", locale="id_ID")
    nik = factory.Sequence(_nik)
    nib = factory.Sequence(lambda n: f"{9120000000000 + n}")
    capital_idr = 25_000_000
    employees = 3
    annual_sales_idr = 180_000_000
