"""The pages `manage.py bench` times, each beside its floor.

A page is requested in-process with Django's test client (middleware, queries, templates; no
network), as the person it is for (`force_login`), `requests` times after `warmup` untimed
ones. Its **floor** is the same rows fetched by one plain SQL query and serialised with
`json.dumps`, no framework: what the page could cost at best. The floors are written for
PostgreSQL (full-text and trigram operators); on SQLite they are left out.

The people and rows a page is timed with are chosen from the data set (`Actors`): the unit
with the most orders, the MSME with the most orders, the Bendahara with the most unpaid
invoices, the demo Analis.
"""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.accounts import roles
from procurement.bench.results import PageResult
from procurement.ordering import lifecycle
from procurement.ordering.models import UnitOrder
from procurement.settlement.models import Invoice
from procurement.settlement.selectors import UNPAID
from procurement.units.models import Membership, Unit
from vendors.models import Vendor

User = get_user_model()
Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")

PAGE_SIZE = 24  # the catalogue's page
LIST_SIZE = 25  # order history, incoming orders, payables
WORDS = {"common": "nasi", "rare": "kampung", "typo": "rissoles"}

# Goals of issue 19 (median server time, ms).
GOAL_LISTING_MS = 50.0
GOAL_PRODUCT_MS = 25.0
GOAL_DASHBOARD_MS = 100.0


class BenchError(Exception):
    """A page could not be timed (it did not answer 200, or the data set lacks what it needs)."""


@dataclass
class Actors:
    officer: object
    unit: Unit
    vendor_user: object
    vendor: Vendor
    treasurer: object
    treasurer_unit: Unit
    analyst: object
    product: object
    category: object
    year: int


