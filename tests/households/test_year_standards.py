"""The year → standard rule as the registry applies it: the administrator's override with a
reason, quoted in every stored explanation, and `vuonlen poverty reclassify` with its counts."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.models import AuditLog
from vuonlen.households.models import PovertyYearStandard, Review
from vuonlen.households.year_standards import reviews_reclassify

from .factories import HouseholdFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("poverty", *args, stdout=out)
    return out.getvalue()


def test_a_2021_review_uses_decree_07_and_says_why(officer_a, household_a):
    review = ReviewFactory(household=household_a, year=2021, income=1_500_000, lacking=["employment", "latrine", "nutrition"],
                         actor=officer_a)
    assert (review.standard, review.status) == ("ND07_2021", "poor")
    first = review.explanation["explanation_vi"][0]
    assert first.startswith("Năm rà soát 2021 là năm tổng rà soát đầu kỳ giai đoạn 2022–2025: "
                            "áp dụng Nghị định 07/2021/NĐ-CP (Điều 3)")
    assert review.explanation["year_rule"]["standard"] == "ND07_2021"


def test_the_review_form_says_why_the_standard_applies(client, officer_a, household_a):
    from django.urls import reverse

    client.force_login(officer_a)
    page = client.get(reverse("households:review_record", args=[household_a.pk]) + "?nam=2021").content.decode()
    assert "Năm rà soát 2021 là năm tổng rà soát đầu kỳ giai đoạn 2022–2025" in page
    assert "Nhà tiêu hợp vệ sinh" in page and "Hố xí" not in page  # Decree 07/2021's list, not Decision 59's


def test_the_administrators_override_applies_with_its_reason(officer_a, household_a):
    PovertyYearStandard.objects.create(year=2026, standard="ND07_2021",
                                       reason="Hướng dẫn rà soát cuối năm 2026 giữ chuẩn 2022–2025")
    review = ReviewFactory(household=household_a, year=2026, score_a=170, lacking=["employment", "latrine", "nutrition"],
                         actor=officer_a)
    assert (review.standard, review.status) == ("ND07_2021", "poor")  # urban score-A limit 175
    assert review.explanation["explanation_vi"][0] == (
        "Năm rà soát 2026: áp dụng Nghị định 07/2021/NĐ-CP theo quy định của quản trị — "
        "Hướng dẫn rà soát cuối năm 2026 giữ chuẩn 2022–2025")


@pytest.fixture
def reviews_2021_under_decision_59(village_a, household_a):
    """Four 2021 reviews recorded while the rule said Decision 59/2015 (as the old code did)."""
    rule = PovertyYearStandard.objects.create(year=2021, standard="QD59_2015", reason="Quy tắc cũ")
    homes = [household_a] + [HouseholdFactory(unit=village_a) for _ in range(3)]
    near = ReviewFactory(household=homes[0], year=2021, income=1_000_000, lacking=[])                  # QD59 near-poor, ND07 near-poor
    average = ReviewFactory(household=homes[1], year=2021, income=1_500_000,
                          lacking=["health_insurance", "latrine", "housing_area"])    # QD59 average, ND07 poor
    old_code = ReviewFactory(household=homes[2], year=2021, income=1_200_000, lacking=["health_access"])  # QD59 only
    recognised = ReviewFactory(household=homes[3], year=2021, income=1_500_000,
                             lacking=["health_insurance", "latrine", "safe_water"], recognised=True,
                             decision_date=dt.date(2021, 12, 20))
    assert [r.standard for r in (near, average, old_code, recognised)] == ["QD59_2015"] * 4
    assert [r.status for r in (near, average, old_code, recognised)] == ["near_poor", "average", "near_poor", "average"]
    rule.delete()  # back to the default rule: 2021 is the baseline review under Decree 07/2021
    return near, average, old_code, recognised


def test_reclassify_dry_run_prints_counts_and_writes_nothing(reviews_2021_under_decision_59):
    text = run("reclassify", "--year", "2021", "--dry-run")
    assert "Năm 2021: áp dụng ND07_2021 (chạy thử, chưa ghi gì)" in text
    assert "Hộ nghèo                                   0         1" in text
    assert "Hộ cận nghèo                               2         2" in text
    assert "Hộ có mức sống trung bình                  2         1" in text
    assert "Chưa công nhận: sẽ phân loại lại 2; không đổi 0" in text
    assert "Đã công nhận: 1 kết quả sẽ đổi nhưng chỉ đổi được qua đính chính" in text
    assert "Cần rà soát lại chỉ số: 1 kết quả" in text
    assert set(Review.objects.filter(year=2021).values_list("standard", flat=True)) == {"QD59_2015"}


def test_reclassify_updates_unrecognised_reviews_audited_and_leaves_recognised_ones(reviews_2021_under_decision_59):
    near, average, old_code, recognised = reviews_2021_under_decision_59
    result = reviews_reclassify(actor=SYSTEM, year=2021)
    assert (result.before["near_poor"], result.before["average"]) == (2, 2)
    assert (result.after["poor"], result.after["near_poor"], result.after["average"]) == (1, 2, 1)
    assert (result.changed, result.recognised_pending, result.need_answers) == (2, 1, 1)
    for review in (near, average, old_code, recognised):
        review.refresh_from_db()
    assert (near.standard, near.status) == ("ND07_2021", "near_poor")
    assert (average.standard, average.status) == ("ND07_2021", "poor")
    assert average.explanation["explanation_vi"][0].startswith("Năm rà soát 2021 là năm tổng rà soát đầu kỳ")
    assert (old_code.standard, recognised.standard) == ("QD59_2015", "QD59_2015")
    notes = AuditLog.objects.filter(note="Phân loại lại kết quả rà soát năm 2021 theo ND07_2021")
    assert sorted(int(pk) for pk in notes.values_list("object_id", flat=True)) == sorted([near.pk, average.pk])
    # Running it again changes nothing.
    again = reviews_reclassify(actor=SYSTEM, year=2021)
    assert (again.changed, again.unchanged) == (0, 2)


def test_a_recognised_review_changes_only_through_a_correction_with_the_reason(reviews_2021_under_decision_59):
    *_, recognised = reviews_2021_under_decision_59
    text = run("reclassify", "--year", "2021", "--reason", "Tổng rà soát 2021 theo chuẩn 2022–2025")
    assert "Đã công nhận: đã đính chính 1 (kèm lý do)" in text
    assert "Hộ nghèo                                   0         2" in text
    recognised.refresh_from_db()
    assert not recognised.is_current and recognised.standard == "QD59_2015"  # kept as it was
    new = Review.objects.get(supersedes=recognised)
    assert (new.standard, new.status, new.recognised) == ("ND07_2021", "poor", True)
    assert new.correction_reason == "Tổng rà soát 2021 theo chuẩn 2022–2025"
    assert new.decision_number == recognised.decision_number
    recognised.household.refresh_from_db()
    assert recognised.household.current_status == "poor"


def test_reclassify_refuses_a_year_without_a_standard():
    with pytest.raises(CommandError, match="Chưa có chuẩn nghèo cho năm 2040"):
        run("reclassify", "--year", "2040")


def test_the_admin_shows_the_whole_rule_and_audits_an_override(client):
    admin = get_user_model().objects.create_superuser("quantri", "q@example.vn", "mat-khau-dai-123")
    client.force_login(admin)
    page = client.get("/quan-tri/households/povertyyearstandard/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Năm rà soát 2021 là năm tổng rà soát đầu kỳ giai đoạn 2022–2025" in text
    assert "chưa xác nhận" in text
    response = client.post("/quan-tri/households/povertyyearstandard/add/",
                           {"year": 2026, "standard": "ND07_2021", "reason": ""})
    assert response.status_code == 200 and not PovertyYearStandard.objects.exists()  # a reason is required
    client.post("/quan-tri/households/povertyyearstandard/add/",
                {"year": 2026, "standard": "ND07_2021", "reason": "Công văn hướng dẫn"})
    rule = PovertyYearStandard.objects.get(year=2026)
    assert AuditLog.objects.filter(object_id=str(rule.pk), source="admin").exists()
    assert "Năm rà soát 2026: áp dụng Nghị định 07/2021/NĐ-CP theo quy định của quản trị" in \
        client.get("/quan-tri/households/povertyyearstandard/").content.decode()
