"""Reads about MSMEs: what a registration still needs, the rules between its fields, who may see
what, the queue."""

from collections.abc import Callable, Mapping
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.accounts import roles
from vendors.models import Vendor, VendorDecision, VendorDocument
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


def registration_missing(vendor: Vendor) -> list[str]:
    """Labels of the fields and documents still missing before submission."""
    missing = [
        str(Vendor._meta.get_field(name).verbose_name)
        for name in REQUIRED_FIELDS
        if getattr(vendor, name) in (None, "")
    ]
    present = set(documents_of(vendor).values_list("kind", flat=True))
    missing += [str(D(kind).label) for kind in required_documents(vendor) if kind not in present]
    if vendor.kopimi_registered and not vendor.kopimi_number:
        missing.append(str(Vendor._meta.get_field("kopimi_number").verbose_name))
    return missing


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
