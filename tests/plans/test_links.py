"""Item 4: an exemplary household links to the plan that got it there; a model's participants
show their plans' goals — each only to a reader who may see that plan."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.plans.factories import HouseholdPlanFactory
from tests.plans.worlds import D
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.initiatives import selectors as initiative_selectors
from vuonlen.initiatives import services as initiative_services
from vuonlen.initiatives.models import InitiativeLevel, Kind
from vuonlen.plans.models import Goal, Outcome, Solution

pytestmark = pytest.mark.django_db


def _plan(household, year, **extra):
    return HouseholdPlanFactory(household=household, year=year, solutions=[Solution.PRODUCTION_MODEL],
                                production_model="Trồng sâm dây", **extra)


def test_an_exemplary_household_links_to_the_plan_that_got_it_there(client, world):
    household, = world.poor_households(1)
    achieved = _plan(household, 2025, outcome=Outcome.ACHIEVED)
    _plan(household, 2026, goal=Goal.STABLE_INCOME)
    initiative_services.exemplar_create(actor=SYSTEM, commune=world.commune, year=2025, household=household,
                                        story="Từ hộ nghèo thành hộ khá nhờ trồng sâm dây")
    exemplar, = initiative_selectors.exemplar_list(world.officer)
    assert exemplar.plan == achieved
    client.force_login(world.officer)
    page = client.get(reverse("initiatives:exemplars")).content.decode()
    assert reverse("plans:household_plan", args=[household.pk, 2025]) in page
    assert "Kế hoạch giúp hộ năm 2025: Thoát nghèo trong năm" in page


def test_participants_show_their_plans_goals(client, world):
    homes = world.poor_households(2)
    _plan(homes[0], 2026)
    initiative = initiative_services.initiative_create(
        actor=SYSTEM, name="Mô hình trồng sâm dây", kind=Kind.values[0], organisation=world.farmers,
        unit=world.commune, start_year=2025, level=InitiativeLevel.COMMUNE)
    initiative_services.participants_add(actor=SYSTEM, initiative=initiative, households=homes,
                                         started_on=D(2025, 5, 1))
    rows = {p.household: p.plan for p in initiative_selectors.participations_with_plans(world.officer, initiative,
                                                                                         2026)}
    assert rows[homes[0]].goal == Goal.OUT_THIS_YEAR and rows[homes[1]] is None
    client.force_login(world.officer)
    page = client.get(reverse("initiatives:detail", args=[initiative.pk])).content.decode()
    assert "Mục tiêu kế hoạch hộ" in page and "Thoát nghèo trong năm" in page
    # A reader who may not see the plans gets no goals.
    assert initiative_selectors.participations_with_plans(world.other_officer, initiative, 2026) == []
