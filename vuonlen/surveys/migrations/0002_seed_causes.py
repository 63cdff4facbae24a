"""The causes-of-poverty catalogue, as the province's review forms and the district plan name
them (lack of land, capital, labour, skills; illness; customs; remoteness …). The administrator
keeps it afterwards (admin: Danh mục nguyên nhân nghèo)."""

from django.db import migrations

CAUSES = [
    ("thieu_dat", "Thiếu đất sản xuất"),
    ("thieu_von", "Thiếu vốn sản xuất, kinh doanh"),
    ("thieu_lao_dong", "Thiếu lao động"),
    ("thieu_ky_nang", "Thiếu kiến thức, kỹ năng sản xuất"),
    ("thieu_viec_lam", "Không có việc làm ổn định"),
    ("om_dau", "Ốm đau, bệnh tật, tai nạn"),
    ("tap_quan", "Phong tục, tập quán lạc hậu"),
    ("trong_cho", "Tư tưởng trông chờ, ỷ lại"),
    ("xa_xoi", "Ở vùng sâu, xa, giao thông khó khăn"),
    ("thieu_thi_truong", "Khó tiếp cận thị trường tiêu thụ"),
    ("thien_tai", "Thiên tai, dịch bệnh"),
    ("te_nan", "Mắc tệ nạn xã hội (rượu chè, cờ bạc…)"),
    ("khac", "Nguyên nhân khác"),
]


def seed(apps, schema_editor):
    PovertyCause = apps.get_model("surveys", "PovertyCause")
    for order, (code, name) in enumerate(CAUSES, start=1):
        PovertyCause.objects.update_or_create(code=code, defaults={"name": name, "order": order * 10})


def unseed(apps, schema_editor):
    apps.get_model("surveys", "PovertyCause").objects.filter(code__in=[c for c, _ in CAUSES]).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
