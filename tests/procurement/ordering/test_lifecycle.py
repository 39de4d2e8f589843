"""The order's life is one table (procurement.ordering.lifecycle) that everything else reads."""

import re
from pathlib import Path

from django.conf import settings

from procurement.ordering import lifecycle
from procurement.ordering.lifecycle import Actor, Budget, OrderStatus, Party

S = OrderStatus
BASE_DIR = Path(settings.BASE_DIR)


def test_oscars_pipeline_is_the_table():
    assert settings.OSCAR_ORDER_STATUS_PIPELINE == lifecycle.oscar_pipeline()
    assert settings.OSCAR_INITIAL_ORDER_STATUS == S.AWAITING_VENDOR
    for move in lifecycle.MOVES:
        for source in move.sources:
            assert move.target in settings.OSCAR_ORDER_STATUS_PIPELINE[source]


def test_end_statuses_have_no_way_out_and_every_status_is_reachable():
    pipeline = lifecycle.oscar_pipeline()
    for end in lifecycle.END_STATUSES:
        assert pipeline[end] == ()
    reached = {m.target for m in lifecycle.MOVES}
    assert reached == set(S)


def test_the_budget_effect_and_the_people_told_of_each_move():
    table = {(m.action, m.target): (m.who, m.budget, set(m.tell), m.reason_required) for m in lifecycle.MOVES}
    assert table == {
        ("place", S.AWAITING_VENDOR): (Actor.BUYER, Budget.COMMIT, {Party.OFFICER, Party.VENDOR}, False),
        ("place", S.PENDING_APPROVAL): (Actor.BUYER, Budget.COMMIT, {Party.OFFICER, Party.PPK}, False),
        ("approve", S.AWAITING_VENDOR): (Actor.PPK, Budget.NONE, {Party.OFFICER, Party.VENDOR}, False),
        ("reject_approval", S.CANCELLED): (Actor.PPK, Budget.RELEASE, {Party.OFFICER}, True),
        ("confirm", S.CONFIRMED): (Actor.VENDOR, Budget.NONE, {Party.OFFICER}, False),
        ("decline", S.DECLINED): (Actor.VENDOR, Budget.RELEASE, {Party.OFFICER}, True),
        ("cancel", S.CANCELLED): (Actor.BUYER, Budget.RELEASE, {Party.OFFICER, Party.VENDOR}, False),
        ("cancel_confirmed", S.CANCELLED): (Actor.BUYER, Budget.RELEASE, {Party.OFFICER, Party.VENDOR}, True),
        ("deliver", S.DELIVERED): (Actor.VENDOR, Budget.NONE, {Party.OFFICER}, False),
        ("expire", S.EXPIRED): (Actor.SYSTEM, Budget.RELEASE, {Party.OFFICER, Party.VENDOR}, False),
        ("receive", S.RECEIVED): (
            Actor.BUYER,
            Budget.RELEASE_UNRECEIVED,
            {Party.VENDOR, Party.TREASURER},
            False,
        ),
        ("pay", S.PAID): (Actor.TREASURER, Budget.REALIZE, {Party.VENDOR, Party.OFFICER}, False),
        ("refund", S.RECEIVED): (Actor.ADMIN, Budget.UNREALIZE, {Party.VENDOR, Party.TREASURER}, True),
    }


def test_every_move_that_ends_an_order_releases_its_budget():
    for move in lifecycle.MOVES:
        if move.target in lifecycle.END_STATUSES:
            assert move.budget == Budget.RELEASE, move.action


# Status codes written as strings ("received", 'awaiting_vendor', ?status=pending_approval) anywhere
# but the table and the migrations would be a second copy of the table.
STATUS_LITERAL = re.compile(
    r"""(?<!_\()["'=](pending_approval|awaiting_vendor|confirmed|delivered|received|declined|cancelled|expired)["'&\s]"""
)


def test_no_order_status_is_written_as_a_string_outside_the_table():
    offenders = []
    for folder in ("marketplace", "vendors", "procurement", "templates", "config"):
        for path in (BASE_DIR / folder).rglob("*"):
            if path.suffix not in {".py", ".html", ".txt"} or "migrations" in path.parts:
                continue
            if path.name == "lifecycle.py" or "stripe" in path.name:
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if STATUS_LITERAL.search(line) and "session." not in line:  # Stripe's own statuses
                    offenders.append(f"{path.relative_to(BASE_DIR)}:{n}: {line.strip()}")
    assert offenders == []
