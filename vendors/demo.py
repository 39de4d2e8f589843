"""The demo MSMEs: owners, registrations, Oscar partners and their products.

Used by `manage.py seed_demo` only. Two sizes:

- the demo world: about 30 approved MSMEs with hand-written Indonesian names spread over
  the city's kecamatan, plus one or two in every other status, each with a verified
  owner account (``umkm01@demo.guloasem.id``…) and products with generated photos;
- the city scale (`city_vendors_seed`): tens of thousands of generated MSMEs and
  products, bulk-inserted in batches, for benchmarks. Their owners get unusable
  passwords and their products share a small pool of photos.

Identity numbers are structurally valid but made up: NIK = city code (33 74) +
kecamatan (2) + DDMMYY (day + 40 for women) + serial (4); demo MSMEs use serials
0001–4999, city-scale ones 5001–9999, so the two never collide. NIB = 13 digits,
prefix 91201 (demo) or 91209 (city).

Idempotent: rows are found by natural keys (owner e-mail; a demo product by its
partner and title, a city-scale one by its code) and only created when missing.
Bulk inserts rely on the database returning the new ids (PostgreSQL, SQLite ≥ 3.35).
"""

import io
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from oscar.core.loading import get_model
from PIL import Image, ImageDraw

from marketplace.accounts import roles
from marketplace.catalogue import demo as catalogue_demo
from marketplace.catalogue.demo import (
    PRODUCT_TEMPLATES,
    TEMPLATES_BY_TITLE,
    ProductRow,
    font_load,
)
from marketplace.catalogue.models import FOOD_KINDS
from marketplace.regions.models import Region
from vendors import selectors
from vendors.demo_vendors import CRAFT, DEMO_VENDORS, FASHION, FOOD, DemoVendor
from vendors.models import Vendor, VendorDecision, VendorDocument
from vendors.uploads import store_private

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
User = get_user_model()

DEMO_DOMAIN = "demo.guloasem.id"
CITY_EMAIL_PREFIX = "umkm-city-"
CITY_SERIAL_START = 5001
# NIK serials are 4 digits: each of the 16 kecamatan codes has 4999 city-scale serials.
CITY_VENDORS_MAX = 16 * (9999 - CITY_SERIAL_START + 1)

S = Vendor.Status


def demo_owner_email(no: int) -> str:
    return f"umkm{no:02d}@{DEMO_DOMAIN}"


def city_owner_email(no: int) -> str:
    return f"{CITY_EMAIL_PREFIX}{no:05d}@{DEMO_DOMAIN}"


def user_ensure(
    *, email: str, full_name: str, password_hash: str, groups: Iterable[Group] = (), **extra
) -> tuple[User, bool]:
    """A user with a verified primary e-mail address, created with `password_hash` if missing.

    An existing user keeps its password and flags; only missing role groups and a missing
    verified address are added.
    """
    first_name, _, last_name = full_name.partition(" ")
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"first_name": first_name, "last_name": last_name, "password": password_hash, **extra},
    )
    address, _ = EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
    missing = set(groups) - set(user.groups.all())
    if missing:
        user.groups.add(*missing)
    return user, created


# --- City reference data -----------------------------------------------------------


@dataclass
class District:
    """A kecamatan with its kelurahan, and the two digits it has in a NIK."""

    region: Region
    villages: list[Region]
    nik_code: str


def districts_load() -> list[District]:
    """The city's kecamatan in code order, each with its kelurahan (from the loaded city pack)."""
    kecamatan = list(Region.objects.filter(level=Region.Level.DISTRICT).order_by("code"))
    if not kecamatan:
        raise ValueError("No kecamatan loaded: run the city pack loading first.")
    villages: dict[int, list[Region]] = {k.pk: [] for k in kecamatan}
    for village in Region.objects.filter(level=Region.Level.VILLAGE).order_by("code"):
        if village.parent_id in villages:
            villages[village.parent_id].append(village)
    return [
        District(
            region=k, villages=villages[k.pk] or [None], nik_code=k.code.rsplit(".", 1)[-1][-2:].zfill(2)
        )
        for k in kecamatan
    ]


