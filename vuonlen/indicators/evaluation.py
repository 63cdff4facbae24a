"""Where a unit stands against its targets at a cut-off date.

For every unit and indicator: the actual value, the target, the share of the target reached,
and a status:

- **achieved** (đạt): the actual value meets the target (≥ for an indicator where higher is
  better, ≤ where lower is better);
- **on track** (đúng tiến độ): not yet, but within the band of the straight path from the
  starting value to the target — at the cut-off the path expects
  ``start + (target − start) × elapsed share of the period``; within the band means
  ``actual ≥ expected × (1 − band)`` (or ``≤ expected × (1 + band)`` where lower is better),
  edges included; the band is 15% unless the reader chooses another;
- **behind** (chậm tiến độ): below that;
- **no target** / **no data** when either side is missing.

The period of a yearly target is its calendar year and its start value is the unit's figure of
the year before; a phase-end target (or the plan's default target, when the unit was handed
none) runs over the whole phase from the figure of the year before the phase (0 when there is
none). An average rate such as "falls by 6% a year" has a flat path: it is compared with the
target itself.

Figures at a cut-off are those recorded by that date. When the cut-off is the end of a year
already past, or today, the stored roll-ups answer; an earlier date is computed on the spot
(``rollups.compute_totals`` with the cut-off).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from vuonlen.campaign.models import Phase
from vuonlen.core.formats import format_number
from vuonlen.core.periods import today_vn

from . import rollups
from .models import Direction, Indicator, Measure, Rollup, Target
from .selectors import evaluation_indicators, goals_of, memberships, phase_base, plan_target
from .tree import Tree

ACHIEVED, ON_TRACK, BEHIND, NO_TARGET, NO_DATA = "achieved", "on_track", "behind", "no_target", "no_data"
STATUS_LABELS = {
    ACHIEVED: _("Đạt"),
    ON_TRACK: _("Đúng tiến độ"),
    BEHIND: _("Chậm tiến độ"),
    NO_TARGET: _("Chưa giao chỉ tiêu"),
    NO_DATA: _("Chưa có số liệu"),
}
# One look for a status on every page: a Bootstrap badge class and a sign beside the word, so
# the status never rests on colour alone (and survives printing).
STATUS_CSS = {
    ACHIEVED: "text-bg-success",
    ON_TRACK: "text-bg-primary",
    BEHIND: "text-bg-danger",
    NO_TARGET: "text-bg-light border",
    NO_DATA: "text-bg-secondary",
}
STATUS_SIGNS = {ACHIEVED: "✓", ON_TRACK: "➜", BEHIND: "!", NO_TARGET: "–", NO_DATA: "?"}
STATUS_ORDER = {BEHIND: 0, ON_TRACK: 1, ACHIEVED: 2, NO_DATA: 3, NO_TARGET: 4}


def default_band() -> float:
    return float(getattr(settings, "VUONLEN_EVALUATION_BAND", 0.15))


# --- values -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    numerator: int
    denominator: int

    def value(self, measure: str) -> float | None:
        if measure == Measure.PERCENT:
            return 100 * self.numerator / self.denominator if self.denominator else None
        return float(self.numerator)


def value_of(indicator: Indicator, cell: Sequence[int] | None) -> float | None:
    if not cell:
        return None
    return Figure(int(cell[0]), int(cell[1])).value(indicator.measure)


def base_year(phase: Phase | None, years_with_data: Iterable[int] = ()) -> int | None:
    """The starting year of a phase's average-fall indicators: its first year under its own
    poverty standard (``selectors.phase_base``) — 2021 for 2021–2025 (the baseline review under
    Decree 07/2021), 2026 for 2026–2030 under the default rule. Never the year before a phase
    reviewed under another standard: a fall is never worked out across two standards.
    ``years_with_data`` is no longer needed (kept for older callers)."""
    if phase is None:
        return None
    from .selectors import phase_base

    return phase_base(phase).year


def annual_fall(rate_by_year: dict[int, float | None], year: int, start: int | None) -> float | None:
    """Average fall a year, in percentage points, of a rate from ``start`` to ``year``."""
    if start is None or year <= start:
        return None
    first, last = rate_by_year.get(start), rate_by_year.get(year)
    if first is None or last is None:
        return None
    return (first - last) / (year - start)


# --- status -----------------------------------------------------------------------------------

def elapsed_share(cutoff: dt.date, start: dt.date, end: dt.date) -> float:
    """How far along the straight path the cut-off is: 0 at ``start``, 1 on ``end``."""
    if cutoff >= end:
        return 1.0
    if cutoff < start:
        return 0.0
    return ((cutoff - start).days + 1) / ((end - start).days + 1)


def status_of(*, actual: float | None, target: float | None, expected: float | None, direction: str,
              band: float) -> str:
    if target is None:
        return NO_TARGET
    if actual is None:
        return NO_DATA
    up = direction != Direction.DOWN
    if (actual >= target) if up else (actual <= target):
        return ACHIEVED
    if expected is None:
        return BEHIND
    # A tolerance far below the last digit shown, so a value exactly on the edge counts in.
    eps = 1e-9
    if up:
        return ON_TRACK if actual >= expected * (1 - band) - eps else BEHIND
    return ON_TRACK if actual <= expected * (1 + band) + eps else BEHIND


def share_of_target(actual: float | None, target: float | None, direction: str) -> float | None:
    """Per cent of the target reached (lower-is-better: target ÷ actual)."""
    if actual is None or target is None:
        return None
    if direction == Direction.DOWN:
        return 100 * target / actual if actual else None
    return 100 * actual / target if target else None


# --- the rows ---------------------------------------------------------------------------------

@dataclass
class Row:
    unit_id: int
    indicator: Indicator
    year: int
    numerator: int | None
    denominator: int | None
    actual: float | None
    target: float | None
    target_kind: str  # "year", "phase", "default" or ""
    expected: float | None
    share: float | None
    status: str
    # Where an average-fall figure starts: "Năm gốc 2021 (Nghị định 07/2021/NĐ-CP): 12,3%".
    base_note: str = ""

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


class Evaluation:
    """Evaluates a set of units at one cut-off. Reads every figure it needs in a few queries."""

    def __init__(self, *, cutoff: dt.date | None = None, band: float | None = None,
                 indicators: Sequence[Indicator] | None = None, tree: Tree | None = None,
                 like: Evaluation | None = None):
        """``like``: an evaluation whose phase, goals, catalogue and tree this one shares when
        its cut-off falls in the same phase (the dashboard's trend beside its cards)."""
        self.cutoff = cutoff or today_vn()
        self._tree = tree
        self.year = self.cutoff.year
        self.band = default_band() if band is None else band
        same = like is not None and like.phase is not None and like.phase.start_year <= self.year <= like.phase.end_year
        if same:
            self.phase = like.phase
            self._tree = self._tree or like._tree
            self._codes = like.codes
            if hasattr(like, "_base"):
                self._base = like._base
        else:
            self.phase = Phase.objects.filter(start_year__lte=self.year, end_year__gte=self.year).first()
        # The set of the phase the cut-off falls in: 2025 → 2021–2025's, 2026 → 2026–2030's.
        self.indicators = list(indicators) if indicators is not None else evaluation_indicators(self.year)
        if same:
            self.goals, self.members, self._by_code = like.goals, like.members, like._by_code
            return
        self.goals = goals_of(self.phase) if self.phase else {}
        self.members = memberships() if self.phase else {}
        self._by_code = {i.code: i for i in Indicator.objects.filter(is_active=True)}

    @property
    def codes(self) -> dict[int, str]:
        """Every indicator's code by id (inactive ones too: their stored rows), read once."""
        if not hasattr(self, "_codes"):
            self._codes = {pk: code for code, pk in Indicator.objects.values_list("code", "pk")}
        return self._codes

    @property
    def tree(self) -> Tree:
        """The administrative tree, checked once for this evaluation (or the caller's)."""
        if self._tree is None:
            self._tree = Tree.load()
        return self._tree

    @property
    def base(self):
        """The phase's base year, standard and why (``selectors.phase_base``), read once."""
        if not hasattr(self, "_base"):
            self._base = phase_base(self.phase) if self.phase else None
        return self._base

    # figures ------------------------------------------------------------------------------
    def _live(self) -> bool:
        """A cut-off inside a year that is not over and not today's: compute, do not read."""
        return self.cutoff < dt.date(self.year, 12, 31) and self.cutoff < today_vn()

    def figures(self, unit_ids: Iterable[int], years: Iterable[int]) -> dict[tuple[int, int, str], tuple[int, int]]:
        """{(unit, year, code): (numerator, denominator)} — stored, except the cut-off's own
        year when the cut-off is a past date inside it."""
        unit_ids, years = list(set(unit_ids)), sorted(set(years))
        codes = self.codes
        found: dict[tuple[int, int, str], tuple[int, int]] = {}
        tree = self.tree
        stored_ids = [u for u in unit_ids if tree.level.get(u, 9) <= rollups.STORED_MAX_LEVEL]
        village_ids = [u for u in unit_ids if tree.level.get(u, 9) > rollups.STORED_MAX_LEVEL]
        stored_years = [y for y in years if not (y == self.year and self._live())]
        if stored_ids and stored_years:
            for unit_id, year, indicator_id, n, d in Rollup.objects.filter(
                    unit_id__in=stored_ids, year__in=stored_years).values_list(
                    "unit_id", "year", "indicator_id", "numerator", "denominator"):
                found[(unit_id, year, codes[indicator_id])] = (n, d)
        if village_ids and stored_years:
            for year, totals in rollups.village_totals(village_ids, stored_years, tree=tree).items():
                for unit_id, by_code in totals.items():
                    for code, (n, d) in by_code.items():
                        found[(unit_id, year, code)] = (n, d)
        if self.year in years and self._live():
            live = _live_totals(self.cutoff, tree)
            review_codes = self.review_based_codes()
            for unit_id in unit_ids:
                for code, (n, d) in live.get(unit_id, {}).items():
                    if not (self.reviews_late and code in review_codes):
                        found[(unit_id, self.year, code)] = (n, d)
            if self.reviews_late:
                # The year's review is not done by the cut-off: the latest figures are last
                # year's, and they are what the unit stands at.
                previous = self.figures(unit_ids, [self.year - 1]) if self.year - 1 not in years else found
                for (unit_id, year, code), cell in list(previous.items()):
                    if year == self.year - 1 and code in review_codes:
                        found[(unit_id, self.year, code)] = cell
        return found

    def review_based_codes(self) -> set[str]:
        return {i.code for i in self._by_code.values()
                if i.formula.startswith(("reviews:", "outreach:"))}

    @property
    def reviews_late(self) -> bool:
        """True when the cut-off falls in a year whose poverty review has no results yet."""
        if not hasattr(self, "_reviews_late"):
            from django.db.models import Q

            from vuonlen.households.models import Review

            self._reviews_late = self._live() and not Review.objects.filter(
                Q(reviewed_on__lte=self.cutoff) | Q(reviewed_on__isnull=True, year__lt=self.cutoff.year),
                year=self.year, is_current=True).exists()
        return self._reviews_late

    def targets(self, unit_ids: Iterable[int]) -> dict[tuple[int, int, int], Target]:
        years = {self.year}
        if self.phase:
            years.add(self.phase.end_year)
        return {(t.unit_id, t.indicator_id, t.year): t
                for t in Target.objects.filter(unit_id__in=list(set(unit_ids)), year__in=years)}

    # evaluation ---------------------------------------------------------------------------
    def rows(self, unit_ids: Sequence[int], *, levels: dict[int, int] | None = None) -> list[Row]:
        tree = self.tree
        years = {self.year, self.year - 1}
        start_year = None
        if self.phase:
            years.add(self.phase.start_year - 1)
            start_year = self.base.year
            if start_year:
                years.add(start_year)
        figures = self.figures(unit_ids, years)
        targets = self.targets(unit_ids)
        result = []
        for unit_id in unit_ids:
            level = (levels or {}).get(unit_id) or tree.level.get(unit_id)
            for indicator in self.indicators:
                if indicator.levels and level not in indicator.levels:
                    continue
                result.append(self._row(unit_id, indicator, figures, targets, start_year, level))
        return result

    def _years_with_data(self) -> list[int]:
        if not hasattr(self, "_data_years"):
            self._data_years = sorted(set(Rollup.objects.order_by().values_list("year", flat=True).distinct()))
        return self._data_years

    def _value(self, indicator: Indicator, figures, unit_id: int, year: int, start_year: int | None):
        if indicator.is_derived:
            base = self._by_code.get(indicator.base_code)
            if base is None:
                return None, None, None
            data_year = year - 1 if (year == self.year and self.reviews_late) else year
            rates = {y: value_of(base, figures.get((unit_id, y, base.code))) for y in (start_year, data_year)}
            return annual_fall(rates, data_year, start_year), None, None
        cell = figures.get((unit_id, year, indicator.code))
        if cell is None:
            return None, None, None
        return value_of(indicator, cell), cell[0], cell[1]

    def _row(self, unit_id, indicator, figures, targets, start_year, level: int | None) -> Row:
        actual, n, d = self._value(indicator, figures, unit_id, self.year, start_year)
        target_row = targets.get((unit_id, indicator.pk, self.year))
        kind = "year"
        if target_row is None and self.phase:
            target_row = targets.get((unit_id, indicator.pk, self.phase.end_year))
            kind = "phase"
        if target_row is not None:
            target = float(target_row.value)
        elif (planned := plan_target(indicator, self.phase, self.goals, self.members)) is not None:
            # The plan's level binds every unit the indicator applies to, villages included: a
            # commune sees which of its villages lag the plan even before handing them targets.
            # The phase's own (``PhaseGoal``); the catalogue's default only in its first phase.
            target, kind = float(planned), "default"
        else:
            target, kind = None, ""
        expected = None
        if target is not None:
            if indicator.is_derived:
                expected = target
            else:
                if kind == "year":
                    start, end = dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
                    before = self._value(indicator, figures, unit_id, self.year - 1, start_year)[0]
                else:
                    start, end = dt.date(self.phase.start_year, 1, 1), dt.date(self.phase.end_year, 12, 31)
                    before = self._value(indicator, figures, unit_id, self.phase.start_year - 1, start_year)[0]
                if before is None:
                    before = 0.0 if indicator.direction != Direction.DOWN else None
                if before is None:
                    expected = target
                else:
                    expected = before + (target - before) * elapsed_share(self.cutoff, start, end)
        status = status_of(actual=actual, target=target, expected=expected, direction=indicator.direction,
                           band=self.band)
        return Row(unit_id=unit_id, indicator=indicator, year=self.year, numerator=n, denominator=d,
                   actual=actual, target=target, target_kind=kind, expected=expected,
                   share=share_of_target(actual, target, indicator.direction), status=status,
                   base_note=self.base_note(indicator, figures, unit_id, start_year) if indicator.is_derived else "")

    def base_note(self, indicator: Indicator, figures, unit_id: int, start_year: int | None) -> str:
        """Where the average fall starts: year, standard and figure (issue 12 item 4)."""
        if self.phase is None:
            return ""
        base = self.base
        if base.year is None:
            return str(base.describe())
        rate_indicator = self._by_code.get(indicator.base_code)
        cell = figures.get((unit_id, base.year, indicator.base_code))
        rate = value_of(rate_indicator, cell) if rate_indicator else None
        shown = f"{format_number(rate, 1)}%" if rate is not None else str(_("chưa có số liệu"))
        text = str(_("Năm gốc %(year)s (%(standard)s): %(rate)s")) % {
            "year": base.year, "standard": base.standard_title, "rate": shown}
        if self.year <= base.year:
            text += str(_("; chưa tính được mức giảm trong năm gốc"))
        return text


_LIVE_CACHE: dict = {}


def _data_stamp() -> tuple:
    """Changes whenever an input of the roll-ups is written (a few max() queries)."""
    from django.db.models import Count, Max

    from vuonlen.campaign.models import Assessment
    from vuonlen.households.models import PopulationBase, Review
    from vuonlen.initiatives.models import Initiative
    from vuonlen.outreach.models import Activity

    from .models import EnteredValue

    stamp = [rollups.last_refreshed()]
    for model in (Assessment, Review, PopulationBase, EnteredValue, Initiative, Activity):
        found = model.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
        stamp += [found["n"], found["at"]]
    stamp.append(Activity.households.through.objects.count())
    return tuple(stamp)


def _live_totals(cutoff: dt.date, tree: Tree) -> dict[int, dict[str, list[int]]]:
    """Every unit's totals for the cut-off's year as recorded by the cut-off (villages too),
    kept until any input changes."""
    key = (cutoff, _data_stamp())
    if _LIVE_CACHE.get("key") != key:
        _LIVE_CACHE.clear()
        _LIVE_CACHE["key"] = key
        _LIVE_CACHE["totals"] = rollups.compute_totals([cutoff.year], tree=tree, cutoff=cutoff)[cutoff.year]
    return _LIVE_CACHE["totals"]


def behind(rows: Iterable[Row]) -> list[Row]:
    """The "who is behind" list: behind first by how far from the target."""
    return sorted((r for r in rows if r.status == BEHIND),
                  key=lambda r: (r.share if r.share is not None else -1, r.indicator.order))


def trend(unit_id: int, indicators: Sequence[Indicator], years: Sequence[int], *,
          tree: Tree | None = None, like: Evaluation | None = None) -> dict[str, list[float | None]]:
    """A unit's values over ``years`` per indicator code (derived ones included)."""
    evaluation = Evaluation(cutoff=dt.date(max(years), 12, 31), indicators=indicators, tree=tree, like=like)
    all_years = set(years)
    start = evaluation.base.year if evaluation.phase else None
    if start:
        all_years.add(start)
    figures = evaluation.figures([unit_id], all_years)
    series: dict[str, list[float | None]] = defaultdict(list)
    for indicator in indicators:
        for year in years:
            series[indicator.code].append(evaluation._value(indicator, figures, unit_id, year, start)[0])
    return dict(series)


__all__ = ["Evaluation", "Row", "status_of", "elapsed_share", "annual_fall", "behind", "trend", "STATUS_LABELS",
           "Decimal"]
