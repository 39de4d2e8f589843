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
