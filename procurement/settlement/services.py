"""Writes for settlement: issue the invoice at the BAST, pay it by transfer or by card, refund, correct.

The money path of a received order:

    BAST signed ─► invoice_issue (taxes from the rules in force; PBJT committed on the line)
      ├─ transfer_record (Bendahara) ─► transfer_confirm (MSME) ─► paid
      │                              └► transfer_dispute (MSME) ─► transfer_void (Bendahara) ─► unpaid
      └─ card_checkout_start (Bendahara) ─► Stripe's hosted page ─► webhook / return ─► paid
    paid ─► card_refund (Admin): the realization is reversed; a full refund makes the order payable again

`_settle` is the one place an invoice becomes paid: the order moves to `paid` (its budget
realized), Oscar's Source / Transaction / PaymentEvent are written, and the MSME is told. It is
idempotent: a replayed webhook, a reload of the return page or a double click changes nothing.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.accounts import roles
from marketplace.common.domain import DomainError
from marketplace.common.money import format_rupiah
from marketplace.payment import stripe_gateway
from procurement.budgets.services import BudgetExceeded, budget_commit, order_realized_idr
from procurement.ordering import services as ordering
from procurement.ordering.lifecycle import OrderStatus
from procurement.ordering.models import UnitOrder
from procurement.settlement import tasks, taxes
from procurement.settlement.models import Invoice, Payment, SettlementAction, StripeEvent
from procurement.transparency import selectors as transparency
from procurement.units.models import Membership, Unit
from procurement.units.selectors import holds_role
from vendors.census import services as census
from vendors.uploads import SanitisedFile, store_private

Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
Transaction = get_model("payment", "Transaction")
PaymentEventType = get_model("order", "PaymentEventType")
PaymentEvent = get_model("order", "PaymentEvent")

LIVE = (Payment.Status.PENDING, Payment.Status.AWAITING_CONFIRMATION, Payment.Status.DISPUTED)


class SettlementRefused(DomainError):
    """The settlement step cannot be done; `message` says why in the user's words."""


class TransferAmountMismatch(SettlementRefused):
    def __init__(self, *, amount_idr: int, net_idr: int):
        self.amount_idr, self.net_idr = amount_idr, net_idr
        super().__init__(
            _("The transfer of %(amount)s differs from the net to pay, %(net)s: record the net amount.")
            % {"amount": format_rupiah(amount_idr), "net": format_rupiah(net_idr)}
        )


def _treasurer_of(user, invoice: Invoice) -> bool:
    return holds_role(user=user, unit=invoice.unit_order.unit, role=Membership.Role.TREASURER)


def _vendor_user_of(user, invoice: Invoice) -> bool:
    return user.is_authenticated and invoice.unit_order.partner.users.filter(pk=user.pk).exists()


def _locked(invoice: Invoice) -> Invoice:
    return (
        Invoice.objects.select_for_update()
        .select_related(
            "unit_order__unit", "unit_order__partner", "unit_order__order", "unit_order__budget_line"
        )
        .get(pk=invoice.pk)
    )


def _log(invoice: Invoice, action: str, *, actor=None, payment=None, amount_idr=None, reason: str = ""):
    SettlementAction.objects.create(
        invoice=invoice, payment=payment, action=action, actor=actor, amount_idr=amount_idr, reason=reason
    )


# --- The invoice --------------------------------------------------------------------------------


def _next_number(unit_order: UnitOrder, year: int) -> str:
    # Invoices are numbered per unit and year: lock the unit so two BASTs signed at once never
    # count the same number.
    Unit.objects.select_for_update().filter(pk=unit_order.unit_id).first()
    prefix = f"TAG/{unit_order.unit.code}/{year}/"
    seq = Invoice.objects.filter(number__startswith=prefix).count() + 1
    return f"{prefix}{seq:05d}"


