"""The household's names column for the register's search (issue 17; ``households.names``).

``Household.names_search``: the folded names of the head and of everyone who has been a member,
one per line, filled here from the memberships (one UPDATE; on a registry of 1,000,000
households about a minute of the server's time). On PostgreSQL with ``pg_trgm`` it gets a GIN
trigram index, and the members' own trigram index (0010) goes: the search no longer reads
people, and every person written paid for it.
"""

from django.db import migrations, models

NAMES_INDEX = "households_names_search_trgm"
PERSON_INDEX = "households_person_name_search_trgm"


def _trigrams(schema_editor) -> bool:
    if schema_editor.connection.vendor != "postgresql":
        return False
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        return cursor.fetchone() is not None


def fill(apps, schema_editor):
    from vuonlen.households import names

    names.refresh(None)
    if _trigrams(schema_editor):
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{NAMES_INDEX}" ON "households_household" '
                              'USING gin ("names_search" gin_trgm_ops)')
        schema_editor.execute(f'DROP INDEX IF EXISTS "{PERSON_INDEX}"')


def unfill(apps, schema_editor):
    if _trigrams(schema_editor):
        schema_editor.execute(f'DROP INDEX IF EXISTS "{NAMES_INDEX}"')
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{PERSON_INDEX}" ON "households_person" '
                              'USING gin ("name_search" gin_trgm_ops)')


class Migration(migrations.Migration):

    dependencies = [
        ("households", "0011_search_and_years_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="household",
            name="names_search",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill, unfill, elidable=False),
    ]
