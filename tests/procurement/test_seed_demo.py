"""`manage.py seed_demo`: the demo world people log into, made through the services, and the
city-sized data set.

Seeding draws ~125 product photos, so the world is seeded once for the module (inside a
transaction rolled back at the end) and each test reads it inside its own savepoint.
"""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model
from PIL import Image

from marketplace.catalogue.images import SIZES, thumbnail_name
from marketplace.catalogue.selectors import product_listing
from marketplace.regions.models import Region
from procurement.bench import census as bench_census
from procurement.bench import dataset as bench_dataset
from procurement.bench.dataset import NUMBER_START
from procurement.budgets.models import BudgetLine, LedgerEntry
from procurement.budgets.services import budget_recompute, order_committed_idr, order_realized_idr
from procurement.demo import DEMO_PASSWORD, demo_accounts
from procurement.demo.accounts import demo_owner_email
from procurement.demo.catalogue import KINDS, PHOTO_SIZE
from procurement.demo.city import CITY_EMAIL_PREFIX
from procurement.demo.vendors import demo_vendor_specs
from procurement.ordering import lifecycle
from procurement.ordering.lifecycle import OrderStatus
from procurement.ordering.models import OrderAction, Receipt, UnitOrder
from procurement.settlement import selectors as settlement_selectors
from procurement.settlement.models import Invoice, Payment, SettlementAction, StripeEvent, TaxRule
from procurement.units.models import Membership
from vendors import selectors as vendor_selectors
from vendors import validators
from vendors.models import Vendor, VendorDecision, VendorDocument

User = get_user_model()
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")
Category = get_model("catalogue", "Category")
ProductClass = get_model("catalogue", "ProductClass")
Order = get_model("order", "Order")
OrderLine = get_model("order", "Line")
OrderStatusChange = get_model("order", "OrderStatusChange")
Source = get_model("payment", "Source")

ACCOUNTS = dict(demo_accounts())
S = OrderStatus
A = VendorDecision.Action


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, verbosity=1, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo world, seeded once; its output (the accounts table) is the fixture's value."""
    with django_db_blocker.unblock(), transaction.atomic():
        stripe_before = (settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)
        output = seed()
        assert (settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE) == stripe_before  # restored
        yield output
        transaction.set_rollback(True)


