"""Writes for MSMEs: registration, documents, verification decisions.

Every status change goes through `_transition`, which checks who may make it,
records a VendorDecision and notifies the owner, in one transaction.
"""

from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oscar.core.loading import get_model

from marketplace.accounts import roles
from marketplace.catalogue.services import products_search_refresh
from marketplace.common.domain import DomainError
from vendors import notifications, selectors, validators
from vendors.models import DocumentAccess, Vendor, VendorDecision, VendorDocument
from vendors.uploads import UploadRejected, sanitise_upload, store_private

Partner = get_model("partner", "Partner")
S = Vendor.Status
A = VendorDecision.Action

# Fields whose change sends a verified MSME back to verification.
REVERIFY_FIELDS = ("nik", "nib", "legal_form")
# The identity numbers and how each is stored: its normal form (vendors.validators), whatever
# was typed, or the validator's message.
IDENTITY_CLEANERS = {
    "nik": validators.clean_nik,
    "nib": validators.clean_nib,
    "npwp": validators.clean_npwp,
    "pirt_number": validators.clean_pirt,
    "halal_number": validators.clean_halal,
}
# Facts read from the NIK whenever it is set or changed, never typed.
NIK_FACTS = ("owner_gender", "owner_birth_date")
_GENDER_OF_NIK = {"M": Vendor.Gender.MALE, "F": Vendor.Gender.FEMALE}
# Statuses in which the city has verified the MSME's identity and documents.
VERIFIED = (S.APPROVED, S.SUSPENDED)
STAFF_MAY_NOT_REGISTER = gettext_lazy(
    "MSME registration is for business owners only. Your account is a staff account."
)


class VendorError(DomainError):
    """A request about an MSME that cannot be carried out; `message` is for the user."""


class NotAllowed(VendorError):
    pass


class IncompleteRegistration(VendorError):
    def __init__(self, missing: list[str]):
        super().__init__(_("The registration is not complete: %s.") % ", ".join(missing))
        self.missing = missing


class DuplicateIdentity(VendorError):
    pass


class InvalidFields(VendorError):
    """Values refused, each by its field: `errors` is {field: message}; `message` says them all."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = {field: str(message) for field, message in errors.items()}
        super().__init__(" ".join(self.errors.values()))


class InvalidIdentity(InvalidFields):
    """A NIK, NIB, NPWP, P-IRT or halal number that is wrong (a NIK: not 16 digits, or naming a
    region that does not exist)."""


class InvalidProfile(InvalidFields):
    """Fields that do not agree (vendors.selectors.vendor_profile_problems): a kelurahan outside
    the kecamatan, Gerai Kopimi without its number, PP 55/2022 or PBJT facts incomplete."""


@dataclass(frozen=True)
class Move:
    """One move of an MSME's registration, in the same shape as an order's moves
    (procurement.ordering.lifecycle.Move): action, from, to, who may, whether a reason is required."""

    action: str
    sources: tuple[str, ...]
    target: str
    by_owner: bool = False
    permission: str | None = None
    reason_required: bool = False


MOVES = {
    A.SUBMIT: Move(A.SUBMIT, (S.DRAFT, S.CHANGES_REQUESTED), S.SUBMITTED, by_owner=True),
    A.APPROVE: Move(A.APPROVE, (S.SUBMITTED,), S.APPROVED, permission="accounts.verify_vendors"),
    A.REJECT: Move(
        A.REJECT, (S.SUBMITTED,), S.REJECTED, permission="accounts.verify_vendors", reason_required=True
    ),
    A.REQUEST_CHANGES: Move(
        A.REQUEST_CHANGES,
        (S.SUBMITTED,),
        S.CHANGES_REQUESTED,
        permission="accounts.verify_vendors",
        reason_required=True,
    ),
    A.SUSPEND: Move(
        A.SUSPEND, (S.APPROVED,), S.SUSPENDED, permission="accounts.verify_vendors", reason_required=True
    ),
    A.REINSTATE: Move(
        A.REINSTATE, (S.SUSPENDED,), S.APPROVED, permission="accounts.verify_vendors", reason_required=True
    ),
    # A verified MSME (selling or suspended) that changes its identity or replaces a document
    # goes back to the verifiers: it does not sell until they approve it again.
    A.REVERIFY: Move(A.REVERIFY, VERIFIED, S.SUBMITTED, by_owner=True),
}


VERIFIER_DECISIONS = selectors.VERIFIER_DECISIONS  # the review page's decisions, in its order


def decisions_offered(*, vendor: Vendor, actor) -> list[str]:
    """The decisions `actor` may take on the registration now, in the review page's order."""
    return [a for a in VERIFIER_DECISIONS if can_move(vendor=vendor, action=a, actor=actor)]


