"""The order letter (surat pesanan) and the BAST as PDF, and the seals that let anyone check them.

Both are official Indonesian documents, so their text is Indonesian whatever the
reader's language. Each printed document carries a QR code to a public page that
shows only what the paper must match: kind, number, date, amount, the unit and the
MSME. The code in the QR is random (`DocumentSeal.code`): it cannot be guessed from
an order and says nothing about it.

Surat pesanan: the unit's order letter to the MSME. Terbilang: an amount written in
words, required next to the figures on financial documents.

PDFs use the PDF core font Helvetica (no font file to ship or download), which
covers Latin-1: enough for Indonesian; any other character is replaced.
"""

from dataclasses import dataclass
from datetime import date, datetime

import qrcode
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from num2words import num2words

from marketplace.common.money import format_rupiah
from marketplace.regions.models import Region
from procurement.ordering.models import DocumentSeal, OrderStatus, Receipt, UnitOrder
from procurement.units.models import Membership

Kind = DocumentSeal.Kind


# --- Amounts in words ------------------------------------------------------------------


def terbilang(amount_idr: int) -> str:
    """`1250000` → "Satu juta dua ratus lima puluh ribu rupiah" (as written on official letters)."""
    amount = int(amount_idr)
    if amount != amount_idr or amount < 0:
        raise ValueError(f"terbilang needs whole, non-negative rupiah, not {amount_idr!r}")
    words = f"{num2words(amount, lang='id')} rupiah"
    return words[0].upper() + words[1:]


# --- What each document says -----------------------------------------------------------


def order_letter_available(unit_order: UnitOrder) -> bool:
    """An order letter exists once the order went to the MSME (after PPK approval when needed)."""
    return unit_order.actions.filter(to_status=OrderStatus.AWAITING_VENDOR).exists()


def order_letter_number(unit_order: UnitOrder) -> str:
    """SP/<unit code>/<year placed>/<order number>."""
    year = timezone.localtime(unit_order.order.date_placed).year
    return f"SP/{unit_order.unit.code}/{year}/{unit_order.order.number}"


def _sent_to_vendor_on(unit_order: UnitOrder) -> date:
    """The letter's date: the day the order went to the MSME (placed, or approved by the PPK)."""
    action = (
        unit_order.actions.filter(to_status=OrderStatus.AWAITING_VENDOR).order_by("created_at", "pk").first()
    )
    moment = action.created_at if action else unit_order.order.date_placed
    return timezone.localtime(moment).date()


@transaction.atomic
def seal_issue(*, unit_order: UnitOrder, kind: str) -> DocumentSeal:
    """Record the document's number, date and amount under a new random code (once per document)."""
    if kind == Kind.ORDER_LETTER:
        facts = {
            "number": order_letter_number(unit_order),
            "issued_on": _sent_to_vendor_on(unit_order),
            "amount_idr": unit_order.total_idr,
        }
    elif kind == Kind.BAST:
        receipt = unit_order.receipt
        facts = {
            "number": receipt.number,
            "issued_on": timezone.localtime(receipt.received_at).date(),
            "amount_idr": receipt.amount_idr,
        }
    else:
        raise ValueError(f"Unknown document kind {kind!r}")
    seal, _created = DocumentSeal.objects.get_or_create(unit_order=unit_order, kind=kind, defaults=facts)
    return seal


def seal_by_code(code: str) -> DocumentSeal | None:
    """The seal a QR code points to, with the public bodies it names; None when unknown."""
    return (
        DocumentSeal.objects.select_related("unit_order__unit", "unit_order__partner")
        .filter(code=code)
        .first()
    )


# --- Who signs -------------------------------------------------------------------------


@dataclass(frozen=True)
class Signer:
    heading: str  # e.g. "Pemesan," or "PIHAK PERTAMA"
    role: str  # the line under the heading: the capacity they sign in
    name: str  # empty: a blank line for a name written by hand


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name().strip() or user.email


