"""Every status change of an MSME, who may make it, and what it changes in the world."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core import mail
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from marketplace.accounts import roles
from tests.factories import ProductFactory, UserFactory, VendorFactory
from tests.factories.vendor_documents import (
    CompleteVendorFactory,
    VendorDocumentFactory,
    jpeg_bytes,
    pdf_bytes,
)
from vendors import services
from vendors.models import DocumentAccess, Vendor, VendorDecision, VendorDocument

pytestmark = pytest.mark.django_db

Notification = get_model("communication", "Notification")
product_listing = get_class("catalogue.selectors", "product_listing")
S = Vendor.Status
D = VendorDocument.Kind
A = VendorDecision.Action

KTP_PROBLEM = [{"field": "doc_ktp", "label": "KTP", "reason": "Foto KTP buram, mohon foto ulang."}]


def decide(action, vendor, actor, reason="Alasan keputusan"):
    """Apply a verifier's decision through its service."""
    if action == "approve":
        return services.vendor_approve(vendor=vendor, verifier=actor, note=reason)
    if action == "reject":
        return services.vendor_reject(vendor=vendor, verifier=actor, reason=reason)
    if action == "request_changes":
        problems = [{**KTP_PROBLEM[0], "reason": reason}] if reason else []
        return services.vendor_request_changes(vendor=vendor, verifier=actor, problems=problems)
    if action == "suspend":
        return services.vendor_suspend(vendor=vendor, actor=actor, reason=reason)
    if action == "reinstate":
        return services.vendor_reinstate(vendor=vendor, actor=actor, reason=reason)
    raise AssertionError(action)


def vendor_in(status, **kwargs):
    """A complete registration in the given status, reached through the services."""
    vendor = CompleteVendorFactory(**kwargs)
    if status == S.DRAFT:
        return vendor
    services.vendor_submit(vendor=vendor, actor=vendor.owner)
    staff = UserFactory(roles=[roles.VERIFIER])
    if status == S.CHANGES_REQUESTED:
        decide("request_changes", vendor, staff)
    elif status == S.REJECTED:
        decide("reject", vendor, staff)
    elif status in (S.APPROVED, S.SUSPENDED):
        decide("approve", vendor, staff)
        if status == S.SUSPENDED:
            decide("suspend", vendor, staff)
    vendor.refresh_from_db()
    assert vendor.status == status
    mail.outbox.clear()
    return vendor


# --- The owner submits ----------------------------------------------------------------------------


def test_owner_submits_a_complete_draft():
    vendor = CompleteVendorFactory()

    decision = services.vendor_submit(vendor=vendor, actor=vendor.owner)

    vendor.refresh_from_db()
    assert vendor.status == S.SUBMITTED
    assert vendor.submitted_at is not None
    assert (decision.action, decision.from_status, decision.to_status) == ("submit", "draft", "submitted")
    assert decision.actor == vendor.owner


def test_owner_resubmits_after_changes_were_requested():
    vendor = vendor_in(S.CHANGES_REQUESTED)

    services.vendor_submit(vendor=vendor, actor=vendor.owner)

    vendor.refresh_from_db()
    assert vendor.status == S.SUBMITTED
    assert vendor.decisions.first().from_status == S.CHANGES_REQUESTED


@pytest.mark.parametrize("status", [S.SUBMITTED, S.APPROVED, S.REJECTED, S.SUSPENDED])
def test_owner_cannot_submit_from_other_statuses(status):
    vendor = vendor_in(status)
    decisions = vendor.decisions.count()

    with pytest.raises(services.NotAllowed):
        services.vendor_submit(vendor=vendor, actor=vendor.owner)

    vendor.refresh_from_db()
    assert vendor.status == status
    assert vendor.decisions.count() == decisions


