"""Admin imports DPA lines from a CSV file: all rows or none, every rejected row with its reason,
and a bad file changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from procurement.budgets.models import BudgetLine
from procurement.units.models import Membership
from tests.factories import BudgetAccountFactory, UnitFactory
from tests.procurement.budgets.conftest import with_two_factor
from tests.procurement.ordering.world import person_for

pytestmark = pytest.mark.django_db

URL = "/anggaran/impor/"
HEADER = "unit_code,fiscal_year,sub_activity_code,sub_activity_name,account_code,pagu_idr\n"
MEETINGS = "Penyelenggaraan Rapat Koordinasi dan Konsultasi SKPD"


@pytest.fixture
def city():
    setda = UnitFactory(code="SETDA", name="Sekretariat Daerah Kota Semarang", short_name="Setda")
    dinkes = UnitFactory(code="DINKES", name="Dinas Kesehatan", short_name="Dinkes")
    BudgetAccountFactory(code="5.1.02.01.01.0052", name="Belanja Makanan dan Minuman Rapat")
    BudgetAccountFactory(code="5.1.02.01.01.0053", name="Belanja Makanan dan Minuman Jamuan Tamu")
    return setda, dinkes


def upload(client, content, name="dpa-2026.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def rejected_rows(response) -> dict[int, str]:
    """Row number → reason, as the page lists them."""
    html = response.content.decode()
    rows = {}
    for chunk in html.split('class="import-error" data-row="')[1:]:
        number = int(chunk.split('"')[0])
        rows[number] = chunk.split("</td><td>")[1].split("</td>")[0]
    return rows


def test_reverse_name_is_budgets_line_import():
    assert reverse("budgets:line-import") == URL


def test_good_file_creates_the_lines_and_says_how_many(reference_admin_client, city):
    setda, dinkes = city
    csv = (
        HEADER
        + f"SETDA,2026,4.01.01.2.06.0009,{MEETINGS},5.1.02.01.01.0052,150000000\n"
        + f"SETDA,2026,4.01.01.2.06.0009,{MEETINGS},5.1.02.01.01.0053,250.000.000\n"
        + '"DINKES",2026,1.02.01.2.06.0009,"Rapat, Koordinasi",5.1.02.01.01.0052,75000000\n'
    )

    response = upload(reference_admin_client, csv)

    assert response.status_code == 302
    assert response["Location"] == reverse("budgets:line-list")
    lines = {
        (line.unit.code, line.account.code): line
        for line in BudgetLine.objects.select_related("unit", "account")
    }
    assert len(lines) == 3
    assert lines[("SETDA", "5.1.02.01.01.0052")].pagu_idr == 150_000_000
    assert lines[("SETDA", "5.1.02.01.01.0053")].pagu_idr == 250_000_000
    assert lines[("DINKES", "5.1.02.01.01.0052")].sub_activity_name == "Rapat, Koordinasi"
    followed = reference_admin_client.get(response["Location"]).content.decode()
    said = _("Budget lines imported: %(created)s new, %(updated)s updated.") % {"created": 3, "updated": 0}
    assert said in followed


def test_second_upload_updates_pagu_and_name(reference_admin_client, city):
    upload(
        reference_admin_client,
        HEADER + f"SETDA,2026,4.01.01.2.06.0009,{MEETINGS},5.1.02.01.01.0052,150000000\n",
    )

    upload(
        reference_admin_client,
        HEADER + "SETDA,2026,4.01.01.2.06.0009,Rapat Pimpinan,5.1.02.01.01.0052,180000000\n",
    )

    line = BudgetLine.objects.get()
    assert (line.pagu_idr, line.sub_activity_name) == (180_000_000, "Rapat Pimpinan")


def test_file_with_bad_rows_lists_each_row_with_its_reason_and_creates_nothing(reference_admin_client, city):
    csv = (
        HEADER
        + f"SETDA,2026,4.01.01.2.06.0009,{MEETINGS},5.1.02.01.01.0052,150000000\n"  # 2: good
        + f"DINSOSX,2026,4.01.01.2.06.0009,{MEETINGS},5.1.02.01.01.0052,1000000\n"  # 3: unknown unit
        + f"SETDA,2026,4.01.01.2.06.0009,{MEETINGS},5.1.02.99.99.9999,1000000\n"  # 4: unknown account
        + f"SETDA,dua ribu,4.01.01.2.06.0009,{MEETINGS},5.1.02.01.01.0053,1000000\n"  # 5: bad year
        + f"DINKES,2026,1.02.01.2.06.0009,{MEETINGS},5.1.02.01.01.0052,-5000000\n"  # 6: negative pagu
        + f"SETDA,2026,4.01.01.2.06.0009,{MEETINGS},5.1.02.01.01.0052,150000000\n"  # 7: duplicate of 2
    )

    response = upload(reference_admin_client, csv)

    assert response.status_code == 400
    rows = rejected_rows(response)
    assert sorted(rows) == [3, 4, 5, 6, 7]
    assert rows[3] == _("unknown unit code “%s”") % "DINSOSX"
    assert rows[4] == _("unknown account code “%s”") % "5.1.02.99.99.9999"
    assert rows[5] == _("fiscal year must be a year like 2026")
    assert rows[6] == _("pagu must be a whole number of rupiah, not negative")
    assert rows[7] == _("duplicate of an earlier row")
    assert BudgetLine.objects.count() == 0
    assert 'id="import-rejected"' in response.content.decode()


def test_missing_columns_are_reported_on_the_header_row(reference_admin_client, city):
    response = upload(reference_admin_client, "unit_code,fiscal_year,pagu_idr\nSETDA,2026,1000\n")

    assert response.status_code == 400
    rows = rejected_rows(response)
    assert list(rows) == [1]
    assert "sub_activity_code" in rows[1] and "account_code" in rows[1]
    assert BudgetLine.objects.count() == 0


def test_lowering_an_existing_pagu_below_its_use_imports_nothing(reference_admin_client, city, w):
    from tests.procurement.ordering.world import place

    place(w)  # Rp 200.000 committed on w.line
    line = w.line
    csv = (
        HEADER
        + f"SETDA,2026,4.01.01.2.06.0009,{MEETINGS},5.1.02.01.01.0052,150000000\n"
        + f"{line.unit.code},{line.fiscal_year},{line.sub_activity_code},x,{line.account.code},100000\n"
    )

    response = upload(reference_admin_client, csv)

    assert response.status_code == 400
    assert "Rp 200.000" in response.content.decode()
    line.refresh_from_db()
    assert line.pagu_idr == 5_000_000 and line.sub_activity_name != "x"
    assert not BudgetLine.objects.filter(unit__code="SETDA").exists()


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("dpa.xlsx", HEADER + "SETDA,2026,1,x,5.1.02.01.01.0052,1\n", "not_csv"),
        ("dpa.csv", (HEADER + "SETDA,2026,1,Rapat Kepala Bagian Umum,5.1.02.01.01.0052,1\n").encode("cp1252")
         + "Pertemuan – Café\n".encode("cp1252"), "not_utf8"),
        ("dpa.csv", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "binary"),
        ("dpa.csv", b"", "empty"),
    ],
)  # fmt: skip
def test_bad_file_is_refused_with_a_message_and_changes_nothing(
    reference_admin_client, city, name, content, code
):
    response = upload(reference_admin_client, content, name=name)

    assert response.status_code == 400
    errors = response.context["form"].errors.as_data()["file"]
    assert [e.code for e in errors] == [code] or (code == "empty" and errors)
    assert 'role="alert"' in response.content.decode()
    assert BudgetLine.objects.count() == 0


def test_file_over_two_megabytes_is_refused(reference_admin_client, city):
    row = f"SETDA,2026,4.01.01.2.06.0009,{MEETINGS},5.1.02.01.01.0052,150000000\n"
    big = HEADER + row * (2 * 1024 * 1024 // len(row) + 10)

    response = upload(reference_admin_client, big)

    assert response.status_code == 400
    assert [e.code for e in response.context["form"].errors.as_data()["file"]] == ["too_large"]
    assert BudgetLine.objects.count() == 0


def test_page_documents_the_columns(reference_admin_client):
    html = reference_admin_client.get(URL).content.decode()

    for column in (
        "unit_code",
        "fiscal_year",
        "sub_activity_code",
        "sub_activity_name",
        "account_code",
        "pagu_idr",
    ):
        assert f"<code>{column}</code>" in html


def test_officer_may_not_import(client, city):
    officer = person_for(city[0], Membership.Role.BUYER)
    client.force_login(officer)

    response = upload(client, HEADER + f"SETDA,2026,4.01.01.2.06.0009,{MEETINGS},5.1.02.01.01.0052,1\n")

    assert response.status_code == 403
    assert BudgetLine.objects.count() == 0


def test_ppk_may_not_open_the_import_page(client, city):
    ppk = with_two_factor(person_for(city[0], Membership.Role.PPK))
    client.force_login(ppk)

    assert client.get(URL).status_code == 403


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
