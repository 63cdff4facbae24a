"""Surveys from .xlsx (every error with row and column, nothing written on failure) and the
cause summary out to .xlsx and .docx, read back."""

from __future__ import annotations

import io

import openpyxl
import pytest
from docx import Document

from tests.plans.worlds import D
from tests.surveys.factories import VillageSurveyFactory
from vuonlen.core import xlsx
from vuonlen.geo.models import Era
from vuonlen.surveys import exports, imports, selectors
from vuonlen.surveys.models import VillageSurvey

pytestmark = pytest.mark.django_db


def _file(rows) -> bytes:
    workbook = xlsx.new_workbook()
    sheet = workbook.active
    sheet.append(["BIỂU KHẢO SÁT THÔN"])
    for row in rows:
        sheet.append(row)
    return xlsx.workbook_bytes(workbook)


HEADER = ["Mã xã", "Tên thôn", "Năm", "Người khảo sát", "Ngày khảo sát", "Tổng số hộ", "Số hộ nghèo",
          "Thôn đặc biệt khó khăn", "Tiếp cận thị trường", "Thiếu đất sản xuất", "Thiếu lao động"]


def test_a_clean_file_writes_every_survey(world):
    data = _file([HEADER,
                  ["23485", "Thon 4", 2024, "A Thút", "15/03/2024", 100, 30, "x", "Khó khăn", 12, 4],
                  ["23485", "Làng Kon Klor", 2024, "A Thút", D(2024, 3, 16), 80, 20, "", "thuan loi", "", 7]])
    result = imports.import_surveys(actor=world.officer, file=data, filename="khảo sát.xlsx", era=Era.PRE_2025)
    assert result.ok, result.errors
    assert result.created == 2
    survey = VillageSurvey.objects.get(village=world.village, year=2024)
    assert survey.especially_difficult and survey.market_access == "hard" and survey.poor_households == 30
    assert {c.code: n for c, n in selectors.cause_counts(survey)} == {"thieu_dat": 12, "thieu_lao_dong": 4}
    other = VillageSurvey.objects.get(village=world.village2)
    assert other.market_access == "good" and not other.especially_difficult


def test_every_error_comes_with_row_and_column_and_nothing_is_written(world):
    data = _file([HEADER,
                  ["23485", "Thôn 4", 2024, "A Thút", "15/03/2024", 100, 30, "x", "", 12, ""],
                  ["23485", "Thôn 99", 2024, "A Thút", "15/03/2024", 100, 30, "", "", "", ""],
                  ["23485", "Làng Kon Klor", "năm nay", "", "32/13/2024", 10, 30, "có lẽ", "gần chợ", "ba", ""],
                  ["99999", "Thôn 1", 2024, "A Thút", "15/03/2024", "", "", "", "", "", ""]])
    result = imports.import_surveys(actor=world.officer, file=data, filename="loi.xlsx", era=Era.PRE_2025)
    found = {(e.row, e.column) for e in result.errors}
    assert (4, "Tên thôn") in found  # unknown village
    assert {(5, "Năm"), (5, "Ngày khảo sát"), (5, "Thôn đặc biệt khó khăn"), (5, "Tiếp cận thị trường"),
            (5, "Thiếu đất sản xuất")} <= found
    assert (6, "Mã xã") in found
    assert not VillageSurvey.objects.exists()


def test_villages_outside_the_officers_commune_are_refused(world):
    data = _file([HEADER, [world.other_commune.code, "Thôn 1", 2024, "A", "15/03/2024", "", "", "", "", "", ""]])
    result = imports.import_surveys(actor=world.officer, file=data, filename="x.xlsx", era=Era.PRE_2025)
    assert [(e.row, e.column) for e in result.errors] == [(3, "Tên thôn")]
    assert "trong phạm vi" in result.errors[0].message


def test_the_template_reads_back_with_every_cause_as_a_column(world):
    workbook = openpyxl.load_workbook(io.BytesIO(imports.template_xlsx()))
    header = [c.value for c in workbook["Khảo sát thôn"][1]]
    assert header[:5] == ["Mã xã", "Tên thôn", "Năm", "Người khảo sát", "Ngày khảo sát"]
    assert "Thiếu đất sản xuất" in header and "Phong tục, tập quán lạc hậu" in header


def test_summary_xlsx_and_docx_read_back(world):
    land = world.cause("thieu_dat")
    VillageSurveyFactory(village=world.village, year=2025, surveyed_by="A", surveyed_on=D(2025, 3, 1),
                         poor_households=9, causes={land.pk: 1500})
    summary = selectors.cause_summary(world.viewer, year=2025, unit=world.commune)
    sheet = openpyxl.load_workbook(io.BytesIO(exports.summary_xlsx(summary))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows[2]
    village_row = next(r for r in rows if r[0] == "Thôn 4")
    assert village_row[header.index("Thiếu đất sản xuất")] == 1500
    assert rows[-1][0] == "Tổng cộng" and rows[-1][header.index("Thiếu đất sản xuất")] == 1500
    document = Document(io.BytesIO(exports.summary_docx(summary, issuer="UBND XÃ ĐẮK TƠ LUNG")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Thiếu đất sản xuất: 1.500 hộ" in text
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    assert "Thôn 4" in cells and "1.500" in cells
