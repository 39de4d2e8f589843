"""Reads about MSMEs: what a registration still needs, the rules between its fields, who may see
what, the queue."""

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.accounts import roles
from vendors.models import Vendor, VendorDecision, VendorDocument
from vendors.uploads import ALL_KINDS, IMAGE_KINDS
from vendors.validators import nik_issued_in_city

D = VendorDocument.Kind
# Photos of a person or a place: a PDF makes no sense there.
IMAGE_ONLY_DOCUMENTS = frozenset({D.KTP, D.BUSINESS_PLACE, D.SELFIE_KTP})

REQUIRED_FIELDS = (
    "business_name",
    "legal_form",
    "sector",
    "street_address",
    "kecamatan",
    "kelurahan",
    "phone",
    "owner_name",
    "nik",
    "nib",
    "bank_name",
    "bank_account_number",
    "bank_account_holder",
)


def required_documents(vendor: Vendor) -> list[str]:
    """Document kinds this registration must carry, given what it declares."""
    kinds = [D.KTP, D.NIB, D.BUSINESS_PLACE, D.SELFIE_KTP]
    if not (vendor.nik and nik_issued_in_city(vendor.nik)):
        kinds.insert(1, D.DOMICILE)
    if vendor.iumk:
        kinds.append(D.IUMK)
    if vendor.halal_number:
        kinds.append(D.HALAL)
    if vendor.pirt_number:
        kinds.append(D.PIRT)
    return kinds


def document_formats(kind: str) -> frozenset[str]:
    """The file formats a document kind accepts ("jpg", "png", "pdf"): the upload's check and the
    field's hint both read this, so the hint names exactly what the check lets through."""
    return IMAGE_KINDS if kind in IMAGE_ONLY_DOCUMENTS else ALL_KINDS


def domicile_letter_needed(vendor: Vendor) -> bool:
    """A NIK issued outside the city is entered and no domicile letter is uploaded yet."""
    if not vendor.nik or nik_issued_in_city(vendor.nik):
        return False
    return not documents_of(vendor).filter(kind=D.DOMICILE).exists()


def optional_documents(vendor: Vendor) -> list[str]:
    """Document kinds the owner may upload besides the required ones, given what it declares."""
    return [D.PP55] if vendor.pp55_number else []


def upload_documents(vendor: Vendor) -> list[str]:
    """The document kinds of the documents step: the required ones, then the optional ones."""
    return required_documents(vendor) + optional_documents(vendor)


# --- Rules between an MSME's fields ----------------------------------------------------------------
# Checked by vendors.services.vendor_update (every path that writes an MSME: the registration
# steps, the admin, an import) and by the forms before it, so each path gives the same message.


def _text(values: Mapping, field: str) -> str:
    return str(values.get(field) or "").strip()


def _kelurahan_problems(values: Mapping) -> dict[str, str]:
    kecamatan, kelurahan = values.get("kecamatan"), values.get("kelurahan")
    if kecamatan is not None and kelurahan is not None and kelurahan.parent_id != kecamatan.pk:
        return {"kelurahan": _("This kelurahan is not in the chosen kecamatan.")}
    return {}


def _kopimi_problems(values: Mapping) -> dict[str, str]:
    if values.get("kopimi_registered") and not _text(values, "kopimi_number"):
        return {"kopimi_number": _("Give the Gerai Kopimi registration number.")}
    return {}


def _pp55_problems(values: Mapping) -> dict[str, str]:
    valid_from, valid_until = values.get("pp55_valid_from"), values.get("pp55_valid_until")
    if _text(values, "pp55_number") and not valid_until:
        return {"pp55_valid_until": _("Give the validity date of the PP 55/2022 certificate.")}
    if valid_from and valid_until and valid_from > valid_until:
        return {
            "pp55_valid_from": _(
                "The PP 55/2022 certificate cannot be valid from a date after its end of validity."
            )
        }
    return {}


def _pbjt_problems(values: Mapping) -> dict[str, str]:
    if values.get("pbjt_collector") and not _text(values, "pbjt_tax_number"):
        return {"pbjt_tax_number": _("Give the regional tax number (NPWPD) under which you collect PBJT.")}
    return {}


# Each rule with the fields it reads.
PROFILE_RULES: tuple[tuple[frozenset[str], Callable[[Mapping], dict[str, str]]], ...] = (
    (frozenset({"kecamatan", "kelurahan"}), _kelurahan_problems),
    (frozenset({"kopimi_registered", "kopimi_number"}), _kopimi_problems),
    (frozenset({"pp55_number", "pp55_valid_from", "pp55_valid_until"}), _pp55_problems),
    (frozenset({"pbjt_collector", "pbjt_tax_number"}), _pbjt_problems),
)
PROFILE_RULE_FIELDS = frozenset().union(*(fields for fields, _check in PROFILE_RULES))


