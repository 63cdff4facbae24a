"""Load real administrative units from the ``vietnam-provinces`` package (GSO codes).

``load_province(62)`` loads former Kon Tum as it was before 1 July 2025 (province, 10
district-level units, 102 communes) and the post-reform communes its communes merged into
(all in the new Quảng Ngãi, code 51), with the ward-level lineage table the package ships
(``_ward_conversion_2025``, from the official conversion list). Running it again updates
names and types in place and never duplicates a unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from vietnam_provinces import base as new_base
from vietnam_provinces import __version__ as VP_VERSION
from vietnam_provinces._ward_conversion_2025 import EFFECTIVE_DATE, OLD_TO_NEW
from vietnam_provinces.legacy import base as legacy_base

from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction

from .models import REFORM_DATE, AdministrativeUnit, Era, Level, UnitLineage, UnitType

SOURCE = f"vietnam-provinces {VP_VERSION}"
OLD_VALID_TO = REFORM_DATE - dt.timedelta(days=1)

_TYPE_MAP = {
    "tỉnh": UnitType.TINH,
    "thành phố trung ương": UnitType.THANH_PHO_TW,
    "thành phố": UnitType.THANH_PHO,
    "huyện": UnitType.HUYEN,
    "thị xã": UnitType.THI_XA,
    "quận": UnitType.QUAN,
    "xã": UnitType.XA,
    "phường": UnitType.PHUONG,
    "thị trấn": UnitType.THI_TRAN,
    "đặc khu": UnitType.DAC_KHU,
}


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    lineage: int = 0

    def __str__(self) -> str:
        return f"{self.created} đơn vị mới, {self.updated} cập nhật, {self.lineage} quan hệ kế thừa"


class _Writer:
    def __init__(self, result: LoadResult):
        self.result = result
        self.existing = {(u.era, u.level, u.code): u for u in AdministrativeUnit.objects.all()}

    def put(self, *, era, level, code, name, division_type, parent, valid_from, valid_to) -> AdministrativeUnit:
        unit = self.existing.get((era, level, code))
        unit_type = _TYPE_MAP[str(division_type)]
        if unit is None:
            unit = AdministrativeUnit(era=era, level=level, code=code)
            self.result.created += 1
        elif (unit.name, unit.unit_type, unit.parent_id) == (name, unit_type, parent.pk if parent else None):
            return unit
        else:
            self.result.updated += 1
        unit.set_name(name)
        unit.unit_type = unit_type
        unit.parent = parent
        unit.valid_from = valid_from
        unit.valid_to = valid_to
        unit.source = SOURCE
        unit.save()
        path = unit.compute_path()
        if unit.path != path:
            unit.path = path
            AdministrativeUnit.objects.filter(pk=unit.pk).update(path=path)
        self.existing[(era, level, code)] = unit
        return unit


@transaction.atomic
def load_province(province_code: int, *, actor=None) -> LoadResult:
    result = LoadResult()
    writer = _Writer(result)
    try:
        old_province = legacy_base.Province.from_code(legacy_base.ProvinceCode(province_code))
    except ValueError:
        raise ValueError(f"Không có tỉnh mã {province_code} trong dữ liệu trước 01/7/2025") from None

    old_p = writer.put(era=Era.PRE_2025, level=Level.PROVINCE, code=f"{province_code:02d}",
                       name=old_province.name, division_type=old_province.division_type, parent=None,
                       valid_from=None, valid_to=OLD_VALID_TO)
    old_wards = []
    for district in legacy_base.District.iter_by_province(old_province.code):
        old_d = writer.put(era=Era.PRE_2025, level=Level.DISTRICT, code=f"{int(district.code):03d}",
                           name=district.name, division_type=district.division_type, parent=old_p,
                           valid_from=None, valid_to=OLD_VALID_TO)
        for ward in legacy_base.Ward.iter_by_district(district.code):
            old_w = writer.put(era=Era.PRE_2025, level=Level.COMMUNE, code=f"{int(ward.code):05d}",
                               name=ward.name, division_type=ward.division_type, parent=old_d,
                               valid_from=None, valid_to=OLD_VALID_TO)
            old_wards.append((int(ward.code), old_w))

    effective = dt.date.fromisoformat(EFFECTIVE_DATE)
    new_provinces: dict[int, AdministrativeUnit] = {}
    links: list[tuple[AdministrativeUnit, AdministrativeUnit, bool]] = []
    for ward_code, old_w in old_wards:
        entry = OLD_TO_NEW.get(ward_code)
        if entry is None:
            continue
        for ref in entry.new_wards:
            if ref.province_code not in new_provinces:
                province = new_base.Province.from_code(new_base.ProvinceCode(ref.province_code))
                new_provinces[ref.province_code] = writer.put(
                    era=Era.POST_2025, level=Level.PROVINCE, code=f"{ref.province_code:02d}",
                    name=province.name, division_type=province.division_type, parent=None,
                    valid_from=effective, valid_to=None)
            ward = new_base.Ward.from_code(new_base.WardCode(ref.code))
            new_w = writer.put(era=Era.POST_2025, level=Level.COMMUNE, code=f"{ref.code:05d}",
                               name=ward.name, division_type=ward.division_type,
                               parent=new_provinces[ref.province_code], valid_from=effective, valid_to=None)
            links.append((old_w, new_w, entry.old_ward.is_partly_merged))

    for new_p in new_provinces.values():
        links.append((old_p, new_p, len(new_provinces) > 1))
    existing_links = {(l.old_unit_id, l.new_unit_id): l for l in UnitLineage.objects.filter(
        old_unit__in=[o for o, _, _ in links])}
    for old_unit, new_unit, partly in links:
        link = existing_links.get((old_unit.pk, new_unit.pk))
        if link is None:
            UnitLineage.objects.create(old_unit=old_unit, new_unit=new_unit, partly_merged=partly,
                                       effective_date=effective, source=SOURCE)
            result.lineage += 1
        elif link.partly_merged != partly:
            link.partly_merged = partly
            link.save(update_fields=["partly_merged"])
            result.lineage += 1

    if result.created or result.updated or result.lineage:
        audit_record(actor=actor, action=AuditAction.IMPORT, instance=old_p, source="command",
                     note=f"Nạp đơn vị hành chính tỉnh {province_code} từ {SOURCE}: {result}")
    return result
