"""A standard's indicators are rows an administrator edits (e.g. Decree 351/2025's final list):
the review form, the import template and file, classification and tables 04–05 follow them."""

import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from vuonlen import poverty
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.models import AuditLog
from vuonlen.households import imports, services
from vuonlen.households.import_templates import review_template_xlsx
from vuonlen.households.models import PovertyIndicator, Review
from vuonlen.households.official_tables import ReviewReport
from vuonlen.households.year_standards import effective_standards, standard_for

from .factories import ReviewFactory

pytestmark = pytest.mark.django_db

YEAR = 2026  # the end-2026 review is the 2027–2030 baseline: Decree 351/2025 by default


def test_the_seeded_rows_are_the_built_in_lists():
    for code, standard in poverty.STANDARDS.items():
        rows = PovertyIndicator.objects.filter(standard=code, active=True)
        assert [r.code for r in rows] == list(standard.indicator_codes)
        assert effective_standards()[code].indicators == tuple(
            poverty.Indicator(i.code, i.dimension, i.name_vi, i.name_en, i.threshold_vi, i.verified,
                              i.legal_reference or standard.indicator_reference, dict(standard.dimensions)[i.dimension])
            for i in standard.indicators)
    assert PovertyIndicator.objects.get(standard="ND07_2021", code="latrine").legal_reference == \
        "Điều 3 khoản 1 điểm b Nghị định 07/2021/NĐ-CP"


@pytest.fixture
def final_list():
    """The province enters Decree 351's final list: telecom dropped, one indicator renamed with its
    article, one new indicator in a new dimension."""
    PovertyIndicator.objects.filter(standard="ND351_2025", code="telecom").update(active=False)
    PovertyIndicator.objects.filter(standard="ND351_2025", code="internet").update(
        name_vi="Sử dụng dịch vụ internet", threshold_vi="Hộ không có thành viên nào sử dụng internet",
        legal_reference="Điều 3 khoản 1 điểm b Nghị định 351/2025/NĐ-CP", verified=True)
    PovertyIndicator.objects.create(standard="ND351_2025", code="social_insurance", dimension="social",
                                    dimension_name="Bảo hiểm xã hội", name_vi="Tham gia bảo hiểm xã hội",
                                    threshold_vi="Không ai trong độ tuổi lao động tham gia BHXH", position=999,
                                    legal_reference="Nghị định 351/2025/NĐ-CP")


def test_the_effective_standard_follows_the_rows(final_list):
    standard = standard_for(YEAR)
    assert standard.code == "ND351_2025"
    assert "telecom" not in standard.indicator_codes and standard.indicator_codes[-1] == "social_insurance"
    assert len(standard.indicators) == 14  # 14 built in, one dropped, one added
    assert standard.dimensions[-1] == ("social", "Bảo hiểm xã hội")
    assert standard.indicator("internet").name_vi == "Sử dụng dịch vụ internet"
    assert standard_for(2023).indicator_codes == poverty.STANDARDS["ND07_2021"].indicator_codes


def test_a_review_takes_the_new_codes_and_refuses_a_dropped_one(final_list, officer_a, household_a):
    review = ReviewFactory(household=household_a, year=YEAR, income=2_000_000, actor=officer_a,
                         lacking=["social_insurance", "internet", "latrine"])
    assert (review.standard, review.status, review.lacking_count) == ("ND351_2025", "poor", 3)
    assert "Thiếu hụt 3/14 chỉ số: Tham gia bảo hiểm xã hội; Sử dụng dịch vụ internet; Nhà tiêu hợp vệ sinh" in \
        review.explanation["explanation_vi"]
    with pytest.raises(ValidationError) as info:
        services.review_record(actor=officer_a, household=household_a, year=YEAR, income_per_capita=2_000_000,
                               lacking=["telecom"], source="test")
    assert "telecom" in str(info.value.message_dict["lacking"])


