from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.basket.forms import *  # noqa: F403
from oscar.apps.basket.forms import AddToBasketForm as OscarAddToBasketForm
from oscar.apps.basket.forms import SimpleAddToBasketMixin

from marketplace.basket.selectors import basket_partners


class AddToBasketForm(OscarAddToBasketForm):
    """Oscar's form, plus: the quantity starts at the product's minimum order, which the field
    also asks of the browser (`min`); a basket holds one MSME's products (one order, one delivery,
    one invoice). A smaller quantity is not refused here: the basket page warns and checkout refuses."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        minimum = max(1, getattr(self.parent_product, "min_order_qty", 1) or 1)
        field = self.fields.get("quantity")
        if field is not None:
            field.initial = minimum
            field.widget.attrs.update({"min": minimum, "inputmode": "numeric", "class": "form-control"})
            if minimum > 1:
                field.help_text = _("Minimum order: %(min)s.") % {"min": minimum}

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
        super().__init__(*args, **kwargs)  # Oscar's mixin sets 1 after AddToBasketForm set the minimum
        if "quantity" in self.fields:
            self.fields["quantity"].initial = max(1, getattr(self.product, "min_order_qty", 1) or 1)
