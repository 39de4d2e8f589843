"""PostgreSQL full text search for products (SQLite uses a plain fallback).

A generated tsvector column with the built-in `indonesian` configuration (a Snowball
stemmer: makanan → makan), weighted title A / description and contents B, a GIN index
on it, and a pg_trgm index on the title for near-misses ("risol" → "risoles").
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    ALTER TABLE catalogue_product ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('indonesian'::regconfig, coalesce(title, '')), 'A') ||
        setweight(to_tsvector('indonesian'::regconfig, coalesce(description, '') || ' ' || coalesce(contents, '')), 'B')
    ) STORED
    """,
    "CREATE INDEX product_search_document_gin ON catalogue_product USING gin (search_document)",
    "CREATE INDEX product_title_trgm ON catalogue_product USING gin (title gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS product_title_trgm",
    "DROP INDEX IF EXISTS product_search_document_gin",
    "ALTER TABLE catalogue_product DROP COLUMN IF EXISTS search_document",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0033_product_listing_columns")]
    operations = [migrations.RunPython(forward, backward)]
