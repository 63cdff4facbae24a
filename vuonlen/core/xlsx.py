"""The one writer of .xlsx files: every export, template, error report, official table and
dashboard file is built on ``Workbook`` here and turned into bytes by ``workbook_bytes``.

Why one writer: a value typed by a user is data, never a formula. openpyxl stores any string
starting with "=" as a formula, so a member named ``=HYPERLINK("http://…","click")`` would
become a live link in the household export (formula injection). Here every string is written
as a string cell (``data_type "s"``, no ``<f>`` element in the sheet's XML), whatever its
first character ("=", "+", "-", "@", tab, CR): the visible text is exactly what was typed,
numbers stay numbers and dates stay dates. The project writes no formulas into cells (the
drop-down lists' ranges are data validations, not cells).

- In a normal workbook the cells are made text when the workbook is saved
  (``workbook_bytes``), however they were set (``sheet.append``, ``sheet.cell``, ``cell.value``).
- In a write-only workbook rows are streamed to disk as they are appended, so its sheets turn
  strings into text cells in ``append``.
"""

from __future__ import annotations

import io

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .responses import XLSX

CONTENT_TYPE = XLSX


def as_text(cell) -> None:
    """A string cell that openpyxl took for a formula becomes the string it is."""
    if cell.data_type == "f" and isinstance(cell.value, str):
        cell.data_type = "s"


def _text_value(sheet, value):
    if isinstance(value, Cell):
        as_text(value)
        return value
    if isinstance(value, str) and value.startswith("="):
        cell = Cell(sheet, row=1, column=1, value=value)
        cell.data_type = "s"
        return cell
    return value


class _TextWriteOnlyWorksheet(WriteOnlyWorksheet):
    def append(self, row):
        super().append([_text_value(self, value) for value in row])


class Workbook(openpyxl.Workbook):
    """openpyxl's workbook whose write-only sheets write strings as text (see the module)."""

    def create_sheet(self, title=None, index=None):
        if not self.write_only:
            return super().create_sheet(title, index)
        sheet = _TextWriteOnlyWorksheet(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet


def new_workbook(*, write_only: bool = False, empty: bool = False) -> Workbook:
    """A workbook to fill; ``empty`` removes the default sheet (sheets are then added by name)."""
    workbook = Workbook(write_only=write_only)
    if empty and not write_only:
        workbook.remove(workbook.active)
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    """The .xlsx file, with every cell from data written as text (never a formula)."""
    if not isinstance(workbook, Workbook):
        raise TypeError("Every .xlsx is built on vuonlen.core.xlsx.Workbook, so user data is never a formula")
    if not workbook.write_only:
        for sheet in workbook.worksheets:
            for cell in sheet._cells.values():
                as_text(cell)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- CSV -----------------------------------------------------------------------------------------

# A spreadsheet opening a .csv runs a cell that starts with one of these as a formula; CSV has no
# "text" cell type, so the guard is OWASP's: such a cell starts with an apostrophe, which the
# spreadsheet shows as text and does not display.
_CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, str) and text.startswith(_CSV_FORMULA_STARTS):
        return "'" + text
    return text


def csv_bytes(rows) -> bytes:
    """The one CSV writer (send it with ``core.responses.file_response(…, kind="csv")``): UTF-8
    with a BOM (Excel then reads Vietnamese right), every string from data guarded so that it is
    never run as a formula. Numbers are written as they are (a negative amount stays a number)."""
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
