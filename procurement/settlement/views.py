"""Settlement pages: the Bendahara's payables, the invoice (tagihan) and its payment, the MSME's
payments, the transfer proof, the invoice PDF and Stripe's webhook.

Views parse, call a service or a selector, and render. Who may do what is the services' call:
a refusal (`SettlementRefused`, or any `DomainError`) becomes a message and a redirect back to
the invoice; a form that does not validate re-renders the invoice page with its errors (400).
An invoice or payment the person may not see answers 404, as if it did not exist.
"""

import logging

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.files.storage import storages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.request import RawPostDataException
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import ListView

from marketplace.accounts import roles
from marketplace.common.bounds import MAX_ID
from marketplace.common.domain import DomainError
from marketplace.common.filters import valid_filters
from marketplace.common.links import absolute_url
from marketplace.payment import stripe_gateway
from procurement.settlement import documents, selectors, services
from procurement.settlement.forms import (
    CardReturnForm,
    PayablesFilterForm,
    ReasonForm,
    RefundForm,
    TransferForm,
)
from procurement.settlement.models import Invoice, Payment
from procurement.units.models import Membership
from procurement.units.selectors import holds_role

logger = logging.getLogger(__name__)

# What each entry of the settlement's audit trail means (SettlementAction.action).
ACTION_LABELS = {
    "issue": gettext_lazy("Invoice issued"),
    "pph_refigured": gettext_lazy("PPh re-figured for the payment date"),
    "transfer_record": gettext_lazy("Transfer recorded"),
    "transfer_confirm": gettext_lazy("Transfer confirmed by the MSME"),
    "transfer_dispute": gettext_lazy("Transfer disputed by the MSME"),
    "transfer_void": gettext_lazy("Transfer corrected (void)"),
    "card_start": gettext_lazy("Card payment started"),
    "card_failed": gettext_lazy("Card payment failed"),
    "card_expired": gettext_lazy("Card payment expired"),
    "card_amount_mismatch": gettext_lazy("Card payment of another amount: not applied"),
    "card_refund": gettext_lazy("Card payment refunded"),
    "paid": gettext_lazy("Paid"),
}

TRANSFER_IDS, DISPUTE_IDS, VOID_IDS, REFUND_IDS = "transfer_%s", "dispute_%s", "void_%s", "refund_%s"


def _is_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.groups.filter(name=roles.ADMIN).exists())


def _visible_invoices(user):
    """Invoices of the user's units and MSMEs; an Admin (who refunds) sees every invoice."""
    if _is_admin(user):
        return Invoice.objects.select_related(
            "unit_order__unit",
            "unit_order__partner",
            "unit_order__order",
            "unit_order__event",
            "unit_order__budget_line__account",
        )
    return selectors.invoices_visible_to(user)


def visible_invoice(request, pk) -> Invoice:
    if not 0 < pk <= MAX_ID:
        raise Http404()
    invoice = (
        _visible_invoices(request.user).select_related("unit_order__partner__vendor").filter(pk=pk).first()
    )
    if invoice is None:
        raise Http404()
    return invoice


def visible_payment(request, pk) -> Payment:
    if not 0 < pk <= MAX_ID:
        raise Http404()
    visible = _visible_invoices(request.user).order_by().values("pk")
    payment = Payment.objects.filter(pk=pk, invoice__in=visible).first()
    if payment is None:
        raise Http404()
    return payment


def _percent(rate_bp: int) -> str:
    return f"{rate_bp / 100:g}".replace(".", ",") + "%"


def _with_days(invoices, today=None):
    """Each invoice with `days` (waiting since the BAST, or taken to pay) and `overdue`."""
    today = today or timezone.localdate()
    for invoice in invoices:
        paid = invoice.status == Invoice.Status.PAID and invoice.days_to_pay is not None
        invoice.days = invoice.days_to_pay if paid else selectors.days_waiting(invoice, today=today)
        invoice.overdue = selectors.is_overdue(invoice, today=today)
    return invoices


# --- The Bendahara's payables ---------------------------------------------------------------------


