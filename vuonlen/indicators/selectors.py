"""Reads of the indicators room: phases and their indicator sets, the plan's target of an
indicator in a phase, where a phase's base year comes from; the units of a year and the
indicators set at a level; who may manage a phase's set, hand a target, enter a figure; the
indicators units enter; and the cascade check (do the targets handed to a unit's children,
combined, reach its own?).

Every write is in ``services``; the target grid and the entry form are built in ``targets`` /
``views_targets``.

The cascade answers the question the district asks after letter 92-CV/BCĐ: do the targets it
handed its communes, taken together, reach the target the province handed it? A percentage is
combined the way the figures themselves are (``models`` docstring): each commune's target
weighted by its denominator — the number of households it counts — never a plain average.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.campaign.models import Phase
from vuonlen.core.periods import today_vn
from vuonlen.geo.models import AdministrativeUnit, Level

from .models import Direction, EntryKind, Indicator, PhaseGoal, Rollup, Source, Target
from .values import CENT, RATE_MEASURES, show


def phases() -> list[Phase]:
    return list(Phase.objects.order_by("start_year"))


def phase_indicators(phase: Phase, *, active_only: bool = True) -> list[Indicator]:
    """The indicator set of ``phase`` in the plan's order."""
    qs = Indicator.objects.filter(phases=phase).prefetch_related("phases")
    if active_only:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("order", "code"))


def evaluation_indicators(year: int) -> list[Indicator]:
    """What a unit is evaluated on in ``year``: the active indicators of the phase covering the
    year (2025 → the 2021–2025 set, 2026 → the 2026–2030 set); every active indicator when no
    phase covers the year."""
    phase = phase_of_year(year)
    if phase is not None:
        return phase_indicators(phase)
    return list(Indicator.objects.filter(is_active=True).prefetch_related("phases"))


def previous_phase(phase: Phase) -> Phase | None:
    return Phase.objects.filter(end_year__lt=phase.start_year).order_by("-end_year").first()


def closed_phase() -> Phase | None:
    """The latest phase that has ended (2021–2025 in December 2026): the one a final review
    (tổng kết) closes."""
    return Phase.objects.filter(end_year__lt=today_vn().year).order_by("-end_year").first()


def goals_of(phase: Phase) -> dict[int, PhaseGoal]:
    return {g.indicator_id: g for g in PhaseGoal.objects.filter(phase=phase)}


def memberships() -> dict[int, list[tuple[int, int]]]:
    """{indicator id: [(start year, phase id), …]} for every indicator, in one query."""
    found: dict[int, list[tuple[int, int]]] = {}
    for indicator_id, phase_id, start in Indicator.phases.through.objects.values_list(
            "indicator_id", "phase_id", "phase__start_year"):
        found.setdefault(indicator_id, []).append((start, phase_id))
    for value in found.values():
        value.sort()
    return found


def plan_target(indicator: Indicator, phase: Phase | None, goals: dict[int, PhaseGoal] | None = None,
                members: dict[int, list[tuple[int, int]]] | None = None) -> Decimal | None:
    """The plan's target of ``indicator`` over ``phase``: the phase's own goal when entered;
    else the catalogue's default target when ``phase`` is the indicator's first phase (the
    2021–2025 plan's figures for the seeded set); else none — a later phase's targets are
    the province's to enter, never the old plan's carried over silently. ``goals`` and
    ``members`` (``goals_of``, ``memberships``) save queries when called for many rows."""
    if phase is None:
        return None
    if members is None:
        mine = sorted((p.start_year, p.pk) for p in indicator.phases.all())
    else:
        mine = members.get(indicator.pk, [])
    if phase.pk not in {pk for _start, pk in mine}:
        return None
    goals = goals_of(phase) if goals is None else goals
    goal = goals.get(indicator.pk)
    if goal is not None:
        return goal.value
    if mine[0][1] == phase.pk:
        return indicator.default_target
    return None


# --- a phase's base year ------------------------------------------------------------------------

