from django.contrib import admin

from procurement.units.models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "short_name", "name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "short_name")
