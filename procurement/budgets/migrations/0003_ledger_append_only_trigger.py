"""On PostgreSQL, the database itself refuses to change or delete a ledger entry.

`LedgerEntry.save()`/`delete()` refuse in Python; queryset `.update()`/`.delete()` and raw SQL
bypass those, so a trigger guards the table. TRUNCATE (the test runner's flush, a full
restore) is a different statement and is not blocked. SQLite (the demo) keeps the Python guard.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION budgets_ledgerentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Ledger entries are append-only: % refused on entry %', TG_OP, OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER budgets_ledgerentry_append_only
    BEFORE UPDATE OR DELETE ON budgets_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION budgets_ledgerentry_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS budgets_ledgerentry_append_only ON budgets_ledgerentry;
DROP FUNCTION IF EXISTS budgets_ledgerentry_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("budgets", "0002_ledgerentry")]

    operations = [migrations.RunPython(create, drop)]