def nik_make(*, district: District, birth: date, female: bool, serial: int) -> str:
    """A structurally valid NIK first issued in `district` of the configured city."""
    city = settings.CITY_CODE.replace(".", "")
    day = birth.day + (40 if female else 0)
    return f"{city}{district.nik_code}{day:02d}{birth:%m%y}{serial:04d}"


# Streets of Kota Semarang by kecamatan (position in code order); other cities get generic names.
STREETS = (
    ("Pandanaran", "Gajah Mada", "Pemuda"),
    ("Hasanudin", "Arteri Yos Sudarso", "Layur"),
    ("Dr. Cipto", "MT Haryono", "Bugangan Raya"),
    ("Majapahit", "Kaligawe Raya", "Slamet Riyadi"),
    ("Woltermonginsidi", "Genuk Krajan", "Sembungharjo Raya"),
    ("Brigjen Sudiarto", "Fatmawati", "Plamongan Indah"),
    ("Kompol Maksum", "Veteran", "Lampersari"),
    ("Sriwijaya", "Sultan Agung", "Jangli"),
    ("Kelud Raya", "Sampangan Baru", "Papandayan"),
    ("Prof. Sudarto", "Ngesrep Timur", "Bulusan Raya"),
    ("Setiabudi", "Durian Raya", "Perintis Kemerdekaan"),
    ("Mr. Wuryanto", "Sekaran Raya", "Kalialang Lama"),
    ("Siliwangi", "Pamularsih", "Kalibanteng"),
    ("RM Hadisoebeno", "Mijen Raya", "Jatisari"),
    ("Prof. Hamka", "Untung Suropati", "Beringin Raya"),
    ("Walisongo", "Randugarut", "Mangkang Raya"),
)
BANKS = ("Bank Jateng", "BRI", "BNI", "Bank Mandiri", "BSI", "BCA")


def _street(district_index: int, n: int) -> str:
    streets = STREETS[district_index % len(STREETS)]
    return f"Jl. {streets[n % len(streets)]} No. {n % 180 + 1}"


def _phone(rng: random.Random) -> str:
    """A mobile number in E.164 form, as the registration form stores it."""
    return f"+628{rng.choice(('12', '13', '21', '22', '56', '57', '95', '96'))}{rng.randrange(10**7, 10**8)}"


# --- The demo world ----------------------------------------------------------------


# Statuses of MSMEs that were approved once, so have an Oscar partner.
_APPROVED_ONCE = {S.APPROVED, S.SUSPENDED}


def demo_vendor_specs(*, approved: int | None = None) -> list[DemoVendor]:
    """The demo MSMEs to seed: `approved` approved ones (all by default) and every other one.

    A smaller selection takes the sectors in turn (food, fashion, crafts, food…), so even
    three MSMEs show every sector; MSME no. 1, the Pelaku UMKM demo account, always comes first.
    """
    approved_specs = [s for s in DEMO_VENDORS if s.status == S.APPROVED]
    if approved is not None:
        rank_in_sector: dict[str, int] = {}
        order = []
        for spec in approved_specs:
            rank = rank_in_sector[spec.sector] = rank_in_sector.get(spec.sector, -1) + 1
            order.append((rank, (FOOD, FASHION, CRAFT).index(spec.sector), spec.no, spec))
        approved_specs = sorted((s for *_, s in sorted(order)[: max(1, approved)]), key=lambda s: s.no)
    return approved_specs + [s for s in DEMO_VENDORS if s.status != S.APPROVED]


