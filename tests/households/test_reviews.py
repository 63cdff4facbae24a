"""The yearly review: classification stored with its explanation, snapshots, recognition freezes,
corrections supersede."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from vuonlen.households import services
from vuonlen.households.models import LeaveReason, PovertyLineSetting, Review

from .factories import ReviewFactory

pytestmark = pytest.mark.django_db

D = dt.date


def test_review_computes_status_and_explanation(officer_a, household_a):
    # 2023: Decree 07/2021, urban line 2,000,000; lacking 3 indicators → poor.
    review = services.review_record(actor=officer_a, household=household_a, year=2023, income_per_capita="1.800.000",
                                    lacking=["employment", "Bảo hiểm y tế", "latrine"], reviewed_on=D(2023, 10, 2))
    assert review.standard == "ND07_2021"
    assert review.status == "poor"
    assert review.lacking == ["employment", "health_insurance", "latrine"]
    assert (review.lacking_count, review.score_b) == (3, 30)
    assert review.explanation["poverty_line"] == 2_000_000
    assert review.explanation["explanation_vi"]
    assert review.is_current and not review.recognised


def test_review_snapshots_the_household(officer_a, household_a):
    son = household_a.memberships.get(person__full_name="A Tuấn")
    services.membership_end(actor=officer_a, membership=son, reason=LeaveReason.MOVED_OUT, ended_on=D(2023, 11, 1))
    review = ReviewFactory(household=household_a, year=2023, reviewed_on=D(2023, 10, 1), actor=officer_a)
    assert review.persons == 3  # the son still lived there on 1 October
    later = ReviewFactory(household=household_a, year=2024, reviewed_on=D(2024, 10, 1), actor=officer_a)
    assert later.persons == 2
    assert (review.commune_id, review.unit_id, review.area, review.is_ethnic_minority) == (
        household_a.commune_id, household_a.unit_id, "urban", True)


def test_periodic_review_window_and_regular_any_month(officer_a, household_a):
    with pytest.raises(ValidationError) as exc:
        ReviewFactory(household=household_a, year=2023, reviewed_on=D(2023, 8, 31), actor=officer_a)
    assert "01/09/2023–14/12/2023" in exc.value.message_dict["reviewed_on"][0]
    with pytest.raises(ValidationError):
        ReviewFactory(household=household_a, year=2023, reviewed_on=D(2023, 12, 15), actor=officer_a)
    review = ReviewFactory(household=household_a, year=2023, kind="regular", reviewed_on=D(2023, 3, 15), actor=officer_a)
    assert review.kind == "regular"


def test_review_validation_all_at_once(officer_a, household_a):
    with pytest.raises(ValidationError) as exc:
        services.review_record(actor=officer_a, household=household_a, year=2023, income_per_capita="abc",
                               lacking=["telepathy"], reviewed_on=D(2023, 1, 1))
    assert set(exc.value.message_dict) == {"income_per_capita", "lacking", "reviewed_on"}
    with pytest.raises(ValidationError) as exc:
        services.review_record(actor=officer_a, household=household_a, year=1999, income_per_capita=1)
    assert "year" in exc.value.message_dict


def test_second_unrecognised_review_supersedes_the_first(officer_a, household_a):
    first = ReviewFactory(household=household_a, year=2023, income=1_000_000, actor=officer_a)
    second = ReviewFactory(household=household_a, year=2023, income=2_500_000, reviewed_on=D(2023, 11, 1), actor=officer_a)
    first.refresh_from_db()
    assert not first.is_current and second.supersedes == first and second.status != "poor"
    assert Review.objects.filter(household=household_a).count() == 2


def test_recognition_freezes_and_updates_current_status(officer_a, household_a):
    review = ReviewFactory(household=household_a, year=2023, income=1_000_000, lacking=["employment", "latrine", "telecom"],
                         actor=officer_a)
    services.review_recognise(actor=officer_a, review=review, decision_number="45/QĐ-UBND",
                              decision_date=D(2023, 12, 20))
    household_a.refresh_from_db()
    assert (household_a.current_status, household_a.current_status_year) == ("poor", 2023)
    with pytest.raises(ValidationError) as exc:
        ReviewFactory(household=household_a, year=2023, actor=officer_a)
    assert "đã được công nhận" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.review_recognise(actor=officer_a, review=review, decision_number="46", decision_date=D(2023, 12, 21))
    # An older year recognised later does not move the current status back.
    old = ReviewFactory(household=household_a, year=2022, income=2_500_000, actor=officer_a)
    services.review_recognise(actor=officer_a, review=old, decision_number="9/QĐ", decision_date=D(2022, 12, 20))
    household_a.refresh_from_db()
    assert household_a.current_status_year == 2023


def test_recognise_needs_decision(officer_a, household_a):
    review = ReviewFactory(household=household_a, year=2023, actor=officer_a)
    with pytest.raises(ValidationError) as exc:
        services.review_recognise(actor=officer_a, review=review, decision_number=" ", decision_date=D(2023, 9, 1))
    assert set(exc.value.message_dict) == {"decision_number", "decision_date"}


def test_correction_supersedes_with_reason(officer_a, household_a):
    review = ReviewFactory(household=household_a, year=2023, income=1_000_000, lacking=["employment", "latrine", "telecom"],
                         recognised=True, actor=officer_a)
    with pytest.raises(ValidationError) as exc:
        services.review_correct(actor=officer_a, review=review, reason="", income_per_capita=2_500_000)
    assert "reason" in exc.value.message_dict
    new = services.review_correct(actor=officer_a, review=review, reason="Nhập nhầm thu nhập",
                                  income_per_capita=2_500_000, lacking=[])
    review.refresh_from_db()
    assert not review.is_current and review.recognised  # the old record is kept as it was
    assert new.supersedes == review and new.correction_reason == "Nhập nhầm thu nhập"
    assert new.recognised and new.decision_number == review.decision_number
    assert new.status == "average"  # above 2,000,000, at most 3,000,000 (urban)
    household_a.refresh_from_db()
    assert household_a.current_status == "average"
    with pytest.raises(ValidationError):
        services.review_correct(actor=officer_a, review=review, reason="lần nữa", income_per_capita=1)


def test_review_scope(officer_b, mentor_a, viewer_district, household_a):
    with pytest.raises(Http404):
        ReviewFactory(household=household_a, year=2023, actor=officer_b)
    with pytest.raises(PermissionDenied):
        ReviewFactory(household=household_a, year=2023, actor=mentor_a)
    with pytest.raises(PermissionDenied):
        ReviewFactory(household=household_a, year=2023, actor=viewer_district)


def test_administrator_lines_are_used(officer_a, household_a):
    # An administrator's line (here correcting the urban average line) reaches the classification.
    PovertyLineSetting.objects.create(standard="ND07_2021", area="urban", kind="average_line", value=3_500_000,
                                      legal_reference="thử")
    review = ReviewFactory(household=household_a, year=2023, income=3_200_000, actor=officer_a)
    assert review.status == "average" and review.explanation["average_line"] == 3_500_000


def test_a_new_commune_reads_its_predecessors_recognised_years_but_does_not_correct_them(officer_a, household_a):
    """Phường Quang Trung went into the new Phường Kon Tum on 1 July 2025: the new ward's officer
    reads Quang Trung's households and their recognised 2023 review (through the lineage), and
    may not correct what was recognised before the reform; Quang Trung's own officer still may."""
    from tests import factories
    from vuonlen.accounts.roles import Role
    from vuonlen.geo.models import Era
    from vuonlen.households.selectors import get_household_for_user_or_404

    review = ReviewFactory(household=household_a, year=2023, income=1_000_000, lacking=["employment", "latrine", "telecom"],
                         recognised=True, actor=officer_a)
    new_officer = factories.make_user(Role.COMMUNE_OFFICER, factories.unit("23293", era=Era.POST_2025))
    assert get_household_for_user_or_404(new_officer, household_a.pk) == household_a  # reads it
    with pytest.raises(PermissionDenied) as refused:
        services.review_correct(actor=new_officer, review=review, reason="Nhập nhầm", income_per_capita=2_500_000)
    assert "đã được công nhận trước khi sắp xếp" in str(refused.value)
    review.refresh_from_db()
    assert review.is_current  # nothing changed
    services.review_correct(actor=officer_a, review=review, reason="Nhập nhầm", income_per_capita=2_500_000)
