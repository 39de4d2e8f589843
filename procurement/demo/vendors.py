"""The demo MSMEs, registered, verified and selling through the same services their owners use.

Each hand-written MSME (`procurement.demo.data`) is registered by its owner
(`vendors.services.vendor_start`, `vendor_update`, `documents_upload`, `vendor_submit`) and
decided by the demo Verifikator (`vendor_approve`, `vendor_reject`, `vendor_request_changes`,
`vendor_suspend`): the approval gives it its Oscar partner, public page and seller role. An
approved MSME then sets its schedule (`marketplace.partner.services.partner_schedule_update`)
and lists its products with generated photos (`marketplace.catalogue.services.product_create`,
via `procurement.demo.catalogue`). The history is finally dated in the past
(`procurement.demo.backdate`): approved MSMEs registered over the last year, the others recently.

Identity numbers are structurally valid (`vendors.validators`) but made up: NIK = city code
(33 74) + kecamatan (2) + DDMMYY (day + 40 for women) + serial (4); demo MSMEs use serials
0001–4999, city-scale ones 5001–9999 (`procurement.demo.city`), so the two never collide.
NIB = 13 digits, prefix 91201 (demo) or 91209 (city).

Idempotent: an MSME is found by its owner's e-mail and, when present, only its missing
products are added (by title). Each MSME is made in one transaction.
"""

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from marketplace.catalogue.models import FOOD_KINDS
from marketplace.partner.services import partner_schedule_update
from marketplace.regions.models import Region
from procurement.demo import backdate
from procurement.demo.accounts import demo_owner_email, user_ensure
from procurement.demo.catalogue import (
    PRODUCT_TEMPLATES,
    TEMPLATES_BY_TITLE,
    ProductRow,
    font_load,
    partner_products_ensure,
    round_price,
)
from procurement.demo.data import CRAFT, DEMO_VENDORS, FASHION, FOOD, DemoVendor
from vendors import selectors, services
from vendors.models import Vendor, VendorDocument

User = get_user_model()
S = Vendor.Status
D = VendorDocument.Kind


# --- The city's places and people (shared with procurement.demo.city) ---------------------


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


def street(district_index: int, n: int) -> str:
    streets = STREETS[district_index % len(STREETS)]
    return f"Jl. {streets[n % len(streets)]} No. {n % 180 + 1}"


def phone(rng: random.Random) -> str:
    """A mobile number in E.164 form, as the registration form stores it."""
    return f"+628{rng.choice(('12', '13', '21', '22', '56', '57', '95', '96'))}{rng.randrange(10**7, 10**8)}"


# --- The demo world ----------------------------------------------------------------


# Statuses of MSMEs that were approved once, so have an Oscar partner.
APPROVED_ONCE = {S.APPROVED, S.SUSPENDED}


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
    """The registration fields of a demo MSME, as its owner fills them in (`vendor_update`)."""
    district = districts[(spec.district - 1) % len(districts)]
    values = {
        "business_name": spec.business_name,
        "sector": spec.sector,
        "legal_form": spec.legal_form,
        "description": spec.description,
        "owner_name": spec.owner_name,
        "kecamatan": district.region,
        "kelurahan": district.villages[spec.no % len(district.villages)],
        "street_address": street(spec.district - 1, spec.no * 7),
        "phone": phone(rng),
    }
    if spec.status == S.DRAFT:
        return values  # a registration still being filled in
    birth = date(rng.randrange(1962, 1999), rng.randrange(1, 13), rng.randrange(1, 29))
    nik = nik_make(district=district, birth=birth, female=spec.female, serial=spec.no)
    year = timezone.localdate().year
    capital = rng.randrange(5, 400) * 1_000_000
    values.update(
        nik=nik,
        nib=f"91201{spec.no:08d}",
        npwp=nik if spec.npwp else "",  # since 2024 the NIK is the personal NPWP
        iumk=f"503/{spec.no:03d}/IUMK/2019" if spec.no % 4 == 0 else "",
        capital_idr=capital,
        employees=rng.randrange(1, 15),
        annual_sales_idr=capital * rng.randrange(2, 6),
        bank_name=rng.choice(BANKS),
        bank_account_number=str(rng.randrange(10**9, 10**10)),
        bank_account_holder=spec.owner_name,
        kopimi_registered=spec.no % 3 != 0,
        kopimi_number=f"KOPIMI-3374-{spec.no:05d}" if spec.no % 3 != 0 else "",
    )
    if spec.pp55:
        values.update(
            pp55_number=f"KET-{spec.no:05d}/PP55/WPJ.10/KP.0203/{year}",
            pp55_valid_from=date(year - 1, 1, 1),
            pp55_valid_until=date(year, 12, 31),
        )
    if spec.pbjt_collector:
        values.update(pbjt_collector=True, pbjt_tax_number=f"P.2.{spec.no:07d}.33.74")
    if spec.sector == FOOD:
        values["pirt_number"] = f"2{rng.randrange(1, 16):02d}3374{spec.no:06d}{(year + 2) % 100:02d}"
        if spec.no % 2:
            values["halal_number"] = f"ID33110000{spec.no:04d}{rng.randrange(10**4, 10**5)}"
    return values


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
            price_idr=round_price(rng.randint(template.min_idr, template.max_idr)),
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


