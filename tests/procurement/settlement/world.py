"""A received order of the ordering world, with its invoice and the unit's Bendahara."""

from dataclasses import dataclass, replace
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from procurement.settlement import services
from procurement.settlement.models import Invoice
from procurement.units.models import Membership
from tests.factories import UnitFactory
from tests.factories.vendor_documents import jpeg_bytes
from tests.procurement.ordering.world import THRESHOLD, World, build_world, food_line, order_in, person_for
from vendors.uploads import sanitise_upload


@dataclass
class PayWorld:
    w: World
    treasurer: object
    invoice: Invoice


def received(w: World | None = None, **vendor_facts) -> PayWorld:
    """An order of 10 snack boxes (Rp 200.000) received in full; the MSME has an NPWP, no PP 55."""
    w = w or build_world()
    vendor = w.vendor
    vendor.npwp = vendor_facts.pop("npwp", "337401150890000")
    for field, value in vendor_facts.items():
        setattr(vendor, field, value)
    vendor.save()
    treasurer = person_for(w.unit, Membership.Role.TREASURER, first_name="Sri", last_name="Lestari")
    uo = order_in(w, "received")
    return PayWorld(w=w, treasurer=treasurer, invoice=Invoice.objects.get(unit_order=uo))


def other_unit(w: World) -> World:
    """Another unit of the city (its officer, PPK and food budget line) ordering from the same MSME."""
    unit = UnitFactory(approval_threshold_idr=THRESHOLD)
    return replace(
        w,
        unit=unit,
        officer=person_for(unit, Membership.Role.BUYER),
        ppk=person_for(unit, Membership.Role.PPK),
        line=food_line(unit),
    )


def proof():
    upload = SimpleUploadedFile("bukti.jpg", jpeg_bytes(), content_type="image/jpeg")
    return sanitise_upload(upload)


def record_transfer(pw: PayWorld, *, amount_idr: int | None = None, on: date | None = None, treasurer=None):
    return services.transfer_record(
        invoice=pw.invoice,
        treasurer=treasurer or pw.treasurer,
        transfer_date=on or timezone.localdate(),
        amount_idr=pw.invoice.net_idr if amount_idr is None else amount_idr,
        bank_name="Bank Jateng",
        reference="SP2D/0042/2026",
        proof=proof(),
    )
