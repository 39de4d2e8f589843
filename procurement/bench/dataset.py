"""The benchmark's orders: a million order lines over three fiscal years, bulk-inserted.

Placing a million lines through `order_place` would take days, so the rows are written
straight to the tables (`procurement.bench.bulk`, COPY on PostgreSQL) in the shapes the
services write them, move by move:

- `procurement.ordering.services.order_place`: the event, Oscar's shipping address, order,
  lines and line prices, the `UnitOrder`, the `place` action and the budget commitment;
- every later move as `lifecycle.MOVES` lists it (the path of each order is a list of action
  names; statuses and budget effects are read from the table, so a changed table changes the
  data): Oscar's `OrderStatusChange`, the `OrderAction` with its actor, the ledger entry
  (release, release of what was not received, realize);
- the BAST (`order_receive`): receipt and its lines, a rating now and then, and the invoice
  (`procurement.settlement.services.invoice_issue`) with its taxes from the dated rules
  (`taxes.share`, `taxes.pph_kind_for`), PBJT committed on the line;
- payment (`transfer_record` / `transfer_confirm` / `card_checkout_start` / `_settle`): the
  `Payment`, the settlement actions, PPh re-figured when the PP 55 certificate changed by the
  payment day, Oscar's `Source`, `Transaction` and `PaymentEvent`;
- the census's monthly aggregates are then made by the project's own `census_recompute --fix`
  and the 90-day sales the Pemerataan sort reads by `vendor_sales_refresh`, the census register
  by the register importer.

Every (unit, fiscal year) is one batch and one transaction with its budget lines (pagu above
what was committed), so an interrupted build resumes where it stopped. The MSMEs and products
are the city scale of `procurement.demo.city` (`seed_demo --scale city`).
"""

import bisect
import io
import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model

from marketplace.accounts import roles
from marketplace.catalogue.models import FOOD_KINDS
from marketplace.common.money import format_rupiah
from procurement.bench.bulk import BackgroundWriter, Ids, Table, payload_write, sequences_reset
from procurement.budgets.models import BudgetAccount, BudgetLine, LedgerEntry
from procurement.demo.accounts import DEMO_DOMAIN, user_ensure
from procurement.ordering import lifecycle
from procurement.ordering.lifecycle import Budget, OrderStatus
from procurement.ordering.models import Event, OrderAction, Receipt, ReceiptLine, UnitOrder, VendorRating
from procurement.settlement import taxes
from procurement.settlement.models import Invoice, Payment, SettlementAction, TaxRule
from procurement.units.models import Membership, Unit
from procurement.units.services import membership_grant
from vendors.models import Vendor

User = get_user_model()
Order = get_model("order", "Order")
Line = get_model("order", "Line")
LinePrice = get_model("order", "LinePrice")
ShippingAddress = get_model("order", "ShippingAddress")
OrderStatusChange = get_model("order", "OrderStatusChange")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")
Country = get_model("address", "Country")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
Transaction = get_model("payment", "Transaction")
StockRecord = get_model("partner", "StockRecord")
Repository = get_class("shipping.repository", "Repository")

S = OrderStatus
K = TaxRule.Kind
DATASET = "city"
# Order numbers of the benchmark's orders (Oscar's own are 100000 + the basket's id).
NUMBER_START = 50_000_000
# The sub-activity of every unit's benchmark budget lines (codes of the SIPD's shape).
SUB_ACTIVITY_NAME = "Penyediaan Makanan dan Minuman Rapat dan Kegiatan Perangkat Daerah"
# What the unit's meals are booked on, and how often: meetings, guests, field work.
ACCOUNT_SHARES = (("5.1.02.01.01.0052", 0.70), ("5.1.02.01.01.0053", 0.20), ("5.1.02.01.01.0058", 0.10))
EVENTS = (
    "Rapat Koordinasi Bulanan",
    "Rapat Evaluasi Program",
    "Sosialisasi Peraturan Daerah",
    "Bimbingan Teknis Aparatur",
    "Musyawarah Perencanaan Pembangunan",
    "Rapat Pimpinan",
    "Kunjungan Kerja Tamu Dinas",
    "Pelatihan Pelaku UMKM",
    "Monitoring Lapangan",
    "Rapat Anggaran",
    "Forum Konsultasi Publik",
    "Penyuluhan Kesehatan Masyarakat",
    "Rapat Tim Teknis",
    "Workshop Digitalisasi",
)
VENUES = (
    "Balai Kota Semarang, Jl. Pemuda No. 148",
    "Gedung Moch. Ichsan Lt. 8, Jl. Pemuda No. 148",
    "Kantor Dinas, Jl. Pandanaran No. 79",
    "Aula Kecamatan, Jl. Majapahit No. 12",
    "Ruang Rapat Lt. 3, Jl. Kanguru Raya No. 3",
    "Gedung Pertemuan, Jl. Imam Bonjol No. 1",
)
CONTACTS = ("Rini Astuti", "Bambang Sutrisno", "Dewi Kusuma", "Agus Prasetyo", "Siti Rahmawati", "Eko Wibowo")
BANK = "Bank Jateng"
PROOF_NAME = "transfer-proof/bench-transfer-proof.jpg"

