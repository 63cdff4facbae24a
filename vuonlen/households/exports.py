"""Filtered household lists as .xlsx: always through the reader's scope, ID numbers masked
unless the reader may see them, and every export written to the audit log (the filter, never
a name).

The workbook has two sheets: the list of households as on the list page, and the members in
the layout of the import template, so a commune can correct its list in Excel and bring the
new households back in (households already there are recognised and skipped).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from vuonlen.accounts import roles, scoping
from vuonlen.core import xlsx
from vuonlen.core.audit import audit_record
from vuonlen.core.formats import format_date
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.core.spreadsheets import workbook_bytes

from . import ethnicity, selectors
from .imports import HOUSEHOLD_TEMPLATE_COLUMNS, H
from .models import Area, EducationLevel, Household, Membership, Relation, SchoolStatus, Sex
from .validation import mask_citizen_id

LIST_COLUMNS = ("STT", "Mã xã", "Xã", "Thôn", "Mã hộ", "Chủ hộ", "Dân tộc", "Khu vực", "Số nhân khẩu",
                "Tình trạng", "Năm công nhận", "Điện thoại", "Địa chỉ")
_CHUNK = 2_000


def _labels(choices) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices}


_SEX, _RELATION = _labels(Sex.choices), _labels(Relation.choices)
_SCHOOL, _EDUCATION, _AREA = _labels(SchoolStatus.choices), _labels(EducationLevel.choices), _labels(Area.choices)


def _status_labels() -> dict[str, str]:
    from vuonlen.poverty import STATUS_LABELS_VI

    return {str(k): v for k, v in STATUS_LABELS_VI.items()}


def describe_filters(filters: selectors.HouseholdFilters) -> str:
    """The filter in words, for the audit log and the file's heading. The search text is left
    out: it is often a person's name."""
    from vuonlen.geo.models import AdministrativeUnit

    parts = []
    if filters.unit:
        unit = AdministrativeUnit.objects.filter(pk=filters.unit).values_list("name", "code").first()
        if unit:
            parts.append(f"địa bàn {unit[0]} ({unit[1]})")
    if filters.status:
        parts.append(f"tình trạng {_status_labels().get(filters.status, filters.status)}")
    if filters.year:
        parts.append(f"năm {filters.year}")
    if filters.ethnicity:
        parts.append(f"dân tộc {ethnicity.NAMES.get(filters.ethnicity, filters.ethnicity)}")
    if filters.area:
        parts.append(f"khu vực {_AREA.get(filters.area, filters.area)}")
    if filters.minority is not None:
        parts.append("hộ DTTS" if filters.minority else "hộ không DTTS")
    parts.append({"active": "đang theo dõi", "ended": "đã kết thúc", "all": "mọi hộ"}.get(filters.state,
                                                                                      filters.state))
    if filters.q:
        parts.append("có từ khoá tìm kiếm")
    return "; ".join(parts)


def _members_by_household(household_ids: list[int]) -> dict[int, list[Membership]]:
    members: dict[int, list[Membership]] = defaultdict(list)
    for start in range(0, len(household_ids), _CHUNK):
        chunk = household_ids[start:start + _CHUNK]
        for membership in (Membership.objects.filter(household_id__in=chunk, ended_on__isnull=True)
                           .select_related("person").order_by("household_id", "started_on", "pk")):
            members[membership.household_id].append(membership)
    for rows in members.values():
        rows.sort(key=lambda m: m.relation != Relation.HEAD)  # the head first, as the template asks
    return members


def _birth(person) -> object:
    if person.birth_date:
        return person.birth_date
    return person.birth_year or ""


def _bold(sheet, values: Iterable[str]) -> list:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cells.append(cell)
    return cells


