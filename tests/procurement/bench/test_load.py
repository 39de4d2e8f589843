"""The load test's pieces that run without servers: the simulated people's accounts (one each,
reused on a rerun, with the run's password), what they may order and pay, locust's figures,
and the budget reconciliation after the run."""

import pytest
from django.contrib.auth import get_user_model

from procurement.bench.load import plan as load_plan
from procurement.bench.load.reconcile import budget_reconciliation
from procurement.bench.load.run import LoadResult, Row, stats_read
from procurement.budgets.models import BudgetLine
from procurement.units.models import Membership
from tests.procurement.ordering.world import food_line, place
from tests.procurement.settlement.world import received

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_the_mix_has_every_kind_of_person_and_adds_up():
    counts = load_plan.mix_for(50)
    assert counts == {"officers": 15, "msmes": 6, "treasurers": 5, "analysts": 4, "anonymous": 20}
    assert sum(load_plan.mix_for(7).values()) == 7
    assert min(load_plan.mix_for(5).values()) == 1


@pytest.fixture
def world():
    pw = received()  # a unit with an unpaid invoice, its Bendahara, an MSME selling a snack box
    food_line(pw.w.unit, pagu_idr=100_000_000, sub_activity_code="9.99.01")  # room for the load
    return pw


def test_every_simulated_user_gets_an_account_of_its_own(world):
    plan = load_plan.plan_build(users=5)

    emails = [
        a.email for kind in ("officers", "msmes", "treasurers", "analysts") for a in getattr(plan, kind)
    ]
    assert len(emails) == len(set(emails)) == 4
    officer = User.objects.get(email=plan.officers[0].email)
    assert officer.check_password(plan.password)
    assert Membership.objects.filter(user=officer, unit=world.w.unit, role=Membership.Role.BUYER).exists()
    assert officer.has_perm("accounts.place_orders")
    line = BudgetLine.objects.get(pk=plan.officers[0].budget_line)
    assert line.unit == world.w.unit and line.available_idr >= 50_000_000
    treasurer = User.objects.get(email=plan.treasurers[0].email)
    assert treasurer != world.treasurer  # its own account, not the unit's real Bendahara
    assert Membership.objects.filter(
        user=treasurer, unit=world.w.unit, role=Membership.Role.TREASURER
    ).exists()
    # The MSME whose invoice waits in that unit: its owner, with the run's password.
    assert plan.msmes[0].email == world.w.vendor_user.email
    assert User.objects.get(email=plan.msmes[0].email).check_password(plan.password)
    assert User.objects.get(email=plan.analysts[0].email).has_perm("accounts.view_msme_statistics")
    # What officers order passes checkout's rules: the snack box within the SSH, not the meal above 22,000.
    assert {o.product for o in plan.offers} <= {world.w.snack.pk, world.w.meal.pk}
    assert world.w.snack.pk in {o.product for o in plan.msme_offers}
    assert plan.days and plan.today


def test_a_rerun_reuses_the_accounts_with_a_new_password(world):
    first = load_plan.plan_build(users=5)
    users = User.objects.count()
    second = load_plan.plan_build(users=5)

    assert User.objects.count() == users
    assert second.password != first.password
    assert User.objects.get(email=second.officers[0].email).check_password(second.password)


def test_a_unit_without_unpaid_invoices_cannot_host_the_bendahara():
    with pytest.raises(load_plan.PlanError, match="unpaid invoices"):
        load_plan.plan_build(users=5)


def test_reconciliation_finds_no_drift_after_real_orders_and_finds_a_tampered_line(world):
    place(world.w)
    clean = budget_reconciliation()
    assert clean.ok and clean.drifts == [] and clean.overspent == 0
    assert clean.lines == BudgetLine.objects.count() and clean.entries > 0

    BudgetLine.objects.filter(pk=world.w.line.pk).update(committed_idr=1)
    drifted = budget_reconciliation()
    assert not drifted.ok
    assert [d.line.pk for d in drifted.drifts] == [world.w.line.pk]
    assert drifted.as_json()["drift"] == 1


STATS = """Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,anonymous: listing,120,0,45,50.2,20,300,30000,1.0,0.0,45,50,55,60,80,110,150,200,300,300,300
POST,officer: checkout (place order),30,1,120,130.0,80,400,20000,0.25,0.01,120,130,140,150,200,250,300,400,400,400,400
,Aggregated,150,1,50,66.1,20,400,28000,1.25,0.01,50,60,70,80,120,180,250,320,400,400,400
"""  # noqa: E501  (locust's header, as it writes it)


def test_locust_figures_are_read_per_kind_and_in_total(world):
    rows, total = stats_read(STATS)

    assert [r.name for r in rows] == ["anonymous: listing", "officer: checkout (place order)"]
    assert (rows[1].requests, rows[1].failures, rows[1].p95_ms, rows[1].p99_ms) == (30, 1, 250, 400)
    assert (total.requests, total.failures, total.median_ms, total.p95_ms) == (150, 1, 50, 180)
    result = LoadResult(
        users=50, seconds=120, rows=rows, total=total, failures=[], reconciliation=budget_reconciliation()
    )
    assert result.errors == 1 and not result.met  # one failed request misses the goal
    result.total = Row("Aggregated", 150, 0, 50, 180, 320, 1.25)
    assert result.met
    result.total = Row("Aggregated", 150, 0, 50, 250, 320, 1.25)
    assert not result.met  # p95 above 200 ms
