"""The officer's history caches its totals (overall, per event, month and budget line) under a
version of the unit's orders, renewed by every change of an order: each change shows at once;
an order whose deadline passes turns expired in the totals without a write; the officers of
another unit never read this unit's entry."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement.ordering import selectors, services, versions
from procurement.ordering.models import UnitOrder
from procurement.settlement import services as settlement
from procurement.settlement.models import Invoice
from procurement.units.models import Membership
from tests.factories import UnitFactory
from tests.procurement.ordering.world import (
    SNACK_PRICE,
    build_world,
    food_line,
    person_for,
    place,
    place_big,
)
from tests.procurement.settlement.world import PayWorld, record_transfer

pytestmark = pytest.mark.django_db

STATUS_FILTERS = [
    "",
    "pending_approval",
    "awaiting_vendor",
    "confirmed",
    "delivered",
    "received",
    "paid",
    "expired",
]


@pytest.fixture(autouse=True)
def no_mfa(settings):
    settings.STAFF_MFA_REQUIRED = False


@pytest.fixture
def w():
    return build_world()


def page_totals(client, user, **params) -> dict:
    client.force_login(user)
    response = client.get(reverse("ordering:order-list"), params)
    assert response.status_code == 200
    return response.context["totals"]


def fresh_totals(user, **params) -> dict:
    """What `spending_totals` gives right now, without any cache."""
    filters = selectors.OrderFilters(status=params.get("status", ""))
    return selectors.spending_totals(selectors.filter_orders(selectors.unit_orders_for(user), filters))


def seen(client, user) -> dict:
    """The history's totals under every status filter (each visit also leaves its cache entry)."""
    shown = {status: page_totals(client, user, status=status) for status in STATUS_FILTERS}
    assert shown == {status: fresh_totals(user, status=status) for status in STATUS_FILTERS}
    return shown


def test_each_change_of_an_order_shows_at_once_in_the_history_totals(w, client):
    w.vendor.npwp = "337401150890000"  # taxed as the settlement world's MSME
    w.vendor.save()
    treasurer = person_for(w.unit, Membership.Role.TREASURER)
    before = seen(client, w.officer)
    assert before[""]["total"]["n"] == 0
    steps = []

    def step(name, change):
        nonlocal before
        change()
        after = seen(client, w.officer)  # equal to the fresh totals: nothing stale was read
        assert after != before, f"{name}: the totals did not move"
        steps.append(name)
        before = after
        return after

    big = {}
    after = step("place", lambda: big.setdefault("uo", place_big(w)))
    uo = big["uo"]
    assert after[""]["total"] == {"total": uo.total_idr, "n": 1}
    assert after["pending_approval"]["total"]["n"] == 1
    after = step("approve", lambda: services.order_move(unit_order=uo, action="approve", actor=w.ppk))
    assert after["awaiting_vendor"]["total"]["n"] == 1 and after["pending_approval"]["total"]["n"] == 0
    step("confirm", lambda: services.order_move(unit_order=uo, action="confirm", actor=w.vendor_user))
    step(
        "deliver",
        lambda: services.order_move(unit_order=uo, action="deliver", actor=w.vendor_user, now=uo.delivery_at),
    )
    receive = services.order_receive
    after = step("receive", lambda: receive(unit_order=uo, officer=w.officer, quantities={}))
    assert after["received"]["total"] == {"total": uo.total_idr, "n": 1}

    def pay():
        invoice = Invoice.objects.get(unit_order=uo)
        payment = record_transfer(PayWorld(w=w, treasurer=treasurer, invoice=invoice))
        settlement.transfer_confirm(payment=payment, vendor_user=w.vendor_user)

    after = step("pay", pay)
    assert UnitOrder.objects.get(pk=uo.pk).status == "paid"
    assert after["paid"]["total"]["n"] == 1 and after["received"]["total"]["n"] == 0

    declined = step("place again", lambda: big.update(uo=place(w)))[""]["total"]
    step(
        "decline",
        lambda: services.order_move(
            unit_order=big["uo"], action="decline", actor=w.vendor_user, reason="Penuh"
        ),
    )
    assert before[""]["total"] == {"total": declined["total"] - SNACK_PRICE * 10, "n": declined["n"] - 1}
    step("place a third", lambda: big.update(uo=place(w)))
    step(
        "cancel",
        lambda: services.order_move(unit_order=big["uo"], action="cancel", actor=w.officer, reason="Batal"),
    )
    step("place a fourth", lambda: big.update(uo=place(w)))
    after = step("expire", lambda: services.order_move(unit_order=big["uo"], action="expire", actor=None))
    assert after[""]["total"] == {"total": uo.total_idr, "n": 1}  # only the paid order still counts
    assert after["expired"]["total"]["n"] == 0  # an expired order is no spending, filtered or not
    assert len(steps) == 12


