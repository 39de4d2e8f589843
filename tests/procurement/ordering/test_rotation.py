"""Pemerataan's rotation and "Order again": a unit orders from one MSME at most
ORDER_ROTATION_MONTHLY_LIMIT times a calendar month (refused at checkout, warned on the basket and
the order page, with comparable offers of MSMEs with fewer recent sales); the order page puts the
same order back into the basket for the unit's buyers only."""

import html
from datetime import timedelta

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.catalogue.selectors import comparable_offers
from procurement.budgets.models import LedgerEntry
from procurement.ordering import checkout_rules as rules
from procurement.ordering import services
from procurement.ordering.models import UnitOrder
from procurement.units.models import Membership
from tests.factories import UnitFactory
from tests.factories.ordering import FoodProductFactory
from tests.factories.regions import KecamatanFactory
from tests.procurement.ordering.world import (
    approved_vendor,
    basket_for,
    build_world,
    event,
    food_line,
    person_for,
    place,
)

Basket = get_model("basket", "Basket")
pytestmark = pytest.mark.django_db
LIMIT = 3


@pytest.fixture
def w(settings):
    settings.ORDER_ROTATION_MONTHLY_LIMIT = LIMIT
    return build_world(pagu=50_000_000)


def other_msme(name, *, kecamatan=None, price=20_000, kind="kudapan", low_rated=False, title=None):
    vendor = approved_vendor(business_name=name)
    partner = vendor.partner
    partner.kecamatan, partner.low_rated = kecamatan, low_rated
    partner.save(update_fields=["kecamatan", "low_rated"])
    product = FoodProductFactory(
        title=title or f"Snack Box {name}", partner=partner, price=price, kind=kind, lead_time_hours=24
    )
    return partner, product


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(" ".join(response.content.decode().split()))


# --- The rule -------------------------------------------------------------------------------------


