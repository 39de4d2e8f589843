"""An order's actions outlive what they record: deleting an ordered product keeps its orders'
actions, and an order with actions cannot be deleted at all."""

import pytest
from django.db.models import ProtectedError
from oscar.core.loading import get_model

from marketplace.catalogue import services as catalogue_services
from procurement.ordering.models import OrderAction, UnitOrder
from tests.procurement.ordering.world import build_world, order_in

Product = get_model("catalogue", "Product")

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


def history(uo):
    return list(
        OrderAction.objects.filter(unit_order_id=uo.pk).values_list("action", "from_status", "to_status")
    )


def test_deleting_an_ordered_product_keeps_its_orders_and_their_actions(w):
    uo = order_in(w, "delivered")
    before = history(uo)
    assert [a for a, _f, _t in before] == ["place", "confirm", "deliver"]

    catalogue_services.product_delete(partner=w.partner, product=w.snack)  # the MSME's delete
    Product.objects.filter(pk=w.snack.pk).delete()  # and the row itself, as staff could

    assert not Product.objects.filter(pk=w.snack.pk).exists()
    assert history(uo) == before
    line = uo.order.lines.get()
    assert line.product_id is None and line.title == w.snack.title  # the order still says what it was


def test_an_order_with_actions_cannot_be_deleted(w):
    uo = order_in(w, "confirmed")
    before = history(uo)

    with pytest.raises(ProtectedError):
        UnitOrder.objects.get(pk=uo.pk).delete()

    assert UnitOrder.objects.filter(pk=uo.pk).exists()
    assert history(uo) == before
