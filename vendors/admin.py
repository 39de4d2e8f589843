from django import forms
from django.contrib import admin

from vendors.forms import VendorRulesMixin
from vendors.models import DocumentAccess, Vendor, VendorDecision
from vendors.services import NIK_FACTS, REVERIFY_FIELDS


class DecisionInline(admin.TabularInline):
    model = VendorDecision
    extra = 0
    can_delete = False
    readonly_fields = ("action", "actor", "from_status", "to_status", "reason", "problems", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


class VendorAdminForm(VendorRulesMixin, forms.ModelForm):
    """The numbers stored in their normal form and the rules between the fields, as on every path
    (the model and the fields come from VendorAdmin)."""


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    """Read-mostly: status changes go through the verification pages, which keep the audit trail.

    NIK, NIB and legal form are read-only here: a change of them sends a verified MSME back to
    verification, which only the owner's profile pages do (vendors.services.vendor_update). The
    owner's gender and birth date are read from the NIK."""

    form = VendorAdminForm
    list_display = ("business_name", "sector", "kecamatan", "status", "submitted_at")
    list_filter = ("status", "sector", "kecamatan")
    search_fields = ("business_name", "nib", "owner__email")
    readonly_fields = ("status", "partner", "submitted_at", "approved_at", "created_at", "updated_at")
    inlines = [DecisionInline]

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *REVERIFY_FIELDS, *NIK_FACTS)


@admin.register(DocumentAccess)
class DocumentAccessAdmin(admin.ModelAdmin):
    list_display = ("accessed_at", "user", "description")
    list_select_related = ("user",)
    readonly_fields = ("document", "description", "user", "accessed_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
