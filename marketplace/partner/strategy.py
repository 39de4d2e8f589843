"""Pricing and availability for Gulo Asem.

Catering is made to order: no stock is tracked (capacity per day is checked at
checkout). Prices are whole rupiah; taxes are computed at settlement by
procurement, so Oscar sees prices without tax.
"""

from oscar.apps.partner import strategy


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        return MadeToOrder(request)


class MadeToOrder(strategy.StockRequired, strategy.NoTax, strategy.Structured):
    """Stock record of an active partner; product classes of made-to-order food track no stock."""

    def select_stockrecord(self, product):
        for record in product.stockrecords.all():
            if record.partner.is_active:
                return record
        return None
