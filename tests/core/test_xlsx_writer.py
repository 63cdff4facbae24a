"""The one .xlsx writer (core.xlsx): strings from data are text, never formulas, in every kind of
workbook the project builds; and no module writes or reads spreadsheets any other way."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from vuonlen.core import spreadsheets, xlsx
from vuonlen.core.spreadsheets import RowError
from vuonlen.documents.excel import AdministrativeSheet, Column, new_workbook, workbook_bytes

DANGEROUS = ['=HYPERLINK("http://ke-xau.example","bấm")', "=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"]
CODE = Path(__file__).resolve().parents[2] / "vuonlen"


def sheet_xml(content: bytes) -> str:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))


def assert_text_only(content: bytes) -> openpyxl.Workbook:
    assert not re.search(r"<f[ >]", sheet_xml(content))
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    formulas = [c.coordinate for s in workbook.worksheets for row in s.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    return workbook


def test_a_normal_workbook_writes_strings_as_text_however_they_were_set():
    workbook = xlsx.new_workbook()
    sheet = workbook.active
    sheet.append(DANGEROUS)
    for index, value in enumerate(DANGEROUS, start=1):
        sheet.cell(row=2, column=index, value=value)
        sheet.cell(row=3, column=index).value = value
    sheet.append([12, 1.5, dt.date(2023, 6, 7), "văn bản"])
    read = assert_text_only(xlsx.workbook_bytes(workbook)).active
    for row in (1, 2, 3):
        assert [c.value for c in read[row]] == DANGEROUS
        assert {c.data_type for c in read[row]} == {"s"}
    assert [c.value for c in read[4]][:4] == [12, 1.5, dt.datetime(2023, 6, 7), "văn bản"]
    assert [c.data_type for c in read[4]][:4] == ["n", "n", "d", "s"]


def test_a_write_only_workbook_writes_strings_as_text():
    workbook = xlsx.new_workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    sheet.append(DANGEROUS)
    styled = openpyxl.cell.WriteOnlyCell(sheet, value="=2+2")
    sheet.append([styled, 7, dt.date(2024, 1, 2)])
    read = assert_text_only(xlsx.workbook_bytes(workbook))["Danh sách"]
    assert [c.value for c in read[1]] == DANGEROUS
    assert [c.value for c in read[2]][:3] == ["=2+2", 7, dt.datetime(2024, 1, 2)]


def test_official_tables_sheet_and_error_report_write_text():
    workbook = new_workbook()
    table = AdministrativeSheet(workbook.create_sheet("01"), columns=[Column("n", "TT", "A", "text"),
                                Column("name", "Tên", "B", "text", width=20), Column("count", "Số hộ", "1")],
                                title="BẢNG", issuer="=Xã A")
    table.add_block([["1", "=HYPERLINK(\"x\")", 5]])
    table.finish(notes=["=ghi chú"])
    assert_text_only(workbook_bytes(workbook))
    report = spreadsheets.errors_xlsx([RowError(4, "=Cột", '=HYPERLINK("http://x","y")')])
    sheet = assert_text_only(report).active
    assert [c.value for c in sheet[2]] == [4, "=Cột", '=HYPERLINK("http://x","y")']


def test_a_workbook_not_built_on_the_one_writer_is_refused():
    with pytest.raises(TypeError):
        xlsx.workbook_bytes(openpyxl.Workbook())


def _python_files():
    return [p for p in CODE.rglob("*.py") if "migrations" not in p.parts]


def test_every_workbook_is_built_and_saved_by_the_one_writer():
    offenders = []
    for path in _python_files():
        if path.name == "xlsx.py" and path.parent.name == "core":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"openpyxl\.Workbook\(|from openpyxl import[^\n]*\bWorkbook\b|\bworkbook\.save\(", text):
            offenders.append(str(path.relative_to(CODE)))
    assert offenders == []


def test_every_import_reads_through_the_one_reader():
    offenders = []
    for path in _python_files():
        if path.parent.name == "core" and path.name in {"sheet_child.py", "spreadsheets.py", "sheet_guard.py"}:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"python_calamine|CalamineWorkbook|load_workbook\(", text):
            offenders.append(str(path.relative_to(CODE)))
    assert offenders == []


def test_csv_export_guards_every_formula_and_keeps_vietnamese_and_numbers():
    import csv

    from vuonlen.core.responses import file_response

    rows = [["Họ và tên", "Số tiền"], *[[name, -1_500_000] for name in DANGEROUS], ["Y Hiên", 2_000_000]]
    response = file_response(xlsx.csv_bytes(rows), "Danh sách hộ.csv", kind="csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "filename*=utf-8''Danh%20s%C3%A1ch%20h%E1%BB%99.csv" in response["Content-Disposition"]
    read_back = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert read_back[0] == ["Họ và tên", "Số tiền"] and read_back[-1] == ["Y Hiên", "2000000"]
    for (name, amount), original in zip(read_back[1:-1], DANGEROUS, strict=True):
        assert name == "'" + original  # shown as the text typed, never run
        assert amount == "-1500000"  # a number from data stays a number