def profile_values(vendor: Vendor, changes: Mapping | None = None) -> dict:
    """The fields the profile rules read: the MSME's, with `changes` ({field: value}) over them."""
    values = {field: getattr(vendor, field) for field in PROFILE_RULE_FIELDS}
    values.update({k: v for k, v in (changes or {}).items() if k in PROFILE_RULE_FIELDS})
    return values


def vendor_profile_problems(values: Mapping, *, fields=None) -> dict[str, str]:
    """What is wrong between the MSME's fields, {field: message}: a kelurahan outside the chosen
    kecamatan, Gerai Kopimi without its number, a PP 55/2022 certificate without its validity
    date or valid from after until, a PBJT collector without the NPWPD.

    `values` holds every field the rules read (`profile_values`). With `fields`, only the rules
    reading one of them are checked (what a form or an update changes), so an old problem in
    another step does not block this one."""
    problems: dict[str, str] = {}
    for rule_fields, check in PROFILE_RULES:
        if fields is None or rule_fields & set(fields):
            problems.update(check(values))
    return problems


def _label(name: str) -> str:
    return str(Vendor._meta.get_field(name).verbose_name)


def missing_fields(vendor: Vendor, among: Collection[str] | None = None) -> list[tuple[str, str]]:
    """(field, label) of the fields still empty that submission needs, in the form's order
    when `among` (a step's fields) is given: the required ones, and a Gerai Kopimi number
    once the MSME says it is registered there."""
    required = [name for name in REQUIRED_FIELDS if getattr(vendor, name) in (None, "")]
    if vendor.kopimi_registered and not vendor.kopimi_number:
        required.append("kopimi_number")
    if among is not None:
        required = [name for name in among if name in required]
    return [(name, _label(name)) for name in required]


def missing_documents(vendor: Vendor) -> list[tuple[str, str]]:
    """(kind, label) of the required documents not uploaded yet."""
    present = set(documents_of(vendor).values_list("kind", flat=True))
    return [(kind, str(D(kind).label)) for kind in required_documents(vendor) if kind not in present]


def registration_missing(vendor: Vendor) -> list[str]:
    """Labels of the fields and documents still missing before submission."""
    fields = [label for name, label in missing_fields(vendor) if name != "kopimi_number"]
    kopimi = [label for name, label in missing_fields(vendor, among=["kopimi_number"])]
    return fields + [label for _kind, label in missing_documents(vendor)] + kopimi


# --- Which step of the registration needs the owner -----------------------------------------------

DOCUMENTS_STEP = object()  # in `registration_steps`' steps: the step of the documents


@dataclass(frozen=True)
class StepState:
    """One registration step as the owner should see it: what it still needs, and what the
    verifier asked to change there that is not done yet."""

    slug: str
    missing: list[str] = dataclass_field(default_factory=list)  # labels of empty fields or documents
    requested: list[dict] = dataclass_field(default_factory=list)  # the verifier's problems, still open

    @property
    def needs_fix(self) -> bool:
        return bool(self.missing or self.requested)


def registration_steps(
    vendor: Vendor,
    *,
    steps: Sequence[tuple[str, Collection[str] | object | None]],
    problem_steps: Mapping[str, str],
    saved_since_request: Collection[str] = (),
) -> list[StepState]:
    """Each step's state, in order. `steps` gives each step's slug with its fields (a form's),
    DOCUMENTS_STEP, or None (the review step); `problem_steps` which step a verifier's problem
    section ("business", …) is about ("doc_<kind>" problems are the documents step's).

    A requested change is done when its document was uploaded after the request, or when its
    step is in `saved_since_request` (saved by the owner since)."""
    documents_slug = next((slug for slug, fields in steps if fields is DOCUMENTS_STEP), None)
    request = latest_changes_request(vendor) if vendor.status == Vendor.Status.CHANGES_REQUESTED else None
    requested: dict[str, list[dict]] = {}
    if request is not None:
        renewed = set(
            documents_of(vendor).filter(uploaded_at__gt=request.created_at).values_list("kind", flat=True)
        )
        for problem in request.problems or []:
            key = str(problem.get("field", ""))
            if key.startswith("doc_"):
                if key.removeprefix("doc_") in renewed:
                    continue
                slug = documents_slug
            else:
                slug = problem_steps.get(key)
                if slug in saved_since_request:
                    continue
            if slug is not None:
                requested.setdefault(slug, []).append(problem)
    states = []
    for slug, fields in steps:
        if fields is DOCUMENTS_STEP:
            missing = [label for _kind, label in missing_documents(vendor)]
        elif fields is None:
            missing = []
        else:
            missing = [label for _name, label in missing_fields(vendor, among=fields)]
        states.append(StepState(slug=slug, missing=missing, requested=requested.get(slug, [])))
    return states


def first_step_to_fix(states: Sequence[StepState]) -> str:
    """The first step with something missing or a change still to make; the review step (the
    last) when everything is there."""
    return next((state.slug for state in states if state.needs_fix), states[-1].slug)


