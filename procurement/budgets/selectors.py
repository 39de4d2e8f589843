"""Reads of budget lines and their ledger."""

from django.db.models import QuerySet, Sum
from django.utils import timezone

from procurement.budgets.models import BudgetLine
from procurement.units.models import Membership


def food_lines_for(*, user, year: int | None = None) -> QuerySet:
    """This year's food budget lines of the units the user orders for."""
    year = year or timezone.localdate().year
    return (
        BudgetLine.objects.filter(
            unit__memberships__user=user,
            unit__memberships__role=Membership.Role.BUYER,
            unit__memberships__is_active=True,
            account__kind="makan_minum",
            fiscal_year=year,
        )
        .select_related("unit", "account")
        .order_by("unit__name", "sub_activity_code", "account__code")
    )


def lines_visible_to(*, user) -> QuerySet:
    """Lines of every unit where the user holds any role."""
    return (
        BudgetLine.objects.filter(unit__memberships__user=user, unit__memberships__is_active=True)
        .select_related("unit", "account")
        .distinct()
        .order_by("-fiscal_year", "unit__name", "account__code")
    )


def lines_readable_by(*, user) -> QuerySet:
    """Every line for Admin (manage_reference_data); the lines of the user's own units for everyone else."""
    if user.has_perm("accounts.manage_reference_data"):
        return BudgetLine.objects.select_related("unit", "account").order_by(
            "-fiscal_year", "unit__name", "sub_activity_code", "account__code"
        )
    return lines_visible_to(user=user)


def lines_totals(lines: QuerySet) -> dict[str, int]:
    """Pagu, committed, realized and available over a set of lines, in whole rupiah."""
    totals = lines.aggregate(
        pagu=Sum("pagu_idr"), committed=Sum("committed_idr"), realized=Sum("realized_idr")
    )
    totals = {k: v or 0 for k, v in totals.items()}
    totals["available"] = totals["pagu"] - totals["committed"] - totals["realized"]
    return totals
