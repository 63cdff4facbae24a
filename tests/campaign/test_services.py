"""Mentor assignments, visits and assessments: scope, validation (all at once), concurrency."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests import factories
from tests.campaign.factories import MentorAssignmentFactory
from tests.households.factories import HouseholdFactory
from vuonlen.accounts.roles import Role
from vuonlen.campaign import selectors, services
from vuonlen.campaign.models import Assessment, MentorAssignment, Visit
from vuonlen.core.audit import history_for
from vuonlen.core.periods import today_vn

pytestmark = pytest.mark.django_db

START = dt.date(2023, 1, 15)


def _assign(actor, mentor, households, **extra):
    return services.mentor_assign(actor=actor, mentor=mentor, households=households, started_on=START,
                                  reason="Phân công theo Nghị quyết chi bộ", **extra)


def test_assign_and_end(officer_a, mentor, homes):
    made = _assign(officer_a, mentor, homes[:2])
    assert len(made) == 2 and all(a.unit_id == homes[0].unit_id for a in made)
    assert set(selectors.households_for_mentor(mentor)) == set(homes[:2])
    assert history_for(made[0]).filter(action="create").exists()
    services.mentor_assignment_end(actor=officer_a, assignment=made[0], ended_on=dt.date(2024, 1, 1),
                                   reason="Hộ đã thoát nghèo")
    assert set(selectors.households_for_mentor(mentor)) == {homes[1]}


def test_assign_refused_out_of_scope_and_for_a_non_cadre(officer_b, officer_a, mentor, homes, commune_a):
    with pytest.raises(Http404):
        _assign(officer_b, mentor, homes[:1])
    stranger = factories.make_user(Role.VIEWER, commune_a)
    with pytest.raises(ValidationError) as exc:
        services.mentor_assign(actor=officer_a, mentor=stranger, households=homes[:1], started_on=None)
    errors = exc.value.message_dict
    assert "mentor" in errors and "started_on" in errors  # every problem at once
    assert not MentorAssignment.objects.exists()


def test_mentor_cannot_assign(mentor, other_mentor, homes):
    with pytest.raises((Http404, PermissionDenied)):
        _assign(mentor, other_mentor, homes[:1])


def test_one_mentor_at_a_time(officer_a, mentor, other_mentor, homes):
    MentorAssignmentFactory(mentor=mentor, household=homes[0], started_on=START)
    with pytest.raises(ValidationError, match="đang có người phụ trách"):
        _assign(officer_a, other_mentor, homes[:1])


def test_group_assignment_reaches_every_household(officer_a, mentor, homes, village_a):
    group = services.group_create(actor=officer_a, unit=village_a, name="Nhóm hộ tổ 1", households=homes)
    services.mentor_assign(actor=officer_a, mentor=mentor, group=group, started_on=START)
    assert set(selectors.households_for_mentor(mentor)) == set(homes)
    rows = selectors.mentor_workload(officer_a)
    assert [(r.name, r.households) for r in rows] == [("A Thút", 3)]


def test_mentor_sees_only_own_households(officer_a, mentor, other_mentor, homes):
    MentorAssignmentFactory(mentor=mentor, household=homes[0], started_on=START)
    MentorAssignmentFactory(mentor=other_mentor, household=homes[1], started_on=START)
    assert list(selectors.households_visible_to(mentor)) == [homes[0]]
    with pytest.raises(Http404):
        selectors.get_household_for_user_or_404(mentor, homes[1].pk)
    with pytest.raises(Http404):
        services.visit_log(actor=mentor, household=homes[1], visited_on=today_vn(), topics=["loan"])
    # the commune officer sees the whole commune
    assert set(selectors.households_visible_to(officer_a)) == set(homes)


def test_visit_log(officer_a, mentor, homes):
    MentorAssignmentFactory(mentor=mentor, household=homes[0], started_on=START)
    visit = services.visit_log(actor=mentor, household=homes[0], visited_on=today_vn(),
                               topics=["production", "loan"], discussed="Bàn chuyện nuôi bò",
                               production_model="Nuôi bò sinh sản", next_step="Làm hồ sơ vay vốn")
    assert visit.mentor == mentor and visit.unit_id == homes[0].unit_id
    rows = selectors.mentor_workload(officer_a)
    assert (rows[0].households, rows[0].visits_recent, rows[0].last_visit) == (1, 1, today_vn())


def test_visit_validation_all_at_once(officer_a, mentor, homes):
    _assign(officer_a, mentor, homes[:1])
    with pytest.raises(ValidationError) as exc:
        services.visit_log(actor=mentor, household=homes[0], visited_on=today_vn() + dt.timedelta(days=2),
                           topics=["dancing"])
    assert {"visited_on", "topics"} <= set(exc.value.message_dict)
    assert not Visit.objects.exists()


def _data(**extra):
    data = {"assessed_on": dt.date(2023, 11, 20), "told": True, "told_topics": [1, 2, 3],
            "changed_thinking": True, "applies_technology": True}
    data.update(extra)
    return data


def test_assessment_unique_and_concurrency(officer_a, homes):
    first = services.assessment_record(actor=officer_a, household=homes[0], year=2023, data=_data())
    assert first.told_topics == [1, 2, 3] and first.commune_id == homes[0].commune_id
    with pytest.raises(ValidationError, match="đã có đánh giá năm 2023"):
        services.assessment_record(actor=officer_a, household=homes[0], year=2023, data=_data())
    edited = services.assessment_record(actor=officer_a, household=homes[0], year=2023,
                                        data=_data(in_cooperative=True), expected_version=first.version)
    assert edited.in_cooperative and edited.version == first.version + 1
    with pytest.raises(ValidationError, match="vừa được người khác sửa"):
        services.assessment_record(actor=officer_a, household=homes[0], year=2023, data=_data(),
                                   expected_version=first.version)
    assert Assessment.objects.count() == 1
    assert history_for(first).filter(action="update").count() == 1


def test_assessment_validation_all_at_once(officer_a, homes, village_a):
    with pytest.raises(ValidationError) as exc:
        services.assessment_record(actor=officer_a, household=homes[0], year=2019,
                                   data=_data(assessed_on=today_vn() + dt.timedelta(days=1), told=False,
                                              told_topics=[11, "x", 2]))
    errors = exc.value.message_dict
    assert {"year", "assessed_on", "told_topics", "told"} <= set(errors)
    assert len(errors["told_topics"]) == 2
    kinh = HouseholdFactory(unit=village_a, members=["Nguyễn Văn A"], ethnicity="01", code="QT-K")
    with pytest.raises(ValidationError, match="dân tộc thiểu số"):
        services.assessment_record(actor=officer_a, household=kinh, year=2023, data=_data())
    assert not Assessment.objects.exists()


def test_mentor_assesses_own_household_only(officer_a, mentor, homes, home_b):
    MentorAssignmentFactory(mentor=mentor, household=homes[0], started_on=START)
    services.assessment_record(actor=mentor, household=homes[0], year=2023, data=_data())
    with pytest.raises(Http404):
        services.assessment_record(actor=mentor, household=homes[1], year=2023, data=_data())
    with pytest.raises(Http404):
        services.assessment_record(actor=officer_a, household=home_b, year=2023, data=_data())


def test_viewer_may_not_assess(homes, commune_a):
    viewer = factories.make_user(Role.VIEWER, commune_a)
    with pytest.raises(PermissionDenied):
        services.assessment_record(actor=viewer, household=homes[0], year=2023, data=_data())
