"""Reading the spreadsheets people make by hand, and writing the error reports sent back.

Every import (villages, households, reviews, campaign assessments, targets) goes through here,
so a file is read the same way everywhere: a title merged across the top, headers typed with or
without diacritics, a numbering row under the header, codes stored as numbers, dates as real
cells, as text or as Excel's day numbers, CSV exports in Windows-1258.
Errors name the row as the person sees it in their spreadsheet (row 1 is the first row),
and the column by its header.

.xlsx, .xls and .ods are read with python-calamine (Rust): reading 130,000 rows takes about a
second, where openpyxl's read-only mode takes over ten. Every limit (size, inflated size,
declared used range, rows, columns, cells) is checked before parsing, and the parse runs in a
child process with a memory cap and a time limit (``sheet_guard``, ``sheet_child``), so no file
can take the caller down. The one writer of .xlsx files is ``core.xlsx``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

import charset_normalizer
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from . import sheet_guard, xlsx
from .formats import format_number
from .responses import XLSX
from .sheet_guard import FileRejected, FileUnreadable  # noqa: F401 - re-exported for the imports
from .text import fold, nfc

HEADER_SCAN_ROWS = sheet_guard.sheet_child.HEAD_ROWS


@dataclass(frozen=True)
class RowError:
    row: int | None  # the row number shown by the spreadsheet; None for the file as a whole
    column: str
    message: str


@dataclass(frozen=True)
class Column:
    """A column an import looks for: ``name`` is the header as written in the templates and
    in error reports; a header cell matches when its folded text is one of ``exact`` or
    starts with one of ``prefixes``."""

    name: str
    exact: frozenset[str]
    prefixes: tuple[str, ...] = ()
    required: bool = True

    @classmethod
    def of(cls, name: str, *aliases: str, prefixes: Sequence[str] = (), required: bool = True) -> Column:
        keys = {header_key(name), *(header_key(a) for a in aliases)}
        return cls(name, frozenset(keys), tuple(header_key(p) for p in prefixes), required)

    def matches(self, key: str) -> bool:
        return key in self.exact or (bool(self.prefixes) and key.startswith(self.prefixes))


# --- cells -----------------------------------------------------------------------------------

def cell_text(value) -> str:
    """A cell as NFC text: numbers typed as whole numbers lose their ``.0``; empty is ''."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


def header_key(value) -> str:
    """A header reduced to folded words: “Mã xã (*)” and “ma  xa” are the same column."""
    return re.sub(r"[^a-z0-9]+", " ", fold(cell_text(value))).strip()


def code_text(value, width: int = 5) -> str:
    """A unit code as typed: Excel drops leading zeros from codes stored as numbers (4 is 00004),
    and a leading apostrophe is Excel's way of forcing text."""
    text = cell_text(value).lstrip("'")
    return text.zfill(width) if text.isdigit() else text


# --- reading ---------------------------------------------------------------------------------

# The formats communes really send: Excel 2007+, Excel 97-2003, LibreOffice / OpenOffice, CSV.
IMPORT_EXTENSIONS = (".xlsx", ".xls", ".ods", ".csv")
IMPORT_CONTENT_TYPES = (
    XLSX,
    "application/vnd.ms-excel",
    "application/vnd.oasis.opendocument.spreadsheet",
    "text/csv",
)
# For a file input's ``accept`` attribute: the extensions and their content types.
IMPORT_ACCEPT = ",".join(IMPORT_EXTENSIONS + IMPORT_CONTENT_TYPES)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_limited(file: BinaryIO | bytes, limit: int | None = None) -> bytes:
    limit = limit or settings.VUONLEN_MAX_IMPORT_BYTES
    if isinstance(file, bytes):
        data = file
    else:
        file.seek(0)
        # One byte past the limit is enough to know the file is too big.
        data = file.read(limit + 1)
    if len(data) > limit:
        megabytes = limit / (1024 * 1024)
        shown = format_number(megabytes, 0 if megabytes.is_integer() else 1)
        raise FileRejected(f"Tệp quá lớn: mỗi lần chỉ nhập được tệp tối đa {shown} MB")
    if not data.strip():
        raise FileRejected("Tệp rỗng: không có dữ liệu")
    return data


def _too_many(max_rows: int) -> FileRejected:
    return sheet_guard.too_many_rows(max_rows)


def _take_rows(rows: Iterable, max_rows: int, max_cells: int) -> list[list]:
    taken = []
    cells = 0
    for row in rows:
        if len(taken) > max_rows:
            raise _too_many(max_rows)
        cells += len(row)
        if cells > max_cells:
            raise FileRejected(_("Tệp có quá nhiều ô: tối đa %(limit)s ô mỗi lần nhập")
                               % {"limit": format_number(max_cells)})
        taken.append(list(row))
    return taken


