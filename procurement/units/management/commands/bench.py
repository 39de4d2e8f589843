"""Measure the catalogue's hot pages on the city-scale data set.

    manage.py seed_demo --scale city     # once: 20,000 MSMEs, 100,000 products
    manage.py bench                      # 30 requests per page, median and p95 server time

Requests go through Django in-process (django.test.Client) against the configured database,
so the figures are server time: middleware, queries and template rendering, no network.
The command reads only; it never generates data.
"""

import math
import os
import statistics
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.accounts import roles

CITY_SCALE_PRODUCTS = 100_000
GOAL_MEDIAN_MS = 150.0

Product = get_model("catalogue", "Product")
Partner = get_model("partner", "Partner")


@dataclass
class Result:
    label: str
    url: str
    times_ms: list[float]
    db_ms: list[float]
    queries: int
    listed: bool

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def db_median(self) -> float:
        return statistics.median(self.db_ms)


class Command(BaseCommand):
    help = (
        "Median and p95 server time of the catalogue listing and search pages on the city-scale data "
        f"set (at least {CITY_SCALE_PRODUCTS:,} products; run `manage.py seed_demo --scale city` first). "
        f"Goal: median under {GOAL_MEDIAN_MS:.0f} ms."
    )

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=30, help="Timed requests per page (default 30).")
        parser.add_argument(
            "--warmup", type=int, default=3, help="Untimed requests per page first (default 3)."
        )
        parser.add_argument(
            "--allow-small",
            action="store_true",
            help=f"Run even with fewer than {CITY_SCALE_PRODUCTS:,} products (figures then say little).",
        )
        parser.add_argument(
            "--check", action="store_true", help="Exit with an error when a page misses the goal."
        )

    def handle(self, *args, requests, warmup, allow_small, check, **options):
        if requests < 1 or warmup < 0:
            raise CommandError("--requests must be at least 1 and --warmup cannot be negative.")
        products = Product.objects.count()
        if products < CITY_SCALE_PRODUCTS and not allow_small:
            raise CommandError(
                f"The database holds {products:,} products; the benchmark needs the city-scale data set "
                f"(at least {CITY_SCALE_PRODUCTS:,}). Create it first with\n\n"
                "    python manage.py seed_demo --scale city\n\n"
                "(or pass --allow-small to measure this data set anyway)."
            )
        partners = Partner.objects.count()
        self.stdout.write(
            f"Data set: {products:,} products of {partners:,} MSMEs on {connection.vendor} "
            f"({connection.settings_dict.get('NAME')}). {requests} timed requests per page "
            f"after {warmup} warm-up requests."
        )
        self._say_load()
        if connection.vendor != "postgresql":
            self.stdout.write(
                self.style.WARNING("The goal is for PostgreSQL; SQLite figures are for comparison only.")
            )

        anonymous = Client()
        in_3_days = (timezone.localdate() + timedelta(days=3)).isoformat()
        pages = [
            ("Listing", anonymous, "/catalogue/"),
            ("Search 'nasi'", anonymous, "/catalogue/?q=nasi"),
            ("Search 'batik', price ascending", anonymous, "/catalogue/?q=batik&sort=price_asc"),
            ("Search with a typo 'rissoles'", anonymous, "/catalogue/?q=rissoles"),
            (
                "Lunch deliverable in 3 days",
                anonymous,
                f"/catalogue/?kind=nasi_kotak&available_on={in_3_days}",
            ),
        ]
        kecamatan_id = self._busiest_kecamatan()
        if kecamatan_id:
            pages.append(("Kecamatan + halal", anonymous, f"/catalogue/?kecamatan={kecamatan_id}&halal=on"))
        else:
            self.stdout.write(self.style.WARNING("No MSME has a kecamatan: the kecamatan page is skipped."))
        officer = self._officer()
        officer_client = None
        if officer:
            officer_client = Client()
            officer_client.force_login(officer)
            pages.append(("Pemerataan, as an officer", officer_client, "/catalogue/?sort=pemerataan"))
            pages.append(("Search 'nasi kotak', as an officer", officer_client, "/catalogue/?q=nasi+kotak"))
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"No active {roles.BUYER} account: the officer page is skipped "
                    "(`manage.py seed_demo` creates one)."
                )
            )

        secure = bool(getattr(settings, "SECURE_SSL_REDIRECT", False))
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        results = []
        try:
            with override_settings(ALLOWED_HOSTS=hosts):
                for label, client, url in pages:
                    results.append(self._measure(label, client, url, requests, warmup, secure))
        finally:
            if officer_client is not None:
                officer_client.logout()  # removes the benchmark's session row

        self._print(results)
        missed = [r for r in results if r.median >= GOAL_MEDIAN_MS]
        if missed and check:
            raise CommandError(f"{len(missed)} page(s) miss the {GOAL_MEDIAN_MS:.0f} ms median goal.")

    def _measure(self, label, client, url, requests, warmup, secure) -> Result:
        for _ in range(warmup):
            self._get(client, url, secure)
        times, db_times, queries, listed = [], [], 0, False
        for n in range(requests):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = self._get(client, url, secure)
                times.append((time.perf_counter() - started) * 1000)
            db_times.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
            if n == 0:
                queries = len(captured)
                listed = b'id="product-list"' in response.content
        return Result(label=label, url=url, times_ms=times, db_ms=db_times, queries=queries, listed=listed)

    def _get(self, client, url, secure):
        response = client.get(url, secure=secure)
        if response.status_code != 200:
            raise CommandError(
                f"{url} answered {response.status_code}, not 200: fix the page before timing it."
            )
        return response

    def _say_load(self) -> None:
        """Figures from a busy machine say little: tell how busy it is."""
        try:
            load = os.getloadavg()[0]
        except OSError:
            return
        cpus = os.cpu_count() or 1
        line = f"Load average {load:.1f} on {cpus} CPU(s)."
        if load > cpus:
            line += " The machine is busy: times are inflated; measure again when it is idle."
            self.stdout.write(self.style.WARNING(line))
        else:
            self.stdout.write(line)

    def _busiest_kecamatan(self) -> int | None:
        row = (
            Partner.objects.filter(is_active=True, kecamatan__isnull=False)
            .values("kecamatan_id")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        return row["kecamatan_id"] if row else None

    def _officer(self):
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(groups__name=roles.BUYER) | Q(groups__name=roles.PPK))
            .order_by("pk")
            .first()
        )

    def _print(self, results: list[Result]) -> None:
        label_w = max(len("Page"), *(len(r.label) for r in results))
        url_w = max(len("URL"), *(len(r.url) for r in results))
        head = (
            f"{'Page':<{label_w}}  {'URL':<{url_w}}  {'median':>8}  {'p95':>8}  {'of it SQL':>9}  "
            f"{'queries':>7}  goal"
        )
        self.stdout.write("")
        self.stdout.write(head)
        self.stdout.write("-" * len(head))
        for r in results:
            ok = r.median < GOAL_MEDIAN_MS
            mark = self.style.SUCCESS("met") if ok else self.style.ERROR("MISSED")
            note = "" if r.listed else "  (no products listed)"
            self.stdout.write(
                f"{r.label:<{label_w}}  {r.url:<{url_w}}  {r.median:>6.1f}ms  {r.p95:>6.1f}ms  "
                f"{r.db_median:>7.1f}ms  {r.queries:>7}  {mark}{note}"
            )
        self.stdout.write("")
        self.stdout.write(
            "median/p95: server time per request (middleware, queries, templates); "
            "'of it SQL': median time spent in the database."
        )
        met = sum(r.median < GOAL_MEDIAN_MS for r in results)
        summary = (
            f"Goal: median server time under {GOAL_MEDIAN_MS:.0f} ms per page — {met}/{len(results)} met."
        )
        self.stdout.write(self.style.SUCCESS(summary) if met == len(results) else self.style.ERROR(summary))