@dataclass(frozen=True)
class PhaseBase:
    """Where a phase's average-fall indicators start: the first year whose review is under the
    phase's own poverty standard (the standard of its last year)."""

    phase: Phase
    year: int | None
    standard_code: str
    standard_title: str
    rule_reason: str

    def describe(self) -> str:
        if self.year is None:
            return _("Giai đoạn %(phase)s: chưa xác định được năm gốc (chưa có chuẩn nghèo cho các năm của giai "
                     "đoạn)") % {"phase": _phase_years(self.phase)}
        return _("Năm gốc của giai đoạn %(phase)s là %(year)s: năm rà soát đầu tiên theo chuẩn nghèo của giai "
                 "đoạn (%(standard)s)") % {"phase": _phase_years(self.phase), "year": self.year,
                                           "standard": self.standard_title}


def _phase_years(phase: Phase) -> str:
    return f"{phase.start_year}–{phase.end_year}"


def phase_base(phase: Phase) -> PhaseBase:
    """The base year of ``phase`` under the effective year → standard rule (the administrator's
    overrides included): 2021–2025 → 2021 (the baseline review under Decree 07/2021, not the
    2020 review under Decision 59/2015); 2026–2030 → 2026 under the default rule (the end-2026
    review under Decree 351/2025), 2027 if an administrator sets 2026 back to Decree 07/2021."""
    from vuonlen import poverty
    from vuonlen.households import year_standards

    overrides = year_standards.year_overrides()  # one query; the built-in standards carry the names

    def rule(year: int):
        try:
            return poverty.year_rule(year, overrides)
        except ValueError:
            return None

    last = rule(phase.end_year)
    if last is None:
        return PhaseBase(phase, None, "", "", "")
    title = poverty.STANDARDS[last.standard].short_name_vi or last.standard
    for year in range(phase.start_year - 1, phase.end_year + 1):
        found = rule(year)
        if found is not None and found.standard == last.standard:
            return PhaseBase(phase, year, last.standard, title, found.reason_vi)
    return PhaseBase(phase, None, last.standard, title, "")


# --- who may --------------------------------------------------------------------------------

def may_manage_phase_sets(user) -> bool:
    """The province secretariat (who hands the province's targets) and the administrator."""
    if user is SYSTEM:
        return True
    if user is None:
        return False
    if scoping.can(user, roles.INDICATOR_DEFINE):
        return True
    return any(u.level == Level.PROVINCE for u in scoping.scope_roots(user, roles.TARGET_SET))


# --- units and years (moved from ``targets``) --------------------------------------------------------

def exists_in(unit: AdministrativeUnit, year: int) -> bool:
    """The unit existed on 1 January of ``year`` (2025 belongs to the old units, 2026 to the new)."""
    day = dt.date(year, 1, 1)
    return (unit.valid_from is None or unit.valid_from <= day) and (unit.valid_to is None or unit.valid_to >= day)


def children_in(unit: AdministrativeUnit, year: int) -> list[AdministrativeUnit]:
    """The units directly below ``unit`` that existed in ``year``, in Vietnamese order."""
    return [child for child in AdministrativeUnit.objects.filter(parent=unit).order_by("name_sort")
            if exists_in(child, year)]


def phase_years(indicator: Indicator) -> list[tuple[int, int]]:
    return sorted((p.start_year, p.end_year) for p in indicator.phases.all())


def phase_of_year(year: int) -> Phase | None:
    return Phase.objects.filter(start_year__lte=year, end_year__gte=year).first()


def default_year() -> int:
    """This year when a phase covers it, else the last year of the latest phase before it."""
    today = today_vn().year
    if phase_of_year(today) is not None:
        return today
    last = Phase.objects.filter(end_year__lt=today).order_by("-end_year").first()
    return last.end_year if last is not None else today


def indicators_for(level: int, year: int) -> list[Indicator]:
    """Active indicators set at ``level`` whose phases include ``year``, in the plan's order."""
    return [i for i in Indicator.objects.filter(is_active=True, phases__start_year__lte=year,
                                                phases__end_year__gte=year).distinct().prefetch_related("phases")
            if not i.levels or level in i.levels]


