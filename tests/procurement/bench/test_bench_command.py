"""`manage.py bench` (procurement/bench): refuses a data set too small to say much and an unknown
group. (Its scenarios need the generated orders: tests/procurement/test_seed_demo.py builds a
sample of them and opens the benchmarked pages for the generated people.)"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.factories.catalogue_extra import CateringProductFactory

pytestmark = pytest.mark.django_db


def test_refuses_a_small_data_set_and_says_how_to_make_the_city_scale():
    CateringProductFactory()

    with pytest.raises(CommandError, match="bench_seed"):
        call_command("bench", stdout=StringIO())


def test_rejects_an_unknown_group_with_the_groups_it_knows():
    with pytest.raises(CommandError, match="choose from"):
        call_command("bench", "--only", "nonsense", "--allow-small", stdout=StringIO())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_connections_plan_for_ssd_storage():
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert float(cursor.fetchone()[0]) == pytest.approx(1.1)
