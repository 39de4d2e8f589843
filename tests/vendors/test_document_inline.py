"""Documents open where they are read: a Verifikator's "Buka PDF" shows the PDF in the browser
(inline, never cached, its type only), in a new tab beside the data it proves; every opening is
recorded; a document replaced since the last decision is marked "baru" on the review page."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from marketplace.accounts import roles
from tests.factories import UserFactory, VendorFactory
from tests.factories.vendor_documents import CompleteVendorFactory, VendorDocumentFactory, jpeg_bytes
from vendors import services
from vendors.models import DocumentAccess, VendorDocument

pytestmark = pytest.mark.django_db

D = VendorDocument.Kind
REVIEW_MAX_QUERIES = 30


def document_url(document):
    return reverse("vendors:document-download", args=[document.pk])


def review_url(vendor):
    return reverse("vendors:verification-review", args=[vendor.pk])


@pytest.fixture
def nib_pdf(db):
    return VendorDocumentFactory(vendor=VendorFactory(business_name="Dapur Bu Tini"), kind=D.NIB, pdf=True)


@pytest.mark.parametrize("who", ["verifier", "owner"])
def test_a_pdf_opens_inline_in_the_browser_never_cached(client, nib_pdf, verifier, who):
    user = verifier if who == "verifier" else nib_pdf.vendor.owner
    client.force_login(user)

    response = client.get(document_url(nib_pdf))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="nib-{nib_pdf.pk}.pdf"'
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives and "public" not in directives
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    access = DocumentAccess.objects.get()
    assert (access.document, access.user) == (nib_pdf, user)


def test_a_photo_opens_inline_too(client, verifier):
    photo = VendorDocumentFactory(kind=D.KTP)
    client.force_login(verifier)

    response = client.get(document_url(photo))

    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize("who", ["other_vendor", "buyer", "anonymous"])
def test_another_vendor_a_buyer_and_anonymous_get_nothing_and_nothing_is_recorded(client, nib_pdf, who):
    if who == "other_vendor":
        client.force_login(VendorFactory().owner)
    elif who == "buyer":
        client.force_login(UserFactory(roles=[roles.BUYER]))

    response = client.get(document_url(nib_pdf))

    assert response.status_code == 404
    assert b"%PDF-" not in response.content
    assert "Content-Disposition" not in response
    assert not DocumentAccess.objects.exists()


def test_buka_pdf_opens_in_a_new_tab_beside_the_permits(client, verifier):
    vendor = CompleteVendorFactory(submitted=True, nik="3374014507900003")
    nib = vendor.documents.get(kind=D.NIB)
    VendorDocument.objects.filter(pk=nib.pk).update(content_type="application/pdf")
    client.force_login(verifier)

    page = client.get(review_url(vendor)).content.decode()

    permits = page[page.index('id="section-permits"') :]
    permits = permits[: permits.index("</section>")]
    link = re.search(r'<a [^>]*id="open-nib"[^>]*>(.*?)</a>', permits, re.S)
    assert link is not None
    assert f'href="{document_url(nib)}"' in link.group(0)
    assert 'target="_blank"' in link.group(0) and 'rel="noopener"' in link.group(0)
    assert "Buka PDF" in link.group(1) and "tab baru" in link.group(1)
    assert not DocumentAccess.objects.exists()  # the page links the document; opening it records


def replace(vendor, kind):
    refused = services.documents_upload(
        vendor=vendor,
        actor=vendor.owner,
        uploads={kind: SimpleUploadedFile(f"{kind}.jpg", jpeg_bytes(), content_type="image/jpeg")},
    )
    assert refused == {}


def test_a_document_replaced_since_the_last_decision_is_marked_new(
    client, verifier, django_assert_max_num_queries
):
    vendor = CompleteVendorFactory(submitted=True, nik="3374014507900003")
    services.vendor_request_changes(
        vendor=vendor,
        verifier=verifier,
        problems=[{"field": "doc_ktp", "label": "KTP", "reason": "Foto KTP buram"}],
    )
    vendor.refresh_from_db()
    replace(vendor, D.KTP)
    services.vendor_submit(vendor=vendor, actor=vendor.owner)
    client.force_login(verifier)

    with django_assert_max_num_queries(REVIEW_MAX_QUERIES):
        page = client.get(review_url(vendor)).content.decode()

    new = set(re.findall(r'data-kind="(\w+)" data-new="yes"', page))
    assert new == {D.KTP}
    ktp = page[page.index('data-kind="ktp"') :]
    ktp = ktp[: ktp.index("</figure>")]
    assert re.search(r'id="new-ktp"[^>]*>\s*baru\s*<', ktp)
    assert "Diganti" in ktp
    assert 'id="new-nib"' not in page
    assert 'id="last-decision"' in page


def test_before_any_decision_nothing_is_marked_new(client, verifier):
    vendor = CompleteVendorFactory(submitted=True, nik="3374014507900003")
    client.force_login(verifier)  # the first look: every document is new, none is marked

    page = client.get(review_url(vendor)).content.decode()

    assert 'data-new="yes"' not in page
    assert 'id="last-decision"' not in page
