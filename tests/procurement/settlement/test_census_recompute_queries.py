"""`census_recompute` at city scale: the figures come from two queries whatever the number of
payments (one grouped over the payments, one over the card refunds), and they are exactly what
reading every payment as a model instance (the way it was first written) gives."""

from collections import defaultdict

import pytest
from django.utils import timezone

from procurement.settlement import services
from procurement.settlement.management.commands.census_recompute import census_sales_from_invoices
from procurement.settlement.models import Payment, SettlementAction
from tests.factories import UserFactory
from tests.procurement.settlement.test_census_feed import paid_by_card, paid_by_transfer
from vendors.census.services import census_refund_share

pytestmark = pytest.mark.django_db


def slow_path() -> list[tuple]:
    """The first implementation: every payment and refund loaded with its invoice, order, unit
    and MSME, summed in Python."""

    def day(moment):
        return timezone.localtime(moment).date()

    sums = defaultdict(lambda: [0, 0, "", 0, 0])
    related = ("invoice__unit_order__unit", "invoice__unit_order__partner__vendor")
    for payment in Payment.objects.filter(settled_at__isnull=False).select_related(*related).order_by("pk"):
        uo = payment.invoice.unit_order
        paid_on = (
            payment.transfer_date if payment.method == Payment.Method.TRANSFER else day(payment.settled_at)
        )
        item = sums[(uo.partner.vendor.pk, paid_on.replace(day=1), uo.unit.code)]
        item[0] += payment.invoice.subtotal_idr
        item[1] += 1
        item[2] = uo.unit.name
        spent = sums[(uo.partner.vendor.pk, day(payment.settled_at).replace(day=1), uo.unit.code)]
        spent[2] = uo.unit.name
        if payment.status != Payment.Status.REFUNDED:
            spent[3] += payment.invoice.total_idr - payment.refunded_idr
            spent[4] += 1
    refunded = defaultdict(int)
    for action in SettlementAction.objects.filter(action="card_refund", payment__isnull=False).order_by(
        "payment_id", "created_at", "pk"
    ):
        payment = action.payment
        uo = payment.invoice.unit_order
        refunded[payment.pk] += action.amount_idr
        share = census_refund_share(
            subtotal_idr=payment.invoice.subtotal_idr,
            paid_idr=payment.amount_idr,
            refunded_idr=refunded[payment.pk],
            refunded_now_idr=action.amount_idr,
        )
        item = sums[(uo.partner.vendor.pk, day(action.created_at).replace(day=1), uo.unit.code)]
        item[0] -= share
        item[1] -= 1 if refunded[payment.pk] == payment.amount_idr else 0
        item[2] = uo.unit.name
    return [(v, m, u, *figures) for (v, m, u), figures in sorted(sums.items())]


def fast_path() -> list[tuple]:
    return [
        (r.vendor_id, r.month, r.unit_code, r.amount_idr, r.orders, r.unit_name, r.spent_idr, r.paid_orders)
        for r in census_sales_from_invoices()
    ]


def test_the_grouped_recomputation_gives_what_reading_every_payment_gives(stripe_fake):
    admin = UserFactory(is_superuser=True)
    _pw, partial = paid_by_card(stripe_fake)
    services.card_refund(payment=partial, admin=admin, amount_idr=49_000, reason="5 kotak")
    services.card_refund(payment=partial, admin=admin, amount_idr=147_000, reason="Sisanya batal")
    paid_by_transfer()
    paid_by_transfer()
    slow = slow_path()

    fast = fast_path()

    assert len(fast) >= 3
    assert fast == slow


def test_the_recomputation_makes_two_queries_whatever_the_number_of_payments(
    stripe_fake, django_assert_num_queries
):
    _pw, payment = paid_by_card(stripe_fake)
    services.card_refund(
        payment=payment, admin=UserFactory(is_superuser=True), amount_idr=49_000, reason="5 kotak"
    )
    with django_assert_num_queries(2):
        one = census_sales_from_invoices()
    for _i in range(3):
        paid_by_transfer()

    with django_assert_num_queries(2):
        four = census_sales_from_invoices()

    assert len(four) > len(one)
