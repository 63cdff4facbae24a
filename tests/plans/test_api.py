"""The API of surveys and plans: the caller's scope, bounded parameters."""

from __future__ import annotations

import pytest

from tests.plans.factories import HouseholdPlanFactory
from tests.plans.worlds import D
from tests.surveys.factories import VillageSurveyFactory

pytestmark = pytest.mark.django_db


def test_surveys_and_summary_follow_the_scope(client, world):
    land = world.cause("thieu_dat")
    VillageSurveyFactory(village=world.village, year=2025, surveyed_by="A", surveyed_on=D(2025, 2, 1),
                         causes={land.pk: 4})
    client.force_login(world.viewer)
    body = client.get("/api/v1/surveys/", {"year": 2025}).json()
    assert [s["village_name"] for s in body] == ["Thôn 4"] and body[0]["causes"] == {"thieu_dat": 4}
    summary = client.get("/api/v1/surveys/summary", {"year": 2025, "unit": world.commune.pk}).json()
    assert summary[-1]["unit_name"] == "Tổng cộng" and summary[-1]["causes"] == {"thieu_dat": 4}
    assert client.get("/api/v1/surveys/", {"year": 1900}).status_code == 422
    client.force_login(world.other_officer)
    assert client.get("/api/v1/surveys/", {"year": 2025}).json() == []
    assert client.get("/api/v1/surveys/summary", {"year": 2025, "unit": world.commune.pk}).status_code == 404


def test_a_mentor_gets_only_their_households_plans(client, world):
    mine, other = world.poor_households(2)
    world.assign([mine])
    for household in (mine, other):
        HouseholdPlanFactory(household=household, year=2026)
    client.force_login(world.mentor)
    body = client.get("/api/v1/plans/", {"year": 2026}).json()
    assert [p["household_code"] for p in body] == [mine.code]
    client.force_login(world.viewer)
    rows = client.get("/api/v1/plans/dashboard", {"year": 2026, "unit": world.commune.pk}).json()
    assert rows[-1]["with_plan"] == 2 and rows[-1]["goal_out"] == 2