@pytest.mark.parametrize("who", ["verifier", "other_owner", "buyer"])
def test_only_the_owner_submits_the_registration(who):
    vendor = CompleteVendorFactory()
    actor = {
        "verifier": lambda: UserFactory(roles=[roles.VERIFIER]),
        "other_owner": lambda: VendorFactory().owner,
        "buyer": lambda: UserFactory(roles=[roles.BUYER]),
    }[who]()

    with pytest.raises(services.NotAllowed):
        services.vendor_submit(vendor=vendor, actor=actor)

    vendor.refresh_from_db()
    assert vendor.status == S.DRAFT
    assert not vendor.decisions.exists()


# --- Submission refused while something is missing ------------------------------------------------


def test_submission_refused_while_fields_and_documents_are_missing():
    vendor = VendorFactory(business_name="Dapur Bu Tini", bank_name="", kecamatan=None)

    with pytest.raises(services.IncompleteRegistration) as refused:
        services.vendor_submit(vendor=vendor, actor=vendor.owner)

    missing = refused.value.missing
    for label in (
        Vendor._meta.get_field("kecamatan").verbose_name,
        Vendor._meta.get_field("bank_name").verbose_name,
        D.KTP.label,
        D.SELFIE_KTP.label,
        D.NIB.label,
    ):
        assert str(label) in missing
        assert str(label) in refused.value.message
    assert str(Vendor._meta.get_field("business_name").verbose_name) not in missing
    vendor.refresh_from_db()
    assert vendor.status == S.DRAFT
    assert not vendor.decisions.exists()


def test_submission_refused_without_the_kopimi_number_when_registered_there():
    vendor = CompleteVendorFactory(kopimi_registered=True, kopimi_number="")

    with pytest.raises(services.IncompleteRegistration) as refused:
        services.vendor_submit(vendor=vendor, actor=vendor.owner)

    assert refused.value.missing == [str(Vendor._meta.get_field("kopimi_number").verbose_name)]


def test_domicile_document_not_needed_when_the_nik_was_issued_in_the_city():
    vendor = CompleteVendorFactory(nik="3374014507900003")

    services.vendor_submit(vendor=vendor, actor=vendor.owner)

    assert not vendor.documents.filter(kind=D.DOMICILE).exists()
    vendor.refresh_from_db()
    assert vendor.status == S.SUBMITTED


def test_domicile_document_required_when_the_nik_was_issued_elsewhere():
    # 33.22 is Kabupaten Semarang, a different regency from Kota Semarang (33.74).
    vendor = CompleteVendorFactory(
        nik="3322014507900003", documents=[D.KTP, D.NIB, D.BUSINESS_PLACE, D.SELFIE_KTP]
    )

    with pytest.raises(services.IncompleteRegistration) as refused:
        services.vendor_submit(vendor=vendor, actor=vendor.owner)

    assert refused.value.missing == [str(D.DOMICILE.label)]
    VendorDocumentFactory(vendor=vendor, kind=D.DOMICILE, pdf=True)
    services.vendor_submit(vendor=vendor, actor=vendor.owner)
    vendor.refresh_from_db()
    assert vendor.status == S.SUBMITTED


@pytest.mark.parametrize(
    ("field", "number", "kind"),
    [("halal_number", "ID33110000123450124", D.HALAL), ("pirt_number", "206337401012345", D.PIRT)],
)
def test_certificate_required_when_its_number_is_given(field, number, kind):
    vendor = CompleteVendorFactory()  # documents for a vendor without halal / P-IRT numbers
    Vendor.objects.filter(pk=vendor.pk).update(**{field: number})
    vendor.refresh_from_db()

    with pytest.raises(services.IncompleteRegistration) as refused:
        services.vendor_submit(vendor=vendor, actor=vendor.owner)

    assert refused.value.missing == [str(kind.label)]
    VendorDocumentFactory(vendor=vendor, kind=kind, pdf=True)
    services.vendor_submit(vendor=vendor, actor=vendor.owner)
    vendor.refresh_from_db()
    assert vendor.status == S.SUBMITTED


