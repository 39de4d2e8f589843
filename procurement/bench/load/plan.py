"""Who the load test's simulated users are, and what each may do (written to plan.json).

Login throttling (`ACCOUNT_RATE_LIMITS`) refuses an account that logs in again and again, so
every simulated user has an account of its own and logs in once, at its start:

- officers (Pemesan): new accounts `load-pemesan-N@…`, each a buyer of another unit, each with
  that unit's food budget line of this year with the most left; they order from `offers`,
  products that the checkout rules accept for a delivery 3 to 20 days ahead (SSH ceiling, lead
  time, minimum, open kitchen, capacity to spare);
- Bendahara: new accounts `load-bendahara-N@…`, each the treasurer of another unit among those
  with the most unpaid invoices, so no two pay the same invoice;
- MSMEs: the owners of the MSMEs that sell most of those offers (and have invoices waiting in
  the Bendahara's units), with the run's password set on them: officers' orders reach them to
  confirm, the Bendahara's transfers for them to confirm;
- Analis: new accounts `load-analis-N@…` in the Analis group.

Everyone shares one password, made for the run and kept only in var/bench/load/plan.json.
"""

import json
import math
import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.accounts import roles
from procurement.budgets.selectors import food_lines_for
from procurement.ceilings.selectors import ceilings_by_kind
from procurement.demo.accounts import DEMO_DOMAIN, user_ensure
from procurement.ordering import checkout_rules
from procurement.ordering.lifecycle import OrderStatus
from procurement.settlement.models import Invoice
from procurement.units.models import Membership, Unit
from procurement.units.services import membership_grant
from vendors.models import Vendor

User = get_user_model()
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Category = get_model("catalogue", "Category")

# Shares of the simulated users (the rest browse anonymously).
MIX = (("officers", 0.30), ("msmes", 0.12), ("treasurers", 0.10), ("analysts", 0.08))
WORDS = ("nasi", "nasi kotak", "snack", "ayam", "kue", "kampung", "rissoles", "tumpeng", "kopi", "bakso")
QUANTITY = 20  # portions an officer orders
DAYS = (3, 20)  # deliveries this many days ahead
OFFER_PARTNERS = 80  # MSMEs officers order from (one product each, a few more for the MSME users)


class PlanError(Exception):
    """The data set lacks what the simulated users need."""


@dataclass
class Account:
    email: str
    unit: str = ""  # unit code (officers, Bendahara)
    budget_line: int | None = None  # officers


@dataclass
class Offer:
    product: int
    url: str
    partner: int
    min_qty: int
    price: int


@dataclass
class Plan:
    password: str
    users: int
    officers: list[Account] = field(default_factory=list)
    msmes: list[Account] = field(default_factory=list)
    treasurers: list[Account] = field(default_factory=list)
    analysts: list[Account] = field(default_factory=list)
    anonymous: int = 0
    offers: list[Offer] = field(default_factory=list)
    msme_offers: list[Offer] = field(default_factory=list)  # offers of the MSME users' own kitchens
    days: list[str] = field(default_factory=list)  # delivery moments (YYYY-MM-DDTHH:MM, local)
    today: str = ""  # the Bendahara's transfer date
    quantity: int = QUANTITY
    words: list[str] = field(default_factory=list)
    product_urls: list[str] = field(default_factory=list)
    vendor_urls: list[str] = field(default_factory=list)
    category_urls: list[str] = field(default_factory=list)
    # The statuses the simulated users check, from the lifecycle table (the locustfile runs
    # outside Django and must not spell them itself).
    statuses: dict[str, str] = field(
        default_factory=lambda: {
            "after_confirm": OrderStatus.CONFIRMED.value,
            "after_pay": OrderStatus.PAID.value,
        }
    )

    def as_json(self) -> dict:
        return asdict(self)

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_json(), indent=2, ensure_ascii=False))
        return path


def mix_for(users: int) -> dict[str, int]:
    """How many simulated users of each kind for `users` in all (at least one each from 5 up)."""
    counts = {kind: max(1 if users >= 5 else 0, math.floor(users * share + 1e-9)) for kind, share in MIX}
    counts["anonymous"] = users - sum(counts.values())
    if counts["anonymous"] < 0:
        raise PlanError(f"{users} simulated users are too few for the mix.")
    return counts


