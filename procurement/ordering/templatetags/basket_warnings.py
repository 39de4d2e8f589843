"""The basket page (a shop template) warns at once of what checkout would refuse, in checkout's
own words and numbers: `checkout_rules.basket_check` is the one source of the rules."""

from django import template

from procurement.checkout.delivery import delivery_chosen
from procurement.checkout.forms import DeliveryChoiceForm
from procurement.ordering.checkout_rules import basket_check as rules_basket_check
from procurement.ordering.reorder import basket_offers as reorder_basket_offers
from procurement.units.models import Membership
from procurement.units.selectors import units_for

register = template.Library()


@register.simple_tag(takes_context=True)
def basket_check(context):
    """`{% basket_check as check %}`: the problems of the request's basket (None on an empty one)."""
    request = context.get("request")
    basket = getattr(request, "basket", None)
    if basket is None or not basket.id or basket.is_empty:
        return None
    cache = getattr(request, "_gulo_basket_check", None)
    if cache is None:
        units = list(units_for(user=request.user, role=Membership.Role.BUYER).distinct())
        cache = request._gulo_basket_check = rules_basket_check(
            basket=basket, units=units, delivery_at=delivery_chosen(request.session)
        )
    return cache


@register.simple_tag(takes_context=True)
def basket_offers(context, check):
    """`{% basket_offers check as offers %}`: other MSMEs' comparable products when the rotation
    refuses this basket's MSME (Pemerataan)."""
    request = context.get("request")
    basket = getattr(request, "basket", None)
    if basket is None:
        return []
    return reorder_basket_offers(basket=basket, check=check)


@register.filter
def line_problems(check, line):
    """The problems of one basket line: `{% for p in check|line_problems:line %}`."""
    return check.lines.get(line.id, []) if check else []


@register.simple_tag
def delivery_choice_form(check):
    """The basket page's delivery field, holding the chosen moment."""
    initial = {"delivery_at": check.delivery_at} if check and check.chosen else {}
    return DeliveryChoiceForm(initial=initial)
