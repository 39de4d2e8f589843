"""The fairness simulation of the catalogue's ordering (issue 19, item 5): `manage.py bench --fairness`.

10,000 simulated officer orders (1,000 with --quick) go through the project's own listing code on
the benchmark's data set, and each scenario reports how the spending spread over the MSMEs:
the share the top 10% of MSMEs received, the Gini coefficient (0: everyone the same, 1: one
took all) and how many MSMEs were paid at least once.

- The listing is the real `marketplace.catalogue.selectors.product_search` with the real
  `default_sort` (officers: Pemerataan), first page (24 products); the officer picks the product
  at rank r with weight 1/r.
- Each order lands as in the project: the MSME's 90-day sales grow by the order's amount and are
  stored through the real `marketplace.partner.services.partner_sales_store` (procurement's
  `vendor_sales_refresh` computes the same figure from real order lines; the simulated orders
  are not written as orders, so the figure is its start value plus the simulated spending), so
  the next listing sorts on the new figures.
- A first page is read again only when it may have changed: sales only grow during the run, so
  a page changes only when an MSME on it sold; pages without that MSME are kept. The result is
  the same as querying before every order, at a fraction of the queries.
- Every scenario runs in a transaction that is rolled back: the data set is left as it was.

Scenarios: each sort alone (relevance over a searched word, price ascending, newest,
Pemerataan) in the kecamatan with the most MSMEs; the realistic mix — 40% the default sort,
30% price ascending, 30% a searched word, 60% of orders going back to the unit's most-used
MSME — once within that kecamatan (measured over its MSMEs) and once with half the listings
in a kecamatan and half over the whole city (measured over every MSME of the city: with 10,000
orders for 19,000 MSMEs even a perfect spread leaves the top 10% about a fifth).
"""

import math
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from oscar.core.loading import get_model

from marketplace.catalogue.selectors import ListingFilters, comparable_offers, default_sort, product_search
from marketplace.partner.services import partner_sales_store
from procurement.bench.results import JobResult
from procurement.bench.vacuum import vacuum_bloated
from procurement.ordering.checkout_rules import rotation_allows
from procurement.units.models import Unit

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

SEED = 19
ORDERS = 10_000
ORDERS_QUICK = 1_000
PAGE = 24
QUANTITY = 20  # portions per order: the amount is the price × 20
# Except what is priced per piece for the whole meeting: one tumpeng, a box of souvenirs each.
QUANTITY_BY_KIND = {"tumpeng": 1, "oleh_oleh": 10}
# Units buy meeting food on food budget lines: an officer browsing picks a food kind (the shop's
# home shows them first); the weights are those of a meeting's orders. Kinds the home kecamatan
# does not sell are left out.
FOOD_KINDS = (("nasi_kotak", 0.45), ("kudapan", 0.35), ("prasmanan", 0.1), ("minuman", 0.1))
WORDS = ("nasi", "snack", "ayam", "kue", "nasi kotak", "tumpeng", "bakso", "kopi")


def quantity_for(kind: str) -> int:
    return QUANTITY_BY_KIND.get(kind, QUANTITY)


REPEAT_SHARE = 0.6
MONTHS = 12  # the orders of a run are one fiscal year's: the rotation counts per month
GOAL_TOP_SHARE = 0.25
# An officer with no preference: default_sort gives Pemerataan to whoever may place orders.
OFFICER = SimpleNamespace(is_authenticated=True, has_perm=lambda perm: perm == "accounts.place_orders")


class FairnessNotBuilt(Exception):
    """Kept for the command's error path (the simulation exists now)."""


# --- The figures --------------------------------------------------------------------------------


def gini(values) -> float:
    """The Gini coefficient of non-negative amounts (0 when all are equal or there is nothing)."""
    xs = sorted(values)
    n, total = len(xs), sum(xs)
    if n == 0 or total == 0:
        return 0.0
    weighted = sum((i + 1) * x for i, x in enumerate(xs))
    return (2 * weighted) / (n * total) - (n + 1) / n


def top_share(values, fraction: float = 0.1) -> float:
    """The share of the total the top `fraction` of the population received (at least one)."""
    xs = sorted(values, reverse=True)
    total = sum(xs)
    if not xs or total == 0:
        return 0.0
    top = max(1, math.ceil(len(xs) * fraction))
    return sum(xs[:top]) / total


def pick_rank(rng: random.Random, size: int) -> int:
    """A rank on a page of `size` (0-based), rank r chosen with weight 1/(r+1)."""
    weights = [1 / (r + 1) for r in range(size)]
    return rng.choices(range(size), weights=weights)[0]