def test_the_review_form_shows_the_list(final_list, client, officer_a, household_a):
    client.force_login(officer_a)
    page = client.get(reverse("households:review_record", args=[household_a.pk]) + f"?nam={YEAR}").content.decode()
    assert "Tham gia bảo hiểm xã hội" in page and "Bảo hiểm xã hội" in page
    assert 'value="telecom"' not in page and "Sử dụng dịch vụ internet" in page


def test_the_import_template_and_file_follow_the_list(final_list, officer_a, household_a):
    workbook = openpyxl.load_workbook(io.BytesIO(review_template_xlsx(officer_a, YEAR)))
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[3] if c.value]
    assert "Tham gia bảo hiểm xã hội" in header and "Sử dụng dịch vụ viễn thông" not in header
    catalogue = [row for row in workbook["Danh mục"].iter_rows(values_only=True)]
    assert any(row[3] == "social_insurance" for row in catalogue)
    for column, name in enumerate(header, start=1):
        if name == "Mã xã":
            sheet.cell(row=4, column=column, value=household_a.commune.code)
        elif name == "Mã hộ":
            sheet.cell(row=4, column=column, value=household_a.code)
        elif name.startswith("Thu nhập"):
            sheet.cell(row=4, column=column, value=2_500_000)
        elif name in ("Tham gia bảo hiểm xã hội", "Sử dụng dịch vụ internet", "Nhà tiêu hợp vệ sinh"):
            sheet.cell(row=4, column=column, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = imports.import_reviews(actor=officer_a, file=io.BytesIO(buffer.getvalue()), filename="rs.xlsx",
                                    year=YEAR)
    assert result.ok, result.errors
    review = Review.objects.get(household=household_a, year=YEAR)
    assert sorted(review.lacking) == ["internet", "latrine", "social_insurance"]
    assert review.status == "poor"  # urban line 2,800,000, three indicators lacking


def test_tables_04_and_05_count_the_new_indicator(final_list, officer_a, household_a):
    ReviewFactory(household=household_a, year=YEAR, income=2_000_000, actor=officer_a,
                lacking=["social_insurance", "internet", "latrine"])
    table = ReviewReport(unit=household_a.commune, year=YEAR, user=SYSTEM).table("04")
    assert "social_insurance" in table.codes and "telecom" not in table.codes
    assert table.rows()[0].values["lack_social_insurance"] == 1
    assert "Tham gia bảo hiểm xã hội" in table.html()


def test_the_standards_api_shows_the_edited_list(final_list, client):
    data = {s["code"]: s for s in client.get("/api/v1/poverty/standards").json()}
    codes = [i["code"] for d in data["ND351_2025"]["dimensions"] for i in d["indicators"]]
    assert "social_insurance" in codes and "telecom" not in codes
    response = client.post("/api/v1/poverty/classify", {"year": 2027, "area": "rural", "income": 2_000_000,
                                                         "indicators": ["social_insurance", "internet", "latrine"]},
                           content_type="application/json")
    assert response.json()["status"] == "poor"


def test_the_admin_edits_with_audit_and_never_deletes(client):
    admin = get_user_model().objects.create_superuser("quantri", "q@example.vn", "mat-khau-dai-123")
    client.force_login(admin)
    response = client.post("/quan-tri/households/povertyindicator/add/", {
        "standard": "ND351_2025", "code": "clean_energy", "dimension": "housing", "dimension_name": "Nhà ở",
        "name_vi": "Năng lượng sạch", "name_en": "", "threshold_vi": "", "legal_reference": "Nghị định 351/2025/NĐ-CP",
        "verified": "on", "position": 500, "active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    row = PovertyIndicator.objects.get(code="clean_energy")
    assert AuditLog.objects.filter(object_id=str(row.pk), source="admin").exists()
    assert "clean_energy" in standard_for(YEAR).indicator_codes
    assert client.get(f"/quan-tri/households/povertyindicator/{row.pk}/delete/").status_code == 403