def test_the_totals_are_cached_until_a_change_of_the_units_orders(w, client):
    uo = place(w)
    assert page_totals(client, w.officer)["total"]["total"] == uo.total_idr
    # A write that sends no signal (a queryset update) is not seen: the totals come from the cache...
    UnitOrder.objects.filter(pk=uo.pk).update(total_idr=uo.total_idr + 1)
    assert page_totals(client, w.officer)["total"]["total"] == uo.total_idr
    # ...until its writer says the unit's orders changed, as every signal of the ordering app does.
    versions.unit_orders_changed([w.unit.pk])
    assert page_totals(client, w.officer)["total"]["total"] == uo.total_idr + 1


def test_what_the_totals_show_beside_the_orders_is_renamed_at_once(w, client):
    uo = place(w)
    assert [r["event__name"] for r in page_totals(client, w.officer)["by_event"]] == [uo.event.name]
    uo.event.name = "Rapat Evaluasi Stunting"
    uo.event.save()
    assert [r["event__name"] for r in page_totals(client, w.officer)["by_event"]] == [
        "Rapat Evaluasi Stunting"
    ]
    w.unit.short_name = "DKK"
    w.unit.save()
    assert [r["budget_line__unit__short_name"] for r in page_totals(client, w.officer)["by_line"]] == ["DKK"]
    w.line.sub_activity_name = "Konsumsi Rapat Baru"
    w.line.save()
    assert (
        page_totals(client, w.officer)["by_line"][0]["budget_line__sub_activity_name"]
        == "Konsumsi Rapat Baru"
    )
    account = w.line.account
    account.code = "5.1.02.01.01.0099"
    account.save()
    assert page_totals(client, w.officer)["by_line"][0]["budget_line__account__code"] == "5.1.02.01.01.0099"


@pytest.mark.parametrize("status", ["awaiting_vendor", "pending_approval"])
def test_a_deadline_passing_turns_the_cached_totals_expired_without_a_write(w, client, monkeypatch, status):
    uo = place_big(w) if status == "pending_approval" else place(w)
    confirmed = place(w)
    services.order_move(unit_order=confirmed, action="confirm", actor=w.vendor_user)
    uo.refresh_from_db()
    assert uo.status == status
    deadline = uo.vendor_deadline if status == "awaiting_vendor" else uo.delivery_at
    assert deadline > timezone.now()
    both = {"total": uo.total_idr + confirmed.total_idr, "n": 2}
    assert page_totals(client, w.officer)["total"] == both
    assert page_totals(client, w.officer, status=status)["total"]["n"] == 1

    monkeypatch.setattr(timezone, "now", lambda: deadline)  # at the deadline: still waiting
    assert page_totals(client, w.officer)["total"] == both
    monkeypatch.setattr(timezone, "now", lambda: deadline + timedelta(seconds=1))
    assert page_totals(client, w.officer)["total"] == {"total": confirmed.total_idr, "n": 1}
    assert page_totals(client, w.officer, status=status)["total"]["n"] == 0
    assert UnitOrder.objects.get(pk=uo.pk).status == status  # nothing was written
    assert page_totals(client, w.officer)["total"] == fresh_totals(w.officer)["total"]


def test_officers_of_another_unit_never_read_this_units_totals(w, client):
    other_unit = UnitFactory(approval_threshold_idr=w.unit.approval_threshold_idr)
    other_officer = person_for(other_unit, Membership.Role.BUYER)
    other_line = food_line(other_unit)
    mine = place(w)
    theirs = [place(w, (w.snack, 20), officer=other_officer, line=other_line) for _ in range(2)]
    both = person_for(w.unit, Membership.Role.PPK)
    Membership.objects.create(user=both, unit=other_unit, role=Membership.Role.PPK)
    outsider = person_for(UnitFactory(), Membership.Role.BUYER)

    for status in ("", "awaiting_vendor"):
        assert page_totals(client, w.officer, status=status)["total"] == {"total": mine.total_idr, "n": 1}
        assert page_totals(client, other_officer, status=status)["total"] == {
            "total": sum(uo.total_idr for uo in theirs),
            "n": 2,
        }
        assert page_totals(client, both, status=status)["total"] == {
            "total": mine.total_idr + sum(uo.total_idr for uo in theirs),
            "n": 3,
        }
        assert page_totals(client, outsider, status=status)["total"]["n"] == 0
        assert page_totals(client, w.officer, status=status)["total"] == {"total": mine.total_idr, "n": 1}
    line_units = {r["budget_line__unit__short_name"] for r in page_totals(client, other_officer)["by_line"]}
    assert line_units == {other_unit.short_name}

    client.logout()
    response = client.get(reverse("ordering:order-list"))
    assert response.status_code == 302 and "/login/" in response.url


def test_the_version_is_renewed_again_when_the_transaction_commits(w, django_capture_on_commit_callbacks):
    first = versions.unit_orders_version(w.unit.pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        versions.unit_orders_changed([w.unit.pk])
    second = versions.unit_orders_version(w.unit.pk)
    assert second != first  # at once
    assert len(callbacks) == 1
    callbacks[0]()
    assert versions.unit_orders_version(w.unit.pk) not in (first, second)  # and after the commit
    assert versions.unit_orders_version(w.unit.pk) == versions.unit_orders_version(w.unit.pk)
