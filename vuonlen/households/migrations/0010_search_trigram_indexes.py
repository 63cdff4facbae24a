"""Trigram indexes for the household search (issue 17, national scale), PostgreSQL only.

The list's search (``selectors._search``) matches ``head_search`` and the members'
``name_search`` with ``LIKE '%words%'`` (folded names, any part of a name). A b-tree cannot answer
a pattern that starts with a wildcard, so at 1,000,000 households the members' arm read every
person (≈ 4.3 million rows) on each search; a GIN trigram index (``pg_trgm``) finds the matching
people instead: 160 ms for 121,642 matches of "hien". The search as a whole went from 5.5 s to 4.5 s
of server CPU at that size; docs/scale.md says what remains linear (the memberships and the
households are still scanned) and the plans. SQLite has no such index: there the
migration does nothing, as it does on a PostgreSQL server without the ``pg_trgm`` extension
available (the search then stays a scan, correct but linear).
"""

from django.db import migrations

INDEXES = (
    ("households_head_search_trgm", "households_household", "head_search"),
    ("households_person_name_search_trgm", "households_person", "name_search"),
)


def _trigrams_available(schema_editor) -> bool:
    if schema_editor.connection.vendor != "postgresql":
        return False
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        return cursor.fetchone() is not None


def create(apps, schema_editor):
    if not _trigrams_available(schema_editor):
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{column}" gin_trgm_ops)')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):

    dependencies = [
        ("households", "0009_open_household_indexes"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
