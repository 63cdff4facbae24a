"""Reads of the indicators room: phases and their indicator sets, the plan's target of an
indicator in a phase, where a phase's base year comes from, and who may manage a phase's set.

Every write is in ``services``. The older read helpers stay where they were written
(``targets.indicators_for``, ``targets.phase_of_year``, ``entries.entered_indicators``) and
are re-exported here so new code has one place to import reads from.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.campaign.models import Phase
from vuonlen.core.periods import today_vn
from vuonlen.geo.models import Level

from .entries import entered_indicators
from .models import Indicator, PhaseGoal
from .targets import default_year, indicators_for, phase_of_year


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


__all__ = ["phases", "phase_indicators", "evaluation_indicators", "previous_phase", "closed_phase", "goals_of",
           "memberships", "plan_target", "PhaseBase", "phase_base", "may_manage_phase_sets", "indicators_for",
           "phase_of_year",
           "default_year", "entered_indicators"]
