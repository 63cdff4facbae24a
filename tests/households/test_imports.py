"""Excel imports of households (with members) and of yearly reviews: a corpus of bad files, each
rejected whole with every error named by row and column; good files written once; a second
import of the same file changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import openpyxl
import pytest

from tests import factories
from vuonlen import poverty
from vuonlen.accounts.roles import Role
from vuonlen.core.models import AuditAction, AuditLog
from vuonlen.households import imports
from vuonlen.households.import_templates import household_template_xlsx, review_template_xlsx
from vuonlen.households.imports import H, R
from vuonlen.households.models import Household, Membership, Person, Review

from .factories import HouseholdFactory, ReviewFactory

pytestmark = pytest.mark.django_db

A, B = "23281", "23284"  # Phường Quang Trung, Phường Duy Tân (TP Kon Tum, before 2025)
COLUMNS = list(imports.HOUSEHOLD_TEMPLATE_COLUMNS)
NOT_FOUND = "Không tìm thấy xã mã {} trong phạm vi của bạn"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def xlsx(rows, *, header=None, title: str | None = "DANH SÁCH HỘ", merges=()) -> bytes:
    """A workbook as an officer makes one: a title row, an empty row, the header, the rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
        sheet.append([])
    sheet.append(header or COLUMNS)
    for row in rows:
        sheet.append(list(row))
    for cells in merges:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def person(code="", commune="", *, name="A Blong", sex="Nam", birth=1980, relation="Chủ hộ", ethnicity="Xơ Đăng",
           citizen_id="", village="", phone="", insurance="Có", school="", education="", occupation="", area="",
           address="", notes=""):
    values = {H.COMMUNE: commune, H.VILLAGE: village, H.CODE: code, H.AREA: area, H.PHONE: phone,
              H.ADDRESS: address, H.NOTES: notes, H.NAME: name, H.SEX: sex, H.BIRTH: birth, H.RELATION: relation,
              H.ETHNICITY: ethnicity, H.CITIZEN_ID: citizen_id, H.INSURANCE: insurance, H.SCHOOL: school,
              H.EDUCATION: education, H.OCCUPATION: occupation}
    return [values[c] for c in COLUMNS]


def counts():
    return (Household.objects.count(), Person.objects.count(), Membership.objects.count(), Review.objects.count(),
            AuditLog.objects.count())


def where(result):
    return [(e.row, e.column) for e in result.errors]


def run(actor, data, filename="ho.xlsx", **kwargs):
    return imports.import_households(actor=actor, file=io.BytesIO(data), filename=filename, **kwargs)


# --- households: bad files ----------------------------------------------------------------------

def test_every_kind_of_bad_household_row_is_reported_at_once(officer_a, commune_a, commune_b, household_a,
                                                             household_b, village_a):
    rows = [
        # row 4: a good household of two, the second row leaves the household columns blank
        person("N-1", A, name=nfd("A Hùng"), citizen_id="062085000111", birth="07/06/1985", phone="0912345678"),
        person("", "", name="Y Lan", sex="Nữ", relation="Vợ", birth=dt.date(1987, 2, 3)),
        # row 6: a commune out of the officer's scope, row 7: a commune that does not exist
        person("N-2", B),
        person("N-3", "99999"),
        # row 8: unknown village; row 9: a second row with another phone than the first
        person("N-4", A, village="Thôn Không Có"),
        person("N-5", A, phone="0911111111"),
        person("N-5", A, name="Y Mai", sex="Nữ", relation="Vợ", phone="0922222222"),
        # row 11: no head; row 12-13: two heads
        person("N-6", A, relation="Con", birth=2010),
        person("N-7", A),
        person("N-7", A, name="A Nam"),
        # row 14: the code of a household already listed above (rows of a household sit together)
        person("N-1", A, name="A Khác"),
        # row 15: an ID number already in this file; row 16: one already in the registry;
        # row 17: a malformed one; row 18: a date that does not exist and a sex nobody uses
        person("N-8", A, citizen_id="062085000111", birth=1985),
        person("N-9", A, citizen_id="062080001234"),
        person("N-10", A, citizen_id="12345"),
        person("N-11", A, birth="31/02/1980", sex="X"),
        # row 19: a household code already in the registry with other data
        person(household_a.code, A, name="Người Khác"),
    ]
    before = counts()
    result = run(officer_a, xlsx(rows))
    assert where(result) == [
        (6, H.COMMUNE), (7, H.COMMUNE), (8, H.VILLAGE), (10, H.PHONE), (11, H.RELATION), (13, H.RELATION),
        (14, H.CODE), (15, H.CITIZEN_ID), (16, H.CITIZEN_ID), (17, H.CITIZEN_ID), (18, H.SEX), (18, H.BIRTH),
        (19, H.CODE),
    ]
    messages = {(e.row, e.column): e.message for e in result.errors}
    # Out of scope and unknown read the same: nothing is revealed outside the scope.
    assert messages[(6, H.COMMUNE)] == NOT_FOUND.format(B)
    assert messages[(7, H.COMMUNE)] == NOT_FOUND.format("99999")
    assert "Thôn Không Có" in messages[(8, H.VILLAGE)]
    assert "dòng 9" in messages[(10, H.PHONE)]
    assert "chưa có chủ hộ" in messages[(11, H.RELATION)]
    assert "2 người là chủ hộ" in messages[(13, H.RELATION)]
    assert "dòng 4" in messages[(14, H.CODE)]
    assert messages[(15, H.CITIZEN_ID)] == "Số định danh cá nhân trùng với dòng 4"
    assert "đã có trong sổ" in messages[(16, H.CITIZEN_ID)] and "062080001234" not in messages[(16, H.CITIZEN_ID)]
    assert "12 chữ số" in messages[(17, H.CITIZEN_ID)]
    assert "không tồn tại" in messages[(18, H.BIRTH)]
    assert "chủ hộ" in messages[(19, H.CODE)] and "số nhân khẩu" in messages[(19, H.CODE)]
    assert not result.ok and counts() == before


