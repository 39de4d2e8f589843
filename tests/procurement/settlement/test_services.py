"""Paying a received order: the invoice at the BAST, transfer (record, confirm, dispute, correct),
the ledger's realization, and who may do each step."""

import pytest
from django.core import mail
from django.core.files.storage import storages
from django.db.models import F
from oscar.core.loading import get_model

from procurement.budgets.models import LedgerEntry
from procurement.budgets.services import budget_recompute
from procurement.ordering.lifecycle import OrderStatus
from procurement.settlement import services
from procurement.settlement.models import Invoice, Payment, SettlementAction, TaxRule
from procurement.units.models import Membership
from tests.factories import UnitFactory
from tests.procurement.ordering.world import SNACK_PRICE, build_world, order_in, person_for, vendor_person
from tests.procurement.settlement.world import other_unit, received, record_transfer

pytestmark = pytest.mark.django_db

Source = get_model("payment", "Source")
PaymentEvent = get_model("order", "PaymentEvent")


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_signing_the_bast_issues_the_invoice_with_its_taxes():
    pw = received()
    inv = pw.invoice

    assert inv.number.startswith(f"TAG/{pw.w.unit.code}/")
    assert inv.subtotal_idr == 10 * SNACK_PRICE == 200_000
    assert (inv.pbjt_idr, inv.pph_kind, inv.pph_rate_bp, inv.pph_idr) == (0, TaxRule.Kind.PPH23, 200, 4_000)
    assert (inv.total_idr, inv.net_idr, inv.status) == (200_000, 196_000, Invoice.Status.UNPAID)
    assert inv.pph_rule.kind == TaxRule.Kind.PPH23


def test_the_invoice_carries_the_unit_of_its_order():
    pw = received()
    other = other_unit(pw.w)
    theirs = Invoice.objects.get(unit_order=order_in(other, "received"))

    assert reload(pw.invoice).unit == pw.w.unit
    assert theirs.unit == other.unit != pw.w.unit
    assert theirs.number.startswith(f"TAG/{other.unit.code}/")
    assert not Invoice.objects.exclude(unit=F("unit_order__unit")).exists()


def test_a_pbjt_collector_charges_pbjt_on_top_and_it_is_committed_on_the_line():
    w = build_world()
    pw = received(w, pbjt_collector=True, pbjt_tax_number="973/0001/2026")
    line = reload(w.line)

    assert (pw.invoice.pbjt_idr, pw.invoice.total_idr) == (20_000, 220_000)
    assert line.committed_idr == 220_000
    assert LedgerEntry.objects.filter(line=line, kind="commit", amount_idr=20_000).exists()


def test_a_rule_changed_after_issue_never_alters_the_issued_invoice():
    pw = received()
    TaxRule.objects.filter(kind=TaxRule.Kind.PPH23).update(rate_bp=300)

    inv = reload(pw.invoice)

    assert (inv.pph_rate_bp, inv.pph_idr, inv.net_idr) == (200, 4_000, 196_000)


def test_transfer_recorded_then_confirmed_pays_the_order_and_realizes_the_budget(
    django_capture_on_commit_callbacks,
):
    pw = received()
    with django_capture_on_commit_callbacks(execute=True):
        payment = record_transfer(pw)
    assert reload(pw.invoice).status == Invoice.Status.AWAITING_CONFIRMATION
    told = [m for m in mail.outbox if pw.invoice.number in m.subject]
    assert [m.to for m in told] == [[pw.w.vendor_user.email]]
    assert "konfirmasi" in told[0].subject.lower()

    with django_capture_on_commit_callbacks(execute=True):
        services.transfer_confirm(payment=payment, vendor_user=pw.w.vendor_user)
    assert any(pw.invoice.number in m.subject and "dibayar" in m.subject for m in mail.outbox)

    inv, uo, line = reload(pw.invoice), reload(pw.invoice.unit_order), reload(pw.w.line)
    assert inv.status == Invoice.Status.PAID and inv.days_to_pay == 0
    assert uo.status == OrderStatus.PAID and uo.order.status == OrderStatus.PAID
    assert (line.committed_idr, line.realized_idr) == (0, 200_000)
    assert budget_recompute() == []
    source = Source.objects.get(order=uo.order)
    assert (source.amount_debited, source.source_type.code) == (196_000, "transfer")
    assert PaymentEvent.objects.filter(order=uo.order, event_type__code="paid", amount=196_000).exists()
    assert list(SettlementAction.objects.filter(invoice=inv).values_list("action", flat=True)) == [
        "issue",
        "transfer_record",
        "transfer_confirm",
        "paid",
    ]


