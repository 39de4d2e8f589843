from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.basket.forms import *  # noqa: F403
from oscar.apps.basket.forms import AddToBasketForm as OscarAddToBasketForm
from oscar.apps.basket.forms import SimpleAddToBasketMixin


def basket_partner_ids(basket) -> set[int]:
    if not basket.id:
        return set()
    return {line.stockrecord.partner_id for line in basket.all_lines() if line.stockrecord_id}


class AddToBasketForm(OscarAddToBasketForm):
    """Oscar's form, plus: a basket holds one MSME's products (one order, one delivery, one invoice)."""

    def clean(self):
        data = super().clean()
        info = self.basket.strategy.fetch_for_product(self.product)
        partners = basket_partner_ids(self.basket)
        if info.stockrecord and partners and info.stockrecord.partner_id not in partners:
            current = self.basket.all_lines()[0].stockrecord.partner.name
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
    pass
