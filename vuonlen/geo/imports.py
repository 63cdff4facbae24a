"""Village import from .xlsx or .csv: every problem reported at once, or every row written.

A commune's list of villages usually lives in an Excel file made by hand: a title merged
across the top, headers typed with or without diacritics, codes stored as numbers, old CSV
exports in Windows-1258. The reader tolerates all of that; the checker then names each bad
cell by the row number the person sees in their spreadsheet and by its column.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import BinaryIO, Iterable

import charset_normalizer
import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import InvalidFileException

from vuonlen.accounts import roles, scoping
from vuonlen.core.audit import audit_record
from vuonlen.core.formats import format_number
from vuonlen.core.models import AuditAction
from vuonlen.core.text import fold, nfc

from . import services
from .models import AdministrativeUnit, Era, Level, UnitType

COL_CODE, COL_NAME, COL_TYPE = "Mã xã", "Tên thôn", "Loại"
COLUMNS = (COL_CODE, COL_NAME, COL_TYPE)
HEADER_SCAN_ROWS = 10
MAX_ROWS = 20_000

# Header text after folding and dropping punctuation; a header also matches by its prefix.
_HEADER_EXACT = {
    COL_CODE: {"ma xa", "ma don vi", "ma dvhc", "ma so xa", "commune code"},
    COL_NAME: {"thon", "ten", "thon lang", "village", "village name"},
    COL_TYPE: {"phan loai", "type"},
}
_HEADER_PREFIX = {COL_CODE: ("ma xa",), COL_NAME: ("ten thon",), COL_TYPE: ("loai",)}
_TYPES = {"thon": UnitType.THON, "lang": UnitType.LANG, "to dan pho": UnitType.TO_DAN_PHO,
          "tdp": UnitType.TO_DAN_PHO}


@dataclass(frozen=True)
class RowError:
    row: int | None  # the row number shown by the spreadsheet; None for the file as a whole
    column: str
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class _FileRejected(Exception):
    """The file cannot be read as a table at all."""


# --- reading ------------------------------------------------------------------------------

def _read_limited(file: BinaryIO | bytes) -> bytes:
    if isinstance(file, bytes):
        data = file
    else:
        file.seek(0)
        # One byte past the limit is enough to know the file is too big.
        data = file.read(settings.VUONLEN_MAX_IMPORT_BYTES + 1)
    limit = settings.VUONLEN_MAX_IMPORT_BYTES
    if len(data) > limit:
        megabytes = limit / (1024 * 1024)
        shown = format_number(megabytes, 0 if megabytes.is_integer() else 1)
        raise _FileRejected(f"Tệp quá lớn: mỗi lần chỉ nhập được tệp tối đa {shown} MB")
    if not data.strip():
        raise _FileRejected("Tệp rỗng: không có dữ liệu")
    return data


def _xlsx_rows(data: bytes) -> list[list]:
    if not data.startswith(b"PK"):
        raise _FileRejected("Tệp không phải bảng tính .xlsx hợp lệ")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise _FileRejected("Tệp không phải bảng tính .xlsx hợp lệ") from None
    try:
        # The first sheet with a recognisable header: templates may put instructions elsewhere.
        first_rows: list[list] | None = None
        for sheet in workbook.worksheets:
            rows = _take_rows(sheet.iter_rows(values_only=True))
            if first_rows is None:
                first_rows = rows
            if _find_header(rows)[0] is not None:
                return rows
        return first_rows or []
    finally:
        workbook.close()


def _take_rows(rows: Iterable) -> list[list]:
    taken = []
    for row in rows:
        if len(taken) > MAX_ROWS:
            raise _FileRejected(f"Tệp có quá nhiều dòng: tối đa {format_number(MAX_ROWS)} dòng mỗi lần nhập")
        taken.append(list(row))
    return taken


def _decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, Windows-1258, then a detector's guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _FileRejected("Tệp UTF-16 bị hỏng; hãy lưu lại dưới dạng “CSV UTF-8”") from None
    if b"\x00" in data:
        raise _FileRejected("Tệp không phải tệp văn bản CSV")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
        if _plausible(text):
            return text
    except UnicodeDecodeError:
        pass
    guess = charset_normalizer.from_bytes(data).best()
    if guess is None:
        raise _FileRejected("Không nhận ra bảng mã của tệp; hãy lưu lại dưới dạng “CSV UTF-8”")
    return str(guess)


def _plausible(text: str) -> bool:
    # Windows-1258 writes tones as combining marks; after NFC a mark still standing alone,
    # or a control character, means the bytes were in some other encoding.
    for ch in text:
        if unicodedata.combining(ch):
            return False
        if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t":
            return False
    return True


def _csv_rows(data: bytes) -> list[list]:
    text = unicodedata.normalize("NFC", _decode_csv(data))
    best: list[list] = []
    for delimiter in (",", ";", "\t"):
        rows = _take_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        if _find_header(rows)[0] is not None:
            return rows
        if not best or max(map(len, rows), default=0) > max(map(len, best), default=0):
            best = rows
    return best


def read_table(file: BinaryIO | bytes, filename: str) -> list[list]:
    """The file's cells as rows of raw values (row 1 first), or ``_FileRejected``."""
    name = filename.lower()
    if name.endswith(".xls"):
        raise _FileRejected("Tệp .xls (Excel 97-2003) chưa được hỗ trợ; hãy lưu lại dưới dạng .xlsx")
    if not name.endswith((".xlsx", ".csv")):
        raise _FileRejected("Chỉ nhận tệp .xlsx hoặc .csv")
    data = _read_limited(file)
    return _xlsx_rows(data) if name.endswith(".xlsx") else _csv_rows(data)


