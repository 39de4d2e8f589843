"""Pre-filling an MSME's registration from the census."""

from dataclasses import dataclass

from django.db.models import Q

from vendors.census.models import (
    CensusRecord,
)
from vendors.models import Vendor
from vendors.validators import compact

# --- Registration: pre-filling from the census ----------------------------------------------------


@dataclass(frozen=True)
class CensusPrefill:
    """What the registration form may take from the census record holding the MSME's NIK.

    `fields` are vendors.Vendor field names with their values (only those the record has).
    Non-personal fields always; the personal ones (owner's name, phone, address, NIB, annual
    sales) only when `personal` (the MSME is approved: the Verifikator checked the NIK)."""

    record_id: int
    fields: dict
    personal: bool


PREFILL_PUBLIC = (
    ("business_name", "business_name"),
    ("sector", "sector"),
    ("kecamatan_id", "kecamatan_id"),
    ("kelurahan_id", "kelurahan_id"),
    ("capital_idr", "capital_idr"),
    ("employees", "employees"),
)
PREFILL_PERSONAL = (
    ("owner_name", "owner_name"),
    ("phone", "phone"),
    ("street_address", "address"),
    ("nib", "nib"),
    ("annual_sales_idr", "annual_sales_idr"),
)


def census_prefill_for(vendor: Vendor) -> CensusPrefill | None:
    """The census facts to pre-fill `vendor`'s registration with, or None (no NIK, no record).

    Found by the vendor's link, else by its NIK. Someone who merely types a NIK sees the
    business's non-personal facts at most; the personal ones follow once the MSME is approved."""
    record = CensusRecord.objects.filter(vendor=vendor).first() if vendor.pk else None
    if record is None:
        nik = compact(vendor.nik)
        if len(nik) != 16:
            return None
        free = Q(vendor__isnull=True) | Q(vendor_id=vendor.pk) if vendor.pk else Q(vendor__isnull=True)
        record = CensusRecord.objects.filter(free, nik=nik).first()
    if record is None:
        return None
    personal = vendor.status == Vendor.Status.APPROVED
    pairs = PREFILL_PUBLIC + (PREFILL_PERSONAL if personal else ())
    values = {
        vendor_field: getattr(record, record_field)
        for vendor_field, record_field in pairs
        if getattr(record, record_field) not in (None, "")
    }
    return CensusPrefill(record_id=record.pk, fields=values, personal=personal)
