from django import template

from procurement.ordering.selectors import vendor_rating_summary

register = template.Library()


@register.inclusion_tag("ordering/partials/vendor_rating.html")
def vendor_rating(partner):
    """Average rating officers gave the MSME after receiving orders, with the latest comments."""
    return vendor_rating_summary(partner=partner)
