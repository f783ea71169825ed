"""Trigram GIN indexes on the search columns (PostgreSQL only; a no-op on SQLite).

`?search=` filters with `search_text LIKE '%term%'`, which a B-tree cannot answer; with
pg_trgm a term of three or more characters (pinyin, initials, a company name) is found
through the index instead of a scan of the table. Shorter terms still scan, which is
cheap at the sizes the CRM holds. Written with RunPython so that SQLite skips it.
"""

import sys

from django.db import DatabaseError, migrations, transaction

INDEXES = (
    ("customers_customer_search_trgm", "customers_customer"),
    ("customers_outlet_search_trgm", "customers_outlet"),
    ("customers_contact_search_trgm", "customers_contact"),
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as exc:  # e.g. a managed database without the right to add it
        sys.stderr.write(f"pg_trgm is not available ({exc}); search will scan tables.\n")
        return
    for name, table in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_text gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
