"""The pages: each role reaches what it may, out of scope is 404, downloads read back."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from tests.plans.factories import HouseholdPlanFactory
from tests.plans.worlds import D
from tests.surveys.factories import VillageSurveyFactory
from vuonlen.plans.models import Goal, HouseholdPlan, Solution
from vuonlen.surveys.models import VillageSurvey

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_officer_enters_a_survey_on_the_page_and_errors_show_on_the_fields(client, world):
    login(client, world.officer)
    land = world.cause("thieu_dat")
    url = reverse("surveys:create")
    response = client.post(url, {"village": world.village.pk, "year": 2025, "surveyed_by": "",
                                 "surveyed_on": "10/03/2025", f"cause_{land.pk}": 7})
    assert response.status_code == 200
    assert "Chưa nhập người khảo sát" in response.content.decode()
    assert not VillageSurvey.objects.exists()
    response = client.post(url, {"village": world.village.pk, "year": 2025, "surveyed_by": "A Thút",
                                 "surveyed_on": "10/03/2025", "especially_difficult": "on", f"cause_{land.pk}": 7})
    survey = VillageSurvey.objects.get()
    assert response.status_code == 302 and survey.especially_difficult
    page = client.get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert "Thiếu đất sản xuất" in page and "Thôn đặc biệt khó khăn" in page
    summary = client.get(reverse("surveys:summary"), {"nam": 2025, "don-vi": world.commune.pk, "tai": "xlsx"})
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(io.BytesIO(summary.content)).active.iter_rows()]
    assert rows[-1][0] == "Tổng cộng" and 7 in rows[-1]


def test_surveys_out_of_scope_are_404(client, world):
    survey = VillageSurveyFactory(village=world.village, year=2025, surveyed_by="A", surveyed_on=D(2025, 1, 5))
    login(client, world.other_officer)
    assert client.get(reverse("surveys:detail", args=[survey.pk])).status_code == 404
    assert client.get(reverse("surveys:edit", args=[survey.pk])).status_code == 404
    assert client.get(reverse("surveys:summary"), {"don-vi": world.commune.pk}).status_code == 404
    client.logout()
    login(client, world.mentor)  # a mentor has no survey room
    assert client.get(reverse("surveys:list")).status_code == 404
    client.logout()
    login(client, world.viewer)
    assert client.get(reverse("surveys:edit", args=[survey.pk])).status_code == 403


def test_mentor_sees_their_households_and_saves_a_plan(client, world):
    mine, other = world.poor_households(2)
    world.assign([mine])
    login(client, world.mentor)
    page = client.get(reverse("plans:mine")).content.decode()
    assert mine.head_name in page and other.head_name not in page
    url = reverse("plans:household_plan", args=[mine.pk, 2026])
    response = client.post(url, {"causes": [world.cause("thieu_von").pk], "goal": Goal.OUT_THIS_YEAR,
                                 "solutions": [Solution.LOAN], "loan_vnd": "40.000.000"})
    assert response.status_code == 302
    plan = HouseholdPlan.objects.get()
    assert plan.mentor == world.mentor and plan.loan_vnd == 40_000_000
    assert client.get(reverse("plans:household_plan", args=[other.pk, 2026])).status_code == 404


def test_dashboard_drills_down_to_the_households(client, world):
    homes = world.poor_households(2)
    HouseholdPlanFactory(household=homes[0], year=2026)
    login(client, world.province_secretary)
    page = client.get(reverse("plans:dashboard"), {"nam": 2026, "don-vi": world.commune.pk}).content.decode()
    assert "Thôn 4" in page
    listed = client.get(reverse("plans:list"), {"nam": 2026, "don-vi": world.village.pk,
                                                "muc-tieu": Goal.OUT_THIS_YEAR}).content.decode()
    assert homes[0].head_name in listed and homes[1].head_name not in listed
    without = client.get(reverse("plans:list"), {"nam": 2026, "don-vi": world.village.pk, "chua-co": 1})
    assert homes[1].head_name in without.content.decode()
    export = client.get(reverse("plans:list"), {"nam": 2026, "tai": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert [r[1].value for r in sheet.iter_rows(min_row=2)] == [homes[0].code]
    client.logout()
    login(client, world.other_officer)
    assert client.get(reverse("plans:dashboard"), {"don-vi": world.commune.pk}).status_code == 404


def test_union_sets_its_goal_on_its_page_and_others_cannot(client, world):
    homes = world.poor_households(2)
    login(client, world.women_user)
    org_url = reverse("plans:organisation", args=[world.women.pk])
    assert client.get(reverse("plans:organisations")).status_code == 302  # straight to its own page
    client.post(reverse("plans:organisation_add", args=[world.women.pk]) + "?nam=2026",
                {"codes": f"{homes[0].code}, {homes[1].code}", "since_year": 2026})
    client.post(reverse("plans:organisation_goal", args=[world.women.pk]) + "?nam=2026",
                {"target_out": 1, "solution_loan": 1, "version": 0})
    page = client.get(org_url, {"nam": 2026}).content.decode()
    assert homes[0].code in page and "Phấn đấu giúp 1 hộ thoát nghèo" in page
    client.logout()
    login(client, world.other_women_user)
    assert client.get(org_url).status_code == 404
    client.logout()
    login(client, world.officer)
    assert client.post(reverse("plans:organisation_goal", args=[world.women.pk]) + "?nam=2026",
                       {"target_out": 2, "version": 1}).status_code == 403
