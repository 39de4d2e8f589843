"""The demo's census: a generated register beside the platform MSMEs, last quarter frozen, twice the same."""

from datetime import date

import pytest

from tests.factories import VendorFactory
from vendors.census.demo import census_demo, register_rows
from vendors.census.models import CensusRecord, CensusSnapshot

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 1)


def test_the_demo_register_imports_without_a_rejected_row_and_freezes_last_quarter(semarang, analyst):
    VendorFactory.create_batch(2, approved=True)

    report = census_demo(rows=120, today=TODAY)

    assert (report.imported.created, report.imported.rejected) == (120, [])
    assert report.platform_msmes == 2
    assert CensusRecord.objects.count() == 122
    snapshot = CensusSnapshot.objects.get()
    assert (str(snapshot), snapshot.frozen_by) == ("Q3 2026", analyst)
    assert set(CensusRecord.objects.values_list("source", flat=True)) == {"kopimi", "iumk", "platform"}
    assert {"mikro", "kecil"} <= set(CensusRecord.objects.values_list("size_class", flat=True))


def test_the_demo_twice_creates_and_freezes_nothing_more(semarang):
    census_demo(rows=50, today=TODAY)

    again = census_demo(rows=50, today=TODAY)

    assert (again.imported.created, again.imported.updated, again.imported.unchanged) == (0, 0, 50)
    assert again.snapshot is None and CensusSnapshot.objects.count() == 1


def test_the_demo_rows_are_the_same_for_the_same_seed(semarang):
    assert register_rows(rows=30, today=TODAY) == register_rows(rows=30, today=TODAY)
