"""The roles people hold, as Django groups (created by a data migration).

Group names are the Indonesian role names the city uses; code refers to them
through these constants only.
"""

from django.utils.translation import gettext_lazy as _

VENDOR = "Pelaku UMKM"
BUYER = "Pemesan OPD"
PPK = "PPK"
TREASURER = "Bendahara"
VERIFIER = "Verifikator"
ANALYST = "Analis"
ADMIN = "Admin"

ALL_ROLES = (VENDOR, BUYER, PPK, TREASURER, VERIFIER, ANALYST, ADMIN)
# Roles that protect money or personal data: they must use two-factor login.
STAFF_ROLES = frozenset({PPK, TREASURER, VERIFIER, ANALYST, ADMIN})

# Custom permissions (codename, label), declared on accounts.User.Meta.
PERMISSIONS = (
    ("sell_products", _("Can list products and accept orders")),
    ("place_orders", _("Can order for a government unit")),
    ("approve_orders", _("Can approve orders above the unit's threshold")),
    ("pay_orders", _("Can pay received orders and record tax")),
    ("verify_vendors", _("Can review and decide MSME registrations")),
    ("view_vendor_documents", _("Can open MSME identity documents")),
    ("view_personal_data", _("Can see full NIK and other personal data")),
    ("view_msme_statistics", _("Can read MSME statistics and the census")),
    ("export_msme_data", _("Can export MSME statistics")),
    ("manage_reference_data", _("Can manage units, budget lines, price ceilings and tax rules")),
    ("manage_roles", _("Can manage users and roles")),
)

ROLE_PERMISSIONS = {
    VENDOR: ("sell_products",),
    BUYER: ("place_orders",),
    PPK: ("approve_orders", "place_orders"),
    TREASURER: ("pay_orders",),
    VERIFIER: ("verify_vendors", "view_vendor_documents", "view_personal_data"),
    ANALYST: ("view_msme_statistics", "export_msme_data", "view_personal_data"),
    ADMIN: (
        "manage_reference_data",
        "manage_roles",
        "verify_vendors",
        "view_vendor_documents",
        "view_personal_data",
        "view_msme_statistics",
        "export_msme_data",
    ),
}
