"""Reads of household plans and of the organisations' own households and goals.

- Plans: ``plans_visible_to`` — the plans of the households the reader sees in the registry
  (``households_visible_to``, so a mentor sees only their own households' plans), plus, for a
  mass organisation, the plans of the households it listed as its members' (in its area).
- An organisation's households: ``org_households_visible_to`` — its own (acting for it with
  ``ORG_MEMBERS_OWN``), or over an area (``ORG_MEMBERS_VIEW_AREA``: secretariat, leaders,
  commune officers) the links whose household they see.
- Goals: ``goals_visible_to`` — the organisation's own, or those of the organisations placed
  in the reader's area.
Outside: 404.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.models import Organisation
from vuonlen.geo.models import AdministrativeUnit, UnitLineage
from vuonlen.households.models import Household
from vuonlen.households.selectors import households_visible_to

from .models import (
    LISTED_STATUSES,
    MASS_ORG_KINDS,
    Goal,
    HouseholdPlan,
    OrganisationGoal,
    OrganisationHousehold,
    Outcome,
)

# --- organisations and their area ------------------------------------------------------------

def own_organisation_ids(user) -> frozenset[int]:
    if user is scoping.SYSTEM:
        return frozenset()
    return frozenset(i for i in scoping.acting_organisation_ids(user, roles.ORG_MEMBERS_OWN))


def organisation_area_paths(organisation: Organisation) -> list[str]:
    """The organisation's unit and, for a new-era unit, the old units that merged into it."""
    unit = organisation.unit
    paths = [unit.path]
    paths += list(UnitLineage.objects.filter(new_unit__path__startswith=unit.path)
                  .values_list("old_unit__path", flat=True))
    return paths


def _area_q(paths, prefix: str = "household__unit__") -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{prefix}path__startswith": path})
    return query


def _own_links_q(user) -> Q | None:
    """The links of the organisations ``user`` acts for, within each organisation's area."""
    own = own_organisation_ids(user)
    if not own:
        return None
    query = Q(pk__in=[])
    for organisation in Organisation.objects.filter(pk__in=own).select_related("unit"):
        query |= Q(organisation=organisation) & _area_q(organisation_area_paths(organisation))
    return query


def org_households_visible_to(user) -> QuerySet[OrganisationHousehold]:
    """THE way in to the organisations' listed households."""
    if user is scoping.SYSTEM:
        return OrganisationHousehold.objects.all()
    if not getattr(user, "is_authenticated", False):
        return OrganisationHousehold.objects.none()
    query = Q(pk__in=[])
    if scoping.can(user, roles.ORG_MEMBERS_VIEW_AREA):
        area = scoping.scope_for(user, roles.ORG_MEMBERS_VIEW_AREA)
        query |= area.q("household__unit") & Q(household__in=households_visible_to(user))
    own = _own_links_q(user)
    if own is not None:
        query |= own
    return OrganisationHousehold.objects.filter(query)


def goals_visible_to(user) -> QuerySet[OrganisationGoal]:
    """THE way in to the organisations' yearly goals and results."""
    if user is scoping.SYSTEM:
        return OrganisationGoal.objects.all()
    if not getattr(user, "is_authenticated", False):
        return OrganisationGoal.objects.none()
    query = Q(organisation_id__in=own_organisation_ids(user))
    area = scoping.scope_for(user, roles.ORG_MEMBERS_VIEW_AREA)
    if not area.empty:
        query |= area.q("organisation__unit")
    return OrganisationGoal.objects.filter(query)