def documents_of(vendor: Vendor) -> QuerySet:
    """The current documents of a registration; none for one not started yet (not saved)."""
    if vendor.pk is None:
        return VendorDocument.objects.none()
    return VendorDocument.objects.filter(vendor_id=vendor.pk)


def vendor_of(user) -> Vendor | None:
    if not user.is_authenticated:
        return None
    return Vendor.objects.filter(owner=user).select_related("kecamatan", "kelurahan", "partner").first()


# The city's own people: unit members (their groups follow their memberships) and the MSME
# office's and the platform's staff. They buy, verify or administer; they do not sell.
CITY_STAFF_ROLES = frozenset(roles.ALL_ROLES) - {roles.VENDOR}


def is_city_staff(user) -> bool:
    return user.is_staff or user.is_superuser or bool(user.role_names() & CITY_STAFF_ROLES)


def registration_for(user) -> Vendor | None:
    """The registration the user's registration pages show: their own (saved), or a new empty
    one not saved (the first POST starts the draft); None for city staff, who do not register
    an MSME (one they registered before joining the city's staff stays theirs)."""
    vendor = vendor_of(user)
    if vendor is not None:
        return vendor
    if is_city_staff(user):
        return None
    return Vendor(owner=user)


def can_view_document(*, user, document: VendorDocument) -> bool:
    """The owner, a Verifikator or an Admin (permission view_vendor_documents)."""
    if not user.is_authenticated:
        return False
    return document.vendor.owner_id == user.pk or user.has_perm("accounts.view_vendor_documents")


# The verifier's decisions, in the order the review page offers them (labels: VendorDecision.Action);
# submitting and re-verifying are the owner's and the system's.
VERIFIER_DECISIONS = (
    VendorDecision.Action.APPROVE,
    VendorDecision.Action.REQUEST_CHANGES,
    VendorDecision.Action.REJECT,
    VendorDecision.Action.SUSPEND,
    VendorDecision.Action.REINSTATE,
)


def latest_verifier_decision(vendor: Vendor) -> VendorDecision | None:
    return vendor.decisions.filter(action__in=VERIFIER_DECISIONS).first()


def documents_for_review(vendor: Vendor) -> tuple[dict[str, VendorDocument], VendorDecision | None]:
    """The registration's current documents by kind, each with `is_new` (uploaded after the last
    decision of a Verifikator, replacing an older file or added) and `replaced_one` (it replaced
    one), and that decision (None before the first: then nothing is marked new)."""
    decision = latest_verifier_decision(vendor)
    docs = {d.kind: d for d in vendor.documents.all()}
    replaced_kinds = set()
    if decision is not None:
        replaced_kinds = set(
            VendorDocument.all_objects.filter(
                vendor=vendor, replaced_at__isnull=False, replaced_at__gt=decision.created_at
            ).values_list("kind", flat=True)
        )
    for doc in docs.values():
        doc.is_new = decision is not None and doc.uploaded_at > decision.created_at
        doc.replaced_one = doc.is_new and doc.kind in replaced_kinds
    return docs, decision


def latest_changes_request(vendor: Vendor) -> VendorDecision | None:
    return vendor.decisions.filter(action=VendorDecision.Action.REQUEST_CHANGES).first()


def verification_queue(
    *,
    status: str | None = Vendor.Status.SUBMITTED,
    kecamatan=None,
    sector: str = "",
    min_days: int | None = None,
) -> QuerySet:
    """Registrations waiting for a decision, oldest first."""
    qs = Vendor.objects.exclude(status=Vendor.Status.DRAFT).select_related("kecamatan", "owner")
    if status:
        qs = qs.filter(status=status)
    if kecamatan:
        qs = qs.filter(kecamatan=kecamatan)
    if sector:
        qs = qs.filter(sector=sector)
    if min_days:
        qs = qs.filter(submitted_at__lte=timezone.now() - timedelta(days=min_days))
    return qs.order_by("submitted_at", "pk")


def public_vendors() -> QuerySet:
    """Approved MSMEs, the only ones the public sees."""
    return Vendor.objects.filter(status=Vendor.Status.APPROVED).select_related("kecamatan", "partner")


def next_step_text(vendor: Vendor) -> str:
    """What the owner should do next, in one sentence."""
    return {
        Vendor.Status.DRAFT: _("Complete every step and submit the registration."),
        Vendor.Status.SUBMITTED: _(
            "Your registration is being verified by the MSME office. We will e-mail you."
        ),
        Vendor.Status.CHANGES_REQUESTED: _("Fix the problems listed below, then submit again."),
        Vendor.Status.APPROVED: _("Your MSME is verified: add your products and accept orders."),
        Vendor.Status.REJECTED: _(
            "Your registration was rejected. Read the reason below; contact the MSME office."
        ),
        Vendor.Status.SUSPENDED: _(
            "Your MSME is suspended and your products are hidden. Read the reason below."
        ),
    }[vendor.status]
