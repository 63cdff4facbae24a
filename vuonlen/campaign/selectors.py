"""Every read of the campaign room, through the reader's scope.

A mentor sees only the households assigned to them (directly or in a group, today), not their
whole commune: the registry's ``households_visible_to`` is the one place that decides, and
every page, export and selector here goes through it.

The figures for the indicator catalogue and the dashboards (``assessment_figures``,
``assessment_counts_by_commune``, ``mentor_coverage``) are set-wise: one aggregate query per
call, whatever the number of households, and they keep numerators and denominators apart so
that units sum, never average percentages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.roles import Role
from vuonlen.core.periods import today_vn
from vuonlen.geo.models import AdministrativeUnit
from vuonlen.households import selectors as household_selectors
from vuonlen.households.models import Household, Review
from vuonlen.households.selectors import households_for_mentor, households_visible_to, is_mentor_only, matching_names

from .models import CRITERIA_FIELDS, IMPROVED_LIFE, Assessment, HouseholdGroup, MentorAssignment, Phase, Visit

RECENT_DAYS = 90
TARGET_STATUSES = ("poor", "near_poor")


def _active_on(on: dt.date) -> Q:
    return Q(started_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gte=on))


def mentor_households(user, on: dt.date) -> Q:
    """Households assigned to ``user`` on ``on``, directly or through a group (registered with
    ``households.selectors.register_mentor_households``: what the mentor role grants)."""
    mine = MentorAssignment.objects.filter(_active_on(on), mentor=user)
    direct = mine.filter(household__isnull=False).values("household_id")
    grouped = HouseholdGroup.households.through.objects.filter(
        householdgroup_id__in=mine.filter(group__isnull=False).values("group_id")).values("household_id")
    return Q(pk__in=direct) | Q(pk__in=grouped)


# --- who sees which households ----------------------------------------------------------------
# The registry's access function decides, mentor rule included (``households_visible_to``):
# this room reads through it and keeps no rule of its own.

def active_on(on: dt.date, prefix: str = "") -> Q:
    return (Q(**{f"{prefix}started_on__lte": on})
            & (Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": on})))


def active_assignments(on: dt.date | None = None) -> QuerySet[MentorAssignment]:
    return MentorAssignment.objects.filter(active_on(on or today_vn()))


def get_household_for_user_or_404(user, pk, perm: str = roles.CAMPAIGN_VIEW) -> Household:
    return household_selectors.get_household_for_user_or_404(user, pk, perm)


def can_act_on(user, perm: str, household: Household) -> bool:
    """May ``user`` log a visit / assess (``perm``) for this household?"""
    return households_visible_to(user, perm).filter(pk=household.pk).exists()


def my_households(user) -> list[Household]:
    """The mentor's list ("Hộ tôi phụ trách"), with the last visit, ordered by name."""
    return list(households_for_mentor(user).filter(ended_on__isnull=True)
                .select_related("unit", "commune")
                .annotate(last_visit=Max("campaign_visits__visited_on"))
                .order_by("head_sort", "code"))


# --- records ---------------------------------------------------------------------------------

def assignments_visible_to(user) -> QuerySet[MentorAssignment]:
    """Who mentors which household is household data: a mentor reads their own assignments;
    others those of their area whose household they may see (``households_visible_to``), or, for
    a group, where they may read households at all (a reporting unit reads none)."""
    qs = MentorAssignment.objects.select_related("mentor", "household", "group", "unit", "organisation")
    if is_mentor_only(user):
        return qs.filter(mentor=user)
    qs = scoping.scoped(user, scoping.scoped(user, qs, roles.CAMPAIGN_VIEW, unit_field="unit"),
                        roles.HOUSEHOLD_VIEW, unit_field="unit")
    return qs.filter(Q(household__isnull=True) | Q(household__in=households_visible_to(user)))


