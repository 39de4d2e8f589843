"""The invoice (tagihan) as PDF, in the style of the order letter and the BAST, with its seal.

An official Indonesian document, so its text is Indonesian whatever the reader's language. Its
number is the invoice's (TAG/<unit code>/<year>/<sequence>, numbered per unit and year). The
QR code leads to the public check page (`ordering:document-verify`), which shows the sealed
figures: number, date of issue and the total charged to the budget. The total is sealed, not
the net: the PPh withheld, and so the net, follows the MSME's PP 55 certificate on the day of
payment and may be re-figured then; the total never changes once issued.
"""

from django.db import transaction
from django.utils import timezone

from marketplace.common.money import format_rupiah
from procurement.ordering.documents import (
    Signer,
    _city,
    _day,
    _Document,
    _latin1,
    _moment,
    _person,
    _place_name,
    _qty,
    _vendor_signer_name,
    order_letter_number,
    ppk_name,
    terbilang,
)
from procurement.ordering.models import DocumentSeal
from procurement.settlement.models import Invoice
from procurement.units.models import Membership

__all__ = ["invoice_pdf", "invoice_seal_issue", "terbilang"]


@transaction.atomic
def invoice_seal_issue(*, invoice: Invoice) -> DocumentSeal:
    """The invoice's seal: its number, date of issue and total, under a random code (made once)."""
    seal, _created = DocumentSeal.objects.get_or_create(
        unit_order=invoice.unit_order,
        kind=DocumentSeal.Kind.INVOICE,
        defaults={
            "number": invoice.number,
            "issued_on": timezone.localtime(invoice.issued_at).date(),
            "amount_idr": invoice.total_idr,
        },
    )
    return seal


def _percent(rate_bp: int) -> str:
    return f"{rate_bp / 100:g}".replace(".", ",") + "%"


def _treasurer_name(invoice: Invoice) -> str:
    """Who paid (the payment's recorder) once paid; otherwise the unit's Bendahara, if it has one."""
    paid = invoice.payments.filter(status="succeeded").select_related("created_by").first()
    if paid is not None:
        return _person(paid.created_by)
    membership = (
        Membership.objects.filter(
            unit=invoice.unit_order.unit, role=Membership.Role.TREASURER, is_active=True
        )
        .select_related("user")
        .order_by("created_at", "pk")
        .first()
    )
    return _person(membership.user) if membership else ""


def _status_line(invoice: Invoice) -> str:
    if invoice.status == Invoice.Status.PAID and invoice.paid_at:
        return f"LUNAS, dibayar {_day(timezone.localtime(invoice.paid_at))}"
    if invoice.status == Invoice.Status.REFUNDED:
        return "Dikembalikan (refund)"
    return "Belum dibayar"


PPH_LABELS = {
    "pph_final": "PPh final (PP 55/2022)",
    "pph23": "PPh Pasal 23",
    "pph23_no_npwp": "PPh Pasal 23 (tanpa NPWP)",
}