def vendor_decide(
    *, vendor: Vendor, verifier, action: str, reason: str = "", problems=None
) -> VendorDecision:
    """Take one of the verifier's decisions (VERIFIER_DECISIONS) on a registration."""
    if action == A.APPROVE:
        return vendor_approve(vendor=vendor, verifier=verifier, note=reason)
    if action == A.REJECT:
        return vendor_reject(vendor=vendor, verifier=verifier, reason=reason)
    if action == A.REQUEST_CHANGES:
        return vendor_request_changes(
            vendor=vendor, verifier=verifier, problems=problems or [], reason=reason
        )
    if action == A.SUSPEND:
        return vendor_suspend(vendor=vendor, actor=verifier, reason=reason)
    if action == A.REINSTATE:
        return vendor_reinstate(vendor=vendor, actor=verifier, reason=reason)
    raise NotAllowed(_("Unknown decision."))


def can_move(*, vendor: Vendor, action: str, actor) -> bool:
    """Whether `actor` may apply `action` to the vendor in its current status."""
    move = MOVES[action]
    if vendor.status not in move.sources:
        return False
    if move.by_owner:
        return vendor.owner_id == actor.pk
    # Verifiers never decide on their own registration.
    return actor.has_perm(move.permission) and vendor.owner_id != actor.pk


def _transition(*, vendor: Vendor, action: str, actor, reason: str = "", problems=None) -> VendorDecision:
    move = MOVES[action]
    vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
    if not can_move(vendor=vendor, action=action, actor=actor):
        raise NotAllowed(
            _("This action is not possible: the registration is “%(status)s”.")
            % {"status": vendor.get_status_display()}
        )
    if move.reason_required and not (reason.strip() or problems):
        raise VendorError(_("Give a reason for this decision."))
    decision = VendorDecision.objects.create(
        vendor=vendor,
        actor=actor,
        action=action,
        from_status=vendor.status,
        to_status=move.target,
        reason=reason.strip(),
        problems=problems or [],
    )
    vendor.status = move.target
    now = timezone.now()
    if move.target == S.SUBMITTED:
        vendor.submitted_at = now
    if move.target == S.APPROVED:
        vendor.approved_at = vendor.approved_at or now
    vendor.save()
    _sync_selling(vendor)
    transaction.on_commit(lambda: notifications.decision_notify(decision=decision))
    return decision


def _sync_selling(vendor: Vendor) -> None:
    """Make the Oscar partner and the seller role follow the status."""
    group = Group.objects.get(name=roles.VENDOR)
    selling = vendor.status == S.APPROVED
    if selling and vendor.partner is None:
        vendor.partner = Partner.objects.create(name=vendor.business_name[:128])
        vendor.slug = vendor.slug or _unique_slug(vendor)
        vendor.save(update_fields=["partner", "slug"])
        vendor.partner.users.add(vendor.owner)
    if vendor.partner is not None:
        partner = vendor.partner
        wanted = (selling, vendor.business_name[:128], vendor.kecamatan_id)
        if (partner.is_active, partner.name, partner.kecamatan_id) != wanted:
            listed_as = (partner.name, partner.kecamatan_id)
            partner.is_active, partner.name, partner.kecamatan_id = wanted
            partner.save(update_fields=["is_active", "name", "kecamatan"])
            if listed_as != wanted[1:]:  # the products are found by the MSME's name and kecamatan
                products_search_refresh(partner_ids=[partner.pk])
    if selling:
        vendor.owner.groups.add(group)
    else:
        vendor.owner.groups.remove(group)


