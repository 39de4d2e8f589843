from django import template

from procurement.ceilings.selectors import product_ceiling_check

register = template.Library()


@register.inclusion_tag("ceilings/badge.html")
def ceiling_badge(product, price):
    """'sesuai SSH' / 'melebihi SSH' for a product's unit price, or nothing without a ceiling."""
    return {"check": product_ceiling_check(product=product, price_idr=price)}
