"""Reads of the catalogue, straight from the database.

Oscar 4.2's haystack SimpleEngine lists no products (django-oscar issue 4366),
so browsing and search are served by these querysets. They decide the
select/prefetch, so a listing page's query count does not grow with its size.
"""

from django.db.models import Prefetch, Q, QuerySet
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")


def product_listing(*, query: str = "", categories=None) -> QuerySet:
    """Public, sellable products of active partners, newest first."""
    qs = (
        Product.objects.browsable()
        .filter(is_public=True, stockrecords__partner__is_active=True)
        .select_related("product_class")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order")),
            Prefetch("stockrecords", queryset=StockRecord.objects.select_related("partner")),
            "categories",
        )
        .distinct()
        .order_by("-date_created", "-pk")
    )
    if query:
        terms = query.split()
        for term in terms[:8]:
            qs = qs.filter(Q(title__icontains=term) | Q(description__icontains=term))
    if categories is not None:
        qs = qs.filter(categories__in=categories)
    return qs