# --- who may hand a target, enter a figure ----------------------------------------------------------

def may_set_target(actor, unit: AdministrativeUnit) -> bool:
    if actor is SYSTEM:
        return True
    if unit.parent_id and scoping.can(actor, roles.TARGET_SET, unit.parent):
        return True
    # The administrator of the catalogue may set any target of their scope, the top unit's too.
    return scoping.can(actor, roles.INDICATOR_DEFINE, unit) and scoping.can(actor, roles.TARGET_SET, unit)


def may_enter(actor, unit: AdministrativeUnit) -> bool:
    return actor is SYSTEM or scoping.can(actor, roles.INDICATOR_ENTER, unit)


# --- the figures units enter (moved from ``entries``) -----------------------------------------------

def entry_level(indicator: Indicator) -> int:
    """The level whose units enter ``indicator``'s figure."""
    if indicator.entry_kind == EntryKind.YES_NO:
        return Level.COMMUNE
    return min(max(indicator.levels or [Level.COMMUNE]), Level.COMMUNE)


def entered_indicators(level: int | None = None) -> list[Indicator]:
    """Active entered indicators (those a unit of ``level`` enters, when given)."""
    found = list(Indicator.objects.filter(is_active=True, source=Source.ENTERED))
    return [i for i in found if level is None or entry_level(i) == level]


# --- do the children's targets add up? ------------------------------------------------------------

@dataclass
class ChildTarget:
    unit: AdministrativeUnit
    target: Decimal | None
    weight: int | None = None  # the denominator the child's percentage is weighted by
    weight_year: int | None = None


@dataclass
class Cascade:
    """The parent's target against its children's targets combined, for one indicator and year.

    ``combined``: Σ targets (counts, money) or Σ(target × weight) / Σ weight (rates, weighted by
    each child's latest stored denominator); ``reaches``: True / False, or None when it cannot
    be told (no parent target, children without targets that could change the answer);
    ``gap``: how far the combined falls short of the parent's target (0 when it reaches)."""

    indicator: Indicator
    parent: AdministrativeUnit
    year: int
    parent_target: Decimal | None
    children: list[ChildTarget]
    combined: Decimal | None = None
    method: str = ""  # "weighted", "sum", "average" (rates without any denominator yet), ""
    reaches: bool | None = None
    gap: Decimal | None = None

    @property
    def missing(self) -> list[AdministrativeUnit]:
        return [c.unit for c in self.children if c.target is None]

    @property
    def applicable(self) -> bool:
        return bool(self.children)

    def verdict(self) -> str:
        measure = self.indicator.measure
        if not self.children:
            return ""
        if self.parent_target is None:
            return _("Đơn vị chưa được giao chỉ tiêu năm này")
        if self.combined is None:
            return _("Chưa giao cho %(n)s đơn vị") % {"n": len(self.missing)}
        if self.reaches:
            text = _("Đạt: cộng lại %(value)s") % {"value": show(measure, self.combined)}
        elif self.reaches is False:
            text = _("Thiếu %(gap)s: cộng lại %(value)s") % {"gap": show(measure, self.gap),
                                                             "value": show(measure, self.combined)}
        else:
            text = _("Chưa kết luận: cộng %(value)s") % {"value": show(measure, self.combined)}
        if self.missing:
            text += _("; %(n)s đơn vị chưa được giao") % {"n": len(self.missing)}
        return text


def _weight_indicator(indicator: Indicator, by_code: dict[str, Indicator]) -> Indicator | None:
    """Whose denominators weigh a rate: its own, or for an average fall its base rate's."""
    if indicator.is_derived:
        return by_code.get(indicator.base_code)
    return indicator