def test_the_order_beyond_the_months_limit_is_refused_and_commits_nothing(w):
    for _ in range(LIMIT):
        place(w)
    w.line.refresh_from_db()
    available = w.line.available_idr
    ledger = LedgerEntry.objects.count()
    with pytest.raises(services.OrderRefused) as info:
        place(w)
    assert [p.code for p in info.value.problems] == ["rotation"]
    message = info.value.problems[0].message
    assert "Dapur Lumpia Bu Sri" in message and f"{LIMIT}" in message
    following = (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(day=1)
    assert str(following.year) in message
    assert UnitOrder.objects.count() == LIMIT
    assert LedgerEntry.objects.count() == ledger
    w.line.refresh_from_db()
    assert w.line.available_idr == available


def test_declined_cancelled_and_last_months_orders_do_not_count(w):
    orders = [place(w) for _ in range(LIMIT)]
    services.order_move(unit_order=orders[0], action="cancel", actor=w.officer, reason="Rapat batal")
    place(w)  # the cancelled one freed its place
    UnitOrder.objects.filter(pk=orders[1].pk).update(created_at=timezone.now() - timedelta(days=40))
    place(w)  # last month's order does not count either
    with pytest.raises(services.OrderRefused):
        place(w)


def test_another_unit_and_another_msme_are_not_limited(w):
    for _ in range(LIMIT):
        place(w)
    other_unit = UnitFactory()
    officer = person_for(other_unit, Membership.Role.BUYER)
    place(w, officer=officer, line=food_line(other_unit, pagu_idr=50_000_000))
    _partner, product = other_msme("Katering Sari Rasa")
    place(w, (product, 10))
    assert UnitOrder.objects.count() == LIMIT + 2


def test_limit_zero_switches_the_rule_off(w, settings):
    settings.ORDER_ROTATION_MONTHLY_LIMIT = 0
    for _ in range(LIMIT + 2):
        place(w)
    assert UnitOrder.objects.filter(unit=w.unit, partner=w.partner).count() == LIMIT + 2


def test_rotation_allows_counts_below_the_limit():
    assert rules.rotation_allows(placed=LIMIT - 1, limit=LIMIT)
    assert not rules.rotation_allows(placed=LIMIT, limit=LIMIT)
    assert rules.rotation_allows(placed=99, limit=0)


def test_month_of_is_the_city_month():
    start, end = rules.month_of(timezone.make_aware(timezone.datetime(2026, 2, 28, 23, 30)))
    assert (start.month, start.day, start.hour) == (2, 1, 0)
    assert (end.year, end.month, end.day) == (2026, 3, 1)
    start, end = rules.month_of(timezone.make_aware(timezone.datetime(2026, 12, 15, 8, 0)))
    assert (end.year, end.month) == (2027, 1)


# --- Comparable offers ---------------------------------------------------------------------------


def test_comparable_offers_same_kind_near_price_fewest_sales_first_kecamatan_first(w):
    home, away = KecamatanFactory(name="Tembalang"), KecamatanFactory(name="Banyumanik")
    w.partner.kecamatan = home
    w.partner.save(update_fields=["kecamatan"])
    busy, busy_p = other_msme("Dapur Ramai", kecamatan=home, price=21_000)
    busy.sales_90d_idr = 9_000_000
    busy.save(update_fields=["sales_90d_idr"])
    from marketplace.partner.services import products_sales_copy

    products_sales_copy(partner_ids=[busy.pk])
    quiet, quiet_p = other_msme("Dapur Sepi", kecamatan=home, price=19_000)
    far, far_p = other_msme("Dapur Jauh", kecamatan=away, price=20_000)
    other_msme("Dapur Mahal", kecamatan=home, price=30_000)  # outside ±20 %
    other_msme("Dapur Nasi", kecamatan=home, price=20_000, kind="nasi_kotak")  # another kind
    other_msme("Dapur Buruk", kecamatan=home, price=20_000, low_rated=True)  # not promoted

    offers = comparable_offers(
        product=w.snack, price_idr=20_000, exclude_partner_id=w.partner.pk, kecamatan_id=home.pk
    )
    assert [o.pk for o in offers] == [quiet_p.pk, busy_p.pk, far_p.pk]
    assert w.partner.pk not in {o.stockrecords.all()[0].partner_id for o in offers}


def test_comparable_offers_one_product_per_msme(w):
    partner, first = other_msme("Dapur Dua Menu")
    FoodProductFactory(title="Snack Box Kedua", partner=partner, price=20_000, lead_time_hours=24)
    offers = comparable_offers(product=w.snack, price_idr=20_000, exclude_partner_id=w.partner.pk)
    assert len(offers) == 1 and offers[0].stockrecords.all()[0].partner_id == partner.pk


# --- The basket and the order page ---------------------------------------------------------------


def test_the_basket_warns_of_the_rotation_with_comparable_offers(client, w):
    for _ in range(LIMIT):
        place(w)
    _partner, offer = other_msme("Katering Sari Rasa", title="Snack Box Sari Rasa")
    basket_for(w.officer, (w.snack, 10))
    client.force_login(w.officer)
    response = client.get("/basket/")
    shown = text(response)
    assert 'data-code="rotation"' in response.content.decode()
    assert "paling banyak 3 kali sebulan" in shown  # Indonesian, the site's language
    assert 'id="basket-offers"' in response.content.decode()
    assert "Snack Box Sari Rasa" in shown


def test_no_offers_on_the_basket_below_the_limit(client, w):
    other_msme("Katering Sari Rasa", title="Snack Box Sari Rasa")
    basket_for(w.officer, (w.snack, 10))
    client.force_login(w.officer)
    body = client.get("/basket/").content.decode()
    assert 'data-code="rotation"' not in body and 'id="basket-offers"' not in body


def test_the_buyer_orders_again_from_the_order_page(client, w):
    order = place(w, (w.snack, 12), (w.meal, 10))
    _partner, offer = other_msme("Katering Sari Rasa", title="Snack Box Sari Rasa")
    client.force_login(w.officer)
    page = client.get(f"/pesanan/{order.pk}/")
    assert 'id="reorder-button"' in page.content.decode()
    assert "Snack Box Sari Rasa" not in text(page)  # the main line is the meal: no comparable meal
    response = client.post(f"/pesanan/{order.pk}/pesan-lagi/")
    assert response.status_code == 302 and response["Location"].endswith("/basket/")
    basket = Basket.objects.get(owner=w.officer, status=Basket.OPEN)
    assert sorted((line.product_id, line.quantity) for line in basket.all_lines()) == sorted(
        [(w.snack.pk, 12), (w.meal.pk, 10)]
    )


def test_the_order_page_offers_comparable_msmes_and_hides_the_button_at_the_limit(client, w):
    orders = [place(w) for _ in range(LIMIT)]
    _partner, offer = other_msme("Katering Sari Rasa", title="Snack Box Sari Rasa")
    client.force_login(w.officer)
    page = client.get(f"/pesanan/{orders[0].pk}/")
    body = page.content.decode()
    assert 'id="reorder"' in body and 'data-code="rotation"' in body
    assert 'id="reorder-button"' not in body
    assert "Snack Box Sari Rasa" in text(page)
    response = client.post(f"/pesanan/{orders[0].pk}/pesan-lagi/", follow=True)
    assert response.redirect_chain[-1][0] == f"/pesanan/{orders[0].pk}/"
    assert "Dapur Lumpia Bu Sri" in text(response)
    assert not Basket.objects.filter(owner=w.officer, status=Basket.OPEN, lines__isnull=False).exists()


def test_the_msme_sees_no_reorder_and_cannot_reorder(client, w):
    order = place(w)
    client.force_login(w.vendor_user)
    assert 'id="reorder"' not in client.get(f"/pesanan/{order.pk}/").content.decode()
    response = client.post(f"/pesanan/{order.pk}/pesan-lagi/", follow=True)
    assert response.status_code == 200
    assert not Basket.objects.filter(owner=w.vendor_user, lines__isnull=False).exists()


def test_another_units_officer_gets_404_and_anonymous_the_login(client, w):
    order = place(w)
    stranger = person_for(UnitFactory(), Membership.Role.BUYER)
    client.force_login(stranger)
    assert client.post(f"/pesanan/{order.pk}/pesan-lagi/").status_code == 404
    assert not Basket.objects.filter(owner=stranger, lines__isnull=False).exists()
    client.logout()
    response = client.post(f"/pesanan/{order.pk}/pesan-lagi/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_basket_of_another_msme_is_left_alone(client, w):
    order = place(w)
    _partner, other = other_msme("Katering Sari Rasa")
    basket = basket_for(w.officer, (other, 15))
    client.force_login(w.officer)
    response = client.post(f"/pesanan/{order.pk}/pesan-lagi/", follow=True)
    assert "Katering Sari Rasa" in text(response)
    assert [(line.product_id, line.quantity) for line in basket.all_lines()] == [(other.pk, 15)]


def test_products_no_longer_on_sale_are_left_out_and_named(client, w):
    order = place(w, (w.snack, 10), (w.meal, 10))
    w.meal.is_public = False
    w.meal.save(update_fields=["is_public"])
    client.force_login(w.officer)
    response = client.post(f"/pesanan/{order.pk}/pesan-lagi/", follow=True)
    assert w.meal.title in text(response)
    basket = Basket.objects.get(owner=w.officer, status=Basket.OPEN)
    assert [line.product_id for line in basket.all_lines()] == [w.snack.pk]
    w.snack.is_public = False
    w.snack.save(update_fields=["is_public"])
    basket.flush()
    response = client.post(f"/pesanan/{order.pk}/pesan-lagi/", follow=True)
    assert not basket.all_lines()
    assert 'data-code="not_on_sale"' in client.get(f"/pesanan/{order.pk}/").content.decode()


def test_checkout_and_basket_refuse_with_the_same_words(w):
    for _ in range(LIMIT):
        place(w)
    basket = basket_for(w.officer, (w.snack, 10))
    check = rules.basket_check(basket=basket, units=[w.unit])
    with pytest.raises(services.OrderRefused) as info:
        services.order_place(officer=w.officer, basket=basket, event=event(), budget_line=w.line)
    assert [p.message for p in check.order if p.code == "rotation"] == [
        p.message for p in info.value.problems if p.code == "rotation"
    ]
