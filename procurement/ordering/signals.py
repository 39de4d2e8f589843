"""What makes a unit's cached order totals stale (`procurement.ordering.versions`): any save or
deletion of one of its orders, and the saves of what the totals show beside the orders: the
event's name and day, the budget line's names, the account's code, the unit's short name.

Connected in `OrderingConfig.ready`. Queryset `.update()` calls send no signal: their writers
call `versions.unit_orders_changed` themselves."""

from procurement.ordering.versions import unit_orders_changed


def unit_order_changed(sender, instance, **kwargs) -> None:
    unit_orders_changed([instance.unit_id])


def event_saved(sender, instance, **kwargs) -> None:
    unit_orders_changed([instance.unit_id])


def budget_line_saved(sender, instance, **kwargs) -> None:
    unit_orders_changed([instance.unit_id])


def budget_account_saved(sender, instance, created=False, **kwargs) -> None:
    if created:  # no line uses it yet
        return
    from procurement.budgets.models import BudgetLine

    unit_orders_changed(
        BudgetLine.objects.filter(account=instance).order_by().values_list("unit_id", flat=True).distinct()
    )


def unit_saved(sender, instance, **kwargs) -> None:
    unit_orders_changed([instance.pk])