class Table:
    """A file's rows (row 1 first) as they are read: ``rows`` holds those read so far, ``more``
    reads the next ones. An .xlsx is read by a child process while the caller works on the rows
    it has (``core.sheet_child``); limits found on the way raise ``FileRejected`` from ``more``."""

    def __init__(self, pieces: Iterator[tuple[list[list], float]]):
        self.rows: list[list] = []
        self.share = 0.0  # of the sheet read so far
        self.complete = False
        self._pieces = pieces

    def more(self) -> bool:
        """Read the next rows; False when there are no more."""
        if self.complete:
            return False
        try:
            rows, self.share = next(self._pieces)
        except StopIteration:
            self.complete, self.share = True, 1.0
            return False
        except BaseException:
            self.close()
            raise
        self.rows.extend(rows)
        return True

    def read(self, count: int | None = None) -> list[list]:
        """At least ``count`` rows when the file has them (every row when None)."""
        while (count is None or len(self.rows) < count) and self.more():
            pass
        if count is None:
            self.close()
        return self.rows

    def estimated_rows(self) -> int:
        """How many rows the file has: exact once read, until then from the share read so far."""
        if self.complete or self.share <= 0:
            return len(self.rows)
        return max(len(self.rows), round(len(self.rows) / self.share))

    def close(self) -> None:
        """Stop reading (the child is killed)."""
        close = getattr(self._pieces, "close", None)
        if close is not None:
            close()
        self.complete = True


def _sheet_table(data: bytes, filename: str, columns: Sequence[Column], max_rows: int) -> Table:
    """An .xlsx, .xls or .ods: the limits checked from the file's bookkeeping, then the cells read
    in a child process (``core.sheet_guard``)."""
    limits = sheet_guard.Limits.from_settings()
    # By content, not by name: an .xlsx renamed .xls is common, and is checked as the zip it is.
    if data.startswith(b"PK"):
        archive = sheet_guard.check_zip(data, filename, limits)
        sheet_guard.check_dimensions(archive, filename, max_rows, limits)
    elif not (data.startswith(_OLE2) and filename.lower().endswith(".xls")):
        raise sheet_guard.invalid(filename)

    def has_header(head: list[list]) -> bool:
        return find_header(head, columns)[0] is not None

    # The first sheet with a recognisable header: templates put their guide on another sheet.
    return Table(sheet_guard.rows_in_child(data, filename, max_rows=max_rows, choose=has_header, limits=limits))


def _decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, Windows-1258, then a detector's guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise FileRejected("Tệp UTF-16 bị hỏng; hãy lưu lại dưới dạng “CSV UTF-8”") from None
    if b"\x00" in data:
        raise FileRejected("Tệp không phải tệp văn bản CSV")
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
        raise FileRejected("Không nhận ra bảng mã của tệp; hãy lưu lại dưới dạng “CSV UTF-8”")
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


def _csv_rows(data: bytes, columns: Sequence[Column], max_rows: int) -> list[list]:
    text = unicodedata.normalize("NFC", _decode_csv(data))
    max_cells = sheet_guard.Limits.from_settings().cells
    best: list[list] = []
    for delimiter in (",", ";", "\t"):
        rows = _take_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), max_rows, max_cells)
        if find_header(rows, columns)[0] is not None:
            return rows
        if not best or max(map(len, rows), default=0) > max(map(len, best), default=0):
            best = rows
    return best


def open_table(file: BinaryIO | bytes, filename: str, *, columns: Sequence[Column], max_rows: int,
               limit: int | None = None) -> Table:
    """The file's cells as rows of raw values (row 1 first), read as they are asked for
    (``Table``); or ``FileRejected`` (``FileUnreadable`` when the parser died on the file: see
    ``core.sheet_guard``), here or from ``Table.more``.

    Values keep their type where the file has one (numbers, dates, booleans); empty cells
    are None or ''. The sheet (of an .xlsx, .xls or .ods) or the delimiter (of a .csv) is the
    first one whose rows show a header with ``columns``. Every limit (size, inflated size,
    declared used range, rows, columns, cells, memory, time) is checked, before or while
    parsing, for every import.
    """
    name = filename.lower()
    if not name.endswith(IMPORT_EXTENSIONS):
        raise FileRejected(_("Chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv"))
    data = read_limited(file, limit)
    if name.endswith(".csv"):
        return Table(iter([(_csv_rows(data, columns, max_rows), 1.0)]))
    return _sheet_table(data, filename, columns, max_rows)


def read_table(file: BinaryIO | bytes, filename: str, *, columns: Sequence[Column], max_rows: int,
               limit: int | None = None) -> list[list]:
    """Every row of the file at once (``open_table``, read to its end)."""
    return open_table(file, filename, columns=columns, max_rows=max_rows, limit=limit).read()


# --- header ----------------------------------------------------------------------------------

