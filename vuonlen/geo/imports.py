"""Village import from .xlsx or .csv: every problem reported at once, or every row written.

A commune's list of villages usually lives in an Excel file made by hand: a title merged
across the top, headers typed with or without diacritics, codes stored as numbers, old CSV
exports in Windows-1258. The reader tolerates all of that; the checker then names each bad
cell by the row number the person sees in their spreadsheet and by its column.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import transaction
from openpyxl.styles import Alignment, Font

from vuonlen.accounts import roles, scoping
from vuonlen.core import spreadsheets, xlsx
from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction
from vuonlen.core.spreadsheets import Column, RowError, errors_xlsx  # noqa: F401 - part of this module's API
from vuonlen.core.text import fold, nfc

from . import services
from .models import AdministrativeUnit, Era, Level, UnitType

COL_CODE, COL_NAME, COL_TYPE = "Mã xã", "Tên thôn", "Loại"
COLUMNS = (COL_CODE, COL_NAME, COL_TYPE)
HEADER_SCAN_ROWS = spreadsheets.HEADER_SCAN_ROWS
MAX_ROWS = 20_000

# Header text after folding and dropping punctuation; a header also matches by its prefix.
_COLUMNS = (
    Column.of(COL_CODE, "ma xa", "ma don vi", "ma dvhc", "ma so xa", "commune code", prefixes=("ma xa",)),
    Column.of(COL_NAME, "thon", "ten", "thon lang", "village", "village name", prefixes=("ten thon",)),
    Column.of(COL_TYPE, "phan loai", "type", prefixes=("loai",)),
)
_TYPES = {"thon": UnitType.THON, "lang": UnitType.LANG, "to dan pho": UnitType.TO_DAN_PHO,
          "tdp": UnitType.TO_DAN_PHO}


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


_FileRejected = spreadsheets.FileRejected


def read_table(file: BinaryIO | bytes, filename: str) -> list[list]:
    """The file's cells as rows of raw values (row 1 first), or ``FileRejected``."""
    return spreadsheets.read_table(file, filename, columns=_COLUMNS, max_rows=MAX_ROWS)


_text = spreadsheets.cell_text
_header_key = spreadsheets.header_key


# --- checking ------------------------------------------------------------------------------

_code = spreadsheets.code_text


def _type(value) -> str | None:
    return _TYPES.get(_header_key(value))


@dataclass
class _Candidate:
    row: int
    commune: AdministrativeUnit
    name: str
    unit_type: str


class _Checker:
    def __init__(self, actor, era: str, records: list[tuple[int, str, str, object]]):
        self.actor = actor
        self.errors: list[RowError] = []
        self.candidates: list[_Candidate] = []
        codes = {_code(typed) for _, typed, _, _ in records if typed}
        self.communes = {u.code: u for u in AdministrativeUnit.objects.filter(
            era=era, level=Level.COMMUNE, code__in=codes).select_related("parent")}
        self.existing = set(AdministrativeUnit.objects.filter(
            parent__in=self.communes.values(), level=Level.VILLAGE).values_list("parent_id", "name_search"))
        self.seen: dict[tuple[int, str], int] = {}

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    def commune(self, row: int, typed: str) -> AdministrativeUnit | None:
        if not typed:
            self.error(row, COL_CODE, "Thiếu mã xã")
            return None
        unit = self.communes.get(_code(typed))
        # Missing and out of scope read the same, so the message reveals nothing outside the scope.
        if unit is None or not scoping.can(self.actor, roles.UNIT_VIEW, unit):
            self.error(row, COL_CODE, f"Không tìm thấy xã mã {typed[:30]} trong phạm vi của bạn")
            return None
        if not scoping.can(self.actor, roles.UNIT_MANAGE_VILLAGES, unit):
            self.error(row, COL_CODE, f"Bạn không có quyền thêm thôn cho {unit.name} (mã {typed})")
            return None
        return unit

    def name(self, row: int, name: str, commune: AdministrativeUnit | None) -> bool:
        if not name:
            self.error(row, COL_NAME, "Thiếu tên thôn")
            return False
        if len(name) > services.NAME_MAX:
            self.error(row, COL_NAME, f"Tên thôn dài quá {services.NAME_MAX} ký tự")
            return False
        if commune is None:
            return True
        key = (commune.pk, fold(name))
        if key in self.existing:
            self.error(row, COL_NAME, f"{commune.name} đã có thôn “{name}”")
            return False
        if key in self.seen:
            self.error(row, COL_NAME, f"Thôn “{name}” của {commune.name} trùng với dòng {self.seen[key]}")
            return False
        self.seen[key] = row
        return True

    def unit_type(self, row: int, value) -> str | None:
        if not _text(value):
            self.error(row, COL_TYPE, "Thiếu loại (thôn, làng hoặc tổ dân phố)")
            return None
        unit_type = _type(value)
        if unit_type is None:
            self.error(row, COL_TYPE, f"Loại “{_text(value)[:30]}” không hợp lệ: chỉ nhận thôn, làng hoặc tổ dân phố")
        return unit_type

    def check(self, row: int, code: str, name: str, type_value) -> None:
        commune = self.commune(row, code)
        name_ok = self.name(row, name, commune)
        unit_type = self.unit_type(row, type_value)
        if commune and name_ok and unit_type:
            self.candidates.append(_Candidate(row, commune, name, unit_type))


