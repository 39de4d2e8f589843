"""The MSME pages: registration steps, status, verification queue and review, public page."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.core import mail
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from PIL import ExifTags, Image
from pypdf import PdfWriter

from marketplace.accounts import roles
from tests.factories import KecamatanFactory, KelurahanFactory, ProductFactory, UserFactory, VendorFactory
from tests.factories.vendor_documents import CompleteVendorFactory, jpeg_bytes, pdf_bytes
from vendors import selectors, services
from vendors.models import Vendor, VendorDecision, VendorDocument

pytestmark = pytest.mark.django_db

S = Vendor.Status
D = VendorDocument.Kind

# The queue's query count is set by vendors.selectors.verification_queue, whatever the page size;
# most of it is the layout's (session, user, permissions, basket, categories, notifications).
QUEUE_MAX_QUERIES = 20
# An MSME's public page: the vendor, its rating, a page of product ids, those products.
PUBLIC_PAGE_MAX_QUERIES = 12


def step_url(step):
    return reverse("vendors:register-step", kwargs={"step": step})


def html(response):
    return response.content.decode()


def form_errors(response):
    """Every message the form on the page carries (field and non-field)."""
    form = response.context["form"]
    return [str(message) for messages in form.errors.values() for message in messages]


def approve(vendor, verifier):
    """Approve through the service, as a Verifikator would (documents are not needed here)."""
    if vendor.status != S.SUBMITTED:
        Vendor.objects.filter(pk=vendor.pk).update(status=S.SUBMITTED, submitted_at=timezone.now())
    services.vendor_approve(vendor=vendor, verifier=verifier)
    vendor.refresh_from_db()
    return vendor


# --- Registration steps ---------------------------------------------------------------------------


def test_registration_opens_the_first_step_and_writes_nothing_yet(login):
    owner = UserFactory()

    response = login(owner).get(reverse("vendors:register"))

    assert response.status_code == 302
    assert response["Location"] == step_url("usaha")
    assert not Vendor.objects.filter(owner=owner).exists()  # the first saved step starts the draft


def test_registration_requires_login(client):
    response = client.get(step_url("usaha"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Vendor.objects.exists()


def test_business_step_saves_a_draft_that_can_be_resumed(login):
    owner = UserFactory()
    kelurahan = KelurahanFactory(name="Jagalan", parent=KecamatanFactory(name="Semarang Tengah"))
    client = login(owner)

    response = client.post(
        step_url("usaha"),
        {
            "business_name": "Lumpia Gang Lombok Bu Sri",
            "legal_form": Vendor.LegalForm.INDIVIDUAL,
            "sector": Vendor.Sector.FOOD,
            "description": "Lumpia rebung isi udang.",
            "street_address": "Jl. Gang Lombok No. 11",
            "kecamatan": kelurahan.parent_id,
            "kelurahan": kelurahan.pk,
            "phone": "0812-3456-7890",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == step_url("pemilik")
    vendor = Vendor.objects.get(owner=owner)
    assert vendor.business_name == "Lumpia Gang Lombok Bu Sri"
    assert vendor.phone == "+6281234567890"
    assert (vendor.kecamatan, vendor.kelurahan) == (kelurahan.parent, kelurahan)
    resumed = html(client.get(step_url("usaha")))
    assert 'value="Lumpia Gang Lombok Bu Sri"' in resumed
    assert 'value="+6281234567890"' in resumed


def test_save_draft_stays_on_the_step(login):
    owner = UserFactory()

    response = login(owner).post(step_url("pemilik"), {"owner_name": "Sri Wahyuni", "save_draft": "1"})

    assert response.status_code == 302
    assert response["Location"] == step_url("pemilik")
    assert Vendor.objects.get(owner=owner).owner_name == "Sri Wahyuni"


def test_kelurahan_outside_the_chosen_kecamatan_is_refused(login):
    owner = UserFactory()
    elsewhere = KelurahanFactory(parent=KecamatanFactory(name="Tembalang"))

    response = login(owner).post(
        step_url("usaha"),
        {"business_name": "Dapur Bu Tini", "kecamatan": KecamatanFactory().pk, "kelurahan": elsewhere.pk},
    )

    assert response.status_code == 400
    assert "kelurahan" in response.context["form"].errors
    assert Vendor.objects.get(owner=owner).kelurahan is None


@pytest.mark.parametrize(
    ("step", "data", "field"),
    [
        ("pemilik", {"owner_name": "Sri", "nik": "3374013113900001"}, "nik"),  # 31 November
        ("pemilik", {"owner_name": "Sri", "nik": "33740145079"}, "nik"),
        ("izin", {"nib": "12345"}, "nib"),
        ("izin", {"nib": "9120000000001", "halal_number": "XX123456789"}, "halal_number"),
        ("izin", {"nib": "9120000000001", "pirt_number": "206337401012310"}, "pirt_number"),  # expired 2010
        ("usaha", {"phone": "12"}, "phone"),
    ],
)
def test_invalid_numbers_get_a_message_on_the_form_and_nothing_is_saved(login, step, data, field):
    vendor = VendorFactory(nik=None, nib=None, phone="")

    response = login(vendor.owner).post(step_url(step), data)

    assert response.status_code == 400
    messages = response.context["form"].errors[field]
    assert messages and escape(messages[0]) in html(response)
    vendor.refresh_from_db()
    assert (vendor.nik, vendor.nib, vendor.phone) == (None, None, "")


@pytest.mark.parametrize(("step", "field"), [("pemilik", "nik"), ("izin", "nib")])
def test_duplicate_identity_gets_a_message_not_a_crash_nor_a_leak(login, step, field):
    holder = CompleteVendorFactory(
        business_name="Wingko Babat Cap Kereta",
        owner_name="Siti Aminah",
        owner=UserFactory(email="siti.aminah@wingko.example"),
        documents=[],
    )
    vendor = VendorFactory(business_name="Dapur Bu Tini")
    own = getattr(vendor, field)
    data = {"owner_name": vendor.owner_name} if step == "pemilik" else {}

    response = login(vendor.owner).post(step_url(step), {**data, field: getattr(holder, field)})

    assert response.status_code == 400
    page = html(response)
    errors = form_errors(response)
    assert errors
    for message in errors:
        assert escape(message) in page
    for secret in ("Wingko Babat Cap Kereta", "Siti Aminah", "siti.aminah@wingko.example"):
        assert secret not in page
    vendor.refresh_from_db()
    assert getattr(vendor, field) == own


def test_submitted_registration_cannot_be_edited_through_the_steps(login):
    vendor = CompleteVendorFactory(submitted=True, business_name="Dapur Bu Tini", documents=[])
    client = login(vendor.owner)

    assert client.get(step_url("usaha"))["Location"] == reverse("vendors:status")
    response = client.post(step_url("usaha"), {"business_name": "Diganti"})

    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.business_name == "Dapur Bu Tini"


def test_unknown_step_is_404(login):
    assert login(UserFactory()).get(step_url("rahasia")).status_code == 404


# --- Review and submit ----------------------------------------------------------------------------


def test_review_step_lists_what_is_missing(login):
    vendor = VendorFactory(bank_name="")

    response = login(vendor.owner).get(step_url("kirim"))

    assert response.status_code == 200
    page = html(response)
    assert 'id="missing"' in page
    assert 'id="submit-registration"' not in page
    assert escape(str(D.KTP.label)) in page
    assert escape(str(Vendor._meta.get_field("bank_name").verbose_name)) in page


def test_review_step_masks_the_nik(login):
    vendor = VendorFactory(nik="3374014507900003")

    page = html(login(vendor.owner).get(step_url("kirim")))

    assert "3374014507900003" not in page
    assert "3374" in page and "0003" in page


def test_incomplete_registration_is_not_submitted(login):
    vendor = VendorFactory()

    response = login(vendor.owner).post(step_url("kirim"))

    assert response.status_code == 302
    assert response["Location"] == step_url("kirim")
    vendor.refresh_from_db()
    assert vendor.status == S.DRAFT


def test_complete_registration_is_submitted(login):
    vendor = CompleteVendorFactory()
    client = login(vendor.owner)
    assert 'id="submit-registration"' in html(client.get(step_url("kirim")))

    response = client.post(step_url("kirim"))

    assert response["Location"] == reverse("vendors:status")
    vendor.refresh_from_db()
    assert vendor.status == S.SUBMITTED
    status = client.get(reverse("vendors:status"))
    assert 'data-status="submitted"' in html(status)


@pytest.mark.parametrize("status", [S.APPROVED, S.SUSPENDED])
def test_review_step_of_a_profile_edit_offers_no_submission(login, status):
    vendor = CompleteVendorFactory(status=status)

    page = html(login(vendor.owner).get(step_url("kirim")))

    assert 'id="submit-registration"' not in page
    assert 'id="profile-saved"' in page


# --- Documents through the page -------------------------------------------------------------------


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="rahasia")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bomb() -> bytes:
    """A tiny PNG whose header claims 100 000 × 100 000 pixels."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


