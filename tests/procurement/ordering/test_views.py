"""Order pages: each person sees only their own units' or their MSME's orders, with totals and
filters; moves and the BAST go through the page; the checkout page places an order or shows its
problems; page query counts stay flat as orders pile up."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from procurement.budgets.models import LedgerEntry
from procurement.ordering import services
from procurement.ordering.models import UnitOrder
from procurement.units.models import Membership
from tests.factories import BudgetAccountFactory, UnitFactory
from tests.factories.ordering import FoodProductFactory
from tests.procurement.ordering.world import (
    SNACK_PRICE,
    approved_vendor,
    basket_for,
    build_world,
    delivery,
    delivery_day_come,
    food_line,
    order_in,
    person_for,
    place,
)

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Finder(HTMLParser):
    """Text and tags inside the first element with a given id."""

    def __init__(self, element_id):
        super().__init__()
        self.element_id, self.depth, self.done = element_id, 0, False
        self.text, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.tags.append((tag, attrs))
            if tag not in VOID:
                self.depth += 1
        elif not self.done and attrs.get("id") == self.element_id:
            self.tags.append((tag, attrs))
            self.depth = 0 if tag in VOID else 1

    def handle_endtag(self, tag):
        if self.depth and tag not in VOID:
            self.depth -= 1
            self.done = self.done or self.depth == 0

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


def element(response, element_id) -> _Finder | None:
    finder = _Finder(element_id)
    finder.feed(response.content.decode())
    if not finder.tags:
        return None
    finder.text = " ".join(" ".join(finder.text).split())
    return finder


def text_of(response, element_id) -> str:
    found = element(response, element_id)
    assert found is not None, f"#{element_id} is not on the page"
    return found.text


@pytest.fixture
def w():
    return build_world()


@pytest.fixture
def others(w):
    """Another unit with its officer and PPK, and another MSME with its owner and a product."""
    unit = UnitFactory()
    vendor = approved_vendor(business_name="Katering Lain Jaya")
    return {
        "unit": unit,
        "officer": person_for(unit, Membership.Role.BUYER),
        "ppk": person_for(unit, Membership.Role.PPK),
        "line": food_line(unit),
        "vendor_user": vendor.owner,
        "partner": vendor.partner,
        "product": FoodProductFactory(title="Snack Box Wingko Babat", partner=vendor.partner),
    }


@pytest.fixture
def no_mfa(settings):
    """PPK is a staff role: two-factor set-up is not what these tests are about."""
    settings.STAFF_MFA_REQUIRED = False


# --- The officer's and the unit's order list ----------------------------------------------------


def line_of(w, when):
    """The world's line, or in December for next month's delivery the same line of next year's DPA
    (a delivery falls in the fiscal year of the line that pays it)."""
    if when.year == w.line.fiscal_year:
        return w.line
    return food_line(
        w.unit, fiscal_year=when.year, sub_activity_name=w.line.sub_activity_name, account=w.line.account
    )


def month_after(when):
    """The 5th of the month after `when`'s, at 09:00 (day 1 + 40 days is always next month)."""
    return (when.replace(day=1) + timedelta(days=40)).replace(day=5, hour=9, minute=0)


def test_order_list_shows_only_the_users_units_orders(w, others, client):
    mine = [place(w), place(w, (w.meal, 10))]
    theirs = place(w, officer=others["officer"], line=others["line"])
    client.force_login(w.officer)

    response = client.get("/pesanan/")

    assert response.status_code == 200
    assert {uo.pk for uo in response.context["orders"]} == {uo.pk for uo in mine}
    orders = element(response, "orders")
    links = {a.get("href") for tag, a in orders.tags if tag == "a"}
    assert links == {f"/pesanan/{uo.pk}/" for uo in mine}
    assert str(theirs.order.number) not in response.content.decode()


