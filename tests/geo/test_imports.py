"""The village import against a corpus of bad files: each rejected whole, every problem named
by the row and column the person sees, nothing written; and good files accepted."""

import io
import unicodedata

import openpyxl
import pytest

from tests import factories
from tests.geo.factories import VillageFactory
from vuonlen.accounts.roles import Role
from vuonlen.core.models import AuditAction, AuditLog
from vuonlen.geo import imports, services
from vuonlen.geo.imports import COL_CODE, COL_NAME, COL_TYPE
from vuonlen.geo.models import AdministrativeUnit, Era, Level, UnitType

from .builders import HEADER, csv_text, nfd, to_cp1258, xlsx

A = "23281"  # Phường Quang Trung, the officer's commune
B = "23284"  # Phường Duy Tân, outside the officer's scope
NOT_FOUND = "Không tìm thấy xã mã {} trong phạm vi của bạn"


@pytest.fixture
def officer_a(commune_a):
    return factories.make_user(Role.COMMUNE_OFFICER, commune_a)


@pytest.fixture
def existing(commune_a):
    """A village already in the register, stored NFC."""
    return VillageFactory(commune=commune_a, name="Làng Kon Rơ Wang", unit_type=UnitType.LANG)


def _state():
    return (AdministrativeUnit.objects.filter(level=Level.VILLAGE).count(), AuditLog.objects.count())


def _where(result):
    return [(e.row, e.column) for e in result.errors]


def _messages(result):
    return [e.message for e in result.errors]


def _import(actor, data, filename, **kwargs):
    return imports.village_import(actor=actor, file=io.BytesIO(data), filename=filename, **kwargs)


# --- bad files: rejected whole, every error listed --------------------------------------------

def test_xlsx_with_merged_title_and_every_kind_of_bad_row(officer_a, existing):
    rows = [
        ["STT", *HEADER],                          # row 3, under the merged title and an empty row
        [1, "99999", "Thôn Mới", "thôn"],          # 4: unknown commune
        [2, B, "Thôn Duy Tân 1", "thôn"],         # 5: real commune, out of scope: same message
        [3, A, "", "thôn"],                        # 6: empty name
        [4, A, "Thôn Tốt", "xóm"],                 # 7: bad type
        [5, int(A), "Thôn Đôi", "làng"],           # 8: fine on its own (code typed as a number)
        [6, A, "thon doi", "Làng"],                # 9: duplicate of row 8 within the file
        [7, A, nfd("Làng Kon Rơ Wang"), "làng"],   # 10: NFD duplicate of a village in the register
        [8, None, None, None],                     # 11: blank, skipped
        [9, A, "Thôn Chín", None],                 # 12: missing type
        [10, None, "Thôn Mười", "thôn"],           # 13: missing code
    ]
    data = xlsx(rows, title="DANH SÁCH THÔN, LÀNG NĂM 2024")
    before = _state()
    result = _import(officer_a, data, "thon.xlsx")
    assert not result.ok and result.created == 0
    assert _where(result) == [
        (4, COL_CODE), (5, COL_CODE), (6, COL_NAME), (7, COL_TYPE), (9, COL_NAME), (10, COL_NAME),
        (12, COL_TYPE), (13, COL_CODE),
    ]
    messages = _messages(result)
    assert messages[0] == NOT_FOUND.format("99999")
    assert messages[1] == NOT_FOUND.format(B)  # existence outside the scope is not revealed
    assert messages[2] == "Thiếu tên thôn"
    assert "“xóm” không hợp lệ" in messages[3]
    assert messages[4] == "Thôn “thon doi” của Phường Quang Trung trùng với dòng 8"
    assert messages[5] == "Phường Quang Trung đã có thôn “Làng Kon Rơ Wang”"
    assert messages[6].startswith("Thiếu loại")
    assert messages[7] == "Thiếu mã xã"
    assert _state() == before


def test_headers_without_diacritics_and_a_title_that_is_not_merged(officer_a):
    rows = [["Ma xa", "Ten thon, lang", "Loai"], [A, "", "thon"], [A, "Thôn X", "hamlet"]]
    result = _import(officer_a, xlsx(rows, title="Danh sach thon", merge_title=False), "thon.xlsx")
    assert _where(result) == [(4, COL_NAME), (5, COL_TYPE)]


