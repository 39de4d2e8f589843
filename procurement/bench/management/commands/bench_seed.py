"""Build (or find again) the benchmark's data set: the city scale with a million order lines.

    manage.py bench_seed                 # PostgreSQL: 20,000 MSMEs, 100,000 products, 1,000,000 lines
    manage.py bench_seed --lines 20000   # a smaller set (the default on SQLite)

Steps, each skipped when its part is there: the city scale of `seed_demo --scale city` (when the
city MSMEs or products are missing), a census record for every MSME, the orders of three fiscal
years with their budget lines, ledger, invoices and payments (`procurement.bench.dataset`), the
census register, the census's monthly aggregates (`census_recompute --fix`), the 90-day sales of
the Pemerataan sort, the planner's statistics. A `BenchDataSet` row marks a complete set: a rerun
prints it and exits.
"""

import sys
import time
from io import StringIO

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from oscar.core.loading import get_model
from tqdm import tqdm

from procurement.bench import census, dataset
from procurement.bench.models import BenchDataSet
from procurement.budgets.services import budget_recompute
from procurement.demo.city import CITY_EMAIL_PREFIX
from procurement.ordering.services import vendor_sales_refresh
from vendors.census.models import CensusRecord
from vendors.models import Vendor

Product = get_model("catalogue", "Product")

CITY_LINES = 1_000_000
SQLITE_LINES = 20_000
SQLITE_MAX_LINES = 200_000


class Command(BaseCommand):
    help = (
        "Build the benchmark's data set once (city-scale MSMEs and products, a million order lines "
        "over three fiscal years with their budgets, invoices, payments and census); a rerun reuses it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--lines", type=int, default=None, help="Order lines (default 1,000,000).")
        parser.add_argument("--years", type=int, default=3, help="Fiscal years, this one included (3).")
        parser.add_argument("--vendors", type=int, default=20_000, help="City-scale MSMEs (20,000).")
        parser.add_argument("--products", type=int, default=100_000, help="City-scale products (100,000).")
        parser.add_argument("--register", type=int, default=19_000, help="Census register rows (19,000).")
        parser.add_argument("--seed", type=int, default=19, help="Random seed of the orders (19).")

    def handle(self, *args, lines, years, vendors, products, register, seed, verbosity, **options):
        name = dataset.DATASET
        started = time.monotonic()
        sqlite = connection.vendor == "sqlite"
        if lines is None:
            lines = SQLITE_LINES if sqlite else CITY_LINES
            if sqlite:
                self.stderr.write(
                    self.style.WARNING(
                        f"SQLite: building {lines:,} order lines, not {CITY_LINES:,}. "
                        "The benchmark's figures are for PostgreSQL: "
                        "set DATABASE_URL=postgres://… for the city-scale set."
                    )
                )
        if sqlite and lines > SQLITE_MAX_LINES:
            raise CommandError(
                f"{lines:,} order lines on SQLite would take hours and measure nothing useful: use "
                "PostgreSQL (DATABASE_URL=postgres://user@host:5432/name) or --lines of at most "
                f"{SQLITE_MAX_LINES:,}."
            )
        if lines < 1 or years < 1 or vendors < 1 or products < 1 or register < 0:
            raise CommandError("--lines, --years, --vendors and --products must be at least 1.")
        existing = BenchDataSet.objects.filter(name=name).first()
        if existing:
            if existing.lines < lines:
                raise CommandError(
                    f"This database holds the data set {existing}; {lines:,} lines were asked. "
                    "Ledger entries cannot be deleted (append-only): "
                    "build the larger set in an empty database."
                )
            self.stdout.write(f"Reusing the data set {existing} (built {existing.built_at:%Y-%m-%d %H:%M}).")
            return
        bar = {"file": sys.stderr, "disable": verbosity == 0, "smoothing": 0.05}

        # 1. The city scale: MSMEs and products (seed_demo also loads the city pack and the demo).
        city_vendors = Vendor.objects.filter(owner__email__startswith=CITY_EMAIL_PREFIX).count()
        city_products = Product.objects.filter(code__startswith="city-").count()
        if city_vendors < vendors or city_products < products:
            self._say(verbosity, f"City scale: {city_vendors:,} MSMEs, {city_products:,} products; seeding…")
            call_command(
                "seed_demo",
                "--scale",
                "city",
                "--city-vendors",
                str(vendors),
                "--city-products",
                str(products),
                verbosity=verbosity,
                stdout=self.stdout if verbosity > 1 else StringIO(),
                stderr=self.stderr,
            )
        step = time.monotonic()

        # 2. A census record for every MSME.
        missing = Vendor.objects.exclude(pk__in=CensusRecord.objects.exclude(vendor=None).values("vendor_id"))
        with tqdm(total=missing.count(), desc="Census records", unit="MSME", **bar) as progress:
            census.records_bulk_create(progress=progress.update)

        # 3. The orders, batch by batch.
        with tqdm(total=lines, desc="Order lines", unit="line", **bar) as progress:
            report = dataset.dataset_build(lines=lines, years=years, seed=seed, on_batch=progress.update)
        self._say(
            verbosity,
            f"Orders: {report.orders:,} orders, {report.lines:,} lines, {report.rows:,} rows in "
            f"{report.batches} batches ({report.batches_skipped} already there), "
            f"{time.monotonic() - step:.0f} s.",
        )

        # 4. The census register beside the platform, through the importer.
        step = time.monotonic()
        imported = census.register_import(rows=register)
        if imported:
            self._say(verbosity, f"Census register: {imported} ({time.monotonic() - step:.0f} s).")

        # 5. What the payments feed: the census's aggregates and the 90-day sales (Pemerataan).
        step = time.monotonic()
        out = StringIO()
        call_command("census_recompute", "--fix", stdout=out)
        vendor_sales_refresh()
        self._say(verbosity, f"Census aggregates, 90-day sales refreshed ({time.monotonic() - step:.0f} s).")

        # 6. Checks, statistics, and the mark of a complete set.
        drifts = budget_recompute()
        if drifts:
            raise CommandError(f"{len(drifts)} budget line(s) differ from their ledger: a generator bug.")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        counts = dataset.dataset_counts()
        with transaction.atomic():
            BenchDataSet.objects.create(
                name=name,
                lines=counts["order_lines"],
                orders=counts["orders"],
                first_year=timezone.localdate().year - years + 1,
                last_year=timezone.localdate().year,
                register=CensusRecord.objects.exclude(source=CensusRecord.Source.PLATFORM).count(),
                seed=seed,
                built_at=timezone.now(),
                seconds=time.monotonic() - started,
                params={"asked_lines": lines, "vendors": vendors, "products": products, **counts},
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Data set ready in {time.monotonic() - started:.0f} s: "
                + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items())
                + "."
            )
        )

    def _say(self, verbosity: int, message: str) -> None:
        if verbosity:
            self.stdout.write(message)
