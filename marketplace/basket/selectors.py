"""Reads of a basket. A basket holds one MSME's products: one order, one delivery, one invoice."""


def basket_partners(basket) -> dict:
    """The MSMEs (Oscar partners) whose products the basket holds, by id."""
    if not basket.id:
        return {}
    return {
        line.stockrecord.partner_id: line.stockrecord.partner
        for line in basket.all_lines()
        if line.stockrecord_id
    }


def basket_partner(basket):
    """The one MSME a basket buys from; None for an empty basket or one (wrongly) holding several."""
    partners = basket_partners(basket)
    if len(partners) != 1:
        return None
    return next(iter(partners.values()))
