"""Recompute the census's platform sales from the raw paid invoices and report (or fix) any drift.

The census (vendors.census) keeps each MSME's sales per unit and month as invoices are paid and
refunded (`census_sales_record`, called by procurement.settlement.services). Here the same
figures are computed again from the settlement records, as the feed defines them:

- each settled payment: + the invoice's subtotal, one order, in the month it was paid (the
  transfer's date; for a card, the day it was settled);
- each card refund (SettlementAction "card_refund"): − its share of the subtotal
  (`census_refund_share`, cumulative per payment), one order less when it takes back the whole
  payment, in the month refunded;
- what the unit spent (the public figure, `spent_idr` / `paid_orders`): for each settled payment
  still standing, the invoice total less what was refunded of it, and one order, in the month
  the payment was settled (a payment refunded in full: nothing);

and handed to `vendors.census.services.census_aggregates_replace`, which compares (and with
--fix replaces) the stored aggregates. The census never reads procurement's tables itself.
"""

from collections import defaultdict
from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, DateField, F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from marketplace.common.money import format_rupiah
from procurement.settlement.models import Payment, SettlementAction
from vendors.census.services import SalesRow, census_aggregates_replace, census_refund_share


def _day(moment) -> date:
    return timezone.localtime(moment).date()


def _month(value) -> date:
    """The first day of a month read back from the database (a date, or a datetime on some backends)."""
    return (value.date() if isinstance(value, datetime) else value).replace(day=1)


def census_sales_from_invoices() -> list[SalesRow]:
    """The census's monthly platform sales, recomputed from the payments and refunds recorded.

    Two queries whatever the number of payments: the settled payments grouped in SQL by MSME,
    unit, method, status and the months concerned (the month settled in local time, the
    transfer's month), and the card refunds as plain value rows, in order."""
    sums: dict[tuple, list] = defaultdict(lambda: [0, 0, "", 0, 0])
    uo = "invoice__unit_order__"
    grouped = (
        Payment.objects.filter(settled_at__isnull=False)
        .annotate(
            g_vendor=F(f"{uo}partner__vendor__id"),
            g_code=F(f"{uo}unit__code"),
            g_name=F(f"{uo}unit__name"),
            g_settled=TruncMonth("settled_at", output_field=DateField()),
            g_transfer=TruncMonth("transfer_date"),
        )
        .values_list("g_vendor", "g_code", "g_name", "method", "status", "g_settled", "g_transfer")
        .annotate(
            subtotal=Sum("invoice__subtotal_idr"),
            payments=Count("pk"),
            spent=Sum(F("invoice__total_idr") - F("refunded_idr")),
        )
        .order_by()
    )
    for vendor_id, code, name, method, status, settled, transfer, subtotal, payments, spent_idr in grouped:
        paid_month = _month(transfer) if method == Payment.Method.TRANSFER else _month(settled)
        item = sums[(vendor_id, paid_month, code)]
        item[0] += subtotal
        item[1] += payments
        item[2] = name
        spent = sums[(vendor_id, _month(settled), code)]
        spent[2] = name
        if status != Payment.Status.REFUNDED:
            spent[3] += spent_idr
            spent[4] += payments
    refunded: dict[int, int] = defaultdict(int)
    refunds = (
        SettlementAction.objects.filter(action="card_refund", payment__isnull=False)
        .order_by("payment_id", "created_at", "pk")
        .values_list(
            "payment_id",
            "amount_idr",
            "created_at",
            "payment__amount_idr",
            f"payment__{uo}partner__vendor__id",
            f"payment__{uo}unit__code",
            f"payment__{uo}unit__name",
            "payment__invoice__subtotal_idr",
        )
    )
    for payment_id, amount_idr, created_at, paid_idr, vendor_id, code, name, subtotal_idr in refunds:
        refunded[payment_id] += amount_idr
        share = census_refund_share(
            subtotal_idr=subtotal_idr,
            paid_idr=paid_idr,
            refunded_idr=refunded[payment_id],
            refunded_now_idr=amount_idr,
        )
        item = sums[(vendor_id, _day(created_at).replace(day=1), code)]
        item[0] -= share
        item[1] -= 1 if refunded[payment_id] == paid_idr else 0
        item[2] = name
    return [
        SalesRow(
            vendor_id=v,
            month=m,
            unit_code=u,
            unit_name=name,
            amount_idr=amount,
            orders=orders,
            spent_idr=spent,
            paid_orders=paid,
        )
        for (v, m, u), (amount, orders, name, spent, paid) in sorted(sums.items())
    ]


class Command(BaseCommand):
    help = (
        "Recompute the census's monthly platform sales (per MSME, unit and month) from the paid invoices "
        "and refunds, and report any drift (expected vs stored). Exits with status 1 when drift is found, "
        "unless --fix replaces the stored figures."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix", action="store_true", help="Store the figures recomputed from the invoices."
        )

    def handle(self, *args, fix: bool = False, **options):
        drifts = census_aggregates_replace(rows=census_sales_from_invoices(), fix=fix)
        if not drifts:
            self.stdout.write(self.style.SUCCESS("no drift"))
            return
        for d in drifts:
            who = f"record {d.record_id}" if d.record_id else f"MSME {d.vendor_id} (no census record)"
            self.stdout.write(
                f"{who}, {d.month:%Y-%m}, unit {d.unit_code}: expected {format_rupiah(d.expected_idr)} in "
                f"{d.expected_orders} order(s), stored {format_rupiah(d.stored_idr)} in {d.stored_orders}; "
                f"spent by the unit: expected {format_rupiah(d.expected_spent_idr)} in "
                f"{d.expected_paid_orders} order(s), stored {format_rupiah(d.stored_spent_idr)} in "
                f"{d.stored_paid_orders}"
            )
        if fix:
            self.stdout.write(self.style.SUCCESS(f"fixed {len(drifts)} figure(s) from the invoices"))
            return
        raise CommandError(f"drift on {len(drifts)} figure(s); run with --fix to store the invoices' figures")