def test_blank_code_before_any_household_and_missing_commune(officer_a):
    result = run(officer_a, xlsx([person("", "", name="Ai Đó"), person("N-1", "")]))
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (4, H.CODE, "Thiếu mã hộ"), (5, H.COMMUNE, "Thiếu mã xã")]


def test_a_viewer_cannot_import_where_they_can_only_read(commune_a, viewer_district):
    result = run(viewer_district, xlsx([person("N-1", A)]))
    assert [(e.row, e.column) for e in result.errors] == [(4, H.COMMUNE)]
    assert "không có quyền" in result.errors[0].message
    assert not Household.objects.exists()


@pytest.mark.parametrize("filename, data, message", [
    ("ho.xlsx", b"", "Tệp rỗng"),
    ("ho.pdf", b"%PDF-1.4", "Chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv"),
    ("ho.xlsx", b"PK\x03\x04 not a zip", "Tệp không phải bảng tính .xlsx hợp lệ"),
    ("ho.xlsx", b"not a spreadsheet", "Tệp không phải bảng tính .xlsx hợp lệ"),
])
def test_unreadable_files_are_rejected_with_one_message(officer_a, filename, data, message):
    result = run(officer_a, data, filename)
    assert [e.row for e in result.errors] == [None]
    assert result.errors[0].message.startswith(message)


def test_header_missing_a_column_is_named(officer_a):
    header = [c for c in COLUMNS if c != H.RELATION]
    result = run(officer_a, xlsx([], header=header))
    assert result.errors[0].message == f"Dòng tiêu đề thiếu cột: {H.RELATION}"


# --- households: good files ---------------------------------------------------------------------