def test_the_units_ppk_sees_the_units_orders_too(w, others, client, no_mfa):
    mine = place(w)
    place(w, officer=others["officer"], line=others["line"])
    client.force_login(w.ppk)

    response = client.get("/pesanan/")

    assert [uo.pk for uo in response.context["orders"]] == [mine.pk]


def test_order_list_totals_per_event_month_and_budget_line(w, client):
    next_month = month_after(delivery(days=3))
    place(w, (w.snack, 10), name="Rapat Koordinasi Stunting")  # Rp 200.000
    place(w, (w.snack, 15), name="Rapat Koordinasi Stunting")  # Rp 300.000
    place(w, (w.snack, 20), name="Bimtek Aplikasi", starts_at=next_month, line=line_of(w, next_month))
    cancelled = place(w, (w.snack, 30), name="Rapat Batal")  # Rp 600.000, does not count
    services.order_move(unit_order=cancelled, action="cancel", actor=w.officer)
    client.force_login(w.officer)

    response = client.get("/pesanan/")

    assert "Rp 900.000" in text_of(response, "spending-total")
    per_event = text_of(response, "totals-event")
    assert "Rapat Koordinasi Stunting: Rp 500.000" in per_event
    assert "Bimtek Aplikasi: Rp 400.000" in per_event
    assert "Rapat Batal" not in per_event
    per_month = text_of(response, "totals-month")
    assert "Rp 500.000" in per_month and "Rp 400.000" in per_month
    assert str(next_month.year) in per_month
    assert f"{w.line.account.code}: Rp 900.000" in text_of(response, "totals-line")


def test_order_list_filters(w, others, client):
    later = month_after(delivery(days=3))
    other_line = food_line(w.unit, sub_activity_name="Fasilitasi Kunjungan Tamu", fiscal_year=later.year)
    stunting = place(w, (w.snack, 10), name="Rapat Koordinasi Stunting")
    bimtek = place(w, (w.snack, 15), name="Bimtek Aplikasi", starts_at=later, line=other_line)
    services.order_move(unit_order=bimtek, action="confirm", actor=w.vendor_user)
    from_other_vendor = place(w, (others["product"], 10), name="Rapat Pimpinan")
    client.force_login(w.officer)

    def listed(**params):
        response = client.get("/pesanan/", params)
        assert response.status_code == 200
        return {uo.pk for uo in response.context["orders"]}

    assert listed() == {stunting.pk, bimtek.pk, from_other_vendor.pk}
    assert listed(status="confirmed") == {bimtek.pk}
    assert listed(event="stunting") == {stunting.pk}
    assert listed(month=later.strftime("%Y-%m")) == {bimtek.pk}
    assert listed(budget_line=other_line.pk) == {bimtek.pk}
    assert listed(partner=others["partner"].pk) == {from_other_vendor.pk}
    assert listed(status="awaiting_vendor", partner=w.partner.pk) == {stunting.pk}
    response = client.get("/pesanan/", {"event": "stunting"})
    assert "Rp 200.000" in text_of(response, "spending-total")  # totals follow the filters


def test_order_list_with_nothing_yet(w, client):
    client.force_login(w.officer)

    response = client.get("/pesanan/")

    assert element(response, "no-orders") is not None