def export_households(households: Iterable[Household], *, id_scope: scoping.Scope, heading: str) -> bytes:
    """The workbook for ``households`` (already scoped and filtered: a selector's queryset).

    ``id_scope`` is the reader's scope for full ID numbers; outside it, and wherever the
    reader lacks the right, a number shows only its last four digits.
    """
    households = list(households)
    members = _members_by_household([h.pk for h in households])
    statuses = _status_labels()
    workbook = xlsx.new_workbook(write_only=True)

    listing = workbook.create_sheet("Danh sách hộ")
    for letter, width in zip("ABCDEFGHIJKLM", (6, 8, 24, 20, 11, 26, 12, 11, 9, 24, 9, 13, 28)):
        listing.column_dimensions[letter].width = width
    listing.freeze_panes = "A5"
    title = WriteOnlyCell(listing, value="DANH SÁCH HỘ GIA ĐÌNH")
    title.font = Font(bold=True, size=13)
    listing.append([title])
    listing.append([heading])
    listing.append([f"Xuất ngày {format_date(today_vn())}; {len(households)} hộ"])
    listing.append(_bold(listing, LIST_COLUMNS))
    for number, h in enumerate(households, start=1):
        village = h.unit.name if h.unit_id != h.commune_id else ""
        listing.append([number, h.commune.code, h.commune.name, village, h.code, h.head_name,
                        ethnicity.NAMES.get(h.ethnicity, h.ethnicity), _AREA.get(h.area, h.area),
                        len(members.get(h.pk, [])), statuses.get(h.current_status, ""),
                        h.current_status_year or "", h.phone, h.address])

    people = workbook.create_sheet("Nhân khẩu")
    columns = list(HOUSEHOLD_TEMPLATE_COLUMNS)
    for index, width in enumerate((8, 18, 11, 11, 13, 24, 18, 26, 8, 12, 15, 12, 15, 9, 18, 20, 18)):
        people.column_dimensions[get_column_letter(index + 1)].width = width
    people.freeze_panes = "A2"
    people.append(_bold(people, columns))
    for h in households:
        full = id_scope.covers_path(h.unit.path)
        household_cells = {H.COMMUNE: h.commune.code, H.VILLAGE: h.unit.name if h.unit_id != h.commune_id else "",
                           H.CODE: h.code, H.AREA: _AREA.get(h.area, "") if h.area_overridden else "",
                           H.PHONE: h.phone, H.ADDRESS: h.address, H.NOTES: h.notes}
        for m in members.get(h.pk, []):
            p = m.person
            cid = p.citizen_id or ""
            values = {**household_cells, H.NAME: p.full_name, H.SEX: _SEX.get(p.sex, p.sex), H.BIRTH: _birth(p),
                      H.RELATION: _RELATION.get(m.relation, m.relation),
                      H.ETHNICITY: ethnicity.NAMES.get(p.ethnicity, p.ethnicity),
                      H.CITIZEN_ID: cid if full else mask_citizen_id(cid),
                      H.INSURANCE: "Có" if p.health_insurance else "Không",
                      H.SCHOOL: _SCHOOL.get(p.school_status, ""), H.EDUCATION: _EDUCATION.get(p.education_level, ""),
                      H.OCCUPATION: p.occupation}
            row = []
            for column in columns:
                value = values[column]
                if isinstance(value, dt.date):
                    cell = WriteOnlyCell(people, value=value)
                    cell.number_format = "DD/MM/YYYY"
                    value = cell
                row.append(value)
            people.append(row)
    return workbook_bytes(workbook)


def household_export(*, actor, filters: selectors.HouseholdFilters, source: str = "web") -> tuple[bytes, int]:
    """The reader's filtered list as .xlsx, and how many households it holds; audited."""
    households = list(selectors.household_list(actor, filters).select_related("unit", "commune"))
    description = describe_filters(filters)
    content = export_households(households, id_scope=scoping.scope_for(actor, roles.HOUSEHOLD_VIEW_ID),
                                heading=f"Lọc: {description}")
    full_ids = scoping.can(actor, roles.HOUSEHOLD_VIEW_ID)
    audit_record(actor=actor, action=AuditAction.EXPORT, source=source, object_repr="Danh sách hộ gia đình",
                 note=(f"Xuất {len(households)} hộ ra tệp .xlsx; lọc: {description}; "
                       f"số định danh {'đầy đủ trong phạm vi được xem' if full_ids else 'che bớt'}")[:500])
    return content, len(households)