def actors_find() -> Actors:
    """The people and rows the pages are timed with (the busiest of each, so the worst case)."""
    busiest_unit = (
        UnitOrder.objects.values("unit_id").annotate(n=Count("pk")).order_by("-n", "unit_id").first()
    )
    if not busiest_unit:
        raise BenchError("No orders in the database: build the data set first (manage.py bench_seed).")
    unit = Unit.objects.get(pk=busiest_unit["unit_id"])
    officer = _member(unit, Membership.Role.BUYER)
    busiest_partner = (
        UnitOrder.objects.values("partner_id").annotate(n=Count("pk")).order_by("-n", "partner_id").first()
    )
    vendor = Vendor.objects.select_related("owner", "partner").get(partner_id=busiest_partner["partner_id"])
    unpaid = (
        Invoice.objects.filter(status=Invoice.Status.UNPAID)
        .values("unit_order__unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    treasurer_unit = Unit.objects.get(pk=unpaid["unit_order__unit_id"]) if unpaid else unit
    treasurer = _member(treasurer_unit, Membership.Role.TREASURER)
    analyst = (
        User.objects.filter(is_active=True, groups__name=roles.ANALYST).order_by("pk").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )
    product = (
        Product.objects.filter(stockrecords__partner_id=vendor.partner_id, is_public=True)
        .order_by("pk")
        .first()
    )
    category = Category.objects.filter(slug="nasi-kotak").first() or Category.objects.order_by("path").first()
    if None in (officer, treasurer, analyst, product, category):
        raise BenchError("The data set lacks an officer, a Bendahara, an Analis, a product or a category.")
    return Actors(
        officer=officer,
        unit=unit,
        vendor_user=vendor.owner,
        vendor=vendor,
        treasurer=treasurer,
        treasurer_unit=treasurer_unit,
        analyst=analyst,
        product=product,
        category=category,
        year=timezone.localdate().year,
    )


def _member(unit: Unit, role: str):
    membership = (
        Membership.objects.filter(unit=unit, role=role, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
        .first()
    )
    return membership.user if membership else None


@dataclass
class Page:
    group: str
    name: str
    url: str
    user: object | None = None
    floor: tuple[str, list] | None = None  # (sql, params)
    goal_ms: float | None = None
    cold_cache: bool = False  # clear the cache before each request (cached public figures)


def _catalogue_sql(where: str = "", order: str = "p.date_created DESC, p.id DESC", offset: int = 0) -> str:
    return f"""
        SELECT p.id, p.title, p.slug, sr.price, pa.name,
               (SELECT i.original FROM catalogue_productimage i WHERE i.product_id = p.id
                 ORDER BY i.display_order, i.id LIMIT 1)
          FROM catalogue_product p
          JOIN partner_stockrecord sr ON sr.product_id = p.id
          JOIN partner_partner pa ON pa.id = sr.partner_id AND pa.is_active
         WHERE p.is_public AND p.structure IN ('standalone', 'parent') {where}
         ORDER BY {order} LIMIT {PAGE_SIZE} OFFSET {offset}"""


def pages_catalogue(a: Actors) -> list[Page]:
    ts = "p.search_document @@ to_tsquery('indonesian', %s)"
    rank = "ts_rank(p.search_document, to_tsquery('indonesian', %s)) DESC, p.id"
    category_url = a.category.get_absolute_url()
    return [
        Page("catalogue", "Listing, page 1", "/catalogue/", floor=(_catalogue_sql(), []), goal_ms=50.0),
        Page(
            "catalogue",
            "Listing, page 40",
            "/catalogue/?page=40",
            floor=(_catalogue_sql(offset=39 * PAGE_SIZE), []),
            goal_ms=GOAL_LISTING_MS,
        ),
        *(
            Page(
                "catalogue",
                f"Search '{word}' ({kind})",
                f"/catalogue/?q={word}",
                floor=(
                    _catalogue_sql(f"AND {ts}", order=rank),
                    [f"{word}:*", f"{word}:*"],
                )
                if kind != "typo"
                else (
                    _catalogue_sql("AND p.title %%> %s", order="word_similarity(%s, p.title) DESC, p.id"),
                    [word, word],
                ),
                goal_ms=GOAL_LISTING_MS,
            )
            for kind, word in WORDS.items()
        ),
        Page(
            "catalogue",
            "Pemerataan, as an officer",
            "/catalogue/?sort=pemerataan",
            user=a.officer,
            floor=(_catalogue_sql(order="p.vendor_sales_90d_idr, p.date_created DESC, p.id DESC"), []),
            goal_ms=GOAL_LISTING_MS,
        ),
        Page(
            "catalogue",
            f"Category '{a.category.name}'",
            category_url,
            floor=(
                _catalogue_sql(
                    "AND p.id IN (SELECT pc.product_id FROM catalogue_productcategory pc "
                    "JOIN catalogue_category c ON c.id = pc.category_id WHERE c.path LIKE %s)"
                ),
                [f"{a.category.path}%"],
            ),
            goal_ms=GOAL_LISTING_MS,
        ),
        Page(
            "catalogue",
            "Product page",
            a.product.get_absolute_url(),
            floor=(
                """SELECT p.id, p.title, p.description, p.kind, p.min_order_qty, p.lead_time_hours, sr.price,
                          pa.name, v.slug, v.business_name,
                          (SELECT array_agg(i.original ORDER BY i.display_order) FROM catalogue_productimage i
                            WHERE i.product_id = p.id),
                          (SELECT array_agg(c.name) FROM catalogue_productcategory pc
                             JOIN catalogue_category c ON c.id = pc.category_id WHERE pc.product_id = p.id)
                     FROM catalogue_product p
                     JOIN partner_stockrecord sr ON sr.product_id = p.id
                     JOIN partner_partner pa ON pa.id = sr.partner_id
                     LEFT JOIN vendors_vendor v ON v.partner_id = pa.id
                    WHERE p.id = %s""",
                [a.product.pk],
            ),
            goal_ms=GOAL_PRODUCT_MS,
        ),
    ]


def pages_people(a: Actors) -> list[Page]:
    """The pages of each role over the orders: what grows with the order lines."""
    return [
        Page(
            "pages",
            "MSME's public page",
            reverse("vendors:vendor-detail", args=[a.vendor.slug]),
            floor=(
                """SELECT v.business_name, v.description, k.name,
                          (SELECT avg(r.score) FROM ordering_vendorrating r
                            WHERE r.partner_id = v.partner_id),
                          (SELECT json_agg(x) FROM ("""
                + _catalogue_sql("AND sr.partner_id = %s")
                + """) x)
                     FROM vendors_vendor v LEFT JOIN regions_region k ON k.id = v.kecamatan_id
                    WHERE v.id = %s""",
                [a.vendor.partner_id, a.vendor.pk],
            ),
            goal_ms=GOAL_LISTING_MS,
        ),
        Page(
            "pages",
            "MSME's incoming orders",
            reverse("ordering:vendor-orders"),
            user=a.vendor_user,
            floor=(
                f"""SELECT o.number, uo.status, uo.delivery_at, uo.total_idr, uo.portions, e.name, u.name
                      FROM ordering_unitorder uo
                      JOIN order_order o ON o.id = uo.order_id
                      JOIN ordering_event e ON e.id = uo.event_id
                      JOIN units_unit u ON u.id = uo.unit_id
                     WHERE uo.partner_id = %s AND uo.status = ANY(%s)
                     ORDER BY uo.delivery_at, uo.id LIMIT {LIST_SIZE}""",
                [a.vendor.partner_id, [str(s) for s in lifecycle.OPEN_STATUSES]],
            ),
        ),
        *pages_growing(a),
    ]


def pages_growing(a: Actors) -> list[Page]:
    """The four pages of the growth table (item 3): their cost should not follow the order lines."""
    year = a.year
    return [
        Page(
            "pages",
            "Officer's order history",
            reverse("ordering:order-list"),
            user=a.officer,
            floor=(
                f"""SELECT o.number, uo.status, uo.created_at, uo.delivery_at, uo.total_idr, e.name, pa.name,
                           bl.sub_activity_name
                      FROM ordering_unitorder uo
                      JOIN order_order o ON o.id = uo.order_id
                      JOIN ordering_event e ON e.id = uo.event_id
                      JOIN partner_partner pa ON pa.id = uo.partner_id
                      JOIN budgets_budgetline bl ON bl.id = uo.budget_line_id
                     WHERE uo.unit_id IN (SELECT unit_id FROM units_membership
                                           WHERE user_id = %s AND is_active)
                     ORDER BY uo.created_at DESC, uo.id DESC LIMIT {LIST_SIZE}""",
                [a.officer.pk],
            ),
            goal_ms=GOAL_DASHBOARD_MS,
        ),
        Page(
            "pages",
            "Bendahara's payables",
            reverse("settlement:payables"),
            user=a.treasurer,
            floor=(
                f"""SELECT i.number, i.received_at, i.subtotal_idr, i.pbjt_idr, i.pph_idr, i.net_idr,
                           o.number, pa.name, e.name
                      FROM settlement_invoice i
                      JOIN ordering_unitorder uo ON uo.id = i.unit_order_id
                      JOIN order_order o ON o.id = uo.order_id
                      JOIN partner_partner pa ON pa.id = uo.partner_id
                      JOIN ordering_event e ON e.id = uo.event_id
                     WHERE uo.unit_id IN (SELECT unit_id FROM units_membership
                                           WHERE user_id = %s AND role = 'bendahara' AND is_active)
                       AND i.status = ANY(%s)
                     ORDER BY i.received_at, i.id LIMIT {LIST_SIZE}""",
                [a.treasurer.pk, [str(s) for s in UNPAID]],
            ),
            goal_ms=GOAL_DASHBOARD_MS,
        ),
        Page(
            "pages",
            "Analyst dashboard (/statistik/)",
            reverse("census:dashboard"),
            user=a.analyst,
            floor=(
                """SELECT sector, size_class, owner_gender, kecamatan_id, platform_status, count(*)
                     FROM census_censusrecord
                    GROUP BY GROUPING SETS ((sector), (size_class), (owner_gender), (kecamatan_id),
                                            (platform_status))
                   UNION ALL
                   SELECT unit_code, NULL, NULL, NULL, NULL, sum(amount_idr)
                     FROM census_platformsales WHERE month >= %s GROUP BY unit_code""",
                [date(year, 1, 1)],
            ),
            goal_ms=GOAL_DASHBOARD_MS,
        ),
        Page(
            "pages",
            "Transparency page, cold cache",
            reverse("transparency:index"),
            floor=_transparency_floor(year),
            goal_ms=GOAL_DASHBOARD_MS,
            cold_cache=True,
        ),
        Page(
            "pages",
            "Transparency page, cached",
            reverse("transparency:index"),
            floor=_transparency_floor(year),
            goal_ms=GOAL_DASHBOARD_MS,
        ),
    ]


def _transparency_floor(year: int) -> tuple[str, list]:
    return (
        """SELECT date_trunc('month', i.paid_at), uo.unit_id, v.sector, pa.kecamatan_id,
                  sum(i.total_idr), count(*), count(DISTINCT uo.partner_id)
             FROM settlement_invoice i
             JOIN ordering_unitorder uo ON uo.id = i.unit_order_id
             JOIN partner_partner pa ON pa.id = uo.partner_id
             LEFT JOIN vendors_vendor v ON v.partner_id = pa.id
            WHERE i.status = %s AND i.paid_at >= %s AND i.paid_at < %s
            GROUP BY GROUPING SETS ((1), (2), (3), (4), (uo.partner_id))""",
        [str(Invoice.Status.PAID), _aware(year, 1, 1), _aware(year + 1, 1, 1)],
    )


def _aware(year, month, day):
    return timezone.make_aware(datetime(year, month, day), timezone.get_default_timezone())


def pages_api(a: Actors) -> list[Page]:
    return [
        Page(
            "pages",
            "API: a unit's paid orders",
            reverse("api:unit-paid-orders", args=[a.unit.code]),
            floor=(
                """SELECT o.number, i.paid_at, i.total_idr, pa.name, u.code
                     FROM settlement_invoice i
                     JOIN ordering_unitorder uo ON uo.id = i.unit_order_id
                     JOIN order_order o ON o.id = uo.order_id
                     JOIN partner_partner pa ON pa.id = uo.partner_id
                     JOIN units_unit u ON u.id = uo.unit_id
                    WHERE uo.unit_id = %s AND i.status = %s
                    ORDER BY i.paid_at DESC, i.id DESC LIMIT 50""",
                [a.unit.pk, str(Invoice.Status.PAID)],
            ),
            goal_ms=GOAL_LISTING_MS,
        ),
    ]


# --- Timing ---------------------------------------------------------------------------------------


def floor_time(sql: str, params: list, *, repeat: int) -> tuple[float, int]:
    """Median milliseconds of running `sql` and `json.dumps` of its rows; and the rows' count."""
    times, rows = [], []
    with connection.cursor() as cursor:
        for _ in range(repeat + 1):
            started = time.perf_counter()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            json.dumps(rows, default=str)
            times.append((time.perf_counter() - started) * 1000)
    times = sorted(times[1:])  # the first one warms the plan cache
    return times[len(times) // 2], len(rows)


def page_measure(page: Page, *, requests: int, warmup: int, clients: dict) -> PageResult:
    """Time `page` `requests` times (after `warmup` untimed requests) as its user."""
    client = clients.get(page.user)
    if client is None:
        client = clients[page.user] = Client()
        if page.user is not None:
            client.force_login(page.user)
    secure = bool(getattr(settings, "SECURE_SSL_REDIRECT", False))
    for _ in range(warmup):
        _get(client, page, secure)
    times, sql, queries = [], [], 0
    for n in range(requests):
        if page.cold_cache:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            _get(client, page, secure)
            times.append((time.perf_counter() - started) * 1000)
        sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        if n == 0:
            queries = len(captured)
    floor_ms = floor_rows = None
    if page.floor and connection.vendor == "postgresql":
        floor_ms, floor_rows = floor_time(*page.floor, repeat=max(5, min(requests, 30)))
    return PageResult(
        group=page.group,
        name=page.name,
        url=page.url,
        requests=requests,
        times_ms=times,
        sql_ms=sql,
        queries=queries,
        floor_ms=floor_ms,
        floor_rows=floor_rows,
        goal_ms=page.goal_ms,
    )


def _get(client: Client, page: Page, secure: bool):
    response = client.get(page.url, secure=secure)
    if response.status_code != 200:
        raise BenchError(f"{page.url} answered {response.status_code}, not 200: fix it before timing it.")
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response


PAGE_GROUPS: dict[str, Callable[[Actors], list[Page]]] = {
    "catalogue": pages_catalogue,
    "pages": lambda a: pages_people(a) + pages_api(a),
}


def clients_close(clients: dict) -> None:
    """Log the benchmark's clients out (removes their session rows)."""
    for user, client in clients.items():
        if user is not None:
            client.logout()
