"""The five official tables: totals that add up, rates on the right denominators, "-" for a
zero denominator, the two eras, the .xlsx read back, the pages and their scope, the command,
and the demo's tables against counts computed independently in SQL."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.geo.factories import VillageFactory
from vuonlen.accounts.roles import Role
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.models import AuditAction, AuditLog
from vuonlen.documents.excel import DASH, leaves, workbook_bytes
from vuonlen.geo.models import AdministrativeUnit, Era, Level
from vuonlen.households import official_tables, services
from vuonlen.households.movements import NEAR_POOR, POOR
from vuonlen.households.official_tables import ReviewReport, rate

from .test_movements import history, home, review

pytestmark = pytest.mark.django_db

N = 2023
URL = reverse("household_reports:tables")
XLSX_URL = reverse("household_reports:xlsx")


def base(commune, households: int, persons: int, year: int = N):
    return services.population_base_set(actor=SYSTEM, commune=commune, year=year, households_total=households,
                                        persons_total=persons)


def rows_by_name(table) -> dict[str, official_tables.TableRow]:
    return {row.name: row for row in table.rows() if not row.continued}


def numeric_keys(table) -> list[str]:
    return [c.key for c in leaves(table.columns()) if c.kind == "count"]


@pytest.fixture
def district(kontum):
    return AdministrativeUnit.objects.get(era=Era.PRE_2025, level=Level.DISTRICT, code="608")  # TP Kon Tum


@pytest.fixture
def two_communes(commune_a, commune_b):
    """Quang Trung: 3 poor (2, 3, 4 persons), 1 near-poor, 3 average (one farming, one not, one
    not recorded); Duy Tân: 1 poor, 2 near-poor."""
    for persons in (2, 3, 4):
        history(commune_a, None, None, POOR, persons=persons)
    history(commune_a, None, None, NEAR_POOR, persons=5)
    history(commune_a, None, None, "average", persons=2, farming=True)
    history(commune_a, None, None, "average", persons=4, farming=False)
    history(commune_a, None, None, "average", persons=1)
    history(commune_b, None, None, POOR, persons=6)
    history(commune_b, None, None, NEAR_POOR, persons=1)
    history(commune_b, None, None, NEAR_POOR, persons=2)
    base(commune_a, 100, 400)
    base(commune_b, 300, 1000)
    return commune_a, commune_b


# --- table 01 ----------------------------------------------------------------------------------

def test_a_rate_needs_a_denominator():
    assert rate(1, 4) == 25.0 and rate(0, 7) == 0.0
    assert rate(3, 0) is None  # shown "-", never 0 nor an error


def test_summary_counts_and_rates_on_the_right_denominators(two_communes, district):
    a, b = two_communes
    table = ReviewReport(unit=district, year=N, user=SYSTEM).table("01")
    rows = rows_by_name(table)
    qt = rows["Phường Quang Trung"].values
    assert (qt["households_total"], qt["persons_total"]) == (100, 400)
    # Columns 7 and 13: only the average household living from farming, forestry or fishery.
    assert (qt["poor_h"], qt["poor_p"], qt["near_h"], qt["near_p"], qt["average_h"], qt["average_p"]) == \
        (3, 9, 1, 5, 1, 2)
    assert any("1 hộ có mức sống trung bình chưa ghi có làm nông, lâm, ngư nghiệp" in n for n in table.notes())
    assert qt["poor_h_rate"] == pytest.approx(3.0)  # of households
    assert qt["poor_p_rate"] == pytest.approx(9 / 400 * 100)  # of persons
    total = rows["Tổng cộng"].values
    assert (total["households_total"], total["poor_h"], total["near_h"], total["near_p"]) == (400, 4, 3, 8)
    # The total's rate is its own numerator over its own denominator, not the mean of the rates.
    assert total["poor_h_rate"] == pytest.approx(4 / 400 * 100)
    assert total["poor_h_rate"] != pytest.approx((3.0 + 1 / 3 * 100) / 2)
    assert total["near_p_rate"] == pytest.approx(8 / 1400 * 100)


def test_totals_add_up_in_every_table(two_communes, district):
    report = ReviewReport(unit=district, year=N, user=SYSTEM)
    for table in report.tables():
        rows = table.rows()
        details = [r for r in rows if r.kind == "detail"]
        totals = [r for r in rows if r.kind == "total"]
        communes = AdministrativeUnit.objects.filter(parent=district, level=Level.COMMUNE).count()
        assert len(details) == communes * (2 if table.paired else 1)
        for key in numeric_keys(table):
            for offset in range(2 if table.paired else 1):
                detail_sum = sum(r.values[key] for r in details[offset::2 if table.paired else 1])
                assert totals[offset].values[key] == detail_sum, (table.code, key)


def test_a_province_has_district_subtotals_that_add_up(two_communes, kontum):
    table = ReviewReport(unit=kontum, year=N, user=SYSTEM).table("01")
    rows = table.rows()
    assert [r.kind for r in rows[:3]] == ["total", "subtotal", "detail"]
    subtotals = [r for r in rows if r.kind == "subtotal"]
    assert len(subtotals) == 10 and subtotals[0].name == "Thành phố Kon Tum" and subtotals[0].number == "1"
    assert rows[2].number == "1.1"
    for key in numeric_keys(table):
        assert rows[0].values[key] == sum(r.values[key] for r in subtotals)
        assert rows[0].values[key] == sum(r.values[key] for r in rows if r.kind == "detail")
    city = subtotals[0].values
    assert (city["poor_h"], city["households_total"]) == (4, 400)


def test_a_zero_denominator_is_a_dash(commune_a, commune_b, district):
    history(commune_a, None, None, POOR)
    base(commune_a, 50, 200)
    report = ReviewReport(unit=district, year=N, user=SYSTEM)
    rows = rows_by_name(report.table("01"))
    assert rows["Phường Duy Tân"].values["poor_h_rate"] is None  # no population base: no rate
    assert rows["Phường Quang Trung"].values["poor_h_rate"] == pytest.approx(2.0)
    depr = rows_by_name(report.table("05"))
    assert depr["Phường Duy Tân"].values["poor_h"] == 0
    assert all(v is None for k, v in depr["Phường Duy Tân"].values.items() if k.startswith("lack_"))
    html = report.table("05").html()
    assert f">{DASH}<" in html


# --- tables 02–03 -------------------------------------------------------------------------------

def test_dynamics_tables_draw_households_and_persons_on_two_rows(commune_a, district):
    history(commune_a, None, POOR, NEAR_POOR, persons=3)
    history(commune_a, None, POOR, POOR, persons=2)
    report = ReviewReport(unit=district, year=N, user=SYSTEM)
    rows = [r for r in report.table("02").rows() if r.name == "Phường Quang Trung"]
    households, persons = rows
    assert (households.values["part"], persons.values["part"]) == ("Hộ", "Nhân khẩu")
    assert households.block_size == 2 and persons.continued
    assert [households.values[f"c{i}"] for i in range(1, 10)] == [2, 1, 0, 0, 0, 0, 0, 0, 1]
    assert [persons.values[f"c{i}"] for i in range(1, 10)] == [5, 3, 0, 0, 0, 0, 0, 0, 2]
    near = [r for r in report.table("03").rows() if r.name == "Phường Quang Trung"][0]
    assert [near.values[f"c{i}"] for i in range(1, 10)] == [0, 0, 0, 0, 1, 0, 0, 0, 1]
    for table in (report.table("02"), report.table("03")):
        for row in table.rows():
            c = [row.values[f"c{i}"] for i in range(1, 10)]
            assert c[8] == c[0] - c[1] - c[2] - c[3] + c[4] + c[5] + c[6] + c[7]


# --- tables 04–05 ---------------------------------------------------------------------------------

def test_deprivations_of_poor_households(commune_a, district):
    h1 = home(commune_a)
    services.review_record(actor=SYSTEM, household=h1, year=N, income_per_capita=1_000_000, reviewed_on=dt.date(N, 10, 1),
                           lacking=["employment", "latrine", "safe_water"], source="test")
    h2 = home(commune_a)
    services.review_record(actor=SYSTEM, household=h2, year=N, income_per_capita=1_000_000, reviewed_on=dt.date(N, 10, 1),
                           lacking=["latrine", "telecom", "housing_area", "health_insurance"], source="test")
    near = home(commune_a)  # near-poor lacking two: not in the poor households' analysis
    services.review_record(actor=SYSTEM, household=near, year=N, income_per_capita=1_000_000,
                           reviewed_on=dt.date(N, 10, 1), lacking=["latrine", "employment"], source="test")
    report = ReviewReport(unit=commune_a, year=N, user=SYSTEM)
    counts = rows_by_name(report.table("04"))["Phường Quang Trung"].values
    assert counts["poor_h"] == 2 and counts["lack_latrine"] == 2 and counts["lack_employment"] == 1
    assert counts["lack_nutrition"] == 0 and counts["lack_total"] == 7
    assert counts["lack_total"] == sum(v for k, v in counts.items() if k.startswith("lack_") and k != "lack_total")
    rates = rows_by_name(report.table("05"))["Phường Quang Trung"].values
    assert rates["lack_latrine"] == pytest.approx(100.0) and rates["lack_employment"] == pytest.approx(50.0)
    # The columns follow the year's standard: 12 indicators (Nghị định 07/2021), 10 in 2020 (Quyết định 59/2015).
    assert len([c for c in leaves(report.table("04").columns()) if c.key.startswith("lack_")]) == 13
    assert len(ReviewReport(unit=commune_a, year=2020, user=SYSTEM).table("05").codes) == 10


# --- eras ----------------------------------------------------------------------------------------

def test_a_new_commune_is_the_sum_of_its_old_communes(kontum, commune_a):
    old_codes = {"23281": 1, "23287": 2, "23290": 0, "23293": 1, "23299": 3}  # poor households each
    for code, poor in old_codes.items():
        commune = factories.unit(code)
        for _ in range(poor):
            history(commune, None, POOR, POOR, persons=2)
        history(commune, None, None, NEAR_POOR, persons=3)
        base(commune, 200, 800)
    history(factories.unit("23284"), None, POOR, POOR)  # Duy Tân went to another new commune
    new = AdministrativeUnit.objects.get(era=Era.POST_2025, level=Level.COMMUNE, code="23293")
    assert new.name == "Phường Kon Tum"
    report = ReviewReport(unit=new, year=N, user=SYSTEM)
    summary = report.table("01").rows()
    total = summary[0].values
    assert (total["poor_h"], total["near_h"], total["households_total"]) == (7, 5, 1000)
    assert [r.name for r in summary[1:]] == ["Phường Quang Trung", "Phường Quyết Thắng", "Phường Trường Chinh",
                                             "Phường Thắng Lợi", "Phường Thống Nhất"]
    for code, row in zip(old_codes, summary[1:]):
        old_total = ReviewReport(unit=factories.unit(code), year=N, user=SYSTEM).table("01").rows()[0].values
        assert row.values["poor_h"] == old_total["poor_h"] == old_codes[code]
    dynamics = report.table("02").rows()[0].values
    assert (dynamics["c1"], dynamics["c9"]) == (7, 7)
    # The new province lists its communes (no districts): Phường Kon Tum among them with the same figures.
    province = AdministrativeUnit.objects.get(era=Era.POST_2025, level=Level.PROVINCE)
    rows = rows_by_name(ReviewReport(unit=province, year=N, user=SYSTEM).table("01"))
    assert rows["Phường Kon Tum"].values["poor_h"] == 7
    assert rows["Tổng cộng"].values["poor_h"] == 8
    assert not [r for r in ReviewReport(unit=province, year=N, user=SYSTEM).table("01").rows() if r.kind == "subtotal"]


def test_records_on_the_new_commune_itself_get_their_own_line(kontum, django_capture_on_commit_callbacks):
    new = AdministrativeUnit.objects.get(era=Era.POST_2025, level=Level.COMMUNE, code="23293")
    history(factories.unit("23281"), None, None, POOR)
    table = ReviewReport(unit=new, year=N, user=SYSTEM).table("01")
    assert not [r for r in table.rows() if "ghi trực tiếp" in r.name]  # nothing recorded on it: no line
    with django_capture_on_commit_callbacks(execute=True):  # committed, as in production (the counts are kept)
        household = home(new, started_on=dt.date(2020, 1, 1))
        review(household, N, POOR)
    rows = ReviewReport(unit=new, year=N, user=SYSTEM).table("01").rows()
    own = [r for r in rows if "ghi trực tiếp" in r.name]
    assert own and own[0].values["poor_h"] == 1 and rows[0].values["poor_h"] == 2


# --- the .xlsx ---------------------------------------------------------------------------------

def _cells(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_workbook_reads_back_in_the_administrative_layout(two_communes, district):
    report = ReviewReport(unit=district, year=N, user=SYSTEM, on=dt.date(2024, 1, 5))
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes(report.workbook())))
    assert workbook.sheetnames == ["01 Tổng hợp rà soát", "02 Diễn biến hộ nghèo", "03 Diễn biến hộ cận nghèo",
                                   "04 Chỉ số thiếu hụt", "05 Tỷ lệ thiếu hụt"]
    sheet = workbook["01 Tổng hợp rà soát"]
    cells = _cells(sheet)
    flat = [v for row in cells for v in row if v is not None]
    assert "ỦY BAN NHÂN DÂN" in flat and "THÀNH PHỐ KON TUM" in flat
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat and "Độc lập - Tự do - Hạnh phúc" in flat
    assert "Kon Tum, ngày 05 tháng 01 năm 2024" in flat
    assert official_tables.TABLES["01"].title in flat
    numbers = next(i for i, row in enumerate(cells) if row[:4] == ["A", "B", "1", "2"])
    assert cells[numbers][4:6] == ["3", "4=3/1*100"]
    # Table 01 as the form has it: the average columns are farming, forestry and fishery households.
    assert ("TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO, HỘ LÀM NÔNG, LÂM, NGƯ NGHIỆP CÓ MỨC SỐNG "
            "TRUNG BÌNH") in flat
    assert "Tổng số hộ làm nông, lâm, ngư nghiệp có mức sống trung bình" in flat
    assert "Tổng số khẩu của hộ làm nông, lâm, ngư nghiệp có mức sống trung bình" in flat
    assert "Tổng số hộ có mức sống trung bình" not in flat
    col7, col13 = cells[numbers].index("7"), cells[numbers].index("13")
    assert cells[numbers][col7 + 1] == "8=7/1*100" and cells[numbers][col13 + 1] == "14=13/2*100"
    quang_trung = next(row for row in cells[numbers + 1:] if row[1] == "Phường Quang Trung")
    assert (quang_trung[col7], quang_trung[col13]) == (1, 2)  # of 3 average households, 1 farms (2 persons)
    assert quang_trung[col7 + 1] == pytest.approx(1.0)  # 1 of 100 households
    flow = [v for row in _cells(workbook["02 Diễn biến hộ nghèo"]) for v in row if v is not None]
    assert ("Số hộ khác: thay đổi nhân khẩu, hộ nghèo đơn thân chết, chuyển đi nơi khác, tách, nhập với hộ khác"
            in flow)
    total_row = cells[numbers + 1]
    assert total_row[1] == "Tổng cộng" and total_row[2] == 400 and total_row[4] == 4
    details = [row for row in cells[numbers + 2:] if row[0] and str(row[0])[0].isdigit()]
    assert len(details) == AdministrativeUnit.objects.filter(parent=district, level=Level.COMMUNE).count()
    assert total_row[4] == sum(row[4] for row in details)
    assert sheet.cell(row=numbers + 2, column=5).number_format == "#,##0"
    assert sheet.cell(row=numbers + 2, column=6).number_format == "#,##0.00"
    assert total_row[5] == pytest.approx(1.0)
    # A commune without a population base has "-" for its rates.
    empty = next(row for row in details if row[2] == 0)
    assert empty[5] == DASH
    # Print set-up: landscape, one page wide, the header repeated and frozen.
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.freeze_panes == f"C{numbers + 2}"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert any(r.startswith("C") for r in merged)  # the grouped header cells
    # Tables 02–03: the unit's number and name merged over its two rows.
    dyn = workbook["02 Diễn biến hộ nghèo"]
    rows = _cells(dyn)
    header = next(i for i, row in enumerate(rows) if row[:3] == ["A", "B", "C"])
    assert rows[header][-1] == "9=1-2-3-4+5+6+7+8"
    assert rows[header + 1][2] == "Hộ" and rows[header + 2][2] == "Nhân khẩu"
    assert f"B{header + 2}:B{header + 3}" in {str(r) for r in dyn.merged_cells.ranges}


# --- pages, scope, command ------------------------------------------------------------------------

def test_an_officer_sees_their_commune_and_not_another(client, officer_a, two_communes):
    a, b = two_communes
    client.force_login(officer_a)
    page = client.get(URL, {"unit": a.pk, "year": N, "table": "01"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "TỔNG HỢP KẾT QUẢ RÀ SOÁT" in text and "Tải Excel" in text and "Biểu rà soát" in text
    assert client.get(URL, {"unit": b.pk, "year": N, "table": "01"}).status_code == 404
    assert client.get(XLSX_URL, {"unit": b.pk, "year": N, "table": "01"}).status_code == 404
    assert client.get(XLSX_URL, {"unit": b.parent_id, "year": N, "table": "all"}).status_code == 404
    download = client.get(XLSX_URL, {"unit": a.pk, "year": N, "table": "02"})
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxml")
    workbook = openpyxl.load_workbook(io.BytesIO(download.content))
    assert workbook.sheetnames == ["02 Diễn biến hộ nghèo"]
    # The page's own button (numbers in links are not localised: "2023", not "2.023").
    href = re.search(r'href="([^"]+)">Tải Excel<', text).group(1).replace("&amp;", "&")
    assert f"year={N}" in href
    assert client.get(href).status_code == 200
    # Every download is in the audit log, without any personal data.
    entry = AuditLog.objects.filter(action=AuditAction.EXPORT).latest("pk")
    assert entry.object_repr == "Biểu rà soát" and "Phường Quang Trung" in entry.note


def test_a_district_viewer_sees_its_communes(client, viewer_district, two_communes, district):
    client.force_login(viewer_district)
    page = client.get(URL, {"unit": district.pk, "year": N, "table": "01"})
    assert page.status_code == 200
    table = page.context["table"]
    rows = rows_by_name(table)
    assert rows["Phường Quang Trung"].values["poor_h"] == 3 and rows["Phường Duy Tân"].values["poor_h"] == 1
    assert client.get(URL, {"unit": factories.unit("62", level=1).pk, "year": N}).status_code == 404
    everything = client.get(XLSX_URL, {"unit": district.pk, "year": N, "table": "all"})
    assert len(openpyxl.load_workbook(io.BytesIO(everything.content)).sheetnames) == 5


def test_the_table_counts_only_households_the_reader_may_see(commune_a, village_a):
    other_village = VillageFactory(commune=commune_a, name="Tổ 9")
    history(village_a, None, None, POOR)
    history(other_village, None, None, POOR)
    village_officer = factories.make_user(Role.COMMUNE_OFFICER, village_a)
    # A village-level officer cannot ask for the commune's table at all …
    with pytest.raises(Http404):
        official_tables.report_for(village_officer, unit_pk=commune_a.pk, year=N)
    # … and the system counts both villages, a scoped reader of the district only what they see.
    assert ReviewReport(unit=commune_a, year=N, user=SYSTEM).table("01").rows()[0].values["poor_h"] == 2
    reader = factories.make_user(Role.VIEWER, commune_a)
    assert ReviewReport(unit=commune_a, year=N, user=reader).table("01").rows()[0].values["poor_h"] == 2
    assert ReviewReport(unit=commune_a, year=N, user=village_officer).table("01").rows()[0].values["poor_h"] == 1


def test_a_person_without_household_rights_gets_nothing(client, commune_a):
    reporter = factories.make_user(Role.REPORTING_UNIT, commune_a)
    client.force_login(reporter)
    assert client.get(URL).status_code == 404
    page = client.get(reverse("home"))
    assert "Biểu rà soát" not in page.content.decode()


def test_every_table_takes_a_fixed_number_of_queries(two_communes, kontum, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        report = ReviewReport(unit=kontum, year=N, user=SYSTEM)
        for table in report.tables():
            table.rows()


def test_the_command_writes_the_five_tables(two_communes, tmp_path):
    out = tmp_path / "bieu.xlsx"
    call_command("report", "review-tables", "--unit", "608", "--year", str(N), "--out", str(out), stdout=io.StringIO())
    workbook = openpyxl.load_workbook(out)
    assert len(workbook.sheetnames) == 5
    call_command("report", "review-tables", "--unit", "23293", "--era", "post2025", "--year", str(N), "--out",
                 str(out), stdout=io.StringIO())
    assert "PHƯỜNG KON TUM" in [v for row in _cells(openpyxl.load_workbook(out).worksheets[0]) for v in row]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("report", "review-tables", "--unit", "00000", "--year", str(N), "--out", str(out))


# --- the demo, checked against counts computed independently --------------------------------------

@pytest.fixture
def demo(kontum):
    """The households demo at the test scale (settings_test: 2 % of the province)."""
    from vuonlen.core.demo import DemoContext
    from vuonlen.geo import demo as geo_demo
    from vuonlen.households import demo_data

    geo_demo.run(DemoContext(seed=2021, say=lambda _m: None))
    demo_data.run(DemoContext(seed=2021, say=lambda _m: None))


def _sql(query: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def test_the_demo_tables_agree_with_plain_sql(demo, kontum):
    report = ReviewReport(unit=kontum, year=N, user=SYSTEM)
    summary = report.table("01").rows()
    by_commune = {r.unit_id: r.values for r in summary if r.kind == "detail"}
    expected = {}
    for commune, status, households, persons in _sql(
            "SELECT commune_id, status, COUNT(*), SUM(persons) FROM households_review "
            "WHERE year = %s AND is_current GROUP BY commune_id, status", [N]):
        expected.setdefault(commune, {})[status] = (households, persons)
    assert expected, "the demo has reviews"
    farming_average = {commune: (households, persons) for commune, households, persons in _sql(
        "SELECT commune_id, COUNT(*), SUM(persons) FROM households_review "
        "WHERE year = %s AND is_current AND status = 'average' AND farming GROUP BY commune_id", [N])}
    assert farming_average and sum(h for h, _ in farming_average.values()) < sum(
        v.get("average", (0, 0))[0] for v in expected.values())
    for commune, values in by_commune.items():
        got = expected.get(commune, {})
        assert (values["poor_h"], values["poor_p"]) == got.get("poor", (0, 0))
        assert (values["near_h"], values["near_p"]) == got.get("near_poor", (0, 0))
        assert (values["average_h"], values["average_p"]) == farming_average.get(commune, (0, 0))
    (bases,) = _sql("SELECT SUM(households_total), SUM(persons_total) FROM households_populationbase "
                    "WHERE year = %s", [N])
    assert (summary[0].values["households_total"], summary[0].values["persons_total"]) == bases

    # Table 02, province total: start, the direct moves and the end, by a self-join in SQL.
    (start, to_near, above, stay) = _sql("""
        SELECT COUNT(*),
               SUM(CASE WHEN n.status = 'near_poor' AND n.commune_id = p.commune_id THEN 1 ELSE 0 END),
               SUM(CASE WHEN n.status NOT IN ('poor', 'near_poor') AND n.commune_id = p.commune_id THEN 1 ELSE 0 END),
               SUM(CASE WHEN n.status = 'poor' AND n.commune_id = p.commune_id THEN 1 ELSE 0 END)
        FROM households_review p
        LEFT JOIN households_review n ON n.household_id = p.household_id AND n.year = p.year + 1 AND n.is_current
        WHERE p.year = %s AND p.is_current AND p.status = 'poor'""", [N - 1])[0]
    (end, from_near, relapsed, newly) = _sql("""
        SELECT COUNT(*),
               SUM(CASE WHEN p.status = 'near_poor' AND p.commune_id = n.commune_id THEN 1 ELSE 0 END),
               SUM(CASE WHEN (p.id IS NULL AND arrived.yes = 0 OR p.status NOT IN ('poor', 'near_poor')
                              AND p.commune_id = n.commune_id) AND before.yes = 1 THEN 1 ELSE 0 END),
               SUM(CASE WHEN (p.id IS NULL AND arrived.yes = 0 OR p.status NOT IN ('poor', 'near_poor')
                              AND p.commune_id = n.commune_id) AND before.yes = 0 THEN 1 ELSE 0 END)
        FROM households_review n
        JOIN (SELECT h.id,
                     CASE WHEN EXISTS (SELECT 1 FROM households_review e WHERE e.household_id = h.id
                                       AND e.is_current AND e.year < %s AND e.status = 'poor') THEN 1 ELSE 0 END AS yes
              FROM households_household h) before ON before.id = n.household_id
        JOIN (SELECT h.id,
                     CASE WHEN h.started_on >= %s AND h.started_on <= %s AND (h.split_from_id IS NOT NULL OR EXISTS (
                         SELECT 1 FROM households_membership m WHERE m.household_id = h.id
                         AND m.relation = 'head' AND m.start_reason = 'moved_in')) THEN 1 ELSE 0 END AS yes
              FROM households_household h) arrived ON arrived.id = n.household_id
        LEFT JOIN households_review p ON p.household_id = n.household_id AND p.year = n.year - 1 AND p.is_current
        WHERE n.year = %s AND n.is_current AND n.status = 'poor'""",
        [N - 1, dt.date(N, 1, 1), dt.date(N, 12, 31), N])[0]
    total = report.table("02").rows()[0].values
    assert (total["c1"], total["c2"], total["c3"]) == (start, to_near, above)
    assert (total["c5"], total["c6"], total["c7"], total["c9"]) == (from_near, relapsed, newly, end)
    assert total["c4"] == start - to_near - above - stay
    assert total["c8"] == end - from_near - relapsed - newly - stay
    assert start > 0 and to_near > 0 and above > 0 and newly > 0


# --- kept between views (issue 17) ------------------------------------------------------------

def test_table_01_is_kept_between_views_and_moves_with_a_review_a_base_or_a_household(
        client, viewer_district, two_communes, district, django_capture_on_commit_callbacks):
    a, b = two_communes
    client.force_login(viewer_district)

    def poor_and_bases():
        with CaptureQueriesContext(connection) as queries:
            rows = rows_by_name(client.get(URL, {"unit": district.pk, "year": N, "table": "01"}).context["table"])
        counted = any('"households_review"' in q["sql"] and "GROUP BY" in q["sql"] for q in queries.captured_queries)
        return rows["Phường Quang Trung"].values["poor_h"], rows["Phường Quang Trung"].values["households_total"], counted

    assert poor_and_bases() == (3, 100, True)
    assert poor_and_bases() == (3, 100, False)  # the second view reads the counts kept
    with django_capture_on_commit_callbacks(execute=True):  # as in production, the versions move on commit
        history(a, None, None, POOR)
    assert poor_and_bases() == (4, 100, True)
    with django_capture_on_commit_callbacks(execute=True):
        base(a, 120, 450)
    assert poor_and_bases()[:2] == (4, 120)
    # a household moved out of the reader's district (a save outside the services) leaves the table
    with django_capture_on_commit_callbacks(execute=True):
        moved = history(a, None, None, POOR)
    assert poor_and_bases()[0] == 5
    with django_capture_on_commit_callbacks(execute=True):
        moved.unit = factories.unit("23341")  # Thị trấn Đắk Glei, another district
        moved.save()
    assert poor_and_bases()[0] == 4


def test_kept_tables_are_per_area_and_never_for_a_mentor(commune_a, village_a, django_capture_on_commit_callbacks):
    other_village = VillageFactory(commune=commune_a, name="Tổ 9")
    history(village_a, None, None, POOR)
    mine = history(other_village, None, None, POOR)
    village_officer = factories.make_user(Role.COMMUNE_OFFICER, village_a)
    reader = factories.make_user(Role.VIEWER, commune_a)
    mentor = factories.make_user(Role.MENTOR, commune_a)

    def poor(user):
        return ReviewReport(unit=commune_a, year=N, user=user).table("01").rows()[0].values["poor_h"]

    assert (poor(reader), poor(village_officer), poor(reader)) == (2, 1, 2)
    assert poor(mentor) == 0
    from tests.campaign.factories import MentorAssignmentFactory

    MentorAssignmentFactory(mentor=mentor, household=mine)  # moves no version of the registry
    assert poor(mentor) == 1
