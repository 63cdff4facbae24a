"""Indexes for the list's search and the dashboards' review years (issue 17, national scale).

- ``households_member_person_hh`` (membership: person, household) and
  ``households_member_hh_person`` (household, person) replace the two foreign keys' own indexes
  (each created first, then the old one dropped, so memberships are never unindexed): the
  search's members' arm goes from the people whose name matches to their households, or from
  the scope's households to their people, by index-only scans.
- ``households_open_unit_ids`` (open households: unit, id): a commune officer's search reads
  the scope's household ids from the index alone. (An index on (unit, head_sort, code, id) for
  a commune officer's first page was measured and dropped: the planner keeps walking
  ``households_open_head_sort``.)
- ``households_review_recog_year`` (review: year, only recognised reviews): the years with a
  recognised review are found by a few probes (``dashboards.selectors.recognised_years``), not
  by reading every review.
- ``households_review_cur_status`` (current reviews: year, status, household): the list's
  "status in a year" filter (poor in 2024) reads the year's households of that status from the
  index alone, not from each review row.
- ``households_code_upper_pattern`` (PostgreSQL only): ``UPPER(code) text_pattern_ops``, for
  the search's code arm (``code__istartswith`` is ``UPPER(code) LIKE UPPER('…%')``), which read
  every household; the pattern operator class makes the prefix usable whatever the database's
  collation. SQLite has no operator classes: there the migration adds nothing for it.

On a large production registry these are long to build and block writes while they are: create
them first by hand with ``CREATE INDEX CONCURRENTLY`` under the same names and definitions (the
code index's ``IF NOT EXISTS`` then does nothing; for the two others, fake the migration after).
Measured in docs/scale.md.
"""

import django.db.models.deletion
from django.db import migrations, models

CODE_INDEX = "households_code_upper_pattern"
# The names Django gave the foreign keys' indexes (0001).
PERSON_FK_INDEX = "households_membership_person_id_5a68e9e4"
HOUSEHOLD_FK_INDEX = "households_membership_household_id_2ae0bcdc"


def create_code_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{CODE_INDEX}" ON "households_household" '
                          '(UPPER("code"::text) text_pattern_ops)')


def drop_code_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{CODE_INDEX}"')


class Migration(migrations.Migration):

    dependencies = [
        ('geo', '0001_initial'),
        ('households', '0010_search_trigram_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='membership',
            index=models.Index(fields=['person', 'household'], name='households_member_person_hh'),
        ),
        # Only the foreign key's index goes: Django's own AlterField would also drop (and not
        # re-create) the partial unique index households_one_open_membership on person_id, and
        # drop and re-check the foreign key on every membership.
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(
                model_name='membership',
                name='person',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='households.person', verbose_name='nhân khẩu'),
            )],
            database_operations=[migrations.RunSQL(
                f'DROP INDEX IF EXISTS "{PERSON_FK_INDEX}"',
                f'CREATE INDEX "{PERSON_FK_INDEX}" ON "households_membership" ("person_id")',
                elidable=False,
            )],
        ),
        migrations.AddIndex(
            model_name='membership',
            index=models.Index(fields=['household', 'person'], name='households_member_hh_person'),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AlterField(
                model_name='membership',
                name='household',
                field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='households.household', verbose_name='hộ'),
            )],
            database_operations=[migrations.RunSQL(
                f'DROP INDEX IF EXISTS "{HOUSEHOLD_FK_INDEX}"',
                f'CREATE INDEX "{HOUSEHOLD_FK_INDEX}" ON "households_membership" ("household_id")',
                elidable=False,
            )],
        ),
        migrations.AddIndex(
            model_name='household',
            index=models.Index(condition=models.Q(('ended_on__isnull', True)), fields=['unit', 'id'], name='households_open_unit_ids'),
        ),
        migrations.AddIndex(
            model_name='review',
            index=models.Index(condition=models.Q(('recognised', True)), fields=['year'], name='households_review_recog_year'),
        ),
        migrations.AddIndex(
            model_name='review',
            index=models.Index(condition=models.Q(('is_current', True)), fields=['year', 'status', 'household'], name='households_review_cur_status'),
        ),
        migrations.RunPython(create_code_index, drop_code_index, elidable=False),
    ]
