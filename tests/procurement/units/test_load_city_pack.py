"""`manage.py load_city_pack`: a city's regions and units from its pack folder."""

import csv
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from marketplace.regions.models import Region
from procurement.units.models import Unit

pytestmark = pytest.mark.django_db

WILAYAH_COLUMNS = ("code", "level", "name", "parent_code")
OPD_COLUMNS = ("code", "name", "short_name", "kind")

SURAKARTA_WILAYAH = [
    ("33", "provinsi", "Jawa Tengah", ""),
    ("33.72", "kota", "Kota Surakarta", "33"),
    ("33.72.01", "kecamatan", "Laweyan", "33.72"),
    ("33.72.01.1001", "kelurahan", "Pajang", "33.72.01"),
    ("33.72.01.1002", "kelurahan", "Laweyan", "33.72.01"),
    ("33.72.02", "kecamatan", "Serengan", "33.72"),
    ("33.72.02.1001", "kelurahan", "Joyotakan", "33.72.02"),
]
SURAKARTA_OPD = [
    ("DISKOMINFO-SKA", "Dinas Komunikasi Informatika Statistik dan Persandian", "Diskominfo SP", "dinas"),
    ("DINKOP-SKA", "Dinas Koperasi Usaha Kecil dan Menengah", "Dinkop UKM", "dinas"),
]


def write_csv(path: Path, columns, rows):
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows(rows)


def make_pack(folder: Path, wilayah, opd) -> Path:
    """A pack folder like the default Semarang pack, with that pack's other files."""
    folder.mkdir(exist_ok=True)
    write_csv(folder / "wilayah.csv", WILAYAH_COLUMNS, wilayah)
    write_csv(folder / "opd.csv", OPD_COLUMNS, opd)
    for extra in Path(settings.CITY_PACK_DIR).glob("*.csv"):
        if extra.name == "kecamatan-tiles.csv":  # the Semarang map's tiles name Semarang's kecamatan
            continue
        if not (folder / extra.name).exists():
            shutil.copy(extra, folder / extra.name)
    return folder


def load(*args) -> str:
    out = StringIO()
    call_command("load_city_pack", *args, stdout=out)
    return out.getvalue()


def region_rows():
    return list(Region.objects.order_by("code").values_list("code", "level", "name", "parent__code"))


def test_semarang_pack_loads_16_kecamatan_and_177_kelurahan():
    load()

    assert Region.objects.filter(level=Region.Level.DISTRICT).count() == 16
    assert Region.objects.filter(level=Region.Level.VILLAGE).count() == 177
    assert Region.objects.get(code="33.74").name == "Kota Semarang"
    assert Region.objects.get(code="33.74.01.1001").name == "Miroto"


def test_every_kelurahan_lies_in_a_kecamatan_of_the_city():
    load()

    kelurahan = Region.objects.filter(level=Region.Level.VILLAGE).select_related("parent")
    assert {k.parent.level for k in kelurahan} == {Region.Level.DISTRICT}
    assert set(Region.objects.filter(level=Region.Level.DISTRICT).values_list("parent__code", flat=True)) == {
        "33.74"
    }


def test_semarang_pack_loads_the_citys_government_units():
    load()

    assert Unit.objects.filter(code="DISKOMINFO", short_name="Diskominfo").exists()
    assert Unit.objects.count() == sum(1 for _ in csv.DictReader((settings.CITY_PACK_DIR / "opd.csv").open()))


def test_loading_twice_creates_nothing_new_and_reports_rows_unchanged():
    load()
    before = (region_rows(), Unit.objects.count())

    output = load()

    assert (region_rows(), Unit.objects.count()) == before
    assert "Regions: 0 created, 0 updated, 195 unchanged." in output
    assert f"Units: 0 created, 0 updated, {before[1]} unchanged." in output


def test_loading_again_updates_a_renamed_region(tmp_path):
    load()
    rows = list(csv.DictReader((settings.CITY_PACK_DIR / "wilayah.csv").open(encoding="utf-8")))
    rows = [tuple(r[c] for c in WILAYAH_COLUMNS) for r in rows]
    rows = [(c, lvl, "Miroto Baru" if c == "33.74.01.1001" else n, p) for c, lvl, n, p in rows]
    opd = [
        tuple(r[c] for c in OPD_COLUMNS) for r in csv.DictReader((settings.CITY_PACK_DIR / "opd.csv").open())
    ]
    pack = make_pack(tmp_path / "semarang", rows, opd)

    output = load(str(pack))

    assert Region.objects.get(code="33.74.01.1001").name == "Miroto Baru"
    assert "Regions: 0 created, 1 updated, 194 unchanged." in output


