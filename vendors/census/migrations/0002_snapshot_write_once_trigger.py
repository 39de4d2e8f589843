"""On PostgreSQL, the database itself refuses to change or delete a frozen census snapshot.

`CensusSnapshot.save()`/`delete()` and `CensusSnapshotRow`'s refuse in Python; queryset
`.update()`/`.delete()` and raw SQL bypass those, so a trigger guards both tables (as
budgets/0003 guards the ledger). TRUNCATE (the test runner's flush) is not blocked. SQLite keeps
the Python guard.
"""

from django.db import migrations

TABLES = ("census_censussnapshot", "census_censussnapshotrow")

FUNCTION = """
CREATE OR REPLACE FUNCTION census_snapshot_write_once() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'A frozen census snapshot never changes: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""
TRIGGER = """
CREATE TRIGGER {table}_write_once BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION census_snapshot_write_once();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(TRIGGER.format(table=table), params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_write_once ON {table};", params=None)
    schema_editor.execute("DROP FUNCTION IF EXISTS census_snapshot_write_once();", params=None)


class Migration(migrations.Migration):
    dependencies = [("census", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