def latest_denominators(indicator_ids: Iterable[int], unit_ids: Iterable[int], year: int
                        ) -> dict[tuple[int, int], tuple[int, int]]:
    """{(indicator, unit): (denominator, year)}: the stored denominator of ``year``, or of the
    latest earlier year that has one."""
    found: dict[tuple[int, int], tuple[int, int]] = {}
    rows = (Rollup.objects.filter(indicator_id__in=list(indicator_ids), unit_id__in=list(unit_ids),
                                  year__lte=year, denominator__gt=0)
            .order_by("year").values_list("indicator_id", "unit_id", "year", "denominator"))
    for indicator_id, unit_id, row_year, denominator in rows:
        found[(indicator_id, unit_id)] = (denominator, row_year)  # later years overwrite earlier ones
    return found


def _combine(result: Cascade) -> None:
    given = [c for c in result.children if c.target is not None]
    up = result.indicator.direction != Direction.DOWN
    complete = len(given) == len(result.children)
    if not given:
        return
    if result.indicator.measure in RATE_MEASURES:
        weighted = [c for c in given if c.weight]
        if weighted:
            total = sum(Decimal(c.weight) for c in weighted)
            result.combined = sum(c.target * c.weight for c in weighted) / total
            result.method = "weighted"
        else:
            result.combined = sum(c.target for c in given) / len(given)
            result.method = "average"
    else:
        result.combined = sum(c.target for c in given)
        result.method = "sum"
    result.combined = result.combined.quantize(CENT, rounding=ROUND_HALF_UP)
    if result.parent_target is None:
        return
    short = (result.parent_target - result.combined) if up else (result.combined - result.parent_target)
    if complete:
        result.reaches = short <= 0
    elif result.method == "sum":
        # Targets still to come only add: a sum already past the line stays past it.
        if up and short <= 0:
            result.reaches = True
        elif not up and short > 0:
            result.reaches = False
    if result.reaches is not None:
        result.gap = max(short, Decimal(0)).quantize(CENT)


def cascades(parent: AdministrativeUnit, year: int, indicators: Sequence[Indicator] | None = None
             ) -> dict[int, Cascade]:
    """The cascade check of every indicator (default: those set at the children's level) for
    ``parent``'s children in ``year``, in three queries. Keyed by indicator id."""
    children = children_in(parent, year)
    if indicators is None:
        level = children[0].level if children else parent.level + 1
        indicators = indicators_for(level, year)
    by_code = {i.code: i for i in Indicator.objects.all()}
    targets = {(t.indicator_id, t.unit_id): t.value for t in Target.objects.filter(
        year=year, unit_id__in=[parent.pk, *(c.pk for c in children)], indicator__in=list(indicators))}
    weighing = {i.pk: _weight_indicator(i, by_code) for i in indicators if i.measure in RATE_MEASURES}
    weights = latest_denominators({w.pk for w in weighing.values() if w}, [c.pk for c in children], year)
    result: dict[int, Cascade] = {}
    for indicator in indicators:
        applies = [c for c in children if not indicator.levels or c.level in indicator.levels]
        rows = []
        for child in applies:
            weight_by = weighing.get(indicator.pk)
            weight = weights.get((weight_by.pk, child.pk)) if weight_by else None
            rows.append(ChildTarget(unit=child, target=targets.get((indicator.pk, child.pk)),
                                    weight=weight[0] if weight else None, weight_year=weight[1] if weight else None))
        check = Cascade(indicator=indicator, parent=parent, year=year,
                        parent_target=targets.get((indicator.pk, parent.pk)), children=rows)
        _combine(check)
        result[indicator.pk] = check
    return result


def cascade(parent_unit: AdministrativeUnit, indicator: Indicator, year: int) -> Cascade:
    """Do the targets ``parent_unit`` handed its children for ``indicator`` in ``year`` reach its own?"""
    return cascades(parent_unit, year, [indicator])[indicator.pk]


__all__ = ["phases", "phase_indicators", "evaluation_indicators", "previous_phase", "closed_phase", "goals_of",
           "memberships", "plan_target", "PhaseBase", "phase_base", "may_manage_phase_sets", "indicators_for",
           "phase_of_year", "default_year", "exists_in", "children_in", "phase_years", "may_set_target", "may_enter",
           "entry_level", "entered_indicators", "ChildTarget", "Cascade", "latest_denominators", "cascades",
           "cascade"]
