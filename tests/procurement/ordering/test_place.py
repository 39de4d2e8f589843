"""Placing an order against a budget line: every refusal names the problem and its numbers and
leaves nothing behind; a placed order and its budget commitment exist together or not at all."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from procurement.budgets.models import LedgerEntry
from procurement.budgets.services import BudgetExceeded
from procurement.ordering import services
from procurement.ordering.models import Event, OrderAction, UnitOrder
from procurement.units.models import Membership
from tests.factories import BudgetAccountFactory, UnitFactory
from tests.factories.ordering import FoodProductFactory
from tests.procurement.ordering.world import (
    MEAL_PRICE,
    SNACK_PRICE,
    THRESHOLD,
    approved_vendor,
    basket_for,
    build_world,
    delivery,
    event,
    food_line,
    person_for,
    place,
)

Order = get_model("order", "Order")
ClosedDay = get_model("partner", "ClosedDay")
AddToBasketForm = get_class("basket.forms", "AddToBasketForm")
SimpleAddToBasketForm = get_class("basket.forms", "SimpleAddToBasketForm")

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


def has_number(message: str, number) -> bool:
    """The number appears as a number of its own in the message (not inside a longer one)."""
    return re.search(rf"(?<![\d.]){re.escape(str(number))}(?!\d)(?!\.\d)", message) is not None


def refused(w, *, basket, officer=None, line=None, starts_at=None) -> services.OrderRefused:
    """Try to place the order; return the refusal after checking it left nothing behind."""
    line = line or w.line
    before = (line.committed_idr, line.realized_idr)
    lines_before = basket.num_lines
    with pytest.raises(services.OrderRefused) as info:
        services.order_place(
            officer=officer or w.officer, basket=basket, event=event(starts_at), budget_line=line
        )
    line.refresh_from_db()
    basket.refresh_from_db()
    assert Order.objects.count() == 0
    assert UnitOrder.objects.count() == 0
    assert Event.objects.count() == 0
    assert LedgerEntry.objects.count() == 0
    assert (line.committed_idr, line.realized_idr) == before
    assert basket.status == basket.OPEN
    assert basket.num_lines == lines_before
    return info.value


def problem(exc: services.OrderRefused, code: str) -> str:
    """The message of the problem with `code` (fails when the refusal has no such problem)."""
    messages = [p.message for p in exc.problems if p.code == code]
    assert messages, f"no {code!r} problem in {exc.codes}"
    return messages[0]


# --- Refusals: the rules of item 4 -------------------------------------------------------------


def test_order_refused_when_unit_price_above_price_ceiling(w):
    pricey = FoodProductFactory(title="Snack Box Premium", partner=w.partner, price=25_000)

    exc = refused(w, basket=basket_for(w.officer, (pricey, 10)))

    assert exc.codes == {"above_ceiling"}
    message = problem(exc, "above_ceiling")
    assert "Rp 25.000" in message and "Rp 22.000" in message
    assert "Snack Box Premium" in message


def test_guest_account_line_uses_the_guest_price_ceiling(w):
    guests = food_line(
        w.unit,
        account=BudgetAccountFactory(
            code="5.1.02.01.01.0053", name="Belanja Makanan dan Minuman Jamuan Tamu"
        ),
    )
    pricey = FoodProductFactory(title="Snack Box Jamuan", partner=w.partner, price=32_000)

    exc = refused(w, basket=basket_for(w.officer, (pricey, 10)), line=guests)

    assert exc.codes == {"above_ceiling"}
    assert "Rp 30.000" in problem(exc, "above_ceiling")  # kudapan_tamu, not kudapan's Rp 22.000


def test_order_refused_when_quantity_below_product_minimum(w):
    exc = refused(w, basket=basket_for(w.officer, (w.snack, 5)))

    assert exc.codes == {"below_minimum"}
    message = problem(exc, "below_minimum")
    assert has_number(message, 5) and has_number(message, 10)


def test_order_refused_when_delivery_closer_than_lead_time(w):
    # The boxed meal needs 48 hours of notice; the meeting is in 30 hours.
    soon = timezone.now() + timedelta(hours=30)

    exc = refused(w, basket=basket_for(w.officer, (w.meal, 10)), starts_at=soon)

    assert exc.codes == {"lead_time"}
    message = problem(exc, "lead_time")
    assert has_number(message, 48)
    earliest = timezone.localtime(timezone.now() + timedelta(hours=48))
    assert str(earliest.year) in message and has_number(message, earliest.day)


def test_order_refused_on_a_dated_closed_day_of_the_vendor(w):
    when = delivery(days=4)
    ClosedDay.objects.create(partner=w.partner, date=when.date(), note="Hajatan keluarga")

    exc = refused(w, basket=basket_for(w.officer, (w.snack, 10)), starts_at=when)

    assert exc.codes == {"closed_day"}
    message = problem(exc, "closed_day")
    assert w.partner.name in message
    assert has_number(message, when.day) and str(when.year) in message


def test_order_refused_on_a_weekly_closed_day_of_the_vendor(w):
    when = delivery(days=4)
    w.partner.closed_weekdays = str(when.weekday())
    w.partner.save(update_fields=["closed_weekdays"])

    exc = refused(w, basket=basket_for(w.officer, (w.snack, 10)), starts_at=when)

    assert exc.codes == {"closed_day"}


def test_order_refused_when_vendor_capacity_that_day_would_be_exceeded():
    w = build_world(capacity=50)
    # Another unit already ordered 30 portions for the same day.
    other_unit = UnitFactory()
    other_officer = person_for(other_unit, Membership.Role.BUYER)
    when = delivery(days=3, hour=12)
    taken = place(
        w,
        (w.snack, 30),
        officer=other_officer,
        line=food_line(other_unit),
        starts_at=delivery(days=3, hour=8),
    )

    basket = basket_for(w.officer, (w.snack, 30))
    with pytest.raises(services.OrderRefused) as info:
        services.order_place(officer=w.officer, basket=basket, event=event(when), budget_line=w.line)

    assert info.value.codes == {"capacity"}
    message = problem(info.value, "capacity")
    assert has_number(message, 50) and has_number(message, 30) and has_number(message, 20)
    assert UnitOrder.objects.count() == 1
    assert LedgerEntry.objects.count() == 1
    w.line.refresh_from_db()
    taken.budget_line.refresh_from_db()
    assert w.line.committed_idr == 0
    assert taken.budget_line.committed_idr == 30 * SNACK_PRICE
    basket.refresh_from_db()
    assert basket.status == basket.OPEN


def test_capacity_counts_only_open_orders_of_that_day():
    w = build_world(capacity=50)
    same_day = place(w, (w.snack, 30), starts_at=delivery(days=3, hour=8))
    services.order_move(unit_order=same_day, action="cancel", actor=w.officer)
    place(w, (w.snack, 40), starts_at=delivery(days=4, hour=8))  # another day

    placed = place(w, (w.snack, 50), starts_at=delivery(days=3, hour=12))

    assert placed.portions == 50


def test_order_refused_when_budget_line_has_less_available_than_the_total():
    w = build_world(pagu=500_000)
    place(w, (w.snack, 15))  # Rp 300.000 committed, Rp 200.000 left

    basket = basket_for(w.officer, (w.snack, 12))  # Rp 240.000
    with pytest.raises(services.OrderRefused) as info:
        services.order_place(officer=w.officer, basket=basket, event=event(), budget_line=w.line)

    assert info.value.codes == {"budget"}
    message = problem(info.value, "budget")
    assert "Rp 200.000" in message and "Rp 240.000" in message
    w.line.refresh_from_db()
    assert w.line.committed_idr == 300_000
    assert UnitOrder.objects.count() == 1 and LedgerEntry.objects.count() == 1


def test_order_refused_on_an_empty_budget_line():
    w = build_world(pagu=150_000)

    exc = refused(w, basket=basket_for(w.officer, (w.snack, 10)))

    assert exc.codes == {"budget"}
    message = problem(exc, "budget")
    assert "Rp 150.000" in message and "Rp 200.000" in message


def test_order_refused_above_the_per_order_limit(w, settings):
    settings.ORDER_MAX_TOTAL_IDR = 1_000_000

    exc = refused(w, basket=basket_for(w.officer, (w.snack, 60)))  # Rp 1.200.000

    assert exc.codes == {"order_limit"}
    message = problem(exc, "order_limit")
    assert "Rp 1.000.000" in message and "Rp 1.200.000" in message


def test_per_order_limit_is_fifty_million_rupiah_by_default(w, settings):
    from config import settings as project_settings

    assert project_settings.ORDER_MAX_TOTAL_IDR == settings.ORDER_MAX_TOTAL_IDR == 50_000_000
    w.line.pagu_idr = 100_000_000
    w.line.save(update_fields=["pagu_idr"])

    exc = refused(w, basket=basket_for(w.officer, (w.snack, 2_501)))  # Rp 50.020.000

    assert "order_limit" in exc.codes
    assert "Rp 50.000.000" in problem(exc, "order_limit")


def test_every_problem_is_reported_at_once(w):
    pricey = FoodProductFactory(title="Snack Box Premium", partner=w.partner, price=25_000)

    exc = refused(w, basket=basket_for(w.officer, (pricey, 4)), starts_at=timezone.now() + timedelta(hours=2))

    assert exc.codes == {"above_ceiling", "below_minimum", "lead_time"}


def test_order_refused_on_a_budget_line_that_is_not_a_food_account(w):
    stationery = food_line(
        w.unit,
        account=BudgetAccountFactory(
            code="5.1.02.01.01.0024",
            name="Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor",
            kind="barang",
        ),
    )

    exc = refused(w, basket=basket_for(w.officer, (w.snack, 10)), line=stationery)

    assert exc.codes == {"not_food_account"}
    assert "5.1.02.01.01.0024" in problem(exc, "not_food_account")


def test_order_refused_for_an_officer_of_another_unit(w):
    stranger = person_for(UnitFactory(), Membership.Role.BUYER)

    exc = refused(w, basket=basket_for(stranger, (w.snack, 10)), officer=stranger)

    assert exc.codes == {"not_member"}


def test_order_refused_for_the_units_ppk_who_is_not_an_officer(w):
    exc = refused(w, basket=basket_for(w.ppk, (w.snack, 10)), officer=w.ppk)

    assert exc.codes == {"not_member"}


def test_order_refused_for_an_officer_whose_membership_ended(w):
    Membership.objects.filter(user=w.officer).update(is_active=False)

    exc = refused(w, basket=basket_for(w.officer, (w.snack, 10)))

    assert exc.codes == {"not_member"}


def test_order_refused_for_a_basket_holding_two_vendors(w):
    other = approved_vendor(business_name="Katering Lain Jaya").partner
    theirs = FoodProductFactory(title="Snack Box Wingko", partner=other)

    exc = refused(w, basket=basket_for(w.officer, (w.snack, 10), (theirs, 10)))

    assert exc.codes == {"mixed_vendors"}


def test_order_refused_when_vendor_stopped_selling(w):
    basket = basket_for(w.officer, (w.snack, 10))
    w.partner.is_active = False
    w.partner.save(update_fields=["is_active"])

    exc = refused(w, basket=basket)

    assert exc.codes == {"vendor_inactive"}
    assert w.partner.name in problem(exc, "vendor_inactive")


def test_a_basket_already_ordered_is_not_ordered_again(w):
    basket = basket_for(w.officer, (w.snack, 10))
    stale = type(basket).objects.get(pk=basket.pk)  # the same basket as a second request saw it
    stale.strategy = basket.strategy
    services.order_place(officer=w.officer, basket=basket, event=event(), budget_line=w.line)

    with pytest.raises(services.OrderRefused) as info:
        services.order_place(officer=w.officer, basket=stale, event=event(), budget_line=w.line)

    assert info.value.codes == {"empty"}
    assert UnitOrder.objects.count() == 1 and LedgerEntry.objects.count() == 1
    w.line.refresh_from_db()
    assert w.line.committed_idr == 10 * SNACK_PRICE


def test_order_refused_for_an_empty_basket(w):
    exc = refused(w, basket=basket_for(w.officer))

    assert exc.codes == {"empty"}


# --- One MSME per basket ------------------------------------------------------------------------


def test_another_vendors_product_cannot_join_the_basket(w):
    other = approved_vendor(business_name="Katering Lain Jaya").partner
    theirs = FoodProductFactory(title="Snack Box Wingko", partner=other)
    basket = basket_for(w.officer, (w.snack, 10))

    form = AddToBasketForm(basket=basket, product=theirs, data={"quantity": 10})

    assert not form.is_valid()
    error = form.errors.as_data()["__all__"][0]
    assert error.code == "other_vendor"
    assert w.partner.name in error.messages[0] and other.name in error.messages[0]
    basket.refresh_from_db()
    assert [(line.product_id, line.quantity) for line in basket.all_lines()] == [(w.snack.pk, 10)]


def test_product_cards_and_pages_add_the_products_minimum_at_once(w, client):
    basket = basket_for(w.officer)

    form = SimpleAddToBasketForm(basket=basket, product=w.snack)

    assert form.fields["quantity"].initial == w.snack.min_order_qty == 10
    client.force_login(w.officer)  # visitors who cannot order see why instead of the form
    response = client.get(w.snack.get_absolute_url())
    assert re.search(
        r'name="quantity"[^>]*value="10"|value="10"[^>]*name="quantity"', response.content.decode()
    )


def test_same_vendors_product_joins_the_basket(w):
    basket = basket_for(w.officer, (w.snack, 10))

    form = AddToBasketForm(basket=basket, product=w.meal, data={"quantity": 10})

    assert form.is_valid(), form.errors


def test_adding_another_vendors_product_through_the_page_leaves_the_basket_as_it_was(w, client):
    other = approved_vendor(business_name="Katering Lain Jaya").partner
    theirs = FoodProductFactory(title="Snack Box Wingko", partner=other)
    basket = basket_for(w.officer, (w.snack, 10))
    client.force_login(w.officer)

    response = client.post(f"/basket/add/{theirs.pk}/", {"quantity": 10}, follow=True)

    shown = " ".join(str(m) for m in response.context["messages"])
    assert other.name in shown and w.partner.name in shown
    basket.refresh_from_db()
    assert [(line.product_id, line.quantity) for line in basket.all_lines()] == [(w.snack.pk, 10)]


# --- Success: the order and its commitment, together ----------------------------------------


def test_placed_order_commits_its_total_on_the_budget_line(w):
    basket = basket_for(w.officer, (w.snack, 10), (w.meal, 10))
    total = 10 * SNACK_PRICE + 10 * MEAL_PRICE

    uo = services.order_place(
        officer=w.officer, basket=basket, event=event(delivery(days=3)), budget_line=w.line
    )

    assert uo.status == "awaiting_vendor"
    assert uo.total_idr == total and int(uo.order.total_incl_tax) == total
    assert uo.portions == 20
    assert uo.unit == w.unit and uo.partner == w.partner and uo.officer == w.officer
    assert Order.objects.count() == 1 and UnitOrder.objects.count() == 1
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.amount_idr, entry.order_id, entry.line_id) == (
        "commit",
        total,
        uo.order_id,
        w.line.pk,
    )
    w.line.refresh_from_db()
    assert (w.line.committed_idr, w.line.realized_idr, w.line.available_idr) == (
        total,
        0,
        w.line.pagu_idr - total,
    )
    basket.refresh_from_db()
    assert basket.status == basket.SUBMITTED
    assert list(OrderAction.objects.values_list("action", "to_status")) == [("place", "awaiting_vendor")]
    assert uo.event.name == "Rapat Koordinasi Pelayanan Publik" and uo.event.participants == 40


def test_order_above_the_units_threshold_waits_for_its_ppk(w):
    uo = place(w, (w.snack, 60))  # Rp 1.200.000 > Rp 1.000.000

    assert uo.status == "pending_approval"
    assert uo.vendor_deadline is None
    assert uo.order.status == "pending_approval"
    w.line.refresh_from_db()
    assert w.line.committed_idr == 1_200_000  # committed while it waits


def test_order_at_the_units_threshold_goes_straight_to_the_vendor(w):
    uo = place(w, (w.snack, THRESHOLD // SNACK_PRICE))

    assert uo.total_idr == THRESHOLD
    assert uo.status == "awaiting_vendor"


def nothing_left(w, basket):
    w.line.refresh_from_db()
    basket.refresh_from_db()
    assert Order.objects.count() == 0
    assert UnitOrder.objects.count() == 0
    assert Event.objects.count() == 0
    assert OrderAction.objects.count() == 0
    assert LedgerEntry.objects.count() == 0
    assert w.line.committed_idr == 0
    assert basket.status == basket.OPEN and basket.num_lines == 1


def test_failing_commitment_leaves_no_order(w, monkeypatch):
    def broken_commit(**kwargs):
        assert Order.objects.filter(number=kwargs["order"].number).exists()  # the order was made
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "budget_commit", broken_commit)
    basket = basket_for(w.officer, (w.snack, 10))

    with pytest.raises(RuntimeError):
        services.order_place(officer=w.officer, basket=basket, event=event(), budget_line=w.line)

    nothing_left(w, basket)


def test_commitment_refused_at_the_last_moment_leaves_no_order(w, monkeypatch):
    def exceeded(*, line, amount_idr, **kwargs):
        raise BudgetExceeded(line=line, available_idr=0, requested_idr=amount_idr)

    monkeypatch.setattr(services, "budget_commit", exceeded)
    basket = basket_for(w.officer, (w.snack, 10))

    with pytest.raises(services.OrderRefused) as info:
        services.order_place(officer=w.officer, basket=basket, event=event(), budget_line=w.line)

    assert info.value.codes == {"budget"}
    assert "Rp 200.000" in problem(info.value, "budget")
    nothing_left(w, basket)


def test_failure_after_the_commitment_leaves_no_commitment(w, monkeypatch):
    basket = basket_for(w.officer, (w.snack, 10))
    real_commit = services.budget_commit

    def commit_then_fail(**kwargs):  # the commitment is the last step: fail right after it
        real_commit(**kwargs)
        assert LedgerEntry.objects.filter(kind="commit").exists()  # the money was committed
        raise RuntimeError("connection lost")

    monkeypatch.setattr(services, "budget_commit", commit_then_fail)

    with pytest.raises(RuntimeError):
        services.order_place(officer=w.officer, basket=basket, event=event(), budget_line=w.line)

    nothing_left(w, basket)


def test_failing_order_creation_leaves_nothing(w, monkeypatch):
    def broken(self, **kwargs):
        raise RuntimeError("order number taken")

    monkeypatch.setattr(services.OrderCreator, "place_order", broken)
    basket = basket_for(w.officer, (w.snack, 10))

    with pytest.raises(RuntimeError):
        services.order_place(officer=w.officer, basket=basket, event=event(), budget_line=w.line)

    nothing_left(w, basket)
