from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrderingConfig(AppConfig):
    name = "procurement.ordering"
    label = "ordering"
    verbose_name = _("Unit orders")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from procurement.budgets.models import BudgetAccount, BudgetLine
        from procurement.ordering import signals
        from procurement.ordering.models import Event, UnitOrder
        from procurement.units.models import Unit

        # The history's cached totals (selectors.spending_totals_cached) follow every change.
        for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(signals.unit_order_changed, sender=UnitOrder, dispatch_uid=f"unit_order_{name}")
        post_save.connect(signals.event_saved, sender=Event, dispatch_uid="unit_orders_event_saved")
        post_save.connect(signals.budget_line_saved, sender=BudgetLine, dispatch_uid="unit_orders_line_saved")
        post_save.connect(
            signals.budget_account_saved, sender=BudgetAccount, dispatch_uid="unit_orders_account_saved"
        )
        post_save.connect(signals.unit_saved, sender=Unit, dispatch_uid="unit_orders_unit_saved")
