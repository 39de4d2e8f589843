"""Warn early, refuse late: the basket page says at once what checkout would refuse, with the very
words and numbers of checkout's refusal (both come from `checkout_rules`); an order that would
wait for a PPK says so, and one whose unit has no PPK is refused at checkout with whom to ask."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from procurement.budgets.models import LedgerEntry
from procurement.checkout.delivery import SESSION_KEY
from procurement.ordering import checkout_rules as rules
from procurement.ordering import services
from procurement.ordering.models import Event, UnitOrder
from procurement.units.models import Membership
from tests.factories import UnitFactory
from tests.factories.ordering import FoodProductFactory
from tests.procurement.ordering.world import (
    THRESHOLD,
    basket_for,
    build_world,
    delivery,
    event,
    food_line,
    person_for,
)

Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")
Selector = get_class("partner.strategy", "Selector")
pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


@pytest.fixture
def frozen(monkeypatch):
    """One moment for the whole test: the basket page and checkout judge lead times from the
    same 'now', so their 'earliest delivery' is the same minute."""
    moment = timezone.now().replace(second=0, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def page_text(response) -> str:
    assert response.status_code == 200
    return html.unescape(" ".join(response.content.decode().split()))


def checkout_refusal(w, basket, *, starts_at=None, line=None, officer=None) -> services.OrderRefused:
    """Checkout's refusal of this basket, after checking it left nothing behind."""
    with pytest.raises(services.OrderRefused) as info:
        services.order_place(
            officer=officer or w.officer, basket=basket, event=event(starts_at), budget_line=line or w.line
        )
    assert not Order.objects.exists() and not UnitOrder.objects.exists()
    assert not Event.objects.exists() and not LedgerEntry.objects.exists()
    return info.value


def message_of(exc: services.OrderRefused, code: str) -> str:
    found = [p.message for p in exc.problems if p.code == code]
    assert found, f"no {code!r} in {exc.codes}"
    return " ".join(found[0].split())


def line_problem_codes(response) -> list[str]:
    return re.findall(r'line-problem" data-code="(\w+)"', response.content.decode())


# --- Each warning, with checkout's words ---------------------------------------------------------


def test_basket_warns_of_a_line_below_the_minimum_order_as_checkout_refuses_it(w, client):
    basket = basket_for(w.officer, (w.snack, 5))
    client.force_login(w.officer)

    shown = page_text(client.get("/basket/"))

    refusal = message_of(checkout_refusal(w, basket), "below_minimum")
    assert refusal in shown
    assert "5" in refusal and "10" in refusal
    assert line_problem_codes(client.get("/basket/")) == ["below_minimum"]


def test_basket_warns_of_a_price_above_the_ceiling_as_checkout_refuses_it(w, client):
    pricey = FoodProductFactory(title="Snack Box Premium", partner=w.partner, price=25_000)
    basket = basket_for(w.officer, (pricey, 10))
    client.force_login(w.officer)

    shown = page_text(client.get("/basket/"))

    refusal = message_of(checkout_refusal(w, basket), "above_ceiling")
    assert refusal in shown
    assert "Rp 25.000" in refusal and "Rp 22.000" in refusal


def test_basket_warns_of_the_lead_time_for_the_chosen_delivery_as_checkout_refuses_it(w, client, frozen):
    basket = basket_for(w.officer, (w.meal, 10))  # two days' notice
    soon = timezone.localtime(frozen + timedelta(hours=5)).replace(minute=0)
    client.force_login(w.officer)

    chosen = client.post("/checkout/delivery/", {"delivery_at": soon.strftime("%Y-%m-%dT%H:%M")})
    shown = page_text(client.get("/basket/"))

    assert chosen.status_code == 302 and chosen["Location"] == "/basket/"
    refusal = message_of(checkout_refusal(w, basket, starts_at=soon), "lead_time")
    assert refusal in shown
    assert "48" in refusal


