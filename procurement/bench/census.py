"""The census beside the benchmark's orders: a record per platform MSME and the city's register.

`vendors.census.services.census_record_for_vendor` makes one MSME's record in its own
transaction (about ten a second here: 20,000 city MSMEs would take the better part of an
hour). `records_bulk_create` writes the same record for every MSME that has none and whose
NIK and NIB no record holds yet (the service's `_unlinked_match` would find nothing to link),
with the same facts (`_write_vendor_facts`: the profile's non-empty fields, gender and birth date
read from the NIK), platform status (`platform_status_for`) and size class with its first
`SizeClassChange`; any other MSME goes through the service. Their platform sales come after the
orders, from `manage.py census_recompute --fix`, the project's own recomputation.

`register_import` brings the register (Gerai Kopimi / IUMK rows, `vendors.census.demo`) to the
size asked through the real importer, which adds the missing rows and leaves the rest unchanged.
"""

import io
from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils import timezone

from vendors.census import sizeclass
from vendors.census.demo import MAX_ROWS, register_csv, register_rows
from vendors.census.importer import ImportReport, census_import
from vendors.census.models import CensusRecord, PlatformStatus, SizeClassChange
from vendors.census.services import census_record_for_vendor, nik_facts, platform_status_for
from vendors.models import Vendor
from vendors.validators import compact

REGISTER_SEED = 17  # the demo register's seed: its 400 rows are the first of the bigger register


def _nib(value) -> str | None:
    nib = compact(value)
    return nib if len(nib) == 13 and nib.isascii() and nib.isdigit() else None


def records_bulk_create(
    *, today: date | None = None, batch_size: int = 2000, progress: Callable[[int], None] | None = None
) -> int:
    """A census record for every MSME without one (see the module's note); returns how many."""
    today = today or timezone.localdate()
    linked = set(CensusRecord.objects.exclude(vendor=None).values_list("vendor_id", flat=True))
    held_nik = set(CensusRecord.objects.exclude(nik=None).values_list("nik", flat=True))
    held_nib = set(CensusRecord.objects.exclude(nib=None).values_list("nib", flat=True))
    selling = set(
        Vendor.objects.filter(partner__stockrecords__isnull=False).values_list("pk", flat=True).distinct()
    )
    missing = Vendor.objects.exclude(pk__in=linked).order_by("pk")
    made = 0
    one_by_one = []
    batch: list[Vendor] = []

    def flush():
        nonlocal made
        records, changes = [], []
        for vendor in batch:
            facts = nik_facts(vendor.nik)
            nib = _nib(vendor.nib)
            record = CensusRecord(
                source=CensusRecord.Source.PLATFORM,
                business_name=str(vendor.business_name or vendor.owner_name)[:120],
                owner_name=vendor.owner_name,
                phone=vendor.phone,
                address=vendor.street_address,
                sector=vendor.sector,
                kecamatan_id=vendor.kecamatan_id,
                kelurahan_id=vendor.kelurahan_id,
                capital_idr=vendor.capital_idr,
                annual_sales_idr=vendor.annual_sales_idr,
                employees=vendor.employees,
                nik=facts.nik,
                owner_gender=facts.gender,
                owner_birth_date=facts.birth_date,
                nib=nib,
                vendor_id=vendor.pk,
                registered_on=timezone.localtime(vendor.created_at).date() if vendor.created_at else today,
            )
            # platform_status_for asks whether the MSME has products: answered from one query.
            if vendor.status == Vendor.Status.APPROVED and vendor.pk in selling:
                record.platform_status = PlatformStatus.SELLING
            else:
                record.platform_status = platform_status_for(
                    vendor=_NoProducts(vendor), first_paid_month=None
                )
            record.size_class = sizeclass.size_class(
                capital_idr=record.capital_idr, reported_sales_idr=record.annual_sales_idr, platform_12m_idr=0
            )
            records.append(record)
        with transaction.atomic():
            CensusRecord.objects.bulk_create(records, batch_size=batch_size)
            for record in records:
                if record.size_class != sizeclass.SizeClass.UNKNOWN:
                    changes.append(
                        SizeClassChange(
                            record=record,
                            from_class=sizeclass.SizeClass.UNKNOWN,
                            to_class=record.size_class,
                            changed_on=today,
                            cause=SizeClassChange.Cause.PLATFORM,
                        )
                    )
            SizeClassChange.objects.bulk_create(changes, batch_size=batch_size)
        made += len(records)
        if progress:
            progress(len(records))
        batch.clear()

    for vendor in missing.iterator(chunk_size=batch_size):
        nik, nib = nik_facts(vendor.nik).nik, _nib(vendor.nib)
        if (nik and nik in held_nik) or (nib and nib in held_nib):
            one_by_one.append(vendor)
            continue
        held_nik.add(nik)
        held_nib.add(nib)
        batch.append(vendor)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    for vendor in one_by_one:  # a record to link to: the service decides
        census_record_for_vendor(vendor=vendor, on=today)
        made += 1
        if progress:
            progress(1)
    return made


class _NoProducts:
    """A vendor as `platform_status_for` reads it, known to have no products on offer."""

    def __init__(self, vendor: Vendor):
        self.status = vendor.status
        self.approved_at = vendor.approved_at
        self.partner_id = None


def register_import(*, rows: int, today: date | None = None) -> ImportReport | None:
    """Bring the census register (records from outside the platform) to `rows` records."""
    if rows > MAX_ROWS:
        raise ValueError(f"At most {MAX_ROWS} register rows: the NIK serials run out.")
    present = CensusRecord.objects.exclude(source=CensusRecord.Source.PLATFORM).count()
    if present >= rows:
        return None
    upload = io.BytesIO(register_csv(register_rows(rows=rows, seed=REGISTER_SEED, today=today)))
    upload.name = "register-bench.csv"
    return census_import(file=upload, source=CensusRecord.Source.KOPIMI, today=today)
