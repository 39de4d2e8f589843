"""The register export reads its rows in one streamed query whatever their number, with the
labels translated once, and writes what the record holds (sector, regions, classes, sources)."""

from datetime import date

import pytest
from django.utils import translation

from tests.vendors.census.helpers import nik, record
from vendors.census.models import PlatformSales
from vendors.census.selectors import EXPORT_COLUMNS, CensusFilter, census_export_rows

pytestmark = pytest.mark.django_db


def exported() -> list[list]:
    return list(census_export_rows(CensusFilter(), with_personal_data=False))


def test_the_register_export_makes_one_query_whatever_the_number_of_rows(
    semarang, kelurahan, django_assert_num_queries
):
    place = {
        "kecamatan": semarang["Semarang Tengah"],
        "kelurahan": kelurahan("Purwodinatan", "Semarang Tengah"),
    }
    record(nik=nik(serial=1), sector="kuliner", **place)
    with django_assert_num_queries(1):
        assert len(exported()) == 2
    for n in range(2, 30):
        record(nik=nik(serial=n), sector=("kuliner", "fashion", "")[n % 3], **(place if n % 2 else {}))

    with django_assert_num_queries(1):
        rows = exported()

    assert len(rows) == 30


def test_each_row_names_the_sector_regions_class_and_source_in_the_language_of_the_export(
    semarang, kelurahan
):
    tengah = semarang["Semarang Tengah"]
    paid = record(
        nik=nik(serial=1),
        sector="kuliner",
        kecamatan=tengah,
        kelurahan=kelurahan("Purwodinatan", "Semarang Tengah"),
        registered_on=date(2024, 1, 15),
    )
    record(nik=nik(serial=2), business_name="Tanpa Sektor")
    PlatformSales.objects.create(
        record=paid,
        month=date(2026, 2, 1),
        unit_code="SETDA",
        unit_name="Setda",
        amount_idr=750_000,
        orders=2,
    )
    columns = [key for key, _label in EXPORT_COLUMNS]

    with translation.override("id"):
        header, first, second = exported()

    assert header[columns.index("sector")] == "Sektor"
    row = dict(zip(columns, first, strict=True))
    assert row["sector"] == "Kuliner"
    assert (row["kecamatan"], row["kelurahan"]) == ("Semarang Tengah", "Purwodinatan")
    assert row["sales_idr"] == 750_000
    assert row["source"] and row["size_class"] and row["platform_status"]
    empty = dict(zip(columns, second, strict=True))
    assert (empty["sector"], empty["kecamatan"], empty["kelurahan"], empty["sales_idr"]) == ("", "", "", 0)