def get_assignment_for_user_or_404(user, pk) -> MentorAssignment:
    try:
        return assignments_visible_to(user).get(pk=pk)
    except (MentorAssignment.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy") from None


def visits_visible_to(user) -> QuerySet[Visit]:
    return Visit.objects.filter(household__in=households_visible_to(user)).select_related(
        "mentor", "household", "initiative")


def get_visit_for_user_or_404(user, pk) -> Visit:
    try:
        return visits_visible_to(user).get(pk=pk)
    except (Visit.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy") from None


def assessments_visible_to(user) -> QuerySet[Assessment]:
    return Assessment.objects.filter(household__in=households_visible_to(user))


def get_assessment_for_user_or_404(user, pk) -> Assessment:
    try:
        return assessments_visible_to(user).select_related("household").get(pk=pk)
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy") from None


@dataclass
class HouseholdCampaign:
    household: Household
    assignments: list[MentorAssignment]
    visits: list[Visit]
    assessments: list[Assessment]
    can_assign: bool = False
    can_visit: bool = False
    can_assess: bool = False


def household_campaign(user, household: Household) -> HouseholdCampaign:
    """The household's campaign page: mentors, visits and assessments (``household`` already
    found through ``get_household_for_user_or_404``)."""
    return HouseholdCampaign(
        household=household,
        assignments=list(MentorAssignment.objects.filter(
            Q(household=household) | Q(group__households=household)).select_related("mentor", "group")
            .order_by("-started_on", "-pk")),
        visits=list(Visit.objects.filter(household=household).select_related("mentor", "initiative", "photo")
                    .order_by("-visited_on", "-pk")[:50]),
        assessments=list(Assessment.objects.filter(household=household).select_related("assessed_by")
                         .order_by("-year")),
        can_assign=not is_mentor_only(user) and scoping.can(user, roles.MENTOR_ASSIGN, household.unit),
        can_visit=can_act_on(user, roles.VISIT_LOG, household),
        can_assess=can_act_on(user, roles.ASSESS, household),
    )


def phases() -> QuerySet[Phase]:
    return Phase.objects.all()


def phase_for_year(year: int) -> Phase | None:
    return Phase.objects.filter(start_year__lte=year, end_year__gte=year).first()


def mentor_candidates(user, unit: AdministrativeUnit):
    """Accounts that may be made mentors of a household at ``unit``: anyone holding a mentor or
    cadre role today over an area containing the unit (or over a unit inside it)."""
    from vuonlen.accounts.models import RoleAssignment, User

    today = today_vn()
    cadre = [Role.MENTOR, Role.COMMUNE_OFFICER, Role.SECRETARIAT, Role.REPORTING_UNIT]
    assignments = (RoleAssignment.objects.filter(is_active=True, role__in=cadre)
                   .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
                   .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today)))
    commune_path = unit.path if unit.level <= 3 else unit.parent.path
    ancestors = [commune_path[:i] for i in range(1, len(commune_path) + 1) if commune_path[i - 1] == "/"]
    near = assignments.filter(Q(unit__path__in=ancestors) | Q(unit__path__startswith=commune_path)
                              | Q(organisation__unit__path__in=ancestors)
                              | Q(organisation__unit__path__startswith=commune_path))
    return User.objects.filter(is_active=True, pk__in=near.values("user_id")).order_by("full_name", "username")


def _current_mentor(on: dt.date) -> Coalesce:
    """Today's mentor's name of each household (direct, else through a group), as a subquery."""
    direct = (MentorAssignment.objects.filter(active_on(on), household=OuterRef("pk"))
              .order_by("-started_on").values("mentor__full_name")[:1])
    grouped = (MentorAssignment.objects.filter(active_on(on), group__households=OuterRef("pk"))
               .order_by("-started_on").values("mentor__full_name")[:1])
    return Coalesce(Subquery(direct), Subquery(grouped))


