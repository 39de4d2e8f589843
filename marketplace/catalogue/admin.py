from django.contrib import admin
from oscar.apps.catalogue.admin import *  # noqa: F403

from marketplace.catalogue.models import KindCeiling
from marketplace.catalogue.services import product_ceiling_kinds_refresh


@admin.register(KindCeiling)
class KindCeilingAdmin(admin.ModelAdmin):
    """City-pack data (product-kind-ceilings.csv); a change here moves the products of the kind."""

    list_display = ("kind", "ceiling_kind", "note")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        product_ceiling_kinds_refresh()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        product_ceiling_kinds_refresh()
