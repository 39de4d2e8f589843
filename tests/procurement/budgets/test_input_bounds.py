"""One bound for a pagu, wherever it is set: the pagu form, the DPA import and the service all
refuse more than PAGU_MAX_IDR (Rp 1.000.000.000.000.000) with a message, and change nothing.
The list's filters ignore what cannot be a year or a unit, and say so."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procurement.budgets.models import BudgetLine
from procurement.budgets.services import PAGU_MAX_IDR, BudgetError, budget_line_set_pagu, budget_lines_import
from tests.factories import BudgetAccountFactory, UnitFactory
from tests.procurement.budgets.test_import_page import HEADER, MEETINGS, rejected_rows

pytestmark = pytest.mark.django_db

LIMIT_TEXT = "Rp 1.000.000.000.000.000"


@pytest.fixture
def setda():
    BudgetAccountFactory(code="5.1.02.01.01.0052", name="Belanja Makanan dan Minuman Rapat")
    return UnitFactory(code="SETDA", short_name="Setda")


def row(pagu) -> str:
    return f"SETDA,2026,4.01.01.2.06.0009,{MEETINGS},5.1.02.01.01.0052,{pagu}\n"


def test_the_bound_is_one_quadrillion_rupiah():
    assert PAGU_MAX_IDR == 10**15


@pytest.mark.parametrize("pagu", [str(2**63), str(10**30), str(10**16), "10.000.000.000.000.000"])
def test_import_rejects_a_row_above_the_bound_and_imports_nothing(reference_admin_client, setda, pagu):
    good = row(150_000_000).replace("0009", "0010")
    csv = HEADER + good + row(pagu)

    response = reference_admin_client.post(
        "/anggaran/impor/", {"file": SimpleUploadedFile("dpa.csv", csv.encode(), content_type="text/csv")}
    )

    assert response.status_code == 400
    assert rejected_rows(response) == {3: f"pagu melebihi batas {LIMIT_TEXT}"}
    assert not BudgetLine.objects.exists()  # all or nothing: the good row is not imported either


def test_import_accepts_exactly_the_bound(setda):
    report = budget_lines_import(text=HEADER + row(PAGU_MAX_IDR))

    assert (report.ok, report.created) == (True, 1)
    assert BudgetLine.objects.get().pagu_idr == PAGU_MAX_IDR


@pytest.mark.parametrize("value", [str(10**16), str(2**63), str(10**30), "Rp 1.000.000.000.000.001"])
def test_pagu_form_refuses_above_the_bound_with_the_same_limit(reference_admin_client, w, value):
    response = reference_admin_client.post(
        reverse("budgets:line-pagu", args=[w.line.pk]), {"pagu_idr": value}
    )

    assert response.status_code == 400
    assert f"Pagu harus antara Rp 0 dan {LIMIT_TEXT}." in response.content.decode()
    w.line.refresh_from_db()
    assert w.line.pagu_idr == 5_000_000


def test_the_service_refuses_above_the_bound_too(w):
    with pytest.raises(BudgetError) as refused:
        budget_line_set_pagu(line=w.line, pagu_idr=PAGU_MAX_IDR + 1)

    assert LIMIT_TEXT in refused.value.message
    w.line.refresh_from_db()
    assert w.line.pagu_idr == 5_000_000


@pytest.mark.parametrize(
    "params", [{"year": str(2**64)}, {"year": "abc", "unit": "-1"}, {"page": str(10**18)}]
)
def test_line_list_ignores_impossible_filters_and_still_lists_the_lines(client, w, params):
    client.force_login(w.officer)

    response = client.get(reverse("budgets:line-list"), params)

    assert response.status_code == 200
    assert [line.pk for line in response.context["lines"]] == [w.line.pk]
    if "year" in params:
        assert "Filter “Tahun anggaran” diabaikan" in response.content.decode()
