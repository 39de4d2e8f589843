"""Create or refresh the census record of every platform MSME, then re-class every record."""

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from vendors.census.services import census_size_classes_refresh, census_sync_vendors


class Command(BaseCommand):
    help = (
        "Bring the census up to date with the platform: a record for every MSME (linked by NIK to an "
        "imported one where it exists), its platform status, and every record's size class with the "
        "12 months ending today. Idempotent; run daily (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, no_progress: bool = False, **options):
        bar = tqdm(desc="MSMEs", unit="MSME", file=sys.stderr, disable=no_progress)

        def progress(done, total):
            bar.total = total
            bar.n = done
            bar.refresh()

        synced = census_sync_vendors(progress=progress)
        bar.close()
        changes = census_size_classes_refresh()
        self.stdout.write(f"{synced} platform MSMEs synced; {changes} size class changes.")