def get_goal_for_user_or_404(user, pk) -> OrganisationGoal:
    try:
        return goals_visible_to(user).select_related("organisation__unit").get(pk=pk)
    except (OrganisationGoal.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy") from None


def organisations_visible_to(user) -> QuerySet[Organisation]:
    """Mass organisations whose households and goals the reader may open."""
    qs = Organisation.objects.filter(kind__in=MASS_ORG_KINDS)
    if user is scoping.SYSTEM:
        return qs
    query = Q(pk__in=own_organisation_ids(user))
    area = scoping.scope_for(user, roles.ORG_MEMBERS_VIEW_AREA)
    if not area.empty:
        query |= area.q("unit")
    return qs.filter(query)


def get_organisation_for_user_or_404(user, pk) -> Organisation:
    try:
        return organisations_visible_to(user).select_related("unit").get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy") from None


def can_manage_organisation(user, organisation: Organisation) -> bool:
    """List households and report goals: the organisation itself (a reporting unit acting for it)."""
    return user is scoping.SYSTEM or organisation.pk in own_organisation_ids(user)


# --- plans -----------------------------------------------------------------------------------

def plans_visible_to(user, perm: str = roles.PLAN_VIEW) -> QuerySet[HouseholdPlan]:
    """THE way in to household plans: pages, exports, dashboards, drill-downs, the API."""
    if user is scoping.SYSTEM:
        return HouseholdPlan.objects.all()
    if not getattr(user, "is_authenticated", False) or not scoping.can(user, perm):
        return HouseholdPlan.objects.none()
    query = Q(household__in=households_visible_to(user, perm))
    if perm == roles.PLAN_VIEW:
        own = _own_links_q(user)
        if own is not None:
            query |= Q(household__in=OrganisationHousehold.objects.filter(own).values("household_id"))
    return HouseholdPlan.objects.filter(query)


def get_plan_for_user_or_404(user, pk, perm: str = roles.PLAN_VIEW) -> HouseholdPlan:
    try:
        return (plans_visible_to(user, perm)
                .select_related("household__unit__parent", "support_organisation", "mentor").get(pk=pk))
    except (HouseholdPlan.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy") from None


def plan_households(user) -> QuerySet[Household]:
    """Households a plan may be written for by ``user`` (the registry's rule, with PLAN_EDIT)."""
    return households_visible_to(user, roles.PLAN_EDIT)


def can_edit_plan_for(user, household: Household) -> bool:
    return user is scoping.SYSTEM or plan_households(user).filter(pk=household.pk).exists()


@dataclass
class PlanFilters:
    year: int | None = None
    unit: AdministrativeUnit | None = None
    goal: str = ""
    outcome: str = ""  # achieved | not_achieved | pending
    cause: int | None = None
    organisation: Organisation | None = None


def plan_list(user, filters: PlanFilters) -> QuerySet[HouseholdPlan]:
    qs = plans_visible_to(user).select_related("household__unit__parent", "support_organisation", "mentor")
    f = filters
    if f.year:
        qs = qs.filter(year=f.year)
    if f.unit is not None:
        qs = qs.filter(household__unit__path__startswith=f.unit.path)
    if f.goal:
        qs = qs.filter(goal=f.goal)
    if f.outcome == "pending":
        qs = qs.filter(outcome="")
    elif f.outcome:
        qs = qs.filter(outcome=f.outcome)
    if f.cause:
        qs = qs.filter(causes=f.cause)
    if f.organisation is not None:
        qs = qs.filter(household__in=org_households_visible_to(user).filter(organisation=f.organisation)
                       .values("household_id"))
    return qs.order_by("household__unit__name_sort", "household__head_sort", "pk")


def plans_for_households(user, household_ids, year: int | None = None, *,
                         achieved_first: bool = False) -> dict[int, HouseholdPlan]:
    """The newest plan (or the plan of ``year``) the reader may see for each household: for the
    pages of other rooms (a model's participants, an exemplary household). With
    ``achieved_first`` the newest plan whose goal was achieved wins: the plan that got an
    exemplary household there."""
    ids = [i for i in household_ids if i]
    if not ids:
        return {}
    qs = plans_visible_to(user).filter(household_id__in=ids)
    if year:
        qs = qs.filter(year=year)
    result: dict[int, HouseholdPlan] = {}
    plans = list(qs.order_by("household_id", "-year"))
    if achieved_first:
        for plan in plans:
            if plan.outcome == Outcome.ACHIEVED:
                result.setdefault(plan.household_id, plan)
    for plan in plans:
        result.setdefault(plan.household_id, plan)
    return result


# --- the dashboard ---------------------------------------------------------------------------

@dataclass
class UnitRow:
    unit: AdministrativeUnit
    households: int = 0
    with_plan: int = 0
    goal_out: int = 0
    achieved: int = 0
    not_achieved: int = 0
    causes: Counter = field(default_factory=Counter)

    @property
    def without_plan(self) -> int:
        return max(self.households - self.with_plan, 0)

    @property
    def coverage(self) -> int:
        return round(100 * self.with_plan / self.households) if self.households else 0


def dashboard(user, *, year: int, unit: AdministrativeUnit | None) -> tuple[list[UnitRow], UnitRow]:
    """Per unit under ``unit`` (or the reader's scope roots): poor and near-poor households the
    reader sees, those with a plan for ``year``, goals "out this year" planned vs achieved,
    and causes counted over the plans."""
    from vuonlen.surveys.selectors import area_q, units_under

    if unit is None:
        children = list(scoping.scope_roots(user, roles.PLAN_VIEW))
    else:
        children = units_under(unit)
    rows = {c.pk: UnitRow(c) for c in children}
    ordered = sorted(children, key=lambda c: -len(c.path))

    def owner(path: str):
        return next((c for c in ordered if path.startswith(c.path)), None)

    households = households_visible_to(user, roles.PLAN_VIEW).filter(
        ended_on__isnull=True, current_status__in=LISTED_STATUSES)
    plans = plans_visible_to(user).filter(year=year)
    if unit is not None:
        households = households.filter(area_q(unit, "unit__path"))
        plans = plans.filter(area_q(unit, "household__unit__path"))
    for item in households.values("unit__path").annotate(n=Count("pk")):
        parent = owner(item["unit__path"])
        if parent is not None:
            rows[parent.pk].households += item["n"]
    plan_units: dict[int, int] = {}
    for item in plans.values("pk", "household__unit__path", "goal", "outcome"):
        parent = owner(item["household__unit__path"])
        if parent is None:
            continue
        plan_units[item["pk"]] = parent.pk
        row = rows[parent.pk]
        row.with_plan += 1
        if item["goal"] == Goal.OUT_THIS_YEAR:
            row.goal_out += 1
        if item["outcome"] == Outcome.ACHIEVED:
            row.achieved += 1
        elif item["outcome"] == Outcome.NOT_ACHIEVED:
            row.not_achieved += 1
    through = HouseholdPlan.causes.through
    for item in through.objects.filter(householdplan_id__in=list(plan_units)).values("householdplan_id",
                                                                                   "povertycause_id"):
        rows[plan_units[item["householdplan_id"]]].causes[item["povertycause_id"]] += 1
    total = UnitRow(unit)
    for row in rows.values():
        for name in ("households", "with_plan", "goal_out", "achieved", "not_achieved"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        total.causes.update(row.causes)
    return [rows[c.pk] for c in children], total


def households_without_plan(user, *, year: int, unit: AdministrativeUnit | None) -> QuerySet[Household]:
    qs = households_visible_to(user, roles.PLAN_VIEW).filter(ended_on__isnull=True,
                                                             current_status__in=LISTED_STATUSES)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs.exclude(plans__year=year).select_related("unit__parent").order_by("unit__name_sort", "head_sort")


# --- organisations: members, goals and results ----------------------------------------------

@dataclass
class OrganisationYear:
    organisation: Organisation
    listed: int = 0
    poor: int = 0
    near_poor: int = 0
    with_plan: int = 0
    achieved_by_plans: int = 0
    goal: OrganisationGoal | None = None

    @property
    def target(self) -> int | None:
        return self.goal.target_out if self.goal else None

    @property
    def reported(self) -> int | None:
        return self.goal.result_out if self.goal else None


def organisation_years(user, *, year: int, organisations=None) -> list[OrganisationYear]:
    """Per organisation the reader may see: households listed, goal, reported result, and the
    result its listed households' plans show."""
    orgs = list(organisations if organisations is not None else
                organisations_visible_to(user).select_related("unit").order_by("unit__path", "name_sort"))
    result = {o.pk: OrganisationYear(o) for o in orgs}
    links = org_households_visible_to(user).filter(organisation_id__in=list(result))
    by_org: dict[int, set[int]] = defaultdict(set)
    for item in links.values("organisation_id", "household_id", "household__current_status"):
        row = result[item["organisation_id"]]
        row.listed += 1
        row.poor += item["household__current_status"] == "poor"
        row.near_poor += item["household__current_status"] == "near_poor"
        by_org[item["organisation_id"]].add(item["household_id"])
    all_ids = set().union(*by_org.values()) if by_org else set()
    plans = {p["household_id"]: p for p in plans_visible_to(user).filter(household_id__in=all_ids, year=year)
             .values("household_id", "outcome", "goal")}
    for org_id, ids in by_org.items():
        row = result[org_id]
        row.with_plan = sum(1 for i in ids if i in plans)
        row.achieved_by_plans = sum(1 for i in ids if plans.get(i, {}).get("outcome") == Outcome.ACHIEVED)
    for goal in goals_visible_to(user).filter(year=year, organisation_id__in=list(result)):
        result[goal.organisation_id].goal = goal
    return [result[o.pk] for o in orgs]


def organisation_households(user, organisation: Organisation) -> QuerySet[OrganisationHousehold]:
    return (org_households_visible_to(user).filter(organisation=organisation)
            .select_related("household__unit__parent").order_by("household__unit__name_sort", "household__head_sort"))
