"""City-scale MSMEs for benchmarks: 20,000 and more, bulk-inserted (`seed_demo --scale city`).

The one part of the demo that does not go through the services: registering 20,000 MSMEs and
100,000 products one by one would take hours. Rows are inserted in batches (one transaction
each) with the values the services would write: MSMEs approved (or submitted) with valid
identity numbers (`vendors.validators`), their owners in the seller role, an active Oscar
partner per approved MSME with a unique slug, products with a stock record, a category and a
shared photo (`procurement.demo.catalogue.products_bulk_create`). The city scale places no
orders and touches no budget line. `tests/procurement/test_seed_demo.py` checks a sample
against the validators and the budgets against their ledger (`budget_recompute`).

Bulk inserts rely on the database returning the new ids (PostgreSQL, SQLite ≥ 3.35).
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from oscar.core.loading import get_model

from marketplace.accounts import roles
from marketplace.catalogue.models import FOOD_KINDS
from procurement.demo.accounts import DEMO_DOMAIN
from procurement.demo.catalogue import (
    KINDS,
    PRODUCT_TEMPLATES,
    CatalogueRefs,
    ProductRow,
    products_bulk_create,
    round_price,
)
from procurement.demo.data import CRAFT, FASHION, FOOD
from procurement.demo.vendors import BANKS, District, districts_load, nik_make, phone, street
from vendors.models import Vendor

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
User = get_user_model()
S = Vendor.Status

CITY_EMAIL_PREFIX = "umkm-city-"
CITY_SERIAL_START = 5001
# NIK serials are 4 digits: each of the 16 kecamatan codes has 4999 city-scale serials.
CITY_VENDORS_MAX = 16 * (9999 - CITY_SERIAL_START + 1)


def city_owner_email(no: int) -> str:
    return f"{CITY_EMAIL_PREFIX}{no:05d}@{DEMO_DOMAIN}"


FEMALE_NAMES = (
    "Sri", "Siti", "Dewi", "Endang", "Rina", "Yuliana", "Nur", "Rahayu", "Wahyu", "Ratna",
    "Fitri", "Lestari", "Ayu", "Dian", "Tri", "Sumiati", "Suharti", "Anik", "Eka", "Indah",
    "Mega", "Puji", "Retno", "Tutik", "Wulan", "Yayuk", "Kartini", "Ningsih", "Heni", "Novi",
)  # fmt: skip
MALE_NAMES = (
    "Agus", "Bambang", "Budi", "Joko", "Slamet", "Hendro", "Teguh", "Rudi", "Ahmad", "Muhammad",
    "Yusuf", "Hartono", "Sudarmo", "Eko", "Dwi", "Wahyudi", "Sugeng", "Arif", "Bayu", "Dedi",
    "Gunawan", "Heru", "Imam", "Kurniawan", "Paimin", "Rizal", "Supriyadi", "Triyono", "Yanto", "Fajar",
)  # fmt: skip
FAMILY_NAMES = (
    "Wahyuni", "Santoso", "Setiawan", "Lestari", "Susilo", "Prasetyo", "Kusumawati", "Wibowo",
    "Handayani", "Purnamasari", "Hidayat", "Saputra", "Rahmawati", "Nugroho", "Sulistyowati",
    "Utami", "Hartanto", "Maulana", "Permata", "Kristianto", "Suryani", "Pratama", "Rahayu",
    "Sasongko", "Wijayanti", "Haryanto", "Anggraini", "Firmansyah", "Puspitasari", "Mulyono",
)  # fmt: skip
CITY_PREFIXES = {
    FOOD: ("Dapur", "Katering", "Warung", "Kedai", "Pawon", "Snack", "Rumah Makan"),
    FASHION: ("Batik", "Griya Batik", "Butik", "Konveksi"),
    CRAFT: ("Kriya", "Kerajinan", "Souvenir", "Anyaman"),
}
CITY_SUFFIXES = ("Barokah", "Makmur", "Sejahtera", "Lestari", "Jaya", "Asri", "Sentosa", "Mandiri", "Rejeki")
CITY_KINDS = {
    FOOD: ("nasi_kotak", "kudapan", "prasmanan", "minuman", "tumpeng", "oleh_oleh"),
    FASHION: ("fashion",),
    CRAFT: ("kriya",),
}
# Rough share of the city's population per kecamatan (code order), used to place MSMEs.
DISTRICT_WEIGHTS = (70, 127, 75, 82, 123, 193, 71, 79, 63, 189, 142, 98, 158, 80, 141, 33)


def _city_sector(no: int) -> str:
    r = no % 20
    return FOOD if r < 13 else FASHION if r < 16 else CRAFT


def _city_halal(no: int) -> bool:
    """About 40% of food MSMEs hold a halal certificate."""
    return _city_sector(no) == FOOD and no % 5 < 2


def _city_status(no: int) -> str:
    """About 95% approved; the rest wait in the verifier's queue."""
    return S.SUBMITTED if no % 20 == 7 else S.APPROVED