def test_a_transfer_that_differs_from_the_net_is_refused_with_the_numbers_and_stores_nothing():
    pw = received()
    before = (
        set(storages["private"].listdir("transfer-proof")[1])
        if storages["private"].exists("transfer-proof")
        else set()
    )

    with pytest.raises(services.TransferAmountMismatch) as refused:
        record_transfer(pw, amount_idr=200_000)

    assert "Rp 200.000" in refused.value.message and "Rp 196.000" in refused.value.message
    assert not Payment.objects.exists()
    after = (
        set(storages["private"].listdir("transfer-proof")[1])
        if storages["private"].exists("transfer-proof")
        else set()
    )
    assert after == before
    assert reload(pw.invoice).status == Invoice.Status.UNPAID


def test_a_second_transfer_while_one_waits_is_refused():
    pw = received()
    record_transfer(pw)

    with pytest.raises(services.SettlementRefused):
        record_transfer(pw)

    assert Payment.objects.count() == 1


def test_the_msme_disputes_and_the_bendahara_corrects_then_pays_again(django_capture_on_commit_callbacks):
    pw = received()
    first = record_transfer(pw)

    with django_capture_on_commit_callbacks(execute=True):
        services.transfer_dispute(
            payment=first, vendor_user=pw.w.vendor_user, reason="Dana belum masuk rekening"
        )
    assert reload(pw.invoice).status == Invoice.Status.DISPUTED
    assert any(pw.treasurer.email in m.to for m in mail.outbox)
    services.transfer_void(payment=first, treasurer=pw.treasurer, reason="Nomor rekening salah ketik")
    assert reload(pw.invoice).status == Invoice.Status.UNPAID
    second = record_transfer(pw)
    services.transfer_confirm(payment=second, vendor_user=pw.w.vendor_user)

    assert reload(first).status == Payment.Status.VOID
    assert reload(pw.invoice).status == Invoice.Status.PAID
    assert reload(pw.w.line).realized_idr == 200_000
    assert budget_recompute() == []


def test_a_dispute_needs_a_reason():
    pw = received()
    payment = record_transfer(pw)

    with pytest.raises(services.SettlementRefused):
        services.transfer_dispute(payment=payment, vendor_user=pw.w.vendor_user, reason="  ")

    assert reload(payment).status == Payment.Status.AWAITING_CONFIRMATION


def test_the_bendahara_of_another_unit_cannot_pay():
    pw = received()
    stranger = person_for(UnitFactory(), Membership.Role.TREASURER)

    with pytest.raises(services.SettlementRefused):
        record_transfer(pw, treasurer=stranger)

    assert not Payment.objects.exists()


@pytest.mark.parametrize("who", ["other_vendor", "officer", "treasurer"])
def test_only_the_msme_paid_confirms_its_transfer(who):
    pw = received()
    payment = record_transfer(pw)
    person = {
        "other_vendor": vendor_person,
        "officer": lambda: pw.w.officer,
        "treasurer": lambda: pw.treasurer,
    }

    with pytest.raises(services.SettlementRefused):
        services.transfer_confirm(payment=payment, vendor_user=person[who]())

    assert reload(payment).status == Payment.Status.AWAITING_CONFIRMATION


def test_pph_follows_a_pp55_certificate_valid_on_the_payment_day():
    from django.utils import timezone

    pw = received(pp55_number="KET-1/PP55/2026", pp55_valid_until=timezone.localdate())
    assert pw.invoice.pph_kind == TaxRule.Kind.PPH_FINAL
    vendor = pw.w.vendor
    vendor.pp55_valid_until = timezone.localdate() - timezone.timedelta(days=1)
    vendor.save()

    payment = record_transfer(pw, amount_idr=196_000)

    inv = reload(pw.invoice)
    assert (inv.pph_kind, inv.pph_idr, inv.net_idr, payment.amount_idr) == (
        TaxRule.Kind.PPH23,
        4_000,
        196_000,
        196_000,
    )
    assert SettlementAction.objects.filter(invoice=inv, action="pph_refigured").exists()
