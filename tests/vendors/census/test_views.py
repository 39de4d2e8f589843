"""The Analis's census pages (/statistik/): who may open them, filters in the address bar, a
fixed number of queries, exports (masked without the personal-data permission, always logged),
the register upload and its report, and the snapshots (freeze, compare)."""

import csv
import io
import re
from datetime import date
from html import unescape

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from marketplace.accounts import roles
from marketplace.regions.models import Region
from tests.factories import CityRegionFactory, KelurahanFactory, UserFactory
from vendors.census import forms as census_forms
from vendors.census.models import (
    CensusRecord,
    CensusSnapshot,
    ExportLog,
    KecamatanTile,
    PlatformSales,
    PlatformStatus,
    SizeClass,
    SizeClassChange,
)

pytestmark = pytest.mark.django_db

NIK_1 = "3374015508900001"  # Semarang Tengah, a woman born 15-08-1990
NIK_2 = "3374101203850002"  # Tembalang, a man born 12-03-1985
PHONE_1 = "+6281234567890"
ADDRESS_1 = "Jl. Pemuda No. 1, Sekayu"

PAGES = [
    "census:dashboard",
    "census:snapshot-list",
    "census:import",
    "census:export",
]
OTHER_ROLES = [roles.VENDOR, roles.BUYER, roles.PPK, roles.TREASURER, roles.VERIFIER]


# --- The world -------------------------------------------------------------------------------------