def invoice_issue(*, unit_order: UnitOrder, actor) -> Invoice | None:
    """Issue the invoice of a just-received order (the BAST's amount), with its taxes.

    Called by the BAST inside its transaction. PBJT, charged on top, is committed on the
    order's budget line now, so the whole invoice is covered when it is paid. Nothing was
    received: no invoice."""
    receipt = unit_order.receipt
    if receipt.amount_idr <= 0:
        return None
    vendor = unit_order.partner.vendor
    today = timezone.localdate()
    figures = taxes.taxes_compute(subtotal_idr=receipt.amount_idr, vendor=vendor, on=today)
    invoice = Invoice.objects.create(
        unit_order=unit_order,
        unit_id=unit_order.unit_id,
        number=_next_number(unit_order, today.year),
        issued_at=timezone.now(),
        received_at=receipt.received_at,
        **_figure_fields(figures),
    )
    if figures.pbjt_idr:
        try:
            budget_commit(
                line=unit_order.budget_line,
                amount_idr=figures.pbjt_idr,
                order=unit_order.order,
                actor=actor,
                note=_("PBJT of invoice %(number)s") % {"number": invoice.number},
            )
        except BudgetExceeded as exc:
            raise SettlementRefused(
                _("The budget line has %(available)s left, not enough for this order's PBJT of %(pbjt)s.")
                % {"available": format_rupiah(exc.available_idr), "pbjt": format_rupiah(figures.pbjt_idr)}
            ) from exc
    _log(invoice, "issue", actor=actor, amount_idr=invoice.net_idr)
    # Render the PDF (and seal its QR code) in the background, so the first download is quick.
    transaction.on_commit(lambda: tasks.invoice_pdf_task.delay(invoice.pk))
    return invoice


def _figure_fields(figures: taxes.TaxFigures) -> dict:
    return {
        "subtotal_idr": figures.subtotal_idr,
        "pbjt_idr": figures.pbjt_idr,
        "pbjt_rule": figures.pbjt_rule if figures.pbjt_idr else None,
        "pbjt_rate_bp": figures.pbjt_rate_bp,
        "pph_kind": figures.pph_kind,
        "pph_idr": figures.pph_idr,
        "pph_rule": figures.pph_rule,
        "pph_rate_bp": figures.pph_rule.rate_bp,
        "total_idr": figures.total_idr,
        "net_idr": figures.net_idr,
    }


def _withholding_for_payment_day(invoice: Invoice, *, on: date, actor=None) -> Invoice:
    """PPh follows the MSME's PP 55 certificate on the payment date: re-figure it if that changed."""
    vendor = invoice.unit_order.partner.vendor
    kind = taxes.pph_kind_for(vendor, on)
    if kind == invoice.pph_kind:
        return invoice
    rule = taxes.rule_in_force(kind=kind, on=on)
    if rule is None:
        raise taxes.MissingTaxRule(kind=kind, on=on)
    before = invoice.pph_idr
    invoice.pph_kind, invoice.pph_rule, invoice.pph_rate_bp = kind, rule, rule.rate_bp
    invoice.pph_idr = taxes.share(invoice.subtotal_idr, rule.rate_bp)
    invoice.net_idr = invoice.total_idr - invoice.pph_idr
    invoice.save(update_fields=["pph_kind", "pph_rule", "pph_rate_bp", "pph_idr", "net_idr"])
    _log(
        invoice,
        "pph_refigured",
        actor=actor,
        amount_idr=invoice.pph_idr,
        reason=_("PPh on the payment date: %(kind)s (was %(before)s)")
        % {"kind": rule.get_kind_display(), "before": format_rupiah(before)},
    )
    return invoice


# --- Bank transfer -----------------------------------------------------------------------------------


