"""Units and who acts for them. Memberships are granted and revoked through the services,
so the role's group (and its permissions) follows; they are deactivated, never deleted,
so the record of who acted for a unit stays."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from marketplace.common.money import format_rupiah
from procurement.units.models import Membership, Unit
from procurement.units.services import membership_set


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False
    fields = ("user", "role", "is_active", "created_at")
    autocomplete_fields = ("user",)
    verbose_name_plural = _("people acting for this unit")

    def get_readonly_fields(self, request, obj=None):
        return ("created_at",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "short_name", "name", "kind", "approval_threshold", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "short_name")
    fields = ("code", "name", "short_name", "kind", "is_active", "approval_threshold_idr")
    inlines = [MembershipInline]

    @admin.display(description=_("approval threshold"), ordering="approval_threshold_idr")
    def approval_threshold(self, obj):
        return format_rupiah(obj.approval_threshold_idr)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        for inline_form in formset.forms:
            if not inline_form.has_changed() or not inline_form.is_valid():
                continue
            membership = inline_form.save(commit=False)
            membership.unit = form.instance
            previous = Membership.objects.get(pk=membership.pk) if membership.pk is not None else None
            membership_set(
                user=membership.user,
                unit=membership.unit,
                role=membership.role,
                is_active=membership.is_active,
                previous=previous,
            )
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "unit", "role", "is_active", "created_at")
    list_filter = ("role", "is_active", "unit")
    list_select_related = ("user", "unit")
    search_fields = ("user__email", "user__first_name", "user__last_name", "unit__code", "unit__short_name")
    autocomplete_fields = ("user", "unit")
    fields = ("user", "unit", "role", "is_active", "created_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("created_at",)
        return ("user", "unit", "role", "created_at")

    def save_model(self, request, obj, form, change):
        stored = membership_set(user=obj.user, unit=obj.unit, role=obj.role, is_active=obj.is_active)
        obj.pk, obj.created_at = stored.pk, stored.created_at

    def has_delete_permission(self, request, obj=None):
        return False
