"""What the city pays feeds the MSME census (vendors.census) through real payments: a transfer or a
card payment adds the invoice's subtotal to the MSME's month for the unit, a refund takes its
share back, `census_recompute` finds the same figures in the invoices (and mends drift), and a
frozen snapshot never moves."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from marketplace.payment import stripe_gateway
from procurement.settlement import services
from procurement.settlement.management.commands.census_recompute import census_sales_from_invoices
from tests.factories import UserFactory
from tests.procurement.settlement.world import received, record_transfer
from vendors.census.models import CensusRecord, CensusSnapshotRow, PlatformSales, PlatformStatus
from vendors.census.periods import period_bounds
from vendors.census.services import census_snapshot_freeze

pytestmark = pytest.mark.django_db

URLS = {
    "success_url": "http://testserver/ok?session_id={CHECKOUT_SESSION_ID}",
    "cancel_url": "http://testserver/no",
}


def sales(vendor) -> list[tuple]:
    return list(
        PlatformSales.objects.filter(record__vendor=vendor)
        .order_by("month", "unit_code")
        .values_list("month", "unit_code", "unit_name", "amount_idr", "orders")
    )


def recompute(*args) -> str:
    out = StringIO()
    call_command("census_recompute", *args, stdout=out)
    return out.getvalue()


def paid_by_transfer():
    pw = received()
    payment = record_transfer(pw)
    services.transfer_confirm(payment=payment, vendor_user=pw.w.vendor_user)
    return pw


def paid_by_card(stripe_fake):
    stripe_fake.deliver_webhooks = False
    pw = received()
    checkout = services.card_checkout_start(invoice=pw.invoice, treasurer=pw.treasurer, **URLS)
    stripe_fake.pay(checkout.payment.stripe_session_id)
    for sent in stripe_fake.events_of_type("checkout.session.completed"):
        event = stripe_gateway.webhook_event_construct(
            payload=sent.payload, signature_header=sent.signature_header
        )
        services.stripe_event_handle(event=event)
    checkout.payment.refresh_from_db()
    return pw, checkout.payment


def test_a_confirmed_transfer_adds_the_subtotal_to_the_msmes_month_for_the_unit():
    pw = paid_by_transfer()

    unit, month = pw.w.unit, timezone.localdate().replace(day=1)
    assert sales(pw.w.vendor) == [(month, unit.code, unit.name, 200_000, 1)]
    record = CensusRecord.objects.get(vendor=pw.w.vendor)
    assert (record.platform_status, record.first_paid_month) == (PlatformStatus.PAID, month)
    assert "no drift" in recompute()


def test_a_transfer_not_yet_confirmed_feeds_nothing():
    pw = received()
    record_transfer(pw)

    assert sales(pw.w.vendor) == []
    assert "no drift" in recompute()


def test_a_card_payment_feeds_the_census_once_whatever_is_replayed(stripe_fake):
    pw, payment = paid_by_card(stripe_fake)
    services.card_session_sync(session_id=payment.stripe_session_id)  # the payer comes back

    assert [row[3:] for row in sales(pw.w.vendor)] == [(200_000, 1)]
    assert "no drift" in recompute()


def test_a_partial_refund_takes_back_its_share_of_the_subtotal(stripe_fake):
    pw, payment = paid_by_card(stripe_fake)  # 196,000 net of PPh on a 200,000 subtotal

    services.card_refund(
        payment=payment, admin=UserFactory(is_superuser=True), amount_idr=49_000, reason="5 kotak"
    )

    assert [row[3:] for row in sales(pw.w.vendor)] == [(150_000, 1)]
    assert "no drift" in recompute()


def test_a_full_refund_takes_back_the_subtotal_and_the_order(stripe_fake):
    pw, payment = paid_by_card(stripe_fake)

    services.card_refund(
        payment=payment, admin=UserFactory(is_superuser=True), amount_idr=196_000, reason="Batal"
    )

    assert [row[3:] for row in sales(pw.w.vendor)] == [(0, 0)]
    assert CensusRecord.objects.get(vendor=pw.w.vendor).platform_status != PlatformStatus.PAID
    assert "no drift" in recompute()


def test_the_recomputation_reads_the_same_figures_as_the_feed(stripe_fake):
    pw, payment = paid_by_card(stripe_fake)
    services.card_refund(
        payment=payment, admin=UserFactory(is_superuser=True), amount_idr=49_000, reason="5 kotak"
    )
    other = paid_by_transfer()

    recomputed = {
        (r.vendor_id, r.month, r.unit_code): (r.amount_idr, r.orders) for r in census_sales_from_invoices()
    }

    month = timezone.localdate().replace(day=1)
    assert recomputed == {
        (pw.w.vendor.pk, month, pw.w.unit.code): (150_000, 1),
        (other.w.vendor.pk, month, other.w.unit.code): (200_000, 1),
    }


def test_drift_is_reported_with_status_1_and_fixed_with_fix():
    pw = paid_by_transfer()
    PlatformSales.objects.filter(record__vendor=pw.w.vendor).update(amount_idr=1)

    with pytest.raises(CommandError, match="drift on 1 figure"):
        recompute()
    assert "fixed 1 figure(s)" in recompute("--fix")

    assert [row[3:] for row in sales(pw.w.vendor)] == [(200_000, 1)]
    assert "no drift" in recompute()


def test_a_frozen_snapshot_does_not_change_when_orders_are_paid_or_refunded(stripe_fake):
    pw, payment = paid_by_card(stripe_fake)
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    start, end = period_bounds(period_kind="quarter", year=today.year, quarter=quarter)
    snapshot = census_snapshot_freeze(
        period_kind="quarter", year=today.year, quarter=quarter, actor=None, today=end + timedelta(days=1)
    )
    frozen = list(
        CensusSnapshotRow.objects.filter(snapshot=snapshot).values_list("record_id", "sales_idr", "orders")
    )
    assert frozen == [(CensusRecord.objects.get(vendor=pw.w.vendor).pk, 200_000, 1)]

    services.card_refund(
        payment=payment, admin=UserFactory(is_superuser=True), amount_idr=196_000, reason="Batal"
    )
    paid_by_transfer()

    snapshot.refresh_from_db()
    assert (
        list(
            CensusSnapshotRow.objects.filter(snapshot=snapshot).values_list(
                "record_id", "sales_idr", "orders"
            )
        )
        == frozen
    )
    assert (snapshot.records, snapshot.sales_idr) == (1, 200_000)
