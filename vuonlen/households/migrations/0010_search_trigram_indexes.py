"""Trigram indexes for the register's search on PostgreSQL (issue 17).

The search matches a folded name anywhere in the head's name or any member's name
(``head_search`` / ``name_search`` ``LIKE '%…%'``), which a B-tree cannot serve: every search
read all 160 000 people of a province. A GIN trigram index answers the words of three letters
or more from the index. SQLite has no such index and needs none at a commune's size: nothing
happens there. ``pg_trgm`` is a trusted extension (PostgreSQL 13+): the database's owner may
create it.
"""

from django.db import migrations

INDEXES = (
    ("households_household_head_trgm", "households_household", "head_search"),
    ("households_person_name_trgm", "households_person", "name_search"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("households", "0009_open_household_indexes"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
