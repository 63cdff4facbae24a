"""Seed the editable indicator lists from the pure-Python defaults (vuonlen.poverty.STANDARDS)."""

from django.db import migrations


def seed(apps, schema_editor):
    from vuonlen.households.year_standards import indicator_rows

    PovertyIndicator = apps.get_model("households", "PovertyIndicator")
    existing = set(PovertyIndicator.objects.values_list("standard", "code"))
    PovertyIndicator.objects.bulk_create(
        [PovertyIndicator(**row) for row in indicator_rows() if (row["standard"], row["code"]) not in existing])


class Migration(migrations.Migration):

    dependencies = [
        ("households", "0007_poverty_indicator"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
