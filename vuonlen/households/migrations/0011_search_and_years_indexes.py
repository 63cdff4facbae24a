"""Indexes for the list's search and the dashboards' review years (issue 17, national scale).

- ``households_member_person_hh`` (membership: person, household) replaces the person foreign
  key's own index (created first, then the old one dropped, so a person's memberships are never
  unindexed): the search's members' arm goes from the people whose name matches to their
  households by index-only probes.
- ``households_review_recog_year`` (review: year, only recognised reviews): the years with a
  recognised review are found by a few probes (``dashboards.selectors.recognised_years``), not
  by reading every review.
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
PERSON_FK_INDEX = "households_membership_person_id_5a68e9e4"  # the name Django gave it (0001)


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
            model_name='review',
            index=models.Index(condition=models.Q(('recognised', True)), fields=['year'], name='households_review_recog_year'),
        ),
        migrations.RunPython(create_code_index, drop_code_index, elidable=False),
    ]