def world_counts() -> dict[str, int]:
    models = (
        User, EmailAddress, Vendor, VendorDecision, VendorDocument, Partner, Product, StockRecord,
        ProductImage, Category, ProductClass, BudgetLine, Membership, Region, UnitOrder, OrderAction,
        Order, OrderStatusChange, Receipt, LedgerEntry, Invoice, Payment, SettlementAction, StripeEvent,
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
        assert vendor.slug
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


def test_products_were_made_by_the_product_service(world, db):
    """`product_create` names the MSME's stock record after its partner and product."""
    for record in StockRecord.objects.select_related("partner"):
        assert record.partner_sku == f"P{record.partner_id}-{record.product_id}", record


def test_every_other_status_is_seeded_and_suspended_msmes_products_are_hidden(world, db):
    assert set(Vendor.objects.values_list("status", flat=True)) == set(Vendor.Status.values)
    suspended = Vendor.objects.filter(status=Vendor.Status.SUSPENDED).select_related("partner")
    assert suspended and all(not v.partner.is_active for v in suspended)
    assert all(v.decisions.first().action == A.SUSPEND for v in suspended)
    assert all(not v.owner.has_role("Pelaku UMKM") for v in suspended)
    assert Product.objects.filter(stockrecords__partner__vendor__in=suspended).exists()
    assert not product_listing().filter(stockrecords__partner__vendor__in=suspended).exists()


def test_registrations_past_draft_carry_their_documents_and_verification_history(world, db):
    for vendor in Vendor.objects.exclude(status=Vendor.Status.DRAFT):
        assert vendor_selectors.registration_missing(vendor) == [], vendor
        assert vendor.decisions.last().action == A.SUBMIT
    changes = Vendor.objects.filter(status=Vendor.Status.CHANGES_REQUESTED)
    assert changes and all(vendor_selectors.latest_changes_request(v).problems for v in changes)
    first = Vendor.objects.get(owner__email=ACCOUNTS["Pelaku UMKM"])
    assert first.decisions.first().actor.email == ACCOUNTS["Verifikator"]


def test_every_decision_was_a_move_of_the_services_by_its_owner_or_the_verifier(world, db):
    """Each MSME's decisions chain from draft to its status, submitted by its owner and decided
    by the demo Verifikator, in time order, all in the past."""
    verifier = User.objects.get(email=ACCOUNTS["Verifikator"])
    now = timezone.now()
    for vendor in Vendor.objects.exclude(status=Vendor.Status.DRAFT).select_related("owner"):
        decisions = list(vendor.decisions.order_by("created_at", "pk"))
        status = Vendor.Status.DRAFT
        for decision in decisions:
            assert decision.from_status == status, (vendor, decision)
            assert decision.actor == (vendor.owner if decision.action == A.SUBMIT else verifier)
            assert decision.created_at < now
            status = decision.to_status
        assert status == vendor.status, vendor
        assert vendor.submitted_at == decisions[0].created_at
        assert all(d.uploaded_at < vendor.submitted_at for d in vendor.documents.all())
    assert not Vendor.objects.get(status=Vendor.Status.DRAFT).decisions.exists()


def test_demo_identity_and_permit_numbers_pass_the_validators(world, db):
    for vendor in Vendor.objects.exclude(status=Vendor.Status.DRAFT):
        _assert_valid_numbers(vendor)


def _assert_valid_numbers(vendor: Vendor) -> None:
    try:
        validators.validate_nik(vendor.nik)
        validators.validate_nib(vendor.nib)
        validators.validate_phone(vendor.phone)
        if vendor.npwp:
            validators.validate_npwp(vendor.npwp)
        if vendor.pirt_number:
            validators.validate_pirt(vendor.pirt_number)
        if vendor.halal_number:
            validators.validate_halal(vendor.halal_number)
    except ValidationError as exc:  # pragma: no cover - the message names what is wrong
        pytest.fail(f"{vendor} ({vendor.owner.email}): {exc.messages}")
    assert validators.nik_issued_in_city(vendor.nik)


def test_every_role_account_logs_in_with_the_shared_demo_password(world, db, client):
    assert len(ACCOUNTS) == 7
    for role, email in ACCOUNTS.items():
        user = authenticate(email=email, password=DEMO_PASSWORD)
        assert user is not None, email
        assert user.has_role(role)
        assert EmailAddress.objects.filter(user=user, email=email, verified=True, primary=True).exists()
        assert any(email in line and line.endswith(DEMO_PASSWORD) for line in world.splitlines()), email
        assert client.login(email=email, password=DEMO_PASSWORD), email
        client.logout()
    admin = User.objects.get(email=ACCOUNTS["Admin"])
    assert admin.is_staff and admin.is_superuser


def test_officers_act_for_units_with_meal_budget_lines_of_this_fiscal_year(world, db):
    lines = BudgetLine.objects.filter(fiscal_year=timezone.localdate().year)
    assert lines.values("unit").distinct().count() >= 3
    meeting = lines.get(unit__code="SETDA", account__code="5.1.02.01.01.0052")
    assert meeting.pagu_idr == 150_000_000 and meeting.available_idr == 150_000_000  # orders use another
    acting_for_setda = Membership.objects.filter(unit__code="SETDA", is_active=True)
    assert set(acting_for_setda.values_list("user__email", "role")) == {
        (ACCOUNTS["Pemesan OPD"], Membership.Role.BUYER),
        (ACCOUNTS["PPK"], Membership.Role.PPK),
        (ACCOUNTS["Bendahara"], Membership.Role.TREASURER),
    }


# --- Orders ----------------------------------------------------------------------------------


def test_demo_orders_show_every_status_of_an_order(world, db):
    assert set(UnitOrder.objects.values_list("status", flat=True)) == set(OrderStatus.values)
    demo_owners = {demo_owner_email(spec.no) for spec in demo_vendor_specs()}
    assert set(UnitOrder.objects.values_list("partner__vendor__owner__email", flat=True)) <= demo_owners
    waiting = UnitOrder.objects.get(status=S.PENDING_APPROVAL)
    assert waiting.total_idr > waiting.unit.approval_threshold_idr
    assert Membership.objects.filter(
        unit=waiting.unit, role=Membership.Role.PPK, user__email=ACCOUNTS["PPK"]
    ).exists()  # the demo PPK has an order to approve


def test_every_order_went_through_the_moves_of_the_lifecycle(world, db):
    """Each order's OrderAction rows chain from its placing to its status, every move one of the
    lifecycle table's made by whom it names, Oscar's order agrees, and times only go forward."""
    now = timezone.now()
    officer = User.objects.get(email=ACCOUNTS["Pemesan OPD"])
    treasurer = User.objects.get(email=ACCOUNTS["Bendahara"])
    for uo in UnitOrder.objects.select_related("order", "partner", "officer"):
        actions = list(uo.actions.order_by("pk"))
        assert actions[0].action == "place" and actions[0].actor == officer
        assert (
            actions[0].to_status
            == lifecycle.placing(needs_approval=uo.total_idr > uo.unit.approval_threshold_idr).target
        )
        status = actions[0].to_status
        for previous, action in zip(actions, actions[1:], strict=False):
            move = lifecycle.move(action.action)
            assert move is not None and action.from_status == status and action.from_status in move.sources
            assert action.to_status == move.target, action
            assert action.created_at >= previous.created_at, (uo, action)
            who = {
                lifecycle.Actor.VENDOR: uo.partner.users.first(),
                lifecycle.Actor.BUYER: officer,
                lifecycle.Actor.TREASURER: treasurer,
                lifecycle.Actor.SYSTEM: None,
            }[move.who]
            assert action.actor == who, action
            status = action.to_status
        assert status == uo.status == uo.order.status, uo
        assert actions[-1].created_at <= now
        assert abs(uo.order.date_placed - actions[0].created_at) < timedelta(minutes=1)


def test_ledger_entries_match_each_order_and_budget_recompute_finds_no_drift(world, db):
    assert budget_recompute() == []
    for uo in UnitOrder.objects.select_related("budget_line", "order"):
        line, order = uo.budget_line, uo.order
        assert LedgerEntry.objects.filter(order=order, kind=LedgerEntry.Kind.COMMIT).exists(), uo
        held = order_committed_idr(line=line, order=order)
        paid = order_realized_idr(line=line, order=order)
        invoice = Invoice.objects.filter(unit_order=uo).first()
        if uo.status in lifecycle.END_STATUSES:
            assert (held, paid) == (0, 0), uo
        elif uo.status == S.PAID:
            assert (held, paid) == (0, invoice.total_idr), uo
        elif uo.status == S.RECEIVED:
            assert (held, paid) == (invoice.total_idr, 0), uo
        else:
            assert (held, paid) == (uo.total_idr, 0), uo


def test_finished_orders_lie_in_the_past_months_and_open_ones_ahead(world, db):
    now = timezone.now()
    placed = sorted(UnitOrder.objects.values_list("created_at", flat=True))
    assert placed[0] < now - timedelta(days=120)
    for uo in UnitOrder.objects.filter(status__in=(S.RECEIVED, S.PAID, S.DELIVERED)).select_related("event"):
        assert uo.created_at < uo.delivery_at < now, uo
        assert uo.event.starts_at == uo.delivery_at
    for receipt in Receipt.objects.select_related("unit_order"):
        assert receipt.unit_order.delivery_at < receipt.received_at < now
    for uo in UnitOrder.objects.filter(status__in=lifecycle.OPEN_STATUSES):
        assert uo.delivery_at > now, uo


# --- Settlement -------------------------------------------------------------------------------


def _invoices(**filters):
    return Invoice.objects.filter(**filters).select_related("unit_order__partner__vendor")


def test_one_order_was_paid_by_card_through_stripe_checkout_and_its_webhook(world, db):
    card = Payment.objects.get(method=Payment.Method.CARD)
    assert card.status == Payment.Status.SUCCEEDED and card.stripe_session_id.startswith("cs_test_")
    assert card.invoice.status == Invoice.Status.PAID and card.invoice.unit_order.status == S.PAID
    assert StripeEvent.objects.filter(payment=card, type="checkout.session.completed").exists()
    assert Source.objects.filter(order=card.invoice.unit_order.order, source_type__code="card").exists()
    assert card.created_by.email == ACCOUNTS["Bendahara"]


def test_paid_transfers_were_recorded_by_the_bendahara_and_confirmed_by_the_msme(world, db):
    transfers = Payment.objects.filter(method=Payment.Method.TRANSFER, status=Payment.Status.SUCCEEDED)
    assert transfers.count() >= 4
    for payment in transfers.select_related("invoice__unit_order__partner"):
        invoice = payment.invoice
        actions = list(invoice.actions.values_list("action", flat=True))
        assert actions[0] == "issue" and {"transfer_record", "transfer_confirm", "paid"} <= set(actions)
        assert payment.proof_file_name and payment.created_by.email == ACCOUNTS["Bendahara"]
        received = timezone.localtime(invoice.received_at).date()
        assert received <= payment.transfer_date <= timezone.localdate()
        assert invoice.days_to_pay == (payment.transfer_date - received).days <= 14
        assert invoice.paid_at.date() >= payment.transfer_date - timedelta(days=1)
    assert Source.objects.filter(source_type__code="transfer").count() == transfers.count()


def test_the_bendahara_has_invoices_to_pay_one_overdue_one_awaiting_one_disputed(world, db):
    treasurer = User.objects.get(email=ACCOUNTS["Bendahara"])
    payables = settlement_selectors.payables(treasurer=treasurer)
    statuses = list(payables.values_list("status", flat=True))
    assert statuses.count(Invoice.Status.UNPAID) >= 2
    assert Invoice.Status.AWAITING_CONFIRMATION in statuses and Invoice.Status.DISPUTED in statuses
    overdue = settlement_selectors.payables(
        treasurer=treasurer, filters=settlement_selectors.PayablesFilter(overdue_only=True)
    )
    assert overdue.filter(status=Invoice.Status.UNPAID).exists()
    for invoice in overdue:
        assert settlement_selectors.is_overdue(invoice)
        assert invoice.received_at == invoice.unit_order.receipt.received_at
    assert any(not settlement_selectors.is_overdue(i) for i in payables.filter(status=Invoice.Status.UNPAID))
    assert Invoice.objects.exists() and not Invoice.objects.exclude(unit=F("unit_order__unit")).exists()


def test_the_demo_msme_account_has_a_transfer_to_confirm_and_another_msme_disputed_one(world, db):
    awaiting = Payment.objects.get(status=Payment.Status.AWAITING_CONFIRMATION)
    assert awaiting.invoice.unit_order.partner.users.filter(email=ACCOUNTS["Pelaku UMKM"]).exists()
    disputed = Payment.objects.get(status=Payment.Status.DISPUTED)
    assert disputed.dispute_reason and disputed.invoice.status == Invoice.Status.DISPUTED
    assert disputed.invoice.actions.filter(
        action="transfer_dispute", actor=disputed.invoice.unit_order.partner.users.first()
    ).exists()


def test_the_demo_bendahara_finds_them_at_bayar_and_umkm01_its_payments(world, db, client, settings):
    settings.STAFF_MFA_REQUIRED = False  # as `make run` has it
    treasurer = User.objects.get(email=ACCOUNTS["Bendahara"])
    client.force_login(treasurer)
    page = client.get(reverse("settlement:payables"))
    assert page.status_code == 200
    for invoice in settlement_selectors.payables(treasurer=treasurer):
        assert invoice.number in page.content.decode(), invoice
    client.force_login(User.objects.get(email=ACCOUNTS["Pelaku UMKM"]))
    page = client.get(reverse("settlement:vendor-payments"))
    awaiting = Payment.objects.get(status=Payment.Status.AWAITING_CONFIRMATION)
    assert page.status_code == 200 and awaiting.invoice.number in page.content.decode()


def test_invoices_exercise_every_tax_rule_of_the_city_pack(world, db):
    invoices = list(_invoices())
    pbjt = [i for i in invoices if i.pbjt_idr]
    assert pbjt and all(i.unit_order.partner.vendor.pbjt_collector for i in pbjt)
    assert all(i.total_idr == i.subtotal_idr + i.pbjt_idr for i in invoices)
    kinds = {i.pph_kind for i in invoices}
    assert {TaxRule.Kind.PPH_FINAL, TaxRule.Kind.PPH23, TaxRule.Kind.PPH23_NO_NPWP} <= kinds
    for invoice in invoices:
        vendor = invoice.unit_order.partner.vendor
        if invoice.pph_kind == TaxRule.Kind.PPH23_NO_NPWP:
            assert not vendor.npwp
        if invoice.pph_kind == TaxRule.Kind.PPH_FINAL:
            assert vendor.pp55_number and vendor.pp55_valid_until >= timezone.localdate()
    collector = Vendor.objects.get(pbjt_collector=True)
    assert collector.pbjt_tax_number and collector.status == Vendor.Status.APPROVED


# --- Idempotence and the city scale ---------------------------------------------------------------


def test_seeding_again_creates_and_changes_nothing(world, db):
    before = world_counts()
    last_update = Product.objects.latest("date_updated").date_updated
    lines = list(BudgetLine.objects.values_list("pk", "pagu_idr", "committed_idr", "realized_idr"))

    seed()

    assert world_counts() == before
    assert Product.objects.latest("date_updated").date_updated == last_update
    assert list(BudgetLine.objects.values_list("pk", "pagu_idr", "committed_idr", "realized_idr")) == lines


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


def test_city_scale_rows_pass_the_validators_and_leave_the_budgets_consistent(world, db):
    seed("--scale", "city", "--city-vendors", "60", "--city-products", "120")

    assert budget_recompute() == []
    city_vendors = Vendor.objects.filter(owner__email__startswith=CITY_EMAIL_PREFIX).select_related(
        "owner", "partner"
    )
    for vendor in city_vendors.order_by("pk")[::3]:  # a sample
        _assert_valid_numbers(vendor)
        assert vendor.kelurahan.parent_id == vendor.kecamatan_id
        if vendor.status == Vendor.Status.APPROVED:
            assert vendor.partner.is_active and vendor.slug and vendor.owner.has_role("Pelaku UMKM")
            assert vendor.approved_at > vendor.submitted_at
        else:
            assert vendor.status == Vendor.Status.SUBMITTED and vendor.partner is None
    assert len(set(city_vendors.values_list("slug", flat=True).exclude(slug=None))) == (
        city_vendors.exclude(slug=None).count()
    )


def test_a_smaller_demo_still_shows_every_sector_and_starts_with_the_vendor_account():
    specs = demo_vendor_specs(approved=3)

    approved = [s for s in specs if s.status == Vendor.Status.APPROVED]
    assert {s.sector for s in approved} == {"kuliner", "fashion", "kriya"}
    assert demo_owner_email(approved[0].no) == ACCOUNTS["Pelaku UMKM"]
    assert {s.status for s in specs} == set(Vendor.Status.values)


# --- The benchmark's orders (procurement.bench.dataset), on a small sample ----------------------


@pytest.fixture
def bench_sample(world, db):
    """2,000 generated order lines over three fiscal years among 80 city MSMEs, with their census."""
    seed("--scale", "city", "--city-vendors", "80", "--city-products", "400")
    report = bench_dataset.dataset_build(lines=2000, fast=False)  # foreign keys checked at each commit
    bench_census.records_bulk_create()
    call_command("census_recompute", "--fix", stdout=StringIO())
    return report


def test_bench_orders_balance_the_ledger_and_the_census(bench_sample):
    bench = UnitOrder.objects.filter(order__number__gte=str(NUMBER_START))
    assert OrderLine.objects.filter(order__unit_order__in=bench).count() >= 2000
    assert bench_sample.lines >= 2000
    assert budget_recompute() == []
    out = StringIO()
    call_command("census_recompute", stdout=out)  # raises on any drift
    assert "no drift" in out.getvalue()
    years = set(bench.values_list("budget_line__fiscal_year", flat=True))
    today = timezone.localdate()
    assert years == {today.year - 2, today.year - 1, today.year}
    for line in BudgetLine.objects.filter(orders__in=bench).distinct():
        assert line.pagu_idr >= line.committed_idr + line.realized_idr
        assert line.account.is_food


def test_bench_orders_move_only_as_the_lifecycle_allows(bench_sample):
    pipeline = lifecycle.oscar_pipeline()
    bench = UnitOrder.objects.filter(order__number__gte=str(NUMBER_START)).select_related("order")
    statuses = set()
    for uo in bench.prefetch_related("actions", "order__status_changes", "order__lines"):
        actions = list(uo.actions.all())
        assert actions[0].action == "place" and actions[0].from_status == ""
        for before, after in zip(actions, actions[1:], strict=False):
            assert after.from_status == before.to_status, uo
            assert after.to_status in pipeline[before.to_status], uo
            assert after.created_at >= before.created_at, uo
        assert actions[-1].to_status == uo.status == uo.order.status
        assert len(uo.order.status_changes.all()) == len(actions) - 1
        lines = list(uo.order.lines.all())
        assert (
            sum(int(line.line_price_incl_tax) for line in lines)
            == uo.total_idr
            == int(uo.order.total_incl_tax)
        )
        assert all(line.line_price_incl_tax == line.unit_price_incl_tax * line.quantity for line in lines)
        held = order_committed_idr(line=uo.budget_line, order=uo.order)
        if uo.status in lifecycle.END_STATUSES or uo.status == S.PAID:
            assert held == 0, uo
        if uo.status == S.PAID:
            assert order_realized_idr(line=uo.budget_line, order=uo.order) == uo.invoice.total_idr
            assert uo.delivery_at.year == uo.budget_line.fiscal_year
        statuses.add(uo.status)
    assert {S.PAID, S.RECEIVED, S.DECLINED, S.CANCELLED} <= statuses


def test_bench_invoices_carry_their_orders_unit(bench_sample):
    invoices = Invoice.objects.filter(unit_order__order__number__gte=str(NUMBER_START))
    assert invoices.values("unit").distinct().count() > 1
    assert not invoices.exclude(unit=F("unit_order__unit")).exists()


def test_most_received_bench_orders_are_paid_with_their_oscar_payment_records(bench_sample):
    invoices = Invoice.objects.filter(unit_order__order__number__gte=str(NUMBER_START))
    paid = invoices.filter(status=Invoice.Status.PAID)
    assert paid.count() >= 0.8 * invoices.count()
    for invoice in paid.select_related("unit_order__order")[:200]:
        payment = invoice.payments.get(status=Payment.Status.SUCCEEDED)
        assert payment.amount_idr == invoice.net_idr == invoice.total_idr - invoice.pph_idr
        assert invoice.paid_at >= invoice.received_at and invoice.days_to_pay >= 0
        source = Source.objects.get(order=invoice.unit_order.order)
        assert source.amount_debited == payment.amount_idr
        actions = set(invoice.actions.values_list("action", flat=True))
        assert {"issue", "paid"} <= actions
        assert ("transfer_confirm" in actions) == (payment.method == Payment.Method.TRANSFER)


def test_bench_staff_see_their_units_orders_and_payables(bench_sample, client, settings):
    settings.STAFF_MFA_REQUIRED = False  # as `make run` has it
    uo = UnitOrder.objects.filter(order__number__gte=str(NUMBER_START), status=S.PAID).first()
    officer = User.objects.get(email__startswith="bench-pemesan.", unit_memberships__unit=uo.unit)
    client.force_login(officer)
    assert client.get(reverse("ordering:order-detail", args=[uo.pk])).status_code == 200
    latest = UnitOrder.objects.filter(unit=uo.unit).order_by("-created_at", "-pk").first()
    history = client.get(reverse("ordering:order-list"))
    assert history.status_code == 200 and latest.order.number in history.content.decode()
    unpaid = Invoice.objects.filter(
        status=Invoice.Status.UNPAID, unit_order__order__number__gte=str(NUMBER_START)
    )
    treasurer = User.objects.get(
        email__startswith="bench-bendahara.", unit_memberships__unit=unpaid.first().unit_order.unit
    )
    client.force_login(treasurer)
    page = client.get(reverse("settlement:payables"))
    assert page.status_code == 200
    assert any(i.number in page.content.decode() for i in settlement_selectors.payables(treasurer=treasurer))
