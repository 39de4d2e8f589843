"""The role menu: which of the work pages the person in front of the screen may open."""

from django import template

from procurement.units.models import Membership

register = template.Library()


@register.simple_tag(takes_context=True)
def role_menu(context) -> dict:
    """Flags for the primary navigation; one query (unit membership) for a signed-in user."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    is_member = Membership.objects.filter(user=user, is_active=True).exists()
    is_admin = user.has_perm("accounts.manage_reference_data")
    return {
        "orders": is_member or user.has_perm("accounts.place_orders"),
        "budgets": is_member or is_admin,
        "incoming": user.has_perm("accounts.sell_products"),
        "import": is_admin,
    }
