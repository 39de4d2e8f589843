"""Seed the demo world: city pack, catalogue, MSMEs with products, role accounts, budget lines.

    manage.py seed_demo                      # the demo: ~30 approved MSMEs, one account per role
    manage.py seed_demo --scale city         # plus 20,000 MSMEs and 100,000 products for benchmarks

Idempotent: a second run creates nothing and changes nothing.
"""

import sys
import time
from io import StringIO

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from tqdm import tqdm

from marketplace.accounts import roles
from marketplace.catalogue import demo as catalogue_demo
from procurement import demo as procurement_demo
from procurement.demo_orders import demo_orders_seed
from vendors import demo as vendors_demo
from vendors import demo_city as vendors_demo_city


class Command(BaseCommand):
    help = (
        "Create the demo world: the city pack, product kinds, demo MSMEs with products and photos, "
        "one account per role (shared demo password) and budget lines. With --scale city, also "
        "tens of thousands of MSMEs and products for benchmarks. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=("demo", "city"), default="demo")
        parser.add_argument(
            "--vendors",
            type=int,
            default=None,
            help="Seed only the first N approved demo MSMEs (default: all of them, about 30).",
        )
        parser.add_argument("--city-vendors", type=int, default=20_000, help="City scale: number of MSMEs.")
        parser.add_argument(
            "--city-products", type=int, default=100_000, help="City scale: number of products."
        )
        parser.add_argument("--batch-size", type=int, default=2_000, help="City scale: rows per bulk insert.")

    def handle(self, *args, scale, vendors, city_vendors, city_products, batch_size, verbosity, **options):
        if vendors is not None and vendors < 1:
            raise CommandError(
                "--vendors must be at least 1: the first MSME's owner is the Pelaku UMKM account."
            )
        if city_vendors < 0 or city_products < 0 or batch_size < 1:
            raise CommandError(
                "--city-vendors and --city-products cannot be negative; --batch-size is at least 1."
            )
        started = time.monotonic()
        quiet = verbosity == 0

        # The city pack first: regions, units, budget accounts, price ceilings.
        call_command("load_city_pack", stdout=self.stdout if verbosity > 1 else StringIO())
        districts = vendors_demo.districts_load()
        password_hash = make_password(procurement_demo.DEMO_PASSWORD)

        staff = procurement_demo.demo_accounts_seed(password_hash=password_hash)
        specs = vendors_demo.demo_vendor_specs(approved=vendors)
        vendors_created = products_created = 0
        for spec in tqdm(specs, desc="Demo MSMEs", unit="MSME", file=sys.stderr, disable=quiet):
            _vendor, report = vendors_demo.demo_vendor_seed(
                spec=spec, districts=districts, password_hash=password_hash, verifier=staff[roles.VERIFIER]
            )
            vendors_created += report.vendors_created
            products_created += report.products_created
        lines_created = procurement_demo.demo_budget_lines_seed(fiscal_year=timezone.localdate().year)
        memberships = procurement_demo.demo_memberships_seed(users=staff)
        # The demo's notifications are kept out of the console (they go to a memory outbox).
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            orders_created = demo_orders_seed(officer=staff[roles.BUYER])
        self._say(
            verbosity,
            f"Demo: {vendors_created} MSMEs, {products_created} products, {lines_created} budget lines, "
            f"{memberships} unit memberships and {orders_created} orders created.",
        )

        if scale == "city":
            self._seed_city(
                refs=catalogue_demo.catalogue_ensure(),
                vendors=city_vendors,
                products=city_products,
                batch_size=batch_size,
                verbosity=verbosity,
            )
            self._say(verbosity, f"City scale done in {time.monotonic() - started:.0f} s.")

        if verbosity:
            self._print_accounts()

    def _seed_city(self, *, refs, vendors: int, products: int, batch_size: int, verbosity: int) -> None:
        pool = catalogue_demo.photo_pool_ensure()
        bar_options = {"file": sys.stderr, "disable": verbosity == 0, "smoothing": 0.1}
        with (
            tqdm(total=vendors, desc="City MSMEs", unit="MSME", **bar_options) as vendor_bar,
            tqdm(total=products, desc="City products", unit="product", **bar_options) as product_bar,
        ):
            try:
                report = vendors_demo_city.city_vendors_seed(
                    vendors=vendors,
                    products=products,
                    refs=refs,
                    photo_pool=pool,
                    batch_size=batch_size,
                    on_vendors=vendor_bar.update,
                    on_products=product_bar.update,
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        if report.vendors_created or report.products_created:
            self._analyze()
        self._say(
            verbosity,
            f"City scale: {report.vendors_created} MSMEs and {report.products_created} products created "
            f"(target {report.vendors_total} MSMEs, {report.products_total} products).",
        )

    def _analyze(self) -> None:
        """Refresh the planner's statistics (and the visibility map) after a bulk insert: until
        autovacuum gets to it, PostgreSQL plans the catalogue's queries for the tables as they
        were (empty). VACUUM cannot run inside a transaction (a test's): ANALYZE alone there."""
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")

    def _say(self, verbosity: int, message: str) -> None:
        if verbosity:
            self.stdout.write(message)

    def _print_accounts(self) -> None:
        rows = procurement_demo.demo_accounts()
        role_width = max(len("Role"), *(len(role) for role, _ in rows))
        email_width = max(len("E-mail"), *(len(email) for _, email in rows))
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo accounts"))
        self.stdout.write(f"{'Role':<{role_width}}  {'E-mail':<{email_width}}  Password")
        self.stdout.write(
            f"{'-' * role_width}  {'-' * email_width}  {'-' * len(procurement_demo.DEMO_PASSWORD)}"
        )
        for role, email in rows:
            self.stdout.write(
                f"{role:<{role_width}}  {email:<{email_width}}  {procurement_demo.DEMO_PASSWORD}"
            )
        self.stdout.write(
            "Staff roles set up two-factor login (TOTP) at their first login unless STAFF_MFA_REQUIRED=false."
        )
