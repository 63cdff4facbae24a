"""The files communes really send: Excel 97-2003 (.xls) and LibreOffice (.ods) files, a numbering
row under the header as on government sheets, birth dates stored as Excel's numbers, and years
typed into cells formatted as dates. Each file is imported and its rows checked."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.spreadsheet_files import ods_bytes, xls_bytes
from vuonlen.geo import imports as village_imports
from vuonlen.geo.models import AdministrativeUnit, Level
from vuonlen.households import imports
from vuonlen.households.import_templates import household_template_xlsx
from vuonlen.households.imports import H
from vuonlen.households.models import Household, ImportStatus, Person

from .test_imports import COLUMNS, A, person

pytestmark = pytest.mark.django_db


def rows_of_a_commune_sheet(numbering=None):
    """A title, the header, maybe a numbering row, then two households as officers type them:
    real date cells, a year alone, the commune code as a number."""
    rows = [["DANH SÁCH HỘ GIA ĐÌNH"], [], COLUMNS]
    if numbering is not None:
        rows.append(numbering)
    rows += [
        person("F-1", int(A), name="A Thương", birth=dt.date(1985, 6, 7), citizen_id="062085000111"),
        person("", "", name="Y Ngọc", sex="Nữ", relation="Vợ", birth=1987, ethnicity=""),
        person("F-2", int(A), name="A Rin", birth="03/02/1970", ethnicity="Ba Na"),
    ]
    return rows


def assert_imported(result):
    assert result.ok, result.errors
    assert result.counts["households"] == 2 and result.counts["persons"] == 3
    thuong = Person.objects.get(full_name="A Thương")
    assert thuong.birth_date == dt.date(1985, 6, 7) and thuong.citizen_id == "062085000111"
    assert Person.objects.get(full_name="Y Ngọc").birth_year == 1987
    assert Person.objects.get(full_name="A Rin").birth_date == dt.date(1970, 2, 3)
    assert Household.objects.get(code="F-2").ethnicity == "13"
    assert Household.objects.get(code="F-1").memberships.count() == 2


def xlsx(rows, *, formats=None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for (row, column), number_format in (formats or {}).items():
        sheet.cell(row=row, column=column).number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


BUILDERS = {"xls": xls_bytes, "ods": ods_bytes, "xlsx": xlsx}


@pytest.mark.parametrize("extension", ["xls", "ods"])
def test_excel_97_2003_and_opendocument_files_import(officer_a, commune_a, extension):
    data = BUILDERS[extension](rows_of_a_commune_sheet())
    result = imports.import_households(actor=officer_a, file=data, filename=f"Danh sách hộ.{extension}")
    assert_imported(result)


@pytest.mark.parametrize("extension", ["xls", "ods"])
def test_the_upload_page_accepts_xls_and_ods(client, officer_a, commune_a, extension):
    client.force_login(officer_a)
    page = client.get(reverse("household_imports:start")).content.decode()
    assert ".xls," in page and ".ods," in page  # the file picker offers them
    response = client.post(reverse("household_imports:start"), {
        "kind": "households", "era": "pre2025",
        "file": SimpleUploadedFile(f"ho.{extension}", BUILDERS[extension](rows_of_a_commune_sheet()))})
    assert response.status_code == 302
    from vuonlen.households.models import ImportJob

    job = ImportJob.objects.latest("pk")
    assert job.status == ImportStatus.DONE and job.errors == [] and job.counts["persons"] == 3


def test_the_upload_page_refuses_other_files_at_once(client, officer_a):
    client.force_login(officer_a)
    response = client.post(reverse("household_imports:start"), {
        "kind": "households", "era": "pre2025", "file": SimpleUploadedFile("ho.pdf", b"%PDF-1.4")})
    assert response.status_code == 200
    assert "Chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv" in response.content.decode()


@pytest.mark.parametrize("numbering", [
    [f"({n})" for n in range(1, len(COLUMNS) + 1)],
    list(range(1, len(COLUMNS) + 1)),
    [str(n) for n in range(1, len(COLUMNS) + 1)],
    ["A", "B", *[f"({n})" for n in range(1, len(COLUMNS) - 1)]],
], ids=["(1) (2) (3)", "1 2 3 as numbers", "1 2 3 as text", "A B (1) (2)"])
@pytest.mark.parametrize("extension", ["xlsx", "xls", "ods"])
def test_a_numbering_row_under_the_header_is_skipped(officer_a, commune_a, numbering, extension):
    data = BUILDERS[extension](rows_of_a_commune_sheet(numbering))
    result = imports.import_households(actor=officer_a, file=data, filename=f"ho.{extension}")
    assert_imported(result)


def test_a_data_row_of_numbers_is_not_taken_for_a_numbering_row(officer_a, commune_a):
    # The first data row right under the header still reports its errors: nothing is skipped silently.
    rows = [COLUMNS, person("N-1", "99999", name="1", birth=2)]
    result = imports.import_households(actor=officer_a, file=xlsx(rows), filename="ho.xlsx")
    assert (2, H.COMMUNE) in [(e.row, e.column) for e in result.errors]


@pytest.mark.parametrize("extension", ["xlsx", "xls", "ods"])
def test_a_birth_date_stored_as_excel_number_is_the_date(officer_a, commune_a, extension):
    # 31205 is what Excel keeps for 07/06/1985 typed into an unformatted ("General") cell.
    rows = [COLUMNS, person("S-1", A, name="A Thương", birth=31205),
            person("", "", name="Y Ngọc", sex="Nữ", relation="Vợ", birth=1987)]
    result = imports.import_households(actor=officer_a, file=BUILDERS[extension](rows), filename=f"ho.{extension}")
    assert result.ok, result.errors
    assert Person.objects.get(full_name="A Thương").birth_date == dt.date(1985, 6, 7)
    assert Person.objects.get(full_name="Y Ngọc").birth_year == 1987


def test_a_year_typed_into_a_date_formatted_cell_is_kept_as_the_year(officer_a, commune_a):
    # The old template formatted "Ngày sinh" as dates: 1985 typed there is stored as day 1985 and
    # shown as 07/06/1905. The import reads what the officer typed: the year 1985.
    birth = COLUMNS.index(H.BIRTH) + 1
    rows = [COLUMNS, person("Y-1", A, name="A Thương", birth=1985),
            person("", "", name="Y Ngọc", sex="Nữ", relation="Vợ", birth=dt.date(1987, 2, 3))]
    data = xlsx(rows, formats={(2, birth): "DD/MM/YYYY", (3, birth): "DD/MM/YYYY"})
    result = imports.import_households(actor=officer_a, file=data, filename="ho.xlsx")
    assert result.ok, result.errors
    thuong = Person.objects.get(full_name="A Thương")
    assert (thuong.birth_year, thuong.birth_date) == (1985, None)
    assert Person.objects.get(full_name="Y Ngọc").birth_date == dt.date(1987, 2, 3)


def test_the_template_keeps_a_bare_year_and_a_date_as_typed(officer_a, commune_a):
    workbook = openpyxl.load_workbook(io.BytesIO(household_template_xlsx(officer_a)))
    sheet = workbook["Hộ và nhân khẩu"]
    birth = COLUMNS.index(H.BIRTH) + 1
    assert sheet.cell(row=4, column=birth).number_format == "@"  # text: Excel keeps what is typed
    # What Excel stores when an officer types into the text-formatted cells.
    for row, values in ((4, person("T-1", A, name="A Thương", birth="1985")),
                        (5, person("", "", name="Y Ngọc", sex="Nữ", relation="Vợ", birth="03/02/1987"))):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row, column=column).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = imports.import_households(actor=officer_a, file=buffer.getvalue(), filename="mau.xlsx")
    assert result.ok, result.errors
    assert Person.objects.get(full_name="A Thương").birth_year == 1985
    assert Person.objects.get(full_name="Y Ngọc").birth_date == dt.date(1987, 2, 3)


@pytest.mark.parametrize("extension", ["xls", "ods"])
def test_the_village_import_reads_xls_and_ods_with_a_numbering_row(officer_a, commune_a, extension):
    rows = [["Mã xã", "Tên thôn", "Loại"], ["(1)", "(2)", "(3)"], [A, "Thôn Đăk Rơ Wa", "thôn"],
            [int(A), "Làng Plei Rơ Hai", "làng"]]
    result = village_imports.village_import(actor=officer_a, file=BUILDERS[extension](rows),
                                            filename=f"thon.{extension}")
    assert result.ok, result.errors
    names = set(AdministrativeUnit.objects.filter(level=Level.VILLAGE, parent=commune_a).values_list("name", flat=True))
    assert {"Thôn Đăk Rơ Wa", "Làng Plei Rơ Hai"} <= names


def test_an_xlsx_renamed_xls_is_read_for_what_it_is(officer_a, commune_a):
    result = imports.import_households(actor=officer_a, file=xlsx(rows_of_a_commune_sheet()), filename="ho.xls")
    assert_imported(result)