# --- header --------------------------------------------------------------------------------

def _header_key(value) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(_text(value))).strip()


def _column_for(value) -> str | None:
    key = _header_key(value)
    for column in COLUMNS:
        if key in _HEADER_EXACT[column] or key.startswith(_HEADER_PREFIX[column]):
            return column
    return None


def _find_header(rows: list[list]) -> tuple[int | None, dict[str, int]]:
    """Index of the header row among the first rows, and each column's position in it.

    When no row has all three columns, returns (None, the best partial match) so the
    message can say which column is missing.
    """
    best: dict[str, int] = {}
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found: dict[str, int] = {}
        for position, value in enumerate(row):
            column = _column_for(value)
            if column and column not in found:
                found[column] = position
        if len(found) == len(COLUMNS):
            return index, found
        if len(found) > len(best):
            best = found
    return None, best


# --- checking ------------------------------------------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


def _code(typed: str) -> str:
    # Excel drops leading zeros from codes typed as numbers: 4 means commune 00004.
    text = typed.lstrip("'")
    return text.zfill(5) if text.isdigit() else text


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
    header_index, positions = _find_header(rows)
    if header_index is not None:
        return header_index, positions
    missing = [c for c in COLUMNS if c not in positions]
    if positions:
        raise _FileRejected(f"Dòng tiêu đề thiếu cột: {', '.join(missing)}")
    raise _FileRejected(f"Không tìm thấy dòng tiêu đề có các cột {', '.join(COLUMNS)} "
                        f"trong {HEADER_SCAN_ROWS} dòng đầu của tệp")


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

def _workbook_bytes(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def errors_xlsx(errors: Iterable[RowError]) -> bytes:
    """The error report: one line per problem, with the row and column as in the person's file."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Lỗi")
    sheet.column_dimensions["A"].width = 8
    sheet.column_dimensions["B"].width = 14
    sheet.column_dimensions["C"].width = 90
    sheet.append(["Dòng", "Cột", "Lỗi"])
    for error in errors:
        sheet.append([error.row if error.row is not None else "", error.column, error.message])
    return _workbook_bytes(workbook)


def template_xlsx(communes: Iterable[AdministrativeUnit] = ()) -> bytes:
    """An empty list to fill in, with the codes of the communes the person may add villages to."""
    workbook = openpyxl.Workbook()
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
    return _workbook_bytes(workbook)
