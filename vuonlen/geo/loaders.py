"""Load real administrative units from the ``vietnam-provinces`` package (GSO codes).

``load_new_province(51)`` loads the new Quảng Ngãi whole: its 96 communes and every pre-2025
province merged into it (old Quảng Ngãi and old Kon Tum), with the lineage.
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
from vietnam_provinces import __version__ as VP_VERSION
from vietnam_provinces import base as new_base
from vietnam_provinces._ward_conversion_2025 import EFFECTIVE_DATE, OLD_TO_NEW
from vietnam_provinces.legacy import base as legacy_base

from vuonlen.core.audit import audit_record
from vuonlen.core.bulk import analyze
from vuonlen.core.models import AuditAction
from vuonlen.core.text import fold

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


def _old_province_codes_for(new_code: int) -> list[int]:
    """The pre-2025 provinces with at least one commune merged into new province ``new_code``."""
    return sorted({entry.old_ward.province_code for entry in OLD_TO_NEW.values()
                   if any(ref.province_code == new_code for ref in entry.new_wards)})


def _put_old_province(writer: _Writer, province_code: int):
    try:
        old_province = legacy_base.Province.from_code(legacy_base.ProvinceCode(province_code))
    except ValueError:
        raise ValueError(f"Không có tỉnh mã {province_code} trong dữ liệu trước 01/7/2025") from None
    old_p = writer.put(era=Era.PRE_2025, level=Level.PROVINCE, code=f"{province_code:02d}",
                       name=old_province.name, division_type=old_province.division_type, parent=None,
                       valid_from=None, valid_to=OLD_VALID_TO)
    old_wards, bare_districts = [], []
    for district in legacy_base.District.iter_by_province(old_province.code):
        old_d = writer.put(era=Era.PRE_2025, level=Level.DISTRICT, code=f"{int(district.code):03d}",
                           name=district.name, division_type=district.division_type, parent=old_p,
                           valid_from=None, valid_to=OLD_VALID_TO)
        wards = list(legacy_base.Ward.iter_by_district(district.code))
        if not wards:
            bare_districts.append((district, old_d))
        for ward in wards:
            old_w = writer.put(era=Era.PRE_2025, level=Level.COMMUNE, code=f"{int(ward.code):05d}",
                               name=ward.name, division_type=ward.division_type, parent=old_d,
                               valid_from=None, valid_to=OLD_VALID_TO)
            old_wards.append((int(ward.code), old_w))
    return old_p, old_wards, bare_districts


def _bare_name(name: str, division_type) -> str:
    return fold(name.removeprefix(str(division_type).capitalize()).strip())


def _heir_of_bare_district(district, province_codes) -> object | None:
    """A district without communes (Huyện Lý Sơn had none left in 2024) has no row in the
    ward-level conversion list; it continues in the new unit of the same name (Đặc khu Lý Sơn)."""
    wanted = _bare_name(district.name, district.division_type)
    for code in province_codes:
        for ward in new_base.Ward.iter_by_province(new_base.ProvinceCode(code)):
            if _bare_name(ward.name, ward.division_type) == wanted:
                return ward
    return None


class _NewEra:
    """Post-2025 provinces and communes, written on first use."""

    def __init__(self, writer: _Writer):
        self.writer = writer
        self.effective = dt.date.fromisoformat(EFFECTIVE_DATE)
        self.provinces: dict[int, AdministrativeUnit] = {}

    def province(self, code: int) -> AdministrativeUnit:
        if code not in self.provinces:
            try:
                province = new_base.Province.from_code(new_base.ProvinceCode(code))
            except ValueError:
                raise ValueError(f"Không có tỉnh mã {code} trong dữ liệu từ 01/7/2025") from None
            self.provinces[code] = self.writer.put(
                era=Era.POST_2025, level=Level.PROVINCE, code=f"{code:02d}", name=province.name,
                division_type=province.division_type, parent=None, valid_from=self.effective, valid_to=None)
        return self.provinces[code]

    def commune(self, ward) -> AdministrativeUnit:
        return self.writer.put(era=Era.POST_2025, level=Level.COMMUNE, code=f"{int(ward.code):05d}",
                               name=ward.name, division_type=ward.division_type,
                               parent=self.province(int(ward.province_code)), valid_from=self.effective,
                               valid_to=None)


def _load(old_codes: list[int], *, new_code: int | None, actor) -> LoadResult:
    result = LoadResult()
    writer = _Writer(result)
    new_era = _NewEra(writer)
    if new_code is not None:
        new_era.province(new_code)
        for ward in new_base.Ward.iter_by_province(new_base.ProvinceCode(new_code)):
            new_era.commune(ward)
    links: list[tuple[AdministrativeUnit, AdministrativeUnit, bool]] = []
    old_provinces = []
    for old_code in old_codes:
        old_p, old_wards, bare_districts = _put_old_province(writer, old_code)
        old_provinces.append(old_p)
        reached: set[int] = set()
        for ward_code, old_w in old_wards:
            entry = OLD_TO_NEW.get(ward_code)
            if entry is None:
                continue
            for ref in entry.new_wards:
                new_w = new_era.commune(new_base.Ward.from_code(new_base.WardCode(ref.code)))
                reached.add(ref.province_code)
                links.append((old_w, new_w, entry.old_ward.is_partly_merged))
        for district, old_d in bare_districts:
            ward = _heir_of_bare_district(district, sorted(reached))
            if ward is not None:
                links.append((old_d, new_era.commune(ward), False))
        for province_code in sorted(reached):
            links.append((old_p, new_era.province(province_code), len(reached) > 1))
    result.lineage = _write_links(links, new_era.effective)
    if result.created or result.updated or result.lineage:
        # Statistics for the units at once: every scope, list and count of a new province reads
        # them through paths, and the planner took a table it had never analysed for one row.
        analyze(AdministrativeUnit, UnitLineage)
        what = (f"tỉnh {new_code:02d} (từ 01/7/2025) và các tỉnh cũ {', '.join(f'{c:02d}' for c in old_codes)}"
                if new_code is not None else f"tỉnh {old_codes[0]}")
        anchor = new_era.provinces.get(new_code) if new_code is not None else old_provinces[0]
        audit_record(actor=actor, action=AuditAction.IMPORT, instance=anchor, source="command",
                     note=f"Nạp đơn vị hành chính {what} từ {SOURCE}: {result}")
    return result


def _write_links(links, effective: dt.date) -> int:
    changed = 0
    existing_links = {(link.old_unit_id, link.new_unit_id): link for link in UnitLineage.objects.filter(
        old_unit__in=[o for o, _, _ in links])}
    for old_unit, new_unit, partly in links:
        link = existing_links.get((old_unit.pk, new_unit.pk))
        if link is None:
            UnitLineage.objects.create(old_unit=old_unit, new_unit=new_unit, partly_merged=partly,
                                       effective_date=effective, source=SOURCE)
            changed += 1
        elif link.partly_merged != partly:
            link.partly_merged = partly
            link.save(update_fields=["partly_merged"])
            changed += 1
    return changed


@transaction.atomic
def load_province(province_code: int, *, actor=None) -> LoadResult:
    """A pre-2025 province (its districts and communes) and the new communes it merged into."""
    return _load([province_code], new_code=None, actor=actor)


@transaction.atomic
def load_new_province(new_code: int, *, actor=None) -> LoadResult:
    """A post-2025 province whole: all its communes, and every pre-2025 province merged into it
    (whole, with districts and communes) with the lineage. ``load_new_province(51)`` gives the new
    Quảng Ngãi's 96 communes, old Quảng Ngãi and old Kon Tum."""
    old_codes = _old_province_codes_for(new_code)
    if not old_codes:
        try:
            new_base.Province.from_code(new_base.ProvinceCode(new_code))
        except ValueError:
            raise ValueError(f"Không có tỉnh mã {new_code} trong dữ liệu từ 01/7/2025") from None
    return _load(old_codes, new_code=new_code, actor=actor)