def test_iumk_document_required_when_an_iumk_is_given():
    vendor = CompleteVendorFactory()
    Vendor.objects.filter(pk=vendor.pk).update(iumk="503/0123/IUMK/2019")
    vendor.refresh_from_db()

    with pytest.raises(services.IncompleteRegistration) as refused:
        services.vendor_submit(vendor=vendor, actor=vendor.owner)

    assert refused.value.missing == [str(D.IUMK.label)]


# --- Verifier decisions ---------------------------------------------------------------------------

VERIFIER_MOVES = [
    ("approve", S.SUBMITTED, S.APPROVED),
    ("reject", S.SUBMITTED, S.REJECTED),
    ("request_changes", S.SUBMITTED, S.CHANGES_REQUESTED),
    ("suspend", S.APPROVED, S.SUSPENDED),
    ("reinstate", S.SUSPENDED, S.APPROVED),
]


@pytest.mark.parametrize(("action", "source", "target"), VERIFIER_MOVES)
@pytest.mark.parametrize("role", [roles.VERIFIER, roles.ADMIN])
def test_verifier_moves_the_registration_and_the_decision_is_kept(action, source, target, role):
    vendor = vendor_in(source)
    staff = UserFactory(roles=[role])
    before = timezone.now()

    decision = decide(action, vendor, staff, reason="Dokumen sesuai dengan data.")

    vendor.refresh_from_db()
    assert vendor.status == target
    kept = VendorDecision.objects.get(pk=decision.pk)
    assert kept.vendor == vendor
    assert kept.actor == staff
    assert kept.action == action
    assert (kept.from_status, kept.to_status) == (source, target)
    assert before <= kept.created_at <= timezone.now()
    if action == "request_changes":
        assert kept.problems == [{**KTP_PROBLEM[0], "reason": "Dokumen sesuai dengan data."}]
    else:
        assert kept.reason == "Dokumen sesuai dengan data."


ALL_STATUSES = [S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.APPROVED, S.REJECTED, S.SUSPENDED]


@pytest.mark.parametrize(
    ("action", "status"),
    [
        (action, status)
        for action, source, _target in VERIFIER_MOVES
        for status in ALL_STATUSES
        if status != source
    ],
)
def test_verifier_decision_refused_from_any_other_status(action, status, verifier):
    vendor = vendor_in(status)
    decisions = vendor.decisions.count()

    with pytest.raises(services.NotAllowed):
        decide(action, vendor, verifier)

    vendor.refresh_from_db()
    assert vendor.status == status
    assert vendor.decisions.count() == decisions
    assert mail.outbox == []


@pytest.mark.parametrize(("action", "source", "_target"), VERIFIER_MOVES)
def test_verifier_cannot_decide_on_their_own_registration(action, source, _target):
    vendor = vendor_in(source)
    vendor.owner.groups.add(Group.objects.get(name=roles.VERIFIER))
    owner = type(vendor.owner).objects.get(pk=vendor.owner_id)  # fresh permission cache
    assert owner.has_perm("accounts.verify_vendors")

    with pytest.raises(services.NotAllowed):
        decide(action, vendor, owner)

    vendor.refresh_from_db()
    assert vendor.status == source


@pytest.mark.parametrize(("action", "source", "_target"), VERIFIER_MOVES)
@pytest.mark.parametrize("who", ["owner", "other_owner", "buyer", "ppk", "analyst", "anonymous"])
def test_only_verifiers_decide(action, source, _target, who):
    vendor = vendor_in(source)
    actor = {
        "owner": lambda: vendor.owner,
        "other_owner": lambda: vendor_in(S.APPROVED).owner,
        "buyer": lambda: UserFactory(roles=[roles.BUYER]),
        "ppk": lambda: UserFactory(roles=[roles.PPK]),
        "analyst": lambda: UserFactory(roles=[roles.ANALYST]),
        "anonymous": AnonymousUser,
    }[who]()
    decisions = VendorDecision.objects.count()

    with pytest.raises(services.NotAllowed):
        decide(action, vendor, actor)

    vendor.refresh_from_db()
    assert vendor.status == source
    assert VendorDecision.objects.count() == decisions