@transaction.atomic
def transfer_record(
    *,
    invoice: Invoice,
    treasurer,
    transfer_date: date,
    amount_idr: int,
    bank_name: str,
    reference: str,
    proof: SanitisedFile,
) -> Payment:
    """The Bendahara records a bank transfer of the net amount, with its proof; the MSME confirms it."""
    invoice = _locked(invoice)
    if not _treasurer_of(treasurer, invoice):
        raise SettlementRefused(_("Only the unit's Bendahara pays its invoices."))
    if invoice.status not in (Invoice.Status.UNPAID,):
        raise SettlementRefused(
            _("This invoice is “%(status)s”: it cannot be paid now.")
            % {"status": invoice.get_status_display()}
        )
    today = timezone.localdate()
    received = timezone.localtime(invoice.received_at).date()
    if not received <= transfer_date <= today:
        raise SettlementRefused(
            _("The transfer date must lie between the BAST (%(bast_day)s) and today.")
            % {"bast_day": received.strftime("%d-%m-%Y")}
        )
    if invoice.payments.filter(status__in=LIVE).exists():  # checked before the proof is stored
        raise SettlementRefused(_("A payment of this invoice is already in progress."))
    invoice = _withholding_for_payment_day(invoice, on=transfer_date, actor=treasurer)
    if amount_idr != invoice.net_idr:
        raise TransferAmountMismatch(amount_idr=amount_idr, net_idr=invoice.net_idr)
    name = store_private(content=proof.content, extension=proof.extension, folder="transfer-proof")
    try:
        payment = Payment.objects.create(
            invoice=invoice,
            method=Payment.Method.TRANSFER,
            status=Payment.Status.AWAITING_CONFIRMATION,
            amount_idr=amount_idr,
            created_by=treasurer,
            transfer_date=transfer_date,
            bank_name=bank_name.strip(),
            reference=reference.strip(),
            proof_file_name=name,
            proof_content_type=proof.content_type,
        )
    except IntegrityError:
        raise SettlementRefused(_("A payment of this invoice is already in progress.")) from None
    invoice.status = Invoice.Status.AWAITING_CONFIRMATION
    invoice.save(update_fields=["status"])
    _log(
        invoice,
        "transfer_record",
        actor=treasurer,
        payment=payment,
        amount_idr=amount_idr,
        reason=reference.strip(),
    )
    transaction.on_commit(lambda: tasks.settlement_notify_task.delay(payment.pk, "transfer_recorded"))
    return payment


def _locked_payment(payment: Payment) -> Payment:
    return Payment.objects.select_for_update().select_related("invoice").get(pk=payment.pk)


@transaction.atomic
def transfer_confirm(*, payment: Payment, vendor_user) -> Payment:
    """The MSME confirms the transferred money arrived: the invoice is paid."""
    payment = _locked_payment(payment)
    invoice = _locked(payment.invoice)
    if not _vendor_user_of(vendor_user, invoice):
        raise SettlementRefused(_("Only the MSME paid can confirm this transfer."))
    if payment.status != Payment.Status.AWAITING_CONFIRMATION:
        raise SettlementRefused(_("This transfer is no longer waiting for confirmation."))
    _log(invoice, "transfer_confirm", actor=vendor_user, payment=payment, amount_idr=payment.amount_idr)
    _settle(payment=payment, invoice=invoice, paid_on=payment.transfer_date)
    return payment


@transaction.atomic
def transfer_dispute(*, payment: Payment, vendor_user, reason: str) -> Payment:
    """The MSME says the transfer did not arrive as recorded: it goes back to the Bendahara."""
    payment = _locked_payment(payment)
    invoice = _locked(payment.invoice)
    if not _vendor_user_of(vendor_user, invoice):
        raise SettlementRefused(_("Only the MSME paid can dispute this transfer."))
    if payment.status != Payment.Status.AWAITING_CONFIRMATION:
        raise SettlementRefused(_("This transfer is no longer waiting for confirmation."))
    if not reason.strip():
        raise SettlementRefused(_("Say what is wrong with the transfer."))
    payment.status, payment.dispute_reason = Payment.Status.DISPUTED, reason.strip()
    payment.save(update_fields=["status", "dispute_reason"])
    invoice.status = Invoice.Status.DISPUTED
    invoice.save(update_fields=["status"])
    _log(invoice, "transfer_dispute", actor=vendor_user, payment=payment, reason=reason.strip())
    transaction.on_commit(lambda: tasks.settlement_notify_task.delay(payment.pk, "transfer_disputed"))
    return payment


@transaction.atomic
def transfer_void(*, payment: Payment, treasurer, reason: str) -> Payment:
    """Correct a transfer recorded wrongly (before the MSME confirmed it): the invoice is payable again."""
    payment = _locked_payment(payment)
    invoice = _locked(payment.invoice)
    if not _treasurer_of(treasurer, invoice):
        raise SettlementRefused(_("Only the unit's Bendahara pays its invoices."))
    if payment.method != Payment.Method.TRANSFER or payment.status not in (
        Payment.Status.AWAITING_CONFIRMATION,
        Payment.Status.DISPUTED,
    ):
        raise SettlementRefused(_("Only a transfer not yet confirmed by the MSME can be corrected."))
    if not reason.strip():
        raise SettlementRefused(_("Give the reason for the correction."))
    payment.status = Payment.Status.VOID
    payment.save(update_fields=["status"])
    invoice.status = Invoice.Status.UNPAID
    invoice.save(update_fields=["status"])
    _log(invoice, "transfer_void", actor=treasurer, payment=payment, reason=reason.strip())
    return payment


