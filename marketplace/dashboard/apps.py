import oscar.apps.dashboard.apps as apps


class DashboardConfig(apps.DashboardConfig):
    """Oscar's dashboard, for staff only (see permissions.py)."""

    name = "marketplace.dashboard"