def ppk_name(unit_order: UnitOrder) -> str:
    """The PPK who approved the order; otherwise the unit's PPK (empty when it has none)."""
    approval = (
        unit_order.actions.filter(action="approve")
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    if approval and approval.actor:
        return _person(approval.actor)
    membership = (
        Membership.objects.filter(unit=unit_order.unit, role=Membership.Role.PPK, is_active=True)
        .select_related("user")
        .order_by("created_at", "pk")
        .first()
    )
    return _person(membership.user) if membership else ""


def _vendor_signer_name(unit_order: UnitOrder) -> str:
    """The MSME's owner as registered; otherwise whoever marked the order delivered."""
    vendor = getattr(unit_order.partner, "vendor", None)
    if vendor is not None and vendor.owner_name:
        return vendor.owner_name
    delivered = (
        unit_order.actions.filter(action="deliver").select_related("actor").order_by("-created_at").first()
    )
    return _person(delivered.actor) if delivered else ""


# --- Formatting ------------------------------------------------------------------------

_TYPOGRAPHY = str.maketrans(
    {"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "•": "-", "→": "->"}
)


def _latin1(text) -> str:
    """Text the core fonts can draw: typographic marks simplified, anything else outside Latin-1 → "?"."""
    return str(text).translate(_TYPOGRAPHY).encode("latin-1", "replace").decode("latin-1")


def _day(value: date | datetime, fmt: str = "j F Y") -> str:
    with translation.override("id"):
        return date_format(value, fmt)


def _moment(value: datetime) -> str:
    """ "Senin, 12 Januari 2026 pukul 09.00 WIB" in the city's time."""
    local = timezone.localtime(value)
    return f"{_day(local, 'l, j F Y')} pukul {local:%H.%M} {local.tzname()}"


def _city() -> Region | None:
    return Region.objects.filter(code=settings.CITY_CODE).first()


def _place_name(city: Region | None) -> str:
    if city is None:
        return ""
    return city.name.removeprefix("Kota ").removeprefix("Kabupaten ")


def _qr_image(url: str):
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    qr.add_data(url)
    qr.make(fit=True)
    return qr.make_image(fill_color="black", back_color="white").get_image()


# --- Layout ----------------------------------------------------------------------------


class _Document(FPDF):
    """A4 letter with the unit's letterhead, a numbered footer and helpers for the common parts."""

    LINE = 5.5

    def __init__(self, *, unit, number: str, title: str, city: Region | None):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.unit, self.number, self.city = unit, number, city
        self.set_margins(20, 15, 20)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(_latin1(f"{title} {number}"))
        self.set_author(_latin1(unit.name))
        self.set_creator("Gulo Asem")
        self.alias_nb_pages()
        self.add_page()

    @property
    def width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def text_line(self, text: str, *, style: str = "", size: float = 10, align: str = "L", h=None):
        self.set_font("Helvetica", style, size)
        self.multi_cell(self.width, h or self.LINE, _latin1(text), align=align, new_x=XPos.LMARGIN)

    def letterhead(self):
        if self.city is not None:
            self.text_line(f"PEMERINTAH {self.city.name.upper()}", style="B", size=12, align="C", h=6)
        self.text_line(self.unit.name.upper(), style="B", size=14, align="C", h=7)
        y = self.get_y() + 1.5
        self.set_line_width(0.8)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_line_width(0.2)
        self.line(self.l_margin, y + 1.2, self.w - self.r_margin, y + 1.2)
        self.set_y(y + 5)

    def title_block(self, title: str):
        self.set_font("Helvetica", "BU", 13)
        self.cell(self.width, 7, _latin1(title), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", "", 10)
        self.cell(
            self.width,
            self.LINE,
            _latin1(f"Nomor: {self.number}"),
            align="C",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.ln(4)

    def facts(self, rows: list[tuple[str, str]], *, label_width: float = 42):
        """Label : value rows, values wrapping under themselves."""
        for label, value in rows:
            self.set_font("Helvetica", "", 10)
            self.cell(label_width, self.LINE, _latin1(label))
            self.cell(4, self.LINE, ":")
            self.multi_cell(
                self.width - label_width - 4, self.LINE, _latin1(value), align="L", new_x=XPos.LMARGIN
            )

    def lines_table(self, headings: tuple[str, ...], rows: list[tuple[str, ...]], widths, aligns, total_row):
        self.set_font("Helvetica", "", 9)
        with self.table(
            col_widths=widths,
            text_align=aligns,
            line_height=self.LINE,
            first_row_as_headings=True,
            width=self.width,
        ) as table:
            head = table.row()
            for heading in headings:
                head.cell(_latin1(heading), align="C")
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(_latin1(value))
            label, amount = total_row
            row = table.row()
            row.cell(_latin1(label), colspan=len(headings) - 1, align="R")
            row.cell(_latin1(amount))
        self.ln(2)

    def amount_in_words(self, amount_idr: int):
        self.set_font("Helvetica", "", 10)
        self.cell(22, self.LINE, "Terbilang")
        self.cell(4, self.LINE, ":")
        self.set_font("Helvetica", "I", 10)
        self.multi_cell(self.width - 26, self.LINE, _latin1(terbilang(amount_idr)), new_x=XPos.LMARGIN)
        self.ln(2)

    def signatures(self, signers: list[Signer], *, dated: str):
        """Signers side by side, names on one level; the date sits above the last one, as letters do."""
        if self.will_page_break(55):
            self.add_page()
        self.ln(4)
        col = self.width / len(signers)
        top = self.get_y()
        below_roles = top
        for i, signer in enumerate(signers):
            x = self.l_margin + i * col
            self.set_xy(x, top)
            self.set_font("Helvetica", "", 10)
            self.multi_cell(col, self.LINE, _latin1(dated if i == len(signers) - 1 else ""), align="C")
            self.set_xy(x, self.get_y())
            self.set_font("Helvetica", "B", 10)
            self.multi_cell(col, self.LINE, _latin1(signer.heading), align="C")
            self.set_xy(x + 2, self.get_y())
            self.set_font("Helvetica", "", 9)
            self.multi_cell(col - 4, self.LINE - 1, _latin1(signer.role), align="C")
            below_roles = max(below_roles, self.get_y())
        names_at = below_roles + 20  # room for the signature and the stamp
        bottom = names_at
        for i, signer in enumerate(signers):
            self.set_xy(self.l_margin + i * col, names_at)
            self.set_font("Helvetica", "BU" if signer.name else "", 10)
            self.multi_cell(col, self.LINE, _latin1(signer.name or "(" + "." * 40 + ")"), align="C")
            bottom = max(bottom, self.get_y())
        self.set_xy(self.l_margin, bottom + 4)

    def verification(self, url: str):
        size = 28
        if self.will_page_break(size + 4):
            self.add_page()
        top = self.get_y() + 2
        self.image(_qr_image(url), x=self.l_margin, y=top, w=size, h=size, alt_text="QR verifikasi")
        self.set_xy(self.l_margin + size + 4, top + 3)
        self.set_font("Helvetica", "B", 9)
        self.multi_cell(self.width - size - 4, 4.5, "Verifikasi keaslian dokumen", align="L", new_x=XPos.LEFT)
        self.set_font("Helvetica", "", 8)
        self.multi_cell(
            self.width - size - 4,
            4,
            _latin1(
                "Pindai kode QR ini atau buka alamat di bawah untuk mencocokkan nomor, tanggal dan nilai "
                "dokumen ini dengan catatan Gulo Asem:"
            ),
            align="L",
            new_x=XPos.LEFT,
        )
        self.set_font("Courier", "", 7.5)
        self.multi_cell(self.width - size - 4, 4, _latin1(url), new_x=XPos.LMARGIN)
        self.set_y(max(self.get_y(), top + size + 2))

    def footer(self):
        self.set_y(-13)
        self.set_font("Helvetica", "", 7.5)
        self.set_text_color(110)
        self.cell(self.width / 2, 5, _latin1(self.number))
        self.cell(self.width / 2, 5, f"Halaman {self.page_no()} dari {{nb}}", align="R")
        self.set_text_color(0)


def _qty(line, quantity: int) -> str:
    unit = line.product.sale_unit if line.product_id and line.product else ""
    return f"{quantity} {unit}".strip()


def order_letter_pdf(*, unit_order: UnitOrder, seal: DocumentSeal, verify_url: str) -> bytes:
    """The surat pesanan of an order: to the MSME, what, when, where, for how much, from which budget."""
    uo = unit_order
    order, event, line = uo.order, uo.event, uo.budget_line
    city = _city()
    doc = _Document(unit=uo.unit, number=seal.number, title="Surat Pesanan", city=city)
    doc.letterhead()
    doc.title_block("SURAT PESANAN")
    doc.facts(
        [
            ("Tanggal", _day(seal.issued_on)),
            ("Kepada Yth.", uo.partner.name),
            ("Nomor pesanan", order.number),
        ]
    )
    doc.ln(2)
    doc.text_line(
        f"Dengan ini {uo.unit.name} memesan makanan dan minuman untuk kegiatan berikut, "
        "dengan rincian dan harga di bawah ini:"
    )
    doc.ln(1)
    doc.facts(
        [
            ("Kegiatan", event.name),
            ("Jumlah peserta", f"{event.participants} orang"),
            ("Waktu pengiriman", _moment(uo.delivery_at)),
            ("Tempat", event.venue),
            ("Narahubung", f"{event.contact_name} ({event.contact_phone})"),
        ]
    )
    doc.ln(3)
    lines = list(order.lines.select_related("product"))
    doc.lines_table(
        ("No", "Uraian", "Jumlah", "Harga Satuan", "Jumlah Harga"),
        [
            (
                str(n),
                ol.title,
                _qty(ol, ol.quantity),
                format_rupiah(ol.unit_price_incl_tax),
                format_rupiah(ol.line_price_incl_tax),
            )
            for n, ol in enumerate(lines, start=1)
        ],
        widths=(8, 70, 22, 35, 35),
        aligns=("CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
        total_row=("Total", format_rupiah(uo.total_idr)),
    )
    doc.amount_in_words(uo.total_idr)
    doc.facts(
        [
            ("Sumber dana", f"DPA {uo.unit.short_name or uo.unit.name} Tahun Anggaran {line.fiscal_year}"),
            ("Sub kegiatan", f"{line.sub_activity_code} {line.sub_activity_name}"),
            ("Kode rekening", f"{line.account.code} {line.account.name}"),
        ]
    )
    doc.ln(2)
    doc.text_line(
        "Harga sudah termasuk pengantaran ke tempat kegiatan. Pembayaran dilakukan setelah pesanan diterima "
        "dan Berita Acara Serah Terima ditandatangani. Demikian surat pesanan ini dibuat untuk dilaksanakan "
        "sebagaimana mestinya."
    )
    place = _place_name(city)
    doc.signatures(
        [
            Signer("Pemesan,", f"Pemesan {uo.unit.short_name or uo.unit.name}", _person(uo.officer)),
            Signer("Mengetahui,", "Pejabat Pembuat Komitmen (PPK)", ppk_name(uo)),
        ],
        dated=f"{place}, {_day(seal.issued_on)}" if place else _day(seal.issued_on),
    )
    doc.verification(verify_url)
    return bytes(doc.output())


def bast_pdf(*, receipt: Receipt, seal: DocumentSeal, verify_url: str) -> bytes:
    """The BAST: the MSME handed over, the officer received these quantities, worth this much."""
    uo = receipt.unit_order
    event = uo.event
    city = _city()
    received_on = timezone.localtime(receipt.received_at)
    doc = _Document(unit=uo.unit, number=seal.number, title="Berita Acara Serah Terima", city=city)
    doc.letterhead()
    doc.title_block("BERITA ACARA SERAH TERIMA")
    unit_label = uo.unit.short_name or uo.unit.name
    receiver = _person(receipt.received_by)
    doc.text_line(
        f"Pada hari ini {_day(received_on, 'l')}, tanggal {_day(received_on)}, "
        "yang bertanda tangan di bawah ini:"
    )
    doc.ln(1)
    doc.facts(
        [
            ("PIHAK PERTAMA", f"{uo.partner.name}, selaku penyedia (yang menyerahkan)"),
            ("PIHAK KEDUA", f"{receiver}, Pemesan pada {uo.unit.name} (yang menerima)"),
        ],
        label_width=36,
    )
    doc.ln(1)
    doc.text_line(
        "PIHAK PERTAMA telah menyerahkan kepada PIHAK KEDUA, dan PIHAK KEDUA telah menerima, pesanan "
        f"berdasarkan Surat Pesanan Nomor {order_letter_number(uo)} untuk kegiatan {event.name} "
        f"({_moment(uo.delivery_at)}, {event.venue}) dengan rincian sebagai berikut:"
    )
    doc.ln(2)
    received = {rl.line_id: rl.quantity_received for rl in receipt.lines.all()}
    lines = list(uo.order.lines.select_related("product"))
    doc.lines_table(
        ("No", "Uraian", "Dipesan", "Diterima", "Harga Satuan", "Jumlah"),
        [
            (
                str(n),
                ol.title,
                _qty(ol, ol.quantity),
                _qty(ol, received.get(ol.pk, 0)),
                format_rupiah(ol.unit_price_incl_tax),
                format_rupiah(int(ol.unit_price_incl_tax) * received.get(ol.pk, 0)),
            )
            for n, ol in enumerate(lines, start=1)
        ],
        widths=(8, 58, 20, 20, 32, 32),
        aligns=("CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        total_row=("Nilai yang diterima", format_rupiah(receipt.amount_idr)),
    )
    doc.amount_in_words(receipt.amount_idr)
    doc.facts(
        [
            ("Nilai pesanan", format_rupiah(uo.total_idr)),
            ("Nilai diterima", format_rupiah(receipt.amount_idr)),
            ("Catatan", receipt.notes or "-"),
        ]
    )
    doc.ln(2)
    doc.text_line(
        "Nilai yang diterima menjadi dasar pembayaran kepada PIHAK PERTAMA. Demikian berita acara ini dibuat "
        "dengan sebenarnya untuk dipergunakan sebagaimana mestinya."
    )
    place = _place_name(city)
    doc.signatures(
        [
            Signer("PIHAK PERTAMA", f"Yang menyerahkan, {uo.partner.name}", _vendor_signer_name(uo)),
            Signer("PIHAK KEDUA", f"Yang menerima, Pemesan {unit_label}", receiver),
            Signer("Mengetahui,", "Pejabat Pembuat Komitmen (PPK)", ppk_name(uo)),
        ],
        dated=f"{place}, {_day(received_on)}" if place else _day(received_on),
    )
    doc.verification(verify_url)
    return bytes(doc.output())
