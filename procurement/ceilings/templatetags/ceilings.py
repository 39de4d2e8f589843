from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.catalogue.models import ProductKind
from marketplace.common.money import format_rupiah
from procurement.ceilings.selectors import (
    ceiling_kinds_by_product_kind,
    ceilings_by_kind,
    product_ceiling_check,
)

register = template.Library()


@register.inclusion_tag("ceilings/badge.html", takes_context=True)
def ceiling_badge(context, product, price):
    """'sesuai SSH' / 'melebihi SSH' for a product's unit price, or nothing without a ceiling.

    The year's ceilings are read once per request, so a page of product cards makes one query
    for all its badges."""
    request = context.get("request")
    ceilings = None
    if request is not None:
        ceilings = getattr(request, "_gulo_price_ceilings", None)
        if ceilings is None:
            ceilings = request._gulo_price_ceilings = ceilings_by_kind()
    return {"check": product_ceiling_check(product=product, price_idr=price, ceilings=ceilings)}


def _year_ceilings(context) -> dict:
    request = context.get("request")
    if request is None:
        return ceilings_by_kind()
    ceilings = getattr(request, "_gulo_price_ceilings", None)
    if ceilings is None:
        ceilings = request._gulo_price_ceilings = ceilings_by_kind()
    return ceilings


@register.inclusion_tag("ceilings/fact.html", takes_context=True)
def ceiling_fact(context, product, price):
    """The product page's "Batas SSH 2026: Rp 50.000 per kotak" with the badge, or that the kind
    has no ceiling (crafts), or that this year's ceiling is not loaded yet."""
    ceilings = _year_ceilings(context)
    ceiling = ceilings.get(product.ceiling_kind) if product.ceiling_kind else None
    return {
        "product": product,
        "ceiling": ceiling,
        "year": timezone.localdate().year,
        "check": product_ceiling_check(product=product, price_idr=price, ceilings=ceilings),
    }


@register.inclusion_tag("ceilings/form_warning.html", takes_context=True)
def ceiling_form_warning(context, form):
    """The MSME's product form: the ceiling of the chosen kind and, when the price is above it,
    that officers cannot order at that price (gulo/ceiling-warning.js redoes it as they type)."""
    ceilings, ceiling_kinds = _year_ceilings(context), ceiling_kinds_by_product_kind()
    year = timezone.localdate().year
    kinds = []
    for kind, _label in ProductKind.choices:
        ceiling_kind = ceiling_kinds.get(kind, "")
        ceiling = ceilings.get(ceiling_kind) if ceiling_kind else None
        amount = format_rupiah(ceiling.max_price_idr) if ceiling else ""
        if ceiling:
            info = _("SSH ceiling %(year)s for this kind: %(ceiling)s per unit.") % {
                "year": year,
                "ceiling": amount,
            }
        elif ceiling_kind:
            info = _("No %(year)s price ceiling (SSH) is loaded for this kind yet.") % {"year": year}
        else:
            info = _("No price ceiling (SSH) applies to this kind of product.")
        kinds.append(
            {
                "kind": kind,
                "ceiling_idr": ceiling.max_price_idr if ceiling else "",
                "info": info,
                "above": _(
                    "Officers cannot order this product at this price: the SSH ceiling is %(ceiling)s."
                )
                % {"ceiling": amount},
            }
        )
    chosen = next((k for k in kinds if k["kind"] == form["kind"].value()), None)
    try:
        price = int(form["price_idr"].value())
    except (TypeError, ValueError):
        price = None
    limit = chosen["ceiling_idr"] if chosen else ""
    above = limit != "" and price is not None and price > limit
    return {"kinds": kinds, "chosen": chosen, "above": above}
