"""Registration steps say what is missing as you go: each step lists the fields it still needs
(a draft can still be saved), a NIK issued outside the city says at once that a domicile letter
will be needed and links to its upload, the accepted formats are the same in the hint and in the
refusal, the review step lists everything entered, and "Lanjutkan pendaftaran" opens the first
step that needs a fix."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from tests.factories import KecamatanFactory, UserFactory, VendorFactory
from tests.factories.vendor_documents import CompleteVendorFactory, jpeg_bytes, pdf_bytes
from vendors import selectors, services, uploads
from vendors.models import Vendor, VendorDocument

pytestmark = pytest.mark.django_db

D = VendorDocument.Kind
OUTSIDE_NIK = "3322014507900003"  # first issued in Kabupaten Semarang (33.22), not the city
INSIDE_NIK = "3374014507900003"  # Kota Semarang (33.74), kecamatan 01
STEP_MAX_QUERIES = 25


def step_url(step):
    return reverse("vendors:register-step", kwargs={"step": step})


def html(response):
    return response.content.decode()


def block(page: str, element_id: str) -> str:
    """The text of the element with `element_id` (up to its first closing </div> or </ul>)."""
    start = page.index(f'id="{element_id}"')
    end = min(i for i in (page.find("</div>", start), page.find("</ul>", start)) if i != -1)
    return re.sub(r"<[^>]+>", " ", page[start:end]).lower()


def label(field: str) -> str:
    return escape(str(Vendor._meta.get_field(field).verbose_name)).lower()


# --- Each step says what it still needs ---------------------------------------------------------


def test_an_empty_step_lists_every_field_it_still_needs(login, django_assert_max_num_queries):
    client = login(UserFactory())

    with django_assert_max_num_queries(STEP_MAX_QUERIES):
        response = client.get(step_url("usaha"))

    needed = block(html(response), "step-missing")
    for field in (
        "business_name",
        "legal_form",
        "sector",
        "street_address",
        "kecamatan",
        "kelurahan",
        "phone",
    ):
        assert label(field) in needed, field
    assert label("description") not in needed  # optional: not listed
    assert 'data-step="usaha" data-needs-fix="yes"' in html(response)


def test_a_partly_filled_step_lists_only_what_is_left_and_the_draft_is_saved(login):
    owner = UserFactory()
    client = login(owner)

    response = client.post(step_url("usaha"), {"business_name": "Dapur Bu Tini", "save_draft": "1"})

    assert response.status_code == 302 and response["Location"] == step_url("usaha")
    assert Vendor.objects.get(owner=owner).business_name == "Dapur Bu Tini"
    needed = block(html(client.get(step_url("usaha"))), "step-missing")
    assert label("business_name") not in needed
    assert label("phone") in needed and label("kelurahan") in needed


def test_a_complete_step_lists_nothing(login):
    vendor = CompleteVendorFactory(documents=[])

    page = html(login(vendor.owner).get(step_url("usaha")))

    assert 'id="step-missing"' not in page
    assert 'data-step="usaha" data-needs-fix' not in page
    assert 'data-step="dokumen" data-needs-fix="yes"' in page  # documents are still missing


def test_the_documents_step_lists_the_documents_still_needed(login):
    vendor = CompleteVendorFactory(nik=INSIDE_NIK, documents=[D.KTP])

    needed = block(html(login(vendor.owner).get(step_url("dokumen"))), "step-missing")

    assert escape(str(D.NIB.label)).lower() in needed and escape(str(D.SELFIE_KTP.label)).lower() in needed
    assert escape(str(D.KTP.label)).lower() not in needed


# --- A NIK issued outside the city --------------------------------------------------------------


def test_saving_a_nik_from_outside_the_city_says_a_domicile_letter_is_needed_and_links_it(login):
    KecamatanFactory(name="Semarang Tengah")  # the city's kecamatan, as the pack loads them
    owner = UserFactory()
    client = login(owner)

    response = client.post(step_url("pemilik"), {"owner_name": "Sri Wahyuni", "nik": OUTSIDE_NIK})

    assert response["Location"] == step_url("izin")
    page = html(client.get(response["Location"]))
    notice = page[page.index('id="domicile-notice"') :]
    notice = notice[: notice.index("</div>")]
    assert "surat keterangan domisili" in notice
    assert f'href="{step_url("dokumen")}#id_domicile"' in notice
    documents = html(client.get(step_url("dokumen")))
    assert 'id="id_domicile"' in documents  # the link's target exists


def test_a_draft_saved_with_a_nik_from_outside_the_city_shows_the_notice_on_the_same_step(login):
    KecamatanFactory(name="Semarang Tengah")
    client = login(UserFactory())

    response = client.post(
        step_url("pemilik"), {"owner_name": "Sri Wahyuni", "nik": OUTSIDE_NIK, "save_draft": "1"}, follow=True
    )

    assert 'id="domicile-notice"' in html(response)


def test_a_nik_from_the_city_needs_no_domicile_letter(login):
    KecamatanFactory(name="Semarang Tengah")
    client = login(UserFactory())

    response = client.post(step_url("pemilik"), {"owner_name": "Sri Wahyuni", "nik": INSIDE_NIK}, follow=True)

    assert 'id="domicile-notice"' not in html(response)


def test_the_notice_goes_once_the_domicile_letter_is_uploaded(login):
    vendor = CompleteVendorFactory(nik=OUTSIDE_NIK, documents=[])
    client = login(vendor.owner)
    assert 'id="domicile-notice"' in html(client.get(step_url("izin")))

    client.post(
        step_url("dokumen"),
        {
            "domicile": SimpleUploadedFile("domisili.pdf", pdf_bytes(), content_type="application/pdf"),
            "save_draft": "1",
        },
    )

    assert vendor.documents.filter(kind=D.DOMICILE).exists()
    assert 'id="domicile-notice"' not in html(client.get(step_url("izin")))


# --- The accepted formats: the same in the hint and in the refusal -------------------------------


@pytest.mark.parametrize(
    ("kind", "wrong", "formats"),
    [
        (D.KTP, ("ktp.pdf", pdf_bytes, "application/pdf"), "JPG, PNG"),  # a photo of the card
        (D.NIB, ("nib.txt", lambda: b"bukan dokumen", "text/plain"), "JPG, PNG, PDF"),
    ],
)
def test_the_hint_and_the_refusal_name_the_same_formats(login, kind, wrong, formats):
    vendor = CompleteVendorFactory(nik=INSIDE_NIK, documents=[])
    client = login(vendor.owner)
    assert uploads.formats_label(selectors.document_formats(kind)) == formats

    form = client.get(step_url("dokumen")).context["form"]
    hint = str(form.fields[kind].help_text)
    name, content, content_type = wrong
    response = client.post(
        step_url("dokumen"), {kind: SimpleUploadedFile(name, content(), content_type=content_type)}
    )

    assert response.status_code == 400
    error = " ".join(str(m) for m in response.context["form"].errors[kind])
    assert f"Format yang diterima: {formats}, paling besar" in hint, hint
    assert formats in error, error
    if "PDF" not in formats:
        assert "PDF" not in hint  # a KTP photo: the hint does not promise a PDF
    widget = form.fields[kind].widget.attrs["accept"]
    assert ("application/pdf" in widget) == ("PDF" in formats)
    assert not vendor.documents.filter(kind=kind).exists()


def test_an_accepted_format_named_in_the_hint_is_accepted(login):
    vendor = CompleteVendorFactory(nik=INSIDE_NIK, documents=[])
    client = login(vendor.owner)

    client.post(
        step_url("dokumen"), {D.KTP: SimpleUploadedFile("ktp.jpg", jpeg_bytes(), content_type="image/jpeg")}
    )

    assert vendor.documents.filter(kind=D.KTP).exists()


# --- The review step lists everything entered ------------------------------------------------------


def test_the_review_step_lists_every_number_and_document(login):
    vendor = CompleteVendorFactory(
        nik=INSIDE_NIK,
        iumk="503/123/2020",
        npwp="012345678901000",
        pirt_number="2063374010123" + "29",
        halal_number="ID33110000123450321",
        pp55_number="KET-00123/PP55/WPJ.10/2024",
        kopimi_registered=True,
        kopimi_number="KOP-3374-00077",
        pbjt_collector=True,
        pbjt_tax_number="P.2.0001234.33.74",
        employees=7,
    )
    vendor.refresh_from_db()

    page = html(login(vendor.owner).get(step_url("kirim")))

    summary = page[page.index('id="registration-summary"') :]
    for value in (
        vendor.business_name,
        vendor.nib,
        vendor.iumk,
        vendor.npwp,
        vendor.pirt_number,
        vendor.halal_number,
        vendor.pp55_number,
        vendor.kopimi_number,
        vendor.pbjt_tax_number,
        vendor.bank_account_number,
    ):
        assert escape(value) in summary, value
    assert ">7<" in summary  # employees
    documents = summary[summary.index('id="summary-documents"') :]
    for document in vendor.documents.all():
        assert f'data-kind="{document.kind}" data-uploaded="yes"' in documents
        assert reverse("vendors:document-download", args=[document.pk]) in documents
    assert f'data-kind="{D.PP55}" data-uploaded="no"' in documents  # optional, not uploaded


def test_the_review_step_masks_the_nik_the_owners_step_shows_it_whole(login):
    vendor = CompleteVendorFactory(nik=INSIDE_NIK)
    client = login(vendor.owner)

    review = html(client.get(step_url("kirim")))
    own_step = html(client.get(step_url("pemilik")))

    shown = review[review.index('id="summary-nik"') :]
    shown = shown[: shown.index("</dd>")]
    assert "3374" in shown and "0003" in shown
    assert INSIDE_NIK not in review
    assert f'value="{INSIDE_NIK}"' in own_step


def test_the_review_step_lists_a_required_document_not_uploaded(login):
    vendor = CompleteVendorFactory(nik=OUTSIDE_NIK, documents=[D.KTP])

    page = html(login(vendor.owner).get(step_url("kirim")))

    assert f'data-kind="{D.DOMICILE}" data-uploaded="no"' in page
    assert f'data-kind="{D.KTP}" data-uploaded="yes"' in page


# --- "Lanjutkan pendaftaran" opens the step that needs a fix ------------------------------------


def continue_to(client) -> str:
    response = client.get(reverse("vendors:register"))
    assert response.status_code == 302
    return response["Location"]


def test_continue_starts_a_new_registration_at_the_first_step(login):
    assert continue_to(login(UserFactory())) == step_url("usaha")


def test_continue_opens_the_first_step_with_missing_fields(login):
    vendor = CompleteVendorFactory(nik=None, documents=[])
    client = login(vendor.owner)

    assert continue_to(client) == step_url("pemilik")
    Vendor.objects.filter(pk=vendor.pk).update(nik=INSIDE_NIK)
    assert continue_to(client) == step_url("dokumen")


def test_continue_opens_the_review_step_when_everything_is_there(login):
    vendor = CompleteVendorFactory()

    assert continue_to(login(vendor.owner)) == step_url("kirim")


def test_the_status_page_continues_where_a_fix_is_needed(login):
    vendor = CompleteVendorFactory(documents=[])
    client = login(vendor.owner)

    page = html(client.get(reverse("vendors:status")))

    link = re.search(r'<a [^>]*id="edit-registration"[^>]*>', page).group(0)
    assert f'href="{reverse("vendors:register")}"' in link and 'data-step="dokumen"' in link
    assert continue_to(client) == step_url("dokumen")


def request_changes(vendor, verifier, *problems):
    services.vendor_request_changes(
        vendor=vendor,
        verifier=verifier,
        problems=[{"field": field, "label": field, "reason": reason} for field, reason in problems],
    )
    vendor.refresh_from_db()


def test_continue_opens_the_step_the_verifier_asked_to_change_then_the_next(login, verifier):
    vendor = CompleteVendorFactory(submitted=True)
    request_changes(
        vendor, verifier, ("permits", "NIB tidak cocok dengan sertifikat"), ("doc_ktp", "KTP buram")
    )
    client = login(vendor.owner)

    assert continue_to(client) == step_url("izin")
    page = html(client.get(step_url("izin")))
    assert (
        'data-step="izin" data-needs-fix="yes"' in page and 'data-step="dokumen" data-needs-fix="yes"' in page
    )

    client.post(step_url("izin"), {"nib": vendor.nib})  # looked at again and saved
    assert continue_to(client) == step_url("dokumen")

    client.post(
        step_url("dokumen"), {D.KTP: SimpleUploadedFile("ktp.jpg", jpeg_bytes(), content_type="image/jpeg")}
    )
    assert continue_to(client) == step_url("kirim")


def test_continue_after_a_request_on_the_business_data_opens_the_business_step(login, verifier):
    vendor = CompleteVendorFactory(submitted=True)
    request_changes(vendor, verifier, ("business", "Alamat tidak lengkap"))

    assert continue_to(login(vendor.owner)) == step_url("usaha")


def test_a_verified_msme_edits_its_profile_from_the_first_step(login):
    vendor = CompleteVendorFactory(status=Vendor.Status.APPROVED)

    assert continue_to(login(vendor.owner)) == step_url("usaha")


def test_a_draft_of_another_owner_is_never_shown(login):
    other = CompleteVendorFactory(business_name="Wingko Babat Cap Kereta", documents=[])
    client = login(VendorFactory(business_name="Dapur Bu Tini").owner)

    for step in ("usaha", "dokumen", "kirim"):
        assert "Wingko Babat Cap Kereta" not in html(client.get(step_url(step)))
    assert other.business_name not in html(client.get(reverse("vendors:status")))
