"""Platform MSMEs in the census: a record each, linked by NIK to an imported one, the platform
status, and what the registration form may be pre-filled with."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import StockRecordFactory, VendorFactory
from tests.vendors.census.helpers import nik, record
from vendors.census import services
from vendors.census.models import CensusRecord, PlatformStatus
from vendors.census.selectors import census_prefill_for
from vendors.models import Vendor

pytestmark = pytest.mark.django_db


def test_a_platform_msme_gets_a_record_with_its_facts_and_the_owner_facts_from_its_nik():
    vendor = VendorFactory(
        nik=nik(kecamatan=1, birth=date(1985, 8, 12), female=True), business_name="Dapur Bu Sri"
    )

    record = services.census_record_for_vendor(vendor=vendor)

    assert (record.vendor, record.source, record.business_name) == (vendor, "platform", "Dapur Bu Sri")
    assert (record.owner_gender, record.owner_birth_date) == ("P", date(1985, 8, 12))
    assert (record.capital_idr, record.annual_sales_idr, record.size_class) == (
        25_000_000,
        180_000_000,
        "mikro",
    )
    assert record.platform_status == PlatformStatus.REGISTERED


def test_syncing_twice_keeps_one_record():
    vendor = VendorFactory()
    services.census_record_for_vendor(vendor=vendor)
    vendor.employees = 9
    vendor.save()

    services.census_record_for_vendor(vendor=vendor)

    assert CensusRecord.objects.get().employees == 9


def test_the_platform_status_follows_the_verification_and_the_products():
    draft = VendorFactory()
    approved = VendorFactory(approved=True)
    selling = VendorFactory(approved=True)
    StockRecordFactory(partner=selling.partner)
    suspended = VendorFactory(approved=True, status=Vendor.Status.SUSPENDED)

    statuses = {
        v: services.census_record_for_vendor(vendor=v).platform_status
        for v in (draft, approved, selling, suspended)
    }

    assert statuses == {
        draft: PlatformStatus.REGISTERED,
        approved: PlatformStatus.VERIFIED,
        selling: PlatformStatus.SELLING,
        suspended: PlatformStatus.VERIFIED,
    }


def test_someone_registering_later_is_linked_to_the_imported_record_by_nik():
    imported = record(nik=nik(serial=7), business_name="Lumpia Kopimi", employees=2)
    vendor = VendorFactory(nik=nik(serial=7), business_name="Lumpia di Platform", employees=5)

    linked = services.census_link_vendor(vendor=vendor)

    assert linked == imported
    imported.refresh_from_db()
    assert imported.vendor == vendor and imported.platform_status == PlatformStatus.REGISTERED
    assert (imported.business_name, imported.employees) == ("Lumpia Kopimi", 2)  # not yet verified


def test_an_unverified_msme_never_overwrites_the_imported_facts_a_verified_one_does():
    imported = record(nik=nik(serial=7), business_name="Lumpia Kopimi", employees=2, source="kopimi")
    vendor = VendorFactory(nik=nik(serial=7), business_name="Lumpia di Platform", employees=5)

    services.census_record_for_vendor(vendor=vendor)
    imported.refresh_from_db()
    assert (imported.vendor, imported.business_name) == (vendor, "Lumpia Kopimi")

    vendor.status, vendor.approved_at = Vendor.Status.APPROVED, vendor.created_at
    vendor.save()
    services.census_record_for_vendor(vendor=vendor)
    imported.refresh_from_db()
    assert (imported.business_name, imported.employees, imported.source) == (
        "Lumpia di Platform",
        5,
        "kopimi",
    )
    assert CensusRecord.objects.count() == 1


def test_no_record_holding_the_nik_links_nothing():
    vendor = VendorFactory(nik=nik(serial=8))

    assert services.census_link_vendor(vendor=vendor) is None


def test_a_record_already_linked_to_another_msme_is_not_taken():
    other = VendorFactory(nik=None)
    record(nik=nik(serial=7), vendor=other)
    vendor = VendorFactory(nik=nik(serial=7))

    assert services.census_link_vendor(vendor=vendor) is None


def test_the_prefill_gives_non_personal_fields_only_until_the_msme_is_approved(semarang):
    imported = record(
        nik=nik(serial=7),
        nib="9120300000012",
        business_name="Lumpia Kopimi",
        owner_name="Sri Wahyuni",
        phone="+6281226501101",
        address="Jl. Gang Lombok No. 11",
        sector="kuliner",
        kecamatan=semarang["Semarang Tengah"],
        capital_idr=45_000_000,
        annual_sales_idr=360_000_000,
        employees=4,
    )
    typed = Vendor(nik="3374-0112-0885-0007")  # someone typing the NIK into a new registration

    prefill = census_prefill_for(typed)

    assert prefill.record_id == imported.pk and not prefill.personal
    assert prefill.fields == {
        "business_name": "Lumpia Kopimi",
        "sector": "kuliner",
        "kecamatan_id": semarang["Semarang Tengah"].pk,
        "capital_idr": 45_000_000,
        "employees": 4,
    }

    approved = VendorFactory(approved=True, nik=nik(serial=7))
    prefill = census_prefill_for(approved)
    assert prefill.personal
    assert (
        prefill.fields["owner_name"] == "Sri Wahyuni"
        and prefill.fields["street_address"] == "Jl. Gang Lombok No. 11"
    )
    assert prefill.fields["nib"] == "9120300000012" and prefill.fields["phone"] == "+6281226501101"


def test_no_prefill_without_a_nik_or_a_record():
    assert census_prefill_for(Vendor(nik="")) is None
    assert census_prefill_for(Vendor(nik=nik(serial=99))) is None


def test_the_sync_command_syncs_every_msme_and_reclasses():
    VendorFactory.create_batch(3)
    out = StringIO()

    call_command("census_sync_vendors", "--no-progress", stdout=out)

    assert CensusRecord.objects.filter(vendor__isnull=False).count() == 3
    assert "3 platform MSMEs synced" in out.getvalue()