# --- Card (Stripe Checkout) ----------------------------------------------------------------------


@dataclass(frozen=True)
class CardCheckout:
    payment: Payment
    url: str


@transaction.atomic
def card_checkout_start(*, invoice: Invoice, treasurer, success_url: str, cancel_url: str) -> CardCheckout:
    """Open (or reopen) Stripe's hosted payment page for the invoice's net amount.

    One live card payment per invoice: a double click or a reload returns the session already
    opened; Stripe's idempotency key per invoice and attempt keeps a retry from opening two."""
    if not stripe_gateway.stripe_configured():
        raise SettlementRefused(_("Card payment is not set up on this site: pay by bank transfer."))
    invoice = _locked(invoice)
    if not _treasurer_of(treasurer, invoice):
        raise SettlementRefused(_("Only the unit's Bendahara pays its invoices."))
    live = invoice.payments.filter(status__in=LIVE).first()
    if live and live.method == Payment.Method.CARD:
        session = stripe_gateway.checkout_session_retrieve(session_id=live.stripe_session_id)
        if session.status == "open":
            return CardCheckout(payment=live, url=session.url)
        if session.payment_status == "paid":
            _settle(payment=_locked_payment(live), invoice=invoice, paid_on=timezone.localdate())
            raise SettlementRefused(_("This invoice has just been paid."))
        live.status = Payment.Status.FAILED
        live.save(update_fields=["status"])
    elif live or invoice.status != Invoice.Status.UNPAID:
        raise SettlementRefused(
            _("This invoice is “%(status)s”: it cannot be paid now.")
            % {"status": invoice.get_status_display()}
        )
    invoice = _withholding_for_payment_day(invoice, on=timezone.localdate(), actor=treasurer)
    attempt = invoice.payments.filter(method=Payment.Method.CARD).count() + 1
    uo = invoice.unit_order
    session = stripe_gateway.checkout_session_create(
        reference=invoice.number,
        amount_idr=invoice.net_idr,
        description=_("Invoice %(number)s — %(vendor)s")
        % {"number": invoice.number, "vendor": uo.partner.name},
        success_url=success_url,
        cancel_url=cancel_url,
        idempotency_key=f"gulo-asem-invoice-{invoice.pk}-attempt-{attempt}",
        metadata={"invoice": str(invoice.pk), "invoice_number": invoice.number, "order": uo.order.number},
        customer_email=treasurer.email or None,
    )
    payment = Payment.objects.create(
        invoice=invoice,
        method=Payment.Method.CARD,
        status=Payment.Status.PENDING,
        amount_idr=invoice.net_idr,
        created_by=treasurer,
        stripe_session_id=session.id,
        stripe_payment_intent_id=session.payment_intent_id or "",
    )
    _log(invoice, "card_start", actor=treasurer, payment=payment, amount_idr=payment.amount_idr)
    return CardCheckout(payment=payment, url=session.url)


@transaction.atomic
def card_session_sync(*, session_id: str) -> Payment | None:
    """Read a Checkout Session afresh from Stripe and settle its payment if it was paid."""
    payment = Payment.objects.select_for_update().filter(stripe_session_id=session_id).first()
    if payment is None:
        return None
    session = stripe_gateway.checkout_session_retrieve(session_id=session_id)
    return _apply_session(payment, session)


def _apply_session(payment: Payment, session) -> Payment:
    invoice = _locked(payment.invoice)
    if session.payment_intent_id and not payment.stripe_payment_intent_id:
        payment.stripe_payment_intent_id = session.payment_intent_id
        payment.save(update_fields=["stripe_payment_intent_id"])
    if session.payment_status == "paid" and payment.status == Payment.Status.PENDING:
        if session.amount_idr != payment.amount_idr:
            _log(invoice, "card_amount_mismatch", payment=payment, amount_idr=session.amount_idr)
            return payment
        _settle(payment=payment, invoice=invoice, paid_on=timezone.localdate())
    elif session.status == "expired" and payment.status == Payment.Status.PENDING:
        payment.status = Payment.Status.FAILED
        payment.save(update_fields=["status"])
        _log(invoice, "card_expired", payment=payment)
    return payment


HANDLED_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
}


