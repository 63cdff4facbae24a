"""The API of surveys and plans: the caller's scope, bounded parameters."""

from __future__ import annotations

import pytest

from tests.plans.builders import D
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.plans import services as plan_services
from vuonlen.plans.models import Goal, Solution
from vuonlen.surveys import services as survey_services

pytestmark = pytest.mark.django_db


def test_surveys_and_summary_follow_the_scope(client, world):
    land = world.cause("thieu_dat")
    survey_services.survey_create(actor=SYSTEM, village=world.village, year=2025,
                                  data={"surveyed_by": "A", "surveyed_on": D(2025, 2, 1)}, causes={land.pk: 4})
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
        plan_services.plan_create(actor=SYSTEM, household=household, year=2026, data={
            "causes": [world.cause("thieu_von")], "goal": Goal.OUT_THIS_YEAR, "solutions": [Solution.JOB]})
    client.force_login(world.mentor)
    body = client.get("/api/v1/plans/", {"year": 2026}).json()
    assert [p["household_code"] for p in body] == [mine.code]
    client.force_login(world.viewer)
    rows = client.get("/api/v1/plans/dashboard", {"year": 2026, "unit": world.commune.pk}).json()
    assert rows[-1]["with_plan"] == 2 and rows[-1]["goal_out"] == 2