@pytest.mark.parametrize(
    ("action", "source"), [("reject", S.SUBMITTED), ("suspend", S.APPROVED), ("reinstate", S.SUSPENDED)]
)
@pytest.mark.parametrize("reason", ["", "   \n "])
def test_decision_refused_without_a_reason(action, source, reason, verifier):
    vendor = vendor_in(source)

    with pytest.raises(services.VendorError) as refused:
        decide(action, vendor, verifier, reason=reason)

    assert not isinstance(refused.value, services.NotAllowed)
    assert refused.value.message
    vendor.refresh_from_db()
    assert vendor.status == source
    assert mail.outbox == []


def test_changes_request_refused_without_a_problem_and_its_reason(verifier):
    vendor = vendor_in(S.SUBMITTED)
    problems = [{"field": "doc_ktp", "label": "KTP", "reason": "  "}]

    with pytest.raises(services.VendorError):
        services.vendor_request_changes(vendor=vendor, verifier=verifier, problems=problems, reason="x")

    vendor.refresh_from_db()
    assert vendor.status == S.SUBMITTED


def test_approval_needs_no_reason(verifier):
    vendor = vendor_in(S.SUBMITTED)

    services.vendor_approve(vendor=vendor, verifier=verifier)

    vendor.refresh_from_db()
    assert vendor.status == S.APPROVED


def test_the_whole_history_is_kept_in_order(verifier):
    vendor = CompleteVendorFactory()
    services.vendor_submit(vendor=vendor, actor=vendor.owner)
    decide("request_changes", vendor, verifier, reason="KTP buram")
    services.vendor_submit(vendor=vendor, actor=vendor.owner)
    decide("approve", vendor, verifier)
    decide("suspend", vendor, verifier, reason="Keluhan keracunan makanan, sedang diperiksa")
    decide("reinstate", vendor, verifier, reason="Hasil uji laboratorium negatif")

    history = list(vendor.decisions.order_by("created_at", "pk").values_list("action", "actor", "to_status"))

    owner, staff = vendor.owner_id, verifier.pk
    assert history == [
        ("submit", owner, "submitted"),
        ("request_changes", staff, "changes_requested"),
        ("submit", owner, "submitted"),
        ("approve", staff, "approved"),
        ("suspend", staff, "suspended"),
        ("reinstate", staff, "approved"),
    ]


# --- The owner hears of every decision ------------------------------------------------------------


@pytest.mark.parametrize(("action", "source", "target"), VERIFIER_MOVES)
def test_owner_gets_an_email_and_a_notification_on_every_decision(
    action, source, target, verifier, django_capture_on_commit_callbacks
):
    vendor = vendor_in(source, business_name="Dapur Bu Tini")
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        decide(action, vendor, verifier, reason="Alasan nomor 7781")

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [vendor.owner.email]
    assert "Alasan nomor 7781" in email.body
    assert "https://guloasem.test/umkm/status/" in email.body  # absolute: it works from a mail client
    notification = Notification.objects.get(recipient=vendor.owner)
    assert notification.subject == email.subject
    assert "Alasan nomor 7781" in notification.body


def test_nobody_is_notified_before_the_decision_is_committed(verifier, django_capture_on_commit_callbacks):
    vendor = vendor_in(S.SUBMITTED)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.vendor_approve(vendor=vendor, verifier=verifier)

    assert mail.outbox == []
    assert not Notification.objects.filter(recipient=vendor.owner).exists()
    assert len(callbacks) == 1


# --- Approval makes a seller; suspension stops it -------------------------------------------------