def test_good_file_creates_households_members_and_audit_then_reimport_changes_nothing(officer_a, commune_a,
                                                                                       village_a):
    header = [nfd(c) for c in COLUMNS]  # headers in NFD, as old Mac files have them
    rows = [
        person("QT-101", A, village=nfd(village_a.name), name=nfd("A Thương"), citizen_id="062085000111",
               birth=dt.date(1985, 6, 7), phone="0912 345 678", address="Tổ 1", ethnicity=nfd("Xơ Đăng")),
        person("", "", name=nfd("Y Ngọc"), sex="nữ", relation="vợ", birth="03/02/1987", ethnicity="",
               education="cấp 2", school="thôi học"),
        person("", "", name="A Phúc", relation="con trai", birth=2012, ethnicity="", school="đang học",
               insurance="x"),
        # A household whose village is given by code, its head not on the first row, commune as a number.
        person("QT-102", int(A), village=village_a.code, name="Y Bla", sex="Nữ", relation="Con", birth=2001,
               ethnicity="Ba Na"),
        person("QT-102", int(A), name="A Rin", relation="Chủ hộ", birth=1970, ethnicity="Ba Na",
               citizen_id=62070000222),  # an ID typed as a number: its leading zero comes back
    ]
    data = xlsx(rows, header=header)
    last_audit = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    result = run(officer_a, data, "Danh sách hộ.xlsx")
    assert result.ok, result.errors
    assert result.counts["households"] == 2 and result.counts["persons"] == 5
    assert result.summary() == "Đã thêm 2 hộ, 5 nhân khẩu."

    first = Household.objects.get(commune=commune_a, code="QT-101")
    assert (first.unit, first.head_name, first.ethnicity, first.is_ethnic_minority) == (
        village_a, "A Thương", "14", True)
    assert first.area == "urban"  # a phường
    assert first.phone == "0912 345 678"
    members = {m.person.full_name: m for m in first.memberships.select_related("person")}
    assert set(members) == {"A Thương", "Y Ngọc", "A Phúc"}
    assert all(unicodedata.is_normalized("NFC", name) for name in members)
    assert members["Y Ngọc"].relation == "spouse" and members["Y Ngọc"].person.ethnicity == "14"
    assert members["Y Ngọc"].person.birth_date == dt.date(1987, 2, 3)
    assert members["Y Ngọc"].person.education_level == "lower_secondary"
    assert members["A Phúc"].person.birth_year == 2012 and members["A Phúc"].person.health_insurance
    second = Household.objects.get(code="QT-102")
    assert second.head_name == "A Rin" and second.ethnicity == "13"
    assert Person.objects.get(full_name="A Rin").citizen_id == "062070000222"

    new_audit = AuditLog.objects.filter(id__gt=last_audit)
    assert new_audit.filter(action=AuditAction.CREATE, source="import").count() == 2 + 5 + 5
    summary = new_audit.get(action=AuditAction.IMPORT)
    assert summary.actor == officer_a and "Nhập 2 hộ, 5 nhân khẩu" in summary.note
    assert "Danh sách hộ.xlsx" in summary.note
    # The log keeps ID numbers masked (core.audit) and no name in the summary.
    assert not new_audit.filter(changes__icontains="062085000111").exists()
    assert "A Thương" not in summary.note

    before = counts()
    again = run(officer_a, data, "Danh sách hộ.xlsx")
    assert again.ok and again.counts == {"households": 0, "persons": 0, "unchanged": 2}
    assert again.summary() == "Không có thay đổi: mọi dòng trong tệp đã có trong sổ."
    assert counts() == before


def test_household_cells_merged_down_the_rows(officer_a, commune_a):
    rows = [person("QT-201", A, phone="0905000111"), person("", "", name="Y Hoa", sex="Nữ", relation="Vợ"),
            person("QT-202", A, name="A Sơn")]
    # Mã xã and Mã hộ merged over the two rows of the first household (D4:D5 is the code column).
    data = xlsx(rows, merges=("A4:A5", "C4:C5"))
    result = run(officer_a, data)
    assert result.ok, result.errors
    assert Household.objects.get(code="QT-201").memberships.count() == 2


def test_a_household_already_in_the_registry_with_the_same_data_is_skipped(officer_a, household_a, commune_a):
    rows = [
        person(household_a.code, A, village=household_a.unit.name, name="A Blong", birth=1980,
               citizen_id="062080001234", insurance="không", ethnicity="Xơ Đăng"),
        person("", "", name="Y Hiên", sex="Nữ", relation="Vợ", birth=1983, insurance="", ethnicity=""),
        person("", "", name="A Tuấn", relation="Con", birth="07/06/2010", insurance="", ethnicity=""),
        person("QT-NEW", A, name="A Mới", birth=1990),
    ]
    result = run(officer_a, xlsx(rows))
    assert result.ok, result.errors
    assert (result.counts["households"], result.counts["unchanged"]) == (1, 1)
    assert "1 hộ không có thay đổi" in result.summary()


def test_a_household_already_in_the_registry_but_ended_is_reported_with_its_end_date(officer_a, household_a,
                                                                                      commune_a):
    # The registry's households are read in plain SQL (a date comes as text on SQLite): the
    # message still says the day the household ended, as the officer reads dates.
    Household.objects.filter(pk=household_a.pk).update(ended_on=dt.date(2024, 3, 9))
    rows = [
        person(household_a.code, A, village=household_a.unit.name, name="A Blong", birth=1980,
               citizen_id="062080001234", insurance="không", ethnicity="Xơ Đăng"),
        person("", "", name="Y Hiên", sex="Nữ", relation="Vợ", birth=1983, insurance="", ethnicity=""),
        person("", "", name="A Tuấn", relation="Con", birth="07/06/2010", insurance="", ethnicity=""),
    ]
    before = counts()
    result = run(officer_a, xlsx(rows))
    assert where(result) == [(4, H.CODE), (4, H.CITIZEN_ID)]  # the head's ID number is no longer "his"
    assert f"đã có hộ mã {household_a.code} với thông tin khác (hộ đã kết thúc ngày 09/03/2024)" in \
        result.errors[0].message
    assert counts() == before


