"""An .xlsx sheet is read in pieces (``core.sheet_child``): its XML cut at rows' ends, each piece
read by calamine as a sheet of its own, so that an import works on the first rows while the rest
is read. What the caller gets must be what reading the sheet whole gives, whatever the file."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from tests.spreadsheet_files import shared_strings_xlsx
from vuonlen.core import sheet_child, spreadsheets
from vuonlen.core.spreadsheets import Column

COLUMNS = [Column.of("Mã xã"), Column.of("Tên")]


def officer_file(rows: int = 400) -> bytes:
    """A guide sheet first; the data sheet with a title, an empty row, the header starting in
    column B, blank rows here and there, dates, numbers, booleans, empty cells."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "Hướng dẫn"
    workbook.active.append(["Điền mỗi người một dòng"])
    sheet = workbook.create_sheet("Dữ liệu")
    sheet["B1"] = "DANH SÁCH"
    sheet.append([])
    sheet.append([None, "Mã xã", "Tên", "Ngày sinh", "Số", "Có thẻ", "Ghi chú"])
    for index in range(rows):
        if index % 37 == 5:
            sheet.append([])
            continue
        sheet.append([None, "23281", f"Thôn “{index}” & <Làng>", dt.date(1950 + index % 60, 1 + index % 12, 3),
                      index * 1.5, index % 2 == 0, None if index % 3 else f"ghi chú dài {'x' * (index % 50)}"])
    sheet.cell(row=rows + 20, column=9, value="ô cuối, xa")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def whole(data: bytes, index: int = 1) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(index).to_python(skip_empty_area=False)


def trimmed(rows: list[list]) -> list[list]:
    """Rows without their empty cells at the end: a piece's rows are as wide as the piece."""
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] in ("", None):
            row.pop()
        out.append(row)
    return out


def pieces(data: bytes, index: int = 1, max_rows: int = 10_000):
    archive = zipfile.ZipFile(io.BytesIO(data))
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    part = sheet_child._xlsx_part(archive, workbook.sheet_names[index])
    return part, sheet_child._xlsx_pieces(archive, part, index, max_rows)


@pytest.fixture
def small_pieces(monkeypatch):
    monkeypatch.setattr(sheet_child, "FIRST_PIECE_BYTES", 2_000)
    monkeypatch.setattr(sheet_child, "MAX_PIECE_BYTES", 8_000)


@pytest.mark.parametrize("kind", ["openpyxl", "shared strings", "prefixed", "unnumbered rows"])
def test_a_sheet_read_in_pieces_has_the_rows_it_has_read_whole(kind, small_pieces):
    data = officer_file()
    if kind != "openpyxl":
        data = shared_strings_xlsx(data, prefix="x" if kind == "prefixed" else "",
                                   unnumbered_rows=kind == "unnumbered rows")
    part, read = pieces(data)
    assert part == "xl/worksheets/sheet2.xml"
    got = list(read)
    # A row without its number takes it from the row before: no piece may begin with one (here
    # every row after the first: one piece, the sheet read whole).
    assert len(got) == 1 if kind == "unnumbered rows" else len(got) > 10
    rows = [row for piece, _ in got for row in piece]
    assert trimmed(rows) == trimmed(whole(data))
    shares = [share for _, share in got]
    assert shares == sorted(shares) and shares[-1] == 1.0
    assert kind == "unnumbered rows" or shares[0] < 0.2
    # Row 1 is row 1, column A is column A: the header is where the officer sees it.
    assert rows[2][1:3] == ["Mã xã", "Tên"] and trimmed(rows[:1]) == [["", "DANH SÁCH"]]


def test_the_child_sends_the_first_rows_before_it_has_read_the_sheet():
    data = officer_file(6_000)  # 2 MB of XML: several pieces of the real sizes
    table = spreadsheets.open_table(data, "lon.xlsx", columns=COLUMNS, max_rows=10_000)
    try:
        table.read(14)
        assert table.rows[2][1:3] == ["Mã xã", "Tên"]
        assert 0 < table.share < 1 and not table.complete
        assert abs(table.estimated_rows() - 6_020) < 600  # the progress bar's total, from the share read
        rows = table.read()
    finally:
        table.close()
    assert table.complete and table.share == 1.0
    assert trimmed(rows) == trimmed(whole(data))
    assert rows is table.rows and len(rows) == 6_020


def test_a_caller_slower_than_the_reader_is_not_timed_out(settings):
    # The reader's time limit counts the caller's waits for it, not the caller's own work
    # between two reads (an import checks and writes while the child reads on).
    settings.VUONLEN_IMPORT_PARSE_SECONDS = 1
    data = officer_file(6_000)
    table = spreadsheets.open_table(data, "cham.xlsx", columns=COLUMNS, max_rows=10_000)
    table.read(14)
    time.sleep(1.5)
    assert len(table.read()) == 6_020


def test_limits_met_in_a_later_piece_refuse_the_file(small_pieces):
    data = officer_file()
    part, read = pieces(data, max_rows=200)
    with pytest.raises(sheet_child._TooMany) as caught:
        list(read)
    assert caught.value.height > 201


def test_a_small_file_is_one_piece_and_its_row_count_is_exact_from_the_start():
    # The import's progress bar reads "30/60" halfway through a 60-row file, not "29/59".
    data = officer_file(60)
    table = spreadsheets.open_table(data, "nho.xlsx", columns=COLUMNS, max_rows=10_000)
    try:
        table.read(14)
        assert table.share == 1.0 and table.estimated_rows() == len(whole(data)) == 80
    finally:
        table.close()
