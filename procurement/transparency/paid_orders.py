"""Paid orders as public rows: the unit pages, the CSV and OCDS (names masked, public ids; see
procurement.transparency.selectors)."""

import itertools
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import (
    Case,
    F,
    QuerySet,
    When,
)
from django.utils import timezone
from oscar.core.loading import get_model

from procurement.ordering.models import ReceiptLine
from procurement.settlement.models import Invoice, Payment
from procurement.settlement.selectors import payment_target_days
from procurement.transparency.caching import _cached
from procurement.transparency.periods import Period, paid_invoices, spent
from procurement.transparency.public import public_name, vendor_public_id
from procurement.units.models import Unit
from vendors.models import Vendor

OrderLine = get_model("order", "Line")


# --- Paid orders as public rows ------------------------------------------------------------------

PAID_ORDER_VALUES = (
    "pk",
    "unit_order_id",
    "unit_order__order__number",
    "unit_order__order__date_placed",
    "unit_order__delivery_at",
    "unit_order__unit__code",
    "unit_order__unit__name",
    "unit_order__partner_id",
    "unit_order__partner__name",
    "unit_order__partner__vendor__business_name",
    "public_sector",
    "public_kecamatan_code",
    "public_kecamatan_name",
    "subtotal_idr",
    "pbjt_idr",
    "total_idr",
    "spent_idr",
    "received_at",
    "paid_at",
    "days_to_pay",
)


def ocid_prefix() -> str:
    return getattr(settings, "OCDS_OCID_PREFIX", "ocds-xxxxxx")


def ocid_for(order_number: str) -> str:
    """The contracting process's id in OCDS: the registered prefix and the order's number."""
    return f"{ocid_prefix()}-{order_number}"


@dataclass(frozen=True)
class PaidOrder:
    invoice_id: int
    unit_order_id: int
    ocid: str
    order_number: str
    unit_code: str
    unit_name: str
    vendor_id: str
    vendor_name: str
    sector: str
    kecamatan_code: str
    kecamatan: str
    subtotal_idr: int
    pbjt_idr: int
    total_idr: int
    refunded_idr: int
    spent_idr: int
    ordered_at: datetime
    delivery_at: datetime
    received_at: datetime
    paid_at: datetime
    days_to_pay: int | None

    @property
    def sector_label(self) -> str:
        return str(dict(Vendor.Sector.choices).get(self.sector, "")) if self.sector else ""


RECORD = "unit_order__partner__vendor__census_record"


def _census_or(census_field: str, own_field: str):
    """The MSME's fact as its census record holds it (as the figures count it); the MSME's own
    profile when it has no record."""
    return Case(
        When(**{f"{RECORD}__isnull": False}, then=F(f"{RECORD}__{census_field}")),
        default=F(own_field),
    )


def paid_order_values(period: Period | None = None) -> QuerySet:
    """Paid invoices as plain values (one row per order), newest payment first."""
    return (
        paid_invoices(period)
        .annotate(
            spent_idr=spent(),
            public_sector=_census_or("sector", "unit_order__partner__vendor__sector"),
            public_kecamatan_code=_census_or("kecamatan__code", "unit_order__partner__kecamatan__code"),
            public_kecamatan_name=_census_or("kecamatan__name", "unit_order__partner__kecamatan__name"),
        )
        .values(*PAID_ORDER_VALUES)
        .order_by("-paid_at", "-pk")
    )


def paid_order(row: dict) -> PaidOrder:
    """One row of `paid_order_values` as it may be published (names masked, public ids)."""
    number = str(row["unit_order__order__number"])
    return PaidOrder(
        invoice_id=row["pk"],
        unit_order_id=row["unit_order_id"],
        ocid=ocid_for(number),
        order_number=number,
        unit_code=row["unit_order__unit__code"],
        unit_name=row["unit_order__unit__name"],
        vendor_id=vendor_public_id(row["unit_order__partner_id"]),
        vendor_name=public_name(
            row["unit_order__partner__vendor__business_name"], row["unit_order__partner__name"]
        ),
        sector=row["public_sector"] or "",
        kecamatan_code=row["public_kecamatan_code"] or "",
        kecamatan=row["public_kecamatan_name"] or "",
        subtotal_idr=row["subtotal_idr"],
        pbjt_idr=row["pbjt_idr"],
        total_idr=row["total_idr"],
        refunded_idr=row["total_idr"] - row["spent_idr"],
        spent_idr=row["spent_idr"],
        ordered_at=row["unit_order__order__date_placed"],
        delivery_at=row["unit_order__delivery_at"],
        received_at=row["received_at"],
        paid_at=row["paid_at"],
        days_to_pay=row["days_to_pay"],
    )


def paid_orders(period: Period | None = None, *, unit_code: str | None = None):
    """Public rows of paid orders, read in chunks (never every order in memory at once)."""
    qs = paid_order_values(period)
    if unit_code:
        qs = qs.filter(unit_order__unit__code=unit_code)
    for row in qs.iterator(chunk_size=2000):
        yield paid_order(row)


def unit_public(code: str) -> Unit | None:
    """The unit with this code (any unit, active or not: its history stays public)."""
    if not isinstance(code, str) or not 0 < len(code) <= 20:
        return None
    return Unit.objects.filter(code=code).first()