def _records(rows: list[list], header_index: int, positions: dict[str, int]):
    """(spreadsheet row number, code as typed, name, raw type) for each row below the header with data."""
    def cell(row: list, column: str):
        position = positions[column]
        return row[position] if position < len(row) else None

    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        code, name, type_value = _text(cell(row, COL_CODE)), _text(cell(row, COL_NAME)), cell(row, COL_TYPE)
        if code or name or _text(type_value):
            yield index + 1, code, name, type_value


def _locate(rows: list[list]) -> tuple[int, dict[str, int]]:
    return spreadsheets.locate_header(rows, _COLUMNS)


# --- writing -------------------------------------------------------------------------------

class _RowsFailed(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(errors)
        self.errors = errors


@transaction.atomic
def _write(*, actor, candidates: list[_Candidate], filename: str, era: str) -> int:
    items = [(c.commune, c.name, c.unit_type) for c in candidates]
    try:
        services.villages_create_many(actor=actor, items=items, source="import")
    except services.BulkDuplicate as exc:
        # Someone added the same village after the check: the whole file rolls back.
        raise _RowsFailed([RowError(candidates[i].row, COL_NAME, m) for i, m in exc.clashes]) from exc
    audit_record(actor=actor, action=AuditAction.IMPORT, source="import", object_repr=f"Thôn, làng: {filename}"[:300],
                 note=f"Nhập {len(candidates)} thôn từ tệp {filename} ({Era(era).label})")
    return len(candidates)


def village_import(*, actor, file: BinaryIO | bytes, filename: str, era: str = Era.PRE_2025) -> ImportResult:
    """Check the whole file; write every village only if no row has a problem.

    Commune codes are read in ``era`` (by default before 1 July 2025, the campaign's data period).
    """
    try:
        rows = read_table(file, filename)
        header_index, positions = _locate(rows)
    except _FileRejected as exc:
        return ImportResult(errors=[RowError(None, "", str(exc))])
    records = list(_records(rows, header_index, positions))
    if not records:
        return ImportResult(errors=[RowError(None, "", "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề")])
    checker = _Checker(actor, era, records)
    for record in records:
        checker.check(*record)
    if checker.errors:
        return ImportResult(errors=checker.errors)
    try:
        created = _write(actor=actor, candidates=checker.candidates, filename=nfc(filename), era=era)
    except _RowsFailed as exc:
        return ImportResult(errors=exc.errors)
    return ImportResult(created=created)


# --- spreadsheets to download ---------------------------------------------------------------

def template_xlsx(communes: Iterable[AdministrativeUnit] = ()) -> bytes:
    """An empty list to fill in, with the codes of the communes the person may add villages to."""
    workbook = xlsx.new_workbook()
    sheet = workbook.active
    sheet.title = "Danh sách thôn"
    sheet["A1"] = "DANH SÁCH THÔN, LÀNG, TỔ DÂN PHỐ"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.merge_cells("A1:C1")
    sheet.append([])
    sheet.append(list(COLUMNS))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABC", (12, 40, 16)):
        sheet.column_dimensions[letter].width = width
    sheet.column_dimensions["A"].number_format = "@"

    guide = workbook.create_sheet("Mã xã")
    guide.append(["Mã xã", "Tên xã", "Thuộc"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for commune in communes:
        guide.append([commune.code, commune.name, commune.parent.name if commune.parent_id else ""])
    guide.append([])
    guide.append(["Cột “Loại” nhận: thôn, làng, tổ dân phố (có hoặc không dấu)."])
    for letter, width in zip("ABC", (12, 36, 36)):
        guide.column_dimensions[letter].width = width
    return spreadsheets.workbook_bytes(workbook)
