"""Oscar's `history_tags` with the recently-viewed strip fetched in a fixed number of queries.

Oscar's `recently_viewed_products` loads the viewed products with `in_bulk` and its card then
asks each one for its class, photos, stock record and options: nine queries per product, so a
product page grew from 17 queries on a first visit to 72 after seven products. This library
(found after Oscar's, so `{% load history_tags %}` in the product page gets it) loads the
strip's products with what their cards show (`selectors.product_cards`: select and prefetch)
whatever the length of the visitor's history. `get_back_button` is Oscar's own.
"""

from django import template
from oscar.core.loading import get_class
from oscar.templatetags import history_tags as oscar_history_tags

from marketplace.catalogue.selectors import product_cards
from marketplace.common.bounds import MAX_ID

CustomerHistoryManager = get_class("customer.history", "CustomerHistoryManager")

# Oscar's template shows the first six (`products|slice:":6"`).
SHOWN = 6

register = template.Library()
register.tags.update(oscar_history_tags.register.tags)
register.filters.update(oscar_history_tags.register.filters)


def _viewed_ids(request, *, exclude=None) -> list[int]:
    """The product ids of the history cookie, latest first, without `exclude` and without junk
    (the cookie is the visitor's to edit)."""
    ids = []
    for value in reversed(CustomerHistoryManager.extract(request)):
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID:
            if value != exclude and value not in ids:
                ids.append(value)
    return ids


@register.inclusion_tag("oscar/customer/history/recently_viewed_products.html", takes_context=True)
def recently_viewed_products(context, current_product=None):
    """The products the visitor viewed last (latest first), loaded for their cards in one go."""
    request = context["request"]
    ids = _viewed_ids(request, exclude=current_product.pk if current_product else None)
    # The whole history (at most OSCAR_RECENTLY_VIEWED_PRODUCTS ids) in one query, so a
    # product no longer on sale leaves its place to the next one, as in Oscar.
    found = {p.pk: p for p in product_cards(ids)} if ids else {}
    products = [found[pk] for pk in ids if pk in found][:SHOWN]
    return {"products": products, "request": request}
