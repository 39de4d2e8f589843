from django import template
from django.db.models import Avg, Count

from procurement.ordering.models import VendorRating

register = template.Library()


@register.inclusion_tag("ordering/partials/vendor_rating.html")
def vendor_rating(partner):
    """Average rating officers gave the MSME after receiving orders, with the latest comments."""
    if partner is None:
        return {"count": 0}
    ratings = VendorRating.objects.filter(partner=partner)
    summary = ratings.aggregate(avg=Avg("score"), count=Count("pk"))
    return {
        "avg": summary["avg"],
        "count": summary["count"],
        "comments": ratings.exclude(comment="")
        .select_related("unit_order__unit")
        .order_by("-created_at")[:5],
    }
