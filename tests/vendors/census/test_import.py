"""Importing a register (Gerai Kopimi, IUMK) into the census: every reject reason with its line,
good rows taken, idempotence, matching by NIK then NIB, CSV and XLSX, 20,000 rows."""

import io
import time
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from tests.factories import VendorFactory
from tests.vendors.census.helpers import csv_file, nik, record, row
from vendors.census.importer import ImportRefused, census_import
from vendors.census.models import CensusRecord, SizeClass, SizeClassChange

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[3] / "vendors" / "census" / "samples"
TODAY = date(2026, 12, 1)


def run(rows, **kwargs):
    kwargs.setdefault("today", TODAY)
    return census_import(file=csv_file(rows), **kwargs)


def reasons(report) -> dict[int, str]:
    return {r.line: r.reason for r in report.rejected}


# --- Reject reasons, one by one -------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, expected",
    [
        pytest.param({"nik": "3374015208"}, "NIK harus 16 angka", id="nik-short"),
        pytest.param({"nik": "3374AB5208850001"}, "NIK", id="nik-letters"),
        pytest.param({"nik": "3374991208850001"}, "tidak ada di Kota Semarang", id="nik-unknown-kecamatan"),
        pytest.param({"nik": "3374019913850001"}, "tanggal lahir", id="nik-bad-birth-date"),
        pytest.param({"nib": "91203"}, "NIB", id="nib-short"),
        pytest.param({"nik": "", "nib": ""}, "NIK maupun NIB", id="no-nik-no-nib"),
        pytest.param({"business_name": "  "}, "nama usaha", id="no-business-name"),
        pytest.param({"kecamatan": "Semarang Tenggara"}, "kecamatan tidak dikenal", id="unknown-kecamatan"),
        pytest.param({"kelurahan": "Kampung Antah"}, "kelurahan tidak dikenal", id="unknown-kelurahan"),
        pytest.param(
            {"kelurahan": "Bandarharjo"},
            "tidak terletak di kecamatan Semarang Tengah",
            id="kelurahan-elsewhere",
        ),
        pytest.param({"kecamatan": "", "kelurahan": ""}, "kecamatan tidak diisi", id="no-kecamatan"),
        pytest.param(
            {"kecamatan": "", "kelurahan": "Purwosari"}, "beberapa kelurahan", id="ambiguous-kelurahan"
        ),
        pytest.param({"capital_idr": "lima puluh juta"}, "capital_idr", id="capital-words"),
        pytest.param({"capital_idr": "-5000000"}, "capital_idr", id="capital-negative"),
        pytest.param({"annual_sales_idr": "1,5"}, "annual_sales_idr", id="sales-decimal"),
        pytest.param({"employees": "tiga"}, "employees", id="employees-words"),
        pytest.param({"phone": "12345"}, "nomor telepon", id="bad-phone"),
        pytest.param({"sector": "tekstil"}, "sektor tidak dikenal", id="unknown-sector"),
        pytest.param({"source": "platform"}, "sumber tidak dikenal", id="source-platform"),
        pytest.param({"registered_on": "kemarin"}, "registered_on", id="bad-date"),
        pytest.param({"registered_on": "2031-01-01"}, "registered_on", id="future-date"),
    ],
)
def test_each_bad_row_is_rejected_with_its_line_and_reason_in_indonesian(semarang, values, expected):
    report = run([row(nik=nik(serial=1), nib="9120300000012"), row(**{"nik": nik(serial=2), **values})])

    assert report.created == 1
    assert list(reasons(report)) == [3]
    assert expected.lower() in reasons(report)[3].lower()
    assert CensusRecord.objects.count() == 1


def test_a_nik_or_nib_twice_in_the_file_rejects_the_later_line(semarang):
    report = run(
        [
            row(nik=nik(serial=1), nib="9120300000012"),
            row(nik=nik(serial=1), business_name="Cabang"),
            row(nik=nik(serial=3), nib="9120300000012"),
        ]
    )

    assert reasons(report) == {3: "NIK sama dengan baris 2", 4: "NIB sama dengan baris 2"}
    assert CensusRecord.objects.get().business_name == "Lumpia Bu Sri"


