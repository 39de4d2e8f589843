"""Ordering: price ceilings, unit memberships, food products and officers' baskets.

Orders themselves are placed through `procurement.ordering.services.order_place`
(tests/procurement/ordering/world.py), never built row by row: an order without its
budget commitment is exactly what the service exists to prevent.
"""

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory
from oscar.core.loading import get_class, get_model

from procurement.units.models import Membership
from procurement.units.services import membership_grant

from .accounts import UserFactory
from .catalogue_extra import CateringProductFactory
from .ceilings import PriceCeilingFactory  # noqa: F401 (used by tests through this module)
from .units import UnitFactory

Basket = get_model("basket", "Basket")
Selector = get_class("partner.strategy", "Selector")

FOOD_TITLES = (
    "Snack Box Lumpia Semarang",
    "Nasi Kotak Ayam Bakar",
    "Snack Box Risoles dan Sus",
    "Nasi Liwet Komplit",
    "Tahu Gimbal Porsi Rapat",
    "Bandeng Presto Paket Jamuan",
)


class MembershipFactory(DjangoModelFactory):
    """A person acting for a unit in one role, granted as the Admin would (`membership_grant`)."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Membership.Role.BUYER

    @classmethod
    def _create(cls, model_class, *args, user, unit, role, **kwargs):
        return membership_grant(user=user, unit=unit, role=role)


class FoodProductFactory(CateringProductFactory):
    """A snack box made to order: Rp 20.000 a box, at least 10 boxes, a day's notice.

    `FoodProductFactory(partner=p, price=35000, ceiling_kind="makan", kind="nasi_kotak")`.
    """

    title = factory.Iterator(FOOD_TITLES)
    kind = "kudapan"
    ceiling_kind = "kudapan"
    contents = "Lumpia rebung, kue sus, air mineral 330 ml."

    class Params:
        price = Decimal("20000")


class BasketFactory(DjangoModelFactory):
    """An open basket of an officer, priced by the site's strategy.

    `BasketFactory(owner=officer, lines=[(snack, 10), (meal, 20)])`.
    """

    class Meta:
        model = Basket
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        basket = super()._create(model_class, *args, **kwargs)
        basket.strategy = Selector().strategy()
        return basket

    @factory.post_generation
    def lines(obj, create, extracted, **kwargs):
        for product, quantity in extracted or ():
            obj.add_product(product, quantity)
