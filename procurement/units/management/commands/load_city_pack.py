from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from marketplace.common.citypack import CityPackError
from procurement.units.city_pack import city_pack_load


class Command(BaseCommand):
    help = (
        "Load a city pack (regions, government units, budget accounts, price ceilings) from its folder: "
        "every file is checked first and nothing is loaded if any row is wrong. Idempotent. "
        "Files and columns: docs/city-pack.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "pack_dir",
            nargs="?",
            default=None,
            help="Pack folder (default: settings.CITY_PACK_DIR, the Semarang pack in the repository)",
        )

    def handle(self, *args, pack_dir=None, **options):
        pack = Path(pack_dir or settings.CITY_PACK_DIR)
        try:
            reports = city_pack_load(pack_dir=pack)
        except CityPackError as exc:
            raise CommandError(f"Nothing was loaded from {pack}:\n{exc}") from exc
        self.stdout.write(" ".join(str(report) for report in reports))
