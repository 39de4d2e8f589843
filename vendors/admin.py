from django.contrib import admin

from vendors.models import DocumentAccess, Vendor, VendorDecision


class DecisionInline(admin.TabularInline):
    model = VendorDecision
    extra = 0
    can_delete = False
    readonly_fields = ("action", "actor", "from_status", "to_status", "reason", "problems", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    """Read-mostly: status changes go through the verification pages, which keep the audit trail."""

    list_display = ("business_name", "sector", "kecamatan", "status", "submitted_at")
    list_filter = ("status", "sector", "kecamatan")
    search_fields = ("business_name", "nib", "owner__email")
    readonly_fields = ("status", "partner", "submitted_at", "approved_at", "created_at", "updated_at")
    inlines = [DecisionInline]


@admin.register(DocumentAccess)
class DocumentAccessAdmin(admin.ModelAdmin):
    list_display = ("accessed_at", "user", "description")
    list_select_related = ("user",)
    readonly_fields = ("document", "description", "user", "accessed_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