class PayablesView(LoginRequiredMixin, ListView):
    """Received but unpaid invoices of the Bendahara's units, oldest BAST first, with totals."""

    template_name = "settlement/payables_list.html"
    context_object_name = "invoices"
    paginate_by = 25

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.units = [
                (unit.pk, unit.short_name or unit.name)
                for unit in selectors.treasurer_units(request.user).order_by("name")
            ]
            if not self.units:
                raise PermissionDenied(_("This page is for the Bendahara of a government unit."))
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        self.groups = selectors.payables_groups(treasurer=user)  # the choices and the totals
        partners, lines = selectors.payables_choices(self.groups)
        self.form = PayablesFilterForm(
            self.request.GET or None, units=self.units, partners=partners, lines=lines
        )
        d = valid_filters(self.request, self.form)
        self.filters = selectors.PayablesFilter(
            unit_id=d.get("unit"),
            partner_id=d.get("partner"),
            budget_line_id=d.get("budget_line"),
            overdue_only=bool(d.get("overdue")),
        )
        self.filtered = selectors.payables(treasurer=user, filters=self.filters)
        return self.filtered

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["invoices"] = ctx["object_list"] = _with_days(list(ctx["object_list"]))
        params = self.request.GET.copy()
        params.pop("page", None)
        ctx.update(
            form=self.form,
            totals=selectors.payables_totals_of(self.groups, self.filters),
            target_days=selectors.payment_target_days(),
            several_units=len(self.units) > 1,
            filtered=bool(self.form.is_bound and self.form.has_changed()),
            query_string=params.urlencode(),
        )
        return ctx


# --- The invoice page -----------------------------------------------------------------------------


def render_invoice(request, invoice: Invoice, *, status: int = 200, **forms):
    """The invoice page; `forms` replace the empty forms (a bound form with its errors)."""
    user, uo = request.user, invoice.unit_order
    is_treasurer = holds_role(user=user, unit=uo.unit, role=Membership.Role.TREASURER)
    is_vendor_user = uo.partner.users.filter(pk=user.pk).exists()
    is_admin = _is_admin(user)
    payments = list(invoice.payments.select_related("created_by", "confirmed_by"))
    awaiting = next((p for p in payments if p.status == Payment.Status.AWAITING_CONFIRMATION), None)
    correctable = next(
        (
            p
            for p in payments
            if p.method == Payment.Method.TRANSFER
            and p.status in (Payment.Status.AWAITING_CONFIRMATION, Payment.Status.DISPUTED)
        ),
        None,
    )
    refundable = [
        p for p in payments if p.method == Payment.Method.CARD and p.status == Payment.Status.SUCCEEDED
    ]
    actions = list(invoice.actions.select_related("actor"))
    for action in actions:
        action.label = ACTION_LABELS.get(action.action, action.action)
    can_pay = is_treasurer and invoice.status == Invoice.Status.UNPAID
    _with_days([invoice])
    ctx = {
        "invoice": invoice,
        "uo": uo,
        "vendor": getattr(uo.partner, "vendor", None),
        "pbjt_rate": _percent(invoice.pbjt_rate_bp),
        "pph_rate": _percent(invoice.pph_rate_bp),
        "target_days": selectors.payment_target_days(),
        "payments": payments,
        "actions": actions,
        "is_treasurer": is_treasurer,
        "can_see_proof": is_vendor_user
        or is_treasurer
        or holds_role(user=user, unit=uo.unit, role=Membership.Role.PPK),
        "can_pay": can_pay,
        "card_available": stripe_gateway.stripe_configured(),
        "awaiting": awaiting if is_vendor_user else None,
        "correctable": correctable if is_treasurer else None,
        "refundable": refundable if is_admin else [],
    }
    if can_pay:
        ctx["transfer_form"] = forms.get("transfer_form") or TransferForm(
            auto_id=TRANSFER_IDS,
            initial={"amount_idr": invoice.net_idr, "transfer_date": timezone.localdate()},
        )
    if ctx["awaiting"]:
        ctx["dispute_form"] = forms.get("dispute_form") or ReasonForm(
            auto_id=DISPUTE_IDS, label=_("What is wrong with the transfer?")
        )
    if ctx["correctable"]:
        ctx["void_form"] = forms.get("void_form") or ReasonForm(
            auto_id=VOID_IDS, label=_("Reason for the correction")
        )
    if ctx["refundable"]:
        ctx["refund_forms"] = [
            (
                p,
                forms.get("refund_form")
                if forms.get("refund_payment") == p.pk
                else RefundForm(
                    auto_id=f"refund_{p.pk}_%s", initial={"amount_idr": p.amount_idr - p.refunded_idr}
                ),
            )
            for p in refundable
        ]
    return render(request, "settlement/invoice_detail.html", ctx, status=status)


class InvoiceDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        return render_invoice(request, visible_invoice(request, pk))


class _PostView(LoginRequiredMixin, View):
    """A settlement step: POST only; the object must be visible to the user (404 otherwise)."""

    http_method_names = ["post"]

    @staticmethod
    def back(invoice_pk: int):
        return redirect("settlement:invoice-detail", pk=invoice_pk)


class TransferRecordView(_PostView):
    def post(self, request, pk):
        invoice = visible_invoice(request, pk)
        form = TransferForm(request.POST, request.FILES, auto_id=TRANSFER_IDS)
        if not form.is_valid():
            return render_invoice(request, invoice, status=400, transfer_form=form)
        d = form.cleaned_data
        try:
            services.transfer_record(
                invoice=invoice,
                treasurer=request.user,
                transfer_date=d["transfer_date"],
                amount_idr=d["amount_idr"],
                bank_name=d["bank_name"],
                reference=d["reference"],
                proof=d["proof"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Transfer recorded. The MSME has been asked to confirm it arrived."))
        return self.back(invoice.pk)


class TransferConfirmView(_PostView):
    def post(self, request, pk):
        payment = visible_payment(request, pk)
        try:
            services.transfer_confirm(payment=payment, vendor_user=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Thank you: the invoice is paid."))
        return self.back(payment.invoice_id)


class TransferDisputeView(_PostView):
    def post(self, request, pk):
        payment = visible_payment(request, pk)
        form = ReasonForm(request.POST, auto_id=DISPUTE_IDS, label=_("What is wrong with the transfer?"))
        if not form.is_valid():
            invoice = visible_invoice(request, payment.invoice_id)
            return render_invoice(request, invoice, status=400, dispute_form=form)
        try:
            services.transfer_dispute(
                payment=payment, vendor_user=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Dispute sent. The Bendahara has been told."))
        return self.back(payment.invoice_id)


class TransferVoidView(_PostView):
    def post(self, request, pk):
        payment = visible_payment(request, pk)
        form = ReasonForm(request.POST, auto_id=VOID_IDS, label=_("Reason for the correction"))
        if not form.is_valid():
            invoice = visible_invoice(request, payment.invoice_id)
            return render_invoice(request, invoice, status=400, void_form=form)
        try:
            services.transfer_void(
                payment=payment, treasurer=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Transfer corrected. The invoice can be paid again."))
        return self.back(payment.invoice_id)


class CardRefundView(_PostView):
    def post(self, request, pk):
        payment = visible_payment(request, pk)
        form = RefundForm(request.POST, auto_id=f"refund_{payment.pk}_%s")
        if not form.is_valid():
            invoice = visible_invoice(request, payment.invoice_id)
            return render_invoice(request, invoice, status=400, refund_form=form, refund_payment=payment.pk)
        try:
            services.card_refund(
                payment=payment,
                admin=request.user,
                amount_idr=form.cleaned_data["amount_idr"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        except stripe_gateway.GatewayError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Refund made."))
        return self.back(payment.invoice_id)


# --- Card payment (Stripe Checkout) ---------------------------------------------------------------


class CardStartView(_PostView):
    """Open Stripe's hosted payment page and send the Bendahara there (303: the browser GETs it)."""

    def post(self, request, pk):
        invoice = visible_invoice(request, pk)
        success_url = (
            request.build_absolute_uri(reverse("settlement:card-return", args=[invoice.pk]))
            + "?session_id={CHECKOUT_SESSION_ID}"  # Stripe fills it in
        )
        cancel_url = request.build_absolute_uri(reverse("settlement:invoice-detail", args=[invoice.pk]))
        try:
            checkout = services.card_checkout_start(
                invoice=invoice, treasurer=request.user, success_url=success_url, cancel_url=cancel_url
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        except stripe_gateway.GatewayError as exc:
            messages.error(request, str(exc))
        else:
            response = HttpResponseRedirect(checkout.url)
            response.status_code = 303
            return response
        return self.back(invoice.pk)


class CardReturnView(LoginRequiredMixin, View):
    """Stripe sends the payer back here: read the session afresh (idempotent) and say how it went."""

    def get(self, request, pk):
        invoice = visible_invoice(request, pk)
        form = CardReturnForm(request.GET)
        session_id = form.cleaned_data["session_id"] if form.is_valid() else ""
        if not session_id or not invoice.payments.filter(stripe_session_id=session_id).exists():
            messages.warning(request, _("This card payment is not one of this invoice's."))
            return redirect("settlement:invoice-detail", pk=invoice.pk)
        try:
            payment = services.card_session_sync(session_id=session_id)
        except stripe_gateway.GatewayError as exc:
            messages.error(request, str(exc))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if payment is not None and payment.status == Payment.Status.SUCCEEDED:
                messages.success(request, _("Card payment succeeded."))
            else:
                messages.info(
                    request,
                    _("The card payment is still being processed; this page will show it once it is paid."),
                )
        return redirect("settlement:invoice-detail", pk=invoice.pk)


@method_decorator(csrf_exempt, name="dispatch")
class StripeWebhookView(View):
    """Stripe's events: the raw body's signature verified; each event applied once."""

    http_method_names = ["post"]

    def post(self, request):
        try:
            payload = request.body
        except RawPostDataException:  # a multipart body already parsed: not Stripe's
            return HttpResponse("refused: malformed_payload", status=400, content_type="text/plain")
        try:
            event = stripe_gateway.webhook_event_construct(
                payload=payload, signature_header=request.META.get("HTTP_STRIPE_SIGNATURE", "")
            )
        except stripe_gateway.WebhookRefused as exc:
            logger.warning("Stripe webhook refused: %s", exc.reason)
            return HttpResponse(f"refused: {exc.reason}", status=400, content_type="text/plain")
        try:
            result = services.stripe_event_handle(event=event)
        except stripe_gateway.GatewayError as exc:  # Stripe unreachable: nothing stored, it retries
            logger.warning("Stripe webhook %s not applied: %s", event.get("id"), exc.code)
            return JsonResponse({"status": "retry"}, status=503)
        return JsonResponse({"status": result})


# --- The transfer proof ---------------------------------------------------------------------------


class TransferProofView(LoginRequiredMixin, View):
    """The bank's proof, for the unit's Bendahara and PPK and the MSME's users; 404 for anyone else."""

    def get(self, request, pk):
        payment = visible_payment(request, pk)
        uo = payment.invoice.unit_order
        allowed = (
            holds_role(user=request.user, unit=uo.unit, role=Membership.Role.TREASURER)
            or holds_role(user=request.user, unit=uo.unit, role=Membership.Role.PPK)
            or uo.partner.users.filter(pk=request.user.pk).exists()
        )
        if not allowed or not payment.proof_file_name:
            raise Http404()
        try:
            handle = storages["private"].open(payment.proof_file_name, "rb")
        except FileNotFoundError:
            raise Http404() from None
        content_type = payment.proof_content_type or "application/octet-stream"
        response = FileResponse(handle, content_type=content_type)
        # Photos open in the browser; PDFs are downloaded, never rendered in the site's origin.
        disposition = "inline" if content_type in ("image/jpeg", "image/png") else "attachment"
        extension = payment.proof_file_name.rsplit(".", 1)[-1]
        response["Content-Disposition"] = f'{disposition}; filename="bukti-transfer-{payment.pk}.{extension}"'
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- The invoice as PDF ---------------------------------------------------------------------------


class InvoicePdfView(LoginRequiredMixin, View):
    def get(self, request, pk):
        invoice = visible_invoice(request, pk)
        seal = documents.invoice_seal_issue(invoice=invoice)
        pdf = documents.invoice_pdf(
            invoice=invoice, seal=seal, verify_url=absolute_url("ordering:document-verify", seal.code)
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = "tagihan-" + invoice.number.replace("/", "-") + ".pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        patch_cache_control(response, private=True, no_store=True)
        return response


# --- The MSME's payments --------------------------------------------------------------------------


class VendorPaymentsView(LoginRequiredMixin, ListView):
    """The MSME's invoices, newest BAST first: status, net, when paid and how long it took."""

    template_name = "settlement/vendor_payments_list.html"
    context_object_name = "invoices"
    paginate_by = 25

    def get_queryset(self):
        return selectors.vendor_payments(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["invoices"] = ctx["object_list"] = _with_days(list(ctx["object_list"]))
        ctx["target_days"] = selectors.payment_target_days()
        return ctx