def _documents_upload(*, vendor: Vendor) -> None:
    """The owner uploads the documents the registration requires (and its PP 55 certificate)."""
    kinds = list(selectors.required_documents(vendor))
    if vendor.pp55_number:
        kinds.append(D.PP55)
    uploads = {
        kind: SimpleUploadedFile(
            f"{kind}.jpg",
            _document_render(label=str(D(kind).label), vendor=vendor),
            content_type="image/jpeg",
        )
        for kind in kinds
    }
    refused = services.documents_upload(vendor=vendor, actor=vendor.owner, uploads=uploads)
    if refused:
        raise RuntimeError(f"Demo documents refused for {vendor}: {refused}")


REQUEST_CHANGES_REASON = "Mohon perbaiki dokumen berikut lalu ajukan kembali."


def _decide(*, vendor: Vendor, spec: DemoVendor, verifier) -> Vendor:
    """The Verifikator's decision that puts the MSME in its demo status (suspension comes later)."""
    if spec.status in APPROVED_ONCE:
        services.vendor_approve(vendor=vendor, verifier=verifier)
    elif spec.status == S.REJECTED:
        services.vendor_reject(vendor=vendor, verifier=verifier, reason=spec.note)
    elif spec.status == S.CHANGES_REQUESTED:
        problems = [{"field": D.SELFIE_KTP, "label": str(D.SELFIE_KTP.label), "reason": spec.note}]
        services.vendor_request_changes(
            vendor=vendor, verifier=verifier, problems=problems, reason=REQUEST_CHANGES_REASON
        )
    return Vendor.objects.select_related("partner", "owner").get(pk=vendor.pk)


def _timeline(spec: DemoVendor, rng: random.Random) -> dict:
    """When the MSME submitted and was decided: approved ones over the last year (before any
    demo order), the others recently."""
    now = timezone.now()
    days_ago = {S.SUBMITTED: 3 + spec.no % 5, S.CHANGES_REQUESTED: 12 + spec.no % 5, S.REJECTED: 20}
    days = days_ago.get(spec.status, 400 - spec.no % 31 * 8)
    submitted = now - timedelta(days=days, hours=rng.randrange(8, 16))
    return {
        "submitted": submitted,
        "approved": submitted + timedelta(days=2 + spec.no % 4),
        "decided": submitted + timedelta(days=1, hours=3),
        "suspended": now - timedelta(days=10),
    }


@dataclass
class SeedReport:
    vendors_created: int = 0
    products_created: int = 0


def demo_vendor_seed(
    *, spec: DemoVendor, districts: list[District], password_hash: str, verifier
) -> tuple[Vendor, SeedReport]:
    """Register one demo MSME through the services, decided by `verifier`, with its products.

    An MSME whose owner already has one is left as it is; only missing products are added."""
    report = SeedReport()
    with transaction.atomic():
        owner, _created = user_ensure(
            email=demo_owner_email(spec.no), full_name=spec.owner_name, password_hash=password_hash
        )
        vendor = Vendor.objects.filter(owner=owner).select_related("partner").first()
        if vendor is None:
            rng = random.Random(f"demo-vendor-{spec.no}")
            vendor = services.vendor_start(owner=owner)
            vendor = services.vendor_update(
                vendor=vendor, actor=owner, data=_registration(spec=spec, districts=districts, rng=rng)
            )
            if spec.status != S.DRAFT:
                _documents_upload(vendor=vendor)
                services.vendor_submit(vendor=vendor, actor=owner)
                vendor = _decide(vendor=vendor, spec=spec, verifier=verifier)
            if vendor.partner is not None:
                partner_schedule_update(
                    partner=vendor.partner,
                    daily_capacity=rng.randrange(150, 550, 50) if spec.sector == FOOD else None,
                    closed_weekdays=[6] if spec.no % 2 else [],
                    closed_days=[],
                )
            report.products_created = _products_ensure(vendor=vendor, spec=spec)
            if spec.status == S.SUSPENDED:
                services.vendor_suspend(vendor=vendor, actor=verifier, reason=spec.note)
                vendor = Vendor.objects.select_related("partner", "owner").get(pk=vendor.pk)
            if spec.status != S.DRAFT:
                backdate.vendor_history(vendor=vendor, **_timeline(spec, rng))
            report.vendors_created = 1
        else:
            report.products_created = _products_ensure(vendor=vendor, spec=spec)
    return vendor, report


def _products_ensure(*, vendor: Vendor, spec: DemoVendor) -> int:
    if vendor.partner is None:
        return 0
    rows = _product_rows(spec=spec, partner_id=vendor.partner_id, halal=bool(vendor.halal_number))
    return partner_products_ensure(partner=vendor.partner, rows=rows)
