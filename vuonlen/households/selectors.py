"""Every read of the registry, always through the reader's scope.

A household outside the scope does not exist: lists leave it out and ``..._or_404`` raise
``Http404``. The scope follows ``Household.unit`` (the village when known, else the commune),
so a village-level assignment sees its village and a district viewer all its communes. A person
holding only the mentor role sees just the households assigned to them, in the list, the page,
the exports, the API and every other room's page alike: ``households_visible_to`` is the one way
in, and it owns that rule (``households_for_mentor`` reads the campaign's assignments).

Lists are built for a district of 10,000 households: one COUNT and one page query whatever
the page size (the member count is a subquery, units come by join, nothing per row).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.roles import Role
from vuonlen.core.periods import today_vn
from vuonlen.core.text import fold, nfc
from vuonlen.geo.models import AdministrativeUnit, Level

from . import ethnicity
from .models import Area, Household, Membership, PopulationBase, Review
from .validation import mask_citizen_id

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25
_CITIZEN_ID = re.compile(r"^\d{12}$")


# --- citizen ID masking ----------------------------------------------------------------------

def can_view_citizen_id(user, unit: AdministrativeUnit | None = None) -> bool:
    """Full ID numbers only for roles that must match people against their papers."""
    return scoping.can(user, roles.HOUSEHOLD_VIEW_ID, unit)


def citizen_id_for(user, value: str | None, unit: AdministrativeUnit | None = None, *,
                   full: bool | None = None) -> str:
    """The number as this reader may see it: in full, or "********1234".
    ``full`` skips the permission lookup when the caller already knows."""
    if not value:
        return ""
    if full is None:
        full = can_view_citizen_id(user, unit)
    return value if full else mask_citizen_id(value)


# --- the one way in: which households a person may see ----------------------------------------

# Roles that see a whole area; a person whose only role is mentor sees only their households.
_AREA_ROLES = {Role.SYSADMIN, Role.SECRETARIAT, Role.REPORTING_UNIT, Role.COMMUNE_OFFICER, Role.VIEWER}


def is_mentor_only(user) -> bool:
    held = scoping.roles_of(user)
    return Role.MENTOR in held and not (held & _AREA_ROLES)


# The room that assigns households to a mentor (campaign: directly or through a group) says
# which, through this hook set from its AppConfig.ready(): the registry never asks a feature
# room by name. A provider takes (user, day) and answers a Q over Household.
_MENTOR_HOUSEHOLDS: list[Callable[[Any, dt.date], Q]] = []


def register_mentor_households(provider: Callable[[Any, dt.date], Q]) -> None:
    if provider not in _MENTOR_HOUSEHOLDS:
        _MENTOR_HOUSEHOLDS.append(provider)


def households_for_mentor(user, on: dt.date | None = None) -> QuerySet[Household]:
    """The households assigned to ``user`` on ``on`` (today), directly or through a group: what
    the mentor role grants. Not a scope by itself: readers go through ``households_visible_to``."""
    if not getattr(user, "pk", None) or not _MENTOR_HOUSEHOLDS:
        return Household.objects.none()
    on = on or today_vn()
    where = Q(pk__in=[])
    for provider in _MENTOR_HOUSEHOLDS:
        where |= provider(user, on)
    return Household.objects.filter(where)


def households_visible_to(user, perm: str = roles.HOUSEHOLD_VIEW) -> QuerySet[Household]:
    """Every household ``user`` may read (and, with ``perm``, act on): THE way in to the registry,
    for every page, embedded list, export, API, dashboard and official table of every room.

    A role's area counts for what it grants, except the mentor role: a mentor's assignment to a
    commune grants the households assigned to them today, not the commune. Reading a household
    always needs ``HOUSEHOLD_VIEW`` as well as ``perm`` (a reporting unit opens the campaign room
    but never sees household names). ``SYSTEM`` sees every household; ``None`` sees none.
    """
    where = _visible_households_q(user, perm)
    return Household.objects.all() if where is None else Household.objects.filter(where)


def _visible_households_q(user, perm: str, through: str = "") -> Q | None:
    """The filter of ``households_visible_to`` on a model that reaches the household through
    ``through`` (``"household__"`` for reviews), or None for "every household". A join rather
    than ``household__in=<subquery>``: PostgreSQL then filters the units once instead of
    building the set of visible households and matching every row against it (issue 17: the
    API's reviews and the official tables over a province)."""
    area = scoping.scope_without(user, roles.HOUSEHOLD_VIEW, Role.MENTOR)
    if area.everything:
        return None
    unit = f"{through}unit"
    where = area.q(unit)
    if perm != roles.HOUSEHOLD_VIEW:
        where &= scoping.scope_without(user, perm, Role.MENTOR).q(unit)
    if Role.MENTOR in scoping.roles_of(user):
        own = scoping.scope_for(user, roles.HOUSEHOLD_VIEW).q(unit) & scoping.scope_for(user, perm).q(unit)
        where |= own & Q(**{f"{through}pk__in": households_for_mentor(user).values("pk")})
    return where


def get_household_for_user_or_404(user, pk, perm: str = roles.HOUSEHOLD_VIEW) -> Household:
    try:
        return (households_visible_to(user, perm)
                .select_related("commune", "commune__parent", "unit", "unit__parent", "split_from", "merged_into")
                .get(pk=pk))
    except (Household.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy") from None


def households_named_on_record(*, within: AdministrativeUnit, codes) -> QuerySet[Household]:
    """Households named by code on a record that its writer was allowed to make at ``within``
    but whose registry they may not read: a twinning partner lists the households its activity
    reached in the twinned commune. Only under ``within``; the caller keeps the pks and never
    shows the households back to that writer (their pages go through ``households_visible_to``)."""
    return households_visible_to(scoping.SYSTEM).filter(commune__path__startswith=within.path,
                                                         code__in=list(codes)).only("pk", "code", "unit")


def household_by_code_or_none(user, *, within: AdministrativeUnit, code: str,
                              perm: str = roles.HOUSEHOLD_VIEW) -> Household | None:
    """A household named by its code in a form, found only among those ``user`` may see under
    ``within`` (a commune or village: a code is unique in its commune)."""
    code = nfc(code or "").strip()
    if not code:
        return None
    return (households_visible_to(user, perm).filter(commune__path__startswith=within.path if within.level <= 3
                                                      else within.parent.path, code=code)
            .select_related("unit").first())


def units_for_households(user) -> QuerySet[AdministrativeUnit]:
    """Units a reader may filter the household list by (their scope, down to the villages)."""
    return scoping.visible_units(user, roles.HOUSEHOLD_VIEW)


@dataclass
class HouseholdFilters:
    q: str = ""
    unit: int | None = None
    status: str = ""
    ethnicity: str = ""
    year: int | None = None
    area: str = ""
    state: str = "active"  # active | ended | all
    minority: bool | None = None


STATES = (("active", _("Hộ hiện tại")), ("ended", _("Hộ đã kết thúc")), ("all", _("Tất cả")))


def _open_member_count():
    """Members open today, as a correlated subquery: one query for the whole page."""
    return Coalesce(Subquery(
        Membership.objects.filter(household=OuterRef("pk"), ended_on__isnull=True)
        .order_by().values("household").annotate(n=Count("pk")).values("n")[:1],
        output_field=IntegerField()), Value(0))


def _search(qs: QuerySet[Household], query: str) -> QuerySet[Household]:
    """Any name the household has had (head, members present and past; with or without
    diacritics), household code, or exact ID number.

    The names are one column of the household (``names_search``, kept by ``households.names``):
    the search reads the reader's households and nothing else, and on PostgreSQL a word of three
    letters or more is found by the column's trigram index (docs/scale.md)."""
    query = nfc(query)
    if not query:
        return qs
    compact = re.sub(r"[\s.\-]", "", query)
    if _CITIZEN_ID.match(compact):
        # An ID number is searched exactly; a part of one must not list strangers.
        return qs.filter(pk__in=Membership.objects.filter(person__citizen_id=compact).values("household_id"))
    return matching_names(qs, query)


def matching_names(qs: QuerySet[Household], query: str) -> QuerySet[Household]:
    """Households with ``query`` in any name they have had (head, members present and past; with
    or without diacritics) or a code starting with it: the one way a household is found by
    name, in the register, the pickers, the campaign's list and the admin."""
    query = nfc(query or "")
    if not query:
        return qs
    return qs.filter(Q(names_search__contains=fold(query)) | Q(code__istartswith=query))


# A scope of at most this many units (a commune with its villages, a few communes) is also
# given to the database as the list of its unit ids.
_FEW_UNITS = 300


def _few_unit_ids(paths: tuple[str, ...]) -> list[int] | None:
    """The ids of the units under ``paths`` when they are few, else None; kept under the tree's
    version (``geo.versions``). With the ids, PostgreSQL reads a commune's households from the
    index of their unit and matches the search on those alone; with only the paths it cannot
    tell a commune from a province and reads every household of the registry (issue 17: 15 ms
    for a commune officer's search on the demo, a second at 1,000,000 households)."""
    from vuonlen.geo.versions import cached_by_tree

    def compute() -> list[int]:
        where = Q()
        for path in paths:
            where |= Q(path__startswith=path)
        ids = list(AdministrativeUnit.objects.filter(where).order_by().values_list("pk", flat=True)[:_FEW_UNITS + 1])
        return sorted(ids) if len(ids) <= _FEW_UNITS else []

    if not paths:
        return None
    return cached_by_tree("few-unit-ids", paths, compute, 600) or None


def household_list(user, filters: HouseholdFilters | None = None) -> QuerySet[Household]:
    """The reader's households, filtered, in Vietnamese order of the head's name."""
    f = filters or HouseholdFilters()
    qs = households_visible_to(user)
    # Every household the reader sees is under these paths (the mentor's included): the same
    # rows, said so that the database can tell a commune's scope from a province's.
    reach = scoping.scope_for(user, roles.HOUSEHOLD_VIEW)
    paths = () if reach.everything else reach.paths
    if f.unit:
        unit = scoping.visible_units(user, roles.HOUSEHOLD_VIEW).filter(pk=f.unit).only("path", "level").first()
        if unit is None:
            return qs.none()
        qs = qs.filter(unit__path__startswith=unit.path)
        paths = (unit.path,)
    ids = _few_unit_ids(paths)
    if ids is not None:
        qs = qs.filter(unit_id__in=ids)
    if f.state == "active":
        qs = qs.filter(ended_on__isnull=True)
    elif f.state == "ended":
        qs = qs.filter(ended_on__isnull=False)
    if f.ethnicity:
        qs = qs.filter(ethnicity=f.ethnicity)
    if f.area:
        qs = qs.filter(area=f.area)
    if f.minority is not None:
        qs = qs.filter(is_ethnic_minority=f.minority)
    if f.year:
        # The status of that year's current review, not today's: the filter answers
        # "which households were poor in 2023".
        reviews = Review.objects.filter(year=f.year, is_current=True)
        if f.status:
            reviews = reviews.filter(status=f.status)
        qs = qs.filter(pk__in=reviews.values("household_id"))
    elif f.status:
        qs = qs.filter(current_status=f.status)
    qs = _search(qs, f.q)
    return (qs.select_related("unit", "commune").defer("names_search")
            .annotate(member_count=_open_member_count())
            .order_by("head_sort", "code", "pk"))


def household_count(user, filters: HouseholdFilters, households: QuerySet[Household]) -> int:
    """How many households ``household_list`` gives: kept between requests under the registry's
    version (``indicators.figures_cache``, topic ``registry``: any household or review written,
    by a service, the admin or an import, starts a new one once its transaction commits) and
    the tree's (``geo.versions``), for the same area and filters. A province's count reads every
    open household of it (≈ 115 ms of the server's time a page at 1,000,000 households,
    docs/scale.md); its pages now share one count until the registry changes. Not kept: a
    search (the names are not in the registry's version) and a mentor's list (their households
    follow their assignments)."""
    if filters.q or Role.MENTOR in scoping.roles_of(user):
        return households.count()
    from vuonlen.geo.versions import units_version
    from vuonlen.indicators import figures_cache

    area = scoping.scope_without(user, roles.HOUSEHOLD_VIEW, Role.MENTOR)
    parts = ("household-count", units_version(), area.everything, *area.paths, "|", filters.unit, filters.status,
             filters.ethnicity, filters.year, filters.area, filters.state, filters.minority)
    return figures_cache.cached(parts, households.count, topics=(figures_cache.REGISTRY,))


# --- one household ---------------------------------------------------------------------------

@dataclass
class MemberRow:
    membership: Membership
    citizen_id: str  # as the reader may see it


@dataclass
class HouseholdDetail:
    household: Household
    current_members: list[MemberRow]
    past_members: list[MemberRow]
    reviews: list[Review]  # newest year first; superseded ones follow their replacement
    split_children: list[Household]
    merged_parents: list[Household]
    can_edit: bool = False
    can_view_id: bool = False
    lineage_visible: dict[int, bool] = field(default_factory=dict)

    @property
    def current_review(self) -> Review | None:
        return next((r for r in self.reviews if r.is_current), None)


def _explain(review: Review, rules: dict) -> None:
    """Attach the Vietnamese explanation; reviews stored without one (bulk-generated demo data)
    get it recomputed from their own stored inputs — the standards are pure and cheap. ``rules``
    holds the administrator's year rule and indicator lists, read once for all the reviews."""
    explanation = review.explanation if isinstance(review.explanation, dict) else {}
    if "explanation_vi" not in explanation and (review.income_per_capita is not None or review.score_a is not None):

        try:
            from vuonlen import poverty

            from . import year_standards

            if not rules:
                rules.update(overrides=year_standards.year_overrides(), standards=year_standards.effective_standards())
            result = poverty.classify(year=review.year, area=review.area, income=review.income_per_capita,
                                      score_a=review.score_a, lacking=review.lacking, **rules)
            explanation = {"poverty_line": result.poverty_line, "near_poor_line": result.near_poor_line,
                           "average_line": result.average_line, "explanation_vi": list(result.explanation_vi),
                           **explanation}
            review.explanation = explanation
        except (ValueError, TypeError):
            pass
    review.explanation_lines = explanation.get("explanation_vi", [])


def household_detail_for(user, pk) -> HouseholdDetail:
    household = get_household_for_user_or_404(user, pk)
    full_id = can_view_citizen_id(user, household.unit)
    memberships = list(Membership.objects.filter(household=household).select_related("person")
                       .order_by("ended_on", "started_on", "pk"))
    # Heads first, then by date of joining.
    memberships.sort(key=lambda m: (m.ended_on is not None, m.relation != "head",
                                    m.started_on or dt.date.min, m.pk))
    rows = [MemberRow(m, citizen_id_for(user, m.person.citizen_id, full=full_id)) for m in memberships]
    reviews = list(Review.objects.filter(household=household).order_by("-year", "-is_current", "-created_at", "-pk"))
    rules: dict = {}
    for review in reviews:
        _explain(review, rules)
    children = list(household.split_children.select_related("unit").order_by("started_on", "pk"))
    parents = list(household.merged_parents.select_related("unit").order_by("ended_on", "pk"))
    related = [h for h in (household.split_from, household.merged_into, *children, *parents) if h is not None]
    visible = set(households_visible_to(user).filter(pk__in=[h.pk for h in related]).values_list("pk", flat=True))
    for other in related:
        other.is_visible = other.pk in visible
    return HouseholdDetail(
        household=household,
        current_members=[r for r in rows if r.membership.ended_on is None],
        past_members=[r for r in rows if r.membership.ended_on is not None],
        reviews=reviews, split_children=children, merged_parents=parents,
        can_edit=scoping.can(user, roles.HOUSEHOLD_EDIT, household.unit),
        can_view_id=full_id,
    )


def membership_for_user_or_404(user, pk, perm: str = roles.HOUSEHOLD_VIEW) -> Membership:
    try:
        return (Membership.objects.filter(household__in=households_visible_to(user, perm))
                .select_related("household", "household__unit", "household__commune", "person").get(pk=pk))
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy") from None


def open_memberships(household: Household) -> list[Membership]:
    return list(Membership.objects.filter(household=household, ended_on__isnull=True)
                .select_related("person").order_by("started_on", "pk"))


def members_of(user, household: Household, *, include_past: bool = True) -> list[MemberRow]:
    qs = Membership.objects.filter(household=household).select_related("person").order_by("started_on", "pk")
    if not include_past:
        qs = qs.filter(ended_on__isnull=True)
    full = can_view_citizen_id(user, household.unit)
    return [MemberRow(m, citizen_id_for(user, m.person.citizen_id, full=full)) for m in qs]


# --- reviews ---------------------------------------------------------------------------------

def reviews_visible_to(user, perm: str = roles.HOUSEHOLD_VIEW) -> QuerySet[Review]:
    """Reviews of the households ``user`` may see today (a household moved between villages keeps
    its reviews readable from its present village): the lists, the API and the official tables."""
    if scoping.scope_without(user, perm, Role.MENTOR).everything:
        return Review.objects.all()  # no semi-join over the whole registry for the system
    where = _visible_households_q(user, perm, through="household__")
    return Review.objects.all() if where is None else Review.objects.filter(where)


def get_review_for_user_or_404(user, pk, perm: str = roles.HOUSEHOLD_VIEW) -> Review:
    try:
        return (reviews_visible_to(user, perm).select_related("household", "household__unit", "household__commune")
                .get(pk=pk))
    except (Review.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy") from None


def review_list(user, *, year: int | None = None, unit: int | None = None,
                current_only: bool = True) -> QuerySet[Review]:
    qs = reviews_visible_to(user)
    if current_only:
        qs = qs.filter(is_current=True)
    if year:
        qs = qs.filter(year=year)
    if unit:
        target = scoping.visible_units(user, roles.HOUSEHOLD_VIEW).filter(pk=unit).only("path").first()
        if target is None:
            return qs.none()
        # The unit the review was taken in (its snapshot), so a year's list never moves.
        qs = qs.filter(unit__path__startswith=target.path)
    return qs.select_related("household").order_by("year", "household__head_sort", "pk")


# --- population base -------------------------------------------------------------------------

def population_bases_for(user, commune: AdministrativeUnit) -> QuerySet[PopulationBase]:
    if not scoping.can(user, roles.HOUSEHOLD_VIEW, commune):
        raise Http404("Không tìm thấy")
    return PopulationBase.objects.filter(commune=commune).order_by("-year")


def communes_for_households(user, perm: str = roles.HOUSEHOLD_VIEW) -> QuerySet[AdministrativeUnit]:

    return (scoping.visible_units(user, perm).filter(level=Level.COMMUNE)
            .select_related("parent").order_by("-era", "parent__name_sort", "name_sort"))


def commune_for_user_or_404(user, pk, perm: str = roles.HOUSEHOLD_VIEW) -> AdministrativeUnit:

    return scoping.get_scoped_or_404(user, AdministrativeUnit.objects.select_related("parent"), perm,
                                     unit_field="", pk=pk, level=Level.COMMUNE)


def villages_of(commune: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:

    return AdministrativeUnit.objects.filter(parent=commune, level=Level.VILLAGE).order_by("name_sort")


ETHNICITY_CHOICES = ethnicity.choices()
AREA_CHOICES = Area.choices


@dataclass(frozen=True)
class UnitOption:
    """A unit as a picker needs it (not a model instance: a district lists a few hundred)."""

    pk: int
    name: str
    level: int
    parent_id: int | None
    era: str


def unit_options(user, perm: str = roles.HOUSEHOLD_VIEW, *, min_level: int = 2,
                 max_level: int = 4) -> list[UnitOption]:
    """Units in scope between two levels, in tree order (each unit followed by the units under
    it, siblings in Vietnamese order): the pickers of the list filter and the forms. One query.
    Forms post back a pk; views then load the unit through the scope (``scoping.get_unit_or_404``).

    Kept between requests under the tree's version (``geo.versions``: any unit or lineage row
    written starts a new one) and the scope's paths: a province's list names 1,700 units, and
    reading and ordering them was a fifth of its page (issue 17)."""
    from vuonlen.geo.versions import cached_by_tree

    scope = scoping.scope_for(user, perm)
    if scope.empty:
        return []
    return cached_by_tree("unit-options", (scope.everything, scope.paths, min_level, max_level),
                          lambda: _unit_options(scope, min_level, max_level), 600)


def _unit_options(scope: scoping.Scope, min_level: int, max_level: int) -> list[UnitOption]:
    rows = (AdministrativeUnit.objects.filter(scope.q(""), level__gte=min_level, level__lte=max_level)
            .values_list("pk", "name", "name_sort", "level", "parent_id", "era"))
    ids = {row[0] for row in rows}
    by_parent: dict[int | None, list[tuple]] = {}
    for row in rows:
        by_parent.setdefault(row[4] if row[4] in ids else None, []).append(row)
    ordered: list[UnitOption] = []

    def walk(parent_id):
        # Pre-2025 (the campaign's era) first, then the new units.
        for pk, name, _name_sort, level, parent, era in sorted(by_parent.get(parent_id, []),
                                                               key=lambda r: (r[5] != "pre2025", r[2])):
            ordered.append(UnitOption(pk, name, level, parent, era))
            walk(pk)

    walk(None)
    return ordered


ADULT_AGE = 18


def minor_head(household: Household, on: dt.date | None = None):
    """The head of ``household`` today if they are under 18 (from the birth date, or only the
    birth year when that is all the registry has), else None — the pages warn about it."""
    on = on or today_vn()
    membership = (Membership.objects.filter(household=household, relation="head", ended_on__isnull=True)
                  .select_related("person").first())
    if membership is None:
        return None
    person = membership.person
    if person.birth_date:
        born = person.birth_date
        age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    elif person.birth_year:
        age = on.year - person.birth_year
    else:
        return None
    return (person, age) if age < ADULT_AGE else None