# --- The simulation ------------------------------------------------------------------------------


@dataclass
class Choice:
    """How one order finds its product when it does not go back to a usual MSME."""

    sort: str  # "" = the officer's default (default_sort)
    word: bool  # searches a word
    city: bool  # the whole city (else one kecamatan)


@dataclass
class Scenario:
    name: str
    choices: list[tuple[float, Choice]]
    repeat: float = 0.0  # share of orders back to the unit's most-used MSME
    city_metrics: bool = False  # measured over every MSME of the city (else the kecamatan's)
    rotation: bool = False  # the project's rotation rule (ORDER_ROTATION_MONTHLY_LIMIT) applies


def scenarios() -> list[Scenario]:
    one = lambda sort, word=False: [(1.0, Choice(sort=sort, word=word, city=False))]  # noqa: E731
    found = [
        Scenario("relevance (a searched word), one kecamatan", one("relevance", word=True)),
        Scenario("price ascending, one kecamatan", one("price_asc")),
        Scenario("newest first, one kecamatan", one("newest")),
        Scenario("Pemerataan, one kecamatan", one("pemerataan")),
        Scenario(
            "Pemerataan + 60% back to the usual MSME, one kecamatan", one("pemerataan"), repeat=REPEAT_SHARE
        ),
        Scenario(
            "realistic mix, one kecamatan",
            [
                (0.40, Choice("", word=False, city=False)),
                (0.30, Choice("price_asc", word=False, city=False)),
                (0.30, Choice("", word=True, city=False)),
            ],
            repeat=REPEAT_SHARE,
        ),
        Scenario(
            "realistic mix, city",
            [
                (0.20, Choice("", word=False, city=False)),
                (0.20, Choice("", word=False, city=True)),
                (0.15, Choice("price_asc", word=False, city=False)),
                (0.15, Choice("price_asc", word=False, city=True)),
                (0.15, Choice("", word=True, city=False)),
                (0.15, Choice("", word=True, city=True)),
            ],
            repeat=REPEAT_SHARE,
            city_metrics=True,
        ),
    ]
    with_rotation = [
        Scenario(
            f"{s.name.replace(', ', ' + rotation, ', 1)}",
            s.choices,
            repeat=s.repeat,
            city_metrics=s.city_metrics,
            rotation=True,
        )
        for s in found
        if s.repeat
    ]
    return found + with_rotation


@dataclass
class Outcome:
    scenario: str
    orders: int
    vendors: int  # MSMEs measured over (the kecamatan's or the city's)
    spend: dict[int, int]  # partner → simulated spending
    listings: int  # first pages read from the database
    seconds: float
    repeats: int = 0  # orders that went back to the usual MSME
    switched: int = 0  # orders the rotation sent to a comparable offer instead
    notes: list[str] = field(default_factory=list)

    @property
    def amounts(self) -> list[int]:
        return list(self.spend.values()) + [0] * (self.vendors - len(self.spend))

    @property
    def top_share(self) -> float:
        return top_share(self.amounts)

    @property
    def gini(self) -> float:
        return gini(self.amounts)

    @property
    def paid(self) -> int:
        return sum(1 for v in self.spend.values() if v > 0)


class Listing:
    """First pages from the real `product_search`, kept until an MSME on them sells."""

    def __init__(self):
        self.pages: dict[tuple, list[tuple[int, int, int]]] = {}
        self.by_partner: dict[int, set[tuple]] = defaultdict(set)
        self.products: dict[int, object] = {}
        self.reads = 0

    def first_page(self, *, sort: str, word: str, kecamatan_id: int | None, kind: str = "") -> list[tuple]:
        """(product, partner, price, quantity) of the first page."""
        key = (sort, word, kecamatan_id, kind)
        if key not in self.pages:
            qs = product_search(ListingFilters(query=word, kecamatan_id=kecamatan_id, kind=kind, sort=sort))
            rows = [
                (pk, partner, int(price), quantity_for(product_kind))
                for pk, partner, price, product_kind in qs.values_list(
                    "pk", "stockrecords__partner_id", "stockrecords__price", "kind"
                )[:PAGE]
            ]
            self.reads += 1
            self.pages[key] = rows
            if any("vendor_sales_90d_idr" in str(term) for term in qs.query.order_by):
                for row in rows:  # the order reads the sales: a sale may change it
                    self.by_partner[row[1]].add(key)
        return self.pages[key]

    def offers(self, *, product: int, price: int, partner: int, kecamatan_id: int | None) -> list:
        """The real `comparable_offers` an officer sees beside the order it would repeat (the
        order page's "Order again"), kept like the first pages until an MSME on them sells."""
        key = ("offers", product, price, partner, kecamatan_id)
        if key not in self.pages:
            found = comparable_offers(
                product=self._product(product),
                price_idr=price,
                exclude_partner_id=partner,
                kecamatan_id=kecamatan_id,
            )
            rows = []
            for offer in found:
                record = offer.stockrecords.all()[0]
                rows.append((offer.pk, record.partner_id, int(record.price), quantity_for(offer.kind)))
            self.reads += 1
            self.pages[key] = rows
            for row in rows:  # Pemerataan orders them: a sale may change them
                self.by_partner[row[1]].add(key)
            self.by_partner[partner].add(key)
        return self.pages[key]

    def _product(self, pk: int):
        if pk not in self.products:
            self.products[pk] = Product.objects.only("pk", "kind").get(pk=pk)
        return self.products[pk]

    def sold(self, partner: int) -> None:
        for key in self.by_partner.pop(partner, ()):
            rows = self.pages.pop(key, ())
            for row in rows:
                if row[1] != partner:
                    self.by_partner[row[1]].discard(key)