@pytest.mark.parametrize(
    "bad_row",
    [
        pytest.param(("33.74.99", "desa", "Desa Tanpa Level", "33.74"), id="unknown-level"),
        pytest.param(("33.74.98", "kecamatan", "", "33.74"), id="no-name"),
        pytest.param(("33.74.97.1001", "kelurahan", "Yatim", "33.74.97"), id="unknown-parent"),
    ],
)
def test_pack_with_a_bad_row_is_refused_and_changes_nothing(tmp_path, bad_row):
    load()
    before = region_rows()
    good_new = ("33.74.50", "kecamatan", "Kecamatan Baru", "33.74")
    pack = make_pack(tmp_path / "bad", [*SURAKARTA_WILAYAH, good_new, bad_row], SURAKARTA_OPD)

    with pytest.raises(CommandError):
        load(str(pack))

    assert region_rows() == before


def test_pack_with_a_bad_unit_row_loads_no_region_either(tmp_path):
    pack = make_pack(
        tmp_path / "bad-opd", SURAKARTA_WILAYAH, [*SURAKARTA_OPD, ("", "Dinas Tanpa Kode", "", "dinas")]
    )

    with pytest.raises(CommandError, match="opd.csv"):
        load(str(pack))

    assert Region.objects.count() == 0
    assert Unit.objects.count() == 0


def test_pack_without_wilayah_csv_is_refused(tmp_path):
    with pytest.raises(CommandError, match="wilayah.csv"):
        load(str(tmp_path))


def test_another_citys_pack_loads_the_same_way(tmp_path):
    pack = make_pack(tmp_path / "surakarta", SURAKARTA_WILAYAH, SURAKARTA_OPD)

    output = load(str(pack))

    assert "Regions: 7 created, 0 updated, 0 unchanged." in output
    assert set(Region.objects.filter(level=Region.Level.DISTRICT).values_list("name", flat=True)) == {
        "Laweyan",
        "Serengan",
    }
    assert Region.objects.get(code="33.72.02.1001").parent.name == "Serengan"
    assert set(Unit.objects.values_list("code", flat=True)) == {"DISKOMINFO-SKA", "DINKOP-SKA"}


# --- One loader, one error style ------------------------------------------------------------------


def test_the_semarang_pack_loads_accounts_and_ceilings_too():
    from procurement.budgets.models import BudgetAccount
    from procurement.ceilings.models import PriceCeiling

    output = load()

    assert BudgetAccount.objects.filter(code="5.1.02.01.01.0052").exists()
    assert PriceCeiling.objects.filter(kind="makan").exists()
    for label in ("Regions", "Units", "Budget accounts", "Price ceilings"):
        assert f"{label}: " in output


def test_every_problem_of_the_pack_is_named_by_file_line_and_column_and_nothing_loads(tmp_path):
    pack = make_pack(
        tmp_path / "bad",
        [*SURAKARTA_WILAYAH, ("33.72.03", "desa", "Desa Tanpa Level", "33.72")],
        [*SURAKARTA_OPD, ("DINKES-SKA", "Dinas Kesehatan", "", "dinas")],
    )
    write_csv(
        pack / "price-ceilings.csv",
        ("year", "kind", "unit", "max_price_idr", "note"),
        [("2026", "makan", "orang/kali", "lima puluh ribu", ""), ("2026", "kudapan", "", "-5", "")],
    )

    with pytest.raises(CommandError) as refused:
        load(str(pack))

    message = str(refused.value)
    levels = "provinsi, kota, kecamatan, kelurahan"
    assert f"wilayah.csv line 9, column level: 'desa' is not one of {levels}" in message
    assert "opd.csv line 4, column short_name: empty" in message
    assert "price-ceilings.csv line 2, column max_price_idr: 'lima puluh ribu' is not a whole number" in (
        message
    )
    assert "price-ceilings.csv line 3, column max_price_idr: -5 is below 1" in message
    assert Region.objects.count() == Unit.objects.count() == 0


def test_a_key_twice_in_one_file_is_refused_with_both_lines(tmp_path):
    pack = make_pack(tmp_path / "twice", SURAKARTA_WILAYAH, [*SURAKARTA_OPD, SURAKARTA_OPD[0]])

    with pytest.raises(CommandError, match=r"opd.csv line 4, column code: same key as line 2"):
        load(str(pack))

    assert Unit.objects.count() == 0


def test_a_missing_column_is_named(tmp_path):
    pack = make_pack(tmp_path / "no-kind", SURAKARTA_WILAYAH, SURAKARTA_OPD)
    write_csv(pack / "budget-accounts.csv", ("code", "name"), [("5.1.02.01.01.0052", "Belanja Makan")])

    with pytest.raises(CommandError, match=r"budget-accounts.csv line 1, column kind: column missing"):
        load(str(pack))


def test_a_region_outside_its_parent_is_refused(tmp_path):
    astray = ("33.74.01", "kecamatan", "Salah Kota", "33.72")
    pack = make_pack(tmp_path / "astray", [*SURAKARTA_WILAYAH, astray], SURAKARTA_OPD)

    with pytest.raises(CommandError, match=r"wilayah.csv line 9, column code: '33.74.01' does not lie under"):
        load(str(pack))


def test_a_missing_pack_folder_is_refused_by_name(tmp_path):
    with pytest.raises(CommandError, match="pack folder not found"):
        load(str(tmp_path / "nowhere"))