def invoice_pdf(*, invoice: Invoice, seal: DocumentSeal, verify_url: str) -> bytes:
    """The tagihan: what was received (BAST), its taxes, the total charged and the net to the MSME."""
    uo = invoice.unit_order
    line, event = uo.budget_line, uo.event
    vendor = getattr(uo.partner, "vendor", None)
    receipt = getattr(uo, "receipt", None)
    city = _city()
    doc = _Document(unit=uo.unit, number=invoice.number, title="Tagihan", city=city)
    doc.letterhead()
    doc.title_block("TAGIHAN")
    issued = timezone.localtime(invoice.issued_at)
    received = timezone.localtime(invoice.received_at)
    vendor_facts = [("Dari (penyedia)", (vendor.business_name if vendor else "") or uo.partner.name)]
    if vendor is not None and vendor.npwp:
        vendor_facts.append(("NPWP penyedia", vendor.npwp))
    if vendor is not None and vendor.pbjt_tax_number:
        vendor_facts.append(("NPWPD penyedia", vendor.pbjt_tax_number))
    doc.facts(
        [
            ("Tanggal", _day(issued)),
            ("Kepada", uo.unit.name),
            *vendor_facts,
            ("Nomor pesanan", uo.order.number),
            ("Surat pesanan", order_letter_number(uo)),
            ("BAST", f"{receipt.number if receipt else '-'}, {_day(received)}"),
            ("Kegiatan", f"{event.name} ({_moment(uo.delivery_at)})"),
        ]
    )
    doc.ln(2)
    received_qty = {rl.line_id: rl.quantity_received for rl in receipt.lines.all()} if receipt else {}
    order_lines = list(uo.order.lines.select_related("product"))
    doc.lines_table(
        ("No", "Uraian", "Diterima", "Harga Satuan", "Jumlah"),
        [
            (
                str(n),
                ol.title,
                _qty(ol, received_qty.get(ol.pk, 0)),
                format_rupiah(ol.unit_price_incl_tax),
                format_rupiah(int(ol.unit_price_incl_tax) * received_qty.get(ol.pk, 0)),
            )
            for n, ol in enumerate(order_lines, start=1)
        ],
        widths=(8, 72, 22, 34, 34),
        aligns=("CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
        total_row=("Subtotal (nilai BAST)", format_rupiah(invoice.subtotal_idr)),
    )
    pbjt_label = f"PBJT makanan dan minuman {_percent(invoice.pbjt_rate_bp)}" if invoice.pbjt_idr else "PBJT"
    pph_label = PPH_LABELS.get(invoice.pph_kind, "PPh")
    doc.facts(
        [
            ("Subtotal", format_rupiah(invoice.subtotal_idr)),
            (pbjt_label, format_rupiah(invoice.pbjt_idr)),
            ("Jumlah tagihan", format_rupiah(invoice.total_idr)),
            (
                f"{pph_label} {_percent(invoice.pph_rate_bp)} (dipotong)",
                f"- {format_rupiah(invoice.pph_idr)}",
            ),
            ("Dibayarkan ke penyedia", format_rupiah(invoice.net_idr)),
        ],
        label_width=70,
    )
    doc.ln(1)
    doc.text_line("Jumlah tagihan (dibebankan pada anggaran):", size=9)
    doc.amount_in_words(invoice.total_idr)
    doc.text_line("Dibayarkan ke penyedia (neto, setelah potongan PPh):", size=9)
    doc.amount_in_words(invoice.net_idr)
    doc.facts(
        [
            ("Sumber dana", f"DPA {uo.unit.short_name or uo.unit.name} Tahun Anggaran {line.fiscal_year}"),
            ("Sub kegiatan", f"{line.sub_activity_code} {line.sub_activity_name}"),
            ("Kode rekening", f"{line.account.code} {line.account.name}"),
            ("Status", _status_line(invoice)),
        ]
    )
    doc.ln(2)
    doc.text_line(
        _latin1(
            "PPh dipotong dan disetorkan oleh Bendahara. Pembayaran ditransfer ke rekening penyedia "
            "sebesar nilai neto di atas. Demikian tagihan ini dibuat untuk dibayarkan sebagaimana mestinya."
        )
    )
    place = _place_name(city)
    doc.signatures(
        [
            Signer("Penyedia,", uo.partner.name, _vendor_signer_name(uo)),
            Signer("Mengetahui,", "Pejabat Pembuat Komitmen (PPK)", ppk_name(uo)),
            Signer(
                "Bendahara,",
                f"Bendahara Pengeluaran {uo.unit.short_name or uo.unit.name}",
                _treasurer_name(invoice),
            ),
        ],
        dated=f"{place}, {_day(issued)}" if place else _day(issued),
    )
    doc.verification(verify_url)
    return bytes(doc.output())