@transaction.atomic
def stripe_event_handle(*, event) -> str:
    """Apply one verified Stripe event once: its id is stored with its effect, so a replay is a no-op.

    Returns what happened: "duplicate", "ignored" (a type this site does not act on, or a
    session it does not know) or "applied"."""
    try:
        with transaction.atomic():
            record = StripeEvent.objects.create(event_id=event["id"], type=event["type"])
    except IntegrityError:
        return "duplicate"
    if event["type"] not in HANDLED_EVENTS:
        return "ignored"
    try:
        session_id = event["data"]["object"]["id"]
    except (KeyError, TypeError):
        return "ignored"
    payment = Payment.objects.select_for_update().filter(stripe_session_id=session_id).first()
    if payment is None:
        return "ignored"
    record.payment = payment
    record.save(update_fields=["payment"])
    if event["type"] == "checkout.session.async_payment_failed":
        if payment.status == Payment.Status.PENDING:
            payment.status = Payment.Status.FAILED
            payment.save(update_fields=["status"])
            _log(payment.invoice, "card_failed", payment=payment)
        return "applied"
    # Never trust the event's copy alone: read the session afresh (out-of-order events are harmless).
    session = stripe_gateway.checkout_session_retrieve(session_id=payment.stripe_session_id)
    _apply_session(payment, session)
    return "applied"


@transaction.atomic
def card_refund(*, payment: Payment, admin, amount_idr: int, reason: str) -> Payment:
    """Refund (part of) a card payment through Stripe: the realization is reversed by the refund.

    A full refund makes the order payable again (back to `received`); a partial one leaves it paid
    and returns the refunded money to the budget line."""
    payment = _locked_payment(payment)
    invoice = _locked(payment.invoice)
    if not (admin.is_superuser or admin.groups.filter(name=roles.ADMIN).exists()):
        raise SettlementRefused(_("Only an Admin may refund a payment."))
    if payment.method != Payment.Method.CARD or payment.status != Payment.Status.SUCCEEDED:
        raise SettlementRefused(_("Only a card payment that went through can be refunded."))
    left = payment.amount_idr - payment.refunded_idr
    if not 0 < amount_idr <= left:
        raise SettlementRefused(
            _("The refund must be between Rp 1 and %(left)s.") % {"left": format_rupiah(left)}
        )
    if not reason.strip():
        raise SettlementRefused(_("Give the reason for the refund."))
    refund = stripe_gateway.refund_create(
        payment_intent_id=payment.stripe_payment_intent_id,
        amount_idr=amount_idr,
        idempotency_key=f"gulo-asem-refund-{payment.pk}-{payment.refunded_idr}-{amount_idr}",
        reason_note=reason.strip()[:200],
    )
    payment.refunded_idr += amount_idr
    full = payment.refunded_idr == payment.amount_idr
    if full:
        payment.status = Payment.Status.REFUNDED
    payment.save(update_fields=["refunded_idr", "status"])
    uo = invoice.unit_order
    # A full refund reverses whatever is still realized for the order (earlier partial refunds
    # already reversed their part); a partial one reverses the refunded amount.
    still_paid = order_realized_idr(line=invoice.unit_order.budget_line, order=invoice.unit_order.order)
    reversed_idr = still_paid if full else min(amount_idr, still_paid)
    ordering.order_refund(
        unit_order=uo, actor=admin, amount_idr=reversed_idr, full=full, reason=reason.strip()
    )
    census.census_sales_record(
        vendor_id=uo.partner.vendor.pk,
        paid_on=timezone.localdate(),
        amount_idr=-census.census_refund_share(
            subtotal_idr=invoice.subtotal_idr,
            paid_idr=payment.amount_idr,
            refunded_idr=payment.refunded_idr,
            refunded_now_idr=amount_idr,
        ),
        orders=-1 if full else 0,
        # The public figure: what the unit spent on the order falls to the total less what is
        # refunded (nothing after a full refund), in the month the refunded payment completed.
        spent_idr=-(invoice.total_idr - (payment.refunded_idr - amount_idr)) if full else -amount_idr,
        spent_on=timezone.localtime(payment.settled_at).date(),
        paid_orders=-1 if full else 0,
        unit_code=uo.unit.code,
        unit_name=uo.unit.name,
    )
    if full and invoice.total_idr > reversed_idr:
        # Earlier partial refunds gave part back to the line: hold the whole invoice again, so it
        # can be paid anew (a line too short for it is recorded, never blocks the refund made).
        try:
            budget_commit(
                line=uo.budget_line,
                amount_idr=invoice.total_idr - reversed_idr,
                order=uo.order,
                actor=admin,
                note=_("Invoice %(number)s payable again after its refund") % {"number": invoice.number},
            )
        except BudgetExceeded as exc:
            _log(invoice, "recommit_short", actor=admin, amount_idr=exc.requested_idr, reason=exc.message)
    if full:
        invoice.status, invoice.paid_at, invoice.days_to_pay = Invoice.Status.UNPAID, None, None
        invoice.save(update_fields=["status", "paid_at", "days_to_pay"])
    _oscar_payment_record(
        invoice=invoice, payment=payment, amount_idr=amount_idr, refund=True, reference=refund.id
    )
    _log(invoice, "card_refund", actor=admin, payment=payment, amount_idr=amount_idr, reason=reason.strip())
    transparency.public_figures_changed()
    transaction.on_commit(lambda: tasks.settlement_notify_task.delay(payment.pk, "refunded"))
    return payment


