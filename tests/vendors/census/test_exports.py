"""Exports of the census: masked personal data without the permission, no formula cell ever,
flat memory at 20,000 rows, every export logged."""

import csv
import io
import tracemalloc
import zipfile
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from openpyxl import load_workbook

from tests.factories import UserFactory
from tests.vendors.census.helpers import nik, record
from vendors.census import exports
from vendors.census.models import ExportLog
from vendors.census.selectors import (
    CensusFilter,
    by_sector,
    census_export_count,
    census_export_rows,
    census_table_rows,
)
from vendors.census.services import CensusRefused, census_export_log, census_personal_data_allowed

pytestmark = pytest.mark.django_db

NIK = nik(kecamatan=1, birth=date(1985, 8, 12), female=True, serial=1)
FORMULAS = ('=HYPERLINK("http://x","klik")', "+62 812", "-1+1", "@SUM(A1)", "=1+1")


@pytest.fixture
def records(semarang):
    record(
        nik=NIK,
        business_name='=HYPERLINK("http://x","klik")',
        owner_name="Sri Wahyuni",
        phone="+6281226501101",
        address="Jl. Gang Lombok No. 11",
        owner_birth_date=date(1985, 8, 12),
        owner_gender="P",
        kecamatan=semarang["Semarang Tengah"],
        sector="kuliner",
        source_reference="@SUM(A1)",
    )
    record(nik=nik(serial=2), business_name="-1+1", owner_name="Budi", address="+62 812")


def exported(with_personal_data: bool) -> list[list]:
    return list(census_export_rows(CensusFilter(), with_personal_data=with_personal_data))


def test_without_the_permission_nik_phone_address_and_name_are_masked(records):
    header, first, _second = exported(False)
    row = dict(zip(header, first, strict=True))

    assert row["NIK"] == "3374••••••••0001"
    assert NIK not in "".join(str(v) for v in first)
    assert row["Telepon"] == "+628•••••••101" and "26501" not in row["Telepon"]
    assert row["Alamat"] == "••••••••" and row["Pemilik"] == "S. W."
    assert row["Tanggal lahir"] is None and row["Kelompok umur"] == "35-44"


def test_with_the_permission_the_personal_data_is_there(records):
    header, first, _second = exported(True)
    row = dict(zip(header, first, strict=True))

    assert (row["NIK"], row["Telepon"], row["Alamat"], row["Pemilik"]) == (
        NIK,
        "+6281226501101",
        "Jl. Gang Lombok No. 11",
        "Sri Wahyuni",
    )


def test_no_unmasked_nik_in_a_masked_csv_or_xlsx(records):
    csv_bytes = b"".join(exports.export_csv(exported(False)))
    xlsx_bytes = b"".join(exports.export_xlsx(exported(False)))

    assert NIK.encode() not in csv_bytes
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes)) as archive:
        for name in archive.namelist():
            assert NIK.encode() not in archive.read(name)


def test_no_xlsx_cell_is_a_formula_whatever_the_text_starts_with(records):
    xlsx = b"".join(exports.export_xlsx(exported(True)))

    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    workbook = load_workbook(io.BytesIO(xlsx))
    cells = [c for row in workbook.active.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if c.data_type == "s"}
    for text in FORMULAS[:1] + ("-1+1", "@SUM(A1)", "+62 812"):
        assert text in texts  # kept as the characters typed, as text


def test_a_csv_cell_starting_like_a_formula_is_prefixed_with_an_apostrophe(records):
    text = b"".join(exports.export_csv(exported(True))).decode("utf-8-sig")
    values = {v for row in csv.reader(io.StringIO(text)) for v in row}

    assert '\'=HYPERLINK("http://x","klik")' in values and "'-1+1" in values and "'@SUM(A1)" in values
    assert not [v for v in values if v.startswith(("=", "+", "-", "@"))]


def test_numbers_and_dates_stay_numbers_and_dates_in_xlsx(records):
    xlsx = b"".join(exports.export_xlsx([["Modal", "Sejak"], [45_000_000, date(2024, 1, 15)]]))

    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet["A2"].value == 45_000_000 and sheet["A2"].data_type == "n"
    assert sheet["B2"].value.date() == date(2024, 1, 15)


def test_a_dashboard_table_exports_with_its_headings(records):
    rows = list(census_table_rows(by_sector(CensusFilter())))

    assert rows[0] == ["Kode", "Nama", "UMKM", "Bagian"]
    assert (rows[1][0], rows[1][2], rows[1][3]) == ("kuliner", 1, 50.0)  # share in percent


def test_export_memory_stays_flat_at_twenty_thousand_rows():
    def rows(n):
        yield ["NIK", "Nama usaha", "Modal", "Kecamatan"]
        for i in range(n):
            yield [f"3374••••••••{i % 10000:04d}", f"Usaha {i}", 10_000_000 + i, "Semarang Tengah"]

    def peak(n):
        tracemalloc.start()
        for _chunk in exports.export_xlsx(rows(n)):
            pass
        for _chunk in exports.export_csv(rows(n)):
            pass
        result = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return result

    small, large = peak(2_000), peak(20_000)

    assert large < 3 * small + 2_000_000  # ten times the rows, not ten times the memory
    assert large < 20 * 1024 * 1024


def test_every_export_is_logged_and_personal_data_needs_the_permission(records, analyst):
    clerk = UserFactory()
    clerk_with_export = UserFactory()
    clerk_with_export.user_permissions.add(Permission.objects.get(codename="export_msme_data"))
    f = CensusFilter(year=2025, sector="kuliner")

    log = census_export_log(
        user=analyst,
        what="register",
        filter_params=f.params(),
        with_personal_data=True,
        row_count=census_export_count(f),
        file_format="xlsx",
    )
    with pytest.raises(CensusRefused):
        census_export_log(
            user=clerk,
            what="register",
            filter_params={},
            with_personal_data=False,
            row_count=0,
            file_format="csv",
        )
    with pytest.raises(CensusRefused, match="data pribadi"):
        census_export_log(
            user=clerk_with_export,
            what="register",
            filter_params={},
            with_personal_data=True,
            row_count=0,
            file_format="csv",
        )

    assert (log.user, log.filter, log.with_personal_data, log.file_format) == (
        analyst,
        {"year": "2025", "sector": "kuliner"},
        True,
        "xlsx",
    )
    assert ExportLog.objects.count() == 1
    assert census_personal_data_allowed(analyst) and not census_personal_data_allowed(clerk_with_export)