def test_a_row_with_several_problems_names_them_all(semarang):
    report = run([row(nik="123", business_name="", capital_idr="banyak")])

    reason = reasons(report)[2]
    assert "NIK" in reason and "nama usaha" in reason and "capital_idr" in reason


def test_a_rejected_reason_never_repeats_the_nik(semarang):
    report = run([row(nik="3374991208850001")])

    assert "3374991208850001" not in reasons(report)[2]


def test_a_file_without_the_needed_columns_is_refused_whole(semarang):
    with pytest.raises(ImportRefused, match="business_name"):
        census_import(file=csv_file([{"nik": nik()}], header=("nik", "kecamatan")), today=TODAY)
    assert not CensusRecord.objects.exists()


def test_an_empty_file_is_refused(semarang):
    empty = io.BytesIO(b"")
    empty.name = "kosong.csv"
    with pytest.raises(ImportRefused):
        census_import(file=empty, today=TODAY)


# --- What is stored -------------------------------------------------------------------------------


def test_a_good_row_is_stored_in_normal_form_with_gender_and_birth_date_from_the_nik(semarang, kelurahan):
    run(
        [
            row(
                nik="3374 0152 0885 0001",
                nib="912.0300.0000.12",
                phone="0812-2650-1101",
                capital_idr="Rp 45.000.000",
                annual_sales_idr="360,000,000",
                sector="Makanan dan Minuman",
                kecamatan="Kecamatan Semarang Tengah",
                registered_on="14-03-2019",
            )
        ]
    )

    r = CensusRecord.objects.get()
    assert (r.nik, r.nib, r.phone) == ("3374015208850001", "9120300000012", "+6281226501101")
    assert (r.owner_gender, r.owner_birth_date) == ("P", date(1985, 8, 12))
    assert (r.capital_idr, r.annual_sales_idr, r.employees) == (45_000_000, 360_000_000, 4)
    assert (r.sector, r.kecamatan, r.kelurahan) == (
        "kuliner",
        semarang["Semarang Tengah"],
        kelurahan("Purwodinatan", "Semarang Tengah"),
    )
    assert (r.source, r.registered_on, r.size_class) == ("kopimi", date(2019, 3, 14), SizeClass.MICRO)


def test_the_kecamatan_may_be_given_by_its_code_or_found_from_a_unique_kelurahan(semarang):
    run(
        [
            row(nik=nik(serial=1), kecamatan="33.74.10", kelurahan="Bulusan"),
            row(nik=nik(serial=2), kecamatan="", kelurahan="Srondol Wetan"),
        ]
    )

    by_nik = {r.nik: r for r in CensusRecord.objects.select_related("kecamatan")}
    assert by_nik[nik(serial=1)].kecamatan.name == "Tembalang"
    assert by_nik[nik(serial=2)].kecamatan.name == "Banyumanik"


def test_an_ambiguous_kelurahan_is_taken_with_its_kecamatan(semarang):
    report = run([row(kecamatan="Mijen", kelurahan="Purwosari")])

    assert not report.rejected
    assert CensusRecord.objects.get().kelurahan.parent == semarang["Mijen"]


def test_the_default_source_applies_to_rows_without_one(semarang):
    run([row(source="")], source="iumk")

    assert CensusRecord.objects.get().source == "iumk"


def test_the_first_classification_is_recorded_as_a_class_change_of_the_import(semarang):
    run([row(annual_sales_idr="3.400.000.000")])

    change = SizeClassChange.objects.get()
    assert (change.from_class, change.to_class, change.cause, change.changed_on) == (
        "unknown",
        "kecil",
        "import",
        TODAY,
    )


# --- Idempotence and matching ----------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(semarang):
    rows = [row(nik=nik(serial=n), nib=f"91203000000{n:02d}") for n in range(1, 6)]
    first = run(rows)
    before = list(CensusRecord.objects.order_by("pk").values())

    second = run(rows)

    assert (first.created, second.created, second.updated, second.unchanged) == (5, 0, 0, 5)
    assert list(CensusRecord.objects.order_by("pk").values()) == before
    assert SizeClassChange.objects.count() == 5


