"""`manage.py seed_demo`: the demo world people log into, and the city-sized data set.

Seeding draws ~125 product photos, so the world is seeded once for the module (inside a
transaction rolled back at the end) and each test reads it inside its own savepoint.
"""

from decimal import Decimal
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate, get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model
from PIL import Image

from marketplace.catalogue.demo import KINDS, PHOTO_SIZE
from marketplace.catalogue.images import SIZES, thumbnail_name
from marketplace.catalogue.selectors import product_listing
from marketplace.regions.models import Region
from procurement.budgets.models import BudgetLine
from procurement.demo import DEMO_PASSWORD, demo_accounts
from procurement.units.models import Membership
from vendors import selectors as vendor_selectors
from vendors.demo import CITY_EMAIL_PREFIX, demo_owner_email, demo_vendor_specs
from vendors.models import Vendor, VendorDecision

User = get_user_model()
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")
Category = get_model("catalogue", "Category")
ProductClass = get_model("catalogue", "ProductClass")

ACCOUNTS = dict(demo_accounts())


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, verbosity=1, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo world, seeded once; its output (the accounts table) is the fixture's value."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


def world_counts() -> dict[str, int]:
    models = (
        User, EmailAddress, Vendor, VendorDecision, Partner, Product, StockRecord, ProductImage,
        Category, ProductClass, BudgetLine, Membership, Region,
    )  # fmt: skip
    return {m.__name__: m.objects.count() for m in models}


def test_about_thirty_approved_msmes_across_every_kecamatan_sell_in_whole_rupiah(world, db):
    approved = Vendor.objects.filter(status=Vendor.Status.APPROVED).select_related("partner", "owner")
    assert 25 <= approved.count() <= 35
    kecamatan = Region.objects.filter(level=Region.Level.DISTRICT)
    assert set(approved.values_list("kecamatan", flat=True)) == set(kecamatan.values_list("pk", flat=True))
    listed_partners = set(
        StockRecord.objects.filter(product__in=product_listing()).values_list("partner_id", flat=True)
    )
    for vendor in approved:
        assert vendor.partner.is_active and vendor.partner.name == vendor.business_name
        assert vendor.partner.kecamatan_id == vendor.kecamatan_id
        assert vendor.partner_id in listed_partners, vendor
        assert vendor.owner.has_role("Pelaku UMKM")
        assert vendor.nik.startswith("3374") and len(vendor.nik) == 16
        assert len(vendor.nib) == 13 and vendor.submitted_at and vendor.approved_at
    for record in StockRecord.objects.filter(product__in=product_listing()):
        assert record.price_currency == "IDR"
        assert record.price == record.price.to_integral_value() and record.price >= Decimal("5000")
        assert record.num_in_stock is None


def test_every_kind_of_product_is_listed_with_a_generated_photo_and_thumbnails(world, db):
    for kind in KINDS:
        product = product_listing().filter(kind=kind, images__isnull=False).first()
        assert product is not None, kind
        assert not product.product_class.track_stock and product.product_class.requires_shipping
        assert product.categories.exists()
        name = product.images.all()[0].original.name
        with default_storage.open(name) as fh:
            image = Image.open(fh)
            assert (image.format, image.size) == ("JPEG", PHOTO_SIZE)
        assert all(default_storage.exists(thumbnail_name(name, size)) for size in SIZES)


def test_every_other_status_is_seeded_and_suspended_msmes_products_are_hidden(world, db):
    assert set(Vendor.objects.values_list("status", flat=True)) == set(Vendor.Status.values)
    suspended = Vendor.objects.filter(status=Vendor.Status.SUSPENDED).select_related("partner")
    assert suspended and all(not v.partner.is_active for v in suspended)
    assert all(v.decisions.first().action == VendorDecision.Action.SUSPEND for v in suspended)
    assert Product.objects.filter(stockrecords__partner__vendor__in=suspended).exists()
    assert not product_listing().filter(stockrecords__partner__vendor__in=suspended).exists()


def test_registrations_past_draft_carry_their_documents_and_verification_history(world, db):
    for vendor in Vendor.objects.exclude(status=Vendor.Status.DRAFT):
        assert vendor_selectors.registration_missing(vendor) == [], vendor
        assert vendor.decisions.last().action == VendorDecision.Action.SUBMIT
    changes = Vendor.objects.filter(status=Vendor.Status.CHANGES_REQUESTED)
    assert changes and all(vendor_selectors.latest_changes_request(v).problems for v in changes)
    first = Vendor.objects.get(owner__email=ACCOUNTS["Pelaku UMKM"])
    assert first.decisions.first().actor.email == ACCOUNTS["Verifikator"]


