"""Diễn biến hộ nghèo, hộ cận nghèo: every household's movement from year N-1 to year N.

The figures behind the official tables 02 (poor) and 03 (near-poor), per commune, for
households and for persons, computed set-based: two grouped queries over the households and
their current reviews of the two years (a self-join through ``FilteredRelation``), whatever
the number of households. Only current reviews count (``is_current``): a corrected review
replaces the one it supersedes.

Columns (the same numbering as the official forms)::

    9 = 1 - 2 - 3 - 4 + 5 + 6 + 7 + 8

Table 02, poor households, for a commune C:

1. start: poor in N-1, that review taken in C;
2. escaped and became near-poor: (1) and near-poor in N, in C;
3. escaped above the near-poor line: (1) and in N any status other than poor and near-poor
   (average, above average, not poor), in C;
4. other decreases: the rest of (1) — the household ended (died out, moved away, merged into
   another, split up: ``Household.end_reason``), or has no review in N, or was reviewed in
   N in another commune; for persons, also the members lost by households poor in both
   years (their N review counts fewer persons than their N-1 review);
5. near-poor fallen into poverty: poor in N in C, near-poor in N-1 in C;
6. relapsed ("tái nghèo"): poor in N in C, not poor or near-poor in N-1 (another status in
   C, or no N-1 review at all), and poor in some year before N-1;
7. newly poor ("phát sinh mới"): as (6) but never poor before N-1. A household without an
   N-1 review counts here (or in 6) unless it arrived in N (see 8);
8. other increases: poor in N in C and none of the above — the household moved in (started
   in N, its head's membership began with the reason "moved in"), split off (``split_from``
   set, started in N), or was reviewed in N-1 in another commune; for persons, also the
   members gained by households poor in both years;
9. end: poor in N, that review taken in C.

Table 03 mirrors it for near-poor households, in the column order of the official form:
2 = escaped above the near-poor line (neither poor nor near-poor in N), 3 = became poor,
5 = poor households that improved to near-poor, 6 = relapsed near-poor (near-poor before
N-1), 7 = newly near-poor (never near-poor before N-1), 4 and 8 as above.

Columns 4 and 8 are derived, never counted on their own, so the identity holds by
construction: with S = households in (1) still listed in C in N (for persons: the smaller
of their two persons counts),

    4 = 1 - 2 - 3 - S        8 = 9 - 5 - 6 - 7 - S

Persons are ``Review.persons``: the N-1 review for columns 1–4 (those people were counted at
the start), the N review for 5–9. A household belongs to the commune its review was taken in
(the review's snapshot), so a household that moved between communes leaves one (4) and
arrives in the other (8); the rows of a district still add up to the district.

Units in two eras: data recorded against an old unit stays there. A post-2025 commune
gathers its pre-2025 predecessors through ``UnitLineage`` (and anything recorded against the
new commune itself); districts and provinces gather the communes of their sub-tree by path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, Exists, F, FilteredRelation, IntegerField, Max, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Least

from vuonlen.geo.models import AdministrativeUnit, Era, Level, UnitLineage

from .models import Household, HouseholdEnd, JoinReason, Membership, Relation, Review
from .selectors import households_visible_to

POOR = "poor"
NEAR_POOR = "near_poor"
LISTED = (POOR, NEAR_POOR)
# "Sustainably escaped" = out of the lists for this many years (Cuộc vận động: thoát nghèo bền vững).
DEFAULT_SUSTAIN_YEARS = 3

# Column names by table, in the official order (index 0 is column 1).
POOR_COLUMNS = ("start", "escaped_to_near_poor", "escaped_above", "other_decrease", "near_poor_to_poor",
                "relapsed", "newly", "other_increase", "end")
NEAR_POOR_COLUMNS = ("start", "escaped_above", "became_poor", "other_decrease", "poor_to_near_poor",
                     "relapsed", "newly", "other_increase", "end")
COLUMNS = {POOR: POOR_COLUMNS, NEAR_POOR: NEAR_POOR_COLUMNS}
# Why households are in column 4 / 8 (households only; persons' changes have no household).
DECREASE_REASONS = (HouseholdEnd.DIED_OUT.value, HouseholdEnd.MOVED_AWAY.value, HouseholdEnd.MERGED.value,
                    HouseholdEnd.SPLIT.value, "other_commune", "no_review")
INCREASE_REASONS = ("moved_in", "split_off", "other_commune")


@dataclass
class Flow:
    """One table's nine columns for one commune (or a sum of communes)."""

    kind: str  # POOR or NEAR_POOR
    households: list[int] = field(default_factory=lambda: [0] * 9)
    persons: list[int] = field(default_factory=lambda: [0] * 9)
    # Households of column 4 / 8 by reason (DECREASE_REASONS / INCREASE_REASONS).
    decrease_reasons: dict[str, int] = field(default_factory=dict)
    increase_reasons: dict[str, int] = field(default_factory=dict)

    def h(self, name: str) -> int:
        return self.households[COLUMNS[self.kind].index(name)]

    def p(self, name: str) -> int:
        return self.persons[COLUMNS[self.kind].index(name)]

    def __add__(self, other: Flow) -> Flow:
        return Flow(self.kind, [a + b for a, b in zip(self.households, other.households)],
                    [a + b for a, b in zip(self.persons, other.persons)],
                    _add(self.decrease_reasons, other.decrease_reasons),
                    _add(self.increase_reasons, other.increase_reasons))

    @staticmethod
    def identity(values: list[int]) -> bool:
        c = values
        return c[8] == c[0] - c[1] - c[2] - c[3] + c[4] + c[5] + c[6] + c[7]

    @property
    def balanced(self) -> bool:
        return self.identity(self.households) and self.identity(self.persons)


