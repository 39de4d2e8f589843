"""Admin changes a line's pagu through budget_line_set_pagu; never below what is used."""

import pytest
from django.urls import reverse

from procurement.budgets.services import budget_realize
from tests.procurement.budgets.conftest import text_of
from tests.procurement.ordering.world import place

pytestmark = pytest.mark.django_db


def pagu_url(line):
    return reverse("budgets:line-pagu", args=[line.pk])


def test_url_is_under_anggaran(w):
    assert pagu_url(w.line) == f"/anggaran/{w.line.pk}/pagu/"


def test_admin_raises_the_pagu_typed_with_thousand_dots(reference_admin_client, w):
    response = reference_admin_client.post(pagu_url(w.line), {"pagu_idr": "Rp 7.500.000"})

    assert response.status_code == 302
    assert response["Location"] == reverse("budgets:line-detail", args=[w.line.pk])
    w.line.refresh_from_db()
    assert w.line.pagu_idr == 7_500_000


def test_lowering_below_committed_and_realized_is_refused_with_the_amount_and_changes_nothing(
    reference_admin_client, w
):
    paid = place(w)
    place(w)  # still open: Rp 200.000 committed
    budget_realize(line=w.line, order=paid.order, amount_idr=200_000)
    w.line.refresh_from_db()
    before = (w.line.pagu_idr, w.line.committed_idr, w.line.realized_idr)

    response = reference_admin_client.post(pagu_url(w.line), {"pagu_idr": "399999"})

    assert response.status_code == 400
    assert "Rp 400.000" in text_of(response.content.decode(), "pagu-form")
    w.line.refresh_from_db()
    assert (
        (w.line.pagu_idr, w.line.committed_idr, w.line.realized_idr)
        == before
        == (5_000_000, 200_000, 200_000)
    )


def test_lowering_to_exactly_what_is_used_is_allowed(reference_admin_client, w):
    place(w)

    reference_admin_client.post(pagu_url(w.line), {"pagu_idr": "200000"})

    w.line.refresh_from_db()
    assert w.line.pagu_idr == 200_000 and w.line.available_idr == 0


@pytest.mark.parametrize("value", ["-1", "lima juta", "1,5", ""])
def test_bad_amount_is_refused_and_changes_nothing(reference_admin_client, w, value):
    response = reference_admin_client.post(pagu_url(w.line), {"pagu_idr": value})

    assert response.status_code == 400
    w.line.refresh_from_db()
    assert w.line.pagu_idr == 5_000_000


def test_officer_of_the_unit_may_not_change_the_pagu(client, w):
    client.force_login(w.officer)

    assert client.post(pagu_url(w.line), {"pagu_idr": "90000000"}).status_code == 403
    w.line.refresh_from_db()
    assert w.line.pagu_idr == 5_000_000


def test_form_shows_the_current_pagu(reference_admin_client, w):
    html = reference_admin_client.get(pagu_url(w.line)).content.decode()

    assert text_of(html, "line-pagu") == "Rp 5.000.000"