def household_search(user, query: str = "", unit: AdministrativeUnit | None = None,
                     targets_only: bool = False) -> QuerySet[Household]:
    """The campaign's list of the reader's active households, by any of their names or their code, each with
    today's mentor, the last visit and the latest assessed year (subqueries: one query a page)."""
    qs = households_visible_to(user).filter(ended_on__isnull=True)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if targets_only:
        qs = qs.filter(is_ethnic_minority=True, current_status__in=TARGET_STATUSES)
    last_visit = Visit.objects.filter(household=OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
    last_year = Assessment.objects.filter(household=OuterRef("pk")).order_by("-year").values("year")[:1]
    return (matching_names(qs, query).select_related("unit", "commune")
            .annotate(current_mentor=_current_mentor(today_vn()), last_visit=Subquery(last_visit),
                      last_assessed=Subquery(last_year))
            .order_by("head_sort", "code", "pk"))


def assignable_households(user, unit: AdministrativeUnit, query: str = "", limit: int = 500) -> list[Household]:
    """Active households under ``unit`` that ``user`` may give a mentor, each with today's
    mentor (``current_mentor``), in Vietnamese order; at most ``limit`` (the page asks to
    narrow by village or name beyond that). One query."""
    qs = households_visible_to(user, roles.MENTOR_ASSIGN).filter(unit__path__startswith=unit.path,
                                                                           ended_on__isnull=True)
    return list(matching_names(qs, query).annotate(current_mentor=_current_mentor(today_vn()))
                .select_related("unit").order_by("head_sort", "code", "pk")[:limit])


def groups_for(user, unit: AdministrativeUnit) -> QuerySet[HouseholdGroup]:
    """Household groups at or under ``unit`` (a commune's groups include its villages')."""
    return scoping.scoped(user, HouseholdGroup.objects.filter(unit__path__startswith=unit.path),
                          roles.MENTOR_ASSIGN).annotate(size=Count("households")).order_by("name_sort")


@dataclass
class MentorPage:
    mentor: object
    assignments: list[MentorAssignment]
    households: list[Household]
    can_assign: bool = False


def mentor_page(user, mentor_id) -> MentorPage:
    """One mentor's active assignments in the reader's scope and the households they reach
    today (visible to the reader), each with this mentor's last visit and visits in the last
    90 days. 404 when the reader sees no assignment of theirs."""
    today = today_vn()
    assignments = list(assignments_visible_to(user).filter(active_on(today), mentor_id=mentor_id)
                       .annotate(size=Count("group__households")).order_by("-started_on", "-pk"))
    if not assignments:
        raise Http404("Không tìm thấy")
    direct = [a.household_id for a in assignments if a.household_id]
    grouped = HouseholdGroup.households.through.objects.filter(
        householdgroup_id__in=[a.group_id for a in assignments if a.group_id]).values("household_id")
    since = today - dt.timedelta(days=RECENT_DAYS)
    mine = Q(campaign_visits__mentor_id=mentor_id)
    households = list(
        households_visible_to(user).filter(Q(pk__in=direct) | Q(pk__in=grouped))
        .select_related("unit")
        .annotate(last_visit=Max("campaign_visits__visited_on", filter=mine),
                  visits_recent=Count("campaign_visits", filter=mine & Q(campaign_visits__visited_on__gt=since)))
        .order_by("head_sort", "code"))
    return MentorPage(
        mentor=assignments[0].mentor, assignments=assignments, households=households,
        can_assign=not is_mentor_only(user) and scoping.can(user, roles.MENTOR_ASSIGN))


# --- workload --------------------------------------------------------------------------------

@dataclass
class WorkloadRow:
    mentor_id: int
    name: str
    households: int = 0
    visits_recent: int = 0
    households_visited_recent: int = 0
    last_visit: dt.date | None = None


def mentor_workload(user, unit: AdministrativeUnit | None = None, on: dt.date | None = None) -> list[WorkloadRow]:
    """Per mentor with an active assignment in the reader's scope: households assigned today
    (direct and through groups) and visits in the last 90 days. Three grouped queries."""
    from vuonlen.accounts.models import User

    on = on or today_vn()
    assignments = assignments_visible_to(user).filter(active_on(on))
    if unit is not None:
        assignments = assignments.filter(unit__path__startswith=unit.path)
    rows: dict[int, WorkloadRow] = {}
    direct = (assignments.filter(household__isnull=False).order_by().values("mentor_id")
              .annotate(n=Count("household_id", distinct=True)))
    grouped = (assignments.filter(group__isnull=False).order_by().values("mentor_id")
               .annotate(n=Count("group__households", distinct=True)))
    for item in list(direct) + list(grouped):
        row = rows.setdefault(item["mentor_id"], WorkloadRow(item["mentor_id"], ""))
        row.households += item["n"]
    since = on - dt.timedelta(days=RECENT_DAYS)
    visits = (Visit.objects.filter(mentor_id__in=list(rows), visited_on__gt=since, visited_on__lte=on)
              .order_by().values("mentor_id")
              .annotate(n=Count("pk"), h=Count("household_id", distinct=True), last=Max("visited_on")))
    if unit is not None:
        visits = visits.filter(unit__path__startswith=unit.path)
    for item in visits:
        row = rows[item["mentor_id"]]
        row.visits_recent, row.households_visited_recent, row.last_visit = item["n"], item["h"], item["last"]
    for pk, full_name, username in User.objects.filter(pk__in=list(rows)).values_list("pk", "full_name", "username"):
        rows[pk].name = full_name or username
    return sorted(rows.values(), key=lambda r: (-r.households, r.name))


# --- figures for the indicators and dashboards -----------------------------------------------

INDICATORS = ("told", "changed_thinking", "applies_technology", "improved_life", "in_cooperative")


def _criterion_q(code: str, prefix: str = "") -> Q:
    if code == "improved_life":
        return Q(**{f"{prefix}{f}": True for f in IMPROVED_LIFE})
    if code not in CRITERIA_FIELDS:
        raise ValueError(code)
    return Q(**{f"{prefix}{code}": True})


@dataclass
class Ratio:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.numerator / self.denominator, 1) if self.denominator else None


@dataclass
class AssessmentFigures:
    """One unit and year.

    ``population``: poor and near-poor EM households of the year (current reviews) — the
    plan's denominator. ``in_population[code]``: of them, assessed as meeting the criterion.
    ``assessed`` and ``assessed_meeting[code]``: every assessment of the year in the unit,
    including households that have since left poverty but are still followed — the
    "household-turns" (lượt hộ) the published results count.
    """

    unit_id: int
    year: int
    population: int = 0
    assessed_in_population: int = 0
    in_population: dict[str, int] = field(default_factory=dict)
    assessed: int = 0
    assessed_meeting: dict[str, int] = field(default_factory=dict)

    def ratio(self, code: str) -> Ratio:
        return Ratio(self.in_population.get(code, 0), self.population)

    def assessed_ratio(self, code: str) -> Ratio:
        return Ratio(self.assessed_meeting.get(code, 0), self.assessed)


