"""Order letters and BAST as PDF, and the public page their QR codes open."""

import io
import secrets

import pytest
import qrcode
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from procurement.ordering import services
from procurement.ordering.documents import terbilang
from procurement.ordering.models import DocumentSeal, UnitOrder
from procurement.units.models import Membership
from tests.factories import UnitFactory
from tests.procurement.ordering.world import (
    build_world,
    order_in,
    person_for,
    place,
    place_big,
    vendor_person,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


def pdf_text(content: bytes) -> str:
    """The PDF's text with line breaks and runs of spaces made single spaces."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def download(client, user, name: str, uo: UnitOrder):
    client.force_login(user)
    return client.get(reverse(name, args=[uo.pk]))


def received_order(w, *, quantity_received: int = 8, notes: str = "2 kotak datang terlambat"):
    """10 snack boxes ordered (Rp 200.000), `quantity_received` signed for in the BAST."""
    uo = order_in(w, "delivered")
    line = uo.order.lines.get()
    services.order_receive(
        unit_order=uo, officer=w.officer, quantities={line.pk: quantity_received}, notes=notes
    )
    uo.refresh_from_db()
    return uo


# --- Amounts in words ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Nol rupiah"),
        (1, "Satu rupiah"),
        (1_250_000, "Satu juta dua ratus lima puluh ribu rupiah"),
        (50_000_000, "Lima puluh juta rupiah"),
        (1_000_000_001, "Satu miliar satu rupiah"),
    ],
)
def test_terbilang_writes_rupiah_in_indonesian_words(amount, words):
    assert terbilang(amount) == words


@pytest.mark.parametrize("amount", [-1, 1.5])
def test_terbilang_refuses_what_is_not_whole_rupiah(amount):
    with pytest.raises(ValueError):
        terbilang(amount)


# --- Order letter --------------------------------------------------------------------


def test_order_letter_is_a_pdf_with_number_total_words_budget_line_and_signers(client, w):
    uo = order_in(w, "confirmed")

    response = download(client, w.officer, "ordering:order-letter-pdf", uo)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="surat-pesanan-{uo.order.number}.pdf"'
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    year = uo.order.date_placed.year
    assert f"SP/{w.unit.code}/{year}/{uo.order.number}" in text
    assert "SURAT PESANAN" in text
    assert "Dapur Lumpia Bu Sri" in text
    assert "Rapat Koordinasi Pelayanan Publik" in text
    assert "Snack Box Lumpia Semarang" in text
    assert "Rp 200.000" in text
    assert "Dua ratus ribu rupiah" in text
    assert w.line.account.code in text and w.line.sub_activity_name in text
    assert "Rini Astuti" in text  # Pemesan
    assert "Hadi Sucipto" in text  # the unit's PPK: this order needed no approval


def test_order_letter_is_signed_by_the_ppk_who_approved_the_order(client, w):
    approver = person_for(w.unit, Membership.Role.PPK, first_name="Bambang", last_name="Wibowo")
    uo = place_big(w)
    services.order_move(unit_order=uo, action="approve", actor=approver)

    text = pdf_text(download(client, w.officer, "ordering:order-letter-pdf", uo).content)

    assert "Bambang Wibowo" in text
    assert "Hadi Sucipto" not in text
    assert "Rp 1.200.000" in text and "Satu juta dua ratus ribu rupiah" in text


def test_order_letter_waits_for_ppk_approval(client, w):
    uo = place_big(w)
    assert uo.status == "pending_approval"

    assert download(client, w.officer, "ordering:order-letter-pdf", uo).status_code == 404
    assert not DocumentSeal.objects.exists()


def test_order_letter_survives_text_outside_latin_1(client, w):
    uo = place(w, name="Rapat “Evaluasi” — Triwulan II 🍱 会议")
    text = pdf_text(download(client, w.officer, "ordering:order-letter-pdf", uo).content)

    assert 'Rapat "Evaluasi" - Triwulan II' in text


# --- BAST ----------------------------------------------------------------------------------


def test_bast_is_a_pdf_with_receipt_number_quantities_received_amount_and_words(client, w):
    uo = received_order(w, quantity_received=8)

    response = download(client, w.officer, "ordering:order-bast-pdf", uo)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="bast-{uo.order.number}.pdf"'
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert uo.receipt.number in text
    assert "BERITA ACARA SERAH TERIMA" in text
    assert "10 kotak 8 kotak" in text  # ordered, received
    assert "Rp 160.000" in text and "Seratus enam puluh ribu rupiah" in text
    assert "Rp 200.000" in text  # what was ordered
    assert "2 kotak datang terlambat" in text
    assert "Dapur Lumpia Bu Sri" in text and "Rini Astuti" in text and "Hadi Sucipto" in text
    assert w.vendor.owner_name in text  # signs for the MSME


def test_bast_does_not_exist_before_the_receipt_is_signed(client, w):
    uo = order_in(w, "delivered")

    assert download(client, w.officer, "ordering:order-bast-pdf", uo).status_code == 404
    assert download(client, w.officer, "ordering:order-letter-pdf", uo).status_code == 200


def test_order_page_offers_the_documents_that_exist(client, w):
    delivered = order_in(w, "delivered")
    received = received_order(w)
    client.force_login(w.officer)

    page = client.get(reverse("ordering:order-detail", args=[delivered.pk])).content.decode()
    assert 'id="download-order-letter"' in page and 'id="download-bast"' not in page

    page = client.get(reverse("ordering:order-detail", args=[received.pk])).content.decode()
    assert reverse("ordering:order-letter-pdf", args=[received.pk]) in page
    assert reverse("ordering:order-bast-pdf", args=[received.pk]) in page


# --- Who may download ---------------------------------------------------------------------


def _ppk_with_totp(w):
    TOTP.activate(w.ppk, generate_totp_secret())
    return w.ppk


ALLOWED = {
    "officer": lambda w: w.officer,
    "ppk": _ppk_with_totp,
    "msme owner": lambda w: w.vendor_user,
}
REFUSED = {
    "officer of another unit": lambda w: person_for(UnitFactory(), Membership.Role.BUYER),
    "owner of another msme": lambda w: vendor_person(),
}
DOCUMENTS = ["ordering:order-letter-pdf", "ordering:order-bast-pdf"]


@pytest.mark.parametrize("name", DOCUMENTS)
@pytest.mark.parametrize("who", ALLOWED)
def test_people_of_the_order_download_its_documents(client, w, who, name):
    uo = received_order(w)

    response = download(client, ALLOWED[who](w), name, uo)

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("name", DOCUMENTS)
@pytest.mark.parametrize("who", REFUSED)
def test_others_do_not_learn_the_documents_exist(client, w, who, name):
    uo = received_order(w)

    assert download(client, REFUSED[who](w), name, uo).status_code == 404


@pytest.mark.parametrize("name", DOCUMENTS)
def test_visitors_are_sent_to_log_in_first(client, w, name):
    uo = received_order(w)
    url = reverse(name, args=[uo.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not DocumentSeal.objects.exists()


# --- Seals and the public check ----------------------------------------------------------


def test_each_document_gets_one_seal_kept_across_downloads(client, w):
    uo = received_order(w)
    for _ in range(2):
        download(client, w.officer, "ordering:order-letter-pdf", uo)
        download(client, w.vendor_user, "ordering:order-bast-pdf", uo)

    seals = {s.kind: s for s in DocumentSeal.objects.filter(unit_order=uo)}
    assert set(seals) == {"order_letter", "bast"}
    assert seals["bast"].number == uo.receipt.number and seals["bast"].amount_idr == 160_000
    assert seals["order_letter"].amount_idr == 200_000
    assert seals["order_letter"].code != seals["bast"].code
    assert len(seals["bast"].code) >= 20


def image_is_qr_of(image: Image.Image, text: str) -> bool:
    """Whether the image shows the QR code of `text` at some error-correction level."""
    gray = image.convert("L")
    left, top, right, bottom = gray.point(lambda v: 255 if v < 128 else 0).getbbox()
    for level in range(4):
        qr = qrcode.QRCode(error_correction=level, border=0)
        qr.add_data(text)
        qr.make(fit=True)
        matrix = qr.get_matrix()
        size = (right - left) / len(matrix)
        seen = [
            [
                gray.getpixel((int(left + (c + 0.5) * size), int(top + (r + 0.5) * size))) < 128
                for c in range(len(row))
            ]
            for r, row in enumerate(matrix)
        ]
        if seen == matrix:
            return True
    return False


@pytest.mark.parametrize(
    ("name", "kind"), [("ordering:order-letter-pdf", "order_letter"), ("ordering:order-bast-pdf", "bast")]
)
def test_the_qr_code_on_the_document_opens_its_verification_page(client, w, name, kind):
    uo = received_order(w)

    content = download(client, w.officer, name, uo).content

    seal = DocumentSeal.objects.get(unit_order=uo, kind=kind)
    url = "https://guloasem.test" + reverse("ordering:document-verify", args=[seal.code])  # SITE_URL
    assert url in pdf_text(content)
    images = [img.image for page in PdfReader(io.BytesIO(content)).pages for img in page.images]
    assert any(image_is_qr_of(img, url) for img in images)


def test_verification_page_confirms_number_date_and_amount_without_personal_data(
    client, w, django_assert_max_num_queries
):
    uo = received_order(w)
    download(client, w.officer, "ordering:order-bast-pdf", uo)
    seal = DocumentSeal.objects.get(unit_order=uo, kind="bast")
    client.logout()

    with django_assert_max_num_queries(6):
        response = client.get(reverse("ordering:document-verify", args=[seal.code]))

    assert response.status_code == 200
    page = response.content.decode()
    assert uo.receipt.number in page
    assert f"{seal.issued_on.day} " in page and str(seal.issued_on.year) in page
    assert "Rp 160.000" in page and "Seratus enam puluh ribu rupiah" in page
    assert w.unit.name in page and "Dapur Lumpia Bu Sri" in page
    officer, vendor = w.officer, w.vendor
    for private in (
        officer.email,
        officer.get_full_name(),
        w.ppk.get_full_name(),
        uo.event.contact_name,
        uo.event.contact_phone,
        vendor.owner.email,
        vendor.owner_name,
        vendor.phone,
        vendor.nik,
        "2 kotak datang terlambat",
    ):
        assert private not in page, private
    assert response["X-Robots-Tag"] == "noindex"


def test_verification_page_says_so_when_the_code_is_unknown(client, w):
    uo = order_in(w, "confirmed")
    download(client, w.officer, "ordering:order-letter-pdf", uo)
    client.logout()

    response = client.get(reverse("ordering:document-verify", args=[secrets.token_urlsafe(16)]))

    assert response.status_code == 404
    assert 'id="document-unknown"' in response.content.decode()
    assert uo.order.number not in response.content.decode()
