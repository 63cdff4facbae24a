"""Excel (.xlsx) sheets in the Vietnamese administrative layout, for summary tables.

The same layout as the Word builder (``documents.word``, Nghị định 30/2020/NĐ-CP, Phụ lục I)
carried over to a sheet, as the provinces' own summary sheets do it:

- top left the issuing body (ô 2: "ỦY BAN NHÂN DÂN" over the unit's name, upper case, bold);
- top right the national title and motto (ô 1), and under them the place and date in italics
  (ô 4, "Kon Tum, ngày 05 tháng 01 năm 2024": day below 10 and month below 3 with a zero);
- the table's name centred, upper case, bold (ô 5), then what it covers (unit, year);
- a header of merged cells over as many rows as the column groups need, and under it the
  numbered row ("A", "B", "1", "2", "4=3/1*100" …) that lets readers cite a column;
- thin borders on every cell of the table, Times New Roman, text wrapped in the header;
- numbers as real numbers: counts "#,##0", rates "#,##0.00". In a format code "," and "."
  mean "the thousands and decimal separators of the reader's locale", so Excel set to
  Vietnamese shows 1.500.000 and 12,34 while the cell keeps the number (sums, filters and
  charts still work); a rate without a denominator is the text "-", never 0 or an error;
- A4 landscape, fitted to the page width, the header rows repeated on every printed page,
  the header and the name columns frozen on screen;
- under the table, notes in italics and the signature titles (người lập biểu; TM. ủy ban).

Typical use::

    sheet = AdministrativeSheet(workbook.create_sheet("01"), columns=[Column("number", "TT", "A", "text"), …],
                                title="TỔNG HỢP …", issuer="Tỉnh Kon Tum", subtitle=["Năm 2023"],
                                place="Kon Tum", date=today)
    sheet.add_block([["", "Tổng cộng", 100, …]], style="total")
    sheet.add_block([["1", "Xã A", "Hộ", …], ["", "", "Nhân khẩu", …]], merge_columns=(0, 1))
    sheet.finish(notes=["…"], signatures=("NGƯỜI LẬP BIỂU\\n(Ký, ghi rõ họ tên)", "TM. ỦY BAN NHÂN DÂN\\nCHỦ TỊCH"))
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from vuonlen.core import xlsx

from .word import NATIONAL_MOTTO, NATIONAL_TITLE, date_line

XLSX_CONTENT_TYPE = xlsx.CONTENT_TYPE
FONT = "Times New Roman"
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
DASH = "-"

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True, indent=1)
_RIGHT = Alignment(horizontal="right", vertical="center")
# Points per line of 11-pt text, and how many characters a column of width 1 holds (Excel's unit
# is one "0" of the default font): wrapped header rows need a height, which Excel does not
# compute for merged cells.
_LINE_HEIGHT = 14.5
_CHARS_PER_WIDTH = 1.15


@dataclass(frozen=True)
class Column:
    """A leaf column: its key in the rows, header text, label in the numbered row, kind
    ("text", "count" or "rate") and width (Excel units)."""

    key: str
    label: str
    number: str = ""
    kind: str = "count"
    width: float = 9


@dataclass(frozen=True)
class ColumnGroup:
    """A header cell spanning the columns below it."""

    label: str
    children: tuple[Column | ColumnGroup, ...] = field(default_factory=tuple)


HeaderNode = Column | ColumnGroup


def leaves(nodes: Sequence[HeaderNode]) -> list[Column]:
    out: list[Column] = []
    for node in nodes:
        out.extend(leaves(node.children) if isinstance(node, ColumnGroup) else [node])
    return out


def depth(nodes: Sequence[HeaderNode]) -> int:
    return max((1 + depth(n.children) if isinstance(n, ColumnGroup) else 1) for n in nodes) if nodes else 0


@dataclass(frozen=True)
class HeaderCell:
    """One cell of the header grid: where it starts (0-based row and column) and its spans."""

    label: str
    row: int
    column: int
    rowspan: int
    colspan: int


def header_grid(nodes: Sequence[HeaderNode]) -> list[list[HeaderCell]]:
    """The header as rows of cells with their spans: the one layout both the HTML table and
    the sheet draw, so the screen and the file never disagree. A leaf reaches down to the
    last header row; a group spans its leaves."""
    total = depth(nodes)
    rows: list[list[HeaderCell]] = [[] for _ in range(total)]

    def place(items: Sequence[HeaderNode], row: int, column: int) -> int:
        for node in items:
            if isinstance(node, ColumnGroup):
                span = len(leaves(node.children))
                rows[row].append(HeaderCell(node.label, row, column, 1, span))
                place(node.children, row + 1, column)
                column += span
            else:
                rows[row].append(HeaderCell(node.label, row, column, total - row, 1))
                column += 1
        return column

    place(nodes, 0, 0)
    return rows


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text needs in a cell ``width`` wide, counted word by word."""
    per_line = max(1.0, width * _CHARS_PER_WIDTH)
    count = 0
    for paragraph in str(text).split("\n"):
        lines, used = 1, 0
        for word in paragraph.split():
            need = len(word) if used == 0 else used + 1 + len(word)
            if need > per_line and used:
                lines, used = lines + 1, len(word)
            else:
                used = need
            while used > per_line:  # a word longer than the cell ("9=1-2-3-4+5+6+7+8") breaks anywhere
                lines, used = lines + 1, used - per_line
        count += lines
    return max(count, 1)


