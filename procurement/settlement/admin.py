"""Tax rules, invoices and payments in the Django admin (docs/taxes.md).

The Admin edits the tax rules. Invoices, their payments and Stripe's events are read only: their
figures are issued by the services (invoice_issue, the transfer and card steps), never edited,
and each invoice keeps the rule and rate it used, so changing a rule here alters no issued invoice.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from marketplace.common.money import format_rupiah
from procurement.settlement.models import Invoice, Payment, StripeEvent, TaxRule

RULE_FIELDS = ("kind", "rate_bp", "threshold_idr", "valid_from", "valid_to", "legal_basis", "note")


class TaxRuleForm(forms.ModelForm):
    class Meta:
        model = TaxRule
        fields = RULE_FIELDS

    def clean(self):
        data = super().clean()
        starts, ends = data.get("valid_from"), data.get("valid_to")
        if starts and ends and ends < starts:
            self.add_error("valid_to", _("A rule cannot end before it starts."))
        return data


@admin.register(TaxRule)
class TaxRuleAdmin(admin.ModelAdmin):
    form = TaxRuleForm
    list_display = ("kind", "rate", "valid_from", "valid_to", "threshold", "legal_basis")
    list_filter = ("kind",)
    ordering = ("kind", "-valid_from")
    search_fields = ("legal_basis", "note")
    fieldsets = (
        (
            None,
            {
                "fields": RULE_FIELDS,
                "description": _(
                    "Issued invoices keep the rule and rate they were issued with: a change here applies "
                    "to invoices issued from now on. To change a rate from a date, end this rule the day "
                    "before (valid until) and add a new rule from that date."
                ),
            },
        ),
    )

    @admin.display(description=_("rate"), ordering="rate_bp")
    def rate(self, obj):
        return obj.rate_percent

    @admin.display(description=_("charged from"), ordering="threshold_idr")
    def threshold(self, obj):
        return format_rupiah(obj.threshold_idr)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never added, changed or deleted here."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("method", "status", "amount", "created_by", "created_at", "settled_at", "refunded")
    readonly_fields = fields

    @admin.display(description=_("amount"))
    def amount(self, obj):
        return format_rupiah(obj.amount_idr)

    @admin.display(description=_("refunded"))
    def refunded(self, obj):
        return format_rupiah(obj.refunded_idr)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "unit_order",
        "status",
        "subtotal",
        "pbjt",
        "pph",
        "total",
        "net",
        "received_at",
    )
    list_filter = ("status", "pph_kind")
    list_select_related = ("unit_order__order",)
    search_fields = ("number", "unit_order__order__number")
    date_hierarchy = "received_at"
    inlines = [PaymentInline]

    @admin.display(description=_("subtotal"), ordering="subtotal_idr")
    def subtotal(self, obj):
        return format_rupiah(obj.subtotal_idr)

    @admin.display(description=_("PBJT"), ordering="pbjt_idr")
    def pbjt(self, obj):
        return format_rupiah(obj.pbjt_idr)

    @admin.display(description=_("PPh withheld"), ordering="pph_idr")
    def pph(self, obj):
        return format_rupiah(obj.pph_idr)

    @admin.display(description=_("total charged to the budget"), ordering="total_idr")
    def total(self, obj):
        return format_rupiah(obj.total_idr)

    @admin.display(description=_("net to the MSME"), ordering="net_idr")
    def net(self, obj):
        return format_rupiah(obj.net_idr)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("invoice", "method", "status", "amount", "created_at", "settled_at")
    list_filter = ("method", "status")
    list_select_related = ("invoice",)
    search_fields = ("invoice__number", "reference", "stripe_session_id", "stripe_payment_intent_id")
    date_hierarchy = "created_at"

    @admin.display(description=_("amount"), ordering="amount_idr")
    def amount(self, obj):
        return format_rupiah(obj.amount_idr)


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "type", "payment", "received_at")
    list_filter = ("type",)
    search_fields = ("event_id",)
