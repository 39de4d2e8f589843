from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.basket.forms import *  # noqa: F403
from oscar.apps.basket.forms import AddToBasketForm as OscarAddToBasketForm
from oscar.apps.basket.forms import SimpleAddToBasketMixin

from marketplace.basket.selectors import basket_partners


class AddToBasketForm(OscarAddToBasketForm):
    """Oscar's form, plus: a basket holds one MSME's products (one order, one delivery, one invoice)."""

    def clean(self):
        data = super().clean()
        info = self.basket.strategy.fetch_for_product(self.product)
        partners = basket_partners(self.basket)
        if info.stockrecord and partners and info.stockrecord.partner_id not in partners:
            current = next(iter(partners.values())).name
            raise forms.ValidationError(
                _(
                    "Your basket holds products of %(current)s. Finish that order or empty the basket "
                    "before ordering from %(new)s."
                )
                % {"current": current, "new": info.stockrecord.partner.name},
                code="other_vendor",
            )
        return data


class SimpleAddToBasketForm(SimpleAddToBasketMixin, AddToBasketForm):
    """The one-button form of product cards and pages: adds the product's minimum order at once
    (Oscar's adds 1, which catering with a minimum of 10 boxes would refuse at checkout)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "quantity" in self.fields:
            self.fields["quantity"].initial = max(1, getattr(self.product, "min_order_qty", 1) or 1)