def test_id_numbers_already_in_the_registry_are_found_in_every_chunk_of_the_file(officer_a, commune_a,
                                                                                  monkeypatch):
    # The registry is asked in chunks of ID numbers (one array on PostgreSQL): a chunk of two
    # here, so the numbers already there fall in different chunks, the new ones between them.
    from vuonlen.households.imports import common

    monkeypatch.setattr(common, "_CHUNK", 2)
    taken = ["062080000011", "062080000044", "062080000066"]
    for number, cid in enumerate(taken):
        HouseholdFactory(unit=commune_a, code=f"OLD-{number}", members=[
            {"full_name": f"A Cũ {number}", "sex": "Nam", "relation": "Chủ hộ", "birth_year": 1980,
             "citizen_id": cid}])
    ids = [f"0620800000{n}{n}" for n in range(1, 8)]  # 11, 22, … 77: three of them taken
    rows = [person(f"CH-{n}", A, name=f"A Số {n}", citizen_id=cid) for n, cid in enumerate(ids)]
    before = counts()
    result = run(officer_a, xlsx(rows))
    assert where(result) == [(4, H.CITIZEN_ID), (7, H.CITIZEN_ID), (9, H.CITIZEN_ID)]
    assert all("đã có trong sổ hộ (của một người khác)" in e.message for e in result.errors)
    assert counts() == before