BAD_UPLOADS = {
    "pdf_named_jpg_for_ktp": ("ktp", "ktp.jpg", "image/jpeg", pdf_bytes),
    "html_named_png": (
        "business_place",
        "tempat.png",
        "image/png",
        lambda: b"<html><script>alert(1)</script>",
    ),
    "oversize": ("nib", "nib.jpg", "image/jpeg", lambda: jpeg_bytes() + b"\0" * (5 * 1024 * 1024)),
    "decompression_bomb": ("selfie_ktp", "selfie.png", "image/png", png_bomb),
    "truncated_image": ("ktp", "ktp.jpg", "image/jpeg", lambda: jpeg_bytes(size=(400, 300))[:600]),
    "encrypted_pdf": ("nib", "nib.pdf", "application/pdf", encrypted_pdf),
}


@pytest.mark.parametrize("case", BAD_UPLOADS)
def test_bad_upload_gets_a_message_and_nothing_is_stored(login, private_files, case):
    kind, name, content_type, content = BAD_UPLOADS[case]
    vendor = VendorFactory()
    before = private_files()

    response = login(vendor.owner).post(
        step_url("dokumen"), {kind: SimpleUploadedFile(name, content(), content_type=content_type)}
    )

    assert response.status_code == 400
    messages = response.context["form"].errors[kind]
    assert messages and escape(messages[0]) in html(response)
    assert not VendorDocument.objects.exists()
    assert private_files() == before


