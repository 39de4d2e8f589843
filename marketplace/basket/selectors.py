"""Reads of a basket. A basket holds one MSME's products: one order, one delivery, one invoice."""

from oscar.core.loading import get_model

Partner = get_model("partner", "Partner")


def basket_partners(basket) -> dict:
    """The MSMEs (Oscar partners) whose products the basket holds, by id."""
    if not basket.id:
        return {}
    ids = {line.stockrecord.partner_id for line in basket.all_lines() if line.stockrecord_id}
    return Partner.objects.in_bulk(ids) if ids else {}  # one query, however many lines


def basket_partner(basket):
    """The one MSME a basket buys from; None for an empty basket or one (wrongly) holding several."""
    partners = basket_partners(basket)
    if len(partners) != 1:
        return None
    return next(iter(partners.values()))