def test_without_a_chosen_date_the_basket_judges_the_earliest_delivery(w, client, frozen):
    w.partner.daily_capacity = 30
    w.partner.save(update_fields=["daily_capacity"])
    basket = basket_for(w.officer, (w.snack, 40))  # more than the kitchen makes in a day
    client.force_login(w.officer)

    response = client.get("/basket/")
    shown = page_text(response)

    earliest = timezone.localtime(frozen + timedelta(hours=w.snack.lead_time_hours))
    if earliest.minute:
        earliest = earliest.replace(minute=0) + timedelta(hours=1)
    assert f"{earliest:%H:%M}" in shown and "delivery-earliest" in response.content.decode()
    refusal = message_of(checkout_refusal(w, basket, starts_at=earliest), "capacity")
    assert refusal in shown
    assert "30" in refusal


def test_basket_warns_of_a_closed_day_on_the_chosen_date(w, client):
    when = delivery(days=4)
    w.partner.closed_days.create(date=timezone.localtime(when).date())
    basket = basket_for(w.officer, (w.snack, 10))
    client.force_login(w.officer)

    client.post("/checkout/delivery/", {"delivery_at": when.strftime("%Y-%m-%dT%H:%M")})
    shown = page_text(client.get("/basket/"))

    assert message_of(checkout_refusal(w, basket, starts_at=when), "closed_day") in shown


def test_basket_says_an_order_over_the_threshold_will_wait_for_the_ppk(w, client):
    basket_for(w.officer, (w.snack, 60))  # Rp 1.200.000, the threshold is Rp 1.000.000
    client.force_login(w.officer)

    response = client.get("/basket/")
    shown = page_text(response)

    assert "pesanan ini akan menunggu persetujuan PPK" in shown
    assert "Rp 1.200.000" in shown and "Rp 1.000.000" in shown
    assert 'data-code="needs_approval"' in response.content.decode()
    assert "basket-problems" not in response.content.decode()  # a notice, not a refusal


def test_basket_says_nothing_when_the_order_is_fine(w, client):
    basket_for(w.officer, (w.snack, 10), (w.meal, 10))  # Rp 550.000, within every rule
    client.force_login(w.officer)

    response = client.get("/basket/")
    content = response.content.decode()

    assert response.status_code == 200
    assert "basket-problems" not in content and "line-problem" not in content
    assert "needs_approval" not in content and "no_ppk" not in content
    assert 'id="basket-check"' in content  # the delivery field is there


def test_basket_page_has_no_voucher_box(w, client):
    basket_for(w.officer, (w.snack, 10))
    client.force_login(w.officer)

    content = client.get("/basket/").content.decode()

    assert "voucher" not in content.lower()


def test_basket_page_reads_a_bounded_number_of_queries(w, client, django_assert_max_num_queries):
    snacks = [FoodProductFactory(partner=w.partner, price=15_000) for _ in range(4)]
    basket_for(w.officer, *[(p, 5) for p in snacks], (w.meal, 10))
    client.force_login(w.officer)

    with django_assert_max_num_queries(60):
        response = client.get("/basket/")

    assert len(line_problem_codes(response)) == 4


def queries_of_check(basket, officer_units) -> int:
    """Queries of the checks over lines already priced, as the basket page has priced them."""
    fresh = Basket.objects.get(pk=basket.pk)
    fresh.strategy = Selector().strategy()
    for line in fresh.all_lines():
        assert line.unit_price_excl_tax
    with CaptureQueriesContext(connection) as captured:
        rules.basket_check(basket=fresh, units=officer_units)
    return len(captured)


def test_the_checks_make_no_query_per_line(w):
    basket = basket_for(w.officer, (w.meal, 10))
    units = [w.unit]
    one_line = queries_of_check(basket, units)
    for _ in range(4):
        basket.add_product(FoodProductFactory(partner=w.partner, price=15_000), 5)

    assert queries_of_check(basket, units) == one_line


def test_anonymous_visitors_basket_warns_of_the_minimum_without_unit_notices(w, client):
    client.post(f"/basket/add/{w.snack.pk}/", {"quantity": 3})

    response = client.get("/basket/")

    assert line_problem_codes(response) == ["below_minimum"]
    assert "needs_approval" not in response.content.decode()


# --- The delivery chosen on the basket page ------------------------------------------------------