def _registration(*, spec: DemoVendor, districts: list[District], rng: random.Random) -> dict:
    """The registration fields of a demo MSME, as the owner filled them in."""
    district = districts[(spec.district - 1) % len(districts)]
    values = {
        "business_name": spec.business_name,
        "sector": spec.sector,
        "legal_form": spec.legal_form,
        "description": spec.description,
        "owner_name": spec.owner_name,
        "kecamatan": district.region,
        "kelurahan": district.villages[spec.no % len(district.villages)],
        "street_address": _street(spec.district - 1, spec.no * 7),
        "phone": _phone(rng),
    }
    if spec.status == S.DRAFT:
        return values  # a registration still being filled in
    birth = date(rng.randrange(1962, 1999), rng.randrange(1, 13), rng.randrange(1, 29))
    nik = nik_make(district=district, birth=birth, female=spec.female, serial=spec.no)
    now = timezone.now()
    # Approved MSMEs registered over the last year; the others are recent, waiting or just decided.
    days_ago = {S.SUBMITTED: 3 + spec.no % 5, S.CHANGES_REQUESTED: 12 + spec.no % 5, S.REJECTED: 20}
    days = days_ago.get(spec.status, 380 - spec.no % 31 * 9)
    submitted = now - timedelta(days=days, hours=rng.randrange(8, 16))
    capital = rng.randrange(5, 400) * 1_000_000
    values.update(
        nik=nik,
        nib=f"91201{spec.no:08d}",
        npwp="" if spec.no % 5 == 0 else nik,  # since 2024 the NIK is the personal NPWP
        iumk=f"503/{spec.no:03d}/IUMK/2019" if spec.no % 4 == 0 else "",
        capital_idr=capital,
        employees=rng.randrange(1, 15),
        annual_sales_idr=capital * rng.randrange(2, 6),
        bank_name=rng.choice(BANKS),
        bank_account_number=str(rng.randrange(10**9, 10**10)),
        bank_account_holder=spec.owner_name,
        kopimi_registered=spec.no % 3 != 0,
        kopimi_number=f"KOPIMI-3374-{spec.no:05d}" if spec.no % 3 != 0 else "",
        submitted_at=submitted,
    )
    if spec.no % 3 == 1:
        values.update(
            pp55_number=f"KET-{spec.no:05d}/PP55/WPJ.10/KP.0203/2025",
            pp55_valid_until=date(now.year, 12, 31),
        )
    if spec.sector == FOOD:
        values["pirt_number"] = f"2{rng.randrange(1, 16):02d}3374{spec.no:06d}{(now.year + 2) % 100:02d}"
        if spec.no % 2:
            values["halal_number"] = f"ID33110000{spec.no:04d}{rng.randrange(10**4, 10**5)}"
    if spec.status in _APPROVED_ONCE:
        values["approved_at"] = submitted + timedelta(days=2 + spec.no % 4)
    return values


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "umkm"
    slug, n = base, 1
    while Vendor.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _product_rows(*, spec: DemoVendor, partner_id: int, halal: bool) -> list[ProductRow]:
    """The products a demo MSME sells: its featured titles first, then picks per kind."""
    rng = random.Random(f"demo-products-{spec.no}")
    chosen = [TEMPLATES_BY_TITLE[title] for title in spec.featured]
    remaining = list(spec.kinds)
    for kind, _template in chosen:
        if kind in remaining:
            remaining.remove(kind)
    for kind in remaining:
        options = [t for t in PRODUCT_TEMPLATES[kind] if (kind, t) not in chosen]
        chosen.append((kind, rng.choice(options)))
    return [
        ProductRow(
            template=template,
            kind=kind,
            partner_id=partner_id,
            price_idr=catalogue_demo.round_price(rng.randint(template.min_idr, template.max_idr)),
            is_halal=halal and kind in FOOD_KINDS,
        )
        for kind, template in chosen
    ]


def _document_render(*, label: str, vendor: Vendor) -> bytes:
    """A placeholder scan: clearly a demo, never a real person's document."""
    image = Image.new("RGB", (480, 300), (236, 240, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 471, 291), outline=(90, 110, 140), width=4)
    font = font_load(24)
    draw.text((28, 30), label, font=font, fill=(30, 40, 60))
    draw.text((28, 80), vendor.business_name, font=font, fill=(30, 40, 60))
    draw.text((28, 120), vendor.owner_name, font=font, fill=(30, 40, 60))
    draw.text((28, 230), "CONTOH / DATA DEMO", font=font_load(28), fill=(200, 40, 40))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=70)
    return out.getvalue()


def _documents_create(*, vendor: Vendor) -> None:
    """The documents its registration requires, as placeholder images in private storage."""
    for kind in selectors.required_documents(vendor):
        content = _document_render(label=str(VendorDocument.Kind(kind).label), vendor=vendor)
        VendorDocument.objects.create(
            vendor=vendor,
            kind=kind,
            file_name=store_private(content=content, extension="jpg", folder=f"vendors/{vendor.pk}"),
            content_type="image/jpeg",
            size=len(content),
            uploaded_by=vendor.owner,
        )
    vendor.documents.update(uploaded_at=vendor.submitted_at - timedelta(hours=2))