def find_header(rows: list[list], columns: Sequence[Column],
                scan_rows: int = HEADER_SCAN_ROWS) -> tuple[int | None, dict[str, int]]:
    """Index of the header row among the first rows, and each column's position in it.

    A header row has every required column. When none has, returns (None, the best partial
    match) so the message can say which column is missing.
    """
    required = [c.name for c in columns if c.required]
    best: dict[str, int] = {}
    for index, row in enumerate(rows[:scan_rows]):
        found: dict[str, int] = {}
        for position, value in enumerate(row):
            key = header_key(value)
            if not key:
                continue
            column = next((c for c in columns if c.matches(key)), None)
            if column is not None and column.name not in found:
                found[column.name] = position
        if all(name in found for name in required):
            return index, found
        if sum(name in found for name in required) > sum(name in best for name in required):
            best = found
    return None, best


# A column number as government sheets print them under the header: "1", "(1)", "A", "(B)",
# or a number with how it is computed, "4=3/1*100".
_COLUMN_NUMBER = re.compile(r"^\(?\s*(?:(\d{1,3})(?:\s*=\s*[\d()+\-*/x.,% ]+)?|[A-Za-z]{1,2})\s*\)?$")
NUMBERING_SCAN_ROWS = 3
LOCATE_ROWS = HEADER_SCAN_ROWS + 1 + NUMBERING_SCAN_ROWS  # the rows locate_header may look at


def is_numbering_row(row: list) -> bool:
    """Whether a row is the numbering of the columns ("(1) (2) (3) …", "1 2 3 …", "A B 1 2 …")
    rather than data: at least two cells, every one a column number, the numbers rising."""
    texts = [cell_text(value) for value in row]
    texts = [text for text in texts if text]
    if len(texts) < 2:
        return False
    numbers = []
    for text in texts:
        match = _COLUMN_NUMBER.match(text)
        if match is None:
            return False
        if match.group(1) is not None:
            numbers.append(int(match.group(1)))
    return bool(numbers) and all(a < b for a, b in zip(numbers, numbers[1:]))


def skip_numbering_row(rows: list[list], header_index: int) -> None:
    """Blank the numbering row under the header, if there is one, so that no import reads it
    as data (every import skips blank rows; the rows keep their numbers)."""
    for index in range(header_index + 1, min(len(rows), header_index + 1 + NUMBERING_SCAN_ROWS)):
        if not any(cell_text(value) for value in rows[index]):
            continue
        if is_numbering_row(rows[index]):
            rows[index] = []
        return


def locate_header(rows: list[list], columns: Sequence[Column],
                  scan_rows: int = HEADER_SCAN_ROWS) -> tuple[int, dict[str, int]]:
    """The header row's index and each column's position; a numbering row under the header
    is blanked (``skip_numbering_row``)."""
    header_index, positions = find_header(rows, columns, scan_rows)
    if header_index is not None:
        skip_numbering_row(rows, header_index)
        return header_index, positions
    required = [c.name for c in columns if c.required]
    missing = [name for name in required if name not in positions]
    if positions:
        raise FileRejected(f"Dòng tiêu đề thiếu cột: {', '.join(missing)}")
    raise FileRejected(f"Không tìm thấy dòng tiêu đề có các cột {', '.join(required)} "
                       f"trong {scan_rows} dòng đầu của tệp")


# --- spreadsheets to download ----------------------------------------------------------------

class RowChecker:
    """What every import's row checker shares: the located columns, the errors gathered with
    row and column, and the non-blank data rows below the header."""

    def __init__(self, positions: dict[str, int]):
        self.positions = positions
        self.errors: list[RowError] = []

    def cell(self, row: list, name: str):
        index = self.positions.get(name)
        return row[index] if index is not None and index < len(row) else None

    def error(self, row: int | None, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    @staticmethod
    def data_rows(rows: list[list], header_index: int):
        """(spreadsheet row number, cells) of every row below the header with any content."""
        for index in range(header_index + 1, len(rows)):
            if any(cell_text(v) != "" for v in rows[index]):
                yield index + 1, rows[index]


workbook_bytes = xlsx.workbook_bytes


def errors_xlsx(errors: Iterable[RowError]) -> bytes:
    """The error report: one line per problem, with the row and column as in the person's file."""
    workbook = xlsx.new_workbook(write_only=True)
    sheet = workbook.create_sheet("Lỗi")
    sheet.column_dimensions["A"].width = 8
    sheet.column_dimensions["B"].width = 24
    sheet.column_dimensions["C"].width = 90
    sheet.freeze_panes = "A2"
    sheet.append(["Dòng", "Cột", "Lỗi"])
    for error in errors:
        sheet.append([error.row if error.row is not None else "", error.column, error.message])
    return workbook_bytes(workbook)


def bold_row(sheet, row: int) -> None:
    for cell in sheet[row]:
        cell.font = Font(bold=True)