# Where an order's life ends, by its share of orders whose time has come (the rest is paid).
ENDINGS = (("decline", 0.03), ("cancel", 0.03), ("cancel_confirmed", 0.01), ("expire", 0.02))
REASONS = {
    "decline": "Kapasitas dapur penuh pada tanggal tersebut.",
    "cancel": "Kegiatan ditunda.",
    "cancel_confirmed": "Rapat dibatalkan oleh pimpinan.",
    "reject_approval": "Jumlah peserta melebihi rencana.",
}
RECEIVED_NOTE = "Diterima dengan baik."


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment, timezone.get_default_timezone())


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


@dataclass
class Offer:
    product_id: int
    stockrecord_id: int
    title: str
    upc: str | None
    sku: str
    price: int
    kind: str
    lead_hours: int
    min_qty: int


@dataclass
class Seller:
    partner_id: int
    name: str
    vendor: SimpleNamespace  # the tax facts `taxes` reads
    owner_id: int
    offers: list[Offer]


@dataclass
class Staff:
    officer: int
    ppk: int
    treasurer: int


@dataclass
class World:
    """What the generator reads once: units, their staff, the MSMEs that sell food, tax rules."""

    units: list[Unit]
    staff: dict[int, Staff]
    sellers: list[Seller]
    accounts: list[tuple[BudgetAccount, float]]
    rules: dict[str, list[TaxRule]]
    site_id: int
    shipping_name: str
    shipping_code: str
    source_types: dict[str, int]
    paid_event_type: int
    texts: dict[str, str]

    def rule(self, kind: str, on: date) -> TaxRule | None:
        """`taxes.rule_in_force`, over the rules read once."""
        for rule in self.rules.get(kind, ()):  # newest first
            if rule.valid_from <= on and not (rule.valid_to and rule.valid_to < on):
                return rule
        return None


@dataclass
class Report:
    batches: int = 0
    batches_skipped: int = 0
    orders: int = 0
    lines: int = 0
    rows: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def staff_ensure(units: list[Unit]) -> dict[int, Staff]:
    """An officer (Pemesan), a PPK and a Bendahara for every unit, with the demo password."""
    groups = {g.name: g for g in Group.objects.filter(name__in=(roles.BUYER, roles.PPK, roles.TREASURER))}
    password = make_password(None)
    people = (
        ("pemesan", roles.BUYER, Membership.Role.BUYER, "Pemesan"),
        ("ppk", roles.PPK, Membership.Role.PPK, "PPK"),
        ("bendahara", roles.TREASURER, Membership.Role.TREASURER, "Bendahara"),
    )
    held = set(Membership.objects.values_list("user_id", "unit_id", "role"))
    staff = {}
    for unit in units:
        ids = []
        for prefix, group, role, title in people:
            user, _created = user_ensure(
                email=f"bench-{prefix}.{unit.code.lower()}@{DEMO_DOMAIN}",
                full_name=f"{title} {unit.short_name or unit.code}",
                password_hash=password,
                groups=[groups[group]],
            )
            if (user.pk, unit.pk, role) not in held:
                membership_grant(user=user, unit=unit, role=role)
            ids.append(user.pk)
        staff[unit.pk] = Staff(*ids)
    return staff


def world_load() -> World:
    """Read the units, food accounts, MSMEs selling food and the tax rules."""
    units = list(Unit.objects.filter(is_active=True).order_by("code"))
    if not units:
        raise ValueError("No government units: load the city pack first (manage.py load_city_pack).")
    accounts = {a.code: a for a in BudgetAccount.objects.filter(code__in=[c for c, _ in ACCOUNT_SHARES])}
    if len(accounts) != len(ACCOUNT_SHARES):
        raise ValueError("The city pack lacks the food budget accounts 5.1.02.01.01.0052/0053/0058.")
    vendors = {
        v["partner_id"]: v
        for v in Vendor.objects.filter(status=Vendor.Status.APPROVED, partner__is_active=True).values(
            "partner_id",
            "owner_id",
            "pbjt_collector",
            "pp55_number",
            "pp55_valid_from",
            "pp55_valid_until",
            "npwp",
        )
    }
    offers: dict[int, list[Offer]] = defaultdict(list)
    records = (
        StockRecord.objects.filter(
            partner_id__in=list(vendors),
            product__kind__in=FOOD_KINDS,
            product__is_public=True,
            product__structure="standalone",
        )
        .order_by("partner_id", "product_id")
        .values_list(
            "partner_id",
            "product_id",
            "pk",
            "product__title",
            "product__upc",
            "partner_sku",
            "price",
            "product__kind",
            "product__lead_time_hours",
            "product__min_order_qty",
            "partner__name",
        )
    )
    names = {}
    for partner_id, product_id, sr_id, title, upc, sku, price, kind, lead, min_qty, name in records.iterator(
        chunk_size=5000
    ):
        if price is None:
            continue
        offers[partner_id].append(Offer(product_id, sr_id, title, upc, sku, int(price), kind, lead, min_qty))
        names[partner_id] = name
    sellers = [
        Seller(
            partner_id=pid,
            name=names[pid],
            vendor=SimpleNamespace(
                **{k: v for k, v in vendors[pid].items() if k not in ("partner_id", "owner_id")}
            ),
            owner_id=vendors[pid]["owner_id"],
            offers=offers[pid],
        )
        for pid in sorted(offers)
    ]
    if not sellers:
        raise ValueError("No MSME sells food: seed the city scale first (manage.py seed_demo --scale city).")
    rules: dict[str, list[TaxRule]] = defaultdict(list)
    for rule in TaxRule.objects.order_by("kind", "-valid_from"):
        rules[rule.kind].append(rule)
    method = Repository().methods[0]
    with translation.override(settings.LANGUAGE_CODE):
        texts = {
            "order": _("Order %(number)s"),
            "move": _("%(action)s: order %(number)s"),
            "not_received": _("Not received: order %(number)s"),
            "pbjt": _("PBJT of invoice %(number)s"),
            "event_note": _("Event: %(name)s, %(participants)s participants"),
            "pph_refigured": _("PPh on the payment date: %(kind)s (was %(before)s)"),
            "shipping_name": str(method.name),
            **{f"kind:{k}": str(label) for k, label in K.choices},
            "source:transfer": str(Payment.Method.TRANSFER.label),
            "source:card": str(Payment.Method.CARD.label),
            "paid": _("Paid"),
        }
        source_types = {
            m: SourceType.objects.get_or_create(code=m, defaults={"name": texts[f"source:{m}"]})[0].pk
            for m in (Payment.Method.TRANSFER, Payment.Method.CARD)
        }
        paid_type = PaymentEventType.objects.get_or_create(code="paid", defaults={"name": texts["paid"]})[0]
    Country.objects.get_or_create(
        iso_3166_1_a2="ID",
        defaults={"name": "Indonesia", "printable_name": "Indonesia", "is_shipping_country": True},
    )
    return World(
        units=units,
        staff=staff_ensure(units),
        sellers=sellers,
        accounts=[(accounts[c], share) for c, share in ACCOUNT_SHARES],
        rules=rules,
        site_id=settings.SITE_ID,
        shipping_name=texts["shipping_name"],
        shipping_code=method.code,
        source_types=source_types,
        paid_event_type=paid_type.pk,
        texts=texts,
    )


