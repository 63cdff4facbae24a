"""Demo villages for every commune of former Kon Tum (villages are in no official package)."""

from __future__ import annotations

from django.db import transaction

from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction
from vuonlen.core.text import fold, sort_key

from .loaders import load_province
from .models import AdministrativeUnit, Era, Level, UnitType, fill_paths

# Syllables of Ba Na and Xơ Đăng place names, so the demo reads like the province.
_FIRST = ["Kon", "Đăk", "Plei", "Tu", "Đăk Ba", "Kon Klor", "Măng", "Ngọc", "Pô", "Vi"]
_SECOND = ["Rơ Wang", "Tơ Lung", "Jri", "Kơ Tu", "Lấp", "Brông", "Hring", "Xốp", "Mơ Hra", "Pia",
           "Rơ Pơ", "Chờ", "Năng", "Bla", "Trang", "Ruồng", "Jơ Ri", "Rê", "Pong", "Sút"]


def _village_names(rng, commune: AdministrativeUnit) -> list[tuple[str, str]]:
    count = rng.randint(4, 12)
    if commune.unit_type == UnitType.PHUONG:
        return [(f"Tổ dân phố {i}", UnitType.TO_DAN_PHO) for i in range(1, count + 1)]
    names: list[tuple[str, str]] = []
    seen = set()
    numbered = rng.randint(0, count // 2)
    for i in range(1, numbered + 1):
        names.append((f"Thôn {i}", UnitType.THON))
    while len(names) < count:
        name = f"{rng.choice(_FIRST)} {rng.choice(_SECOND)}"
        if fold(name) in seen:
            continue
        seen.add(fold(name))
        if rng.random() < 0.5:
            names.append((f"Làng {name}", UnitType.LANG))
        else:
            names.append((f"Thôn {name}", UnitType.THON))
    return names


@transaction.atomic
def run(ctx) -> None:
    if not AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.PROVINCE).exists():
        ctx.say(f"Nạp đơn vị hành chính: {load_province(62)}")
    communes = list(AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.COMMUNE).order_by("code"))
    have_villages = set(AdministrativeUnit.objects.filter(level=Level.VILLAGE).values_list("parent_id", flat=True))
    new_villages = []
    for commune in communes:
        names = _village_names(ctx.rng, commune)  # drawn for every commune so the seed stays stable
        if commune.pk in have_villages:
            continue
        for seq, (name, unit_type) in enumerate(names, start=1):
            village = AdministrativeUnit(
                level=Level.VILLAGE, era=commune.era, code=f"{commune.code}-{seq:03d}", unit_type=unit_type,
                parent=commune, valid_from=commune.valid_from, valid_to=commune.valid_to, source="demo",
                name=name, name_search=fold(name), name_sort=sort_key(name),
            )
            new_villages.append(village)
    if not new_villages:
        return
    AdministrativeUnit.objects.bulk_create(new_villages, batch_size=500)
    fill_paths(AdministrativeUnit.objects.filter(level=Level.VILLAGE, path=""))
    audit_record(actor=None, action=AuditAction.IMPORT, source="demo",
                 object_repr="Thôn, làng (dữ liệu mẫu)", note=f"Tạo {len(new_villages)} thôn, làng mẫu")
    ctx.say(f"Thôn, làng mẫu: {len(new_villages)}")