def test_good_files_of_a_post_are_kept_when_another_is_refused(login, private_files):
    vendor = VendorFactory()
    before = private_files()

    response = login(vendor.owner).post(
        step_url("dokumen"),
        {
            "ktp": SimpleUploadedFile("ktp.jpg", jpeg_bytes(), content_type="image/jpeg"),
            "selfie_ktp": SimpleUploadedFile("selfie.jpg", pdf_bytes(), content_type="image/jpeg"),
        },
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["selfie_ktp"]
    assert list(vendor.documents.values_list("kind", flat=True)) == [D.KTP]
    assert len(private_files() - before) == 1


def test_good_upload_is_stored_privately(login, private_files, settings):
    from pathlib import Path

    vendor = VendorFactory()
    before = private_files()

    response = login(vendor.owner).post(
        step_url("dokumen"),
        {
            "ktp": SimpleUploadedFile("ktp.jpg", jpeg_bytes(), content_type="image/jpeg"),
            "nib": SimpleUploadedFile("nib.pdf", pdf_bytes(), content_type="application/pdf"),
        },
    )

    assert response.status_code == 302
    documents = {d.kind: d for d in vendor.documents.all()}
    assert set(documents) == {D.KTP, D.NIB}
    assert documents[D.NIB].content_type == "application/pdf"
    assert len(private_files() - before) == 2
    media = Path(settings.MEDIA_ROOT)
    for document in documents.values():
        assert not (media / document.file_name).exists()
        assert "ktp" not in document.file_name and "nib.pdf" not in document.file_name


def test_exif_and_gps_are_gone_from_a_stored_photo(login):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "KameraHP"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (6.0, 59.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (110.0, 25.0, 10.0)
    photo = jpeg_bytes(size=(64, 48), exif=exif)
    assert b"KameraHP" in photo and Image.open(BytesIO(photo)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    vendor = VendorFactory()

    response = login(vendor.owner).post(
        step_url("dokumen"),
        {"selfie_ktp": SimpleUploadedFile("selfie.jpg", photo, content_type="image/jpeg")},
    )

    assert response.status_code == 302
    document = vendor.documents.get(kind=D.SELFIE_KTP)
    with storages["private"].open(document.file_name, "rb") as handle:
        stored = handle.read()
    assert b"Exif" not in stored
    assert b"KameraHP" not in stored
    image = Image.open(BytesIO(stored))
    assert len(image.getexif()) == 0
    assert image.size == (64, 48)


def test_documents_step_asks_for_domicile_only_outside_the_city(login):
    inside = VendorFactory(nik="3374014507900003")
    outside = VendorFactory(nik="3322014507900003", halal_number="ID33110000123450124")

    fields_inside = set(login(inside.owner).get(step_url("dokumen")).context["form"].fields)
    fields_outside = set(login(outside.owner).get(step_url("dokumen")).context["form"].fields)

    assert D.DOMICILE not in fields_inside and D.HALAL not in fields_inside
    assert {D.DOMICILE, D.HALAL} <= fields_outside


# --- Status page ----------------------------------------------------------------------------------


def test_status_page_shows_the_reasons_of_a_changes_request(login, verifier):
    vendor = CompleteVendorFactory(submitted=True, documents=[])
    services.vendor_request_changes(
        vendor=vendor,
        verifier=verifier,
        problems=[{"field": "doc_ktp", "label": "KTP", "reason": "Foto KTP nomor 4417 buram"}],
    )

    response = login(vendor.owner).get(reverse("vendors:status"))

    page = html(response)
    assert 'data-status="changes_requested"' in page
    assert 'id="changes-requested"' in page
    assert "Foto KTP nomor 4417 buram" in page
    assert 'id="edit-registration"' in page
    assert 'id="product-dashboard"' not in page


def test_status_page_of_an_approved_msme_leads_to_its_products(login, verifier):
    vendor = approve(CompleteVendorFactory(documents=[]), verifier)
    client = login(vendor.owner)

    page = html(client.get(reverse("vendors:status")))

    assert 'data-status="approved"' in page
    assert f'href="{reverse("vendors:shop-products")}"' in page
    assert client.get(reverse("vendors:shop-products")).status_code == 200


def test_status_page_without_a_registration_leads_to_it(login):
    response = login(UserFactory()).get(reverse("vendors:status"))

    assert response["Location"] == reverse("vendors:register")


# --- Profile edit ---------------------------------------------------------------------------------


def business_data(vendor, **changes):
    data = {
        "business_name": vendor.business_name,
        "legal_form": vendor.legal_form,
        "sector": vendor.sector,
        "description": vendor.description,
        "street_address": vendor.street_address,
        "kecamatan": vendor.kecamatan_id,
        "kelurahan": vendor.kelurahan_id,
        "phone": vendor.phone,
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("step", "change"),
    [
        ("pemilik", {"nik": "3374015203880002"}),
        ("izin", {"nib": "9129999999999"}),
        ("usaha", {"legal_form": Vendor.LegalForm.CV}),
    ],
)
def test_identity_change_on_the_profile_sends_the_msme_back_to_verification(
    login, verifier, client, step, change
):
    vendor = approve(CompleteVendorFactory(documents=[]), verifier)
    ProductFactory(partner=vendor.partner, title="Bandeng Presto Juwana Asli")
    assert "Bandeng Presto Juwana Asli" in html(client.get("/catalogue/"))
    base = {
        "pemilik": {"owner_name": vendor.owner_name, "nik": vendor.nik},
        "izin": {"nib": vendor.nib},
        "usaha": business_data(vendor),
    }[step]

    response = login(vendor.owner).post(step_url(step), {**base, **change, "save_draft": "1"})

    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.status == S.SUBMITTED
    assert not vendor.partner.is_active
    client.logout()
    assert "Bandeng Presto Juwana Asli" not in html(client.get("/catalogue/"))
    assert vendor.decisions.first().action == VendorDecision.Action.REVERIFY


def test_approved_msme_replacing_its_ktp_is_warned_and_verified_again(login, verifier, client):
    vendor = approve(CompleteVendorFactory(), verifier)
    ProductFactory(partner=vendor.partner, title="Bandeng Presto Juwana Asli")
    owner = login(vendor.owner)
    assert 'id="reverify-warning"' in html(owner.get(step_url("dokumen")))

    response = owner.post(
        step_url("dokumen"),
        {"ktp": SimpleUploadedFile("ktp.jpg", jpeg_bytes(), content_type="image/jpeg"), "save_draft": "1"},
        follow=True,
    )

    assert "diperiksa ulang" in html(response)
    vendor.refresh_from_db()
    assert vendor.status == S.SUBMITTED
    assert vendor.decisions.first().action == VendorDecision.Action.REVERIFY
    client.logout()
    assert "Bandeng Presto Juwana Asli" not in html(client.get("/catalogue/"))


def test_description_change_keeps_the_msme_selling(login, verifier, client):
    vendor = approve(CompleteVendorFactory(documents=[]), verifier)
    ProductFactory(partner=vendor.partner, title="Bandeng Presto Juwana Asli")

    response = login(vendor.owner).post(
        step_url("usaha"), business_data(vendor, description="Kini juga tumpeng.", save_draft="1")
    )

    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.status == S.APPROVED
    assert vendor.description == "Kini juga tumpeng."
    assert vendor.partner.is_active
    client.logout()
    assert "Bandeng Presto Juwana Asli" in html(client.get("/catalogue/"))


# --- Catalogue and public page --------------------------------------------------------------------


def test_only_approved_msmes_products_are_in_the_catalogue(client, verifier):
    approved = approve(CompleteVendorFactory(documents=[]), verifier)
    ProductFactory(partner=approved.partner, title="Wingko Babat Kelapa Muda")
    suspended = approve(CompleteVendorFactory(documents=[]), verifier)
    ProductFactory(partner=suspended.partner, title="Tahu Pong Gajahmada")
    services.vendor_suspend(vendor=suspended, actor=verifier, reason="Keluhan pelanggan")

    page = html(client.get("/catalogue/"))

    assert "Wingko Babat Kelapa Muda" in page
    assert "Tahu Pong Gajahmada" not in page


def test_suspension_hides_products_at_once_and_reinstatement_shows_them(client, verifier):
    vendor = approve(CompleteVendorFactory(documents=[]), verifier)
    product = ProductFactory(partner=vendor.partner, title="Wingko Babat Kelapa Muda")
    assert "Wingko Babat Kelapa Muda" in html(client.get("/catalogue/"))
    assert client.get(product.get_absolute_url()).status_code == 200

    services.vendor_suspend(vendor=vendor, actor=verifier, reason="Keluhan pelanggan")
    assert "Wingko Babat Kelapa Muda" not in html(client.get("/catalogue/"))
    assert client.get(product.get_absolute_url()).status_code == 404
    assert client.get(reverse("vendors:vendor-detail", args=[vendor.slug])).status_code == 404

    services.vendor_reinstate(vendor=vendor, actor=verifier, reason="Sudah diperiksa")
    assert "Wingko Babat Kelapa Muda" in html(client.get("/catalogue/"))
    assert client.get(product.get_absolute_url()).status_code == 200
    assert client.get(reverse("vendors:vendor-detail", args=[vendor.slug])).status_code == 200


def test_public_page_shows_the_business_and_never_personal_data(client, verifier):
    kecamatan = KecamatanFactory(name="Gajahmungkur")
    vendor = CompleteVendorFactory(
        business_name="Katering Bu Ning",
        sector=Vendor.Sector.FOOD,
        kelurahan=KelurahanFactory(parent=kecamatan),
        halal_number="ID33110000123450124",
        pirt_number="206337401012345",
        street_address="Jl. Papandayan No. 71",
        nik="3374014507900003",
    )
    vendor = approve(vendor, verifier)
    ProductFactory(partner=vendor.partner, title="Nasi Liwet Komplit Bu Ning")

    response = client.get(f"/umkm/u/{vendor.slug}/")

    assert response.status_code == 200
    page = html(response)
    assert "Katering Bu Ning" in page
    assert escape(str(Vendor.Sector.FOOD.label)) in page
    assert "Gajahmungkur" in page
    assert "Nasi Liwet Komplit Bu Ning" in page
    assert 'id="badge-halal"' in page and 'id="badge-pirt"' in page
    for secret in ("3374014507900003", "33740145", "Jl. Papandayan", vendor.owner.email, "/umkm/dokumen/"):
        assert secret not in page


def test_public_page_has_no_badges_without_certificates(client, verifier):
    vendor = approve(CompleteVendorFactory(documents=[]), verifier)

    page = html(client.get(f"/umkm/u/{vendor.slug}/"))

    assert 'id="badge-halal"' not in page and 'id="badge-pirt"' not in page


def test_public_page_lists_every_product_over_pages(
    client, verifier, monkeypatch, django_assert_max_num_queries
):
    from vendors.views import VendorPublicView

    monkeypatch.setattr(VendorPublicView, "paginate_by", 2)
    vendor = approve(CompleteVendorFactory(documents=[]), verifier)
    titles = [f"Kue Nomor {n}" for n in range(1, 6)]
    for title in titles:
        ProductFactory(partner=vendor.partner, title=title)
    ProductFactory(title="Kue Tetangga")  # another MSME's

    seen = []
    for number in (1, 2, 3):
        with django_assert_max_num_queries(PUBLIC_PAGE_MAX_QUERIES):
            page = html(client.get(f"/umkm/u/{vendor.slug}/", {"page": number}))
        seen += [t for t in titles if f">{t}<" in page]
        assert "Kue Tetangga" not in page
    assert sorted(seen) == sorted(titles)  # newest first, each once
    assert "<strong>5</strong> produk" in page
    assert "Halaman 3 dari 3" in page
    last = html(client.get(f"/umkm/u/{vendor.slug}/", {"page": "99"}))
    assert [t for t in titles if f">{t}<" in last] == ["Kue Nomor 1"]  # out of range: the last page


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.REJECTED, S.SUSPENDED])
def test_public_page_of_a_vendor_not_approved_is_404(client, status):
    vendor = VendorFactory(status=status, slug="dapur-bu-tini")

    assert client.get("/umkm/u/dapur-bu-tini/").status_code == 404
    assert vendor.slug == "dapur-bu-tini"


# --- Verification queue ---------------------------------------------------------------------------


def waiting(days, **kwargs):
    return CompleteVendorFactory(
        submitted=True, submitted_at=timezone.now() - timedelta(days=days), documents=[], **kwargs
    )


def queue(client, **params):
    response = client.get(reverse("vendors:verification-queue"), params)
    assert response.status_code == 200
    return response


def test_queue_lists_submitted_registrations_oldest_first(login, verifier):
    newest, oldest, middle = waiting(1), waiting(9), waiting(4)
    VendorFactory()  # a draft is nobody's business yet
    CompleteVendorFactory(status=S.APPROVED, documents=[])

    response = queue(login(verifier))

    assert list(response.context["vendors"]) == [oldest, middle, newest]
    page = html(response)
    assert (
        page.index(oldest.business_name) < page.index(middle.business_name) < page.index(newest.business_name)
    )
    assert reverse("vendors:verification-review", args=[oldest.pk]) in page


def test_queue_filters_by_status(login, verifier):
    waiting(2)
    rejected = CompleteVendorFactory(status=S.REJECTED, documents=[])

    response = queue(login(verifier), status=S.REJECTED)

    assert list(response.context["vendors"]) == [rejected]


def test_queue_filters_by_kecamatan(login, verifier):
    tembalang = KelurahanFactory(parent=KecamatanFactory(name="Tembalang"))
    in_tembalang = waiting(2, kelurahan=tembalang)
    waiting(3)

    response = queue(login(verifier), kecamatan=tembalang.parent_id)

    assert list(response.context["vendors"]) == [in_tembalang]


def test_queue_filters_by_sector(login, verifier):
    batik = waiting(2, sector=Vendor.Sector.FASHION)
    waiting(3, sector=Vendor.Sector.FOOD)

    response = queue(login(verifier), sector=Vendor.Sector.FASHION)

    assert list(response.context["vendors"]) == [batik]


def test_queue_filters_by_days_waiting(login, verifier):
    long_wait, a_while = waiting(10), waiting(7)
    waiting(2)

    response = queue(login(verifier), min_days=7)

    assert list(response.context["vendors"]) == [long_wait, a_while]


def test_queue_combines_filters(login, verifier):
    tembalang = KelurahanFactory(parent=KecamatanFactory(name="Tembalang"))
    match = waiting(8, kelurahan=tembalang, sector=Vendor.Sector.CRAFT)
    waiting(8, kelurahan=tembalang, sector=Vendor.Sector.FOOD)
    waiting(1, kelurahan=tembalang, sector=Vendor.Sector.CRAFT)
    waiting(8, sector=Vendor.Sector.CRAFT)

    response = queue(login(verifier), kecamatan=tembalang.parent_id, sector=Vendor.Sector.CRAFT, min_days=5)

    assert list(response.context["vendors"]) == [match]


def test_queue_paginates_keeping_the_filters(login, verifier):
    vendors = [waiting(40 - n, sector=Vendor.Sector.FOOD) for n in range(30)]
    client = login(verifier)

    first = queue(client, sector=Vendor.Sector.FOOD)
    second = queue(client, sector=Vendor.Sector.FOOD, page=2)

    assert list(first.context["vendors"]) == vendors[:25]
    assert list(second.context["vendors"]) == vendors[25:]
    assert "?sector=kuliner&page=2" in html(first)


def test_queue_with_a_bad_filter_still_answers(login, verifier):
    first = waiting(3)

    response = queue(login(verifier), min_days="banyak", kecamatan="999999")

    assert list(response.context["vendors"]) == [first]


@pytest.mark.parametrize("count", [5, 25])
def test_queue_query_count_does_not_grow_with_the_page(login, verifier, count, django_assert_max_num_queries):
    for n in range(count):
        waiting(n + 1, kelurahan=KelurahanFactory())
    client = login(verifier)

    with django_assert_max_num_queries(QUEUE_MAX_QUERIES):
        response = queue(client)

    assert len(response.context["vendors"]) == count


# --- Review and decision through the page ---------------------------------------------------------


def review_url(vendor):
    return reverse("vendors:verification-review", args=[vendor.pk])


def test_review_page_shows_each_document_beside_its_data(login, verifier):
    vendor = CompleteVendorFactory(submitted=True, nik="3374014507900003")

    response = login(verifier).get(review_url(vendor))

    assert response.status_code == 200
    page = html(response)
    assert "3374014507900003" in page  # the verifier sees the full NIK
    for document in vendor.documents.all():
        assert reverse("vendors:document-download", args=[document.pk]) in page
        assert f'data-kind="{document.kind}"' in page
    assert 'id="action-approve"' in page and 'id="action-suspend"' not in page


@pytest.mark.parametrize(
    ("city_code", "nik", "in_city"),
    [
        ("33.74", "3374014507900003", "yes"),
        ("33.74", "3322014507900003", "no"),
        ("33.71", "3371014507900003", "yes"),  # the same software run by Kota Magelang
        ("33.71", "3374014507900003", "no"),
    ],
)
def test_review_page_tells_whether_the_ktp_was_issued_in_the_city(
    login, verifier, settings, city_code, nik, in_city
):
    settings.CITY_CODE = city_code
    vendor = CompleteVendorFactory(submitted=True, nik=nik, documents=[])

    page = html(login(verifier).get(review_url(vendor)))

    assert f'id="nik-in-city" data-in-city="{in_city}"' in page
    assert (D.DOMICILE in selectors.required_documents(vendor)) == (in_city == "no")


def test_verifier_approves_through_the_page(login, verifier, django_capture_on_commit_callbacks):
    vendor = CompleteVendorFactory(submitted=True, documents=[])

    with django_capture_on_commit_callbacks(execute=True):
        response = login(verifier).post(review_url(vendor), {"action": "approve"})

    assert response["Location"] == reverse("vendors:verification-queue")
    vendor.refresh_from_db()
    assert vendor.status == S.APPROVED
    assert vendor.partner.users.filter(pk=vendor.owner_id).exists()
    assert [m.to for m in mail.outbox] == [[vendor.owner.email]]


def test_verifier_asks_for_changes_with_a_reason_per_problem(login, verifier):
    vendor = CompleteVendorFactory(submitted=True, documents=[])

    response = login(verifier).post(
        review_url(vendor),
        {
            "action": "request_changes",
            "problem_doc_ktp": "Foto KTP buram",
            "problem_permits": "NIB tidak cocok dengan sertifikat",
            "problem_business": "",
        },
    )

    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.status == S.CHANGES_REQUESTED
    problems = {p["field"]: p["reason"] for p in vendor.decisions.first().problems}
    assert problems == {"doc_ktp": "Foto KTP buram", "permits": "NIB tidak cocok dengan sertifikat"}


@pytest.mark.parametrize("action", ["reject", "request_changes"])
def test_decision_without_a_reason_is_refused_on_the_page(login, verifier, action):
    vendor = CompleteVendorFactory(submitted=True, documents=[])

    response = login(verifier).post(review_url(vendor), {"action": action, "reason": " "})

    assert response.status_code == 400
    errors = response.context["form"].non_field_errors()
    assert errors and escape(errors[0]) in html(response)
    vendor.refresh_from_db()
    assert vendor.status == S.SUBMITTED
    assert not vendor.decisions.exists()


def test_decision_not_possible_in_the_status_is_refused_on_the_page(login, verifier):
    vendor = CompleteVendorFactory(submitted=True, documents=[])

    response = login(verifier).post(review_url(vendor), {"action": "reinstate", "reason": "Tidak ada"})

    assert response.status_code == 400
    vendor.refresh_from_db()
    assert vendor.status == S.SUBMITTED


def test_verifier_suspends_an_approved_msme_through_the_page(login, verifier):
    vendor = approve(CompleteVendorFactory(documents=[]), verifier)

    response = login(verifier).post(review_url(vendor), {"action": "suspend", "reason": "Keluhan keracunan"})

    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.status == S.SUSPENDED
    assert not vendor.partner.is_active


def test_verifier_sees_no_decision_form_on_their_own_registration(login):
    owner = UserFactory(roles=[roles.VERIFIER])
    vendor = CompleteVendorFactory(owner=owner, submitted=True, documents=[])
    client = login(owner)

    assert 'id="decision-form"' not in html(client.get(review_url(vendor)))
    response = client.post(review_url(vendor), {"action": "approve"})

    assert response.status_code == 400
    vendor.refresh_from_db()
    assert vendor.status == S.SUBMITTED


# --- NIK against the city's regions (the pack's kecamatan) ---------------------------------------


@pytest.fixture
def city_kecamatan(db):
    """Kota Semarang with its 16 kecamatan (33.74.01 to 33.74.16), as the city pack loads them."""
    from tests.factories import CityRegionFactory

    return CityRegionFactory()


def test_nik_naming_a_kecamatan_the_city_does_not_have_is_refused_on_the_form(login, city_kecamatan):
    vendor = VendorFactory(nik=None)

    with translation.override("id"):
        response = login(vendor.owner).post(
            step_url("pemilik"), {"owner_name": "Sri", "nik": "3374171506850001"}
        )

    assert response.status_code == 400
    message = "Kode kecamatan 17 pada NIK tidak ada di Kota Semarang."
    assert form_errors(response) == [message]
    assert escape(message) in html(response)
    vendor.refresh_from_db()
    assert vendor.nik is None


def test_nik_of_17_digits_is_refused_not_cut_into_another_nik(login, city_kecamatan):
    vendor = VendorFactory(nik=None)
    client = login(vendor.owner)

    page = html(client.get(step_url("pemilik")))
    response = client.post(step_url("pemilik"), {"owner_name": "Sri", "nik": "3374 0115 0890 00011"})

    # The browser must not cut what is typed at 16 characters (spaces count there).
    nik_input = re.search(r'<input[^>]*name="nik"[^>]*>', page).group(0)
    assert 'maxlength="16"' not in nik_input and 'maxlength="24"' in nik_input
    assert response.status_code == 400
    assert form_errors(response) == ["NIK harus 16 angka; Anda mengetik 17."]
    vendor.refresh_from_db()
    assert vendor.nik is None


@pytest.mark.parametrize("typed", ["3374 1615 0685 0001", "3374.16.150685.0001", "3374-16-150685-0001"])
def test_nik_typed_with_spaces_dots_or_dashes_is_stored_as_16_digits(login, city_kecamatan, typed):
    vendor = VendorFactory(nik=None)

    response = login(vendor.owner).post(
        step_url("pemilik"), {"owner_name": "Sri", "nik": typed, "save_draft": "1"}
    )

    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.nik == "3374161506850001"


def test_service_refuses_a_nik_naming_a_kecamatan_the_city_does_not_have(city_kecamatan):
    vendor = VendorFactory(nik=None)

    with pytest.raises(services.InvalidIdentity) as excinfo:
        services.vendor_update(vendor=vendor, actor=vendor.owner, data={"nik": "3374171506850001"})

    assert "17" in excinfo.value.message
    vendor.refresh_from_db()
    assert vendor.nik is None


def test_service_stores_a_nik_without_its_separators(city_kecamatan):
    vendor = VendorFactory(nik=None)

    services.vendor_update(vendor=vendor, actor=vendor.owner, data={"nik": "3374 16 150685 0001"})

    vendor.refresh_from_db()
    assert vendor.nik == "3374161506850001"


def test_a_nik_with_a_kecamatan_the_city_does_not_have_waives_no_domicile_letter(
    login, verifier, city_kecamatan
):
    # NIKs stored before they were checked against the regions (written directly, not by the form).
    real = VendorFactory(nik="3374161506850001")
    made_up = VendorFactory(nik="3374171506850002")
    # 98: beyond both the city's kecamatan and the made-up ones the factories add (17 to 96).
    submitted = CompleteVendorFactory(submitted=True, nik="3374981506850003", documents=[])

    assert D.DOMICILE not in login(real.owner).get(step_url("dokumen")).context["form"].fields
    assert D.DOMICILE in login(made_up.owner).get(step_url("dokumen")).context["form"].fields
    assert D.DOMICILE in selectors.required_documents(submitted)
    assert 'id="nik-in-city" data-in-city="no"' in html(login(verifier).get(review_url(submitted)))