def test_order_list_needs_login(client):
    response = client.get("/pesanan/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# Session, user, basket, menu and notifications take about 15 of these on every page; the order
# list itself a fixed handful (count, page, totals, and the page's units, budget lines with their
# accounts and officers by id: selectors._base). The same ceiling holds for 5 and 20 orders.
MAX_QUERIES = 30


def orders_for_query_count(w, n):
    for i in range(n):
        uo = place(w, (w.snack, 10), name=f"Rapat ke-{i}", starts_at=delivery(days=3 + i % 7))
        if i % 3 == 1:
            services.order_move(unit_order=uo, action="confirm", actor=w.vendor_user)


@pytest.mark.parametrize("n", [5, 20])
def test_order_list_query_count_does_not_grow_with_orders(w, client, django_assert_max_num_queries, n):
    orders_for_query_count(w, n)
    client.force_login(w.officer)

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get("/pesanan/")

    assert len(response.context["orders"]) == n


@pytest.mark.parametrize("n", [5, 20])
def test_vendor_order_list_query_count_does_not_grow_with_orders(w, client, django_assert_max_num_queries, n):
    orders_for_query_count(w, n)
    client.force_login(w.vendor_user)

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get("/umkm/pesanan/", {"day": delivery(days=3).date().isoformat()})

    assert len(response.context["orders"]) == n


# --- The vendor's incoming orders and production list ---------------------------------------------


def test_vendor_sees_only_its_own_incoming_orders_by_delivery_date(w, others, client):
    later = place(w, starts_at=delivery(days=5))
    sooner = place(w, starts_at=delivery(days=3))
    not_mine = place(w, (others["product"], 10))
    client.force_login(w.vendor_user)

    response = client.get("/umkm/pesanan/")

    assert [uo.pk for uo in response.context["orders"]] == [sooner.pk, later.pk]
    assert str(not_mine.order.number) not in text_of(response, "vendor-orders")


def test_vendor_list_hides_ended_orders_unless_asked(w, client):
    open_order = place(w)
    declined = place(w)
    services.order_move(unit_order=declined, action="decline", actor=w.vendor_user, reason="Libur")
    client.force_login(w.vendor_user)

    assert [uo.pk for uo in client.get("/umkm/pesanan/").context["orders"]] == [open_order.pk]
    shown_all = client.get("/umkm/pesanan/", {"show": "all"}).context["orders"]
    assert {uo.pk for uo in shown_all} == {open_order.pk, declined.pk}


def test_production_list_of_a_day(w, others, client):
    day = delivery(days=3)
    morning = place(w, (w.snack, 30), (w.meal, 10), starts_at=day.replace(hour=8), venue="Balai Kota")
    services.order_move(unit_order=morning, action="confirm", actor=w.vendor_user)
    place(w, (w.snack, 20), starts_at=day.replace(hour=13), venue="Gedung Moch Ichsan")
    place(w, (w.snack, 99), starts_at=delivery(days=4))  # another day
    cancelled = place(w, (w.snack, 40), starts_at=day.replace(hour=15))
    services.order_move(unit_order=cancelled, action="cancel", actor=w.officer)
    place(w, (others["product"], 10), starts_at=day)  # another MSME's
    client.force_login(w.vendor_user)

    response = client.get("/umkm/pesanan/", {"day": day.date().isoformat()})

    production = text_of(response, "production-list")
    assert "50 × Snack Box Lumpia Semarang" in production
    assert "10 × Nasi Kotak Ayam Bakar" in production
    assert "99" not in production and "40 ×" not in production
    assert "Snack Box Wingko Babat" not in production
    assert "08:00" in production and "Balai Kota" in production
    assert "13:00" in production and "Gedung Moch Ichsan" in production


def test_officer_has_no_vendor_orders(w, client):
    place(w)
    client.force_login(w.officer)

    response = client.get("/umkm/pesanan/")

    assert list(response.context["orders"]) == []


# --- Who may open an order and act on it ----------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "ppk", "vendor"])
def test_order_page_opens_for_the_unit_and_the_vendor(w, client, no_mfa, who):
    uo = order_in(w, "awaiting_vendor")
    client.force_login({"officer": w.officer, "ppk": w.ppk, "vendor": w.vendor_user}[who])

    response = client.get(f"/pesanan/{uo.pk}/")

    assert response.status_code == 200
    assert element(response, "order-status").tags[0][1]["data-status"] == "awaiting_vendor"
    assert "Rp 200.000" in text_of(response, "order-total")


def order_urls(uo):
    return [("get", f"/pesanan/{uo.pk}/", {})] + [
        ("post", f"/pesanan/{uo.pk}/{action}/", {"reason": "Alasan"})
        for action in ("approve", "reject_approval", "confirm", "decline", "cancel", "deliver")
    ]


@pytest.mark.parametrize("who", ["other_officer", "other_ppk", "other_vendor"])
def test_order_and_its_actions_are_not_found_for_others(w, others, client, no_mfa, who):
    uo = order_in(w, "awaiting_vendor")
    pending = order_in(w, "pending_approval")
    delivered = order_in(w, "delivered")
    client.force_login(
        {
            "other_officer": others["officer"],
            "other_ppk": others["ppk"],
            "other_vendor": others["vendor_user"],
        }[who]
    )

    for method, url, data in order_urls(uo) + order_urls(pending):
        assert getattr(client, method)(url, data).status_code == 404, url
    line = delivered.order.lines.get()
    response = client.post(f"/pesanan/{delivered.pk}/terima/", {f"qty_{line.pk}": 10, "rating": 5})
    assert response.status_code == 404

    assert dict(UnitOrder.objects.values_list("pk", "status")) == {
        uo.pk: "awaiting_vendor",
        pending.pk: "pending_approval",
        delivered.pk: "delivered",
    }


def test_anonymous_visitor_is_sent_to_login_for_an_order_and_its_actions(w, client):
    uo = order_in(w, "awaiting_vendor")
    delivered = order_in(w, "delivered")

    for method, url, data in order_urls(uo) + [("post", f"/pesanan/{delivered.pk}/terima/", {})]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url

    assert dict(UnitOrder.objects.values_list("pk", "status")) == {
        uo.pk: "awaiting_vendor",
        delivered.pk: "delivered",
    }


def test_unknown_action_is_not_found(w, client):
    uo = order_in(w, "awaiting_vendor")
    client.force_login(w.vendor_user)

    assert client.post(f"/pesanan/{uo.pk}/expire/").status_code == 404  # the system's move only
    assert client.post(f"/pesanan/{uo.pk}/pay/").status_code == 404
    uo.refresh_from_db()
    assert uo.status == "awaiting_vendor"


def action_buttons(response) -> set[str]:
    found = element(response, "order-actions")
    return {attrs["data-action"] for tag, attrs in found.tags if tag == "form"}


def test_each_person_sees_only_the_moves_they_may_make(w, client, no_mfa):
    pending = order_in(w, "pending_approval")
    waiting = order_in(w, "awaiting_vendor")
    confirmed = order_in(w, "confirmed")

    def buttons(user, uo):
        client.force_login(user)
        return action_buttons(client.get(f"/pesanan/{uo.pk}/"))

    assert buttons(w.ppk, pending) == {"approve", "reject_approval"}
    assert buttons(w.officer, pending) == {"cancel"}
    assert buttons(w.vendor_user, pending) == set()
    assert buttons(w.vendor_user, waiting) == {"confirm", "decline"}
    assert buttons(w.officer, waiting) == {"cancel"}
    assert buttons(w.ppk, waiting) == set()
    assert buttons(w.vendor_user, confirmed) == set()  # three days ahead: not delivered yet
    assert buttons(w.officer, confirmed) == {"cancel_confirmed"}
    delivery_day_come(confirmed)
    assert buttons(w.vendor_user, confirmed) == {"deliver"}


def test_vendor_confirms_and_delivers_through_the_page(w, client):
    uo = order_in(w, "awaiting_vendor")
    client.force_login(w.vendor_user)

    client.post(f"/pesanan/{uo.pk}/confirm/")
    uo.refresh_from_db()
    assert uo.status == "confirmed"
    delivery_day_come(uo)
    client.post(f"/pesanan/{uo.pk}/deliver/")
    uo.refresh_from_db()
    assert uo.status == "delivered"


def test_ppk_approves_through_the_page(w, client, no_mfa):
    uo = order_in(w, "pending_approval")
    client.force_login(w.ppk)

    client.post(f"/pesanan/{uo.pk}/approve/")

    uo.refresh_from_db()
    assert uo.status == "awaiting_vendor"


def test_decline_without_a_reason_is_refused_on_the_page(w, client):
    uo = order_in(w, "awaiting_vendor")
    client.force_login(w.vendor_user)

    response = client.post(f"/pesanan/{uo.pk}/decline/", {"reason": ""}, follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    uo.refresh_from_db()
    assert uo.status == "awaiting_vendor"
    assert LedgerEntry.objects.filter(kind="release").count() == 0


def test_cancel_reason_is_shown_to_the_vendor(w, client):
    uo = order_in(w, "confirmed")
    client.force_login(w.officer)
    client.post(f"/pesanan/{uo.pk}/cancel_confirmed/", {"reason": "Rapat dibatalkan Sekda"})
    client.force_login(w.vendor_user)

    response = client.get(f"/pesanan/{uo.pk}/")

    assert element(response, "order-status").tags[0][1]["data-status"] == "cancelled"
    assert "Rapat dibatalkan Sekda" in text_of(response, "order-history")


# --- Receipt (BAST) through the page -------------------------------------------------------------


@pytest.fixture
def delivered(w):
    return order_in(w, "delivered")


def test_officer_signs_the_bast_on_the_page(w, client, delivered):
    line = delivered.order.lines.get()
    client.force_login(w.officer)
    page = client.get(f"/pesanan/{delivered.pk}/")
    assert element(page, "receipt-form") is not None

    response = client.post(
        f"/pesanan/{delivered.pk}/terima/",
        {f"qty_{line.pk}": 8, "notes": "Dua kotak kurang", "rating": 4, "comment": "Enak"},
        follow=True,
    )

    delivered.refresh_from_db()
    assert delivered.status == "received"
    assert delivered.payable_idr == 8 * SNACK_PRICE
    assert "Rp 160.000" in text_of(response, "order-payable")
    assert "Rp 160.000" in text_of(response, "receipt")
    assert delivered.rating.score == 4
    assert element(response, "receipt-form") is None


@pytest.mark.parametrize(
    "data",
    [{"qty": 11}, {"qty": -1}, {"qty": "sepuluh"}, {"qty": 10, "rating": 6}, {"qty": 10, "rating": 0}],
    ids=["more-than-ordered", "negative", "not-a-number", "rating-6", "rating-0"],
)
def test_bad_bast_is_refused_on_the_page_and_changes_nothing(w, client, delivered, data):
    line = delivered.order.lines.get()
    client.force_login(w.officer)
    post = {f"qty_{line.pk}": data["qty"], "notes": "", "comment": ""}
    if "rating" in data:
        post["rating"] = data["rating"]

    response = client.post(f"/pesanan/{delivered.pk}/terima/", post)

    assert response.status_code == 400
    assert element(response, "receipt-form") is not None
    delivered.refresh_from_db()
    assert (delivered.status, delivered.payable_idr) == ("delivered", None)
    assert not LedgerEntry.objects.filter(kind="release").exists()


def test_vendor_cannot_sign_the_bast(w, client, delivered):
    line = delivered.order.lines.get()
    client.force_login(w.vendor_user)
    assert element(client.get(f"/pesanan/{delivered.pk}/"), "receipt-form") is None

    client.post(f"/pesanan/{delivered.pk}/terima/", {f"qty_{line.pk}": 10})

    delivered.refresh_from_db()
    assert delivered.status == "delivered"


# --- The checkout page --------------------------------------------------------------------------


def checkout_data(line, **overrides):
    when = delivery(days=3)
    return {
        "name": "Rapat Koordinasi Pelayanan Publik",
        "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
        "venue": "Ruang Rapat Lantai 3, Jl. Pemuda No. 148",
        "participants": 40,
        "contact_name": "Rini Astuti",
        "contact_phone": "0812-3456-7890",
        "budget_line": line.pk,
        **overrides,
    }


def test_checkout_places_the_order_and_opens_it(w, client):
    basket_for(w.officer, (w.snack, 10))
    client.force_login(w.officer)

    response = client.post("/checkout/", checkout_data(w.line))

    uo = UnitOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/pesanan/{uo.pk}/"
    assert (uo.status, uo.total_idr, uo.event.participants) == ("awaiting_vendor", 200_000, 40)
    assert uo.event.contact_phone.endswith("81234567890")
    w.line.refresh_from_db()
    assert w.line.committed_idr == 200_000


def test_checkout_offers_only_this_years_food_lines_of_the_officers_units(w, others, client):
    basket_for(w.officer, (w.snack, 10))
    stationery = food_line(
        w.unit, account=BudgetAccountFactory(code="5.1.02.01.01.0024", name="Belanja ATK", kind="barang")
    )
    last_year = food_line(w.unit, fiscal_year=w.line.fiscal_year - 1)
    client.force_login(w.officer)

    response = client.get("/checkout/")

    offered = set(response.context["form"].fields["budget_line"].queryset)
    assert offered == {w.line}
    for line in (stationery, last_year, others["line"]):
        response = client.post("/checkout/", checkout_data(line))
        assert response.status_code == 400
        assert "budget_line" in response.context["form"].errors
    assert not UnitOrder.objects.exists()


def test_checkout_shows_every_problem_with_its_code_and_places_nothing(w, client):
    pricey = FoodProductFactory(title="Snack Box Premium", partner=w.partner, price=25_000)
    basket = basket_for(w.officer, (pricey, 4))
    client.force_login(w.officer)

    response = client.post("/checkout/", checkout_data(w.line))

    assert response.status_code == 400
    problems = element(response, "order-problems")
    codes = {attrs["data-code"] for tag, attrs in problems.tags if tag == "li"}
    assert codes == {"above_ceiling", "below_minimum"}
    assert "Rp 25.000" in problems.text and "Rp 22.000" in problems.text
    assert not UnitOrder.objects.exists() and not LedgerEntry.objects.exists()
    basket.refresh_from_db()
    assert basket.status == basket.OPEN


def test_checkout_shows_the_budget_problem(client):
    w = build_world(pagu=150_000)
    basket_for(w.officer, (w.snack, 10))
    client.force_login(w.officer)

    response = client.post("/checkout/", checkout_data(w.line))

    problems = element(response, "order-problems")
    assert [attrs["data-code"] for tag, attrs in problems.tags if tag == "li"] == ["budget"]
    assert "Rp 150.000" in problems.text and "Rp 200.000" in problems.text


@pytest.mark.parametrize(
    "field, value",
    [("starts_at", "kemarin"), ("participants", 0), ("name", ""), ("contact_phone", "telepon")],
)
def test_checkout_form_refuses_bad_event_details(w, client, field, value):
    basket_for(w.officer, (w.snack, 10))
    client.force_login(w.officer)

    response = client.post("/checkout/", checkout_data(w.line, **{field: value}))

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not UnitOrder.objects.exists()


def test_checkout_refuses_a_delivery_in_the_past(w, client):
    basket_for(w.officer, (w.snack, 10))
    client.force_login(w.officer)
    past = (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")

    response = client.post("/checkout/", checkout_data(w.line, starts_at=past))

    assert response.status_code == 400
    assert "starts_at" in response.context["form"].errors


def test_checkout_is_for_officers_only(w, client):
    basket_for(w.vendor_user, (w.snack, 10))
    client.force_login(w.vendor_user)

    response = client.post("/checkout/", checkout_data(w.line))

    assert response.status_code == 302
    assert not UnitOrder.objects.exists()


def test_money_on_pages_is_whole_rupiah(w, client):
    uo = order_in(w, "awaiting_vendor")
    client.force_login(w.officer)

    html = client.get(f"/pesanan/{uo.pk}/").content.decode()

    assert "Rp 20.000" in html and "Rp 200.000" in html
    assert not re.search(r"Rp\s?[\d.]+,\d\d", html)