def _add(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    out = dict(a)
    for key, value in b.items():
        out[key] = out.get(key, 0) + value
    return out


@dataclass
class Movements:
    """Tables 02 and 03 for one commune (or a sum)."""

    poor: Flow = field(default_factory=lambda: Flow(POOR))
    near_poor: Flow = field(default_factory=lambda: Flow(NEAR_POOR))

    def __add__(self, other: Movements) -> Movements:
        return Movements(self.poor + other.poor, self.near_poor + other.near_poor)

    def flow(self, kind: str) -> Flow:
        return self.poor if kind == POOR else self.near_poor


# --- units ------------------------------------------------------------------------------------

def source_communes(unit: AdministrativeUnit) -> list[int]:
    """The communes whose reviews make up ``unit``'s figures.

    A commune is itself; a post-2025 commune adds its pre-2025 predecessors (the data stays on
    the old units); a district or province takes every commune of its sub-tree, and a
    post-2025 province also the predecessors of its communes.
    """
    if unit.level == Level.COMMUNE:
        communes = [unit.pk]
    elif unit.level in (Level.PROVINCE, Level.DISTRICT):
        communes = list(AdministrativeUnit.objects.filter(level=Level.COMMUNE, path__startswith=unit.path)
                        .values_list("pk", flat=True))
    else:
        raise ValueError("Biểu rà soát lập cho xã, huyện hoặc tỉnh, không lập cho thôn")
    if unit.era == Era.POST_2025:
        communes += list(UnitLineage.objects.filter(new_unit_id__in=communes, old_unit__level=Level.COMMUNE)
                         .values_list("old_unit_id", flat=True))
    return sorted(set(communes))


# --- the two grouped queries ------------------------------------------------------------------

def _with_two_years(households: QuerySet[Household], year: int) -> QuerySet[Household]:
    """Each household with its current review of N-1 (``r0``) and of N (``r1``), as joins."""
    return households.annotate(
        r0=FilteredRelation("reviews", condition=Q(reviews__year=year - 1, reviews__is_current=True)),
        r1=FilteredRelation("reviews", condition=Q(reviews__year=year, reviews__is_current=True)),
    )


def _start_side(households: QuerySet[Household], year: int, communes: list[int]) -> dict[int, dict]:
    """Columns 1–4 and the stayers, grouped by the commune of the N-1 review."""
    end_of_year = dt.date(year, 12, 31)
    same = Q(r1__commune_id=F("r0__commune_id"))
    aggregates = {}
    for kind in LISTED:
        was = Q(r0__status=kind)
        other = NEAR_POOR if kind == POOR else POOR
        aggregates |= {
            f"{kind}_start_h": Count("pk", filter=was),
            f"{kind}_start_p": Sum("r0__persons", filter=was),
            f"{kind}_to_other_h": Count("pk", filter=was & same & Q(r1__status=other)),
            f"{kind}_to_other_p": Sum("r0__persons", filter=was & same & Q(r1__status=other)),
            f"{kind}_above_h": Count("pk", filter=was & same & ~Q(r1__status__in=LISTED)),
            f"{kind}_above_p": Sum("r0__persons", filter=was & same & ~Q(r1__status__in=LISTED)),
            f"{kind}_stay_h": Count("pk", filter=was & same & Q(r1__status=kind)),
            f"{kind}_stay_p": Sum(Least("r0__persons", "r1__persons"), filter=was & same & Q(r1__status=kind)),
            f"{kind}_moved_h": Count("pk", filter=was & Q(r1__id__isnull=False) & ~same),
        }
        for reason in DECREASE_REASONS[:4]:
            aggregates[f"{kind}_{reason}_h"] = Count("pk", filter=was & Q(r1__id__isnull=True)
                                                      & Q(ended_on__lte=end_of_year, end_reason=reason))
    rows = (_with_two_years(households, year)
            .filter(r0__status__in=LISTED, r0__commune_id__in=communes)
            .values(area_id=F("r0__commune_id")).order_by().annotate(**aggregates))
    return {row.pop("area_id"): row for row in rows}


def _end_side(households: QuerySet[Household], year: int, communes: list[int]) -> dict[int, dict]:
    """Columns 5–9, grouped by the commune of the N review.

    The history ("on the list before N-1") and the arrivals are correlated EXISTS, written
    last in their conditions so that the database looks them up only for the few households
    the cheap tests leave (none were on a list in N-1); newly = fresh - relapsed, so the
    history is asked once per kind.
    """
    earlier = Review.objects.filter(household_id=OuterRef("pk"), is_current=True, year__lt=year - 1)
    head_moved_in = Membership.objects.filter(household_id=OuterRef("pk"), relation=Relation.HEAD,
                                              start_reason=JoinReason.MOVED_IN)
    same = Q(r0__commune_id=F("r1__commune_id"))
    out_before = same & ~Q(r0__status__in=LISTED)
    no_review = Q(r0__id__isnull=True)
    moved_in = Q(started_on__year=year) & Q(Exists(head_moved_in))
    split_off = Q(started_on__year=year, split_from__isnull=False)
    # Not on either list in N-1 (another status there, or no review) and not arrived this year.
    fresh = out_before | (no_review & ~split_off & ~moved_in)
    aggregates = {}
    for kind in LISTED:
        now = Q(r1__status=kind)
        other = NEAR_POOR if kind == POOR else POOR
        before = Q(Exists(earlier.filter(status=kind)))
        aggregates |= {
            f"{kind}_end_h": Count("pk", filter=now),
            f"{kind}_end_p": Sum("r1__persons", filter=now),
            f"{kind}_from_other_h": Count("pk", filter=now & same & Q(r0__status=other)),
            f"{kind}_from_other_p": Sum("r1__persons", filter=now & same & Q(r0__status=other)),
            f"{kind}_fresh_h": Count("pk", filter=now & fresh),
            f"{kind}_fresh_p": Sum("r1__persons", filter=now & fresh),
            f"{kind}_relapsed_h": Count("pk", filter=now & fresh & before),
            f"{kind}_relapsed_p": Sum("r1__persons", filter=now & fresh & before),
            f"{kind}_moved_in_h": Count("pk", filter=now & no_review & moved_in),
            f"{kind}_split_off_h": Count("pk", filter=now & no_review & split_off & ~moved_in),
            f"{kind}_other_commune_h": Count("pk", filter=now & Q(r0__id__isnull=False) & ~same),
        }
    rows = (_with_two_years(households, year)
            .filter(r1__status__in=LISTED, r1__commune_id__in=communes)
            .values(area_id=F("r1__commune_id")).order_by().annotate(**aggregates))
    found = {}
    for row in rows:
        for kind in LISTED:
            row[f"{kind}_newly_h"] = (row[f"{kind}_fresh_h"] or 0) - (row[f"{kind}_relapsed_h"] or 0)
            row[f"{kind}_newly_p"] = (row[f"{kind}_fresh_p"] or 0) - (row[f"{kind}_relapsed_p"] or 0)
        found[row.pop("area_id")] = row
    return found


def _flow(kind: str, start: dict, end: dict) -> Flow:
    g = lambda row, key: (row or {}).get(f"{kind}_{key}") or 0  # noqa: E731 - a lookup, not logic
    stay_h, stay_p = g(start, "stay_h"), g(start, "stay_p")
    households = [g(start, "start_h"), 0, 0, 0, g(end, "from_other_h"), g(end, "relapsed_h"), g(end, "newly_h"), 0,
                  g(end, "end_h")]
    persons = [g(start, "start_p"), 0, 0, 0, g(end, "from_other_p"), g(end, "relapsed_p"), g(end, "newly_p"), 0,
               g(end, "end_p")]
    # Table 02: 2 = to near-poor, 3 = above; table 03: 2 = above, 3 = to poor (the forms' order).
    to_other, above = ("to_other", "above")
    first, second = (to_other, above) if kind == POOR else (above, to_other)
    households[1], households[2] = g(start, f"{first}_h"), g(start, f"{second}_h")
    persons[1], persons[2] = g(start, f"{first}_p"), g(start, f"{second}_p")
    # The two "other" columns by construction (see the module's docstring).
    households[3] = households[0] - households[1] - households[2] - stay_h
    persons[3] = persons[0] - persons[1] - persons[2] - stay_p
    households[7] = households[8] - households[4] - households[5] - households[6] - stay_h
    persons[7] = persons[8] - persons[4] - persons[5] - persons[6] - stay_p
    decrease = {reason: g(start, f"{reason}_h") for reason in DECREASE_REASONS[:4]}
    decrease["other_commune"] = g(start, "moved_h")
    decrease["no_review"] = households[3] - sum(decrease.values())
    increase = {reason: g(end, f"{reason}_h") for reason in INCREASE_REASONS}
    return Flow(kind, households, persons, decrease, increase)


@contextmanager
def _without_jit():
    """PostgreSQL costs each correlated EXISTS as if it ran for every row (the cheap tests in
    front of them skip almost all rows), finds the plan expensive and JIT-compiles it: 1.4 s of
    compiling for 0.1 s of work on a province. Off for these two statements only (SET LOCAL,
    inside their own transaction or the caller's)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


def commune_movements(*, year: int, communes: Iterable[int], user) -> dict[int, Movements]:
    """Tables 02 and 03 per commune id (communes with nothing to show are left out).

    ``user``: count only the households this person may see (``households_visible_to``;
    ``SYSTEM`` counts all).
    """
    communes = list(communes)
    if not communes:
        return {}
    households = households_visible_to(user)
    with _without_jit():
        start = _start_side(households, year, communes)
        end = _end_side(households, year, communes)
    return {commune: Movements(_flow(POOR, start.get(commune), end.get(commune)),
                               _flow(NEAR_POOR, start.get(commune), end.get(commune)))
            for commune in start.keys() | end.keys()}


def unit_movements(*, unit: AdministrativeUnit, year: int, user) -> Movements:
    """Tables 02 and 03 for a whole unit: the sum of its source communes."""
    total = Movements()
    for movements in commune_movements(year=year, communes=source_communes(unit), user=user).values():
        total = total + movements
    return total


# --- sustainable escape -----------------------------------------------------------------------

def sustainably_escaped(*, unit: AdministrativeUnit, year: int, years: int = DEFAULT_SUSTAIN_YEARS,
                        user) -> QuerySet[Household]:
    """Households of ``unit`` that have escaped sustainably as of ``year``.

    "Thoát nghèo bền vững": the household was poor or near-poor in year ``year - years`` or
    earlier and in no year since — its last listed year L ≤ year - years — and has since been
    reviewed at least once (a review after L, up to ``year``, confirms the escape), and was
    still in the registry at the end of ``year``. With the default 3, a household on the 2021
    list and out of both lists in 2022, 2023 and 2024 counts for 2024.

    Each household carries ``last_listed`` (L) and ``escaped_in`` (L + 1). The unit is where the
    household lives now (``Household.commune``), through the lineage for a post-2025 unit.
    """
    if years < 1:
        raise ValueError("Số năm không tái nghèo phải từ 1 trở lên")
    current = Q(reviews__is_current=True, reviews__year__lte=year)
    return (households_visible_to(user)
            .filter(commune_id__in=source_communes(unit))
            .exclude(ended_on__lte=dt.date(year, 12, 31))
            .annotate(last_listed=Max("reviews__year", filter=current & Q(reviews__status__in=LISTED)),
                      last_reviewed=Max("reviews__year", filter=current))
            .filter(last_listed__lte=year - years, last_reviewed__gt=F("last_listed"))
            .annotate(escaped_in=F("last_listed") + Value(1, output_field=IntegerField()))
            .order_by("commune_id", "head_sort", "pk"))


__all__ = [
    "COLUMNS", "DEFAULT_SUSTAIN_YEARS", "Flow", "Movements", "NEAR_POOR", "NEAR_POOR_COLUMNS", "POOR",
    "POOR_COLUMNS", "commune_movements", "source_communes", "sustainably_escaped",
    "unit_movements",
]