def _unique_slug(vendor: Vendor) -> str:
    base = slugify(vendor.business_name)[:120] or "umkm"
    slug, n = base, 1
    while Vendor.objects.filter(slug=slug).exclude(pk=vendor.pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


# --- Registration by the owner ------------------------------------------------


def vendor_start(*, owner) -> Vendor:
    """The owner's registration, created as a draft by the first step they save (a POST):
    opening the registration pages writes nothing. City staff do not register an MSME."""
    existing = Vendor.objects.filter(owner=owner).first()
    if existing is not None:
        return existing
    if selectors.is_city_staff(owner):
        raise NotAllowed(str(STAFF_MAY_NOT_REGISTER))
    vendor, _created = Vendor.objects.get_or_create(owner=owner)
    return vendor


def identity_clean(data: Mapping) -> dict:
    """`data` ({field: value}) with each identity number it holds (IDENTITY_CLEANERS) in its normal
    form: "3374 0115 0890 0001" becomes "3374011508900001". InvalidIdentity names every wrong one.

    `vendor_update` applies it; any other writer of MSMEs' numbers (the census import) calls it,
    or the `vendors.validators.clean_*` function of the one number it has."""
    cleaned, errors = dict(data), {}
    for field, clean in IDENTITY_CLEANERS.items():
        if field not in cleaned:
            continue
        try:
            cleaned[field] = clean(cleaned[field])
        except ValidationError as exc:
            errors[field] = exc.messages[0]
    if errors:
        raise InvalidIdentity(errors)
    return cleaned


def owner_facts(nik) -> tuple[str, date | None]:
    """The owner's gender (Vendor.Gender) and birth date as the NIK tells them; ("", None) without
    a NIK or for one that does not read."""
    try:
        info = validators.parse_nik(nik) if nik else None
    except ValidationError:
        info = None
    if info is None:
        return "", None
    return _GENDER_OF_NIK[info.gender], info.birth_date


def _model_check(vendor: Vendor, fields) -> None:
    """The model's own checks (field validators, choices, lengths, constraints) of the fields
    being written; uniqueness is `_check_unique_identity`'s, with its own message."""
    exclude = [f.name for f in Vendor._meta.fields if f.name not in fields]
    try:
        vendor.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        raise InvalidFields({field: messages[0] for field, messages in errors.items()}) from exc


@transaction.atomic
def vendor_update(*, vendor: Vendor, actor, data: dict) -> Vendor:
    """Save registration or profile fields: the one way an MSME's fields are written.

    Identity numbers are stored in their normal form (`identity_clean`), the owner's gender and
    birth date read from the NIK, a missing kecamatan taken from the kelurahan; the rules between
    the fields (`selectors.vendor_profile_problems`) and the model's validators refuse, naming
    the fields (InvalidFields). An approved MSME changing NIK, NIB or legal form goes back to
    verification and stops selling until approved again."""
    if vendor.owner_id != actor.pk:
        raise NotAllowed(_("Only the owner can change this registration."))
    if vendor.status in (S.SUBMITTED, S.REJECTED):
        raise NotAllowed(
            _("The registration cannot be changed while it is “%(status)s”.")
            % {"status": vendor.get_status_display()}
        )
    # The NIK's facts follow the NIK; they are not written from outside.
    data = identity_clean({k: v for k, v in data.items() if k not in NIK_FACTS})
    current = Vendor.objects.select_for_update().get(pk=vendor.pk)
    changed_identity = [f for f in REVERIFY_FIELDS if f in data and data[f] != getattr(current, f)]
    for field, value in data.items():
        setattr(current, field, value)
    if current.kelurahan_id and not current.kecamatan_id:
        current.kecamatan_id = current.kelurahan.parent_id
    if "nik" in data:
        current.owner_gender, current.owner_birth_date = owner_facts(current.nik)
    problems = selectors.vendor_profile_problems(selectors.profile_values(current), fields=data)
    if problems:
        raise InvalidProfile(problems)
    _model_check(current, data)
    _check_unique_identity(current)
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError as exc:
        raise DuplicateIdentity(_("This NIK or NIB is already registered to another MSME.")) from exc
    if current.status in VERIFIED and changed_identity:
        _transition(
            vendor=current,
            action=A.REVERIFY,
            actor=actor,
            reason=_("Changed: %s")
            % ", ".join(str(Vendor._meta.get_field(f).verbose_name) for f in changed_identity),
        )
        current.refresh_from_db()
    elif current.status == S.APPROVED:
        _sync_selling(current)
    return current


def _check_unique_identity(vendor: Vendor) -> None:
    """One MSME per NIK and per NIB; the message never says who holds it."""
    others = Vendor.objects.exclude(pk=vendor.pk)
    if vendor.nik and others.filter(nik=vendor.nik).exists():
        raise DuplicateIdentity(
            _("This NIK is already registered to another MSME. Contact the MSME office if this is a mistake.")
        )
    if vendor.nib and others.filter(nib=vendor.nib).exists():
        raise DuplicateIdentity(
            _("This NIB is already registered to another MSME. Contact the MSME office if this is a mistake.")
        )


def _may_upload(*, vendor: Vendor, actor) -> None:
    if vendor.owner_id != actor.pk:
        raise NotAllowed(_("Only the owner can upload documents."))
    if vendor.status in (S.SUBMITTED, S.REJECTED):
        raise NotAllowed(_("Documents cannot be changed while the registration is being verified."))


def _document_clean(*, kind: str, uploaded_file):
    """The upload, checked and cleaned; raises UploadRejected (nothing stored)."""
    return sanitise_upload(uploaded_file, allowed=selectors.document_formats(kind))


@contextmanager
def _files_kept_only_on_success():
    """Yields a list for the names of files stored meanwhile; if anything fails (and the
    database rolls back), they are deleted: no personal document is left without its row."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            storages["private"].delete(name)
        raise


def _original_name(uploaded_file) -> str:
    """The name the file had on the owner's device (no folders), kept as the document's metadata."""
    name = (getattr(uploaded_file, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name.strip()[:255]


def _document_save(
    *, vendor: Vendor, actor, kind: str, clean, original_name: str, stored: list[str]
) -> VendorDocument:
    """Store a cleaned document privately, replacing the previous one of its kind.

    The previous one keeps its row, marked replaced, so the records of who opened it still
    name it; its file, personal data no longer needed, is deleted once the new one is saved."""
    name = store_private(content=clean.content, extension=clean.extension, folder=f"vendors/{vendor.pk}")
    stored.append(name)
    old = VendorDocument.objects.select_for_update().filter(vendor=vendor, kind=kind).first()
    if old:
        old.replaced_at = timezone.now()
        old.save(update_fields=["replaced_at"])
        old_name = old.file_name
        transaction.on_commit(lambda: storages["private"].delete(old_name))
    return VendorDocument.objects.create(
        vendor=vendor,
        kind=kind,
        file_name=name,
        original_name=original_name,
        content_type=clean.content_type,
        size=len(clean.content),
        uploaded_by=actor,
    )


def _reverify_for_documents(*, vendor: Vendor, actor, kinds: list[str]) -> None:
    """A verified MSME's new documents are checked again before it sells."""
    if vendor.status in VERIFIED and kinds:
        labels = ", ".join(str(VendorDocument.Kind(k).label) for k in kinds)
        _transition(vendor=vendor, action=A.REVERIFY, actor=actor, reason=_("New documents: %s") % labels)
        vendor.refresh_from_db()


@transaction.atomic
def document_upload(*, vendor: Vendor, actor, kind: str, uploaded_file) -> VendorDocument:
    """Check, clean and privately store one document, replacing the previous one of its kind."""
    _may_upload(vendor=vendor, actor=actor)
    clean = _document_clean(kind=kind, uploaded_file=uploaded_file)
    with _files_kept_only_on_success() as stored:
        document = _document_save(
            vendor=vendor,
            actor=actor,
            kind=kind,
            clean=clean,
            original_name=_original_name(uploaded_file),
            stored=stored,
        )
        _reverify_for_documents(vendor=vendor, actor=actor, kinds=[kind])
    return document


@transaction.atomic
def documents_upload(*, vendor: Vendor, actor, uploads: dict) -> dict[str, list[str]]:
    """Store each uploaded document ({kind: file}; empty ones skipped) and return the refused
    ones' messages by kind.

    While registering, accepted documents stay when another is refused (the draft keeps what
    is good). A verified MSME's post is all or nothing: its good documents would otherwise send
    it to verification with the refused one still to replace."""
    _may_upload(vendor=vendor, actor=actor)
    cleaned, refused = {}, {}
    for kind, uploaded_file in uploads.items():
        if not uploaded_file:
            continue
        try:
            cleaned[kind] = _document_clean(kind=kind, uploaded_file=uploaded_file)
        except UploadRejected as exc:
            refused[kind] = exc.messages
    if refused and vendor.status in VERIFIED:
        return refused
    with _files_kept_only_on_success() as stored:
        for kind, clean in cleaned.items():
            _document_save(
                vendor=vendor,
                actor=actor,
                kind=kind,
                clean=clean,
                original_name=_original_name(uploads[kind]),
                stored=stored,
            )
        _reverify_for_documents(vendor=vendor, actor=actor, kinds=list(cleaned))
    return refused


def vendor_submit(*, vendor: Vendor, actor) -> VendorDecision:
    """Send a complete registration to the verifiers."""
    missing = selectors.registration_missing(vendor)
    if missing:
        raise IncompleteRegistration(missing)
    with transaction.atomic():
        return _transition(vendor=vendor, action=A.SUBMIT, actor=actor)


# --- Decisions by the verifier -------------------------------------------------


def vendor_approve(*, vendor: Vendor, verifier, note: str = "") -> VendorDecision:
    """Approve: the MSME gets its Oscar partner and may sell."""
    with transaction.atomic():
        return _transition(vendor=vendor, action=A.APPROVE, actor=verifier, reason=note)


def vendor_reject(*, vendor: Vendor, verifier, reason: str) -> VendorDecision:
    with transaction.atomic():
        return _transition(vendor=vendor, action=A.REJECT, actor=verifier, reason=reason)


def vendor_request_changes(
    *, vendor: Vendor, verifier, problems: list[dict], reason: str = ""
) -> VendorDecision:
    """Ask the owner to fix named problems: [{"field": ..., "label": ..., "reason": ...}]."""
    problems = [p for p in problems if (p.get("reason") or "").strip()]
    if not problems:
        raise VendorError(_("Name at least one problem and what the owner must change."))
    with transaction.atomic():
        return _transition(
            vendor=vendor, action=A.REQUEST_CHANGES, actor=verifier, reason=reason, problems=problems
        )


def vendor_suspend(*, vendor: Vendor, actor, reason: str) -> VendorDecision:
    """Stop selling at once: products disappear from the catalogue."""
    with transaction.atomic():
        return _transition(vendor=vendor, action=A.SUSPEND, actor=actor, reason=reason)


def vendor_reinstate(*, vendor: Vendor, actor, reason: str) -> VendorDecision:
    with transaction.atomic():
        return _transition(vendor=vendor, action=A.REINSTATE, actor=actor, reason=reason)


# --- Documents ------------------------------------------------------------------


def document_open(*, document: VendorDocument, user):
    """Open a personal document for a permitted user and record the access."""
    if document.replaced_at or not selectors.can_view_document(user=user, document=document):
        raise NotAllowed(_("You may not open this document."))
    DocumentAccess.objects.create(document=document, user=user, description=_access_description(document))
    return storages["private"].open(document.file_name, "rb")


def _access_description(document: VendorDocument) -> str:
    """What an access record says was opened, in the site's language: still readable if the
    document row is ever deleted."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("%(kind)s of %(vendor)s (MSME %(vendor_id)s, document %(document_id)s)") % {
            "kind": document.get_kind_display(),
            "vendor": document.vendor.business_name or f"#{document.vendor_id}",
            "vendor_id": document.vendor_id,
            "document_id": document.pk,
        }
