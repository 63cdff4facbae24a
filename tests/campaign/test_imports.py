"""The assessment import: every error with row and column, nothing written, idempotent."""

from __future__ import annotations

import io

import openpyxl
import pytest

from vuonlen.campaign import imports
from vuonlen.campaign.models import Assessment
from vuonlen.core.models import AuditLog

pytestmark = pytest.mark.django_db

HEADER = [c.name for c in imports.COLUMNS]


def _xlsx(*rows, header=HEADER, title=True) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append(["DANH SÁCH ĐÁNH GIÁ HỘ NĂM 2023"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row(commune, code, date="20/11/2023", topics="1, 2", marks=("x", "x", "", "", "x"), note=""):
    criteria = list(marks) + [""] * (11 - len(marks))
    return [commune, code, "A Blong", date, topics, *criteria, note]


def _import(officer, data, year=2023):
    return imports.import_assessments(actor=officer, file=data, filename="danh-gia.xlsx", year=year)


def test_good_file_then_reimport_changes_nothing(officer_a, homes, commune_a):
    data = _xlsx(*[_row(commune_a.code, h.code) for h in homes])
    result = _import(officer_a, data)
    assert result.ok, result.errors
    assert result.counts["assessments"] == 3
    assessment = Assessment.objects.get(household=homes[0])
    assert (assessment.told, assessment.changed_thinking, assessment.applies_technology) == (True, True, True)
    assert assessment.told_topics == [1, 2] and assessment.assessed_by == officer_a
    audits = AuditLog.objects.filter(source="import").count()
    again = _import(officer_a, data)
    assert again.ok and again.counts == {"unchanged": 3}
    assert "Không có thay đổi" in again.summary()
    assert Assessment.objects.count() == 3 and AuditLog.objects.filter(source="import").count() == audits


def test_bad_file_every_error_with_row_and_column_nothing_written(officer_a, homes, home_b, commune_a):
    data = _xlsx(
        _row(commune_a.code, homes[0].code, date="31/02/2023"),             # row 3: no such date
        _row(commune_a.code, "KHONG-CO"),                                   # row 4: unknown household
        _row(commune_a.code, homes[1].code, topics="1, 12", marks=("có", "hmm")),  # row 5: topic, mark
        _row("99999", homes[2].code),                                       # row 6: unknown commune
        _row(home_b.commune.code, home_b.code),                             # row 7: out of scope
        _row(commune_a.code, homes[2].code, topics="3", marks=("",)),       # row 8: topics but not told
        _row(commune_a.code, homes[2].code, date="20/11/2030"),             # row 9: duplicate + future
    )
    result = _import(officer_a, data)
    assert not result.ok
    found = {(e.row, e.column) for e in result.errors}
    assert (3, "Ngày đánh giá") in found
    assert (4, "Mã hộ") in found
    assert (5, "Nội dung Sổ tay đã tuyên truyền") in found
    assert (5, "Thay đổi nếp nghĩ, cách làm") in found
    assert (6, "Mã xã") in found
    assert (7, "Mã hộ") in found
    assert (8, "Được tuyên truyền về Cuộc vận động") in found
    assert (8, "Mã hộ") in found and (9, "Mã hộ") in found  # the same household twice
    assert all(e.message for e in result.errors)
    assert not Assessment.objects.exists()


def test_file_level_errors(officer_a):
    assert "Dòng tiêu đề thiếu cột" in _import(officer_a, _xlsx(header=HEADER[:4])).errors[0].message
    assert _import(officer_a, b"not a zip").errors[0].row is None
    assert "không có dòng dữ liệu" in _import(officer_a, _xlsx()).errors[0].message


def test_differing_row_for_a_stored_assessment_is_an_error(officer_a, homes, commune_a):
    assert _import(officer_a, _xlsx(_row(commune_a.code, homes[0].code))).ok
    result = _import(officer_a, _xlsx(_row(commune_a.code, homes[0].code, marks=("x",))))
    assert [(e.row, e.column) for e in result.errors] == [(3, "Mã hộ")]


def test_template_reads_back(officer_a):
    rows = imports.spreadsheets.read_table(imports.template_xlsx(), "mau.xlsx", columns=imports.COLUMNS,
                                           max_rows=10)
    assert imports.spreadsheets.locate_header(rows, imports.COLUMNS)[0] == 0