def _city_registration(*, no: int, districts: list[District], now) -> tuple[dict, str, str]:
    """(vendor fields, owner's full name, status) of city-scale MSME number `no`."""
    rng = random.Random(no)
    female = rng.random() < 0.6
    owner_name = f"{rng.choice(FEMALE_NAMES if female else MALE_NAMES)} {rng.choice(FAMILY_NAMES)}"
    sector = _city_sector(no)
    status = _city_status(no)
    weights = DISTRICT_WEIGHTS[: len(districts)] + (100,) * max(0, len(districts) - len(DISTRICT_WEIGHTS))
    index = rng.choices(range(len(districts)), weights=weights)[0]
    district = districts[index]
    # The NIK's kecamatan is where the KTP was first issued: not necessarily the domicile.
    nik_district = districts[(no - 1) % len(districts)]
    birth = date(rng.randrange(1960, 2004), rng.randrange(1, 13), rng.randrange(1, 29))
    nik = nik_make(
        district=nik_district,
        birth=birth,
        female=female,
        serial=CITY_SERIAL_START + (no - 1) // len(districts),
    )
    prefix = rng.choice(CITY_PREFIXES[sector])
    first_name = owner_name.split()[0]
    if sector == FOOD and rng.random() < 0.5:
        business_name = f"{prefix} {'Bu' if female else 'Pak'} {first_name}"
    else:
        business_name = f"{prefix} {rng.choice(CITY_SUFFIXES)} {district.region.name}"
    size = rng.random()
    if size < 0.92:  # micro
        capital = rng.randrange(3, 500) * 1_000_000
        sales = rng.randrange(24, 1_800) * 1_000_000
    elif size < 0.99:  # small
        capital = rng.randrange(11, 45) * 100_000_000
        sales = rng.randrange(21, 140) * 100_000_000
    else:  # medium
        capital = rng.randrange(55, 95) * 100_000_000
        sales = rng.randrange(16, 45) * 1_000_000_000
    submitted = now - timedelta(days=rng.randrange(1, 1500))
    values = {
        "business_name": business_name,
        "sector": sector,
        "legal_form": Vendor.LegalForm.INDIVIDUAL if rng.random() < 0.85 else Vendor.LegalForm.CV,
        "description": "",
        "street_address": street(index, no),
        "kecamatan_id": district.region.pk,
        "kelurahan_id": district.villages[no % len(district.villages)].pk
        if district.villages[0] is not None
        else None,
        "phone": phone(rng),
        "owner_name": owner_name,
        "nik": nik,
        "nib": f"91209{no:08d}",
        "npwp": nik if rng.random() < 0.7 else "",
        "capital_idr": capital,
        "employees": rng.randrange(1, 5) if size < 0.92 else rng.randrange(5, 60),
        "annual_sales_idr": sales,
        "bank_name": rng.choice(BANKS),
        "bank_account_number": str(rng.randrange(10**9, 10**10)),
        "bank_account_holder": owner_name,
        "status": status,
        "submitted_at": submitted,
        "approved_at": submitted + timedelta(days=rng.randrange(1, 10)) if status == S.APPROVED else None,
        "slug": f"{slugify(business_name)[:110]}-{no:05d}" if status == S.APPROVED else None,
    }
    if rng.random() < 0.3:
        values["pp55_number"] = f"KET-{no:06d}/PP55/WPJ.10/2025"
        values["pp55_valid_until"] = date(now.year, 12, 31)
    if sector == FOOD and rng.random() < 0.6:
        values["pirt_number"] = f"2{rng.randrange(1, 16):02d}3374{no:06d}{(now.year + 3) % 100:02d}"
    if _city_halal(no):
        values["halal_number"] = f"ID3311{no:08d}{rng.randrange(10**4, 10**5)}"
    return values, owner_name, status


def _product_quota(*, approved: list[int], products: int) -> dict[int, int]:
    """How many products each approved city MSME sells, so they add up to `products`."""
    if not approved:
        return {}
    base, extra = divmod(products, len(approved))
    return {no: base + (1 if i < extra else 0) for i, no in enumerate(approved)}


def _batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class CityReport:
    vendors_created: int = 0
    products_created: int = 0
    vendors_total: int = 0
    products_total: int = 0