def proof_ensure() -> str:
    """One transfer proof in the private storage, which every generated transfer points at."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages
    from PIL import Image

    storage = storages["private"]
    if not storage.exists(PROOF_NAME):
        buffer = io.BytesIO()
        Image.new("RGB", (320, 200), (230, 236, 240)).save(buffer, "JPEG", quality=70)
        storage.save(PROOF_NAME, ContentFile(buffer.getvalue()))
    return PROOF_NAME


class Tables:
    """One `Table` per model the generator writes, in the order they must be written."""

    def __init__(self):
        self.budget_line = Table(
            BudgetLine,
            (
                "id",
                "unit_id",
                "fiscal_year",
                "sub_activity_code",
                "sub_activity_name",
                "account_id",
                "pagu_idr",
                "committed_idr",
                "realized_idr",
            ),
        )
        self.event = Table(
            Event,
            (
                "id",
                "unit_id",
                "name",
                "starts_at",
                "venue",
                "participants",
                "contact_name",
                "contact_phone",
                "created_by_id",
                "created_at",
            ),
        )
        self.address = Table(
            ShippingAddress,
            (
                "id",
                "title",
                "first_name",
                "last_name",
                "line1",
                "line2",
                "line3",
                "line4",
                "state",
                "postcode",
                "search_text",
                "phone_number",
                "notes",
                "country_id",
                "code",
            ),
        )
        self.order = Table(
            Order,
            (
                "id",
                "number",
                "site_id",
                "basket_id",
                "user_id",
                "billing_address_id",
                "currency",
                "total_incl_tax",
                "total_excl_tax",
                "shipping_incl_tax",
                "shipping_excl_tax",
                "shipping_tax_code",
                "shipping_address_id",
                "shipping_method",
                "shipping_code",
                "status",
                "guest_email",
                "date_placed",
                "analytics_tracked",
            ),
        )
        self.line = Table(
            Line,
            (
                "id",
                "order_id",
                "partner_id",
                "partner_name",
                "partner_sku",
                "partner_line_reference",
                "partner_line_notes",
                "stockrecord_id",
                "product_id",
                "title",
                "upc",
                "quantity",
                "line_price_incl_tax",
                "line_price_excl_tax",
                "line_price_before_discounts_incl_tax",
                "line_price_before_discounts_excl_tax",
                "unit_price_incl_tax",
                "unit_price_excl_tax",
                "tax_code",
                "status",
                "num_allocated",
                "allocation_cancelled",
            ),
        )
        self.line_price = Table(
            LinePrice,
            (
                "order_id",
                "line_id",
                "quantity",
                "price_incl_tax",
                "price_excl_tax",
                "shipping_incl_tax",
                "shipping_excl_tax",
                "tax_code",
            ),
        )
        self.status_change = Table(
            OrderStatusChange, ("order_id", "old_status", "new_status", "date_created")
        )
        self.unit_order = Table(
            UnitOrder,
            (
                "id",
                "order_id",
                "event_id",
                "unit_id",
                "budget_line_id",
                "partner_id",
                "officer_id",
                "status",
                "total_idr",
                "payable_idr",
                "delivery_at",
                "portions",
                "vendor_deadline",
                "created_at",
            ),
        )
        self.action = Table(
            OrderAction,
            ("unit_order_id", "actor_id", "action", "from_status", "to_status", "reason", "created_at"),
        )
        self.ledger = Table(
            LedgerEntry, ("line_id", "kind", "amount_idr", "order_id", "actor_id", "note", "created_at")
        )
        self.receipt = Table(
            Receipt, ("id", "unit_order_id", "number", "received_by_id", "received_at", "notes", "amount_idr")
        )
        self.receipt_line = Table(ReceiptLine, ("receipt_id", "line_id", "quantity_received"))
        self.rating = Table(VendorRating, ("unit_order_id", "partner_id", "score", "comment", "created_at"))
        self.invoice = Table(
            Invoice,
            (
                "id",
                "unit_order_id",
                "unit_id",
                "number",
                "status",
                "issued_at",
                "received_at",
                "subtotal_idr",
                "pbjt_idr",
                "pbjt_rule_id",
                "pbjt_rate_bp",
                "pph_kind",
                "pph_idr",
                "pph_rule_id",
                "pph_rate_bp",
                "total_idr",
                "net_idr",
                "paid_at",
                "days_to_pay",
            ),
        )
        self.payment = Table(
            Payment,
            (
                "id",
                "invoice_id",
                "method",
                "status",
                "amount_idr",
                "created_by_id",
                "created_at",
                "settled_at",
                "transfer_date",
                "bank_name",
                "reference",
                "proof_file_name",
                "proof_content_type",
                "confirmed_by_id",
                "dispute_reason",
                "stripe_session_id",
                "stripe_payment_intent_id",
                "refunded_idr",
            ),
        )
        self.settlement_action = Table(
            SettlementAction,
            ("invoice_id", "payment_id", "action", "actor_id", "amount_idr", "reason", "created_at"),
        )
        self.source = Table(
            Source,
            (
                "id",
                "order_id",
                "source_type_id",
                "currency",
                "amount_allocated",
                "amount_debited",
                "amount_refunded",
                "reference",
                "label",
            ),
        )
        self.transaction = Table(
            Transaction, ("source_id", "txn_type", "amount", "reference", "status", "date_created")
        )
        self.payment_event = Table(
            PaymentEvent,
            ("order_id", "amount", "reference", "event_type_id", "shipping_event_id", "date_created"),
        )

    def all(self) -> list[Table]:
        return list(vars(self).values())

    def take(self) -> list[tuple[str, list[str], list[tuple]]]:
        """(table, columns, rows) of every table in writing order; the tables are left empty."""
        payload = []
        for table in self.all():
            payload.append((table.name, table.columns, table.rows))
            table.rows = []
        return payload


ID_MODELS = (BudgetLine, Event, ShippingAddress, Order, Line, UnitOrder, Receipt, Invoice, Payment, Source)
# Written with ids the database gives (nothing generated refers to them).
SERIAL_MODELS = (
    LinePrice,
    OrderStatusChange,
    OrderAction,
    LedgerEntry,
    ReceiptLine,
    VendorRating,
    SettlementAction,
    Transaction,
    PaymentEvent,
)


@dataclass
class Step:
    action: str
    at: datetime
    actor: int | None
    reason: str = ""


class Generator:
    """Orders of one unit and fiscal year at a time, written as the services would write them."""

    def __init__(self, *, world: World, now: datetime, seed: int, proof: str):
        self.w = world
        self.now = now
        self.seed = seed
        self.proof = proof
        self.tables = Tables()
        self.ids = {model: Ids(model) for model in ID_MODELS}
        last = Order.objects.filter(number__gte=str(NUMBER_START), number__regex=r"^[0-9]{8}$").aggregate(
            m=Max("number")
        )["m"]
        self.number = int(last) if last else NUMBER_START
        rng = random.Random(f"{seed}-sellers")
        self.sellers = world.sellers
        # Some MSMEs are far better known than others: popularity falls off like 1/rank.
        self.popular = list(range(len(self.sellers)))
        rng.shuffle(self.popular)
        self.weights = [1 / (rank + 1) ** 0.8 for rank in range(len(self.popular))]
        self.cum = list(_accumulate(self.weights))

    # --- one batch -------------------------------------------------------------------------

    def batch_done(self, unit: Unit, year: int) -> bool:
        return BudgetLine.objects.filter(
            unit=unit, fiscal_year=year, sub_activity_code=self.sub_activity(unit)
        ).exists()

    def sub_activity(self, unit: Unit) -> str:
        index = [u.pk for u in self.w.units].index(unit.pk)
        return f"{index % 4 + 1}.{index + 1:02d}.01.2.06.0002"

    def batch(self, *, unit: Unit, year: int, lines: int, report: Report) -> list | None:
        """About `lines` order lines of `unit` in fiscal `year` and the year's budget lines: the rows
        of every table, to be written in one transaction (`payload_write`)."""
        rng = random.Random(f"{self.seed}-{unit.code}-{year}")
        staff = self.w.staff[unit.pk]
        # Each unit comes back to a few MSMEs it knows (loyalty), and orders from the city too.
        favourites = [self._popular_pick(rng) for _ in range(25)]
        start = _aware(datetime(year, 1, 2, 8))
        end = min(_aware(datetime(year, 12, 31, 14)), self.now - timedelta(hours=2))
        if end <= start:
            return None
        prefix_year = {"bast": f"BAST/{unit.code}/{year}/", "tag": f"TAG/{unit.code}/{year}/"}
        self.seq = {
            "bast": Receipt.objects.filter(number__startswith=prefix_year["bast"]).count(),
            "tag": Invoice.objects.filter(number__startswith=prefix_year["tag"]).count(),
        }
        self.prefix = prefix_year
        budget_ids = {}
        self.committed = defaultdict(int)  # per budget line: everything ever committed
        self.balance = defaultdict(lambda: [0, 0])  # per budget line: committed, realized now
        for account, _share in self.w.accounts:
            budget_ids[account.pk] = self.ids[BudgetLine]()
        made = 0
        # The year's orders in time order (ids follow), then a few more until the lines are there.
        moments = sorted(
            (start + (end - start) * rng.random() for _ in range(max(1, int(lines / 4.4)))), reverse=True
        )
        while made < lines:
            placed = moments.pop() if moments else start + (end - start) * rng.random()
            account = _weighted(rng, self.w.accounts)
            if rng.random() < 0.55:
                seller = self.sellers[favourites[int(rng.random() ** 2 * len(favourites))]]
            else:
                seller = self.sellers[self._popular_pick(rng)]
            made += self._order(
                rng=rng,
                unit=unit,
                staff=staff,
                seller=seller,
                placed=placed,
                budget_line=budget_ids[account.pk],
                year=year,
                report=report,
            )
        for account, _share in self.w.accounts:
            pk = budget_ids[account.pk]
            committed, realized = self.balance[pk]
            # The pagu covered the year: above everything ever committed on the line.
            pagu = int(math.ceil(self.committed[pk] * rng.uniform(1.08, 1.35) / 1_000_000 + 5) * 1_000_000)
            self.tables.budget_line.add(
                pk,
                unit.pk,
                year,
                self.sub_activity(unit),
                SUB_ACTIVITY_NAME,
                account.pk,
                pagu,
                committed,
                realized,
            )
        payload = self.tables.take()
        report.rows += sum(len(rows) for _name, _columns, rows in payload)
        report.lines += made
        report.batches += 1
        return payload

    def _popular_pick(self, rng) -> int:
        return self.popular[bisect.bisect_left(self.cum, rng.random() * self.cum[-1])]

    # --- one order -------------------------------------------------------------------------

    def _order(self, *, rng, unit, staff: Staff, seller: Seller, placed, budget_line, year, report) -> int:
        t = self.tables
        ids = self.ids
        w = self.w
        # The meeting: a few days ahead, in the morning, within the budget line's fiscal year.
        year_end = _aware(datetime(year, 12, 31, 13))
        day = timezone.localtime(placed).date() + timedelta(days=rng.choice((1, 2, 2, 3, 3, 4, 5, 7, 10, 14)))
        delivery = _aware(datetime(day.year, day.month, day.day, rng.choice((7, 8, 9, 10, 11, 12))))
        delivery = min(delivery, year_end)
        participants = int(min(400, max(8, rng.lognormvariate(3.4, 0.6))))
        count = min(len(seller.offers), rng.choices((1, 2, 3, 4, 5, 6), weights=(4, 10, 18, 30, 22, 16))[0])
        offers = rng.sample(seller.offers, count)
        lead = max(o.lead_hours for o in offers)
        if delivery - placed < timedelta(hours=lead + 2):
            placed = delivery - timedelta(hours=lead + 2 + rng.randrange(1, 24))
            if placed.year < year or timezone.localtime(placed).year < year:
                return 0
        quantities = []
        for offer in offers:
            qty = 1 + participants // 40 if offer.kind == "tumpeng" else participants
            quantities.append(max(qty, offer.min_qty or 1))
        total = sum(o.price * q for o, q in zip(offers, quantities, strict=True))
        portions = sum(q for o, q in zip(offers, quantities, strict=True) if o.kind in FOOD_KINDS)
        needs_approval = total > unit.approval_threshold_idr

        # The order's path: the moves of lifecycle.MOVES, each made only once its time has come.
        steps = [Step("place", placed, staff.officer)]
        at = placed
        if needs_approval:
            at = at + timedelta(hours=rng.uniform(1, 30))
            if rng.random() < 0.01:
                steps.append(Step("reject_approval", at, staff.ppk, REASONS["reject_approval"]))
            else:
                steps.append(Step("approve", at, staff.ppk))
        deadline = None
        if steps[-1].action in ("place", "approve") and steps[-1].at <= self.now:
            answered_from = steps[-1].at
            deadline = max(
                min(
                    answered_from + timedelta(hours=settings.VENDOR_CONFIRM_HOURS),
                    delivery - timedelta(hours=lead),
                ),
                answered_from,
            )
            ending = _ending(rng)
            # MSMEs answer within the time they have (most in the first hours); some never do.
            window = min(deadline - answered_from, timedelta(hours=20))
            answer = answered_from + window * rng.uniform(0.02, 0.95)
            if ending == "expire" or window <= timedelta(0):
                if deadline <= self.now:
                    steps.append(Step("expire", deadline, None))
            elif ending in ("decline", "cancel"):
                actor = seller.owner_id if ending == "decline" else staff.officer
                steps.append(Step(ending, answer, actor, REASONS[ending]))
            else:
                steps.append(Step("confirm", answer, seller.owner_id))
                if ending == "cancel_confirmed":
                    steps.append(
                        Step(
                            ending,
                            answer + timedelta(hours=rng.uniform(1, 24)),
                            staff.officer,
                            REASONS[ending],
                        )
                    )
                else:
                    steps.append(Step("deliver", delivery, seller.owner_id))
                    steps.append(
                        Step(
                            "receive",
                            delivery + timedelta(hours=rng.uniform(1, 5)),
                            staff.officer,
                            RECEIVED_NOTE,
                        )
                    )
        steps = [s for s in steps if s.at <= self.now]
        # A step that would come before the previous one (a short lead time) waits for it.
        for before, after in zip(steps, steps[1:], strict=False):
            if after.at < before.at:
                after.at = before.at + timedelta(minutes=5)
        steps = [s for s in steps if s.at <= self.now]

        self.number += 1
        number = str(self.number)
        order_id, event_id, address_id, uo_id = (
            ids[Order](),
            ids[Event](),
            ids[ShippingAddress](),
            ids[UnitOrder](),
        )
        event_name = rng.choice(EVENTS)
        venue = rng.choice(VENUES)
        contact = rng.choice(CONTACTS)
        t.event.add(
            event_id,
            unit.pk,
            event_name,
            delivery,
            venue,
            participants,
            contact,
            f"+62812{rng.randrange(10**6, 10**7)}",
            staff.officer,
            placed,
        )
        t.address.add(
            address_id,
            "",
            contact,
            "",
            venue,
            "",
            "",
            "Semarang",
            "",
            "",
            f"{contact} {venue} Semarang Indonesia",
            "",
            w.texts["event_note"] % {"name": event_name, "participants": participants},
            "ID",
            None,
        )
        line_ids = []
        for offer, qty in zip(offers, quantities, strict=True):
            line_id = ids[Line]()
            line_ids.append(line_id)
            price, amount = Decimal(offer.price), Decimal(offer.price * qty)
            t.line.add(
                line_id,
                order_id,
                seller.partner_id,
                seller.name,
                offer.sku,
                "",
                "",
                offer.stockrecord_id,
                offer.product_id,
                offer.title,
                offer.upc,
                qty,
                amount,
                amount,
                amount,
                amount,
                price,
                price,
                None,
                "",
                qty,
                False,
            )
            t.line_price.add(order_id, line_id, qty, price, price, Decimal(0), Decimal(0), None)

        # Statuses and budget effects, as the lifecycle table says.
        status = None
        held = 0
        received = None
        for step in steps:
            if step.action == "place":
                move = lifecycle.placing(needs_approval=needs_approval)
            else:
                move = lifecycle.move(step.action)
                if move is None or status not in move.sources:
                    raise ValueError(f"The lifecycle no longer allows {step.action} from {status}.")
                t.status_change.add(order_id, status, move.target, step.at)
            t.action.add(uo_id, step.actor, step.action, status or "", move.target, step.reason, step.at)
            note = None
            if move.budget == Budget.COMMIT:
                held += total
                self.committed[budget_line] += total
                self.balance[budget_line][0] += total
                self._ledger(
                    budget_line,
                    LedgerEntry.Kind.COMMIT,
                    total,
                    order_id,
                    step,
                    w.texts["order"] % {"number": number},
                )
            elif move.budget == Budget.RELEASE and held:
                note = w.texts["move"] % {"action": step.action, "number": number}
                self.balance[budget_line][0] -= held
                self._ledger(budget_line, LedgerEntry.Kind.RELEASE, held, order_id, step, note)
                held = 0
            elif move.budget == Budget.RELEASE_UNRECEIVED:
                received = self._receive(rng=rng, offers=offers, quantities=quantities)
                amount = sum(o.price * q for o, q in zip(offers, received, strict=True))
                if total > amount:
                    self.balance[budget_line][0] -= total - amount
                    self._ledger(
                        budget_line,
                        LedgerEntry.Kind.RELEASE,
                        total - amount,
                        order_id,
                        step,
                        w.texts["not_received"] % {"number": number},
                    )
                    held = amount
            elif move.budget not in (Budget.NONE, Budget.RELEASE):
                raise ValueError(
                    f"The generator does not know the budget effect {move.budget} of {step.action}."
                )
            status = move.target

        payable = None
        if received is not None:
            receive = steps[-1]
            payable = sum(o.price * q for o, q in zip(offers, received, strict=True))
            status, held = self._settle(
                rng=rng,
                unit=unit,
                staff=staff,
                seller=seller,
                uo_id=uo_id,
                order_id=order_id,
                number=number,
                line_ids=line_ids,
                received=received,
                amount=payable,
                receive=receive,
                budget_line=budget_line,
                held=held,
                status=status,
            )
        t.order.add(
            order_id,
            number,
            w.site_id,
            None,
            staff.officer,
            None,
            "IDR",
            Decimal(total),
            Decimal(total),
            Decimal(0),
            Decimal(0),
            None,
            address_id,
            w.shipping_name,
            w.shipping_code,
            status,
            "",
            placed,
            False,
        )
        t.unit_order.add(
            uo_id,
            order_id,
            event_id,
            unit.pk,
            budget_line,
            seller.partner_id,
            staff.officer,
            status,
            total,
            payable,
            delivery,
            portions,
            deadline,
            placed,
        )
        report.orders += 1
        report.by_status[status] += 1
        return len(offers)

    def _ledger(self, line, kind, amount, order_id, step: Step, note: str) -> None:
        self.tables.ledger.add(line, kind, amount, order_id, step.actor, note, step.at)

    def _receive(self, *, rng, offers, quantities) -> list[int]:
        """What arrived: everything, but now and then a few portions short on one line."""
        received = list(quantities)
        if rng.random() < 0.04:
            i = rng.randrange(len(received))
            received[i] = max(0, received[i] - max(1, received[i] // rng.choice((5, 10, 20))))
        return received

    # --- BAST, invoice, payment --------------------------------------------------------------

    def _settle(
        self,
        *,
        rng,
        unit,
        staff,
        seller,
        uo_id,
        order_id,
        number,
        line_ids,
        received,
        amount,
        receive,
        budget_line,
        held,
        status,
    ):
        """The BAST and its invoice; paid when the unit's Bendahara got to it. Returns (status, held)."""
        t, w = self.tables, self.w
        self.seq["bast"] += 1
        receipt_id = self.ids[Receipt]()
        t.receipt.add(
            receipt_id,
            uo_id,
            f"{self.prefix['bast']}{self.seq['bast']:05d}",
            staff.officer,
            receive.at,
            RECEIVED_NOTE,
            amount,
        )
        for line_id, qty in zip(line_ids, received, strict=True):
            t.receipt_line.add(receipt_id, line_id, qty)
        if rng.random() < 0.3:
            t.rating.add(
                uo_id,
                seller.partner_id,
                rng.choices((5, 4, 3, 2, 1), weights=(55, 30, 10, 3, 2))[0],
                "",
                receive.at,
            )
        if amount <= 0:
            return status, held
        issued_on = _local_day(receive.at)
        vendor = seller.vendor
        pbjt_rule, pbjt = None, 0
        if vendor.pbjt_collector:
            pbjt_rule = w.rule(K.PBJT, issued_on)
            if pbjt_rule and amount >= pbjt_rule.threshold_idr:
                pbjt = taxes.share(amount, pbjt_rule.rate_bp)
        kind = taxes.pph_kind_for(vendor, issued_on)
        pph_rule = w.rule(kind, issued_on)
        total = amount + pbjt
        invoice_number = f"{self.prefix['tag']}{self.seq['tag'] + 1:05d}"
        self.seq["tag"] += 1
        invoice_id = self.ids[Invoice]()
        if pbjt:
            self.committed[budget_line] += pbjt
            self.balance[budget_line][0] += pbjt
            self._ledger(
                budget_line,
                LedgerEntry.Kind.COMMIT,
                pbjt,
                order_id,
                receive,
                w.texts["pbjt"] % {"number": invoice_number},
            )
            held += pbjt
        pph = taxes.share(amount, pph_rule.rate_bp)
        net = total - pph
        t.settlement_action.add(invoice_id, None, "issue", staff.officer, net, "", receive.at)

        # The Bendahara pays days later (some units are slower than others), by transfer or card.
        slowness = 3 + (unit.pk * 7919) % 17
        paid_at = receive.at + timedelta(days=rng.expovariate(1 / slowness), hours=rng.uniform(0, 6))
        method = Payment.Method.CARD if rng.random() < 0.15 else Payment.Method.TRANSFER
        recorded = (
            paid_at - timedelta(hours=rng.uniform(0.5, 5)) if method == Payment.Method.TRANSFER else paid_at
        )
        recorded = max(recorded, receive.at + timedelta(minutes=10))
        paid_at = max(paid_at, recorded + timedelta(minutes=5))
        invoice_status, paid_field, days = Invoice.Status.UNPAID, None, None
        if recorded <= self.now:
            pay_day = _local_day(recorded) if method == Payment.Method.TRANSFER else _local_day(paid_at)
            new_kind = taxes.pph_kind_for(vendor, pay_day)
            if new_kind != kind:  # `_withholding_for_payment_day`
                before = pph
                kind, pph_rule = new_kind, w.rule(new_kind, pay_day)
                pph = taxes.share(amount, pph_rule.rate_bp)
                net = total - pph
                reason = w.texts["pph_refigured"] % {
                    "kind": w.texts[f"kind:{kind}"],
                    "before": format_rupiah(before),
                }
                t.settlement_action.add(
                    invoice_id, None, "pph_refigured", staff.treasurer, pph, reason, recorded
                )
            confirmed = paid_at <= self.now
            payment_id = self.ids[Payment]()
            if method == Payment.Method.TRANSFER:
                reference = f"SP2D/{invoice_id:06d}/{pay_day:%m/%Y}"
                t.payment.add(
                    payment_id,
                    invoice_id,
                    method,
                    Payment.Status.SUCCEEDED if confirmed else Payment.Status.AWAITING_CONFIRMATION,
                    net,
                    staff.treasurer,
                    recorded,
                    paid_at if confirmed else None,
                    pay_day,
                    BANK,
                    reference,
                    self.proof,
                    "image/jpeg",
                    None,
                    "",
                    None,
                    "",
                    0,
                )
                t.settlement_action.add(
                    invoice_id, payment_id, "transfer_record", staff.treasurer, net, reference, recorded
                )
                if confirmed:
                    t.settlement_action.add(
                        invoice_id, payment_id, "transfer_confirm", seller.owner_id, net, "", paid_at
                    )
                invoice_status = Invoice.Status.PAID if confirmed else Invoice.Status.AWAITING_CONFIRMATION
            else:
                reference = f"pi_bench{invoice_id:010d}"
                t.payment.add(
                    payment_id,
                    invoice_id,
                    method,
                    Payment.Status.SUCCEEDED,
                    net,
                    staff.treasurer,
                    recorded - timedelta(minutes=4),
                    paid_at,
                    None,
                    "",
                    "",
                    "",
                    "",
                    None,
                    "",
                    f"cs_bench{invoice_id:010d}",
                    reference,
                    0,
                )
                t.settlement_action.add(
                    invoice_id,
                    payment_id,
                    "card_start",
                    staff.treasurer,
                    net,
                    "",
                    recorded - timedelta(minutes=4),
                )
                invoice_status = Invoice.Status.PAID
            if invoice_status == Invoice.Status.PAID:
                paid_field = paid_at
                days = max((pay_day - issued_on).days, 0)
                pay = lifecycle.move("pay")
                if status not in pay.sources or pay.budget != Budget.REALIZE:
                    raise ValueError("The lifecycle's pay move changed: update procurement.bench.dataset.")
                step = Step("pay", paid_at, staff.treasurer)
                t.status_change.add(order_id, status, pay.target, paid_at)
                t.action.add(uo_id, staff.treasurer, "pay", status, pay.target, "", paid_at)
                self.balance[budget_line][0] -= total
                self.balance[budget_line][1] += total
                self._ledger(
                    budget_line,
                    LedgerEntry.Kind.REALIZE,
                    total,
                    order_id,
                    step,
                    w.texts["move"] % {"action": "pay", "number": number},
                )
                held -= total
                status = pay.target
                source_id = self.ids[Source]()
                t.source.add(
                    source_id,
                    order_id,
                    w.source_types[method],
                    "IDR",
                    Decimal(net),
                    Decimal(net),
                    Decimal(0),
                    "",
                    "",
                )
                t.transaction.add(source_id, Transaction.DEBIT, Decimal(net), reference[:128], "", paid_at)
                t.payment_event.add(order_id, Decimal(net), reference[:128], w.paid_event_type, None, paid_at)
                t.settlement_action.add(invoice_id, payment_id, "paid", staff.treasurer, net, "", paid_at)
        t.invoice.add(
            invoice_id,
            uo_id,
            unit.pk,
            invoice_number,
            invoice_status,
            receive.at,
            receive.at,
            amount,
            pbjt,
            pbjt_rule.pk if pbjt else None,
            pbjt_rule.rate_bp if pbjt else 0,
            kind,
            pph,
            pph_rule.pk,
            pph_rule.rate_bp,
            total,
            net,
            paid_field,
            days,
        )
        return status, held


