"""The budget line page and the list of lines: figures, ledger, and who may see them."""

import pytest
from django.urls import reverse

from marketplace.common.money import format_rupiah
from procurement.budgets.services import budget_realize
from procurement.ordering import services
from procurement.units.models import Membership
from tests.factories import BudgetLineFactory, UnitFactory
from tests.procurement.budgets.conftest import text_of, with_two_factor
from tests.procurement.ordering.world import PAGU, food_line, person_for, place, this_year

pytestmark = pytest.mark.django_db


def line_url(line):
    return reverse("budgets:line-detail", args=[line.pk])


@pytest.fixture
def spent(w):
    """Three orders of Rp 200.000 on the line: one paid Rp 150.000, one cancelled, one open."""
    paid, cancelled, open_ = place(w), place(w), place(w)
    budget_realize(line=w.line, order=paid.order, amount_idr=150_000, actor=w.officer, note="SP2D 0042")
    services.order_move(unit_order=cancelled, action="cancel", actor=w.officer)
    w.line.refresh_from_db()
    return paid, cancelled, open_


def test_line_page_shows_pagu_committed_realized_and_available_in_rupiah(client, w, spent):
    client.force_login(w.officer)

    html = client.get(line_url(w.line)).content.decode()

    # committed: 50.000 left of the paid order + 200.000 open; realized 150.000
    assert text_of(html, "line-pagu") == format_rupiah(PAGU) == "Rp 5.000.000"
    assert text_of(html, "line-committed") == "Rp 250.000"
    assert text_of(html, "line-realized") == "Rp 150.000"
    assert text_of(html, "line-available") == "Rp 4.600.000"


def test_line_page_lists_the_ledger_newest_first_with_kind_amount_order_link_actor_and_note(client, w, spent):
    paid, cancelled, open_ = spent
    client.force_login(w.officer)

    html = client.get(line_url(w.line)).content.decode()

    rows = html.split('ledger-entry" data-kind="')[1:]
    assert [r.split('"')[0] for r in rows] == [
        "release", "realize", "commit", "commit", "commit"
    ]  # fmt: skip
    assert "Rp 150.000" in rows[1] and "SP2D 0042" in rows[1] and "Rini Astuti" in rows[1]
    assert (
        f'href="{reverse("ordering:order-detail", args=[cancelled.pk])}">{cancelled.order.number}</a>'
        in rows[0]
    )
    assert f'href="{reverse("ordering:order-detail", args=[open_.pk])}">{open_.order.number}</a>' in rows[2]
    assert f">{paid.order.number}</a>" in rows[1] and f">{paid.order.number}</a>" in rows[4]


def test_ledger_is_paginated(client, w):
    for _ in range(13):  # 13 commits and 13 releases
        services.order_move(unit_order=place(w), action="cancel", actor=w.officer)
    client.force_login(w.officer)

    first = client.get(line_url(w.line)).content.decode()
    second = client.get(line_url(w.line), {"page": 2}).content.decode()

    assert first.count('ledger-entry" data-kind=') == 25
    assert second.count('ledger-entry" data-kind=') == 1
    assert "1 / 2" in first


def test_line_page_query_count_does_not_grow_with_the_ledger(client, w, django_assert_max_num_queries):
    for _ in range(12):
        place(w)
    client.force_login(w.officer)

    # About 15 are the layout's (session, user, permissions, basket, categories, menu)
    with django_assert_max_num_queries(22):
        assert client.get(line_url(w.line)).status_code == 200


@pytest.mark.parametrize("role", [Membership.Role.BUYER, Membership.Role.PPK, Membership.Role.TREASURER])
def test_every_role_of_the_unit_sees_its_line(client, w, role):
    person = with_two_factor(person_for(w.unit, role))
    client.force_login(person)

    assert client.get(line_url(w.line)).status_code == 200


def test_officer_of_another_unit_gets_404(client, w):
    other = person_for(UnitFactory(), Membership.Role.BUYER)
    client.force_login(other)

    assert client.get(line_url(w.line)).status_code == 404


