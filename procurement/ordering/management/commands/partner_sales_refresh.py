"""Daily: recompute every MSME's platform sales of the last 90 days (the Pemerataan sort).

Orders refresh their own MSME as they are placed and received; sales older than 90 days
only drop out of the window when this runs, so schedule it once a day (cron, systemd timer).
"""

from django.core.management.base import BaseCommand

from procurement.ordering.services import vendor_sales_refresh


class Command(BaseCommand):
    help = "Recompute each MSME's platform sales of the last 90 days, which orders the Pemerataan sort."

    def handle(self, *args, **options):
        changed = vendor_sales_refresh()
        self.stdout.write(f"{changed} MSME(s) changed.")
