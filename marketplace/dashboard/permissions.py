"""Oscar's dashboard is for the city's staff only.

Oscar opens its order and product dashboards to any user with `partner.dashboard_access`
(which its partner dashboard grants when a user is linked to a partner) and then shows whole
orders, other sellers' lines included. MSMEs have their own pages (/umkm/produk/,
/umkm/pesanan/) that show only what is theirs, so here partner access means staff access.
"""

from oscar.apps.dashboard.permissions import DashboardPermission as OscarDashboardPermission


class DashboardPermission(OscarDashboardPermission):
    partner_dashboard_access = OscarDashboardPermission.staff
