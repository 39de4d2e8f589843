"""Reads about MSMEs: what a registration still needs, who may see what, the queue."""

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