class AdministrativeSheet:
    """One table on one sheet: heading, merged header, numbered row, body, notes, signatures."""

    def __init__(self, sheet: Worksheet, *, columns: Sequence[HeaderNode], title: str, issuer: str,
                 issuer_parent: str = "ỦY BAN NHÂN DÂN", subtitle: Sequence[str] | str = (),
                 place: str = "", date: dt.date | None = None, unit_note: str = "",
                 freeze_columns: int = 2, body_size: int = 11):
        self.sheet = sheet
        self.nodes = list(columns)
        self.columns = leaves(self.nodes)
        self.width = len(self.columns)
        self.body_size = body_size
        self.freeze_columns = freeze_columns
        for index, column in enumerate(self.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        self.row = 1
        self._heading(issuer_parent, issuer, place, date)
        self._title(title, [subtitle] if isinstance(subtitle, str) else list(subtitle), unit_note)
        self.header_first = self.row
        self._header()
        self.body_first = self.row

    def _span_width(self, first: int, last: int) -> float:
        return sum(c.width for c in self.columns[first - 1:last])

    # --- heading (ô 1, 2, 4, 5) -----------------------------------------------------------
    def _merged(self, row: int, first: int, last: int, value, *, bold=False, italic=False, size=12,
                align: Alignment = _CENTER) -> None:
        cell = self.sheet.cell(row=row, column=first, value=value)
        cell.font = Font(name=FONT, size=size, bold=bold, italic=italic)
        cell.alignment = align
        if last > first:
            self.sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)

    def _fit(self, row: int, text: str, first: int, last: int, size: int) -> None:
        """Give a merged, wrapped text row the height its lines need."""
        lines = _lines(text, self._span_width(first, last) * 11 / size)
        self.sheet.row_dimensions[row].height = max(self.sheet.row_dimensions[row].height or 0,
                                                    lines * _LINE_HEIGHT * size / 11 + 3)

    def _heading(self, issuer_parent: str, issuer: str, place: str, date: dt.date | None) -> None:
        # The issuing body takes the left ~40 %, the national title and motto the right half.
        left_last = max(2, round(self.width * 0.4))
        right_first = min(self.width, max(left_last + 1, self.width - round(self.width * 0.5) + 1))
        left = [line.upper() for line in (issuer_parent, issuer) if line]
        right = [(NATIONAL_TITLE, 12), (NATIONAL_MOTTO, 13)]
        for offset in range(max(len(left), len(right))):
            row = self.row + offset
            if offset < len(left):
                # The parent body in regular type, the issuing body itself in bold (Phụ lục I, II.2).
                self._merged(row, 1, left_last, left[offset], bold=offset == len(left) - 1, size=12)
                self._fit(row, left[offset], 1, left_last, 12)
            if offset < len(right):
                text, size = right[offset]
                self._merged(row, right_first, self.width, text, bold=True, size=size)
                self._fit(row, text, right_first, self.width, size)
        self.row += max(len(left), len(right))
        if date and place:
            self._merged(self.row, right_first, self.width, date_line(place, date), italic=True, size=12)
        self.row += 2

    def _title(self, title: str, subtitle: list[str], unit_note: str) -> None:
        self._merged(self.row, 1, self.width, title, bold=True, size=14)
        self._fit(self.row, title, 1, self.width, 14)
        self.row += 1
        for line in subtitle:
            if line:
                self._merged(self.row, 1, self.width, line, italic=True, size=12)
                self._fit(self.row, line, 1, self.width, 12)
                self.row += 1
        if unit_note:
            first = max(1, self.width - 3)
            self._merged(self.row, first, self.width, unit_note, italic=True, size=11,
                         align=Alignment(horizontal="right", vertical="center"))
        self.row += 1

    # --- header -----------------------------------------------------------------------------
    def _header(self) -> None:
        grid = header_grid(self.nodes)
        font = Font(name=FONT, size=11, bold=True)
        # Spread each cell's wrapped lines over the rows it spans, then size every row.
        needed = [1] * len(grid)
        for cells in grid:
            for cell in cells:
                lines = _lines(cell.label, self._span_width(cell.column + 1, cell.column + cell.colspan))
                per_row = math.ceil(lines / cell.rowspan)
                for r in range(cell.row, cell.row + cell.rowspan):
                    needed[r] = max(needed[r], per_row)
        for cells in grid:
            for cell in cells:
                row, column = self.row + cell.row, cell.column + 1
                target = self.sheet.cell(row=row, column=column, value=cell.label)
                target.font, target.alignment = font, _CENTER
                if cell.rowspan > 1 or cell.colspan > 1:
                    self.sheet.merge_cells(start_row=row, start_column=column, end_row=row + cell.rowspan - 1,
                                           end_column=column + cell.colspan - 1)
        for offset, lines in enumerate(needed):
            self.sheet.row_dimensions[self.row + offset].height = _LINE_HEIGHT * lines + 4
        for r in range(self.row, self.row + len(grid)):
            for c in range(1, self.width + 1):
                self.sheet.cell(row=r, column=c).border = _BORDER
        self.row += len(grid)
        numbers = Font(name=FONT, size=10, italic=True)
        for index, column in enumerate(self.columns, start=1):
            cell = self.sheet.cell(row=self.row, column=index, value=column.number or None)
            cell.font, cell.alignment, cell.border = numbers, _CENTER, _BORDER
        self.sheet.row_dimensions[self.row].height = _LINE_HEIGHT * max(
            _lines(c.number, c.width) for c in self.columns) + 2
        self.row += 1

    # --- body -------------------------------------------------------------------------------
    def add_block(self, rows: Sequence[Sequence], *, style: str = "detail",
                  merge_columns: Iterable[int] = ()) -> None:
        """Rows drawn together; "total" and "subtotal" rows are bold. ``merge_columns`` (0-based)
        are merged down the block (a unit's number and name over its "Hộ"/"Nhân khẩu" rows).
        None in a number column is a rate without a denominator, shown "-"."""
        font = Font(name=FONT, size=self.body_size + (1 if style == "total" else 0), bold=style != "detail")
        first = self.row
        for values in rows:
            for index, (column, value) in enumerate(zip(self.columns, values), start=1):
                cell = self.sheet.cell(row=self.row, column=index)
                cell.font, cell.border = font, _BORDER
                if column.kind == "text":
                    cell.value = value if value != "" else None
                    cell.alignment = _LEFT if column.width > 12 else _CENTER
                elif value is None:
                    cell.value, cell.alignment = DASH, _CENTER
                else:
                    cell.value = value
                    cell.number_format = DECIMAL_FORMAT if column.kind == "rate" else INTEGER_FORMAT
                    cell.alignment = _RIGHT
            self.row += 1
        if len(rows) > 1:
            for index in merge_columns:
                self.sheet.merge_cells(start_row=first, start_column=index + 1, end_row=self.row - 1,
                                       end_column=index + 1)

    # --- closing ----------------------------------------------------------------------------
    def finish(self, *, notes: Sequence[str] = (), signatures: Sequence[str] = ()) -> None:
        """Notes under the table, the signature titles side by side, then the print set-up."""
        self.body_last = self.row - 1
        self.row += 1
        for note in notes:
            self._merged(self.row, 1, self.width, note, italic=True, size=10, align=_LEFT)
            self._fit(self.row, note, 1, self.width, 10)
            self.row += 1
        if signatures:
            self.row += 1
            span = max(2, self.width // len(signatures))
            for index, text in enumerate(signatures):
                first = 1 + index * span if index < len(signatures) - 1 else max(1, self.width - span + 1)
                last = min(self.width, first + span - 1)
                for offset, line in enumerate(text.split("\n")):
                    # "(Ký, ghi rõ họ tên)" under a title is italic, the titles bold (ô 7).
                    hint = line.startswith("(")
                    self._merged(self.row + offset, first, last, line, bold=not hint, italic=hint, size=12)
            self.row += max(len(text.split("\n")) for text in signatures)
        self._print_setup()

    def _print_setup(self) -> None:
        sheet = self.sheet
        sheet.freeze_panes = sheet.cell(row=self.body_first, column=self.freeze_columns + 1)
        sheet.print_title_rows = f"{self.header_first}:{self.body_first - 1}"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        sheet.page_margins.left = sheet.page_margins.right = 0.4
        sheet.page_margins.top = sheet.page_margins.bottom = 0.5
        sheet.print_area = f"A1:{get_column_letter(self.width)}{self.row}"
        sheet.sheet_view.zoomScale = 90


def new_workbook() -> xlsx.Workbook:
    """An empty workbook (its default sheet removed): sheets are added with their names. Built on
    the one writer (``core.xlsx``), so text from data is never a formula."""
    return xlsx.new_workbook(empty=True)


workbook_bytes = xlsx.workbook_bytes


__all__ = [
    "AdministrativeSheet", "Column", "ColumnGroup", "DASH", "DECIMAL_FORMAT", "HeaderCell", "INTEGER_FORMAT",
    "XLSX_CONTENT_TYPE", "depth", "header_grid", "leaves", "new_workbook", "workbook_bytes",
]
