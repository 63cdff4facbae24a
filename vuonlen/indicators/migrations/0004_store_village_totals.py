"""Village totals are stored in ``Rollup`` from now on (``rollups.STORED_MAX_LEVEL``): a database
that already holds roll-ups recomputes them once, so its villages' figures are there before the
first dashboard reads them. An empty database (a new install, the tests) has nothing to do."""

from django.db import migrations


def store_village_totals(apps, schema_editor):
    Rollup = apps.get_model("indicators", "Rollup")
    if not Rollup.objects.exists():
        return
    # The engine itself (not historical models): the same code that keeps the table fresh.
    from vuonlen.indicators import rollups

    rollups.recompute_all()


class Migration(migrations.Migration):
    # Every table the engine reads, at its state when this was written.
    dependencies = [
        ("indicators", "0003_phase_goal"),
        ("campaign", "0003_offline_client_uuid"),
        ("households", "0009_open_household_indexes"),
        ("outreach", "0002_handbook_topics"),
        ("initiatives", "0001_initial"),
        ("geo", "0001_initial"),
    ]

    operations = [migrations.RunPython(store_village_totals, migrations.RunPython.noop)]
