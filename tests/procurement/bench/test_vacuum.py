"""The benchmark vacuums what autovacuum would have (procurement/bench/vacuum.py)."""

import io

import pytest
from django.db import connection

from procurement.bench import vacuum
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_stat_user_tables is PostgreSQL's")
def test_a_table_with_many_dead_rows_is_vacuumed_and_named(monkeypatch):
    monkeypatch.setattr(vacuum, "MIN_DEAD", 1)
    unit = UnitFactory()
    for n in range(30):  # each update leaves a dead row version
        type(unit).objects.filter(pk=unit.pk).update(name=f"Dinas {n}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
    stdout = io.StringIO()
    names = vacuum.vacuum_bloated(stdout)
    assert "units_unit" in names
    assert "VACUUM ANALYZE units_unit" in stdout.getvalue()


def test_nothing_happens_without_bloat(monkeypatch):
    monkeypatch.setattr(vacuum, "bloated_tables", lambda: [])
    stdout = io.StringIO()
    assert vacuum.vacuum_bloated(stdout) == []
    assert stdout.getvalue() == ""
