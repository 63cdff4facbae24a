"""Household plans over HTTP (/api/v1/plans/): the plans of a year and the dashboard counts of
a unit's children — through ``plans_visible_to`` (a mentor gets their households only)."""

# No ``from __future__ import annotations``: django-ninja reads the parameter types at import.
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from vuonlen.accounts import roles, scoping
from vuonlen.api.errors import responses
from vuonlen.api.params import MAX_ID, YEAR_MAX, YEAR_MIN
from vuonlen.core.access import require_room

from . import selectors

router = Router(tags=["Kế hoạch giúp hộ"])
MAX_ROWS = 1000


class PlanFilter(Schema):
    year: int = Field(..., ge=YEAR_MIN, le=YEAR_MAX, description="Năm của kế hoạch")
    unit: int | None = Field(None, ge=1, le=MAX_ID, description="Mã (id) đơn vị; gồm cả cấp dưới")
    goal: Literal["", "out_this_year", "out_next_year", "stable_income"] = Field("", description="Mục tiêu")
    outcome: Literal["", "achieved", "not_achieved", "pending"] = Field("", description="Kết quả cuối năm")


class PlanOut(Schema):
    id: int
    household_id: int
    household_code: str
    unit_name: str
    year: int
    causes: list[str]
    goal: str
    solutions: list[str]
    loan_vnd: int
    support_organisation: str
    outcome: str


class DashboardRowOut(Schema):
    unit_id: int | None
    unit_name: str
    households: int
    with_plan: int
    goal_out: int
    achieved: int
    not_achieved: int


class DashboardFilter(Schema):
    year: int = Field(..., ge=YEAR_MIN, le=YEAR_MAX, description="Năm")
    unit: int | None = Field(None, ge=1, le=MAX_ID, description="Mã (id) đơn vị")


def _unit(request, pk):
    return scoping.get_unit_or_404(request.user, pk, roles.PLAN_VIEW) if pk else None


@router.get("/", response=responses(list[PlanOut]), summary=f"Kế hoạch giúp hộ của một năm (tối đa {MAX_ROWS})")
def plan_list(request, filters: Query[PlanFilter]):
    require_room(request.user, roles.PLAN_VIEW)
    plans = selectors.plan_list(request.user, selectors.PlanFilters(
        year=filters.year, unit=_unit(request, filters.unit), goal=filters.goal, outcome=filters.outcome))
    return [PlanOut(id=p.pk, household_id=p.household_id, household_code=p.household.code,
                    unit_name=p.household.unit.name, year=p.year, causes=[c.code for c in p.causes.all()],
                    goal=p.goal, solutions=p.solutions, loan_vnd=p.loan_vnd,
                    support_organisation=p.support_organisation.name if p.support_organisation else "",
                    outcome=p.outcome) for p in plans.prefetch_related("causes")[:MAX_ROWS]]


@router.get("/dashboard", response=responses(list[DashboardRowOut]),
            summary="Hộ nghèo, cận nghèo, hộ có kế hoạch, mục tiêu và kết quả theo đơn vị (dòng cuối: tổng)")
def dashboard(request, filters: Query[DashboardFilter]):
    require_room(request.user, roles.PLAN_VIEW)
    rows, total = selectors.dashboard(request.user, year=filters.year, unit=_unit(request, filters.unit))

    def out(row, name=None):
        return DashboardRowOut(unit_id=row.unit.pk if row.unit else None, unit_name=name or row.unit.name,
                               households=row.households, with_plan=row.with_plan, goal_out=row.goal_out,
                               achieved=row.achieved, not_achieved=row.not_achieved)
    return [out(r) for r in rows] + [out(total, _("Tổng cộng"))]