TODAY = date(2026, 12, 1)  # Q4 2026 still open, Q3 2026 the last quarter closed


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """Pages, selectors and services read the day from timezone.localdate(): 1 December 2026."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def record(**fields) -> CensusRecord:
    values = {
        "business_name": "Usaha",
        "source": CensusRecord.Source.KOPIMI,
        "registered_on": date(2026, 1, 10),
        "size_class": SizeClass.MICRO,
    }
    values.update(fields)
    return CensusRecord.objects.create(**values)


@pytest.fixture
def world(db):
    """Three MSMEs in two kecamatan (tiles for both), a year of spending, one naik kelas."""
    CityRegionFactory()
    tengah = Region.objects.get(code="33.74.01")
    tembalang = Region.objects.get(code="33.74.10")
    sekayu = KelurahanFactory(parent=tengah, name="Sekayu")
    KecamatanTile.objects.create(region_code=tengah.code, region=tengah, row=1, col=2)
    KecamatanTile.objects.create(region_code=tembalang.code, region=tembalang, row=2, col=4)
    catering = record(
        business_name="Katering Bu Sri",
        nik=NIK_1,
        owner_name="Sri Wahyuni",
        owner_gender="P",
        owner_birth_date=date(1990, 8, 15),
        phone=PHONE_1,
        address=ADDRESS_1,
        sector="kuliner",
        kecamatan=tengah,
        kelurahan=sekayu,
        size_class=SizeClass.SMALL,
        platform_status=PlatformStatus.PAID,
        first_paid_month=date(2026, 2, 1),
    )
    batik = record(
        business_name="Batik Tembalang",
        nik=NIK_2,
        owner_gender="L",
        owner_birth_date=date(1985, 3, 12),
        sector="fashion",
        kecamatan=tembalang,
        registered_on=date(2026, 3, 1),
    )
    snacks = record(
        business_name="Snack Box Mbak Ayu",
        nib="1234567890123",
        sector="kuliner",
        kecamatan=tembalang,
        registered_on=date(2026, 5, 20),
        platform_status=PlatformStatus.PAID,
        first_paid_month=date(2026, 6, 1),
    )
    PlatformSales.objects.create(
        record=catering, month=date(2026, 2, 1), unit_code="SETDA", unit_name="Sekretariat Daerah",
        amount_idr=5_000_000, orders=3,
    )  # fmt: skip
    PlatformSales.objects.create(
        record=snacks, month=date(2026, 6, 1), unit_code="DINKES", unit_name="Dinas Kesehatan",
        amount_idr=2_000_000, orders=1,
    )  # fmt: skip
    SizeClassChange.objects.create(
        record=catering, from_class=SizeClass.MICRO, to_class=SizeClass.SMALL,
        changed_on=date(2026, 3, 15), cause=SizeClassChange.Cause.SALES,
    )  # fmt: skip
    return {"tengah": tengah, "tembalang": tembalang, "catering": catering, "batik": batik, "snacks": snacks}


@pytest.fixture
def analyst(db):
    return UserFactory(roles=[roles.ANALYST], email="analis@disdag.semarangkota.go.id")


@pytest.fixture
def admin(db):
    return UserFactory(roles=[roles.ADMIN], email="admin@diskominfo.semarangkota.go.id")


def user_with(*codenames, email):
    """Someone holding exactly these accounts permissions (through a group of their own)."""
    group = Group.objects.create(name=f"uji-{email}")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames)
    )
    user = UserFactory(email=email)
    user.groups.add(group)
    return user


@pytest.fixture
def masked_analyst(db):
    """An analyst who may read and export the census but not see personal data."""
    return user_with("view_msme_statistics", "export_msme_data", email="magang@disdag.semarangkota.go.id")


def text_of(html: str, element_id: str) -> str:
    match = re.search(rf'id="{re.escape(element_id)}"[^>]*>(.*?)</(td|div|dd|p|span|table|ul)>', html, re.S)
    assert match, f"no element with id {element_id!r}"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Who may open the pages ----------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_visitor_is_sent_to_the_login_page(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", OTHER_ROLES)
@pytest.mark.parametrize("name", PAGES)
def test_other_roles_are_refused(client, world, role, name):
    client.force_login(UserFactory(roles=[role]))

    assert client.get(reverse(name), {"table": "register", "format": "csv"}).status_code == 403


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_cannot_freeze_or_upload(client, world, role):
    client.force_login(UserFactory(roles=[role]))

    assert (
        client.post(reverse("census:snapshot-freeze"), {"period_kind": "year", "year": 2025}).status_code
        == 403
    )
    upload = SimpleUploadedFile("r.csv", b"nik,business_name,kecamatan\n", content_type="text/csv")
    assert client.post(reverse("census:import"), {"file": upload, "source": "kopimi"}).status_code == 403
    assert not CensusSnapshot.objects.exists()


@pytest.mark.parametrize("who", ["analyst", "admin"])
def test_analyst_and_admin_read_the_dashboard(client, world, request, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("census:dashboard"))

    assert response.status_code == 200
    html = response.content.decode()
    assert text_of(html, "census-total") == "3"
    for section in ("sec-msmes", "sec-kecamatan", "sec-size", "sec-owners", "sec-platform", "sec-spending"):
        assert f'id="{section}"' in html
    assert 'id="sec-concentration"' in html and 'id="sec-naik-kelas"' in html


def test_the_menu_links_the_dashboard_for_the_analyst_only(client, world, analyst):
    link = f'href="{reverse("census:dashboard")}" id="nav-census"'
    client.force_login(UserFactory(roles=[roles.BUYER]))
    assert link not in client.get("/").content.decode()

    client.force_login(analyst)
    assert link in client.get("/").content.decode()


# --- The dashboard's figures ---------------------------------------------------------------------


def test_dashboard_shows_each_chart_with_its_table(client, world, analyst):
    client.force_login(analyst)

    html = client.get(reverse("census:dashboard"), {"year": 2026}).content.decode()

    for chart in (
        "by_sector",
        "by_size_class",
        "by_gender",
        "by_age_group",
        "by_platform_status",
        "growth_by_month",
        "spending_by_unit",
        "spending_by_sector",
        "spending_by_kecamatan",
        "spending_by_month",
        "top_msmes",
        "concentration",
        "naik_kelas",
    ):
        assert f'id="{chart}-chart"' in html, chart
        table = re.search(rf'<table[^>]*id="{chart}-table".*?</table>', html, re.S).group(0)
        assert "<caption>" in table and 'scope="col"' in table and 'scope="row"' in table
    assert "Sekretariat Daerah" in html and "Rp 5.000.000" in html
    assert text_of(html, "spending-total") == "Rp 7.000.000"
    assert text_of(html, "naik-kelas-total") == "1"
    assert text_of(html, "concentration-top10") == "71,4 %"  # 5 of 7 million


def test_tile_map_shades_each_kecamatan_and_says_its_number(client, world, analyst):
    client.force_login(analyst)

    html = client.get(reverse("census:dashboard")).content.decode()

    tiles = re.findall(r'<g class="census-tile tile-shade-(\d)[^"]*" data-kecamatan="(\d+)"', html)
    assert dict((int(pk), int(shade)) for shade, pk in tiles) == {
        world["tengah"].pk: 2,
        world["tembalang"].pk: 4,
    }
    assert "<title>Tembalang: 2</title>" in html
    assert "style=" not in html.split('id="sec-kecamatan"')[1].split("</section>")[0]


def test_filters_in_the_address_bar_change_the_figures(client, world, analyst):
    client.force_login(analyst)
    url = reverse("census:dashboard")

    by_kecamatan = client.get(url, {"kecamatan": world["tembalang"].pk}).content.decode()
    by_sector = client.get(url, {"sector": "fashion"}).content.decode()
    by_period = client.get(url, {"year": 2026, "month_from": 1, "month_to": 2}).content.decode()

    assert text_of(by_kecamatan, "census-total") == "2"
    assert text_of(by_kecamatan, "spending-total") == "Rp 2.000.000"
    assert text_of(by_sector, "census-total") == "1"
    assert text_of(by_period, "census-total") == "1"  # only the catering was known by February
    assert text_of(by_period, "spending-total") == "Rp 5.000.000"
    # The filters stay in the export links.
    assert (
        f"kecamatan={world['tembalang'].pk}"
        in by_kecamatan.split('id="export-register-xlsx"')[0].split("<a ")[-1]
    )


def test_a_bad_filter_is_ignored_with_a_message(client, world, analyst):
    client.force_login(analyst)

    response = client.get(
        reverse("census:dashboard"), {"year": "9" * 40, "kecamatan": "abc", "sector": "fashion"}
    )

    assert response.status_code == 200
    assert text_of(response.content.decode(), "census-total") == "1"  # the sector still applies
    assert len([m for m in messages_of(response) if "diabaikan" in m or "ignored" in m]) == 2


def test_months_in_the_wrong_order_are_refused_with_a_message(client, world, analyst):
    client.force_login(analyst)

    response = client.get(reverse("census:dashboard"), {"year": 2026, "month_from": 6, "month_to": 2})

    assert response.status_code == 200
    assert len(messages_of(response)) == 1


def test_dashboard_queries_do_not_grow_with_the_census(client, world, analyst, django_assert_max_num_queries):
    client.force_login(analyst)
    url = reverse("census:dashboard")
    params = {"year": 2026, "sector": "kuliner"}
    client.get(url, params)  # session and caches warm

    with django_assert_max_num_queries(40):
        assert client.get(url, params).status_code == 200
    for n in range(30):
        more = record(
            business_name=f"Usaha {n}",
            nib=f"{9000000000000 + n}",
            sector="kuliner",
            kecamatan=world["tengah"],
        )
        PlatformSales.objects.create(
            record=more, month=date(2026, 1 + n % 11, 1), unit_code=f"U{n % 5}", unit_name=f"Unit {n % 5}",
            amount_idr=100_000 * (n + 1), orders=1,
        )  # fmt: skip
    with django_assert_max_num_queries(40):
        assert client.get(url, params).status_code == 200


# --- Exports -------------------------------------------------------------------------------------


def export(client, **params):
    response = client.get(reverse("census:export"), params)
    assert response.status_code == 200, response.status_code
    assert response.streaming
    return response, b"".join(response.streaming_content)


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_register_export_is_masked_without_the_personal_data_permission(client, world, masked_analyst):
    client.force_login(masked_analyst)
    assert 'id="export-masked-note"' in client.get(reverse("census:dashboard")).content.decode()

    response, content = export(client, table="register", format="csv")

    text = content.decode("utf-8-sig")
    assert "attachment;" in response["Content-Disposition"]
    assert NIK_1 not in text and NIK_2 not in text
    assert "3374••••••••0001" in text
    assert PHONE_1 not in text and ADDRESS_1 not in text and "Sri Wahyuni" not in text
    log = ExportLog.objects.get()
    assert (log.user, log.what, log.with_personal_data, log.row_count, log.file_format) == (
        masked_analyst,
        "register",
        False,
        3,
        "csv",
    )


def test_register_export_is_whole_for_the_analyst_with_the_permission(client, world, analyst):
    client.force_login(analyst)

    _response, content = export(client, table="register", format="csv", kecamatan=world["tengah"].pk)

    rows = csv_rows(content)
    assert len(rows) == 2  # header and the one MSME of Semarang Tengah
    assert NIK_1 in rows[1] and ADDRESS_1 in rows[1]
    assert f"'{PHONE_1}" in rows[1]  # whole, with the apostrophe that keeps "+…" from being a formula
    log = ExportLog.objects.get()
    assert log.with_personal_data is True
    assert log.filter == {"kecamatan": str(world["tengah"].pk)}


def test_register_xlsx_is_masked_without_the_permission(client, world, masked_analyst):
    client.force_login(masked_analyst)

    response, content = export(client, table="register", format="xlsx")

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert len(list(sheet.iter_rows())) == 4
    assert NIK_1 not in cells and PHONE_1 not in cells
    assert ExportLog.objects.get().file_format == "xlsx"


@pytest.mark.parametrize(
    "table", ["by_sector", "by_kecamatan", "spending_by_unit", "top_msmes", "naik_kelas"]
)
def test_each_dashboard_table_exports_and_is_logged(client, world, analyst, table):
    client.force_login(analyst)

    _response, content = export(client, table=table, format="csv", year=2026)

    rows = csv_rows(content)
    assert len(rows) >= 2
    log = ExportLog.objects.get()
    assert (log.what, log.with_personal_data, log.filter) == (table, False, {"year": "2026"})


def test_dashboard_table_export_holds_its_figures(client, world, analyst):
    client.force_login(analyst)

    _response, content = export(client, table="spending_by_unit", format="csv", year=2026)

    rows = csv_rows(content)
    assert ["SETDA", "Sekretariat Daerah", "5000000", "3", "1"] == rows[1][:5]


def test_export_needs_the_export_permission(client, world):
    reader = user_with("view_msme_statistics", "view_personal_data", email="baca@disdag.semarangkota.go.id")
    client.force_login(reader)

    assert client.get(reverse("census:dashboard")).status_code == 200
    assert 'id="export-register-xlsx"' not in client.get(reverse("census:dashboard")).content.decode()
    assert client.get(reverse("census:export"), {"table": "register", "format": "xlsx"}).status_code == 403
    assert not ExportLog.objects.exists()


@pytest.mark.parametrize(
    "params", [{"table": "orders", "format": "csv"}, {"table": "register", "format": "pdf"}, {}]
)
def test_unknown_export_is_not_found(client, world, analyst, params):
    client.force_login(analyst)

    assert client.get(reverse("census:export"), params).status_code == 404
    assert not ExportLog.objects.exists()


# --- The register upload -------------------------------------------------------------------------

GOOD_CSV = (
    "nik,nib,nama_usaha,nama_pemilik,sektor,kecamatan,kelurahan,modal,omzet\n"
    f"{NIK_1},,Katering Bu Sri,Sri Wahyuni,kuliner,Semarang Tengah,Sekayu,50000000,300000000\n"
    "3374106704920003,,Kriya Bambu,Rina,kriya,Tembalang,,10000000,\n"
    "12345,,NIK Salah,Budi,kuliner,Tembalang,,,\n"
    "3374101203850004,,Kecamatan Salah,Ani,kuliner,Atlantis,,,\n"
)


def upload(client, name: str, content: bytes, source="kopimi"):
    return client.post(
        reverse("census:import"), {"file": SimpleUploadedFile(name, content), "source": source}, follow=True
    )


def test_good_file_is_imported_and_reported(client, world, analyst):
    client.force_login(analyst)
    before = CensusRecord.objects.count()

    response = upload(client, "kopimi.csv", GOOD_CSV.encode())

    assert response.redirect_chain[-1][0].startswith(reverse("census:import-report"))
    html = response.content.decode()
    assert text_of(html, "import-rows") == "4"
    assert text_of(html, "import-created") == "1"
    assert text_of(html, "import-updated") == "1"  # the catering was known by its NIK
    assert text_of(html, "import-rejected-count") == "2"
    lines = re.findall(r'class="import-error" data-line="(\d+)"', html)
    assert lines == ["4", "5"]
    assert "Atlantis" in html
    assert NIK_1 not in html
    assert CensusRecord.objects.count() == before + 1
    assert CensusRecord.objects.filter(business_name="Kriya Bambu", source="kopimi").exists()


def test_xlsx_file_is_imported(client, world, analyst):
    client.force_login(analyst)
    book = Workbook()
    sheet = book.active
    sheet.append(["NIK", "Nama Usaha", "Kecamatan", "Sektor"])
    sheet.append(["3374106704920003", "Kriya Bambu", "Tembalang", "kriya"])
    buffer = io.BytesIO()
    book.save(buffer)

    response = upload(client, "iumk.xlsx", buffer.getvalue(), source="iumk")

    assert text_of(response.content.decode(), "import-created") == "1"
    assert CensusRecord.objects.get(business_name="Kriya Bambu").source == "iumk"


def test_long_report_is_paginated(client, world, analyst):
    client.force_login(analyst)
    bad = "".join(f"{i:05d},Usaha {i},Tembalang\n" for i in range(75))

    response = upload(client, "buruk.csv", ("nik,nama_usaha,kecamatan\n" + bad).encode())

    first = response.content.decode()
    assert text_of(first, "import-rejected-count") == "75"
    assert len(re.findall('class="import-error"', first)) == 50
    report_url = response.redirect_chain[-1][0]
    second = client.get(report_url + "&page=2").content.decode()
    assert len(re.findall('class="import-error"', second)) == 25


def test_someone_elses_report_is_not_shown(client, world, analyst, admin):
    client.force_login(analyst)
    report_url = upload(client, "kopimi.csv", GOOD_CSV.encode()).redirect_chain[-1][0]

    client.force_login(admin)
    response = client.get(report_url, follow=True)

    assert response.redirect_chain[-1][0] == reverse("census:import")
    assert 'id="import-errors"' not in response.content.decode()


@pytest.mark.parametrize(
    "name, content",
    [
        ("daftar.pdf", b"%PDF-1.4 not a register"),
        ("daftar.xlsx", GOOD_CSV.encode()),  # a CSV renamed
        ("daftar.csv", b"PK\x03\x04 a zip renamed"),
        ("kosong.csv", b""),
        ("kolom.csv", b"nama,alamat\nBu Sri,Jl. Pemuda\n"),  # no business name, NIK or kecamatan column
        ("rusak.xlsx", b"PK\x03\x04 broken zip"),
    ],
)
def test_bad_file_is_refused_with_a_message_and_nothing_imported(client, world, analyst, name, content):
    client.force_login(analyst)
    before = CensusRecord.objects.count()

    response = client.post(
        reverse("census:import"), {"file": SimpleUploadedFile(name, content), "source": "kopimi"}
    )

    assert response.status_code == 400
    assert 'id="import-file-error"' in response.content.decode()
    assert CensusRecord.objects.count() == before


def test_too_large_file_is_refused(client, world, analyst, monkeypatch):
    monkeypatch.setattr(census_forms, "IMPORT_MAX_BYTES", 100)
    client.force_login(analyst)

    response = client.post(
        reverse("census:import"),
        {"file": SimpleUploadedFile("besar.csv", GOOD_CSV.encode()), "source": "kopimi"},
    )

    assert response.status_code == 400
    assert CensusRecord.objects.count() == 3


# --- Snapshots -----------------------------------------------------------------------------------


def test_analyst_freezes_a_closed_quarter(client, world, analyst):
    client.force_login(analyst)

    response = client.post(
        reverse("census:snapshot-freeze"), {"period_kind": "quarter", "year": 2026, "quarter": 2}, follow=True
    )

    snapshot = CensusSnapshot.objects.get()
    assert (snapshot.quarter, snapshot.records, snapshot.frozen_by) == (2, 3, analyst)
    html = response.content.decode()
    assert f'data-snapshot="{snapshot.pk}"' in html
    assert any("Q2" in m or "2 2026" in m for m in messages_of(response))


@pytest.mark.parametrize(
    "data",
    [
        {"period_kind": "quarter", "year": 2026, "quarter": 4},  # not ended yet (today: December 2026)
        {"period_kind": "quarter", "year": 2026},  # no quarter
        {"period_kind": "decade", "year": 2026},
    ],
)
def test_freeze_refusals_are_messages(client, world, analyst, data, settings):
    client.force_login(analyst)

    response = client.post(reverse("census:snapshot-freeze"), data, follow=True)

    assert response.status_code == 200
    assert messages_of(response)
    assert not CensusSnapshot.objects.exists()


def test_freezing_twice_is_refused(client, world, analyst):
    client.force_login(analyst)
    data = {"period_kind": "year", "year": 2025}
    client.post(reverse("census:snapshot-freeze"), data, follow=True)

    response = client.post(reverse("census:snapshot-freeze"), data, follow=True)

    assert CensusSnapshot.objects.count() == 1
    assert len(messages_of(response)) == 1


def freeze(analyst, **period):
    from vendors.census.services import census_snapshot_freeze

    return census_snapshot_freeze(actor=analyst, **period)


def test_compare_a_snapshot_with_now_shows_what_moved(client, world, analyst):
    q1 = freeze(analyst, period_kind="quarter", year=2026, quarter=1)  # the catering and the batik
    client.force_login(analyst)

    response = client.get(reverse("census:snapshot-compare"), {"a": q1.pk})

    assert response.status_code == 200
    html = response.content.decode()
    assert text_of(html, "compare-new") == "1"  # the snack boxes, known since May
    assert text_of(html, "compare-newly-paid") == "1"
    assert 'id="compare-by-sector"' in html and 'id="new_by_sector-chart"' in html


def test_compare_two_snapshots_in_either_order(client, world, analyst):
    q1 = freeze(analyst, period_kind="quarter", year=2026, quarter=1)
    q2 = freeze(analyst, period_kind="quarter", year=2026, quarter=2)
    client.force_login(analyst)

    forward = client.get(reverse("census:snapshot-compare"), {"a": q1.pk, "b": q2.pk}).content.decode()
    backward = client.get(reverse("census:snapshot-compare"), {"a": q2.pk, "b": q1.pk}).content.decode()

    assert text_of(forward, "compare-new") == text_of(backward, "compare-new") == "1"


@pytest.mark.parametrize("params", [{}, {"a": "abc"}, {"a": "999999"}])
def test_compare_without_a_known_snapshot_goes_back_to_the_list(client, world, analyst, params):
    freeze(analyst, period_kind="quarter", year=2026, quarter=1)
    client.force_login(analyst)

    response = client.get(reverse("census:snapshot-compare"), params)

    assert response.status_code == 302
    assert response["Location"] == reverse("census:snapshot-list")


def test_snapshot_list_offers_the_last_closed_quarter(client, world, analyst):
    client.force_login(analyst)

    html = client.get(reverse("census:snapshot-list")).content.decode()

    assert 'id="no-snapshots"' in html
    assert re.search(r'<option value="3" selected>', html)  # Q3 2026: the last one closed by December


def test_snapshot_pages_make_a_fixed_number_of_queries(client, world, analyst, django_assert_max_num_queries):
    q1 = freeze(analyst, period_kind="quarter", year=2026, quarter=1)
    q2 = freeze(analyst, period_kind="quarter", year=2026, quarter=2)
    freeze(analyst, period_kind="year", year=2025)
    client.force_login(analyst)
    client.get(reverse("census:snapshot-list"))

    with django_assert_max_num_queries(20):
        assert client.get(reverse("census:snapshot-list")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("census:snapshot-compare"), {"a": q1.pk, "b": q2.pk}).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("census:snapshot-compare"), {"a": q1.pk}).status_code == 200


def test_import_report_makes_a_fixed_number_of_queries(client, world, analyst, django_assert_max_num_queries):
    client.force_login(analyst)
    report_url = upload(client, "kopimi.csv", GOOD_CSV.encode()).redirect_chain[-1][0]

    with django_assert_max_num_queries(15):
        assert client.get(report_url).status_code == 200
