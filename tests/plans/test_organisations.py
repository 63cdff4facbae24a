"""A mass organisation lists its members' poor households, sets its yearly goal and reports the
result; the steering committee sees every organisation's. Lists in and out of .xlsx."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.households.factories import HouseholdFactory
from tests.plans.factories import HouseholdPlanFactory
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core import xlsx
from vuonlen.core.versioning import StaleVersion
from vuonlen.plans import files, selectors, services
from vuonlen.plans.models import OrganisationHousehold, Outcome, Solution

pytestmark = pytest.mark.django_db


def test_union_lists_its_members_households_with_every_problem_at_once(world):
    homes = world.poor_households(2)
    elsewhere, = world.poor_households(1, unit=world.other_village, prefix="X")
    not_poor = HouseholdFactory(unit=world.village, code="KN-1")
    made = services.org_households_add(actor=world.women_user, organisation=world.women,
                                       codes=[homes[0].code, homes[1].code], since_year=2026,
                                       member_names={homes[0].code: "Y Hoa"})
    assert len(made) == 2 and made[0].member_name in ("Y Hoa", "")
    with pytest.raises(ValidationError) as caught:
        services.org_households_add(actor=world.women_user, organisation=world.women,
                                    codes=[homes[0].code, elsewhere.code, not_poor.code, "KHONG-CO"], since_year=2026)
    text = " ".join(caught.value.messages)
    assert f"Hộ {homes[0].code} đã có trong danh sách" in text
    assert f"Không tìm thấy hộ mã {elsewhere.code}" in text
    assert "không phải hộ nghèo, cận nghèo" in text and "KHONG-CO" in text
    assert OrganisationHousehold.objects.count() == 2


def test_only_the_organisation_itself_writes_its_list_and_goals(world):
    home, = world.poor_households(1)
    with pytest.raises(Http404):
        services.org_households_add(actor=world.other_women_user, organisation=world.women, codes=[home.code],
                                    since_year=2026)
    with pytest.raises(PermissionDenied):
        services.org_households_add(actor=world.officer, organisation=world.women, codes=[home.code],
                                    since_year=2026)


def test_scope_an_organisation_sees_its_own_households_and_plans_only(world):
    homes = world.poor_households(2)
    services.org_households_add(actor=SYSTEM, organisation=world.women, codes=[homes[0].code], since_year=2026)
    services.org_households_add(actor=SYSTEM, organisation=world.farmers, codes=[homes[1].code], since_year=2026)
    plan = HouseholdPlanFactory(household=homes[0], year=2026, job="Công nhân cao su")
    HouseholdPlanFactory(household=homes[1], year=2026)
    assert [link.household for link in selectors.org_households_visible_to(world.women_user)] == [homes[0]]
    assert list(selectors.plans_visible_to(world.women_user)) == [plan]
    assert not selectors.org_households_visible_to(world.other_women_user).exists()
    assert selectors.org_households_visible_to(world.province_secretary).count() == 2
    assert not selectors.org_households_visible_to(world.other_officer).exists()
    with pytest.raises(Http404):
        selectors.get_organisation_for_user_or_404(world.other_women_user, world.women.pk)


def test_goal_result_and_the_steering_committee_table(world):
    homes = world.poor_households(3)
    services.org_households_add(actor=world.women_user, organisation=world.women,
                                codes=[h.code for h in homes], since_year=2026)
    with pytest.raises(ValidationError) as caught:
        services.goal_save(actor=world.women_user, organisation=world.women, year=2026, target_out=5,
                           target_by_solution={Solution.LOAN: 9})
    assert set(caught.value.message_dict) == {"target_out", "target_by_solution"}
    goal = services.goal_save(actor=world.women_user, organisation=world.women, year=2026, target_out=2,
                              target_by_solution={Solution.LOAN: 2, Solution.TRAINING: 1}, plan_note="Vay vốn")
    with pytest.raises(StaleVersion):
        services.goal_save(actor=world.women_user, organisation=world.women, year=2026, target_out=3,
                           expected_version=0)
    HouseholdPlanFactory(household=homes[0], year=2026, solutions=[Solution.LOAN], loan_vnd=30_000_000,
                         outcome=Outcome.ACHIEVED)
    services.goal_report(actor=world.women_user, goal=goal, expected_version=goal.version, result_out=1,
                         result_note="Một hộ thoát nghèo nhờ vay vốn nuôi bò")
    rows = {r.organisation: r for r in selectors.organisation_years(world.province_secretary, year=2026)}
    women = rows[world.women]
    assert (women.listed, women.with_plan, women.target, women.reported, women.achieved_by_plans) == (3, 1, 2, 1, 1)
    assert rows[world.farmers].listed == 0 and rows[world.farmers].target is None
    # The other union's account sees only its own organisation's row.
    assert [r.organisation for r in selectors.organisation_years(world.other_women_user, year=2026)] == \
        [world.other_women]
    table = openpyxl.load_workbook(io.BytesIO(files.organisations_xlsx(list(rows.values()), 2026))).active
    values = {r[0].value: [c.value for c in r] for r in table.iter_rows(min_row=2)}
    assert values[world.women.name][2] == 3 and values[world.women.name][6] == 2 and values[world.women.name][7] == 1


def test_members_import_puts_each_refusal_on_its_row(world):
    homes = world.poor_households(2)
    workbook = xlsx.new_workbook()
    sheet = workbook.active
    sheet.append(["Mã hộ", "Hội viên"])
    sheet.append([homes[0].code, "Y Hoa"])
    sheet.append(["KHONG-CO", "Y Lan"])
    sheet.append([homes[0].code, "Y Hoa"])
    bad = xlsx.workbook_bytes(workbook)
    made, errors = files.import_members(actor=world.women_user, organisation=world.women, file=bad,
                                        filename="ds.xlsx", since_year=2026)
    assert made == 0 and [(e.row, e.column) for e in errors] == [(4, "Mã hộ")]
    sheet.delete_rows(4)
    made, errors = files.import_members(actor=world.women_user, organisation=world.women,
                                        file=xlsx.workbook_bytes(workbook), filename="ds.xlsx", since_year=2026)
    assert made == 0 and [(e.row, e.column) for e in errors] == [(3, "Mã hộ")]
    assert not OrganisationHousehold.objects.exists()
    sheet.delete_rows(3)
    sheet.append([homes[1].code, "Y Lan"])
    made, errors = files.import_members(actor=world.women_user, organisation=world.women,
                                        file=xlsx.workbook_bytes(workbook), filename="ds.xlsx", since_year=2026)
    assert (made, errors) == (2, [])
    links = list(selectors.organisation_households(world.women_user, world.women))
    out = openpyxl.load_workbook(io.BytesIO(files.members_xlsx(links, {}))).active
    assert {r[0].value: r[1].value for r in out.iter_rows(min_row=2)} == {homes[0].code: "Y Hoa",
                                                                         homes[1].code: "Y Lan"}