def _accumulate(values):
    total = 0.0
    for v in values:
        total += v
        yield total


def _weighted(rng, pairs):
    r = rng.random()
    for item, share in pairs:
        r -= share
        if r < 0:
            return item
    return pairs[-1][0]


def _ending(rng) -> str:
    r = rng.random()
    for action, share in ENDINGS:
        r -= share
        if r < 0:
            return action
    return "paid"


# --- The whole data set ------------------------------------------------------------------------


def plan(
    *, units: list[Unit], years: list[int], lines: int, today: date, seed: int
) -> list[tuple[Unit, int, int]]:
    """(unit, year, lines) of every batch: units differ in size, this year counts to today."""
    rng = random.Random(f"{seed}-plan")
    weight = {u.pk: rng.uniform(0.4, 2.0) for u in units}
    share = {y: (1.0 if y < today.year else (today.timetuple().tm_yday / 365)) for y in years}
    cells = [(u, y, weight[u.pk] * share[y]) for y in years for u in units]
    total = sum(w for _u, _y, w in cells)
    out = [(u, y, max(1, int(lines * w / total))) for u, y, w in cells]
    short = lines - sum(n for _u, _y, n in out)
    if short > 0:  # what rounding down left over goes to the largest batch
        i = max(range(len(out)), key=lambda k: out[k][2])
        out[i] = (out[i][0], out[i][1], out[i][2] + short)
    return out


