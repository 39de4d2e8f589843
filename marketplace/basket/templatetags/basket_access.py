"""Who may put products in a basket to order them: officers of a government unit (Pemesan OPD).
Everyone else sees why instead of Oscar's "Add to basket"."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def cannot_order_reason(user) -> str:
    """Why this visitor cannot order ("" when they can): `{% cannot_order_reason user as reason %}`."""
    if not user.is_authenticated:
        return _("Only officers of a government unit (Pemesan OPD) can order. Log in to order.")
    if user.has_perm("accounts.place_orders"):
        return ""
    if user.has_perm("accounts.sell_products"):
        return _(
            "You are logged in as an MSME owner: only officers of a government unit (Pemesan OPD) "
            "can order here."
        )
    return _(
        "Your account holds no Pemesan OPD role, so it cannot order. If you order for a unit, ask the "
        "Admin (Diskominfo) for the role."
    )
