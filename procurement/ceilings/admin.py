from django.contrib import admin

from procurement.ceilings.models import PriceCeiling


@admin.register(PriceCeiling)
class PriceCeilingAdmin(admin.ModelAdmin):
    list_display = ("fiscal_year", "kind", "max_price_idr", "unit_label", "note")
    list_filter = ("fiscal_year", "kind")