def test_inactive_membership_no_longer_opens_the_line(client, w):
    Membership.objects.filter(user=w.officer).update(is_active=False)
    client.force_login(w.officer)

    assert client.get(line_url(w.line)).status_code == 404


def test_anonymous_visitor_is_sent_to_login(client, w):
    response = client.get(line_url(w.line))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_admin_sees_any_line_with_the_pagu_link_and_order_numbers_without_dead_links(
    reference_admin_client, w
):
    uo = place(w)

    response = reference_admin_client.get(line_url(w.line))
    html = response.content.decode()

    assert response.status_code == 200
    assert reverse("budgets:line-pagu", args=[w.line.pk]) in html
    assert f'<span class="ledger-order">{uo.order.number}</span>' in html
    assert reverse("ordering:order-detail", args=[uo.pk]) not in html  # Admin cannot open unit orders


def test_officer_sees_no_pagu_link(client, w):
    client.force_login(w.officer)

    assert reverse("budgets:line-pagu", args=[w.line.pk]) not in client.get(line_url(w.line)).content.decode()


# --- the list ------------------------------------------------------------------------------


@pytest.fixture
def two_years(w):
    year = this_year()
    second = food_line(w.unit, pagu_idr=3_000_000, sub_activity_code="2.16.01.2.06.0009")
    last_year = food_line(w.unit, pagu_idr=7_000_000, fiscal_year=year - 1)
    foreign = BudgetLineFactory(unit=UnitFactory(), fiscal_year=year, pagu_idr=99_000_000)
    place(w)  # Rp 200.000 committed on w.line
    return second, last_year, foreign


def test_list_shows_this_years_lines_of_my_unit_with_totals(client, w, two_years):
    second, last_year, foreign = two_years
    client.force_login(w.officer)

    html = client.get(reverse("budgets:line-list")).content.decode()

    assert f'id="line-{w.line.pk}"' in html and f'id="line-{second.pk}"' in html
    assert f'id="line-{last_year.pk}"' not in html
    assert f'id="line-{foreign.pk}"' not in html
    assert text_of(html, "total-pagu") == "Rp 8.000.000"
    assert text_of(html, "total-committed") == "Rp 200.000"
    assert text_of(html, "total-realized") == "Rp 0"
    assert text_of(html, "total-available") == "Rp 7.800.000"


def test_list_filters_by_fiscal_year_and_shows_all_years_on_request(client, w, two_years):
    second, last_year, foreign = two_years
    client.force_login(w.officer)

    previous = client.get(reverse("budgets:line-list"), {"year": this_year() - 1}).content.decode()
    every = client.get(reverse("budgets:line-list"), {"year": ""}).content.decode()

    assert f'id="line-{last_year.pk}"' in previous and f'id="line-{w.line.pk}"' not in previous
    assert text_of(previous, "total-pagu") == "Rp 7.000.000"
    assert text_of(every, "total-pagu") == "Rp 15.000.000"
    assert f'id="line-{foreign.pk}"' not in every


def test_admin_list_shows_every_units_lines_and_the_import_link(reference_admin_client, w, two_years):
    second, last_year, foreign = two_years

    html = reference_admin_client.get(reverse("budgets:line-list")).content.decode()

    assert f'id="line-{w.line.pk}"' in html and f'id="line-{foreign.pk}"' in html
    assert reverse("budgets:line-import") in html


def test_person_without_a_unit_sees_an_empty_list_that_says_why(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())

    response = client.get(reverse("budgets:line-list"))

    assert response.status_code == 200
    assert 'id="no-lines"' in response.content.decode()


def test_list_query_count_is_fixed(client, w, django_assert_max_num_queries):
    for n in range(15):
        food_line(w.unit, sub_activity_code=f"9.99.01.2.06.{n:04d}")
    client.force_login(w.officer)

    # The layout's ~16 plus years, units, totals, count, the page of lines
    with django_assert_max_num_queries(24):
        assert client.get(reverse("budgets:line-list")).status_code == 200
