"""Order moves that match what happens: the MSME marks an order delivered from its delivery day
(a few hours of slack, a setting), the BAST only after that; the BAST asks what arrived first;
the order page shows what was ordered and what was received; the history names each move."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone, translation

from procurement.ordering import lifecycle, services
from procurement.ordering.models import Receipt
from tests.procurement.ordering.test_views import element, text_of
from tests.procurement.ordering.world import (
    build_world,
    delivery,
    delivery_day_come,
    order_in,
    place,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world()


@pytest.fixture
def no_mfa(settings):
    settings.STAFF_MFA_REQUIRED = False


@pytest.fixture
def confirmed(w):
    """Ten snack boxes for the day after tomorrow at 09:00, confirmed by the MSME."""
    uo = place(w, starts_at=delivery(days=3, hour=9))
    services.order_move(unit_order=uo, action="confirm", actor=w.vendor_user)
    uo.refresh_from_db()
    return uo


def day_starts(uo) -> datetime:
    """Midnight at the start of the order's delivery day, city time."""
    day = timezone.localtime(uo.delivery_at).date()
    return timezone.make_aware(datetime.combine(day, time.min))


def status_of(uo) -> str:
    uo.refresh_from_db()
    return uo.status


# --- "Delivered" from the delivery day ---------------------------------------------------------


def test_delivered_is_refused_before_the_day_less_the_slack_with_the_date_named(w, confirmed, settings):
    settings.ORDER_DELIVERED_SLACK_HOURS = 3
    too_early = day_starts(confirmed) - timedelta(hours=3, minutes=1)
    actions = confirmed.actions.count()

    assert not services.can_move(unit_order=confirmed, action="deliver", actor=w.vendor_user, now=too_early)
    with translation.override("id"), pytest.raises(services.NotYet) as info:
        services.order_move(unit_order=confirmed, action="deliver", actor=w.vendor_user, now=too_early)

    day = timezone.localtime(confirmed.delivery_at)
    with translation.override("id"):
        named = f"{day.day} {translation.gettext(day.strftime('%B'))} {day.year}"
    message = info.value.message
    assert "baru dapat ditandai sudah diantar" in message
    assert named in message, message
    assert "21:00" in message  # the earliest moment: three hours before the day
    assert status_of(confirmed) == "confirmed"
    assert confirmed.actions.count() == actions


def test_delivered_is_allowed_within_the_slack_before_the_day(w, confirmed, settings):
    settings.ORDER_DELIVERED_SLACK_HOURS = 3
    evening_before = day_starts(confirmed) - timedelta(hours=2, minutes=59)

    assert services.can_move(unit_order=confirmed, action="deliver", actor=w.vendor_user, now=evening_before)
    services.order_move(unit_order=confirmed, action="deliver", actor=w.vendor_user, now=evening_before)

    assert status_of(confirmed) == "delivered"


def test_delivered_is_allowed_on_the_day_after_the_delivery_time(w, confirmed):
    services.order_move(
        unit_order=confirmed,
        action="deliver",
        actor=w.vendor_user,
        now=confirmed.delivery_at + timedelta(hours=2),
    )

    assert status_of(confirmed) == "delivered"


def test_the_slack_is_a_setting(w, confirmed, settings):
    late_evening_before = day_starts(confirmed) - timedelta(hours=1)
    settings.ORDER_DELIVERED_SLACK_HOURS = 0

    with pytest.raises(services.NotYet):
        services.order_move(
            unit_order=confirmed, action="deliver", actor=w.vendor_user, now=late_evening_before
        )
    settings.ORDER_DELIVERED_SLACK_HOURS = 6
    services.order_move(unit_order=confirmed, action="deliver", actor=w.vendor_user, now=late_evening_before)

    assert status_of(confirmed) == "delivered"


def test_only_delivered_waits_for_the_day_in_the_table():
    assert {m.action for m in lifecycle.MOVES if m.from_delivery_day} == {"deliver"}


def test_before_the_day_the_page_offers_no_delivered_button_and_says_from_when(w, client, confirmed):
    client.force_login(w.vendor_user)

    page = client.get(f"/pesanan/{confirmed.pk}/")

    forms = {attrs.get("data-action") for tag, attrs in element(page, "order-actions").tags if tag == "form"}
    assert "deliver" not in forms
    note = text_of(page, "later-deliver")
    assert "Tandai sudah diantar" in note and str(timezone.localtime(confirmed.delivery_at).year) in note


def test_pressing_delivered_before_the_day_is_refused_with_the_message(w, client, confirmed):
    client.force_login(w.vendor_user)

    response = client.post(f"/pesanan/{confirmed.pk}/deliver/", follow=True)

    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1 and "hari pengirimannya" in errors[0]
    assert status_of(confirmed) == "confirmed"


def test_on_the_day_the_page_offers_delivered(w, client, confirmed):
    delivery_day_come(confirmed)
    client.force_login(w.vendor_user)

    page = client.get(f"/pesanan/{confirmed.pk}/")

    forms = {attrs.get("data-action") for tag, attrs in element(page, "order-actions").tags if tag == "form"}
    assert forms == {"deliver"}
    assert element(page, "later-deliver") is None
    client.post(f"/pesanan/{confirmed.pk}/deliver/")
    assert status_of(confirmed) == "delivered"