def delivery_moments(*, now: datetime | None = None) -> list[datetime]:
    """10:00 on each weekday 3 to 20 days ahead, inside this fiscal year."""
    now = timezone.localtime(now or timezone.now())
    moments = []
    for ahead in range(DAYS[0], DAYS[1] + 1):
        day = (now + timedelta(days=ahead)).date()
        if day.year != now.year or day.weekday() >= 5:
            continue
        moments.append(timezone.make_aware(datetime(day.year, day.month, day.day, 10)))
    return moments


@transaction.atomic
def plan_build(*, users: int = 50, now: datetime | None = None) -> Plan:
    """Make (or reuse) the accounts and choose what the simulated users do."""
    counts = mix_for(users)
    now = now or timezone.now()
    moments = delivery_moments(now=now)
    if not moments:
        raise PlanError("No weekday 3 to 20 days ahead is left in this fiscal year: orders cannot be placed.")
    password = secrets.token_urlsafe(12)
    password_hash = make_password(password)
    plan = Plan(password=password, users=users, anonymous=counts["anonymous"])
    plan.today = timezone.localtime(now).date().isoformat()
    plan.days = [timezone.localtime(m).strftime("%Y-%m-%dT%H:%M") for m in moments]
    groups = {g.name: g for g in Group.objects.filter(name__in=roles.ALL_ROLES)}

    # The Bendahara: one unit each, those with the most unpaid invoices.
    busiest = (
        Invoice.objects.filter(status=Invoice.Status.UNPAID)
        .values("unit_order__unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit_order__unit_id")[: counts["treasurers"]]
    )
    treasurer_units = [Unit.objects.get(pk=row["unit_order__unit_id"]) for row in busiest]
    if len(treasurer_units) < counts["treasurers"]:
        raise PlanError(f"Only {len(treasurer_units)} units have unpaid invoices for the Bendahara to pay.")
    for n, unit in enumerate(treasurer_units, 1):
        user = _account(f"load-bendahara-{n}", f"Bendahara Beban {n}", password_hash, groups[roles.TREASURER])
        membership_grant(user=user, unit=unit, role=Membership.Role.TREASURER)
        plan.treasurers.append(Account(email=user.email, unit=unit.code))

    # The offers, and the MSMEs among them with invoices waiting in the Bendahara's units.
    records = offer_records(moments=moments, quantity=QUANTITY)
    if not records:
        raise PlanError("No product can be ordered for the coming weeks (SSH, lead time, minimum, capacity).")
    waiting = dict(
        Invoice.objects.filter(
            status=Invoice.Status.UNPAID,
            unit_order__unit__in=treasurer_units,
            unit_order__partner_id__in={r.partner_id for r in records},
        )
        .values_list("unit_order__partner_id")
        .annotate(n=Count("pk"))
    )
    by_partner: dict[int, list] = {}
    for record in records:
        by_partner.setdefault(record.partner_id, []).append(record)
    ranked = sorted(by_partner, key=lambda pid: (-waiting.get(pid, 0), pid))
    msme_partners = ranked[: counts["msmes"]]
    if len(msme_partners) < counts["msmes"]:
        raise PlanError(f"Only {len(msme_partners)} MSMEs have products officers can order.")
    for partner_id in msme_partners:
        vendor = Vendor.objects.select_related("owner", "partner").get(partner_id=partner_id)
        owner = vendor.owner
        owner.password = password_hash
        owner.save(update_fields=["password"])
        user_ensure(
            email=owner.email, full_name=owner.get_full_name() or owner.email, password_hash=password_hash
        )
        vendor.partner.users.add(owner)
        plan.msmes.append(Account(email=owner.email))
        plan.msme_offers += [_offer(r) for r in by_partner[partner_id][:3]]
    plan.offers = [_offer(by_partner[pid][0]) for pid in ranked[:OFFER_PARTNERS]]

    # Officers: one unit each, the units with the most left on a food line this year.
    lines = _lines_with_room(now=now)
    if len(lines) < counts["officers"]:
        raise PlanError(f"Only {len(lines)} units have a food budget line with room this year.")
    for n, line in enumerate(lines[: counts["officers"]], 1):
        user = _account(f"load-pemesan-{n}", f"Pemesan Beban {n}", password_hash, groups[roles.BUYER])
        membership_grant(user=user, unit=line.unit, role=Membership.Role.BUYER)
        mine = food_lines_for(user=user, year=timezone.localtime(now).year)
        best = max(mine, key=lambda x: (x.account.code == line.account.code, x.available_idr))
        plan.officers.append(Account(email=user.email, unit=line.unit.code, budget_line=best.pk))

    for n in range(1, counts["analysts"] + 1):
        user = _account(f"load-analis-{n}", f"Analis Beban {n}", password_hash, groups[roles.ANALYST])
        plan.analysts.append(Account(email=user.email))

    plan.words = list(WORDS)
    products = Product.objects.filter(is_public=True, stockrecords__partner__is_active=True).order_by("pk")
    step = max(1, products.count() // 300)
    plan.product_urls = [p.get_absolute_url() for p in products[::step][:300]]
    plan.vendor_urls = [
        reverse("vendors:vendor-detail", args=[slug])
        for slug in Vendor.objects.filter(partner__is_active=True)
        .order_by("pk")
        .values_list("slug", flat=True)[:50]
    ]
    plan.category_urls = [
        c.get_absolute_url() for c in Category.objects.filter(is_public=True).order_by("path")[:20]
    ]
    return plan


def _account(local: str, full_name: str, password_hash: str, group) -> User:
    user, created = user_ensure(
        email=f"{local}@{DEMO_DOMAIN}", full_name=full_name, password_hash=password_hash, groups=[group]
    )
    if not created:  # a rerun: the run's new password
        user.password = password_hash
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
    return user


def _offer(record) -> Offer:
    return Offer(
        product=record.product_id,
        url=record.product.get_absolute_url(),
        partner=record.partner_id,
        min_qty=record.product.min_order_qty,
        price=int(record.price),
    )


def offer_records(*, moments: list[datetime], quantity: int) -> list:
    """Stock records an officer can order `quantity` of for any of `moments`: public food, an
    active MSME open every day of the window with room for several orders a day, within the
    year's SSH ceiling for meetings, the lead time and the minimum (the checkout's own rules)."""
    first, last = min(moments), max(moments)
    lead_ok = int((first - timezone.now()).total_seconds() // 3600) - 2
    records = (
        StockRecord.objects.filter(
            partner__is_active=True,
            partner__closed_weekdays="",
            product__is_public=True,
            product__kind__in=["nasi_kotak", "kudapan"],
            product__lead_time_hours__lte=lead_ok,
            product__min_order_qty__lte=quantity,
            price__lte=40_000,
        )
        .filter(Q(partner__daily_capacity=None) | Q(partner__daily_capacity__gte=10 * quantity))
        .exclude(
            partner__closed_days__date__gte=timezone.localtime(first).date(),
            partner__closed_days__date__lte=timezone.localtime(last).date(),
        )
        .select_related("product", "partner")
        .order_by("partner_id", "product_id")[:2000]
    )
    ceilings = ceilings_by_kind(year=timezone.localtime(first).year)
    fits = []
    for record in records:
        kind = record.product.ceiling_kind
        if checkout_rules.ceiling_problem(
            product=record.product, price_idr=int(record.price), kind=kind, year=first.year, ceilings=ceilings
        ):
            continue
        fits.append(record)
    return fits


def _lines_with_room(*, now: datetime) -> list:
    """One food line per unit (account 0052, meetings), the units with the most left first."""
    from procurement.budgets.models import BudgetLine

    year = timezone.localtime(now).year
    lines = (
        BudgetLine.objects.filter(fiscal_year=year, account__kind="makan_minum", unit__is_active=True)
        .annotate(left=F("pagu_idr") - F("committed_idr") - F("realized_idr"))
        .filter(left__gte=50_000_000)
        .select_related("unit", "account")
        .order_by("-left", "pk")
    )
    seen, out = set(), []
    for line in lines:
        if line.unit_id not in seen:
            seen.add(line.unit_id)
            out.append(line)
    return out