def test_the_worker_gives_back_the_memory_the_write_took(officer_a, commune_a):
    """SQLite: the import writes with a larger page cache (imports.common.sqlite_write_cache), then
    sets the connection's back: a worker that imported a province's file does not keep 32 MB."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's buffers are the server's")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
    result = run(officer_a, xlsx([person("MEM-1", A), person("MEM-2", A, name="A Hai")]))
    assert result.ok, result.errors
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before
    assert Household.objects.filter(code__startswith="MEM-").count() == 2


def test_era_reads_commune_codes_of_the_new_order(kontum):
    admin = factories.make_user(is_superuser=True)
    result = run(admin, xlsx([person("M-1", B)]), era="post2025")
    assert result.ok, result.errors
    assert Household.objects.get(code="M-1").commune.name == "Phường Đăk Cấm"


def test_template_lists_the_scope_and_imports_once_filled(officer_a, commune_a, commune_b, village_a):
    workbook = openpyxl.load_workbook(io.BytesIO(household_template_xlsx(officer_a)))
    assert workbook.sheetnames == ["Hộ và nhân khẩu", "Hướng dẫn", "Danh mục", "Xã, thôn"]
    sheet = workbook["Hộ và nhân khẩu"]
    assert [c.value for c in sheet[3]] == COLUMNS
    units = list(workbook["Xã, thôn"].values)
    assert (A, "Phường Quang Trung", "Thành phố Kon Tum", None, None) in [tuple(u[:5]) for u in units]
    assert any(u[3] == village_a.name and u[4] == village_a.code for u in units)
    assert not any(u[0] == B for u in units)
    catalogue = list(workbook["Danh mục"].values)
    assert catalogue[0][:3] == ("Giới tính", "Quan hệ với chủ hộ", "Dân tộc")
    assert catalogue[1][2] == "Xơ Đăng"  # Kon Tum's groups first
    assert sheet.data_validations.dataValidation  # drop-downs
    sheet.append(person("QT-301", A, village=village_a.name))
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(officer_a, buffer.getvalue(), "mau.xlsx")
    assert result.ok, result.errors
    assert Household.objects.get(code="QT-301").unit == village_a


# --- reviews ----------------------------------------------------------------------------------------

YEAR = 2023
INDICATORS = poverty.standard_for_year(YEAR).indicators


def review_header(year=YEAR):
    return [c.name for c in imports.review_columns_for(year)]


def review_row(code, commune=A, *, income="", score_a="", lacking=(), kind="", reviewed_on="", number="",
               date="", head="", year=YEAR, farming=""):
    values = {R.COMMUNE: commune, R.CODE: code, R.HEAD: head, R.INCOME: income, R.SCORE_A: score_a, R.FARMING: farming,
              R.KIND: kind, R.REVIEWED_ON: reviewed_on, R.DECISION_NUMBER: number, R.DECISION_DATE: date}
    for indicator in poverty.standard_for_year(year).indicators:
        values[indicator.name_vi] = "x" if indicator.code in lacking else ""
    return [values[c] for c in review_header(year)]


def run_reviews(actor, data, year=YEAR, **kwargs):
    return imports.import_reviews(actor=actor, file=io.BytesIO(data), filename="ra-soat.xlsx", year=year, **kwargs)


@pytest.fixture
def three_households(commune_a, village_a):
    return [HouseholdFactory(unit=village_a, code=f"RS-{i}", members=["A Một", "Y Hai", "A Ba"][:i]) for i in (1, 2, 3)]


def test_review_import_computes_statuses_with_classify_and_reimport_changes_nothing(officer_a, three_households):
    h1, h2, h3 = three_households
    codes = [i.code for i in INDICATORS]
    rows = [
        review_row(h1.code, income="1.500.000", lacking=codes[:3], reviewed_on=dt.date(2023, 10, 2)),
        review_row(h2.code, income="1,950,000", lacking=codes[3:4], reviewed_on="15/11/2023", number="45/QĐ-UBND",
                   date="20/12/2023", kind="định kỳ"),
        review_row(h3.code, income=2_400_000.0, reviewed_on="01/10/2023"),
    ]
    data = xlsx(rows, header=review_header(), title="KẾT QUẢ RÀ SOÁT")
    result = run_reviews(officer_a, data)
    assert result.ok, result.errors
    assert result.counts["reviews"] == 3
    expected = {
        h1.pk: poverty.classify(year=YEAR, area=h1.area, income=1_500_000, lacking=codes[:3]),
        h2.pk: poverty.classify(year=YEAR, area=h2.area, income=1_950_000, lacking=codes[3:4]),
        h3.pk: poverty.classify(year=YEAR, area=h3.area, income=2_400_000, lacking=[]),
    }
    reviews = {r.household_id: r for r in Review.objects.filter(year=YEAR)}
    for household_id, classification in expected.items():
        review = reviews[household_id]
        assert review.status == str(classification.status)
        assert review.standard == classification.standard
        assert review.lacking_count == classification.lacking_count
        assert review.score_b == classification.score_b
    assert reviews[h1.pk].status == "poor"  # urban phường: line 2,000,000, three lacking
    assert [reviews[h.pk].persons for h in three_households] == [1, 2, 3]
    assert reviews[h2.pk].recognised and reviews[h2.pk].decision_number == "45/QĐ-UBND"
    assert not reviews[h1.pk].recognised
    assert reviews[h1.pk].commune_id == h1.commune_id and reviews[h1.pk].unit_id == h1.unit_id
    h2.refresh_from_db()
    assert (h2.current_status, h2.current_status_year) == (reviews[h2.pk].status, YEAR)
    status_entry = AuditLog.objects.get(action=AuditAction.UPDATE, object_id=str(h2.pk))
    assert status_entry.changes["current_status"] == ["", reviews[h2.pk].status]
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_id=str(reviews[h1.pk].pk),
                                   object_repr=f"Rà soát {YEAR} của hộ #{h1.pk}").exists()
    assert AuditLog.objects.filter(action=AuditAction.IMPORT, note__contains="3 kết quả rà soát năm 2023").exists()

    before = counts()
    again = run_reviews(officer_a, data)
    assert again.ok and again.counts["reviews"] == 0 and again.counts["unchanged"] == 3
    assert counts() == before


def test_review_import_with_score_a(officer_a, three_households):
    h1 = three_households[0]
    result = run_reviews(officer_a, xlsx([review_row(h1.code, score_a=120, lacking=["employment", "latrine",
                                                                                    "telecom"])],
                                         header=review_header()))
    assert result.ok, result.errors
    review = Review.objects.get(household=h1, year=YEAR)
    assert review.score_a == 120
    assert review.status == str(poverty.classify(year=YEAR, area=h1.area, score_a=120,
                                                 lacking=["employment", "latrine", "telecom"]).status)


def test_every_kind_of_bad_review_row_is_reported_at_once(officer_a, three_households, household_b):
    h1, h2, h3 = three_households
    ReviewFactory(household=h3, year=YEAR, income=1_000_000, recognised=True, decision_date=dt.date(2023, 12, 20))
    first_indicator = INDICATORS[0].name_vi
    rows = [
        review_row(h1.code, income="1.5.00"),                            # 4: not a number
        review_row(h2.code, income=1_000_000, score_a=100),              # 5: both income and score A
        review_row(household_b.code, commune=B, income=1_000_000),       # 6: a commune out of scope
        review_row("KHÔNG-CÓ", income=1_000_000),                        # 7: an unknown household
        review_row(h1.code, income=1_000_000),                           # 8: same household twice
        review_row(h3.code, income=900_000),                             # 9: recognised, different
        review_row("", income=1_000_000, number="1/QĐ"),                 # 10: no code, number without date
    ]
    h4 = HouseholdFactory(unit=h1.unit, code="RS-4")
    bad_mark = review_row(h4.code, income=1_000_000)
    bad_mark[review_header().index(first_indicator)] = "y"
    rows.append(bad_mark)                                                # 11: a mark that is not x
    before = counts()
    result = run_reviews(officer_a, xlsx(rows, header=review_header()))
    assert where(result) == [
        (4, R.INCOME), (5, R.SCORE_A), (6, R.COMMUNE), (7, R.CODE), (8, R.CODE), (9, R.CODE), (10, R.CODE),
        (10, R.DECISION_DATE), (11, first_indicator),
    ]
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert messages[(6, R.COMMUNE)] == NOT_FOUND.format(B)
    assert "trong phạm vi của bạn" in messages[(7, R.CODE)]
    assert "dòng 4" in messages[(8, R.CODE)]
    assert "đã được công nhận" in messages[(9, R.CODE)]
    assert counts() == before


def test_the_farming_column_is_read_and_a_bad_value_is_named(officer_a, three_households):
    h1, h2, h3 = three_households
    header = review_header()
    assert header[header.index(R.SCORE_A) + 1] == R.FARMING == "Hộ làm nông, lâm, ngư, diêm nghiệp (có/không)"
    bad = run_reviews(officer_a, xlsx([review_row(h1.code, income=2_000_000, farming="Có"),
                                       review_row(h2.code, income=2_000_000, farming="trồng lúa")], header=header))
    assert where(bad) == [(5, R.FARMING)] and "“trồng lúa” không phải có/không" in bad.errors[0].message
    assert not Review.objects.filter(household__in=three_households).exists()
    result = run_reviews(officer_a, xlsx([review_row(h1.code, income=2_000_000, farming="Có"),
                                          review_row(h2.code, income=2_000_000, farming="không"),
                                          review_row(h3.code, income=2_000_000)], header=header))
    assert result.ok, result.errors
    got = dict(Review.objects.filter(household__in=three_households).values_list("household__code", "farming"))
    assert got == {h1.code: True, h2.code: False, h3.code: None}
    # The same file again changes nothing; a changed farming answer supersedes the review.
    assert run_reviews(officer_a, xlsx([review_row(h1.code, income=2_000_000, farming="Có")],
                                       header=header)).counts["reviews"] == 0
    changed = run_reviews(officer_a, xlsx([review_row(h1.code, income=2_000_000, farming="Không")], header=header))
    assert changed.counts["superseded"] == 1
    assert Review.objects.get(household=h1, year=YEAR, is_current=True).farming is False


def test_an_unrecognised_review_is_superseded_by_a_different_row(officer_a, three_households):
    h1 = three_households[0]
    old = ReviewFactory(household=h1, year=YEAR, income=1_000_000)
    result = run_reviews(officer_a, xlsx([review_row(h1.code, income=3_500_000)], header=review_header()))
    assert result.ok and result.counts["superseded"] == 1
    old.refresh_from_db()
    new = Review.objects.get(household=h1, year=YEAR, is_current=True)
    assert not old.is_current and new.supersedes == old
    assert new.income_per_capita == 3_500_000


def test_rows_without_figures_are_skipped_and_a_template_imports(officer_a, three_households):
    content = review_template_xlsx(officer_a, YEAR)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[3]]
    assert header == review_header()
    prefilled = [(r[0], r[1]) for r in sheet.iter_rows(min_row=4, values_only=True) if r[1]]
    assert sorted(prefilled) == sorted((A, h.code) for h in three_households)
    # Fill in the first household only.
    sheet.cell(row=4, column=header.index(R.INCOME) + 1, value=1_200_000)
    sheet.cell(row=4, column=header.index(INDICATORS[0].name_vi) + 1, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run_reviews(officer_a, buffer.getvalue())
    assert result.ok, result.errors
    assert (result.counts["reviews"], result.counts["skipped"]) == (1, 2)


def test_review_file_missing_an_indicator_column(officer_a):
    header = review_header()[:-5] + review_header()[-4:]  # the last indicator column dropped
    result = run_reviews(officer_a, xlsx([], header=header))
    assert result.errors[0].message == f"Dòng tiêu đề thiếu cột: {INDICATORS[-1].name_vi}"


def test_a_year_without_a_standard(officer_a):
    result = run_reviews(officer_a, xlsx([], header=review_header()), year=1999)
    assert result.errors[0].message == "Chưa có chuẩn nghèo áp dụng cho năm 1999"


def test_error_report_lists_row_column_message(officer_a):
    result = run(officer_a, xlsx([person("N-1", "99999")]))
    sheet = openpyxl.load_workbook(io.BytesIO(imports.errors_xlsx(result.errors))).active
    assert list(sheet.values) == [("Dòng", "Cột", "Lỗi"), (4, H.COMMUNE, NOT_FOUND.format("99999"))]


def test_mentor_sees_no_commune_in_the_template(commune_a):
    mentor = factories.make_user(Role.MENTOR, commune_a)
    units = list(openpyxl.load_workbook(io.BytesIO(household_template_xlsx(mentor)))["Xã, thôn"].values)
    assert units[1][0] == "Bạn chưa được phân công xã nào có quyền nhập hộ."


# --- background jobs, pages, command --------------------------------------------------------------

def test_job_runs_reports_progress_and_result(officer_a, commune_a, monkeypatch):
    from vuonlen.households import jobs
    from vuonlen.households.models import ImportJob, ImportStatus

    seen = []
    real_writer = jobs._progress_writer

    def spying_writer(job_id):
        write = real_writer(job_id)

        def record(done, total, phase):
            write(done, total, phase)
            seen.append((phase, ImportJob.objects.values_list("done", "total", "phase").get(pk=job_id)))

        return record

    monkeypatch.setattr(jobs, "_progress_writer", spying_writer)
    data = xlsx([person(f"J-{i}", A, name="A Bình") for i in range(5)])
    job = jobs.import_job_start(actor=officer_a, kind="households", data=data, filename="ho.xlsx")
    # The immediate backend (the tests' setting) has run the job by now.
    assert job.status == ImportStatus.DONE and job.finished
    assert job.counts["households"] == 5 and job.error_count == 0
    assert job.upload in (b"", memoryview(b""))  # the file, personal data, is not kept
    assert job.task_id and job.started_at and job.finished_at
    phases = [phase for phase, _ in seen]
    assert phases[0] == "read" and "write" in phases
    assert seen[-1] == ("write", (0, 0, "write"))  # announced before the one transaction
    assert Household.objects.filter(code__startswith="J-").count() == 5


def test_job_with_errors_keeps_them_and_the_error_file(officer_a, commune_a):
    from vuonlen.households import jobs

    job = jobs.import_job_start(actor=officer_a, kind="households", data=xlsx([person("E-1", "99999")]),
                                filename="loi.xlsx")
    assert job.status == "done" and job.error_count == 1
    assert job.errors == [[4, H.COMMUNE, NOT_FOUND.format("99999")]]
    sheet = openpyxl.load_workbook(io.BytesIO(jobs.job_errors_xlsx(job))).active
    assert list(sheet.values)[1] == (4, H.COMMUNE, NOT_FOUND.format("99999"))


@pytest.mark.django_db(transaction=True)
def test_job_through_the_database_backend_and_its_worker(officer_a, commune_a, settings):
    """The production path: the job waits in the database until `db_worker` picks it up.

    Transactional: the worker closes and reopens database connections, as a real one does."""
    from django.core.management import call_command

    from vuonlen.households import jobs
    from vuonlen.households.models import ImportStatus

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # Django resets the backends
    job = jobs.import_job_start(actor=officer_a, kind="households", data=xlsx([person("W-1", A)]), filename="ho.xlsx")
    assert job.status == ImportStatus.QUEUED and job.task_id
    assert not Household.objects.filter(code="W-1").exists()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.counts["households"] == 1


def test_pages_upload_poll_and_result(client, officer_a, commune_a):
    from django.urls import reverse

    client.force_login(officer_a)
    start = reverse("household_imports:start")
    assert client.get(start).status_code == 200
    data = xlsx([person("P-1", A), person("P-2", "99999")])
    response = client.post(start, {"kind": "households", "era": "pre2025",
                                   "file": _upload("ho.xlsx", data)})
    job_url = response["Location"]
    assert response.status_code == 302 and "/lan-nhap/" in job_url
    page = client.get(job_url)
    assert "Tệp có 1 lỗi; chưa ghi gì vào sổ." in page.content.decode()
    assert NOT_FOUND.format("99999") in page.content.decode()
    job_id = int(job_url.rstrip("/").rsplit("/", 1)[1])
    errors = client.get(reverse("household_imports:errors", args=[job_id]))
    assert errors["Content-Type"].startswith("application/vnd.openxmlformats")
    # A good file: the result names what was created.
    response = client.post(start, {"kind": "households", "era": "pre2025", "file": _upload("ho.xlsx", xlsx(
        [person("P-1", A)]))})
    progress = client.get(response["Location"] + "tien-do/")
    assert "Đã thêm 1 hộ, 1 nhân khẩu." in progress.content.decode()
    assert 'hx-trigger="every 1s"' not in progress.content.decode()  # done: the polling stops


def test_job_page_polls_while_the_job_runs(client, officer_a):
    from django.urls import reverse

    from vuonlen.households.models import ImportJob

    job = ImportJob.objects.create(kind="households", created_by=officer_a, filename="ho.xlsx", status="running",
                                   phase="check", done=250, total=1000)
    client.force_login(officer_a)
    body = client.get(reverse("household_imports:progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in body and 'aria-valuenow="25"' in body
    assert "Đang kiểm tra: 250/1.000 dòng" in body


def test_another_persons_job_is_not_found(client, officer_a, officer_b):
    from django.urls import reverse

    from vuonlen.households.models import ImportJob

    job = ImportJob.objects.create(kind="households", created_by=officer_a, filename="ho.xlsx")
    client.force_login(officer_b)
    for name in ("job", "progress", "errors"):
        assert client.get(reverse(f"household_imports:{name}", args=[job.pk])).status_code == 404


def test_import_pages_need_the_edit_right(client, commune_a, mentor_a):
    from django.urls import reverse

    client.force_login(mentor_a)
    assert client.get(reverse("household_imports:start")).status_code == 403
    assert client.get(reverse("household_imports:household_template")).status_code == 403
    client.force_login(factories.make_user(Role.REPORTING_UNIT, commune_a))
    assert client.get(reverse("household_imports:start")).status_code == 404


def test_template_downloads(client, officer_a, three_households):
    from django.urls import reverse

    client.force_login(officer_a)
    response = client.get(reverse("household_imports:household_template"))
    assert response.status_code == 200 and "mau-ho-va-nhan-khau.xlsx" in response["Content-Disposition"]
    response = client.get(reverse("household_imports:review_template") + "?nam=2023")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.title == "Rà soát 2023" and sheet["B4"].value == "RS-1"
    assert client.get(reverse("household_imports:review_template") + "?nam=1990").status_code == 404


def test_command_prints_every_error_and_exits_non_zero(tmp_path, officer_a, commune_a, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    bad = tmp_path / "ho.xlsx"
    bad.write_bytes(xlsx([person("C-1", "99999"), person("C-2", A, sex="X")]))
    with pytest.raises(CommandError, match="Tệp có 2 lỗi"):
        call_command("import", "households", str(bad), "--user", officer_a.username)
    out = capsys.readouterr().out
    assert f"Dòng 4, cột {H.COMMUNE}: {NOT_FOUND.format('99999')}" in out
    assert f"Dòng 5, cột {H.SEX}:" in out
    good = tmp_path / "ho2.xlsx"
    good.write_bytes(xlsx([person("C-1", A)]))
    call_command("import", "households", str(good), "--user", officer_a.username)
    assert "Đã thêm 1 hộ, 1 nhân khẩu." in capsys.readouterr().out
    assert Household.objects.get(code="C-1").created_by == officer_a


def test_command_imports_reviews_as_the_system(tmp_path, three_households, capsys):
    from django.core.management import call_command

    path = tmp_path / "ra-soat.xlsx"
    path.write_bytes(xlsx([review_row(h.code, income="1.200.000") for h in three_households],
                          header=review_header()))
    call_command("import", "reviews", str(path), "--year", "2023")
    assert "Đã thêm 3 kết quả rà soát." in capsys.readouterr().out
    assert AuditLog.objects.filter(action=AuditAction.IMPORT, actor_name="hệ thống").exists()


def test_a_command_named_import_is_reachable_from_the_vuonlen_entry(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "vuonlen.core.cli", "import", "--help"], capture_output=True,
                            text=True, env={**__import__("os").environ, "DEBUG": "1"})
    assert result.returncode == 0 and "households" in result.stdout


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")