def test_csv_in_windows_1258_with_errors(officer_a, existing):
    text = csv_text([
        ["Mã xã", "Tên thôn", "Loại"],
        [A, "Làng Kon Rơ Wang", "làng"],   # 2: already in the register
        [A, "Thôn Ngọc Hồi", "thôn"],      # 3: fine
        [A, "Thôn Ngọc Hồi", "thôn"],      # 4: duplicate of row 3
        ["23999", "Tổ dân phố 1", "tổ dân phố"],  # 5: unknown code
    ])
    data = to_cp1258(text)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    before = _state()
    result = _import(officer_a, data, "thon.csv")
    assert _where(result) == [(2, COL_NAME), (4, COL_NAME), (5, COL_CODE)]
    assert _messages(result)[0] == "Phường Quang Trung đã có thôn “Làng Kon Rơ Wang”"
    assert _messages(result)[1] == "Thôn “Thôn Ngọc Hồi” của Phường Quang Trung trùng với dòng 3"
    assert _state() == before


def test_csv_utf8_with_bom_and_semicolons_with_errors(officer_a):
    text = csv_text([["Mã xã", "Tên thôn", "Loại"], [B, "Thôn 1", "thôn"], [A, "Thôn 2", ""]], delimiter=";")
    before = _state()
    result = _import(officer_a, "\ufeff".encode() + text.encode("utf-8"), "thon.csv")
    assert _where(result) == [(2, COL_CODE), (3, COL_TYPE)]
    assert _messages(result)[0] == NOT_FOUND.format(B)
    assert _state() == before


def test_a_viewer_may_not_add_villages_even_where_they_can_read(commune_a):
    viewer = factories.make_user(Role.VIEWER, commune_a.parent)
    result = _import(viewer, xlsx([HEADER, [A, "Thôn 1", "thôn"]]), "thon.xlsx")
    assert _where(result) == [(2, COL_CODE)]
    assert "không có quyền" in _messages(result)[0]
    assert not AdministrativeUnit.objects.filter(level=Level.VILLAGE).exists()


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("thon.xlsx", b"", "Tệp rỗng"),
    ("thon.csv", b"   \r\n", "Tệp rỗng"),
    ("thon.pdf", b"%PDF-1.4", "Chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv"),
    ("thon.xls", b"\xd0\xcf\x11\xe0", "Tệp không phải bảng tính .xls hợp lệ"),
    ("thon.xlsx", "Mã xã,Tên thôn,Loại\n23281,Thôn 1,thôn\n".encode(), "Tệp không phải bảng tính .xlsx hợp lệ"),
    ("thon.xlsx", b"PK\x03\x04 not really a zip", "Tệp không phải bảng tính .xlsx hợp lệ"),
    ("thon.csv", xlsx([HEADER]), "Tệp không phải tệp văn bản CSV"),
    ("thon.csv", "Mã xã,Tên thôn,Loại\n".encode(), "Tệp không có dòng dữ liệu nào"),
    ("thon.csv", "Mã xã,Tên thôn\n23281,Thôn 1\n".encode(), "Dòng tiêu đề thiếu cột: Loại"),
    ("thon.csv", b"a,b,c\n1,2,3\n", "Không tìm thấy dòng tiêu đề"),
])
def test_unreadable_files_are_rejected_with_one_clear_message(officer_a, filename, data, message):
    before = _state()
    result = _import(officer_a, data, filename)
    assert len(result.errors) == 1
    assert result.errors[0].row is None
    assert result.errors[0].message.startswith(message)
    assert _state() == before


def test_file_too_big(officer_a, settings):
    settings.VUONLEN_MAX_IMPORT_BYTES = 1024 * 1024
    data = csv_text([HEADER] + [[A, f"Thôn {i}", "thôn"] for i in range(60_000)]).encode()
    assert len(data) > settings.VUONLEN_MAX_IMPORT_BYTES
    result = _import(officer_a, data, "thon.csv")
    assert _messages(result) == ["Tệp quá lớn: mỗi lần chỉ nhập được tệp tối đa 1 MB"]
    assert not AdministrativeUnit.objects.filter(level=Level.VILLAGE).exists()


# --- good files --------------------------------------------------------------------------------

def test_good_xlsx_with_merged_title_creates_every_village_with_audit(officer_a, commune_a):
    rows = [HEADER, [A, "Thôn Kon Hring", "Thôn"], [int(A), "Làng Plei Rơ Wang", "LANG"],
            [A, "Tổ dân phố 3", "to dan pho"]]
    last_audit_id = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    result = _import(officer_a, xlsx(rows, title="DANH SÁCH THÔN"), "Danh sách thôn.xlsx")
    assert result.ok and result.created == 3
    villages = {v.name: v.unit_type for v in AdministrativeUnit.objects.filter(parent=commune_a, level=Level.VILLAGE)}
    assert villages == {"Thôn Kon Hring": UnitType.THON, "Làng Plei Rơ Wang": UnitType.LANG,
                        "Tổ dân phố 3": UnitType.TO_DAN_PHO}
    new_rows = AuditLog.objects.filter(id__gt=last_audit_id)
    assert new_rows.count() == 4  # one per village and one for the file
    assert new_rows.filter(action=AuditAction.CREATE, source="import").count() == 3
    summary = new_rows.get(action=AuditAction.IMPORT)
    assert "Nhập 3 thôn" in summary.note and "Danh sách thôn.xlsx" in summary.note
    assert summary.actor == officer_a


