"""The tile map's positions: city-pack data (kecamatan-tiles.csv), one tile per kecamatan placed
roughly where it lies, loaded with the rest of the pack."""

import csv
import shutil
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from marketplace.regions.models import Region
from vendors.census.models import KecamatanTile

pytestmark = pytest.mark.django_db

TILES = settings.CITY_PACK_DIR / "kecamatan-tiles.csv"


def tiles_in_pack() -> dict[str, tuple[int, int]]:
    with TILES.open(encoding="utf-8") as handle:
        return {r["name"]: (int(r["row"]), int(r["col"])) for r in csv.DictReader(handle)}


def test_every_kecamatan_of_the_city_has_one_tile_and_no_two_share_a_cell():
    with (settings.CITY_PACK_DIR / "wilayah.csv").open(encoding="utf-8") as handle:
        kecamatan = {r["code"]: r["name"] for r in csv.DictReader(handle) if r["level"] == "kecamatan"}
    with TILES.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    assert sorted(r["code"] for r in rows) == sorted(kecamatan)
    assert all(kecamatan[r["code"]] == r["name"] for r in rows)
    assert len({(r["row"], r["col"]) for r in rows}) == len(rows)


def test_tiles_lie_roughly_where_the_kecamatan_lie():
    at = tiles_in_pack()
    row, col = (lambda name: at[name][0]), (lambda name: at[name][1])

    for coast in ("Tugu", "Semarang Utara", "Genuk"):
        assert row(coast) == 0  # the north coast
    for south in ("Banyumanik", "Gunungpati", "Tembalang", "Mijen"):
        assert row(south) > row("Semarang Tengah")
    for west in ("Tugu", "Ngaliyan", "Mijen"):
        assert col(west) < col("Semarang Tengah")
    for east in ("Genuk", "Pedurungan", "Tembalang"):
        assert col(east) > col("Semarang Tengah")
    assert row("Semarang Selatan") > row("Semarang Tengah") > row("Semarang Utara")


def test_the_city_pack_loads_the_tiles_and_loading_again_changes_nothing():
    out = StringIO()
    call_command("load_city_pack", stdout=out)
    assert "Kecamatan tiles: 16 created" in out.getvalue()

    out = StringIO()
    call_command("load_city_pack", stdout=out)
    assert "Kecamatan tiles: 0 created, 0 updated, 16 unchanged." in out.getvalue()
    tile = KecamatanTile.objects.select_related("region").get(region__name="Genuk")
    assert (tile.region.level, tile.region_code, tile.row, tile.col) == (
        Region.Level.DISTRICT,
        "33.74.05",
        0,
        4,
    )


@pytest.mark.parametrize(
    "line, expected",
    [
        (
            "33.74.99,4,4,Kecamatan Khayalan",
            "kecamatan-tiles.csv line 18, column code: '33.74.99' is not known",
        ),
        (
            "33.74,5,5,Kota Semarang",
            "kecamatan-tiles.csv line 18, column code: '33.74' is not a kecamatan code",
        ),
        ("33.74.01,-1,2,Semarang Tengah", "kecamatan-tiles.csv line 18, column row: -1 is below 0"),
    ],
)
def test_a_bad_tile_is_reported_by_line_and_nothing_loads(tmp_path, line, expected):
    pack = tmp_path / "pack"
    shutil.copytree(settings.CITY_PACK_DIR, pack)
    with (pack / "kecamatan-tiles.csv").open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")

    with pytest.raises(CommandError, match=expected.replace(".", r"\.")):
        call_command("load_city_pack", str(pack))

    assert not KecamatanTile.objects.exists() and not Region.objects.exists()


def test_a_pack_without_tiles_loads_without_a_map(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(settings.CITY_PACK_DIR, pack)
    (pack / "kecamatan-tiles.csv").unlink()

    call_command("load_city_pack", str(pack), stdout=StringIO())

    assert Region.objects.exists() and not KecamatanTile.objects.exists()