def _decisions_create(*, vendor: Vendor, spec: DemoVendor, verifier) -> None:
    """The verification history that led to the MSME's status (no notifications: nothing is news)."""
    A = VendorDecision.Action
    decided = vendor.submitted_at + timedelta(days=1, hours=3)
    steps = [(A.SUBMIT, S.DRAFT, S.SUBMITTED, vendor.owner, vendor.submitted_at, "", [])]
    if vendor.status in _APPROVED_ONCE:
        steps.append((A.APPROVE, S.SUBMITTED, S.APPROVED, verifier, vendor.approved_at, "", []))
    if vendor.status == S.SUSPENDED:
        suspended = timezone.now() - timedelta(days=10)
        steps.append((A.SUSPEND, S.APPROVED, S.SUSPENDED, verifier, suspended, spec.note, []))
    elif vendor.status == S.REJECTED:
        steps.append((A.REJECT, S.SUBMITTED, S.REJECTED, verifier, decided, spec.note, []))
    elif vendor.status == S.CHANGES_REQUESTED:
        problems = [
            {
                "field": VendorDocument.Kind.SELFIE_KTP,
                "label": str(VendorDocument.Kind.SELFIE_KTP.label),
                "reason": spec.note,
            }
        ]
        reason = "Mohon perbaiki dokumen berikut lalu ajukan kembali."
        steps.append(
            (A.REQUEST_CHANGES, S.SUBMITTED, S.CHANGES_REQUESTED, verifier, decided, reason, problems)
        )
    for action, source, target, actor, when, reason, problems in steps:
        decision = VendorDecision.objects.create(
            vendor=vendor,
            actor=actor,
            action=action,
            from_status=source,
            to_status=target,
            reason=reason,
            problems=problems,
        )
        VendorDecision.objects.filter(pk=decision.pk).update(created_at=when)


@dataclass
class SeedReport:
    vendors_created: int = 0
    products_created: int = 0


def demo_vendor_seed(
    *,
    spec: DemoVendor,
    districts: list[District],
    password_hash: str,
    verifier,
) -> tuple[Vendor, SeedReport]:
    """Create one demo MSME with its owner, documents, history, partner and products.

    An MSME whose owner already has one is left as it is; only missing products are added.
    """
    report = SeedReport()
    selling = spec.status == S.APPROVED
    seller_group = Group.objects.get(name=roles.VENDOR)
    with transaction.atomic():
        owner, _ = user_ensure(
            email=demo_owner_email(spec.no),
            full_name=spec.owner_name,
            password_hash=password_hash,
            groups=[seller_group] if selling else [],
        )
        vendor = Vendor.objects.filter(owner=owner).select_related("partner").first()
        if vendor is None:
            rng = random.Random(f"demo-vendor-{spec.no}")
            values = _registration(spec=spec, districts=districts, rng=rng)
            if spec.status in _APPROVED_ONCE:
                partner = Partner.objects.create(
                    name=spec.business_name[:128],
                    is_active=selling,
                    kecamatan=values["kecamatan"],
                    daily_capacity=rng.randrange(150, 550, 50) if spec.sector == FOOD else None,
                    closed_weekdays="6" if spec.no % 2 else "",
                )
                partner.users.add(owner)
                values.update(partner=partner, slug=_unique_slug(spec.business_name))
            vendor = Vendor.objects.create(owner=owner, status=spec.status, **values)
            if spec.status != S.DRAFT:
                _documents_create(vendor=vendor)
                _decisions_create(vendor=vendor, spec=spec, verifier=verifier)
            report.vendors_created = 1
        if vendor.partner is not None:
            rows = _product_rows(spec=spec, partner_id=vendor.partner_id, halal=bool(vendor.halal_number))
            report.products_created = catalogue_demo.partner_products_ensure(
                partner=vendor.partner, rows=rows
            )
    return vendor, report


# --- City scale ----------------------------------------------------------------------
