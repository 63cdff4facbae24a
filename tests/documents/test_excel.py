"""The shared Excel builder (documents.excel): a summary sheet built, saved and read back with
openpyxl has the administrative heading, the merged header, the numbered row, real numbers,
the notes and signatures, and the print set-up."""

import datetime as dt
import io

import openpyxl

from vuonlen.documents.excel import (
    DASH,
    DECIMAL_FORMAT,
    INTEGER_FORMAT,
    AdministrativeSheet,
    Column,
    ColumnGroup,
    new_workbook,
    workbook_bytes,
)

COLUMNS = [
    Column("number", "TT", "A", "text", 5),
    Column("name", "Đơn vị", "B", "text", 24),
    ColumnGroup("Hộ nghèo", (Column("poor", "Số hộ", "1"), Column("rate", "Tỷ lệ (%)", "2=1/3*100", "rate"))),
    Column("total", "Tổng số hộ", "3"),
]


def _sheet():
    workbook = new_workbook()
    sheet = AdministrativeSheet(workbook.create_sheet("01"), columns=COLUMNS, title="TỔNG HỢP HỘ NGHÈO",
                                issuer="Tỉnh Kon Tum", subtitle=["Năm 2023"], place="Kon Tum",
                                date=dt.date(2024, 1, 5))
    sheet.add_block([["", "Tổng cộng", 1500, 12.5, 12000]], style="total")
    sheet.add_block([["1", "=HYPERLINK(\"http://x\",\"Xã A\")", 300, None, 0]])
    sheet.finish(notes=["Số liệu theo kết quả rà soát đã công nhận."],
                 signatures=("NGƯỜI LẬP BIỂU\n(Ký, ghi rõ họ tên)", "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"))
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(workbook)))["01"]


def _values(ws):
    return [c.value for row in ws.iter_rows() for c in row if c.value is not None]


def test_heading_title_and_merged_header():
    ws = _sheet()
    values = _values(ws)
    for text in ("ỦY BAN NHÂN DÂN", "TỈNH KON TUM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "Kon Tum, ngày 05 tháng 01 năm 2024", "TỔNG HỢP HỘ NGHÈO", "Năm 2023"):
        assert any(text in str(v) for v in values), text
    header_row = next(r for r in range(1, 20) if ws.cell(r, 1).value == "TT")
    assert ws.cell(header_row, 3).value == "Hộ nghèo"
    assert ws.cell(header_row + 1, 3).value == "Số hộ" and ws.cell(header_row + 1, 4).value == "Tỷ lệ (%)"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert f"C{header_row}:D{header_row}" in merged  # the group spans its two columns
    assert f"A{header_row}:A{header_row + 1}" in merged  # a leaf spans the group's depth
    numbered = [ws.cell(header_row + 2, c).value for c in range(1, 6)]
    assert numbered == ["A", "B", "1", "2=1/3*100", "3"]
    assert {ws.cell(header_row, 1).font.name, ws.cell(header_row, 3).font.name, ws.cell(header_row + 1, 4).font.name} == {
        "Times New Roman"}


def test_numbers_stay_numbers_text_stays_text_and_the_page_is_set_up():
    ws = _sheet()
    total = next(r for r in range(1, 30) if ws.cell(r, 2).value == "Tổng cộng")
    assert ws.cell(total, 3).value == 1500 and ws.cell(total, 3).number_format == INTEGER_FORMAT
    assert ws.cell(total, 4).value == 12.5 and ws.cell(total, 4).number_format == DECIMAL_FORMAT
    assert ws.cell(total, 2).font.bold
    detail = total + 1
    assert ws.cell(detail, 2).value == "=HYPERLINK(\"http://x\",\"Xã A\")" and ws.cell(detail, 2).data_type == "s"
    assert ws.cell(detail, 4).value == DASH  # a rate without a denominator
    assert ws.cell(detail, 2).border.left.style == "thin"
    values = _values(ws)
    assert "Số liệu theo kết quả rà soát đã công nhận." in values
    assert "NGƯỜI LẬP BIỂU" in values and "(Ký, ghi rõ họ tên)" in values and "CHỦ TỊCH" in values
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.freeze_panes == f"C{total}" and ws.print_title_rows
