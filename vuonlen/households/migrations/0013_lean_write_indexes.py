"""Indexes that no read uses, dropped: each one was paid by every household and person an import
writes (issue 17, item 3; docs/imports.md, "Speed"). Nothing else changes: the indexes go by name
(``DROP INDEX IF EXISTS``), with no table rebuilt on SQLite and no foreign key re-checked on
PostgreSQL, which Django's own ``AlterField`` would do.

- ``households_household.commune_id``: every read by commune (its list, the import's look-up,
  the PROTECT check when a commune is deleted) is served by the unique (commune_id, code) index,
  whose first column it is.
- ``households_household.current_status`` (and its PostgreSQL ``LIKE`` copy): the status filters
  (``current_status = …`` / ``IN (…)``) use the (current_status, commune_id) index; no read matches
  a status by pattern.
- ``households_household.head_search`` and ``households_person.name_search`` (and their ``LIKE``
  copies): these folded names are matched only anywhere inside (``__contains``, ``LIKE '%…%'``),
  which a b-tree cannot answer; the register's search reads ``names_search`` (0012), the pickers
  and the admin ``head_search`` through its trigram index (0010) on PostgreSQL.
- ``households_household.head_sort``'s PostgreSQL ``LIKE`` copy: the sort key is only ordered by
  (through its b-tree, which stays), never matched by pattern.
- ``households_person.citizen_id``'s PostgreSQL ``LIKE`` copy (``varchar_pattern_ops``, made by
  ``unique=True``): ID numbers are looked up whole (``=`` / ``IN``), through the unique index, which
  stays.
"""

import django.db.models.deletion
from django.db import migrations, models

# (index, table, column, PostgreSQL only: the ``LIKE`` copy Django makes for a text column)
INDEXES = (
    ("households_household_commune_id_f12598c4", "households_household", "commune_id", False),
    ("households_household_current_status_dcdf6448", "households_household", "current_status", False),
    ("households_household_current_status_dcdf6448_like", "households_household", "current_status", True),
    ("households_household_head_search_eeffde76", "households_household", "head_search", False),
    ("households_household_head_search_eeffde76_like", "households_household", "head_search", True),
    ("households_household_head_sort_17afd88f_like", "households_household", "head_sort", True),
    ("households_person_name_search_15cb0bd2", "households_person", "name_search", False),
    ("households_person_name_search_15cb0bd2_like", "households_person", "name_search", True),
    ("households_person_citizen_id_7945c8b6_like", "households_person", "citizen_id", True),
)


def drop(apps, schema_editor):
    for name, _table, _column, _like in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for name, table, column, like in INDEXES:
        if like and not postgres:
            continue
        ops = " varchar_pattern_ops" if like else ""
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}"{ops})')


class Migration(migrations.Migration):

    dependencies = [
        ("geo", "0001_initial"),
        ("households", "0012_household_names_search"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, create, elidable=False)],
            state_operations=[
                migrations.AlterField(
                    model_name="household",
                    name="commune",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="households", to="geo.administrativeunit",
                                            verbose_name="xã"),
                ),
                migrations.AlterField(
                    model_name="household",
                    name="current_status",
                    field=models.CharField(blank=True, max_length=16, verbose_name="tình trạng hiện tại"),
                ),
                migrations.AlterField(
                    model_name="household",
                    name="head_search",
                    field=models.CharField(default="", editable=False, max_length=150),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="name_search",
                    field=models.CharField(default="", editable=False, max_length=150),
                ),
            ],
        ),
    ]