def test_approval_creates_the_oscar_partner_of_the_owner(verifier):
    owner = UserFactory()  # signed up, no role yet
    vendor = CompleteVendorFactory(owner=owner, business_name="Bandeng Presto Bu Ning", slug=None)
    services.vendor_submit(vendor=vendor, actor=owner)
    assert not owner.groups.filter(name=roles.VENDOR).exists()

    services.vendor_approve(vendor=vendor, verifier=verifier)

    vendor.refresh_from_db()
    partner = vendor.partner
    assert partner is not None
    assert partner.name == "Bandeng Presto Bu Ning"
    assert partner.is_active
    assert partner.kecamatan == vendor.kecamatan
    assert list(partner.users.all()) == [owner]
    assert owner.groups.filter(name=roles.VENDOR).exists()
    assert vendor.slug == "bandeng-presto-bu-ning"
    assert vendor.approved_at is not None


def test_slugs_of_msmes_with_the_same_name_differ(verifier):
    first = vendor_in(S.APPROVED, business_name="Warung Makan Sederhana", slug=None)
    second = vendor_in(S.APPROVED, business_name="Warung Makan Sederhana", slug=None)

    assert first.slug != second.slug


def test_suspension_deactivates_the_partner_and_reinstatement_restores_it(verifier):
    vendor = vendor_in(S.APPROVED)
    product = ProductFactory(partner=vendor.partner, title="Lumpia Semarang Isi Rebung")
    assert product in product_listing()

    services.vendor_suspend(vendor=vendor, actor=verifier, reason="Keluhan pelanggan")

    vendor.refresh_from_db()
    vendor.partner.refresh_from_db()
    assert not vendor.partner.is_active
    assert product not in product_listing()
    assert not vendor.owner.groups.filter(name=roles.VENDOR).exists()

    services.vendor_reinstate(vendor=vendor, actor=verifier, reason="Sudah diperiksa")

    vendor.partner.refresh_from_db()
    assert vendor.partner.is_active
    assert product in product_listing()
    assert vendor.owner.groups.filter(name=roles.VENDOR).exists()


def test_reapproval_reuses_the_existing_partner(verifier):
    vendor = vendor_in(S.APPROVED)
    partner_pk = vendor.partner_id
    services.vendor_update(vendor=vendor, actor=vendor.owner, data={"nib": "9129999999999"})

    services.vendor_approve(vendor=vendor, verifier=verifier)

    vendor.refresh_from_db()
    assert vendor.partner_id == partner_pk
    assert vendor.partner.is_active


# --- Profile edits --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("nik", "3374015203880002"), ("nib", "9129999999999"), ("legal_form", Vendor.LegalForm.CV)],
)
def test_changing_identity_sends_an_approved_msme_back_to_verification(
    field, value, django_capture_on_commit_callbacks
):
    vendor = vendor_in(S.APPROVED)
    product = ProductFactory(partner=vendor.partner)

    with django_capture_on_commit_callbacks(execute=True):
        services.vendor_update(vendor=vendor, actor=vendor.owner, data={field: value})

    vendor.refresh_from_db()
    assert vendor.status == S.SUBMITTED
    assert getattr(vendor, field) == value
    assert not vendor.partner.is_active
    assert product not in product_listing()
    decision = vendor.decisions.first()
    assert (decision.action, decision.actor, decision.from_status) == ("reverify", vendor.owner, "approved")
    assert len(mail.outbox) == 1


def test_changing_only_the_description_keeps_the_msme_selling():
    vendor = vendor_in(S.APPROVED)
    product = ProductFactory(partner=vendor.partner)
    decisions = vendor.decisions.count()

    services.vendor_update(
        vendor=vendor,
        actor=vendor.owner,
        data={"description": "Kini juga menerima pesanan tumpeng.", "nik": vendor.nik, "nib": vendor.nib},
    )

    vendor.refresh_from_db()
    assert vendor.status == S.APPROVED
    assert vendor.description == "Kini juga menerima pesanan tumpeng."
    assert vendor.partner.is_active
    assert product in product_listing()
    assert vendor.decisions.count() == decisions