def city_vendors_seed(
    *,
    vendors: int,
    products: int,
    refs: CatalogueRefs,
    photo_pool: dict[str, str] | None,
    batch_size: int = 2000,
    on_vendors: Callable[[int], None] | None = None,
    on_products: Callable[[int], None] | None = None,
) -> CityReport:
    """Bulk-create city-scale MSMEs 1..`vendors` and `products` products among the approved ones.

    Rows already present (owner e-mail ``umkm-city-NNNNN@…``, product code ``city-NNNNN-NN``)
    are skipped, so a second run, or a run after an interrupted one, only adds what is missing.
    Each batch is one transaction.
    """
    if vendors > CITY_VENDORS_MAX:
        raise ValueError(f"At most {CITY_VENDORS_MAX} city-scale MSMEs: the NIK serials run out.")
    report = CityReport(vendors_total=vendors, products_total=products)
    districts = districts_load()
    seller_group = Group.objects.get(name=roles.VENDOR)
    unusable = make_password(None)
    now = timezone.now()

    present = set(
        User.objects.filter(
            email__startswith=CITY_EMAIL_PREFIX, email__endswith=f"@{DEMO_DOMAIN}"
        ).values_list("email", flat=True)
    )
    missing = [no for no in range(1, vendors + 1) if city_owner_email(no) not in present]
    if on_vendors:
        on_vendors(vendors - len(missing))
    UserGroup = User.groups.through
    PartnerUser = Partner.users.through
    for batch in _batches(missing, batch_size):
        with transaction.atomic():
            regs = {no: _city_registration(no=no, districts=districts, now=now) for no in batch}
            users = User.objects.bulk_create(
                User(
                    email=city_owner_email(no),
                    first_name=regs[no][1].partition(" ")[0],
                    last_name=regs[no][1].partition(" ")[2],
                    password=unusable,
                    date_joined=regs[no][0]["submitted_at"],
                )
                for no in batch
            )
            owner_of = dict(zip(batch, users, strict=True))
            EmailAddress.objects.bulk_create(
                EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True) for u in users
            )
            selling = [no for no in batch if regs[no][2] == S.APPROVED]
            partners = Partner.objects.bulk_create(
                Partner(
                    name=regs[no][0]["business_name"][:128],
                    code=f"umkm-city-{no:05d}",
                    is_active=True,
                    kecamatan_id=regs[no][0]["kecamatan_id"],
                    daily_capacity=100 + no % 9 * 50 if regs[no][0]["sector"] == FOOD else None,
                )
                for no in selling
            )
            partner_of = dict(zip(selling, partners, strict=True))
            PartnerUser.objects.bulk_create(
                PartnerUser(partner_id=partner_of[no].pk, user_id=owner_of[no].pk) for no in selling
            )
            UserGroup.objects.bulk_create(
                UserGroup(user_id=owner_of[no].pk, group_id=seller_group.pk) for no in selling
            )
            Vendor.objects.bulk_create(
                Vendor(
                    owner_id=owner_of[no].pk,
                    partner_id=partner_of[no].pk if no in partner_of else None,
                    **regs[no][0],
                )
                for no in batch
            )
        report.vendors_created += len(batch)
        if on_vendors:
            on_vendors(len(batch))

    # Products: every approved city MSME's share, skipping codes already present.
    approved = [no for no in range(1, vendors + 1) if _city_status(no) == S.APPROVED]
    quota = _product_quota(approved=approved, products=products)
    partner_ids = dict(
        Vendor.objects.filter(owner__email__startswith=CITY_EMAIL_PREFIX, partner__isnull=False).values_list(
            "owner__email", "partner_id"
        )
    )
    existing_codes = set(Product.objects.filter(code__startswith="city-").values_list("code", flat=True))
    if on_products:
        on_products(min(products, len(existing_codes)))
    pending: list[ProductRow] = []

    def flush():
        with transaction.atomic():
            report.products_created += products_bulk_create(refs=refs, rows=pending, photo_pool=photo_pool)
        if on_products:
            on_products(len(pending))
        pending.clear()

    for no in approved:
        count = quota[no]
        codes = [f"city-{no:05d}-{j:02d}" for j in range(1, count + 1)]
        if all(code in existing_codes for code in codes):
            continue
        partner_id = partner_ids.get(city_owner_email(no))
        if partner_id is None:  # an MSME whose partner was removed by hand: leave it be
            continue
        rng = random.Random(f"city-products-{no}")
        offer = [(kind, t) for kind in CITY_KINDS[_city_sector(no)] for t in PRODUCT_TEMPLATES[kind]]
        picks = rng.sample(offer, k=min(count, len(offer))) + rng.choices(offer, k=max(0, count - len(offer)))
        halal = _city_halal(no)
        for j, (code, (kind, template)) in enumerate(zip(codes, picks, strict=True), start=1):
            if code in existing_codes:
                continue
            pending.append(
                ProductRow(
                    template=template,
                    kind=kind,
                    partner_id=partner_id,
                    price_idr=round_price(rng.randint(template.min_idr, template.max_idr)),
                    is_halal=halal and kind in FOOD_KINDS,
                    code=code,
                    partner_sku=f"{KINDS[kind].sku_prefix}-{no:05d}{j:02d}",
                )
            )
            if len(pending) >= batch_size:
                flush()
    if pending:
        flush()
    return report
