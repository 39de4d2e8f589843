from django import template
from django.utils.formats import number_format

from procurement.transparency.pages import percent as _percent

register = template.Library()


@register.filter
def percent(share):
    """0.1234 → "12,3%"; "–" when there is no share."""
    return _percent(share)


@register.filter
def days(value):
    """A number of days (a median may be a half): 7.0 → "7", 7.5 → "7,5"; "–" for none."""
    if value is None:
        return "–"
    return number_format(value, decimal_pos=0 if float(value).is_integer() else 1)


@register.filter
def decimal(value, places=3):
    if value is None:
        return "–"
    return number_format(value, decimal_pos=int(places))