def test_every_role_account_logs_in_with_the_shared_demo_password(world, db, client):
    assert len(ACCOUNTS) == 7
    for role, email in ACCOUNTS.items():
        user = authenticate(email=email, password=DEMO_PASSWORD)
        assert user is not None, email
        assert user.has_role(role)
        assert EmailAddress.objects.filter(user=user, email=email, verified=True, primary=True).exists()
        assert any(email in line and line.endswith(DEMO_PASSWORD) for line in world.splitlines()), email
    admin = User.objects.get(email=ACCOUNTS["Admin"])
    assert admin.is_staff and admin.is_superuser
    assert client.login(email=ACCOUNTS["Pelaku UMKM"], password=DEMO_PASSWORD)


def test_officers_act_for_units_with_meal_budget_lines_of_this_fiscal_year(world, db):
    lines = BudgetLine.objects.filter(fiscal_year=timezone.localdate().year)
    assert lines.values("unit").distinct().count() >= 3
    meeting = lines.get(unit__code="SETDA", account__code="5.1.02.01.01.0052")
    assert meeting.pagu_idr == 150_000_000 and meeting.available_idr == 150_000_000
    acting_for_setda = Membership.objects.filter(unit__code="SETDA", is_active=True)
    assert set(acting_for_setda.values_list("user__email", "role")) == {
        (ACCOUNTS["Pemesan OPD"], Membership.Role.BUYER),
        (ACCOUNTS["PPK"], Membership.Role.PPK),
        (ACCOUNTS["Bendahara"], Membership.Role.TREASURER),
    }


def test_seeding_again_creates_and_changes_nothing(world, db):
    before = world_counts()
    last_update = Product.objects.latest("date_updated").date_updated

    seed()

    assert world_counts() == before
    assert Product.objects.latest("date_updated").date_updated == last_update


def test_city_scale_bulk_creates_listed_msmes_and_products_once(world, db):
    args = ("--scale", "city", "--city-vendors", "50", "--city-products", "250")
    seed(*args)

    city_vendors = Vendor.objects.filter(owner__email__startswith=CITY_EMAIL_PREFIX)
    assert city_vendors.count() == 50
    assert len(set(city_vendors.values_list("nik", flat=True))) == 50
    city_products = Product.objects.filter(code__startswith="city-")
    assert city_products.count() == 250
    assert product_listing().filter(code__startswith="city-").count() == 250
    assert not city_products.filter(kind="").exists()
    assert not city_products.filter(images__isnull=True).exists()  # photos shared from a small pool
    assert ProductImage.objects.filter(product__in=city_products).values(
        "original"
    ).distinct().count() <= len(KINDS)
    prices = StockRecord.objects.filter(product__in=city_products).values_list("price_currency", flat=True)
    assert set(prices) == {"IDR"}
    before = world_counts()

    seed(*args)

    assert world_counts() == before


def test_a_smaller_demo_still_shows_every_sector_and_starts_with_the_vendor_account():
    specs = demo_vendor_specs(approved=3)

    approved = [s for s in specs if s.status == Vendor.Status.APPROVED]
    assert {s.sector for s in approved} == {"kuliner", "fashion", "kriya"}
    assert demo_owner_email(approved[0].no) == ACCOUNTS["Pelaku UMKM"]
    assert {s.status for s in specs} == set(Vendor.Status.values)


def test_demo_orders_show_every_status_of_an_order(world, db):
    from procurement.ordering.models import UnitOrder

    statuses = set(UnitOrder.objects.values_list("status", flat=True))
    assert statuses == {
        "pending_approval", "awaiting_vendor", "confirmed", "delivered", "received",
        "declined", "cancelled", "expired",
    }  # fmt: skip
    waiting = UnitOrder.objects.get(status="pending_approval")
    assert waiting.total_idr > waiting.unit.approval_threshold_idr
    assert Membership.objects.filter(
        unit=waiting.unit, role=Membership.Role.PPK, user__email=ACCOUNTS["PPK"]
    ).exists()  # the demo PPK has an order to approve
