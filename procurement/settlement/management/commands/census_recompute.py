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
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from marketplace.common.money import format_rupiah
from procurement.settlement.models import Payment, SettlementAction
from vendors.census.services import SalesRow, census_aggregates_replace, census_refund_share


def _day(moment) -> date:
    return timezone.localtime(moment).date()


def census_sales_from_invoices() -> list[SalesRow]:
    """The census's monthly platform sales, recomputed from the payments and refunds recorded."""
    sums: dict[tuple, list] = defaultdict(lambda: [0, 0, "", 0, 0])
    related = ("invoice__unit_order__unit", "invoice__unit_order__partner__vendor")
    for payment in Payment.objects.filter(settled_at__isnull=False).select_related(*related).order_by("pk"):
        uo = payment.invoice.unit_order
        paid_on = (
            payment.transfer_date if payment.method == Payment.Method.TRANSFER else _day(payment.settled_at)
        )
        item = sums[(uo.partner.vendor.pk, paid_on.replace(day=1), uo.unit.code)]
        item[0] += payment.invoice.subtotal_idr
        item[1] += 1
        item[2] = uo.unit.name
        spent = sums[(uo.partner.vendor.pk, _day(payment.settled_at).replace(day=1), uo.unit.code)]
        spent[2] = uo.unit.name
        if payment.status != Payment.Status.REFUNDED:
            spent[3] += payment.invoice.total_idr - payment.refunded_idr
            spent[4] += 1
    refunded: dict[int, int] = defaultdict(int)
    refunds = (
        SettlementAction.objects.filter(action="card_refund", payment__isnull=False)
        .select_related(*(f"payment__{r}" for r in related))
        .order_by("payment_id", "created_at", "pk")
    )
    for action in refunds:
        payment = action.payment
        uo = payment.invoice.unit_order
        refunded[payment.pk] += action.amount_idr
        share = census_refund_share(
            subtotal_idr=payment.invoice.subtotal_idr,
            paid_idr=payment.amount_idr,
            refunded_idr=refunded[payment.pk],
            refunded_now_idr=action.amount_idr,
        )
        item = sums[(uo.partner.vendor.pk, _day(action.created_at).replace(day=1), uo.unit.code)]
        item[0] -= share
        item[1] -= 1 if refunded[payment.pk] == payment.amount_idr else 0
        item[2] = uo.unit.name
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
