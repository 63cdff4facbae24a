"""Filtered household lists to .xlsx: exactly the reader's scope, ID numbers masked unless the
reader may see them, every export in the audit log without a name."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from vuonlen.core.models import AuditAction, AuditLog
from vuonlen.households import imports
from vuonlen.households.models import Household

from .factories import HouseholdFactory

pytestmark = pytest.mark.django_db

URL = reverse("household_imports:export")


def export(client, user, query: str = ""):
    client.force_login(user)
    # A link with the search words (?q=) is first moved to a token URL (core.private_search).
    response = client.get(URL + query, follow=True)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def households_in(workbook) -> list[tuple]:
    rows = list(workbook["Danh sách hộ"].values)
    assert rows[3][:6] == ("STT", "Mã xã", "Xã", "Thôn", "Mã hộ", "Chủ hộ")
    return [row[1:6] for row in rows[4:]]


def people_in(workbook) -> list[dict]:
    rows = list(workbook["Nhân khẩu"].values)
    header = rows[0]
    assert list(header) == list(imports.HOUSEHOLD_TEMPLATE_COLUMNS)
    return [dict(zip(header, row)) for row in rows[1:]]


def test_a_commune_officer_exports_only_their_commune(client, officer_a, household_a, household_b):
    workbook = export(client, officer_a)
    assert households_in(workbook) == [("23281", "Phường Quang Trung", "Tổ 1", "QT-001", "A Blong")]
    people = people_in(workbook)
    assert {p["Họ và tên"] for p in people} == {"A Blong", "Y Hiên", "A Tuấn"}
    assert all(p["Mã hộ"] == "QT-001" for p in people)
    # The commune officer's role may see ID numbers in full (it matches people against papers).
    assert {p["Số định danh cá nhân"] for p in people} == {"062080001234", None}
    assert people[0]["Quan hệ với chủ hộ"] == "Chủ hộ"  # the head first


def test_a_district_viewer_gets_both_communes_with_ids_masked(client, viewer_district, household_a, household_b):
    workbook = export(client, viewer_district)
    assert sorted(row[3] for row in households_in(workbook)) == ["DT-001", "QT-001"]
    ids = {p["Số định danh cá nhân"] for p in people_in(workbook)} - {None}
    assert ids == {"********1234", "********5678"}
    assert "062080001234" not in str(list(workbook["Nhân khẩu"].values))


def test_the_list_filters_apply(client, officer_a, household_a, village_a):
    HouseholdFactory(unit=village_a, code="QT-002", members=[{"full_name": "Y Đơm", "sex": "Nữ"}], ethnicity="13")
    workbook = export(client, officer_a, "?q=blong")
    assert [row[3] for row in households_in(workbook)] == ["QT-001"]
    workbook = export(client, officer_a, "?ethnicity=13")
    assert [row[3] for row in households_in(workbook)] == ["QT-002"]
    assert "dân tộc Ba Na" in list(workbook["Danh sách hộ"].values)[1][0]


def test_an_out_of_scope_unit_filter_is_not_found(client, officer_a, household_a, household_b):
    client.force_login(officer_a)
    assert client.get(URL + f"?unit={household_b.unit_id}&state=all").status_code == 404
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_filter_that_does_not_parse_gives_no_file(client, officer_a, household_a):
    client.force_login(officer_a)
    assert client.get(URL + "?year=abc").status_code == 404


def test_every_export_is_audited_with_the_filter_never_a_name(client, officer_a, household_a):
    export(client, officer_a, "?q=A+Blong&ethnicity=14")
    entry = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert entry.actor == officer_a
    assert "Xuất 1 hộ" in entry.note and "dân tộc Xơ Đăng" in entry.note and "có từ khoá tìm kiếm" in entry.note
    assert "Blong" not in entry.note and "Blong" not in entry.object_repr


def test_someone_without_the_household_right_gets_404(client, commune_a, household_a):
    from tests import factories
    from vuonlen.accounts.roles import Role

    client.force_login(factories.make_user(Role.REPORTING_UNIT, commune_a))
    assert client.get(URL).status_code == 404
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_an_export_imports_back_unchanged(client, officer_a, household_a):
    workbook = export(client, officer_a)
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = Household.objects.count()
    result = imports.import_households(actor=officer_a, file=buffer.getvalue(), filename="xuat.xlsx")
    assert result.ok, result.errors
    assert result.counts["unchanged"] == 1 and Household.objects.count() == before


# --- formula injection -------------------------------------------------------------------------

FORMULA_NAME = '=HYPERLINK("http://ke-xau.example/x","bấm vào đây")'


def _sheet_xml(content: bytes) -> str:
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(content))
    return "".join(archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/worksheets/"))


def test_a_member_named_like_a_formula_is_exported_as_text(client, officer_a, commune_a):
    household = HouseholdFactory(unit=commune_a, code="=1+1", members=[
        {"full_name": FORMULA_NAME, "sex": "Nam", "relation": "Chủ hộ", "birth_date": "07/06/1985"},
        {"full_name": "@SUM(1+1)", "sex": "Nữ", "relation": "Vợ", "birth_year": 1987},
        {"full_name": "+84 Y Hoa", "sex": "Nữ", "relation": "Con", "birth_year": 2010},
        {"full_name": "-A Tuấn", "sex": "Nam", "relation": "Con", "birth_year": 2012},
    ], address="=cmd|' /C calc'!A0", phone="+84905000111")
    client.force_login(officer_a)
    response = client.get(URL)
    assert response.status_code == 200
    assert "<f>" not in _sheet_xml(response.content) and "<f " not in _sheet_xml(response.content)
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    by_value = {c.value: c for c in cells if c.value is not None}
    # What was typed is what is shown, as text.
    for typed in (FORMULA_NAME, "@SUM(1+1)", "+84 Y Hoa", "-A Tuấn", "=1+1", "=cmd|' /C calc'!A0", "+84905000111"):
        assert by_value[typed].data_type == "s", typed
    # Numbers stay numbers, dates stay dates.
    people = people_in(workbook)
    head = next(p for p in people if p["Họ và tên"] == FORMULA_NAME)
    assert head["Ngày sinh"].date() == dt.date(1985, 6, 7)
    assert next(p for p in people if p["Họ và tên"] == "@SUM(1+1)")["Ngày sinh"] == 1987
    listing = list(workbook["Danh sách hộ"].values)
    assert listing[4][0] == 1 and listing[4][8] == 4  # the row number and the member count
    assert household.code == "=1+1"


def test_an_export_of_formula_names_imports_back_unchanged(client, officer_a, commune_a):
    HouseholdFactory(unit=commune_a, code="F-1", members=[
        {"full_name": FORMULA_NAME, "sex": "Nam", "relation": "Chủ hộ", "birth_year": 1980}])
    client.force_login(officer_a)
    content = client.get(URL).content
    result = imports.import_households(actor=officer_a, file=content, filename="xuat.xlsx")
    assert result.ok, result.errors
    assert result.counts == {"households": 0, "persons": 0, "unchanged": 1}