def simulate(
    scenario: Scenario,
    *,
    orders: int,
    seed: int,
    units: list[int],
    kecamatans: list[int],
    home_kecamatan: int,
    vendors: int,
    store=partner_sales_store,
    rotation_limit: int | None = None,
) -> Outcome:
    """Run `orders` orders of `scenario`; the sales figures are stored as they land (`store`).

    The orders are one fiscal year's, `MONTHS` equal months in a row. With `scenario.rotation`
    an MSME the unit already ordered from `rotation_limit` times that month
    (`checkout_rules.rotation_allows`, the rule checkout applies) is refused: an officer going
    back to the usual MSME takes one of the order page's comparable offers instead (1/rank), and
    one picking from a listing takes the next product on the page."""
    limit = (
        (settings.ORDER_ROTATION_MONTHLY_LIMIT if rotation_limit is None else rotation_limit)
        if scenario.rotation
        else 0
    )
    rng = random.Random(seed)
    started = time.perf_counter()
    listing = Listing()
    base = dict(Partner.objects.values_list("pk", "sales_90d_idr"))
    spend: dict[int, int] = defaultdict(int)
    usual: dict[int, Counter] = defaultdict(Counter)  # unit → partner → orders
    usual_offer: dict[tuple[int, int], tuple] = {}  # (unit, partner) → the row it ordered there
    placed: Counter = Counter()  # (unit, partner, month) → orders
    weights = [w for w, _c in scenario.choices]
    sold_kinds = set(  # the food kinds the home kecamatan sells
        Product.objects.filter(is_public=True, stockrecords__partner__kecamatan_id=home_kecamatan)
        .order_by()
        .values_list("kind", flat=True)
        .distinct()
    )
    kinds = [k for k, _w in FOOD_KINDS if k in sold_kinds] or [""]
    kind_weights = [w for k, w in FOOD_KINDS if k in sold_kinds] or [1]
    repeats = switched = 0
    for n in range(orders):
        month = n * MONTHS // orders
        unit = rng.choice(units)

        def allowed(row, unit=unit, month=month):
            return rotation_allows(placed=placed[(unit, row[1], month)], limit=limit)

        picked = None
        if scenario.repeat and usual[unit] and rng.random() < scenario.repeat:
            partner = usual[unit].most_common(1)[0][0]
            row = usual_offer[(unit, partner)]
            product, price = row[0], row[2]
            if allowed(row):
                picked = row
                repeats += 1
            else:
                kecamatan = None if scenario.city_metrics and rng.random() < 0.5 else home_kecamatan
                offers = [
                    row
                    for row in listing.offers(
                        product=product, price=price, partner=partner, kecamatan_id=kecamatan
                    )
                    if allowed(row)
                ]
                if offers:
                    picked = offers[pick_rank(rng, len(offers))]
                    switched += 1
        if picked is None:
            choice = rng.choices(scenario.choices, weights=weights)[0][1]
            kecamatan = (
                None
                if choice.city
                else (home_kecamatan if not scenario.city_metrics else rng.choice(kecamatans))
            )
            word = rng.choice(WORDS) if choice.word else ""
            kind = "" if word else rng.choices(kinds, weights=kind_weights)[0]
            sort = choice.sort or default_sort(OFFICER, word)
            rows = [
                row
                for row in listing.first_page(sort=sort, word=word, kecamatan_id=kecamatan, kind=kind)
                if allowed(row)
            ]
            if not rows:
                continue
            picked = rows[pick_rank(rng, len(rows))]
        product, partner, price, quantity = picked
        usual_offer.setdefault((unit, partner), picked)
        amount = price * quantity
        usual[unit][partner] += 1
        placed[(unit, partner, month)] += 1
        spend[partner] += amount
        store(sales={partner: base.get(partner, 0) + spend[partner]}, partner_ids=[partner])
        listing.sold(partner)
    return Outcome(
        scenario=scenario.name,
        orders=orders,
        vendors=vendors,
        spend=dict(spend),
        listings=listing.reads,
        seconds=time.perf_counter() - started,
        repeats=repeats,
        switched=switched,
    )


