"""Freeze every closed quarter and year of the census not frozen yet (for cron)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from vendors.census.services import CensusRefused, census_snapshot_close


class Command(BaseCommand):
    help = (
        "Freeze the census snapshot of every quarter and year that has ended since the census began "
        "and is not frozen yet (frozen figures never change). Run daily (cron); idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=date.fromisoformat, default=None, help="As if today were (YYYY-MM-DD)"
        )

    def handle(self, *args, today=None, **options):
        try:
            made = census_snapshot_close(today=today)
        except CensusRefused as exc:
            raise CommandError(exc.message) from exc
        for snapshot in made:
            self.stdout.write(f"frozen {snapshot}: {snapshot.records} MSMEs")
        self.stdout.write(f"{len(made)} snapshot(s) frozen.")
