from django import template

from marketplace.common.money import format_rupiah

register = template.Library()


@register.filter(name="rupiah")
def rupiah(value):
    """Render whole rupiah as `Rp 1.250.000`."""
    return format_rupiah(value)
