"""`manage.py bench` times the catalogue's hot pages; it refuses a data set too small to say much."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from marketplace.accounts import roles
from tests.factories import KecamatanFactory, PartnerFactory, UserFactory
from tests.factories.catalogue_extra import CateringProductFactory

pytestmark = pytest.mark.django_db


def test_refuses_a_small_data_set_and_says_how_to_make_the_city_scale():
    CateringProductFactory()

    with pytest.raises(CommandError, match="seed_demo --scale city"):
        call_command("bench", stdout=StringIO())


def test_times_every_page_and_reports_the_goal():
    partner = PartnerFactory(kecamatan=KecamatanFactory())
    CateringProductFactory(title="Nasi Kotak Ayam", partner=partner, is_halal=True)
    UserFactory(roles=[roles.BUYER])
    out = StringIO()

    call_command("bench", "--allow-small", "--requests", "2", "--warmup", "0", stdout=out)

    report = out.getvalue()
    for label in (
        "Listing",
        "Search 'nasi'",
        "Search with a typo 'rissoles'",
        "Kecamatan + halal",
        "Pemerataan, as an officer",
        "Search 'nasi kotak', as an officer",
    ):
        assert label in report
    assert "Goal: median server time under 150 ms per page" in report


def test_check_fails_when_a_page_misses_the_goal(monkeypatch):
    from procurement.units.management.commands import bench

    CateringProductFactory()
    monkeypatch.setattr(bench, "GOAL_MEDIAN_MS", 0.0)

    with pytest.raises(CommandError, match="miss the 0 ms median goal"):
        call_command(
            "bench", "--allow-small", "--requests", "1", "--warmup", "0", "--check", stdout=StringIO()
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_connections_plan_for_ssd_storage():
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert float(cursor.fetchone()[0]) == pytest.approx(1.1)
