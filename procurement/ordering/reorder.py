"""Ordering again: the same order into the basket, and beside it comparable offers of MSMEs with
fewer recent sales (Pemerataan), so a unit's habit does not undo the listing's order.

The fairness simulation (`procurement/bench/fairness.py`) sends the officers it models through
the same rule (`checkout_rules.rotation_problems` / `rotation_allows`) and the same offers
(`marketplace.catalogue.selectors.comparable_offers`)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.basket.selectors import basket_partner
from marketplace.catalogue.selectors import comparable_offers
from marketplace.common.domain import DomainError
from procurement.ordering import checkout_rules as rules
from procurement.units.models import Membership
from procurement.units.selectors import holds_role

Product = get_model("catalogue", "Product")


class ReorderRefused(DomainError):
    """Nothing went into the basket; `code` names the reason, `message` says it."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass
class Reorder:
    """What the order page offers a buyer of the order's unit."""

    allowed: bool  # the same order may go into the basket now
    problems: list = field(default_factory=list)  # why not (the rotation, nothing on sale any more)
    offers: list = field(default_factory=list)  # comparable products of other MSMEs


def _main_line(lines):
    """The line with the largest amount (order or basket lines whose product still exists)."""
    return max(lines, key=lambda line: (line.line_price_incl_tax or 0, -line.pk), default=None)


def _on_sale(product_ids, *, partner) -> set[int]:
    """The ids of these products the MSME still sells (public, its stock record, the MSME active)."""
    if not partner.is_active:
        return set()
    return set(
        Product.objects.filter(
            pk__in=list(product_ids), is_public=True, stockrecords__partner=partner
        ).values_list("pk", flat=True)
    )


def reorder_offer(*, unit_order, actor) -> Reorder | None:
    """The order page's "Order again" part, for a buyer of the order's unit (None for anyone
    else: the MSME, the PPK, the Bendahara)."""
    if not holds_role(user=actor, unit=unit_order.unit, role=Membership.Role.BUYER):
        return None
    partner = unit_order.partner
    lines = [line for line in unit_order.order.lines.all() if line.product_id]  # one query
    main = _main_line(lines)
    problems = rules.rotation_problems(unit=unit_order.unit, partner=partner)
    if not _on_sale({line.product_id for line in lines}, partner=partner):
        problems.append(
            rules.Problem(
                "not_on_sale", _("%(vendor)s no longer sells these products.") % {"vendor": partner.name}
            )
        )
    offers = []
    if main is not None:
        offers = comparable_offers(
            product=main.product,
            price_idr=int(main.unit_price_incl_tax),
            exclude_partner_id=partner.pk,
            kecamatan_id=partner.kecamatan_id,
        )
    return Reorder(allowed=not problems, problems=problems, offers=offers)


def basket_offers(*, basket, check) -> list:
    """Comparable offers for a basket checkout would refuse for the rotation (its MSME had this
    month's orders of the unit already)."""
    if check is None or not any(p.code == "rotation" for p in check.order):
        return []
    partner = basket_partner(basket)
    lines = [line for line in basket.all_lines() if line.product_id]
    if partner is None or not lines:
        return []
    main = _main_line(lines)
    return comparable_offers(
        product=main.product,
        price_idr=int(main.unit_price_incl_tax or 0),
        exclude_partner_id=partner.pk,
        kecamatan_id=partner.kecamatan_id,
    )


def order_reorder(*, unit_order, basket, officer) -> tuple[int, list[str]]:
    """Put the order's products, in its quantities, into the officer's basket at today's prices.

    Returns how many lines went in and the titles of those no longer on sale. Refused (nothing
    added) for anyone but a buyer of the order's unit, when the basket holds another MSME's
    products, when the rotation already reached this month's limit, or when nothing is on sale."""
    unit, partner = unit_order.unit, unit_order.partner
    if not holds_role(user=officer, unit=unit, role=Membership.Role.BUYER):
        raise ReorderRefused("not_member", _("You do not order for %(unit)s.") % {"unit": unit})
    held = basket_partner(basket) if basket.id and not basket.is_empty else None
    if held is not None and held.pk != partner.pk:
        raise ReorderRefused(
            "mixed_vendors",
            _(
                "Your basket holds products of %(current)s. Finish that order or empty the basket "
                "before ordering from %(new)s."
            )
            % {"current": held.name, "new": partner.name},
        )
    refused = rules.rotation_problems(unit=unit, partner=partner)
    if refused:
        raise ReorderRefused(refused[0].code, refused[0].message)
    lines = [line for line in unit_order.order.lines.all() if line.product_id]
    on_sale = _on_sale({line.product_id for line in lines}, partner=partner)
    kept = [line for line in lines if line.product_id in on_sale]
    if not kept:
        raise ReorderRefused(
            "not_on_sale", _("%(vendor)s no longer sells these products.") % {"vendor": partner.name}
        )
    for line in kept:
        basket.add_product(line.product, quantity=line.quantity)
    return len(kept), [line.title for line in lines if line.product_id not in on_sale]
