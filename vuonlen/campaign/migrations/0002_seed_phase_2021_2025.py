"""The campaign's first phase with its founding documents (seeds 000 and 002)."""

from django.db import migrations

PHASE = {
    "code": "2021-2025",
    "name": ("Cuộc vận động “Làm thay đổi nếp nghĩ, cách làm của đồng bào dân tộc thiểu số, làm cho đồng bào "
             "dân tộc thiểu số vươn lên thoát nghèo bền vững” giai đoạn 2021–2025"),
    "start_year": 2021,
    "end_year": 2025,
    "documents": [
        {"number": "08-KL/TU", "date": "2021-02-24", "title": "Kết luận của Ban Thường vụ Tỉnh ủy về việc triển "
                                                               "khai Cuộc vận động"},
        {"number": "26-KH/HU", "date": "2021-04-22", "title": "Kế hoạch của Ban Thường vụ Huyện ủy thực hiện "
                                                               "Kết luận số 08-KL/TU"},
    ],
}


def seed(apps, schema_editor):
    Phase = apps.get_model("campaign", "Phase")
    Phase.objects.get_or_create(code=PHASE["code"], defaults={k: v for k, v in PHASE.items() if k != "code"})


def unseed(apps, schema_editor):
    apps.get_model("campaign", "Phase").objects.filter(code=PHASE["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [("campaign", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
