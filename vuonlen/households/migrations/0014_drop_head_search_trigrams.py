"""The head's folded name loses its trigram index (PostgreSQL only): nothing matches it any more.

Every search of a household by name — the register, the household pickers, the campaign's list
and the admin — now reads ``names_search`` (``selectors.matching_names``), which holds the head's
name beside every other member's and has its own trigram index (0012). The index on
``head_search`` was paid by every household written (an import of 30,000 households: about
0.3 s of the server's time, issue 17) and read by no query. ``head_search`` itself stays: the
names column is built from it (``households.names``).

Going back recreates the index where ``pg_trgm`` is available, as 0010 made it.
"""

from django.db import migrations

NAME, TABLE, COLUMN = "households_head_search_trgm", "households_household", "head_search"


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{NAME}"')


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
    schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "{TABLE}" USING gin ("{COLUMN}" gin_trgm_ops)')


class Migration(migrations.Migration):

    dependencies = [
        ("households", "0013_lean_write_indexes"),
    ]

    operations = [
        migrations.RunPython(drop, create, elidable=False),
    ]