def test_renaming_an_approved_msme_renames_its_partner():
    vendor = vendor_in(S.APPROVED)

    services.vendor_update(vendor=vendor, actor=vendor.owner, data={"business_name": "Lumpia Gang Lombok"})

    vendor.partner.refresh_from_db()
    assert vendor.partner.name == "Lumpia Gang Lombok"


def test_only_the_owner_edits_the_registration(verifier):
    vendor = CompleteVendorFactory(business_name="Dapur Bu Tini")

    with pytest.raises(services.NotAllowed):
        services.vendor_update(vendor=vendor, actor=verifier, data={"business_name": "Diganti"})

    vendor.refresh_from_db()
    assert vendor.business_name == "Dapur Bu Tini"


@pytest.mark.parametrize("status", [S.SUBMITTED, S.REJECTED])
def test_registration_cannot_change_while_verified_or_rejected(status):
    vendor = vendor_in(status, business_name="Dapur Bu Tini")

    with pytest.raises(services.NotAllowed):
        services.vendor_update(vendor=vendor, actor=vendor.owner, data={"business_name": "Diganti"})

    vendor.refresh_from_db()
    assert vendor.business_name == "Dapur Bu Tini"


@pytest.mark.parametrize("field", ["nik", "nib"])
def test_duplicate_identity_refused_without_saying_who_holds_it(field):
    holder = VendorFactory(business_name="Wingko Babat Cap Kereta", owner_name="Siti Aminah")
    vendor = VendorFactory(business_name="Dapur Bu Tini")
    own = getattr(vendor, field)

    with pytest.raises(services.DuplicateIdentity) as refused:
        services.vendor_update(vendor=vendor, actor=vendor.owner, data={field: getattr(holder, field)})

    for secret in (holder.business_name, holder.owner_name, holder.owner.email, str(holder.pk)):
        assert secret not in refused.value.message
    vendor.refresh_from_db()
    assert getattr(vendor, field) == own


# --- Documents ------------------------------------------------------------------------------------


def test_new_document_replaces_the_old_one_and_its_file(django_capture_on_commit_callbacks):
    vendor = VendorFactory()
    old = VendorDocumentFactory(vendor=vendor, kind=D.KTP)
    private = storages["private"]
    assert private.exists(old.file_name)

    with django_capture_on_commit_callbacks(execute=True):
        new = services.document_upload(
            vendor=vendor,
            actor=vendor.owner,
            kind=D.KTP,
            uploaded_file=SimpleUploadedFile("ktp.jpg", jpeg_bytes(), content_type="image/jpeg"),
        )

    assert list(vendor.documents.all()) == [new]
    assert private.exists(new.file_name)
    assert not private.exists(old.file_name)
    assert new.uploaded_by == vendor.owner


def test_documents_cannot_change_while_the_registration_is_verified():
    vendor = vendor_in(S.SUBMITTED)
    ktp = vendor.documents.get(kind=D.KTP)

    with pytest.raises(services.NotAllowed):
        services.document_upload(
            vendor=vendor,
            actor=vendor.owner,
            kind=D.KTP,
            uploaded_file=SimpleUploadedFile("ktp.jpg", jpeg_bytes(), content_type="image/jpeg"),
        )

    assert list(vendor.documents.filter(kind=D.KTP)) == [ktp]


def ktp_upload():
    return SimpleUploadedFile("ktp-baru.jpg", jpeg_bytes(), content_type="image/jpeg")


@pytest.mark.parametrize("status", [S.APPROVED, S.SUSPENDED])
def test_a_verified_msme_replacing_a_document_is_verified_again(status):
    vendor = vendor_in(status)

    services.document_upload(vendor=vendor, actor=vendor.owner, kind=D.KTP, uploaded_file=ktp_upload())

    vendor.refresh_from_db()
    assert vendor.status == S.SUBMITTED
    assert not vendor.partner.is_active  # not selling until approved again
    decision = vendor.decisions.first()
    assert (decision.action, decision.from_status, decision.actor) == (A.REVERIFY, status, vendor.owner)
    assert str(D.KTP.label) in decision.reason


