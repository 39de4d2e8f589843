"""Paying what was received: tax rules, invoices (tagihan), payments and Stripe's events.

Domain words kept in Indonesian, as treasurers use them:
- tagihan: the invoice of one received order, issued when the BAST is signed.
- PBJT (Pajak Barang dan Jasa Tertentu): the regional tax on food and drink, catering
  included (UU 1/2022 HKPD), charged on top by an MSME registered as a PBJT collector.
- PPh: income tax the treasurer withholds from the MSME: final 0.5% with a PP 55/2022
  certificate, else PPh 23 (2%, doubled without NPWP).
- Bendahara: the unit's treasurer, who pays.

Every figure of an invoice is stored with the rule and rate it came from: a later rule change
never alters an issued invoice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

BASIS_POINTS = 10_000  # rates are stored in basis points: 1000 = 10%, 50 = 0.5%


class TaxRule(models.Model):
    """A tax rate in force from a date (until the next rule of its kind, or `valid_to`)."""

    class Kind(models.TextChoices):
        PBJT = "pbjt", _("PBJT on food and drink")
        PPH_FINAL = "pph_final", _("PPh final (PP 55/2022)")
        PPH23 = "pph23", _("PPh 23 on catering services")
        PPH23_NO_NPWP = "pph23_no_npwp", _("PPh 23 without NPWP")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    rate_bp = models.PositiveIntegerField(_("rate (basis points: 100 = 1%)"))
    threshold_idr = models.BigIntegerField(
        _("charged from (Rp)"),
        default=0,
        help_text=_("The tax is not charged on an invoice subtotal below this amount (0: always)."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ("kind", "-valid_from")
        verbose_name = _("tax rule")
        verbose_name_plural = _("tax rules")
        constraints = [
            models.UniqueConstraint(fields=["kind", "valid_from"], name="taxrule_unique_kind_from"),
            models.CheckConstraint(condition=Q(rate_bp__lte=BASIS_POINTS), name="taxrule_rate_at_most_100"),
            models.CheckConstraint(condition=Q(threshold_idr__gte=0), name="taxrule_threshold_not_negative"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="taxrule_valid_to_after_from",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.rate_bp / 100:g}% ({self.valid_from:%d-%m-%Y})"

    @property
    def rate_percent(self) -> str:
        return f"{self.rate_bp / 100:g}".replace(".", ",") + "%"


class Invoice(models.Model):
    """The tagihan of one received order: subtotal, taxes, total charged, net to the MSME."""

    class Status(models.TextChoices):
        UNPAID = "unpaid", _("Unpaid")
        AWAITING_CONFIRMATION = "awaiting_confirmation", _("Transfer awaiting the MSME's confirmation")
        DISPUTED = "disputed", _("Disputed by the MSME")
        PAID = "paid", _("Paid")
        REFUNDED = "refunded", _("Refunded")

    unit_order = models.OneToOneField(
        "ordering.UnitOrder", on_delete=models.PROTECT, related_name="invoice", verbose_name=_("order")
    )
    # The order's unit, copied when the invoice is issued (an order never changes unit): the
    # Bendahara's payables read their unit's invoices by (unit, status, received_at) instead of
    # every unpaid invoice of the city joined to its order. The index below leads with the unit,
    # so the foreign key needs no index of its own.
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("unit"),
        db_index=False,
    )
    number = models.CharField(_("number"), max_length=60, unique=True)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.UNPAID, db_index=True
    )
    issued_at = models.DateTimeField(_("issued"), db_index=True)
    received_at = models.DateTimeField(_("received (BAST)"), db_index=True)
    subtotal_idr = models.BigIntegerField(_("subtotal (Rp)"))
    pbjt_idr = models.BigIntegerField(_("PBJT (Rp)"), default=0)
    pbjt_rule = models.ForeignKey(
        TaxRule, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("PBJT rule")
    )
    pbjt_rate_bp = models.PositiveIntegerField(_("PBJT rate (bp)"), default=0)
    pph_kind = models.CharField(_("PPh kind"), max_length=20, choices=TaxRule.Kind.choices, blank=True)
    pph_idr = models.BigIntegerField(_("PPh withheld (Rp)"), default=0)
    pph_rule = models.ForeignKey(
        TaxRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("PPh rule")
    )
    pph_rate_bp = models.PositiveIntegerField(_("PPh rate (bp)"), default=0)
    total_idr = models.BigIntegerField(_("total charged to the budget (Rp)"))
    net_idr = models.BigIntegerField(_("net to the MSME (Rp)"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True, db_index=True)
    days_to_pay = models.PositiveIntegerField(_("days from BAST to payment"), null=True, blank=True)

    class Meta:
        ordering = ("received_at", "pk")
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["unit", "status", "received_at"], name="invoice_unit_status_received"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(subtotal_idr__gt=0), name="invoice_subtotal_positive"),
            models.CheckConstraint(
                condition=Q(pbjt_idr__gte=0) & Q(pph_idr__gte=0), name="invoice_taxes_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(total_idr=models.F("subtotal_idr") + models.F("pbjt_idr")),
                name="invoice_total_is_subtotal_plus_pbjt",
            ),
            models.CheckConstraint(
                condition=Q(net_idr=models.F("total_idr") - models.F("pph_idr")),
                name="invoice_net_is_total_minus_pph",
            ),
        ]

    def __str__(self):
        return self.number


class Payment(models.Model):
    """One attempt to pay an invoice: a card payment through Stripe or a recorded bank transfer."""

    class Method(models.TextChoices):
        CARD = "card", _("Government credit card (Stripe)")
        TRANSFER = "transfer", _("Bank transfer")

    class Status(models.TextChoices):
        PENDING = "pending", _("In progress")
        AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting the MSME's confirmation")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")
        DISPUTED = "disputed", _("Disputed")
        VOID = "void", _("Corrected (void)")
        REFUNDED = "refunded", _("Refunded")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, db_index=True)
    amount_idr = models.BigIntegerField(_("amount (Rp)"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)
    # Bank transfer
    transfer_date = models.DateField(_("transfer date"), null=True, blank=True)
    bank_name = models.CharField(_("bank"), max_length=60, blank=True)
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    proof_file_name = models.CharField(_("proof file (private storage)"), max_length=255, blank=True)
    proof_content_type = models.CharField(max_length=60, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dispute_reason = models.TextField(_("dispute reason"), blank=True)
    # Card (Stripe)
    stripe_session_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    refunded_idr = models.BigIntegerField(_("refunded (Rp)"), default=0)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount_idr__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_idr__gte=0) & Q(refunded_idr__lte=models.F("amount_idr")),
                name="payment_refund_within_amount",
            ),
            # One live payment per invoice: a double click or a retry never makes a second one.
            models.UniqueConstraint(
                fields=["invoice"],
                condition=Q(status__in=["pending", "awaiting_confirmation", "succeeded", "disputed"]),
                name="payment_one_live_per_invoice",
            ),
        ]

    def __str__(self):
        return f"{self.get_method_display()} {self.amount_idr} ({self.invoice})"


class SettlementAction(models.Model):
    """Who did what to an invoice and its payments, when and why (the settlement's audit trail)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="actions")
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    action = models.CharField(_("action"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount_idr = models.BigIntegerField(_("amount (Rp)"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("created_at", "pk")
        verbose_name = _("settlement action")
        verbose_name_plural = _("settlement actions")

    def __str__(self):
        return f"{self.action} ({self.invoice_id})"


class StripeEvent(models.Model):
    """A Stripe webhook event already handled: its id is unique, so a replay changes nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")

    def __str__(self):
        return f"{self.type} {self.event_id}"