@dataclass(frozen=True)
class OverdueInvoice:
    """An invoice of the unit received but not paid past the target, as it may be published."""

    number: str
    vendor_name: str
    net_idr: int
    received_on: date
    days_waiting: int


def unit_overdue_invoices(unit: Unit, *, limit: int = 50) -> list[OverdueInvoice]:
    """The unit's received-but-unpaid invoices past the payment target, longest waiting first."""
    today = timezone.localdate()
    since = timezone.now() - timezone.timedelta(days=payment_target_days())
    rows = (
        Invoice.objects.filter(
            unit_order__unit=unit,
            status__in=(Invoice.Status.UNPAID, Invoice.Status.AWAITING_CONFIRMATION, Invoice.Status.DISPUTED),
            received_at__lt=since,
        )
        .select_related("unit_order__partner__vendor")
        .order_by("received_at", "pk")[:limit]
    )
    overdue = []
    for invoice in rows:
        partner = invoice.unit_order.partner
        vendor = getattr(partner, "vendor", None)
        received = timezone.localtime(invoice.received_at).date()
        overdue.append(
            OverdueInvoice(
                number=invoice.number,
                vendor_name=public_name(vendor.business_name if vendor else "", partner.name),
                net_idr=invoice.net_idr,
                received_on=received,
                days_waiting=(today - received).days,
            )
        )
    return overdue


class CountedRows:
    """Rows to page through whose count is taken by a cheaper query than the rows' own (Django's
    `Paginator` and DRF's pagination call `count()`, then slice)."""

    ordered = True

    def __init__(self, rows: QuerySet, count):
        self.rows, self._count = rows, count

    def count(self) -> int:
        return self._count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        return self.rows[index]


def unit_paid_order_values(unit: Unit) -> CountedRows:
    """The unit's paid orders, newest payment first (page through them, then `paid_order` each).

    Counted on the invoices alone (the rows' joins, payment, MSME, census record and kecamatan,
    are one row each per invoice; counting through them cost PostgreSQL five times the page), and
    the count cached under the figures' version: it changes only when an invoice is paid or
    refunded in full, which renews the version."""

    def count() -> int:
        paid = Invoice.objects.filter(status=Invoice.Status.PAID, unit_order__unit=unit).order_by()
        return _cached("unit-paid-count", unit.pk, compute=paid.count)

    return CountedRows(paid_order_values().filter(unit_order__unit=unit), count)


OCDS_INVOICE_VALUES = (
    "pk",
    "total_idr",
    "received_at",
    "paid_at",
    "unit_order_id",
    "unit_order__total_idr",
    "unit_order__delivery_at",
    "unit_order__order_id",
    "unit_order__order__number",
    "unit_order__order__date_placed",
    "unit_order__unit__code",
    "unit_order__unit__name",
    "unit_order__partner_id",
    "unit_order__partner__name",
    "unit_order__partner__vendor__business_name",
)


def ocds_invoices(period: Period) -> QuerySet:
    """Paid invoices of `period` as plain values (what an OCDS release shows of the invoice, its
    order, unit and MSME), oldest payment first. Read them a chunk at a time and complete each
    chunk with `ocds_details`: no model instances (a release costs its JSON, not Django's)."""
    return paid_invoices(period).values(*OCDS_INVOICE_VALUES).order_by("paid_at", "pk")


@dataclass(frozen=True)
class OcdsLine:
    pk: int
    title: str
    quantity: int
    unit_price_incl_tax: object  # Decimal
    received: int  # at the BAST (the quantity ordered when there is no BAST)


@dataclass(frozen=True)
class OcdsPayment:
    pk: int
    settled_at: datetime | None
    amount_idr: int
    refunded_idr: int


def ocds_details(rows: list[dict]) -> list[dict]:
    """`rows` of `ocds_invoices`, each with `lines` (its order's lines, with what the BAST
    received) and `payments` (its succeeded payments): three queries for the whole chunk."""
    order_ids = [r["unit_order__order_id"] for r in rows]
    received = dict(
        ReceiptLine.objects.filter(receipt__unit_order__order_id__in=order_ids)
        .order_by()
        .values_list("line_id", "quantity_received")
    )
    lines: dict[int, list[OcdsLine]] = {}
    for pk, order_id, title, quantity, price in (
        OrderLine.objects.filter(order_id__in=order_ids)
        .order_by("pk")
        .values_list("pk", "order_id", "title", "quantity", "unit_price_incl_tax")
    ):
        line = OcdsLine(pk, title, quantity, price, received.get(pk, quantity))
        lines.setdefault(order_id, []).append(line)
    payments: dict[int, list[OcdsPayment]] = {}
    for invoice_id, *values in (
        Payment.objects.filter(invoice_id__in=[r["pk"] for r in rows], status=Payment.Status.SUCCEEDED)
        .order_by("pk")
        .values_list("invoice_id", "pk", "settled_at", "amount_idr", "refunded_idr")
    ):
        payments.setdefault(invoice_id, []).append(OcdsPayment(*values))
    return [
        {**r, "lines": lines.get(r["unit_order__order_id"], []), "payments": payments.get(r["pk"], [])}
        for r in rows
    ]


def ocds_invoice_chunks(period: Period, chunk: int):
    """The paid invoices of `period` for OCDS, `chunk` at a time, each chunk with its details."""
    rows = ocds_invoices(period).iterator(chunk_size=chunk)
    while batch := list(itertools.islice(rows, chunk)):
        yield ocds_details(batch)
