from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from marketplace.regions.services import CityPackError, regions_load
from procurement.budgets.services import budget_accounts_load
from procurement.ceilings.services import price_ceilings_load
from procurement.units.services import units_load


class Command(BaseCommand):
    help = (
        "Load a city's reference data (regions, government units, budget accounts, price ceilings) "
        "from its pack folder. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "pack_dir",
            nargs="?",
            default=None,
            help="Pack folder (wilayah.csv, opd.csv, budget-accounts.csv, price-ceilings.csv); default: settings.CITY_PACK_DIR",
        )
        parser.add_argument(
            "--accounts",
            default=None,
            help="CSV of budget accounts (default: the pack's budget-accounts.csv)",
        )

    def handle(self, *args, pack_dir=None, accounts=None, **options):
        pack = Path(pack_dir or settings.CITY_PACK_DIR)
        try:
            # One transaction for the whole pack: a bad row in any file loads nothing at all.
            with transaction.atomic():
                regions = regions_load(pack_dir=pack)
                units = units_load(pack_dir=pack)
                budget_accounts_load(path=Path(accounts or pack / "budget-accounts.csv"))
                ceilings = price_ceilings_load(path=pack / "price-ceilings.csv")
        except CityPackError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Regions: {regions.created} created, {regions.updated} updated, {regions.unchanged} unchanged. "
            f"Units: {units.created} created, {units.updated} updated, {units.unchanged} unchanged. "
            f"Price ceilings: {ceilings.created} created, {ceilings.updated} updated, "
            f"{ceilings.unchanged} unchanged."
        )