def test_checkout_starts_with_the_delivery_chosen_on_the_basket_page(w, client):
    basket_for(w.officer, (w.snack, 10))
    when = delivery(days=5, hour=10)
    client.force_login(w.officer)

    client.post("/checkout/delivery/", {"delivery_at": when.strftime("%Y-%m-%dT%H:%M")})
    response = client.get("/checkout/")

    assert response.context["form"]["starts_at"].value() == timezone.localtime(when).replace(tzinfo=None)


@pytest.mark.parametrize("value", ["kemarin", "2001-01-01T09:00", "x" * 500])
def test_a_bad_or_past_delivery_choice_is_refused_and_kept_out_of_the_session(w, client, value):
    basket_for(w.officer, (w.snack, 10))
    client.force_login(w.officer)

    response = client.post("/checkout/delivery/", {"delivery_at": value}, follow=True)

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert list(response.context["messages"])


def test_an_empty_delivery_choice_forgets_the_chosen_one(w, client):
    basket_for(w.officer, (w.snack, 10))
    client.force_login(w.officer)
    client.post("/checkout/delivery/", {"delivery_at": delivery(days=5).strftime("%Y-%m-%dT%H:%M")})

    client.post("/checkout/delivery/", {"delivery_at": ""})

    assert SESSION_KEY not in client.session


# --- No PPK in the unit: refused at checkout, warned on the basket --------------------------------


@pytest.fixture
def lonely():
    """A unit with an officer, a food line and no PPK."""
    w = build_world()
    unit = UnitFactory(approval_threshold_idr=THRESHOLD, short_name="Kec. Tugu")
    officer = person_for(unit, Membership.Role.BUYER, first_name="Sari")
    return w, unit, officer, food_line(unit)


def test_order_over_the_threshold_in_a_unit_without_ppk_is_refused_naming_the_admin(lonely):
    w, unit, officer, line = lonely
    basket = basket_for(officer, (w.snack, 60))

    refusal = message_of(checkout_refusal(w, basket, line=line, officer=officer), "no_ppk")

    assert "Admin" in refusal and "Diskominfo" in refusal
    assert "Rp 1.200.000" in refusal and "Rp 1.000.000" in refusal and "Kec. Tugu" in refusal
    line.refresh_from_db()
    assert line.committed_idr == 0


def test_checkout_page_refuses_the_order_without_ppk_and_commits_nothing(lonely, client):
    w, unit, officer, line = lonely
    basket = basket_for(officer, (w.snack, 60))
    client.force_login(officer)
    data = {
        "name": "Rapat Koordinasi",
        "starts_at": delivery(days=3).strftime("%Y-%m-%dT%H:%M"),
        "venue": "Kantor Kecamatan Tugu",
        "participants": 60,
        "contact_name": "Sari",
        "contact_phone": "0812-3456-7890",
        "budget_line": line.pk,
    }

    response = client.post("/checkout/", data)

    assert response.status_code == 400
    content = html.unescape(response.content.decode())
    assert 'data-code="no_ppk"' in content and "Admin (Diskominfo)" in content
    assert not UnitOrder.objects.exists() and not LedgerEntry.objects.exists()
    line.refresh_from_db()
    basket.refresh_from_db()
    assert line.committed_idr == 0 and basket.status == basket.OPEN


def test_basket_warns_of_the_missing_ppk_with_checkouts_words(lonely, client):
    w, unit, officer, line = lonely
    basket = basket_for(officer, (w.snack, 60))
    client.force_login(officer)

    shown = page_text(client.get("/basket/"))

    refusal = message_of(checkout_refusal(w, basket, line=line, officer=officer), "no_ppk")
    assert refusal in shown
    assert "pesanan ini akan menunggu persetujuan PPK" not in shown


def test_order_within_the_threshold_needs_no_ppk(lonely):
    w, unit, officer, line = lonely
    basket = basket_for(officer, (w.snack, 10))

    uo = services.order_place(officer=officer, basket=basket, event=event(), budget_line=line)

    assert uo.status == "awaiting_vendor"


def test_an_inactive_ppk_does_not_count(lonely):
    w, unit, officer, line = lonely
    ppk = person_for(unit, Membership.Role.PPK)
    Membership.objects.filter(user=ppk, unit=unit).update(is_active=False)
    basket = basket_for(officer, (w.snack, 60))

    assert "no_ppk" in checkout_refusal(w, basket, line=line, officer=officer).codes
