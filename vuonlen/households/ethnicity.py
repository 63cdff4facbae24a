"""The 54 ethnic groups of Vietnam with their official codes (Danh mục các dân tộc Việt Nam,
Quyết định 121-TCTK/PPCĐ ngày 02/3/1979 of the General Statistics Office).

Kon Tum's own groups come first in pickers (see ``KON_TUM_FIRST``).
"""

from __future__ import annotations

ETHNIC_GROUPS: list[tuple[str, str]] = [
    ("01", "Kinh"), ("02", "Tày"), ("03", "Thái"), ("04", "Hoa"), ("05", "Khơ Me"), ("06", "Mường"),
    ("07", "Nùng"), ("08", "Hmông"), ("09", "Dao"), ("10", "Gia Rai"), ("11", "Ngái"), ("12", "Ê Đê"),
    ("13", "Ba Na"), ("14", "Xơ Đăng"), ("15", "Sán Chay"), ("16", "Cơ Ho"), ("17", "Chăm"),
    ("18", "Sán Dìu"), ("19", "Hrê"), ("20", "Mnông"), ("21", "Raglai"), ("22", "Xtiêng"),
    ("23", "Bru Vân Kiều"), ("24", "Thổ"), ("25", "Giáy"), ("26", "Cơ Tu"), ("27", "Giẻ Triêng"),
    ("28", "Mạ"), ("29", "Khơ Mú"), ("30", "Co"), ("31", "Tà Ôi"), ("32", "Chơ Ro"), ("33", "Kháng"),
    ("34", "Xinh Mun"), ("35", "Hà Nhì"), ("36", "Chu Ru"), ("37", "Lào"), ("38", "La Chí"),
    ("39", "La Ha"), ("40", "Phù Lá"), ("41", "La Hủ"), ("42", "Lự"), ("43", "Lô Lô"), ("44", "Chứt"),
    ("45", "Mảng"), ("46", "Pà Thẻn"), ("47", "Cơ Lao"), ("48", "Cống"), ("49", "Bố Y"), ("50", "Si La"),
    ("51", "Pu Péo"), ("52", "Brâu"), ("53", "Ơ Đu"), ("54", "Rơ Măm"),
]
KINH = "01"
# Xơ Đăng, Ba Na, Giẻ Triêng, Gia Rai, Hrê, Brâu, Rơ Măm, Kinh.
KON_TUM_FIRST = ["14", "13", "27", "10", "19", "52", "54", "01"]

NAMES = dict(ETHNIC_GROUPS)


def choices() -> list[tuple[str, str]]:
    """Kon Tum's groups first, then the rest in code order."""
    first = [(code, NAMES[code]) for code in KON_TUM_FIRST]
    rest = [(code, name) for code, name in ETHNIC_GROUPS if code not in KON_TUM_FIRST]
    return first + rest


def is_minority(code: str | None) -> bool:
    return bool(code) and code != KINH
