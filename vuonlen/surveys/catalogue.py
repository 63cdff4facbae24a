"""The causes-of-poverty catalogue as first seeded (migration 0002 keeps its own frozen copy).
``ensure_catalogue`` puts it back where a database lost it (a test database flushed by a
transactional test, a restore of an empty database); rows already there are left as kept."""

from __future__ import annotations

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


def ensure_catalogue() -> int:
    """Create the missing seeded causes; returns how many were created."""
    from .models import PovertyCause

    have = set(PovertyCause.objects.values_list("code", flat=True))
    missing = [PovertyCause(code=code, name=name, order=order * 10)
               for order, (code, name) in enumerate(CAUSES, start=1) if code not in have]
    PovertyCause.objects.bulk_create(missing)
    return len(missing)
