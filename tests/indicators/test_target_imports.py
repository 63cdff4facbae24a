"""Targets to Excel and back: the export read with openpyxl, the round trip that changes
nothing, every error with its row and column, nothing written on failure, the scope."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vuonlen.core.models import AuditAction, AuditLog
from vuonlen.indicators import target_imports
from vuonlen.indicators.models import Target

from .factories import TargetFactory
from .target_world import *  # noqa: F403 - the shared fixtures

pytestmark = pytest.mark.django_db
HEADER = ["Mã đơn vị", "Tên đơn vị", "Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị tính", "Năm", "Chỉ tiêu",
          "Văn bản giao", "Mã hệ thống (không sửa)"]


def _read(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _table(content: bytes) -> tuple[int, list[list]]:
    rows = _read(content)
    header = rows.index(HEADER)
    return header, rows[header + 1:]


def _xlsx(rows: list[list], header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["CHỈ TIÊU GIAO NĂM 2023"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import(actor, content: bytes, name="chi-tieu.xlsx"):
    return target_imports.import_targets(actor=actor, file=content, filename=name)


def _file_audits():
    return AuditLog.objects.filter(action=AuditAction.IMPORT, object_repr__startswith="Chỉ tiêu giao")


def _target_audits():
    return AuditLog.objects.filter(content_type__model="target")


@pytest.fixture
def handed(world):
    """The district's 75% and two communes' targets, with the letter they came in."""
    TargetFactory(unit=world.district, indicator="NEP_NGHI", year=2023, value=75)
    first = TargetFactory(actor=world.secretariat, unit=world.communes[0], indicator="NEP_NGHI", year=2023,
                          value="67,5", document="92-CV/BCĐ")
    second = TargetFactory(actor=world.secretariat, unit=world.communes[1], indicator="HO_NGHEO", year=2023,
                           value=120, document="92-CV/BCĐ")
    return first, second


def test_export_reads_back_with_openpyxl(world, handed):
    content = target_imports.export_targets(actor=world.secretariat, unit=world.district, year=2023)
    rows = _read(content)
    assert rows[0][0] == "Chỉ tiêu giao năm 2023 – Huyện Kon Rẫy và các đơn vị trực thuộc"
    header, body = _table(content)
    assert header == 2
    by_key = {(r[0], r[2]): r for r in body}
    first = world.communes[0]
    assert by_key[(first.code, "NEP_NGHI")] == [first.code, first.name, "NEP_NGHI", "Thay đổi nếp nghĩ, cách làm",
                                                "%", 2023, 67.5, "92-CV/BCĐ", first.pk]
    assert by_key[(world.communes[1].code, "HO_NGHEO")][6] == 120
    assert by_key[(world.district.code, "NEP_NGHI")][6] == 75  # the district's own row comes first
    assert body[0][0] == world.district.code
    assert by_key[(world.communes[2].code, "NEP_NGHI")][6] is None  # no target yet: blank
    assert (world.district.code, "KH_XA") not in by_key  # not a commune-level indicator
    commune_rows = [r for r in body if r[0] != world.district.code]
    assert len(commune_rows) == 7 * 10  # 7 communes × the 10 indicators set at commune level


def test_reimporting_the_export_changes_nothing(world, handed):
    content = target_imports.export_targets(actor=world.secretariat, unit=world.district, year=2023)
    before = (_target_audits().count(), _file_audits().count())
    result = _import(world.secretariat, content)
    assert result.ok, result.errors
    assert result.counts["created"] == 0 and result.counts["updated"] == 0 and result.counts["unchanged"] == 3
    assert result.summary().startswith("Không có thay đổi")
    assert (_target_audits().count(), _file_audits().count()) == before
    assert sorted(Target.objects.values_list("version", flat=True)) == [1, 1, 1]


def test_edited_export_writes_and_audits(world, handed):
    header, body = _table(target_imports.export_targets(actor=world.secretariat, unit=world.district, year=2023))
    first, second, third = world.communes[:3]
    for row in body:
        if (row[0], row[2]) == (first.code, "NEP_NGHI"):
            row[6] = "70,5"  # typed as text, the Vietnamese way
        if (row[0], row[2]) == (third.code, "KHKT"):
            row[6], row[7] = 45, "15-CV/BCĐ"
    result = _import(world.secretariat, _xlsx(body))
    assert result.ok, result.errors
    assert (result.counts["created"], result.counts["updated"]) == (1, 1)
    assert Target.objects.get(unit=first, indicator__code="NEP_NGHI").value == Decimal("70.50")
    made = Target.objects.get(unit=third, indicator__code="KHKT")
    assert (made.value, made.document, made.set_by) == (Decimal("45.00"), "15-CV/BCĐ", world.secretariat)
    assert _target_audits().filter(source="import").count() == 2
    assert _file_audits().get().note.startswith("Giao mới 1, sửa 1")


def test_every_error_with_row_and_column_and_nothing_written(world, handed):
    first, second = world.communes[:2]
    rows = [
        ["99999", "", "NEP_NGHI", "", "", 2023, 70, "", ""],                       # 3: unknown unit
        [world.city_commune.code, "", "NEP_NGHI", "", "", 2023, 70, "", ""],       # 4: another district's
        [first.code, "", "KHONG_CO", "", "", 2023, 70, "", ""],                    # 5: unknown indicator
        [first.code, "", "KHKT", "", "", 2023, "bảy mươi", "", ""],                # 6: not a number
        [second.code, "", "NEP_NGHI", "", "", 2023, 120, "", ""],                  # 7: over 100%
        [second.code, "", "KHKT", "", "", 2023, 40, "", ""],                       # 8: fine
        [second.code, "", "KHKT", "", "", 2023, 41, "", ""],                       # 9: duplicate of 8
        [second.code, "", "KHKT", "", "", "năm nay", 41, "", ""],                  # 10: no year
        [first.code, "", "NEP_NGHI", "", "", 2023, 70, "", str(second.pk)],        # 11: code ≠ system id
    ]
    result = _import(world.secretariat, _xlsx(rows))
    found = {(e.row, e.column): e.message for e in result.errors}
    assert found[(3, "Mã đơn vị")] == "Không tìm thấy đơn vị mã 99999 trong phạm vi của bạn"
    # Outside the area reads exactly like an unknown code.
    assert found[(4, "Mã đơn vị")] == (f"Không tìm thấy đơn vị mã {world.city_commune.code} trong phạm vi của "
                                        "bạn")
    assert found[(5, "Mã chỉ tiêu")] == "Không có chỉ tiêu mã KHONG_CO"
    assert found[(6, "Chỉ tiêu")] == "“bảy mươi” không phải là số"
    assert "không quá 100%" in found[(7, "Chỉ tiêu")]
    assert found[(9, "Mã chỉ tiêu")] == "Trùng với dòng 8: cùng đơn vị, chỉ tiêu và năm"
    assert found[(10, "Năm")] == "“năm nay” không phải là năm"
    assert "không khớp với mã hệ thống" in found[(11, "Mã đơn vị")]
    assert len(result.errors) == 8
    assert result.summary() == "Tệp có 8 lỗi; chưa ghi chỉ tiêu nào."
    assert Target.objects.count() == 3 and not _target_audits().filter(source="import").exists()
    report = _read(target_imports.errors_xlsx(result.errors))
    assert report[0] == ["Dòng", "Cột", "Lỗi"] and report[1][:2] == [3, "Mã đơn vị"]


def test_read_only_rows_pass_unchanged_and_fail_changed(world, handed):
    header, body = _table(target_imports.export_targets(actor=world.secretariat, unit=world.district, year=2023))
    assert _import(world.secretariat, _xlsx(body)).ok
    for row in body:
        if (row[0], row[2]) == (world.district.code, "NEP_NGHI"):
            row[6] = 60
    result = _import(world.secretariat, _xlsx(body))
    assert [e.message for e in result.errors] == [
        "Bạn không có quyền giao chỉ tiêu cho Huyện Kon Rẫy (mức đang giao: 75)"]
    assert Target.objects.get(unit=world.district).value == 75


def test_a_file_without_the_system_id_matches_by_code_and_year(world):
    first = world.communes[0]
    rows = [[int(first.code), "", "nep_nghi", "", "", "2023", "66,6", "", ""]]
    header = HEADER[:-1] + ["Ghi chú"]
    result = _import(world.secretariat, _xlsx([r[:8] + ["x"] for r in rows], header=header))
    assert result.ok, result.errors
    assert Target.objects.get(unit=first).value == Decimal("66.60")


def test_a_viewer_may_not_import_and_a_bad_file_is_rejected(client, world):
    client.force_login(world.viewer)
    assert client.get(reverse("indicators:targets_import")).status_code == 403
    client.force_login(world.secretariat)
    response = client.post(reverse("indicators:targets_import"),
                           {"file": SimpleUploadedFile("chi-tieu.xlsx", b"not a spreadsheet")})
    assert response.status_code == 200
    assert "Tệp không phải bảng tính .xlsx hợp lệ" in response.content.decode()


def test_import_page_round_trip(client, world, handed):
    client.force_login(world.secretariat)
    query = f"don_vi={world.district.pk}&nam=2023"
    exported = client.get(f"{reverse('indicators:targets_export')}?{query}")
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    header, body = _table(exported.content)
    for row in body:
        if (row[0], row[2]) == (world.communes[4].code, "HTX"):
            row[6] = 35
    response = client.post(f"{reverse('indicators:targets_import')}?{query}",
                           {"file": SimpleUploadedFile("chi-tieu.xlsx", _xlsx(body))})
    assert response.status_code == 302 and response.url.endswith(query)
    assert Target.objects.get(unit=world.communes[4], indicator__code="HTX").value == 35
    body.append(["99999", "", "HTX", "", "", 2023, 35, "", ""])
    response = client.post(reverse("indicators:targets_import"),
                           {"file": SimpleUploadedFile("chi-tieu.xlsx", _xlsx(body))})
    html = response.content.decode()
    assert response.status_code == 200 and "Tệp có 1 lỗi" in html and "99999" in html
    report = client.get(reverse("indicators:targets_import_errors"))
    assert _read(report.content)[1][1] == "Mã đơn vị"
