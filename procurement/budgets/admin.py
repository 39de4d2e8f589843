"""Budget accounts and lines in the Django admin; money moves only through the services.

A line's pagu is changed on its own page (budget_line_set_pagu, which refuses to go below
what is committed and realized); committed and realized follow the ledger, which nobody edits.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from marketplace.common.money import format_rupiah
from procurement.budgets.models import BudgetAccount, BudgetLine, LedgerEntry


@admin.register(BudgetAccount)
class BudgetAccountAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind")
    list_filter = ("kind",)
    search_fields = ("code", "name")


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = (
        "unit",
        "fiscal_year",
        "sub_activity_code",
        "account",
        "pagu",
        "committed",
        "realized",
        "available",
    )
    list_filter = ("fiscal_year", "account__kind", "unit")
    list_select_related = ("unit", "account")
    search_fields = (
        "sub_activity_code",
        "sub_activity_name",
        "unit__code",
        "unit__short_name",
        "account__code",
    )
    autocomplete_fields = ("unit", "account")

    def get_fields(self, request, obj=None):
        if obj is None:  # a new line starts with its pagu and nothing committed
            return ("unit", "fiscal_year", "sub_activity_code", "sub_activity_name", "account", "pagu_idr")
        return (
            "unit",
            "fiscal_year",
            "sub_activity_code",
            "sub_activity_name",
            "account",
            "pagu",
            "committed",
            "realized",
            "available",
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # Who and what a line is for stays put once it exists: orders and the ledger point at it.
        return (
            "unit",
            "fiscal_year",
            "sub_activity_code",
            "account",
            "pagu",
            "committed",
            "realized",
            "available",
        )

    @admin.display(description=_("pagu"), ordering="pagu_idr")
    def pagu(self, obj):
        if obj.pk is None:
            return format_rupiah(obj.pagu_idr)
        return format_html(
            '{} (<a href="{}">{}</a>)',
            format_rupiah(obj.pagu_idr),
            reverse("budgets:line-pagu", args=[obj.pk]),
            _("change"),
        )

    @admin.display(description=_("committed"), ordering="committed_idr")
    def committed(self, obj):
        return format_rupiah(obj.committed_idr)

    @admin.display(description=_("realized"), ordering="realized_idr")
    def realized(self, obj):
        return format_rupiah(obj.realized_idr)

    @admin.display(description=_("available"))
    def available(self, obj):
        return format_rupiah(obj.available_idr)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    """Read only: entries are written by budget_commit, budget_release and budget_realize."""

    list_display = ("created_at", "line", "kind", "amount", "order", "actor", "note")
    list_filter = ("kind", "line__fiscal_year", "line__unit")
    list_select_related = ("line__unit", "line__account", "order", "actor")
    search_fields = ("order__number", "note", "line__sub_activity_code", "line__account__code")
    date_hierarchy = "created_at"
    fields = ("created_at", "line", "kind", "amount_idr", "order", "actor", "note")
    readonly_fields = fields

    @admin.display(description=_("amount"), ordering="amount_idr")
    def amount(self, obj):
        return format_rupiah(obj.amount_idr)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