def test_good_csv_in_windows_1258_is_stored_nfc(officer_a, commune_a):
    names = ["Làng Đăk Rơ Wang", "Thôn Ngọc Hồi", "Tổ dân phố Quyết Thắng", "Thôn Kơ Tu Ỹ"]
    text = csv_text([HEADER] + [[A, name, "thôn"] for name in names])
    result = _import(officer_a, to_cp1258(text), "thon.csv")
    assert result.ok, result.errors
    stored = set(AdministrativeUnit.objects.filter(parent=commune_a, level=Level.VILLAGE).values_list("name", flat=True))
    assert stored == set(names)
    assert all(unicodedata.is_normalized("NFC", name) for name in stored)


def test_good_csv_utf8_with_bom(officer_a, commune_a):
    text = csv_text([HEADER, [A, "Thôn Đăk Ba", "thôn"], [A, "Làng Măng Bla", "làng"]])
    result = _import(officer_a, b"\xef\xbb\xbf" + text.encode(), "thon.csv")
    assert (result.ok, result.created) == (True, 2)


def test_nfd_file_is_stored_nfc_and_reimporting_reports_duplicates(officer_a, commune_a):
    data = xlsx([[nfd(h) for h in HEADER], [A, nfd("Thôn Kon Klor"), nfd("thôn")], [A, nfd("Làng Tơ Lung"), "làng"]])
    first = _import(officer_a, data, "thon.xlsx")
    assert first.created == 2
    names = set(AdministrativeUnit.objects.filter(parent=commune_a, level=Level.VILLAGE).values_list("name", flat=True))
    assert names == {"Thôn Kon Klor", "Làng Tơ Lung"}
    before = _state()
    again = _import(officer_a, data, "thon.xlsx")
    assert again.created == 0
    assert _where(again) == [(2, COL_NAME), (3, COL_NAME)]
    assert _state() == before


def test_era_argument_reads_codes_in_the_new_era(kontum):
    admin = factories.make_user(is_superuser=True)
    data = xlsx([HEADER, [B, "Thôn 1", "thôn"]])
    assert _import(admin, data, "thon.xlsx").created == 1  # default: before the reform
    assert _import(admin, data, "thon.xlsx", era=Era.POST_2025).created == 1
    parents = set(AdministrativeUnit.objects.filter(level=Level.VILLAGE).values_list("parent__name", "era"))
    assert parents == {("Phường Duy Tân", Era.PRE_2025), ("Phường Đăk Cấm", Era.POST_2025)}


def test_a_race_after_the_check_rolls_back_the_whole_file(officer_a, commune_a, monkeypatch):
    data = xlsx([HEADER, [A, "Thôn 1", "thôn"], [A, "Thôn 2", "thôn"]])
    real_create_many = services.villages_create_many

    def racing_create_many(**kwargs):
        # Someone else adds "Thôn 2" between the check and the write.
        VillageFactory(commune=commune_a, name="Thôn 2")
        return real_create_many(**kwargs)

    monkeypatch.setattr(services, "villages_create_many", racing_create_many)
    result = _import(officer_a, data, "thon.xlsx")
    assert _where(result) == [(3, COL_NAME)]
    assert not AdministrativeUnit.objects.filter(level=Level.VILLAGE).exists()


# --- spreadsheets to download -------------------------------------------------------------------

def test_error_report_lists_row_column_and_message():
    errors = [imports.RowError(4, COL_CODE, NOT_FOUND.format("99999")), imports.RowError(None, "", "Tệp rỗng")]
    sheet = openpyxl.load_workbook(io.BytesIO(imports.errors_xlsx(errors))).active
    assert list(sheet.values) == [("Dòng", "Cột", "Lỗi"), (4, COL_CODE, NOT_FOUND.format("99999")),
                                  (None, None, "Tệp rỗng")]


def test_template_lists_scope_communes_and_imports_once_filled(officer_a, commune_a):
    from vuonlen.geo.selectors import communes_for_village_import

    content = imports.template_xlsx(communes_for_village_import(officer_a))
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    guide = list(workbook["Mã xã"].values)
    assert guide[1] == (A, "Phường Quang Trung", "Thành phố Kon Tum")
    assert not any(row and row[0] == B for row in guide)
    sheet = workbook.worksheets[0]
    sheet.append([A, "Thôn Mẫu", "thôn"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert _import(officer_a, buffer.getvalue(), "mau.xlsx").created == 1
