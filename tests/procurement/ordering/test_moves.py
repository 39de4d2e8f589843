"""The life of an order: every allowed move by its allowed role is made and recorded, every other
move is refused and changes nothing; ending an order releases its budget commitment; unanswered
orders expire; the BAST turns what arrived into the payable."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import timezone
from oscar.core.loading import get_model

from procurement.budgets.models import LedgerEntry
from procurement.ordering import lifecycle, services
from procurement.ordering.models import Receipt, ReceiptLine, UnitOrder, VendorRating
from procurement.units.models import Membership
from tests.factories import UnitFactory
from tests.factories.ordering import MembershipFactory
from tests.procurement.ordering.world import (
    MEAL_PRICE,
    SNACK_PRICE,
    build_world,
    delivery,
    order_in,
    person_for,
    place,
    vendor_person,
)

OrderStatusChange = get_model("order", "OrderStatusChange")

pytestmark = pytest.mark.django_db

STATUSES = (
    "pending_approval",
    "awaiting_vendor",
    "confirmed",
    "delivered",
    "received",
    "declined",
    "cancelled",
    "expired",
)
# The moves people make through order_move (the lifecycle table's buttons, and the expiry job).
MOVES = {m.action: m for m in (*lifecycle.BUTTONS, lifecycle.move("expire"))}
# Who makes each kind of move (the table's actors) among the people built by `people`.
MAKER = {"ppk": "ppk", "vendor": "vendor", "buyer": "officer", "system": "system"}
ACTORS = ("officer", "ppk", "vendor", "other_officer", "other_ppk", "other_vendor", "system", "anonymous")
RELEASING = {"reject_approval", "decline", "cancel", "cancel_confirmed", "expire"}


@pytest.fixture
def w():
    return build_world()


@pytest.fixture
def people(w):
    other_unit = UnitFactory()
    return {
        "officer": w.officer,
        "ppk": w.ppk,
        "vendor": w.vendor_user,
        "other_officer": person_for(other_unit, Membership.Role.BUYER),
        "other_ppk": person_for(other_unit, Membership.Role.PPK),
        "other_vendor": vendor_person(),
        "system": None,
        "anonymous": AnonymousUser(),
    }


def state(uo: UnitOrder) -> tuple:
    """Everything a move may change, to compare before and after a refused one."""
    uo = UnitOrder.objects.select_related("order", "budget_line").get(pk=uo.pk)
    return (
        uo.status,
        uo.order.status,
        uo.vendor_deadline,
        uo.actions.count(),
        OrderStatusChange.objects.filter(order=uo.order).count(),
        LedgerEntry.objects.count(),
        uo.budget_line.committed_idr,
    )


def allowed_cases():
    for action, move in MOVES.items():
        sources, who = move.sources, move.who
        for source in sources:
            yield action, source, MAKER[who]


def wrong_actor_cases():
    for action, move in MOVES.items():
        sources, who = move.sources, move.who
        for actor in ACTORS:
            if actor != MAKER[who]:
                yield action, sources[0], actor


def wrong_status_cases():
    for action, move in MOVES.items():
        sources, who = move.sources, move.who
        for status in STATUSES:
            if status not in sources:
                yield action, status, MAKER[who]


@pytest.mark.parametrize(("action", "source", "actor"), list(allowed_cases()))
def test_allowed_move_is_made_and_recorded(w, people, action, source, actor):
    uo = order_in(w, source)
    target = MOVES[action].target
    who = people[actor]
    now = uo.delivery_at if MOVES[action].from_delivery_day else None  # "delivered": on the day

    assert services.can_move(unit_order=uo, action=action, actor=who, now=now)
    services.order_move(unit_order=uo, action=action, actor=who, reason="Rapat ditunda", now=now)

    uo.refresh_from_db()
    uo.order.refresh_from_db()
    assert uo.status == target and uo.order.status == target
    record = uo.actions.last()
    assert (record.action, record.from_status, record.to_status, record.actor) == (
        action,
        source,
        target,
        who,
    )
    change = OrderStatusChange.objects.filter(order=uo.order).latest("date_created")
    assert (change.old_status, change.new_status) == (source, target)


@pytest.mark.parametrize(("action", "source", "actor"), list(wrong_actor_cases()))
def test_move_by_anyone_else_is_refused_and_changes_nothing(w, people, action, source, actor):
    uo = order_in(w, source)
    before = state(uo)

    assert not services.can_move(unit_order=uo, action=action, actor=people[actor])
    with pytest.raises(services.NotAllowed):
        services.order_move(unit_order=uo, action=action, actor=people[actor], reason="Rapat ditunda")

    assert state(uo) == before


@pytest.mark.parametrize(("action", "status", "actor"), list(wrong_status_cases()))
def test_move_from_another_status_is_refused_and_changes_nothing(w, people, action, status, actor):
    uo = order_in(w, status)
    before = state(uo)

    assert not services.can_move(unit_order=uo, action=action, actor=people[actor])
    with pytest.raises(services.NotAllowed):
        services.order_move(unit_order=uo, action=action, actor=people[actor], reason="Rapat ditunda")

    assert state(uo) == before


def test_unknown_move_is_refused(w):
    uo = order_in(w, "awaiting_vendor")
    before = state(uo)

    with pytest.raises(services.NotAllowed):
        services.order_move(unit_order=uo, action="pay", actor=w.officer)

    assert state(uo) == before


@pytest.mark.parametrize(
    ("action", "source", "actor"), [c for c in allowed_cases() if c[0] in RELEASING], ids=str
)
def test_ending_an_order_releases_its_whole_commitment(w, people, action, source, actor):
    uo = order_in(w, source)

    services.order_move(unit_order=uo, action=action, actor=people[actor], reason="Rapat ditunda")

    w.line.refresh_from_db()
    assert w.line.committed_idr == 0
    release = LedgerEntry.objects.get(kind="release")
    assert (release.amount_idr, release.order_id, release.line_id) == (uo.total_idr, uo.order_id, w.line.pk)


@pytest.mark.parametrize("action", ["approve", "confirm"])
def test_going_forward_keeps_the_commitment(w, people, action):
    uo = order_in(w, "pending_approval" if action == "approve" else "awaiting_vendor")

    services.order_move(
        unit_order=uo, action=action, actor=people["ppk" if action == "approve" else "vendor"]
    )

    w.line.refresh_from_db()
    assert w.line.committed_idr == uo.total_idr
    assert not LedgerEntry.objects.filter(kind="release").exists()


@pytest.mark.parametrize(
    ("action", "source", "actor"),
    [("decline", "awaiting_vendor", "vendor"), ("reject_approval", "pending_approval", "ppk")]
    + [("cancel_confirmed", "confirmed", "officer")],
)
@pytest.mark.parametrize("reason", ["", "   "])
def test_decline_reject_and_cancel_after_confirmation_need_a_reason(w, people, action, source, actor, reason):
    uo = order_in(w, source)
    before = state(uo)

    with pytest.raises(services.NotAllowed):
        services.order_move(unit_order=uo, action=action, actor=people[actor], reason=reason)

    assert state(uo) == before


def test_cancel_before_confirmation_needs_no_reason(w):
    uo = order_in(w, "awaiting_vendor")

    services.order_move(unit_order=uo, action="cancel", actor=w.officer)

    uo.refresh_from_db()
    assert uo.status == "cancelled"


def test_reason_for_cancelling_a_confirmed_order_is_kept_for_the_vendor(w):
    uo = order_in(w, "confirmed")

    services.order_move(
        unit_order=uo, action="cancel_confirmed", actor=w.officer, reason="  Rapat dibatalkan Walikota  "
    )

    assert uo.actions.last().reason == "Rapat dibatalkan Walikota"


def test_approval_waits_for_the_units_own_ppk_only(w, people):
    uo = order_in(w, "pending_approval")
    # PPK of another unit who also orders for this one: still no PPK here.
    elsewhere_ppk = people["other_ppk"]
    MembershipFactory(user=elsewhere_ppk, unit=w.unit, role=Membership.Role.BUYER)

    for not_ppk_here in (elsewhere_ppk, w.officer):
        with pytest.raises(services.NotAllowed):
            services.order_move(unit_order=uo, action="approve", actor=not_ppk_here)
    services.order_move(unit_order=uo, action="approve", actor=w.ppk)

    uo.refresh_from_db()
    assert uo.status == "awaiting_vendor"
    assert uo.vendor_deadline is not None


def test_ended_membership_takes_the_right_to_act_away(w):
    uo = order_in(w, "pending_approval")
    Membership.objects.filter(user=w.ppk).update(is_active=False)

    with pytest.raises(services.NotAllowed):
        services.order_move(unit_order=uo, action="approve", actor=w.ppk)


# --- Deadlines and expiry ---------------------------------------------------------------------


def test_vendor_deadline_is_the_set_hours_after_placing(w, settings):
    settings.VENDOR_CONFIRM_HOURS = 24
    before = timezone.now()

    uo = place(w, starts_at=delivery(days=5))

    assert before + timedelta(hours=24) <= uo.vendor_deadline <= timezone.now() + timedelta(hours=24)


def test_vendor_deadline_is_never_later_than_the_lead_time_before_delivery(w, settings):
    settings.VENDOR_CONFIRM_HOURS = 24
    starts_at = timezone.now() + timedelta(hours=30)  # the snack box needs 24 hours of notice

    uo = place(w, starts_at=starts_at)

    assert uo.vendor_deadline == starts_at - timedelta(hours=24)


def test_vendor_deadline_uses_the_longest_lead_time_of_the_order(w):
    starts_at = timezone.now() + timedelta(hours=60)  # meal: 48 hours, snack: 24 hours

    uo = place(w, (w.snack, 10), (w.meal, 10), starts_at=starts_at)

    assert uo.vendor_deadline == starts_at - timedelta(hours=48)


def test_vendor_deadline_follows_the_setting(w, settings):
    settings.VENDOR_CONFIRM_HOURS = 6
    before = timezone.now()

    uo = place(w, starts_at=delivery(days=5))

    assert before + timedelta(hours=6) <= uo.vendor_deadline <= timezone.now() + timedelta(hours=6)


def test_approved_order_gets_its_deadline_from_the_approval(w, settings):
    settings.VENDOR_CONFIRM_HOURS = 24
    uo = order_in(w, "pending_approval")
    before = timezone.now()

    services.order_move(unit_order=uo, action="approve", actor=w.ppk)

    uo.refresh_from_db()
    assert uo.vendor_deadline >= before + timedelta(hours=24)
    assert uo.vendor_deadline <= uo.delivery_at - timedelta(hours=w.snack.lead_time_hours)


def test_orders_expire_ends_unanswered_orders_and_releases_them(w):
    overdue = order_in(w, "awaiting_vendor")
    fresh = order_in(w, "awaiting_vendor")
    confirmed = order_in(w, "confirmed")
    waiting_ppk = order_in(w, "pending_approval")
    UnitOrder.objects.filter(pk__in=[overdue.pk, confirmed.pk]).update(
        vendor_deadline=timezone.now() - timedelta(minutes=1)
    )

    assert services.orders_expire() == 1

    statuses = dict(UnitOrder.objects.values_list("pk", "status"))
    assert statuses == {
        overdue.pk: "expired",
        fresh.pk: "awaiting_vendor",
        confirmed.pk: "confirmed",
        waiting_ppk.pk: "pending_approval",
    }
    release = LedgerEntry.objects.get(kind="release")
    assert (release.order_id, release.amount_idr) == (overdue.order_id, overdue.total_idr)
    record = overdue.actions.last()
    assert (record.action, record.actor) == ("expire", None)


def test_orders_expire_ends_orders_still_waiting_for_the_ppk_at_delivery_time(w):
    waiting = order_in(w, "pending_approval")

    assert services.orders_expire(now=waiting.delivery_at - timedelta(minutes=1)) == 0
    assert services.orders_expire(now=waiting.delivery_at + timedelta(minutes=1)) == 1

    waiting.refresh_from_db()
    assert waiting.status == "expired"
    w.line.refresh_from_db()
    assert w.line.committed_idr == 0


def test_orders_expire_command_for_cron(w):
    overdue = order_in(w, "awaiting_vendor")
    UnitOrder.objects.filter(pk=overdue.pk).update(vendor_deadline=timezone.now() - timedelta(minutes=1))

    out = io.StringIO()
    call_command("expire_orders", stdout=out)

    assert "1" in out.getvalue()

    overdue.refresh_from_db()
    assert overdue.status == "expired"


def test_order_opened_after_the_deadline_is_shown_expired_and_left_to_the_command(w, client):
    overdue = order_in(w, "awaiting_vendor")
    UnitOrder.objects.filter(pk=overdue.pk).update(vendor_deadline=timezone.now() - timedelta(minutes=1))
    client.force_login(w.officer)

    response = client.get(f"/pesanan/{overdue.pk}/")

    assert response.status_code == 200
    assert 'data-status="expired"' in response.content.decode()
    overdue.refresh_from_db()
    assert overdue.status == "awaiting_vendor"  # a GET writes nothing: expire_orders (cron) ends it
    w.line.refresh_from_db()
    assert w.line.committed_idr == overdue.total_idr


def test_opening_an_order_before_its_deadline_leaves_it_waiting(w, client):
    uo = order_in(w, "awaiting_vendor")
    client.force_login(w.vendor_user)

    response = client.get(f"/pesanan/{uo.pk}/")

    assert 'data-status="awaiting_vendor"' in response.content.decode()
    uo.refresh_from_db()
    assert uo.status == "awaiting_vendor"


def test_expiry_of_an_order_answered_meanwhile_does_nothing(w):
    uo = order_in(w, "awaiting_vendor")
    stale = UnitOrder.objects.get(pk=uo.pk)
    services.order_move(unit_order=uo, action="confirm", actor=w.vendor_user)

    assert (
        services.order_expire_if_due(unit_order=stale, now=uo.vendor_deadline + timedelta(minutes=1)) is False
    )

    uo.refresh_from_db()
    assert uo.status == "confirmed"


# --- Receipt (BAST) ---------------------------------------------------------------------------


@pytest.fixture
def delivered(w):
    uo = place(w, (w.snack, 20), (w.meal, 10))  # Rp 400.000 + Rp 350.000
    services.order_move(unit_order=uo, action="confirm", actor=w.vendor_user)
    services.order_move(unit_order=uo, action="deliver", actor=w.vendor_user, now=uo.delivery_at)
    return uo


def lines_of(uo):
    return {line.product_id: line for line in uo.order.lines.all()}


def test_receipt_makes_what_arrived_payable_and_releases_the_rest(w, delivered):
    lines = lines_of(delivered)
    snack, meal = lines[w.snack.pk], lines[w.meal.pk]

    receipt = services.order_receive(
        unit_order=delivered,
        officer=w.officer,
        quantities={snack.pk: 18, meal.pk: 10},
        notes="Dua kotak snack rusak",
        rating=4,
        comment="Tepat waktu, rasa enak",
    )

    received = 18 * SNACK_PRICE + 10 * MEAL_PRICE
    assert receipt.amount_idr == received
    assert dict(ReceiptLine.objects.values_list("line_id", "quantity_received")) == {
        snack.pk: 18,
        meal.pk: 10,
    }
    delivered.refresh_from_db()
    assert delivered.status == "received" and delivered.payable_idr == received
    w.line.refresh_from_db()
    assert w.line.committed_idr == received
    release = LedgerEntry.objects.get(kind="release")
    assert release.amount_idr == 2 * SNACK_PRICE
    rating = VendorRating.objects.get()
    assert (rating.score, rating.partner_id, rating.comment) == (4, w.partner.pk, "Tepat waktu, rasa enak")
    assert receipt.number.startswith(f"BAST/{w.unit.code}/")
    record = delivered.actions.last()
    assert (record.action, record.to_status, record.actor) == ("receive", "received", w.officer)


def test_receipt_of_everything_releases_nothing(w, delivered):
    services.order_receive(unit_order=delivered, officer=w.officer, quantities={})

    delivered.refresh_from_db()
    assert delivered.payable_idr == delivered.total_idr
    assert not LedgerEntry.objects.filter(kind="release").exists()
    assert not VendorRating.objects.exists()


def receipt_state(uo):
    return (*state(uo), Receipt.objects.count(), VendorRating.objects.count(), uo.payable_idr)


@pytest.mark.parametrize("quantity", [21, -1])
def test_receipt_refuses_quantities_outside_what_was_ordered(w, delivered, quantity):
    snack = lines_of(delivered)[w.snack.pk]
    before = receipt_state(delivered)

    with pytest.raises(services.NotAllowed) as info:
        services.order_receive(unit_order=delivered, officer=w.officer, quantities={snack.pk: quantity})

    assert "20" in info.value.message
    assert receipt_state(delivered) == before


@pytest.mark.parametrize("rating", [0, 6])
def test_receipt_refuses_a_rating_outside_one_to_five(w, delivered, rating):
    before = receipt_state(delivered)

    with pytest.raises(services.NotAllowed):
        services.order_receive(unit_order=delivered, officer=w.officer, quantities={}, rating=rating)

    assert receipt_state(delivered) == before


@pytest.mark.parametrize("rating", [1, 5])
def test_receipt_keeps_ratings_one_to_five(w, delivered, rating):
    services.order_receive(unit_order=delivered, officer=w.officer, quantities={}, rating=rating)

    assert VendorRating.objects.get().score == rating


@pytest.mark.parametrize(
    "actor", ["ppk", "vendor", "other_officer", "other_ppk", "other_vendor", "anonymous"]
)
def test_receipt_is_signed_by_the_units_officer_only(w, people, delivered, actor):
    before = receipt_state(delivered)

    with pytest.raises(services.NotAllowed):
        services.order_receive(unit_order=delivered, officer=people[actor], quantities={})

    assert receipt_state(delivered) == before


@pytest.mark.parametrize("status", [s for s in STATUSES if s != "delivered"])
def test_receipt_needs_a_delivered_order(w, status):
    uo = order_in(w, status)
    before = receipt_state(uo)

    with pytest.raises(services.NotAllowed):
        services.order_receive(unit_order=uo, officer=w.officer, quantities={})

    assert receipt_state(uo) == before