def dataset_build(
    *,
    lines: int,
    years: int = 3,
    seed: int = 19,
    now: datetime | None = None,
    on_batch: Callable[[int], None] | None = None,
    fast: bool = True,
) -> Report:
    """Generate `lines` order lines over the last `years` fiscal years (this one included).

    `fast`: on PostgreSQL as a superuser, the load skips the foreign-key checks at commit
    (`session_replication_role = replica`, as pg_restore does); the generator's references are
    checked with them on by tests/procurement/test_seed_demo.py."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    report = Report()
    world = world_load()
    generator = Generator(world=world, now=now, seed=seed, proof=proof_ensure())
    batches = plan(
        units=world.units,
        years=list(range(today.year - years + 1, today.year + 1)),
        lines=lines,
        today=today,
        seed=seed,
    )
    # On PostgreSQL, outside a transaction, a second connection writes one batch while the next
    # is generated (the database and Python each keep a core busy).
    threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
    writer = BackgroundWriter(fast=fast) if threaded else None
    try:
        for unit, year, batch_lines in batches:
            if generator.batch_done(unit, year):
                report.batches_skipped += 1
            else:
                payload = generator.batch(unit=unit, year=year, lines=batch_lines, report=report)
                if payload and writer:
                    writer.put(payload)
                elif payload:
                    payload_write(payload, fast=fast)
            if on_batch:
                on_batch(batch_lines)
    finally:
        if writer:
            writer.close()
    sequences_reset(ID_MODELS)
    return report


def dataset_counts() -> dict[str, int]:
    """How big the data set is now (what `manage.py bench` prints beside its figures)."""
    return {
        "msmes": Vendor.objects.count(),
        "products": get_model("catalogue", "Product").objects.count(),
        "orders": Order.objects.count(),
        "order_lines": Line.objects.count(),
        "ledger_entries": LedgerEntry.objects.count(),
        "invoices": Invoice.objects.count(),
        "payments": Payment.objects.count(),
        "budget_lines": BudgetLine.objects.count(),
    }


def status_counts() -> dict[str, int]:
    return dict(UnitOrder.objects.values_list("status").annotate(n=Count("pk")).order_by())