# --- Paid -------------------------------------------------------------------------------------


def _settle(*, payment: Payment, invoice: Invoice, paid_on: date) -> None:
    """The invoice is paid: order → paid with its budget realized, Oscar's payment records, the MSME told."""
    if invoice.status == Invoice.Status.PAID:
        return
    now = timezone.now()
    payment.status, payment.settled_at = Payment.Status.SUCCEEDED, now
    payment.save(update_fields=["status", "settled_at"])
    received = timezone.localtime(invoice.received_at).date()
    invoice.status, invoice.paid_at = Invoice.Status.PAID, now
    invoice.days_to_pay = max((paid_on - received).days, 0)
    invoice.save(update_fields=["status", "paid_at", "days_to_pay"])
    uo = UnitOrder.objects.select_for_update().get(pk=invoice.unit_order_id)
    if uo.status == OrderStatus.RECEIVED:
        ordering.order_pay(unit_order=uo, actor=payment.created_by, amount_idr=invoice.total_idr)
    census.census_sales_record(
        vendor_id=invoice.unit_order.partner.vendor.pk,
        paid_on=paid_on,
        amount_idr=invoice.subtotal_idr,
        spent_idr=invoice.total_idr,  # the public figure: taxes included, in the month paid_at falls
        spent_on=timezone.localtime(now).date(),
        unit_code=invoice.unit_order.unit.code,
        unit_name=invoice.unit_order.unit.name,
    )
    reference = payment.stripe_payment_intent_id or payment.reference
    _oscar_payment_record(
        invoice=invoice, payment=payment, amount_idr=payment.amount_idr, reference=reference
    )
    _log(invoice, "paid", actor=payment.created_by, payment=payment, amount_idr=payment.amount_idr)
    transparency.public_figures_changed()
    transaction.on_commit(lambda: tasks.settlement_notify_task.delay(payment.pk, "paid"))


def _oscar_payment_record(
    *, invoice: Invoice, payment: Payment, amount_idr: int, reference: str, refund: bool = False
):
    """Oscar's own record of the money: a Source per method, a Transaction and a PaymentEvent."""
    order = invoice.unit_order.order
    source_type, _created = SourceType.objects.get_or_create(
        code=payment.method, defaults={"name": str(Payment.Method(payment.method).label)}
    )
    source, _created = Source.objects.get_or_create(
        order=order, source_type=source_type, defaults={"currency": settings.OSCAR_DEFAULT_CURRENCY}
    )
    if refund:
        source.amount_refunded += amount_idr
        source.save(update_fields=["amount_refunded"])
        source.transactions.create(txn_type=Transaction.REFUND, amount=amount_idr, reference=reference[:128])
    else:
        source.amount_allocated += amount_idr
        source.amount_debited += amount_idr
        source.save(update_fields=["amount_allocated", "amount_debited"])
        source.transactions.create(txn_type=Transaction.DEBIT, amount=amount_idr, reference=reference[:128])
    code = "refunded" if refund else "paid"
    event_type, _created = PaymentEventType.objects.get_or_create(
        code=code, defaults={"name": _("Refunded") if refund else _("Paid")}
    )
    PaymentEvent.objects.create(
        order=order, amount=amount_idr, reference=reference[:128], event_type=event_type
    )
