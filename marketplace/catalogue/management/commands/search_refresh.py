"""Rewrite every product's search text (categories, kind, tags, halal, MSME and kecamatan).

The product pages, bulk inserts and an MSME's change of name or kecamatan keep it current;
run this after renaming a category or editing products or partners in Oscar's dashboard, or
daily from cron to mend any drift. Only changed products are written.
"""

from django.core.management.base import BaseCommand

from marketplace.catalogue.services import products_search_refresh


class Command(BaseCommand):
    help = "Rewrite the search text of every product (categories, kind, tags, halal, MSME, kecamatan)."

    def handle(self, *args, **options):
        changed = products_search_refresh()
        self.stdout.write(f"{changed} product(s) changed.")
