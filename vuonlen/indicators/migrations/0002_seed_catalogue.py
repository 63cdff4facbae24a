"""The plan's indicators as the default set of the 2021–2025 phase (catalogue.DEFAULTS)."""

from django.db import migrations

from vuonlen.indicators.catalogue import DEFAULTS


def seed(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    Phase = apps.get_model("campaign", "Phase")
    phase = Phase.objects.filter(code="2021-2025").first()
    for item in DEFAULTS:
        fields = {k: v for k, v in item.items() if k != "code"}
        fields = {k: ("" if v is None and k in {"formula", "entry_kind"} else v) for k, v in fields.items()}
        indicator, _created = Indicator.objects.get_or_create(code=item["code"], defaults=fields)
        if phase is not None:
            indicator.phases.add(phase)


def unseed(apps, schema_editor):
    apps.get_model("indicators", "Indicator").objects.filter(code__in=[i["code"] for i in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial"), ("campaign", "0002_seed_phase_2021_2025")]
    operations = [migrations.RunPython(seed, unseed)]