def test_a_row_updates_the_record_with_its_nik(semarang):
    run([row(employees="4")])

    report = run([row(employees="7", business_name="Lumpia Gang Lombok Bu Sri")])

    assert (report.created, report.updated) == (0, 1)
    r = CensusRecord.objects.get()
    assert (r.employees, r.business_name) == (7, "Lumpia Gang Lombok Bu Sri")


def test_without_a_matching_nik_the_nib_finds_the_record_and_gives_it_the_nik(semarang):
    existing = record(nib="9120300000012", business_name="Bandeng Presto")

    report = run([row(nik=nik(serial=9), nib="9120300000012")])

    existing.refresh_from_db()
    assert (report.created, report.updated) == (0, 1)
    assert existing.nik == nik(serial=9) and existing.owner_gender == "L"


def test_a_nib_held_by_another_persons_record_is_rejected(semarang):
    record(nik=nik(serial=1), nib="9120300000012")

    report = run([row(nik=nik(serial=2), nib="9120300000012")])

    assert "NIK lain" in reasons(report)[2]
    assert CensusRecord.objects.count() == 1


def test_a_nik_and_a_nib_of_two_different_records_are_rejected(semarang):
    record(nik=nik(serial=1))
    record(nib="9120300000012")

    report = run([row(nik=nik(serial=1), nib="9120300000012")])

    assert "NIB" in reasons(report)[2]


def test_an_empty_cell_never_erases_what_the_census_holds(semarang):
    run([row(phone="0812-2650-1101", capital_idr="45000000")])

    report = run([row(phone="", capital_idr="")])

    r = CensusRecord.objects.get()
    assert report.unchanged == 1
    assert (r.phone, r.capital_idr) == ("+6281226501101", 45_000_000)


def test_a_record_linked_to_a_platform_msme_keeps_the_platforms_figures(semarang):
    vendor = VendorFactory(nik=nik(serial=1), employees=3)
    linked = record(nik=nik(serial=1), vendor=vendor, employees=3, business_name="Dari platform")

    run([row(nik=nik(serial=1), employees="12", business_name="Dari Kopimi", source_reference="KOPIMI-1")])

    linked.refresh_from_db()
    assert (linked.employees, linked.business_name) == (3, "Dari platform")
    assert linked.source_reference == "KOPIMI-1"  # what the platform's record lacked


def test_the_earlier_registration_date_is_kept(semarang):
    run([row(registered_on="2019-03-14")])
    run([row(registered_on="2023-01-01")])
    run([row(registered_on="2015-06-01")])

    assert CensusRecord.objects.get().registered_on == date(2015, 6, 1)


# --- The sample files, CSV and XLSX -----------------------------------------------------------------

SAMPLE_REJECTED = {
    15: "NIK tidak valid",
    16: "kelurahan tidak dikenal",
    17: "tidak terletak di kecamatan Tugu",
    18: "NIK sama dengan baris 2",
    19: "nama usaha tidak diisi",
    20: "capital_idr",
    21: "sektor tidak dikenal",
}


def _assert_sample_report(report):
    assert report.rows == 20
    assert report.created == 13
    assert set(reasons(report)) == set(SAMPLE_REJECTED)
    for line, words in SAMPLE_REJECTED.items():
        assert words.lower() in reasons(report)[line].lower(), (line, reasons(report)[line])


def test_the_sample_register_imports_its_good_rows_and_reports_its_bad_ones(semarang):
    report = census_import(file=SAMPLES / "register-sample.csv", today=TODAY)

    _assert_sample_report(report)
    classes = dict(CensusRecord.objects.values_list("business_name", "size_class"))
    assert classes["Sambal Bawang Bu Ratna"] == "mikro"  # exactly Rp 2 M of sales
    assert classes["Katering Sehat Tlogosari"] == "kecil"
    assert classes["Konveksi Seragam Tembalang"] == "menengah"


def test_the_xlsx_sample_is_the_csv_sample_and_imports_the_same(semarang):
    report = census_import(file=SAMPLES / "register-sample.xlsx", today=TODAY)

    _assert_sample_report(report)


