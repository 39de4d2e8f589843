"""The census of the demo: a generated register beside the platform MSMEs, last quarter frozen."""

from django.core.management.base import BaseCommand

from vendors.census.demo import census_demo


class Command(BaseCommand):
    help = (
        "Import a generated register of a few hundred Semarang MSMEs (Gerai Kopimi and IUMK), sync the "
        "platform MSMEs and freeze last quarter's snapshot. Needs the city pack loaded; idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=400, help="Register rows to generate (default 400)")

    def handle(self, *args, rows: int, **options):
        self.stdout.write(str(census_demo(rows=rows)))
