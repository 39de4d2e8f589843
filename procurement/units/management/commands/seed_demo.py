"""Seed the demo world: city pack, MSMEs with products, role accounts, budget lines, orders, invoices.

    manage.py seed_demo                      # the demo: ~30 approved MSMEs, one account per role
    manage.py seed_demo --scale city         # plus 20,000 MSMEs and 100,000 products for benchmarks

A thin wrapper over `procurement.demo`, which makes everything through the services.
Idempotent: a second run creates nothing and changes nothing.
"""

import sys
import time
from io import StringIO

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from procurement import demo


class Command(BaseCommand):
    help = (
        "Create the demo world: the city pack, demo MSMEs with products and photos, one account per "
        "role (shared demo password), budget lines, and orders in every status with their invoices, "
        "made through the services. With --scale city, also tens of thousands of MSMEs and products "
        "for benchmarks. Idempotent."
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
        # The city pack first: regions, units, budget accounts, price ceilings, tax rules.
        call_command("load_city_pack", stdout=self.stdout if verbosity > 1 else StringIO())
        report = demo.demo_seed(approved=vendors, progress=verbosity > 0)
        self._say(verbosity, str(report))
        if not report.card_fake:
            self._say(verbosity, "The Stripe fake could not start: the card order was paid by transfer.")
        if scale == "city":
            self._seed_city(
                vendors=city_vendors, products=city_products, batch_size=batch_size, verbosity=verbosity
            )
            self._say(verbosity, f"City scale done in {time.monotonic() - started:.0f} s.")
        if verbosity:
            self._print_accounts()

    def _seed_city(self, *, vendors: int, products: int, batch_size: int, verbosity: int) -> None:
        bar_options = {"file": sys.stderr, "disable": verbosity == 0, "smoothing": 0.1}
        with (
            tqdm(total=vendors, desc="City MSMEs", unit="MSME", **bar_options) as vendor_bar,
            tqdm(total=products, desc="City products", unit="product", **bar_options) as product_bar,
        ):
            try:
                report = demo.city_seed(
                    vendors=vendors,
                    products=products,
                    batch_size=batch_size,
                    on_vendors=vendor_bar.update,
                    on_products=product_bar.update,
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        self._say(
            verbosity,
            f"City scale: {report.vendors_created} MSMEs and {report.products_created} products created "
            f"(target {report.vendors_total} MSMEs, {report.products_total} products).",
        )

    def _say(self, verbosity: int, message: str) -> None:
        if verbosity:
            self.stdout.write(message)

    def _print_accounts(self) -> None:
        rows = demo.demo_accounts()
        password = demo.DEMO_PASSWORD
        role_width = max(len("Role"), *(len(role) for role, _ in rows))
        email_width = max(len("E-mail"), *(len(email) for _, email in rows))
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo accounts"))
        self.stdout.write(f"{'Role':<{role_width}}  {'E-mail':<{email_width}}  Password")
        self.stdout.write(f"{'-' * role_width}  {'-' * email_width}  {'-' * len(password)}")
        for role, email in rows:
            self.stdout.write(f"{role:<{role_width}}  {email:<{email_width}}  {password}")
        self.stdout.write(
            "Staff roles set up two-factor login (TOTP) at their first login unless STAFF_MFA_REQUIRED=false."
        )
