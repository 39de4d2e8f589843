"""factory-boy factories, one per model, with Kota Semarang's own names and numbers."""

from .accounts import PASSWORD, UserFactory, email_address_for
from .budgets import BudgetAccountFactory, BudgetLineFactory
from .catalogue import (
    CategoryFactory,
    PartnerFactory,
    ProductClassFactory,
    ProductFactory,
    ProductImageFactory,
    StockRecordFactory,
)
from .regions import CityRegionFactory, KecamatanFactory, KelurahanFactory
from .units import UnitFactory
from .vendors import VendorFactory

__all__ = [
    "PASSWORD",
    "BudgetAccountFactory",
    "BudgetLineFactory",
    "CategoryFactory",
    "CityRegionFactory",
    "KecamatanFactory",
    "KelurahanFactory",
    "PartnerFactory",
    "ProductClassFactory",
    "ProductFactory",
    "ProductImageFactory",
    "StockRecordFactory",
    "UnitFactory",
    "UserFactory",
    "VendorFactory",
    "email_address_for",
]
