"""The records of who opened a personal document, and of each verification decision, outlive
what they record: a replaced document keeps its row (its file is deleted), and deleting an
MSME leaves its access records saying what was opened."""

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from tests.factories import VendorFactory
from tests.factories.vendor_documents import CompleteVendorFactory, VendorDocumentFactory, jpeg_bytes
from vendors import services
from vendors.models import DocumentAccess, Vendor, VendorDecision, VendorDocument

pytestmark = pytest.mark.django_db

D = VendorDocument.Kind
S = Vendor.Status
DOWNLOADS = 4


def document_url(document):
    return reverse("vendors:document-download", args=[document.pk])


def new_ktp():
    return SimpleUploadedFile("KTP saya.jpg", jpeg_bytes(color=(10, 200, 10)), content_type="image/jpeg")


def open_times(client, document, n):
    for _ in range(n):
        response = client.get(document_url(document))
        assert response.status_code == 200
        b"".join(response.streaming_content)


@pytest.fixture
def approved(verifier):
    """A selling MSME whose KTP the verifier opened DOWNLOADS times while deciding."""
    vendor = CompleteVendorFactory(business_name="Dapur Bu Tini", submitted=True)
    services.vendor_approve(vendor=vendor, verifier=verifier)
    vendor.refresh_from_db()
    return vendor


def test_replacing_a_document_keeps_its_access_records_naming_it(
    client, verifier, approved, django_capture_on_commit_callbacks
):
    old = approved.documents.get(kind=D.KTP)
    client.force_login(verifier)
    open_times(client, old, DOWNLOADS)
    assert DocumentAccess.objects.filter(document=old).count() == DOWNLOADS

    with django_capture_on_commit_callbacks(execute=True):
        new = services.document_upload(
            vendor=approved, actor=approved.owner, kind=D.KTP, uploaded_file=new_ktp()
        )

    accesses = DocumentAccess.objects.filter(user=verifier)
    assert accesses.count() == DOWNLOADS
    assert {a.document_id for a in accesses} == {old.pk}
    kept = VendorDocument.all_objects.get(pk=old.pk)
    assert kept.replaced_at is not None and kept.replaced_at <= timezone.now()
    assert (kept.kind, kept.size, kept.uploaded_at) == (old.kind, old.size, old.uploaded_at)
    assert not storages["private"].exists(old.file_name)  # the personal file itself is gone
    for access in accesses:
        assert access.document == kept  # still points at the (replaced) document
        assert "Dapur Bu Tini" in access.description
        assert "KTP" in access.description
        assert f"{old.pk}" in access.description
    assert new.original_name == "KTP saya.jpg"
    assert list(approved.documents.filter(kind=D.KTP)) == [new]


def test_pages_show_only_the_current_documents_after_a_replacement(
    client, verifier, approved, django_capture_on_commit_callbacks
):
    old = approved.documents.get(kind=D.KTP)
    with django_capture_on_commit_callbacks(execute=True):
        new = services.document_upload(
            vendor=approved, actor=approved.owner, kind=D.KTP, uploaded_file=new_ktp()
        )
    approved.refresh_from_db()
    assert approved.status == S.SUBMITTED  # a verified MSME's new document is verified again

    client.force_login(verifier)
    review = client.get(reverse("vendors:verification-review", args=[approved.pk])).content.decode()
    assert document_url(new) in review
    assert document_url(old) not in review
    assert client.get(document_url(old)).status_code == 404  # its file is gone: nothing to open
    assert not DocumentAccess.objects.filter(document=old).exists()  # a refused opening is not one


def test_the_owners_document_step_lists_only_current_documents(client, django_capture_on_commit_callbacks):
    vendor = VendorFactory(business_name="Dapur Bu Tini")
    old = VendorDocumentFactory(vendor=vendor, kind=D.KTP)
    with django_capture_on_commit_callbacks(execute=True):
        new = services.document_upload(vendor=vendor, actor=vendor.owner, kind=D.KTP, uploaded_file=new_ktp())
    client.force_login(vendor.owner)

    page = client.get(reverse("vendors:register-step", args=["dokumen"])).content.decode()

    assert document_url(new) in page
    assert document_url(old) not in page
    assert VendorDocument.all_objects.filter(vendor=vendor, kind=D.KTP).count() == 2


def test_replacing_twice_keeps_every_earlier_row(django_capture_on_commit_callbacks):
    vendor = VendorFactory()
    first = VendorDocumentFactory(vendor=vendor, kind=D.KTP)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.document_upload(
            vendor=vendor, actor=vendor.owner, kind=D.KTP, uploaded_file=new_ktp()
        )
        third = services.document_upload(
            vendor=vendor, actor=vendor.owner, kind=D.KTP, uploaded_file=new_ktp()
        )

    rows = VendorDocument.all_objects.filter(vendor=vendor, kind=D.KTP).order_by("pk")
    assert [(d.pk, d.replaced_at is None) for d in rows] == [
        (first.pk, False),
        (second.pk, False),
        (third.pk, True),
    ]


def test_deleting_an_msme_leaves_its_access_records_saying_what_was_opened(client, verifier):
    vendor = VendorFactory(business_name="Wingko Babat Cap Kereta")  # a draft: no decisions yet
    document = VendorDocumentFactory(vendor=vendor, kind=D.NIB)
    client.force_login(verifier)
    open_times(client, document, 2)

    vendor.delete()

    accesses = DocumentAccess.objects.filter(user=verifier)
    assert accesses.count() == 2
    for access in accesses:
        assert access.document is None
        assert "Wingko Babat Cap Kereta" in access.description
        assert f"{document.pk}" in access.description


def test_an_msme_with_decisions_cannot_be_deleted(approved):
    decisions = VendorDecision.objects.filter(vendor=approved).count()
    assert decisions == 1

    with pytest.raises(ProtectedError):
        approved.delete()

    assert VendorDecision.objects.filter(vendor=approved).count() == decisions