def target_reviews(year: int) -> QuerySet[Review]:
    """The current reviews that make the plan's denominator for ``year``."""
    return Review.objects.filter(year=year, is_current=True, is_ethnic_minority=True, status__in=TARGET_STATUSES)


def _counts(qs: QuerySet, group_by: str | None, prefix: str = "") -> list[dict] | dict:
    aggregates = {"n": Count("pk")}
    aggregates.update({code: Count("pk", filter=_criterion_q(code, prefix)) for code in INDICATORS})
    if group_by is None:
        return qs.order_by().aggregate(**aggregates)
    return list(qs.order_by().values(group_by).annotate(**aggregates))


def assessment_figures(unit: AdministrativeUnit, year: int) -> AssessmentFigures:
    """Numerators and denominators for ``unit``'s subtree (by path) in ``year``. Not scoped:
    the caller has proved the reader may see ``unit`` (e.g. ``scoping.get_unit_or_404``)."""
    reviews = target_reviews(year).filter(unit__path__startswith=unit.path)
    assessments = Assessment.objects.filter(year=year, unit__path__startswith=unit.path)
    figures = AssessmentFigures(unit_id=unit.pk, year=year, population=reviews.count())
    inside = _counts(assessments.filter(household_id__in=reviews.values("household_id")), None)
    figures.assessed_in_population = inside["n"]
    figures.in_population = {code: inside[code] for code in INDICATORS}
    every = _counts(assessments, None)
    figures.assessed = every["n"]
    figures.assessed_meeting = {code: every[code] for code in INDICATORS}
    return figures


def assessment_counts_by_commune(year: int, communes: QuerySet[AdministrativeUnit] | None = None
                                 ) -> dict[int, AssessmentFigures]:
    """The same figures for every commune at once (three grouped queries): the input of the
    roll-ups, which sum them up the tree."""
    reviews = target_reviews(year)
    assessments = Assessment.objects.filter(year=year)
    if communes is not None:
        reviews = reviews.filter(commune__in=communes)
        assessments = assessments.filter(commune__in=communes)
    result: dict[int, AssessmentFigures] = {}

    def row(commune_id: int) -> AssessmentFigures:
        return result.setdefault(commune_id, AssessmentFigures(unit_id=commune_id, year=year))

    for item in reviews.order_by().values("commune_id").annotate(n=Count("pk")):
        row(item["commune_id"]).population = item["n"]
    inside = assessments.filter(household_id__in=reviews.values("household_id"))
    for item in _counts(inside, "commune_id"):
        figures = row(item["commune_id"])
        figures.assessed_in_population = item["n"]
        figures.in_population = {code: item[code] for code in INDICATORS}
    for item in _counts(assessments, "commune_id"):
        figures = row(item["commune_id"])
        figures.assessed = item["n"]
        figures.assessed_meeting = {code: item[code] for code in INDICATORS}
    return result


@dataclass
class Coverage:
    """Today's poor and near-poor EM households under a unit, and the mentors' reach."""

    households: int
    with_mentor: int
    visited_recent: int
    visits_recent: int

    @property
    def mentor_ratio(self) -> Ratio:
        return Ratio(self.with_mentor, self.households)

    @property
    def visited_ratio(self) -> Ratio:
        return Ratio(self.visited_recent, self.households)


def mentor_coverage(unit: AdministrativeUnit, on: dt.date | None = None) -> Coverage:
    """Denominator: active EM households under ``unit`` whose latest recognised status is poor
    or near-poor. Numerators: those with an active mentor on ``on``, and those visited in the
    90 days up to ``on``. Not scoped: the caller checks ``unit``."""
    on = on or today_vn()
    base = Household.objects.filter(unit__path__startswith=unit.path, ended_on__isnull=True,
                                    is_ethnic_minority=True, current_status__in=TARGET_STATUSES)
    active = active_assignments(on)
    direct = active.filter(household__isnull=False).values("household_id")
    grouped = HouseholdGroup.households.through.objects.filter(
        householdgroup_id__in=active.filter(group__isnull=False).values("group_id")).values("household_id")
    since = on - dt.timedelta(days=RECENT_DAYS)
    recent = Visit.objects.filter(visited_on__gt=since, visited_on__lte=on, unit__path__startswith=unit.path)
    return Coverage(
        households=base.count(),
        with_mentor=base.filter(Q(pk__in=direct) | Q(pk__in=grouped)).count(),
        visited_recent=base.filter(pk__in=recent.values("household_id")).count(),
        visits_recent=recent.count(),
    )
