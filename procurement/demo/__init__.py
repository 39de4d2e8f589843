"""The demo world, made through the same services its users go through (`manage.py seed_demo`).

The one place the demo is made, at the top of the dependency graph (it may use every package):

- `accounts`: one account per role (shared DEMO_PASSWORD), the units they act for;
- `data`: the hand-written demo MSMEs, with the tax facts the invoices exercise;
- `vendors`: their registration, documents and verification (`vendors.services`), schedules
  and products (`marketplace.partner.services`, `marketplace.catalogue.services`);
- `catalogue`: what MSMEs sell, generated photos, the city scale's bulk product insert;
- `budgets`: this year's budget lines, imported as the DPA is (`procurement.budgets.services`);
- `orders`: orders in every status (`procurement.ordering.services`);
- `settlement`: their invoices paid by transfer or card, awaiting, disputed or unpaid
  (`procurement.settlement.services`, the card path against an in-process Stripe fake);
- `backdate`: the one exception to "through the services": date fields moved into the past;
- `city`: the city scale for benchmarks, bulk-inserted (`--scale city`).

Every step is idempotent: a second run creates nothing and changes nothing.
"""

import logging
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from io import StringIO

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from tqdm import tqdm

from marketplace.accounts import roles
from procurement.demo import accounts, budgets, catalogue, city, orders, settlement, vendors
from procurement.demo.accounts import DEMO_PASSWORD, demo_accounts
from vendors.census.demo import census_demo

__all__ = ["DEMO_PASSWORD", "DemoReport", "city_seed", "demo_accounts", "demo_seed"]

# The demo's notifications are kept out of the console: they go to a memory outbox.
QUIET_MAIL = "django.core.mail.backends.locmem.EmailBackend"
# Loggers that would tell of every notification task run inline and every (fake) Stripe request.
QUIET_LOGGERS = ("celery.app.trace", "marketplace.payment.stripe_fake", "stripe")


@dataclass
class DemoReport:
    vendors: int = 0
    products: int = 0
    budget_lines: int = 0
    memberships: int = 0
    orders: int = 0
    card_fake: bool = True  # the card payment went through the in-process Stripe fake

    def __str__(self) -> str:
        return (
            f"Demo: {self.vendors} MSMEs, {self.products} products, {self.budget_lines} budget lines, "
            f"{self.memberships} unit memberships and {self.orders} orders created."
        )


def demo_seed(*, approved: int | None = None, progress: bool = False) -> DemoReport:
    """Seed the demo world (the city pack must be loaded): accounts, MSMEs with products, budget
    lines, orders in every status with their invoices. `approved`: only that many approved
    demo MSMEs (default all, about 30)."""
    report = DemoReport()
    password_hash = make_password(DEMO_PASSWORD)
    with override_settings(EMAIL_BACKEND=QUIET_MAIL), _quiet():
        districts = vendors.districts_load()
        staff = accounts.staff_accounts_seed(password_hash=password_hash)
        specs = vendors.demo_vendor_specs(approved=approved)
        for spec in tqdm(specs, desc="Demo MSMEs", unit="MSME", file=sys.stderr, disable=not progress):
            _vendor, made = vendors.demo_vendor_seed(
                spec=spec, districts=districts, password_hash=password_hash, verifier=staff[roles.VERIFIER]
            )
            report.vendors += made.vendors_created
            report.products += made.products_created
        report.budget_lines = budgets.budget_lines_seed(fiscal_year=timezone.localdate().year)
        report.memberships = accounts.memberships_seed(users=staff)
        with settlement.card_payer() as card:
            report.card_fake = card is not None
            report.orders = orders.demo_orders_seed(
                officer=staff[roles.BUYER], treasurer=staff[roles.TREASURER], card=card
            )
        # The census beside the platform: the backdated demo payments counted in their months
        # (as the daily recompute would), a generated register, last quarter frozen (idempotent).
        call_command("census_recompute", "--fix", stdout=StringIO())
        census_demo()
    return report


@contextmanager
def _quiet():
    levels = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def city_seed(
    *, vendors: int, products: int, batch_size: int = 2_000, on_vendors=None, on_products=None
) -> city.CityReport:
    """Add the city scale (bulk): `vendors` MSMEs and `products` products; raises ValueError
    beyond what the NIK serials allow. Refreshes PostgreSQL's statistics after inserting."""
    report = city.city_vendors_seed(
        vendors=vendors,
        products=products,
        refs=catalogue.catalogue_ensure(),
        photo_pool=catalogue.photo_pool_ensure(),
        batch_size=batch_size,
        on_vendors=on_vendors,
        on_products=on_products,
    )
    if report.vendors_created or report.products_created:
        _analyze()
    return report


def _analyze() -> None:
    """Refresh the planner's statistics (and the visibility map) after a bulk insert: until
    autovacuum gets to it, PostgreSQL plans the catalogue's queries for the tables as they
    were (empty). VACUUM cannot run inside a transaction (a test's): ANALYZE alone there."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
