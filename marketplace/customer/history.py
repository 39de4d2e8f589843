"""Oscar's recently-viewed history, with the viewed products loaded for their cards in one go.

Oscar's `CustomerHistoryManager.get` loads the viewed products with `in_bulk`; the strip's cards
then ask each product for its class, photos, stock record and options: nine queries per
product, so a product page grew from 17 queries on a first visit to 72 after seven products.
Here the products come from `marketplace.catalogue.selectors.product_cards` (select and
prefetch), a fixed number of queries whatever the length of the visitor's history. Oscar's
`recently_viewed_products` tag finds this class through `get_class("customer.history", …)`.
"""

from oscar.apps.customer.history import CustomerHistoryManager as OscarCustomerHistoryManager

from marketplace.catalogue.selectors import product_cards
from marketplace.common.bounds import MAX_ID


class CustomerHistoryManager(OscarCustomerHistoryManager):
    @classmethod
    def viewed_ids(cls, request) -> list[int]:
        """The product ids of the history cookie, latest first, without junk (the cookie is the
        visitor's to edit)."""
        ids: list[int] = []
        for value in reversed(cls.extract(request)):
            real = isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID
            if real and value not in ids:
                ids.append(value)
        return ids

    @classmethod
    def get(cls, request):
        """The products viewed, latest first, that are still on show (as Oscar's, in one batch)."""
        ids = cls.viewed_ids(request)
        if not ids:
            return []
        found = {product.pk: product for product in product_cards(ids)}
        return [found[pk] for pk in ids if pk in found]
