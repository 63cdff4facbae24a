"""Household plans: written by the commune or the household's mentor, every problem at once,
scoped like households, versioned, audited; the dashboard counts and drills down."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.plans.factories import HouseholdPlanFactory
from vuonlen.core.models import AuditLog
from vuonlen.core.versioning import StaleVersion
from vuonlen.plans import selectors, services
from vuonlen.plans.models import Goal, HouseholdPlan, Outcome, Solution

pytestmark = pytest.mark.django_db


def plan_data(world, **extra):
    data = {"causes": [world.cause("thieu_von"), world.cause("thieu_ky_nang")], "goal": Goal.OUT_THIS_YEAR,
            "solutions": [Solution.PRODUCTION_MODEL, Solution.LOAN], "production_model": "Nuôi bò sinh sản",
            "loan_vnd": "50.000.000"}
    data.update(extra)
    return data


def test_mentor_writes_a_plan_for_their_household_only(world):
    mine, other = world.poor_households(2)
    world.assign([mine])
    plan = services.plan_create(actor=world.mentor, household=mine, year=2026, data=plan_data(world))
    assert plan.loan_vnd == 50_000_000 and set(plan.causes.values_list("code", flat=True)) == {"thieu_von",
                                                                                           "thieu_ky_nang"}
    assert AuditLog.objects.filter(object_id=str(plan.pk), action="create", actor=world.mentor).exists()
    with pytest.raises(Http404):
        services.plan_create(actor=world.mentor, household=other, year=2026, data=plan_data(world))
    assert list(selectors.plans_visible_to(world.mentor)) == [plan]


def test_every_problem_at_once_and_nothing_written(world):
    household, = world.poor_households(1)
    bad = {"causes": [], "goal": "", "solutions": [Solution.PRODUCTION_MODEL, Solution.LOAN, Solution.ORGANISATION],
           "loan_vnd": "", "outcome": Outcome.NOT_ACHIEVED}
    with pytest.raises(ValidationError) as caught:
        services.plan_create(actor=world.officer, household=household, year=2026, data=bad)
    assert set(caught.value.message_dict) >= {"causes", "goal", "production_model", "loan_vnd",
                                              "support_organisation", "outcome_reason"}
    assert not HouseholdPlan.objects.exists()


def test_follow_up_at_year_end_with_version_check(world):
    household, = world.poor_households(1)
    plan = HouseholdPlanFactory(household=household, year=2026, **plan_data(world), actor=world.officer)
    services.plan_update(actor=world.officer, plan=plan, expected_version=plan.version,
                         data=plan_data(world, outcome=Outcome.NOT_ACHIEVED, outcome_reason="Bò bị bệnh, chết"))
    plan.refresh_from_db()
    assert plan.outcome == Outcome.NOT_ACHIEVED and plan.followed_up_on is not None and plan.version == 2
    with pytest.raises(StaleVersion):
        services.plan_update(actor=world.officer, plan=plan, expected_version=1,
                             data=plan_data(world, outcome=Outcome.ACHIEVED))
    plan.refresh_from_db()
    assert plan.outcome == Outcome.NOT_ACHIEVED


def test_readers_see_by_area_and_may_not_write(world):
    household, = world.poor_households(1)
    plan = HouseholdPlanFactory(household=household, year=2026, **plan_data(world))
    assert selectors.plans_visible_to(world.viewer).filter(pk=plan.pk).exists()
    assert not selectors.plans_visible_to(world.other_officer).exists()
    with pytest.raises(Http404):
        selectors.get_plan_for_user_or_404(world.other_officer, plan.pk)
    with pytest.raises(PermissionDenied):
        services.plan_update(actor=world.viewer, plan=plan, expected_version=1, data=plan_data(world))
    with pytest.raises(Http404):
        services.plan_update(actor=world.other_officer, plan=plan, expected_version=1, data=plan_data(world))
    # A women's union account without listing the household sees nothing of it.
    assert not selectors.plans_visible_to(world.women_user).exists()


def test_dashboard_counts_plans_goals_and_causes_by_unit(world):
    homes = world.poor_households(3)
    far, = world.poor_households(1, unit=world.village2, prefix="K")
    HouseholdPlanFactory(household=homes[0], year=2026, **plan_data(world))
    HouseholdPlanFactory(household=homes[1], year=2026, **plan_data(world, outcome=Outcome.ACHIEVED,
                                                                    goal=Goal.OUT_THIS_YEAR))
    HouseholdPlanFactory(household=far, year=2026, **plan_data(world, goal=Goal.STABLE_INCOME,
                                                               causes=[world.cause("thieu_dat")]))
    rows, total = selectors.dashboard(world.viewer, year=2026, unit=world.commune)
    by_name = {r.unit.name: r for r in rows}
    assert (by_name["Thôn 4"].households, by_name["Thôn 4"].with_plan, by_name["Thôn 4"].goal_out,
            by_name["Thôn 4"].achieved) == (3, 2, 2, 1)
    assert by_name["Làng Kon Klor"].with_plan == 1 and by_name["Làng Kon Klor"].goal_out == 0
    assert total.causes[world.cause("thieu_von").pk] == 2 and total.causes[world.cause("thieu_dat").pk] == 1
    assert list(selectors.households_without_plan(world.viewer, year=2026, unit=world.village)) == [homes[2]]
    filtered = selectors.plan_list(world.viewer, selectors.PlanFilters(year=2026, unit=world.commune,
                                                                      outcome=Outcome.ACHIEVED))
    assert [p.household for p in filtered] == [homes[1]]
    # The district's row for the commune has the same counts; another commune's officer sees none.
    district_rows, _ = selectors.dashboard(world.viewer, year=2026, unit=world.district)
    assert next(r for r in district_rows if r.unit == world.commune).with_plan == 3
    assert selectors.dashboard(world.other_officer, year=2026, unit=world.district)[1].with_plan == 0
