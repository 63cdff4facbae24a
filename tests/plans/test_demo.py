"""The demo steps of surveys and plans: something on every page, and re-running adds nothing."""

from __future__ import annotations

import pytest

from vuonlen.core.demo import DemoContext
from vuonlen.plans.models import HouseholdPlan, OrganisationGoal, OrganisationHousehold
from vuonlen.surveys.models import VillageSurvey

pytestmark = pytest.mark.django_db


def test_demo_surveys_plans_and_union(kontum):
    from vuonlen.accounts import demo as accounts_demo
    from vuonlen.campaign import demo as campaign_demo
    from vuonlen.geo import demo as geo_demo
    from vuonlen.households import demo_data
    from vuonlen.plans import demo as plans_demo
    from vuonlen.surveys import demo as surveys_demo

    quiet = DemoContext(seed=2021, say=lambda _m: None)
    for step in (geo_demo, accounts_demo, demo_data, campaign_demo, surveys_demo, plans_demo):
        step.run(quiet)
    surveys, plans = VillageSurvey.objects.count(), HouseholdPlan.objects.count()
    assert surveys > 0 and VillageSurvey.objects.filter(especially_difficult=True).exists()
    assert plans > 0 and HouseholdPlan.objects.filter(year=2024).exclude(outcome="").count() == plans // 2
    assert OrganisationHousehold.objects.exists()
    assert OrganisationGoal.objects.filter(year=2024, result_out__isnull=False).exists()
    surveys_demo.run(quiet)
    plans_demo.run(quiet)
    assert (VillageSurvey.objects.count(), HouseholdPlan.objects.count()) == (surveys, plans)
