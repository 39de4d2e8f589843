"""Open Contracting Data Standard 1.1: each paid order as a release, in packages per month and year.

The mapping (docs/open-data.md):

- one order = one contracting process, `ocid` = OCDS_OCID_PREFIX + "-" + the order's number;
  one release per order, dated when its payment completed (tags tender, award, contract,
  implementation);
- buyer and procuring entity = the government unit (parties role buyer, procuringEntity,
  payer); supplier = the MSME, by business name and public id only (roles supplier, tenderer,
  payee);
- tender: method `direct`, "Pembelian langsung / e-purchasing UMKM", the items ordered;
- award and contract = the order: the award holds what was ordered, the contract what was
  received at the BAST (quantities and unit prices from the order's lines, amounts in IDR);
  contract value = the invoice total (subtotal + PBJT);
- implementation transactions = the succeeded payments (date, net amount paid, payer, payee;
  a partial refund as a negative transaction).

Packages are written as text in pieces (`release_package_chunks`), so a year's package streams
without holding every order in memory.
"""

import json
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from procurement.transparency import selectors
from procurement.transparency.opendata import iso
from procurement.transparency.public import public_name, public_text, unit_public_id, vendor_public_id
from procurement.transparency.selectors import Period

VERSION = "1.1"
METHOD_DETAILS = "Pembelian langsung / e-purchasing UMKM"
ITEM_UNIT = "porsi"
TAGS = ["tender", "award", "contract", "implementation"]
CHUNK = 200  # orders read from the database at a time


def site_url(path: str) -> str:
    return settings.SITE_URL + path


def package_uri(period: Period) -> str:
    if period.month:
        return site_url(reverse("transparency:ocds-month", args=[period.year, f"{period.month:02d}"]))
    return site_url(reverse("transparency:ocds-year", args=[period.year]))


def record_package_uri(year: int) -> str:
    return site_url(reverse("transparency:ocds-records", args=[year]))


def _value(amount) -> dict:
    return {"amount": int(amount), "currency": "IDR"}


def _item(line, quantity: int) -> dict:
    return {
        "id": str(line.pk),
        "description": public_text(line.title),
        "quantity": quantity,
        "unit": {"name": ITEM_UNIT, "value": _value(line.unit_price_incl_tax)},
    }


def release_id(invoice: dict) -> str:
    return f"{invoice['unit_order__order__number']}-{int(invoice['paid_at'].timestamp())}"


def release(invoice: dict) -> dict:
    """The release of one paid invoice (a row of `selectors.ocds_invoice_chunks`)."""
    number = str(invoice["unit_order__order__number"])
    unit_code, unit_name = invoice["unit_order__unit__code"], invoice["unit_order__unit__name"]
    buyer = {"id": unit_public_id(unit_code), "name": unit_name}
    supplier = {
        "id": vendor_public_id(invoice["unit_order__partner_id"]),
        "name": public_name(
            invoice["unit_order__partner__vendor__business_name"] or "", invoice["unit_order__partner__name"]
        ),
    }
    lines = invoice["lines"]
    ordered_items = [_item(line, line.quantity) for line in lines]
    received_items = [_item(line, line.received) for line in lines]
    paid_at = iso(invoice["paid_at"])
    transactions = []
    for p in invoice["payments"]:
        transactions.append(
            {
                "id": f"{number}-payment-{p.pk}",
                "date": iso(p.settled_at) if p.settled_at else paid_at,
                "value": _value(p.amount_idr),
                "payer": buyer,
                "payee": supplier,
            }
        )
        if p.refunded_idr:
            transactions.append(
                {
                    "id": f"{number}-refund-{p.pk}",
                    "value": _value(-p.refunded_idr),
                    "payer": buyer,
                    "payee": supplier,
                }
            )
    unit_order_value = _value(invoice["unit_order__total_idr"])
    award_id, placed = f"{number}-award", iso(invoice["unit_order__order__date_placed"])
    return {
        "ocid": selectors.ocid_for(number),
        "id": release_id(invoice),
        "date": paid_at,
        "tag": TAGS,
        "initiationType": "tender",
        "language": "id",
        "parties": [
            {**buyer, "roles": ["buyer", "procuringEntity", "payer"]},
            {**supplier, "roles": ["supplier", "tenderer", "payee"]},
        ],
        "buyer": buyer,
        "tender": {
            "id": f"{number}-tender",
            "title": f"Pesanan katering {number}",
            "status": "complete",
            "procuringEntity": buyer,
            "items": ordered_items,
            "value": unit_order_value,
            "procurementMethod": "direct",
            "procurementMethodDetails": METHOD_DETAILS,
            "mainProcurementCategory": "services",
            "tenderers": [supplier],
            "numberOfTenderers": 1,
        },
        "awards": [
            {
                "id": award_id,
                "title": f"Pesanan katering {number}",
                "status": "active",
                "date": placed,
                "value": unit_order_value,
                "suppliers": [supplier],
                "items": ordered_items,
            }
        ],
        "contracts": [
            {
                "id": f"{number}-contract",
                "awardID": award_id,
                "title": f"Pesanan katering {number}",
                "status": "terminated",
                "period": {
                    "startDate": iso(invoice["unit_order__delivery_at"]),
                    "endDate": iso(invoice["received_at"]),
                },
                "value": _value(invoice["total_idr"]),
                "items": received_items,
                "dateSigned": placed,
                "implementation": {"transactions": transactions},
            }
        ],
    }


def _package_head(uri: str) -> dict:
    return {
        "uri": uri,
        "version": VERSION,
        "publishedDate": iso(timezone.now()),
        "publisher": {"name": settings.OCDS_PUBLISHER_NAME, "uri": settings.OCDS_PUBLISHER_URI},
        "license": settings.OPEN_DATA_LICENSE_URL,
        "publicationPolicy": settings.OCDS_PUBLICATION_POLICY_URL,
    }


def _chunks(head: dict, key: str, items: Iterable[dict]) -> Iterator[str]:
    """`head` with `key` holding `items`, as JSON text written piece by piece."""
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    yield f'{opening}, "{key}": ['
    for n, item in enumerate(items):
        yield ("," if n else "") + json.dumps(item, ensure_ascii=False)
    yield "]}"


def releases(period: Period) -> Iterator[dict]:
    for chunk in selectors.ocds_invoice_chunks(period, CHUNK):
        for invoice in chunk:
            yield release(invoice)


def release_package_chunks(period: Period) -> Iterator[str]:
    """The release package of `period` (a month or a year), as JSON text in pieces."""
    return _chunks(_package_head(package_uri(period)), "releases", releases(period))


def release_package(period: Period) -> dict:
    """The same package as one object (for a month, the API and tests)."""
    return json.loads("".join(release_package_chunks(period)))


def _record(invoice: dict) -> dict:
    compiled = release(invoice)
    paid = timezone.localtime(invoice["paid_at"])
    month = package_uri(Period(paid.year, paid.month))
    compiled = {**compiled, "id": compiled["id"] + "-compiled", "tag": ["compiled"]}
    return {
        "ocid": compiled["ocid"],
        "releases": [{"url": f"{month}#{release_id(invoice)}", "date": compiled["date"], "tag": TAGS}],
        "compiledRelease": compiled,
    }


def record_package_chunks(year: int) -> Iterator[str]:
    """The record package of `year`: each order paid that year with its compiled release."""
    records = (_record(i) for chunk in selectors.ocds_invoice_chunks(Period(year), CHUNK) for i in chunk)
    return _chunks(_package_head(record_package_uri(year)), "records", records)
