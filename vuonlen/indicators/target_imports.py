"""Targets in and out of Excel: the "Giao chỉ tiêu" grid as a list (one row per unit and
indicator), and the same list read back.

The import follows the rules of every import (docs/imports.md): the whole file is checked first
and every problem comes back at once with its row and column; nothing is written unless the
file is clean; one audit row per target written plus one for the file. A unit outside the
person's area reads "not found", exactly like an unknown code. A blank "Chỉ tiêu" cell is
skipped (a target is taken back on the page, not by leaving a cell empty); a blank "Văn bản
giao" keeps the letter already recorded. Importing an exported file unchanged changes nothing —
even rows of units the person may only read (their own unit's target, set by the level above),
which are refused only when their value differs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core import spreadsheets, xlsx
from vuonlen.core.audit import audit_record
from vuonlen.core.formats import format_number
from vuonlen.core.models import AuditAction
from vuonlen.core.spreadsheets import Column, FileRejected, RowError
from vuonlen.core.text import nfc
from vuonlen.geo.models import AdministrativeUnit

from .models import Indicator, Measure, Target
from .selectors import exists_in, may_set_target
from .services import TargetInput, clean_target, save_targets
from .targets import target_grid
from .values import plain_number

MAX_ROWS = 20_000
UNIT_CODE, UNIT_NAME, CODE, NAME, MEASURE, YEAR, VALUE, DOCUMENT, SYSTEM_ID = (
    "Mã đơn vị", "Tên đơn vị", "Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị tính", "Năm", "Chỉ tiêu", "Văn bản giao",
    "Mã hệ thống")
COLUMNS = (
    Column.of(UNIT_CODE, "ma dvhc", "ma xa", "ma huyen"),
    Column.of(UNIT_NAME, "don vi", required=False),
    Column.of(CODE),
    Column.of(NAME, required=False),
    Column.of(MEASURE, "don vi do", required=False),
    Column.of(YEAR, "nam giao"),
    Column.of(VALUE, "muc chi tieu", "chi tieu giao", "muc giao"),
    Column.of(DOCUMENT, "van ban", "so van ban", prefixes=("van ban giao",), required=False),
    Column.of(SYSTEM_ID, prefixes=("ma he thong",), required=False),
)
HEADERS = [c.name for c in COLUMNS]
HEADERS[-1] = "Mã hệ thống (không sửa)"
_ORDER = {c.name: i for i, c in enumerate(COLUMNS)}
FIELD_COLUMNS = {"indicator": CODE, "unit": UNIT_CODE, "year": YEAR, "value": VALUE, "document": DOCUMENT,
                 "phase_end": YEAR}
MEASURE_LABELS = {Measure.PERCENT: "%", Measure.COUNT: "số lượng", Measure.VND: "đồng",
                  Measure.POINTS_A_YEAR: "điểm % mỗi năm"}


# --- out --------------------------------------------------------------------------------------------

def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def export_targets(*, actor, unit: AdministrativeUnit, year: int) -> bytes:
    """The grid of ``unit`` and ``year`` as the reader sees it, one row per unit and indicator."""
    grid = target_grid(actor, unit, year)
    workbook = xlsx.new_workbook()
    sheet = workbook.active
    sheet.title = "Chỉ tiêu giao"
    sheet.append([f"Chỉ tiêu giao năm {year} – {unit.name} và các đơn vị trực thuộc"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(["Sửa cột “Chỉ tiêu” (và “Văn bản giao”) rồi nhập lại tệp trên trang Giao chỉ tiêu. "
                  "Ô “Chỉ tiêu” để trống thì bỏ qua. Không sửa cột “Mã hệ thống”."])
    sheet.append(HEADERS)
    header_row = sheet.max_row
    spreadsheets.bold_row(sheet, header_row)
    grey = Font(color="808080")
    for row in (grid.own, *grid.rows):
        for cell in row.cells:
            if not cell.applies:
                continue
            target = cell.target
            sheet.append([row.unit.code, row.unit.name, cell.indicator.code, cell.indicator.short_name,
                          MEASURE_LABELS.get(cell.indicator.measure, cell.indicator.measure), year,
                          _number(target.value) if target else None, target.document if target else "",
                          row.unit.pk])
            sheet.cell(sheet.max_row, 1).number_format = "@"
            sheet.cell(sheet.max_row, len(HEADERS)).font = grey
    widths = [12, 28, 16, 40, 14, 8, 12, 22, 22]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    fill = PatternFill("solid", fgColor="FFF2CC")
    for cells in sheet.iter_rows(min_row=header_row + 1, min_col=7, max_col=8):
        for cell in cells:
            cell.fill = fill
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    return spreadsheets.workbook_bytes(workbook)


# --- in ---------------------------------------------------------------------------------------------

@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return _("Tệp có %(n)s lỗi; chưa ghi chỉ tiêu nào.") % {"n": format_number(len(self.errors))}
        parts = [f"{label} {format_number(self.counts[key])}" for key, label in (
            ("created", _("giao mới")), ("updated", _("sửa"))) if self.counts.get(key)]
        tail = []
        if self.counts.get("unchanged"):
            tail.append(_("%(n)s dòng không thay đổi") % {"n": format_number(self.counts["unchanged"])})
        if self.counts.get("blank"):
            tail.append(_("%(n)s dòng để trống chỉ tiêu (bỏ qua)") % {"n": format_number(self.counts["blank"])})
        if not parts:
            return _("Không có thay đổi") + (f" ({'; '.join(tail)})." if tail else ".")
        saved = _("Đã lưu chỉ tiêu: %(parts)s") % {"parts": ", ".join(parts)}
        return saved + (f"; {'; '.join(tail)}." if tail else ".")


def _year(value) -> int | None:
    text = spreadsheets.cell_text(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year
    return int(text) if text.isdigit() and len(text) == 4 else None


def _code_variants(text: str) -> set[str]:
    """A code Excel stored as a number lost its leading zeros: 4 may be 04, 004 or 00004."""
    if not text.isdigit():
        return {text}
    return {text, text.zfill(2), text.zfill(3), text.zfill(5)}


@dataclass
class _Row:
    number: int
    unit_code: str
    system_id: str
    indicator_code: str
    year: int | None
    value: object
    document: str


class _Checker(spreadsheets.RowChecker):
    def __init__(self, actor, positions: dict[str, int]):
        super().__init__(positions)
        self.actor = actor
        self.rows: list[_Row] = []
        self.blank = 0

    def parse(self, rows: list[list], header_index: int) -> None:
        for number, raw in self.data_rows(rows, header_index):
            value = self.cell(raw, VALUE)
            if spreadsheets.cell_text(value) == "":
                self.blank += 1
                continue
            unit_code = spreadsheets.cell_text(self.cell(raw, UNIT_CODE)).lstrip("'").strip()
            indicator_code = spreadsheets.cell_text(self.cell(raw, CODE)).strip().upper()
            year_cell = self.cell(raw, YEAR)
            year = _year(year_cell)
            if not unit_code:
                self.error(number, UNIT_CODE, _("Thiếu mã đơn vị"))
            if not indicator_code:
                self.error(number, CODE, _("Thiếu mã chỉ tiêu"))
            if year is None:
                shown = spreadsheets.cell_text(year_cell)
                self.error(number, YEAR, _("“%(year)s” không phải là năm") % {"year": shown} if shown
                           else _("Thiếu năm"))
            self.rows.append(_Row(number, unit_code, spreadsheets.cell_text(self.cell(raw, SYSTEM_ID)).strip(),
                                  indicator_code, year, value, nfc(spreadsheets.cell_text(self.cell(raw, DOCUMENT)))))

    def _units(self) -> tuple[dict[int, AdministrativeUnit], dict[str, list[AdministrativeUnit]]]:
        ids = {int(r.system_id) for r in self.rows if r.system_id.isdigit()}
        codes = set().union(*(_code_variants(r.unit_code) for r in self.rows if r.unit_code)) if self.rows else set()
        found = AdministrativeUnit.objects.filter(pk__in=ids) | AdministrativeUnit.objects.filter(code__in=codes)
        by_id: dict[int, AdministrativeUnit] = {}
        by_code: dict[str, list[AdministrativeUnit]] = {}
        for unit in found.select_related("parent"):
            by_id[unit.pk] = unit
            by_code.setdefault(unit.code, []).append(unit)
        return by_id, by_code

    def visible(self, unit: AdministrativeUnit) -> bool:
        return self.actor is SYSTEM or scoping.can(self.actor, roles.INDICATOR_VIEW, unit)

    def resolve_unit(self, row: _Row, by_id, by_code) -> AdministrativeUnit | None:
        not_found = _("Không tìm thấy đơn vị mã %(code)s trong phạm vi của bạn") % {"code": row.unit_code}
        if row.system_id:
            unit = by_id.get(int(row.system_id)) if row.system_id.isdigit() else None
            if unit is None or not self.visible(unit):
                self.error(row.number, SYSTEM_ID, _("Không tìm thấy đơn vị có mã hệ thống %(id)s trong phạm vi của "
                                                    "bạn") % {"id": row.system_id})
                return None
            if unit.code not in _code_variants(row.unit_code):
                self.error(row.number, UNIT_CODE, _("Mã đơn vị %(code)s không khớp với mã hệ thống %(id)s (mã đúng là "
                                                    "%(right)s); đừng sửa hai cột này") % {
                    "code": row.unit_code, "id": row.system_id, "right": unit.code})
                return None
            return unit
        candidates = [u for code in _code_variants(row.unit_code) for u in by_code.get(code, ())
                      if self.visible(u) and (row.year is None or exists_in(u, row.year))]
        if not candidates:
            self.error(row.number, UNIT_CODE, not_found)
            return None
        if len(candidates) > 1:
            self.error(row.number, UNIT_CODE, _("Mã đơn vị %(code)s trùng ở nhiều cấp; hãy ghi thêm cột “Mã hệ thống” "
                                                "(xuất tệp từ trang Giao chỉ tiêu để có cột này)")
                       % {"code": row.unit_code})
            return None
        return candidates[0]

    def resolve(self) -> list[TargetInput]:
        by_id, by_code = self._units()
        indicators = {i.code: i for i in Indicator.objects.prefetch_related("phases").filter(
            code__in={r.indicator_code for r in self.rows})}
        resolved = []
        for row in self.rows:
            unit = self.resolve_unit(row, by_id, by_code) if row.unit_code else None
            indicator = indicators.get(row.indicator_code)
            if row.indicator_code and indicator is None:
                self.error(row.number, CODE, _("Không có chỉ tiêu mã %(code)s") % {"code": row.indicator_code})
            resolved.append((row, unit, indicator))
        pairs = {(u.pk, i.pk, r.year) for r, u, i in resolved if u and i and r.year}
        stored = {}
        if pairs:
            for target in Target.objects.filter(unit_id__in={p[0] for p in pairs}, indicator_id__in={p[1] for p in pairs},
                                                year__in={p[2] for p in pairs}):
                stored[(target.unit_id, target.indicator_id, target.year)] = target
        seen: dict[tuple[int, int, int], int] = {}
        ready: list[TargetInput] = []
        for row, unit, indicator in resolved:
            if unit is None or indicator is None or row.year is None:
                continue
            key = (unit.pk, indicator.pk, row.year)
            if key in seen:
                self.error(row.number, CODE, _("Trùng với dòng %(row)s: cùng đơn vị, chỉ tiêu và năm")
                           % {"row": seen[key]})
                continue
            seen[key] = row.number
            current = stored.get(key)
            document = row.document or (current.document if current else "")
            cleaned, problems = clean_target(indicator=indicator, unit=unit, year=row.year, value=row.value,
                                             document=document, phase_end=current.phase_end if current else False)
            for name, message in problems:
                self.error(row.number, FIELD_COLUMNS.get(name, VALUE), message)
            if problems:
                continue
            if current is not None and current.value == cleaned["value"] and current.document == document:
                continue  # unchanged: fine even where the person may only read
            if not may_set_target(self.actor, unit):
                self.error(row.number, UNIT_CODE, _("Bạn không có quyền giao chỉ tiêu cho %(unit)s (mức đang giao: "
                                                    "%(value)s)") % {
                    "unit": unit.name, "value": plain_number(current.value) if current else _("chưa có")})
                continue
            ready.append(TargetInput(indicator=indicator, unit=unit, year=row.year, value=cleaned["value"],
                                     document=document, phase_end=current.phase_end if current else False,
                                     key=str(row.number)))
        return ready


def can_import(actor) -> bool:
    return actor is SYSTEM or scoping.can(actor, roles.TARGET_SET)


def import_targets(*, actor, file: BinaryIO | bytes, filename: str) -> ImportResult:
    """Check the whole file, then write every target in one transaction (or nothing)."""
    if not can_import(actor):
        raise PermissionDenied(_("Bạn không có quyền giao chỉ tiêu"))
    filename = nfc(filename)
    try:
        rows = spreadsheets.read_table(file, filename, columns=COLUMNS, max_rows=MAX_ROWS)
        header_index, positions = spreadsheets.locate_header(rows, COLUMNS)
    except FileRejected as exc:
        return ImportResult(errors=[RowError(None, "", str(exc))])
    checker = _Checker(actor, positions)
    checker.parse(rows, header_index)
    if not checker.rows and not checker.errors and not checker.blank:
        return ImportResult(errors=[RowError(None, "", _("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề"))])
    ready = checker.resolve()
    if checker.errors:
        return ImportResult(errors=sorted(checker.errors, key=lambda e: (e.row or 0, _ORDER.get(e.column, 99))))
    counts = {"blank": checker.blank}
    try:
        with transaction.atomic():
            result = save_targets(actor=actor, inputs=ready, source="import", note=f"Nhập từ tệp {filename}"[:500])
            counts.update(created=len(result.created), updated=len(result.updated),
                          unchanged=len(checker.rows) - len(ready) + result.unchanged)
            if result.changed:
                audit_record(actor=actor, action=AuditAction.IMPORT, source="import",
                             object_repr=f"Chỉ tiêu giao: {filename}"[:300],
                             note=(f"Giao mới {len(result.created)}, sửa {len(result.updated)} chỉ tiêu; "
                                   f"{counts['unchanged']} dòng không thay đổi")[:500])
    except (ValidationError, PermissionDenied, Http404) as exc:
        # Someone changed the same targets between the check and the write.
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        return ImportResult(errors=[RowError(None, "", _("Chưa ghi gì: %(m)s") % {"m": m}) for m in messages])
    return ImportResult(counts=counts)


def errors_xlsx(errors: Sequence[RowError]) -> bytes:
    return spreadsheets.errors_xlsx(errors)