def test_a_draft_uploading_documents_stays_a_draft():
    vendor = VendorFactory()

    services.document_upload(vendor=vendor, actor=vendor.owner, kind=D.KTP, uploaded_file=ktp_upload())

    vendor.refresh_from_db()
    assert vendor.status == S.DRAFT
    assert not vendor.decisions.exists()


def test_a_suspended_msme_changing_its_nik_goes_to_the_verifiers():
    vendor = vendor_in(S.SUSPENDED)

    services.vendor_update(vendor=vendor, actor=vendor.owner, data={"nik": "3374016502910004"})

    vendor.refresh_from_db()
    assert vendor.status == S.SUBMITTED
    assert not vendor.partner.is_active
    assert vendor.decisions.first().action == A.REVERIFY


def test_a_verified_msmes_post_with_a_refused_document_changes_nothing():
    vendor = vendor_in(S.APPROVED)
    kept = {d.kind: d.file_name for d in vendor.documents.all()}

    refused = services.documents_upload(
        vendor=vendor,
        actor=vendor.owner,
        uploads={
            D.KTP: ktp_upload(),
            D.SELFIE_KTP: SimpleUploadedFile(
                "selfie.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg"
            ),
        },
    )

    assert list(refused) == [D.SELFIE_KTP]
    vendor.refresh_from_db()
    assert vendor.status == S.APPROVED and vendor.partner.is_active
    assert {d.kind: d.file_name for d in vendor.documents.all()} == kept


def test_several_new_documents_send_a_verified_msme_back_once():
    vendor = vendor_in(S.APPROVED)
    decisions = vendor.decisions.count()

    refused = services.documents_upload(
        vendor=vendor,
        actor=vendor.owner,
        uploads={
            D.KTP: ktp_upload(),
            D.NIB: SimpleUploadedFile("nib.pdf", pdf_bytes(), content_type="application/pdf"),
        },
    )

    assert refused == {}
    vendor.refresh_from_db()
    assert vendor.status == S.SUBMITTED
    assert vendor.decisions.count() == decisions + 1
    reason = vendor.decisions.first().reason
    assert str(D.KTP.label) in reason and str(D.NIB.label) in reason


def test_a_failed_upload_leaves_no_personal_file_behind(monkeypatch, private_files):
    vendor = vendor_in(S.APPROVED)
    before = private_files()
    kept = {d.kind: d.file_name for d in vendor.documents.all()}

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_transition", broken)  # fails after the files were written
    with pytest.raises(RuntimeError):
        services.documents_upload(
            vendor=vendor,
            actor=vendor.owner,
            uploads={
                D.KTP: ktp_upload(),
                D.NIB: SimpleUploadedFile("nib.pdf", pdf_bytes(), content_type="application/pdf"),
            },
        )

    assert private_files() == before
    assert {d.kind: d.file_name for d in vendor.documents.all()} == kept


def test_nobody_else_uploads_documents_for_the_owner(verifier):
    vendor = VendorFactory()

    with pytest.raises(services.NotAllowed):
        services.document_upload(
            vendor=vendor,
            actor=verifier,
            kind=D.KTP,
            uploaded_file=SimpleUploadedFile("ktp.jpg", jpeg_bytes(), content_type="image/jpeg"),
        )

    assert not vendor.documents.exists()


def test_opening_a_document_records_who_and_when(verifier):
    document = VendorDocumentFactory()
    before = timezone.now()

    with services.document_open(document=document, user=verifier) as handle:
        assert handle.read()[:3] == b"\xff\xd8\xff"

    access = DocumentAccess.objects.get()
    assert (access.document, access.user) == (document, verifier)
    assert before <= access.accessed_at <= timezone.now() + timedelta(seconds=1)


def test_opening_refused_for_someone_else_records_nothing():
    document = VendorDocumentFactory()

    with pytest.raises(services.NotAllowed):
        services.document_open(document=document, user=VendorFactory().owner)

    assert not DocumentAccess.objects.exists()