def _world() -> dict:
    """The units, the kecamatan with the most selling MSMEs, how many MSMEs sell."""
    selling = Partner.objects.filter(is_active=True, stockrecords__product__is_public=True).distinct()
    by_kecamatan = (
        selling.exclude(kecamatan=None)
        .order_by()
        .values("kecamatan_id")
        .annotate(n=Count("pk", distinct=True))
    )
    counts = {row["kecamatan_id"]: row["n"] for row in by_kecamatan}
    if not counts:
        raise FairnessError(
            "No MSME sells in any kecamatan: build the data set first (manage.py bench_seed)."
        )
    home = max(counts, key=lambda k: (counts[k], -k))
    units = list(Unit.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    if not units:
        raise FairnessError("No government unit in the database.")
    return {
        "units": units,
        "kecamatans": sorted(counts),
        "home": home,
        "home_vendors": counts[home],
        "city_vendors": selling.count(),
    }


class FairnessError(Exception):
    """The data set lacks what the simulation needs."""


def run(*, quick: bool, stdout, orders: int | None = None, only: list[str] | None = None) -> list[JobResult]:
    """Run every scenario (or those whose name contains one of `only`), each in a transaction
    rolled back; print and return one row each."""
    orders = orders or (ORDERS_QUICK if quick else ORDERS)
    world = _world()
    stdout.write("")
    stdout.write(
        f"Fairness: {orders:,} officer orders per scenario, seed {SEED}, first page of {PAGE} with a 1/rank "
        f"bias; {len(world['units'])} units; one kecamatan = {world['home_vendors']:,} MSMEs, "
        f"the city {world['city_vendors']:,} (on {connection.vendor})."
    )
    head = f"{'Scenario':<70} {'top 10%':>8} {'Gini':>6} {'paid':>7} {'of':>7} {'reads':>6} {'s':>6}"
    stdout.write(head)
    stdout.write("-" * len(head))
    results = []
    for scenario in scenarios():
        if only and not any(part in scenario.name for part in only):
            continue
        with transaction.atomic():
            outcome = simulate(
                scenario,
                orders=orders,
                seed=SEED,
                units=world["units"],
                kecamatans=world["kecamatans"],
                home_kecamatan=world["home"],
                vendors=world["city_vendors"] if scenario.city_metrics else world["home_vendors"],
            )
            transaction.set_rollback(True)
        stdout.write(
            f"{scenario.name[:70]:<70} {outcome.top_share:>7.1%} {outcome.gini:>6.2f} {outcome.paid:>7,} "
            f"{outcome.vendors:>7,} {outcome.listings:>6,} {outcome.seconds:>6.0f}"
        )
        # The goal holds for the realistic mix as the project runs it (with the rotation rule);
        # the row without it is kept for comparison.
        realistic = scenario.name.startswith("realistic") and scenario.rotation
        results.append(
            JobResult(
                group="fairness",
                name=scenario.name,
                seconds=outcome.seconds,
                items=orders,
                unit="orders",
                goal=f"top 10% ≤ {GOAL_TOP_SHARE:.0%}" if realistic else "",
                met=(outcome.top_share <= GOAL_TOP_SHARE) if realistic else None,
                note=f"top 10% {outcome.top_share:.1%}, Gini {outcome.gini:.2f}, {outcome.paid:,} paid",
                extra={
                    "top10_share": round(outcome.top_share, 4),
                    "gini": round(outcome.gini, 4),
                    "vendors_paid": outcome.paid,
                    "vendors": outcome.vendors,
                    "repeats": outcome.repeats,
                    "switched_by_rotation": outcome.switched,
                    "rotation_limit": settings.ORDER_ROTATION_MONTHLY_LIMIT if scenario.rotation else 0,
                    "listings_read": outcome.listings,
                    "seed": SEED,
                },
            )
        )
    vacuum_bloated(stdout)  # the rolled-back updates left their dead rows behind
    return results
