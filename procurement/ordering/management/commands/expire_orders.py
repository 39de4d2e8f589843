"""Expire orders the MSME did not answer in time (for cron, e.g. every 15 minutes)."""

from django.core.management.base import BaseCommand

from procurement.ordering.services import orders_expire


class Command(BaseCommand):
    help = (
        "Expire unit orders past their MSME deadline (and unapproved orders past their delivery time), "
        "releasing their budget commitment; prints how many."
    )

    def handle(self, *args, **options):
        count = orders_expire()
        self.stdout.write(f"{count} order(s) expired")