def test_an_xlsx_with_numbers_as_cells_imports_them(semarang):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["NIK", "Nama Usaha", "Kecamatan", "Kelurahan", "Modal", "Omzet", "No HP", "Tanggal Daftar"])
    sheet.append(
        [
            int(nik()),
            "Lumpia Bu Sri",
            "Semarang Tengah",
            "Sekayu",
            45_000_000,
            360_000_000.0,
            81226501101,
            date(2020, 1, 2),
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.name = "kopimi.xlsx"

    report = census_import(file=buffer, today=TODAY)

    assert not report.rejected
    r = CensusRecord.objects.get()
    assert (r.nik, r.capital_idr, r.annual_sales_idr, r.phone, r.registered_on) == (
        nik(),
        45_000_000,
        360_000_000,
        "+6281226501101",
        date(2020, 1, 2),
    )


def test_a_semicolon_csv_from_excel_is_read(semarang):
    text = "nik;nama_usaha;kecamatan\n" + f"{nik()};Lumpia Bu Sri;Semarang Tengah\n"
    upload = io.BytesIO(text.encode("cp1252"))
    upload.name = "excel.csv"

    report = census_import(file=upload, today=TODAY)

    assert report.created == 1


def test_the_xlsx_sample_holds_the_csv_samples_rows():
    """The committed XLSX sample is the CSV sample, cell for cell. After changing the CSV:
    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python -c "import django; django.setup();
    from tests.vendors.census.test_import import write_xlsx_sample; write_xlsx_sample()" """
    import csv

    with (SAMPLES / "register-sample.csv").open(encoding="utf-8") as handle:
        expected = [r for r in csv.reader(handle)]
    sheet = load_workbook(SAMPLES / "register-sample.xlsx", read_only=True).worksheets[0]
    actual = [["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)]

    assert actual == expected


def write_xlsx_sample():
    import csv

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Register"
    with (SAMPLES / "register-sample.csv").open(encoding="utf-8") as handle:
        for values in csv.reader(handle):
            sheet.append(values)  # every cell as text, as a register typed by hand keeps it
    workbook.save(SAMPLES / "register-sample.xlsx")


# --- The command ----------------------------------------------------------------------------------


def test_the_command_lists_every_rejected_line_and_the_counts(semarang):
    out = StringIO()

    call_command("census_import", str(SAMPLES / "register-sample.csv"), "--no-progress", stdout=out)

    text = out.getvalue()
    assert "baris 15:" in text and "baris 21:" in text
    assert "20 baris: 13 dibuat, 0 diperbarui, 0 tidak berubah, 7 ditolak." in text


def test_the_command_refuses_a_missing_file(semarang, tmp_path):
    with pytest.raises(CommandError):
        call_command("census_import", str(tmp_path / "tidak-ada.csv"), "--no-progress")


def test_progress_is_reported_per_batch(semarang):
    calls = []

    run(
        [row(nik=nik(serial=n)) for n in range(1, 8)],
        progress=lambda done, total: calls.append((done, total)),
        batch_size=3,
    )

    assert calls == [(3, 7), (6, 7), (7, 7)]


# --- 20,000 rows ------------------------------------------------------------------------------------


def test_twenty_thousand_rows_import_in_well_under_a_minute(semarang, capsys):
    kecamatan = list(semarang.values())
    rows = []
    for n in range(20_000):
        birth = date(1960 + n % 40, n % 12 + 1, n % 28 + 1)
        rows.append(
            row(
                nik=nik(kecamatan=n % 16 + 1, birth=birth, female=n % 3 == 0, serial=n // 16 + 1),
                nib=f"{8120000000000 + n}" if n % 2 else "",
                business_name=f"Usaha Uji {n}",
                kecamatan=kecamatan[n % 16].name,
                kelurahan="",
                phone=f"0812{n:08d}",
                capital_idr=str(10_000_000 + n * 1000),
            )
        )
    upload = csv_file(rows)

    started = time.perf_counter()
    report = census_import(file=upload, today=TODAY)
    elapsed = time.perf_counter() - started

    with capsys.disabled():
        print(f"\n20,000 register rows imported in {elapsed:.1f} s")
    assert report.created == 20_000 and not report.rejected
    assert CensusRecord.objects.count() == 20_000