# --- BAST only after "delivered" ----------------------------------------------------------------


@pytest.mark.parametrize("status", ["awaiting_vendor", "confirmed"])
def test_bast_is_refused_before_delivered(w, client, status):
    uo = order_in(w, status)
    line = uo.order.lines.get()

    assert not services.can_move(unit_order=uo, action="receive", actor=w.officer)
    with pytest.raises(services.NotAllowed):
        services.order_receive(unit_order=uo, officer=w.officer, quantities={})
    client.force_login(w.officer)
    assert element(client.get(f"/pesanan/{uo.pk}/"), "receipt-form") is None
    client.post(f"/pesanan/{uo.pk}/terima/", {f"qty_{line.pk}": 10, "rating": 5})

    assert status_of(uo) == status
    assert not Receipt.objects.exists()


def test_the_bast_form_asks_the_quantities_first_labelled_with_what_was_ordered(w, client):
    uo = place(w, (w.snack, 25), (w.meal, 12))
    services.order_move(unit_order=uo, action="confirm", actor=w.vendor_user)
    services.order_move(unit_order=uo, action="deliver", actor=w.vendor_user, now=uo.delivery_at)
    client.force_login(w.officer)

    html = client.get(f"/pesanan/{uo.pk}/").content.decode()

    form = html[html.index('id="receipt-form"') :]
    names = re.findall(r'name="(qty_\d+|notes|rating|comment)"', form)
    assert names[:2] == [f"qty_{line.pk}" for line in uo.order.lines.order_by("pk")]
    assert names.index("rating") > 1
    assert f"{w.snack.title} (dipesan 25)" in form and f"{w.meal.title} (dipesan 12)" in form
    assert "Jumlah diterima" in form


# --- The order page: ordered and received per line -------------------------------------------------


def line_figures(response) -> dict[str, tuple[str, str]]:
    found = element(response, "order-lines")
    rows = {}
    for tag, attrs in found.tags:
        if tag == "tr" and "data-line" in attrs:
            current = attrs["data-line"]
        elif tag == "td" and "data-ordered" in attrs:
            rows[current] = (attrs["data-ordered"],)
        elif tag == "td" and "data-received" in attrs:
            rows[current] += (attrs["data-received"],)
    return rows


def test_the_order_page_shows_ordered_and_received_quantities(w, client, django_assert_max_num_queries):
    uo = place(w, (w.snack, 20), (w.meal, 10))
    services.order_move(unit_order=uo, action="confirm", actor=w.vendor_user)
    services.order_move(unit_order=uo, action="deliver", actor=w.vendor_user, now=uo.delivery_at)
    snack = uo.order.lines.get(product=w.snack)
    meal = uo.order.lines.get(product=w.meal)
    client.force_login(w.officer)
    before = line_figures(client.get(f"/pesanan/{uo.pk}/"))
    assert before == {str(snack.pk): ("20", ""), str(meal.pk): ("10", "")}

    services.order_receive(unit_order=uo, officer=w.officer, quantities={snack.pk: 18, meal.pk: 10})
    with django_assert_max_num_queries(40):
        page = client.get(f"/pesanan/{uo.pk}/")

    assert line_figures(page) == {str(snack.pk): ("20", "18"), str(meal.pk): ("10", "10")}
    head = text_of(page, "order-lines")
    assert "Dipesan" in head and "Diterima" in head


# --- The history names the move ---------------------------------------------------------------------


def history(response) -> list[str]:
    html = response.content.decode()
    block = html[html.index('id="order-history"') :]
    block = block[: block.index("</ul>")]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", block, re.S)]


def test_the_history_records_an_approval_as_approved_by_the_ppk(w, client, no_mfa):
    uo = place(w, (w.snack, 60))  # above the unit's threshold: the PPK approves
    services.order_move(unit_order=uo, action="approve", actor=w.ppk)
    client.force_login(w.officer)

    entries = history(client.get(f"/pesanan/{uo.pk}/"))

    assert len(entries) == 2
    assert "dipesan oleh Pemesan" in entries[0]
    assert "disetujui PPK" in entries[1]
    with translation.override("id"):
        assert str(lifecycle.OrderStatus.AWAITING_VENDOR.label) not in entries[1]  # not the status


def test_every_history_entry_names_its_move(w, client):
    uo = order_in(w, "received")
    client.force_login(w.officer)

    entries = history(client.get(f"/pesanan/{uo.pk}/"))

    assert [e.split(" — ", 1)[1].split(" (")[0] for e in entries] == [
        "dipesan oleh Pemesan",
        "dikonfirmasi UMKM",
        "diantar UMKM",
        "diterima Pemesan",
    ]


def test_every_recorded_move_has_a_history_name():
    for move in lifecycle.MOVES:
        assert lifecycle.done_label(move.action), move.action
    assert lifecycle.done_label(lifecycle.PARTIAL_REFUND)
