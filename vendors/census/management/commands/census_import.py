"""Import a register of MSMEs (CSV or XLSX) into the census: docs/census-import.md."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from vendors.census.importer import IMPORT_SOURCES, ImportRefused, census_import


class Command(BaseCommand):
    help = (
        "Import a register of MSMEs (Gerai Kopimi, IUMK…) from a CSV or XLSX file into the census. "
        "Good rows are imported, every rejected row is listed with its line and reason; importing "
        "the same file again changes nothing. Columns: docs/census-import.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV or XLSX file")
        parser.add_argument(
            "--source",
            default="other",
            choices=IMPORT_SOURCES,
            help="The register the rows come from when a row has no source column (default: other)",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, file: str, source: str, no_progress: bool = False, **options):
        bar = tqdm(desc="Rows", unit="row", file=sys.stderr, disable=no_progress)

        def progress(done, total):
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            report = census_import(file=file, source=source, progress=progress)
        except (ImportRefused, OSError) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        for rejection in report.rejected:
            self.stdout.write(str(rejection))
        self.stdout.write(str(report))
