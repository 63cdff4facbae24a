"""What the dashboard page and its .xlsx files draw: plain objects built by ``selectors``
(a figure with its printed forms, the period, the trend, poverty dynamics, mentors' reach, the
ranking, the households behind a number). No queries here except the records a
``HouseholdsBehind`` carries."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vuonlen.campaign import selectors as campaign
from vuonlen.core.formats import format_number
from vuonlen.core.periods import today_vn
from vuonlen.core.text import sort_key
from vuonlen.geo.models import AdministrativeUnit, Level

from .. import evaluation
from ..models import Direction, Indicator, Measure
from .formatting import (
    STATUS_CSS,
    STATUS_SIGNS,
    TARGET_KIND_LABELS,
    TREND_SPAN,
    WORST,
    format_value,
    rounded,
    share_text,
    target_text,
)


@dataclass(frozen=True)
class Figure:
    """One evaluated figure (an ``evaluation.Row``) with what the page and the file print."""

    row: evaluation.Row
    unit_id: int
    unit_name: str = ""
    unit_level: int = 0
    drillable: bool = False  # its numbers link to the households behind them
    # When the year has no figure: the latest earlier year's value (year, text), from the trend.
    last_known: tuple[int, str] | None = None

    @property
    def indicator(self) -> Indicator:
        return self.row.indicator

    @property
    def value_text(self) -> str:
        return format_value(self.indicator.measure, self.row.actual)

    @property
    def value_number(self) -> str:
        """The big number of a card; its unit (``value_unit``) is set smaller beside it."""
        if self.indicator.measure == Measure.POINTS_A_YEAR and self.row.actual is not None:
            return format_number(self.row.actual, 1)
        return self.value_text

    @property
    def value_unit(self) -> str:
        if self.indicator.measure == Measure.POINTS_A_YEAR and self.row.actual is not None:
            return str(_("điểm %/năm"))
        return ""

    @property
    def value_cell(self):
        return rounded(self.indicator.measure, self.row.actual)

    @property
    def caption(self) -> str:
        """What the numbers count, in lower case after the numbers ("số hộ …", "số xã")."""
        label = (self.indicator.denominator_label if self.has_ratio else self.indicator.numerator_label) or ""
        return label[:1].lower() + label[1:]

    @property
    def has_ratio(self) -> bool:
        return self.indicator.measure == Measure.PERCENT and self.row.numerator is not None

    @property
    def target_text(self) -> str:
        return target_text(self.indicator, self.row.target)

    @property
    def target_cell(self):
        return rounded(self.indicator.measure, self.row.target)

    @property
    def target_kind_label(self) -> str:
        label = TARGET_KIND_LABELS.get(self.row.target_kind, "")
        if self.row.target_kind == "year":
            return f"{label} {self.row.year}"
        return str(label)

    @property
    def share_text(self) -> str:
        return share_text(self.row.share)

    @property
    def share_bar(self) -> int | None:
        """The progress bar's width: the share reached, at most 100."""
        return None if self.row.share is None else max(0, min(100, int(round(self.row.share))))

    @property
    def share_cell(self):
        return None if self.row.share is None else round(self.row.share, 1)

    @property
    def expected_text(self) -> str:
        return format_value(self.indicator.measure, self.row.expected)

    @property
    def status(self) -> str:
        return self.row.status

    @property
    def status_label(self) -> str:
        return self.row.status_label

    @property
    def status_css(self) -> str:
        return STATUS_CSS[self.row.status]

    @property
    def status_sign(self) -> str:
        return STATUS_SIGNS[self.row.status]

    @property
    def drill_numerator(self) -> bool:
        return self.drillable and drillable(self.indicator) and self.row.numerator is not None

    @property
    def drill_denominator(self) -> bool:
        """The denominator is households (not communes, not the population base)."""
        return self.drill_numerator and drill_kind(self.indicator) in ("assessment", "told")



# --- periods and units ----------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    year: int
    cutoff: dt.date

    @property
    def records_until(self) -> dt.date | None:
        """The date records are counted up to, or None for the whole year. The evaluation reads
        the stored roll-ups (every record of the year) unless the cut-off is a past date inside
        the year (``Evaluation._live``); the households behind a number follow the same rule."""
        if self.cutoff < dt.date(self.year, 12, 31) and self.cutoff < today_vn():
            return self.cutoff
        return None



@dataclass(frozen=True)
class EraLink:
    era: str
    label: str
    unit_id: int | None
    current: bool



# --- the dashboard --------------------------------------------------------------------------

@dataclass
class TrendLine:
    indicator: Indicator
    values: list[float | None]

    @property
    def texts(self) -> list[str]:
        return [format_value(self.indicator.measure, v) for v in self.values]

    @property
    def cells(self) -> list:
        return [rounded(self.indicator.measure, v) for v in self.values]


@dataclass
class PovertyYear:
    year: int
    poor: int | None
    near_poor: int | None
    em_households: int | None  # the population base's EM households (the rate's denominator)
    rate: float | None
    change: float | None  # percentage points against the year before

    @property
    def total(self) -> int | None:
        if self.poor is None and self.near_poor is None:
            return None
        return (self.poor or 0) + (self.near_poor or 0)

    @property
    def rate_text(self) -> str:
        return format_value(Measure.PERCENT, self.rate)

    @property
    def change_text(self) -> str:
        if self.change is None:
            return "-"
        sign = "+" if self.change > 0 else ("−" if self.change < 0 else "±")
        return f"{sign}{format_number(abs(self.change), 1)} {_('điểm %')}"


@dataclass
class Coverage:
    on: dt.date
    households: int
    with_mentor: int
    visited_recent: int
    visits_recent: int

    @staticmethod
    def _percent(n: int, d: int) -> float | None:
        return 100 * n / d if d else None

    @property
    def mentor_percent(self) -> float | None:
        return self._percent(self.with_mentor, self.households)

    @property
    def visited_percent(self) -> float | None:
        return self._percent(self.visited_recent, self.households)

    @property
    def mentor_text(self) -> str:
        return format_value(Measure.PERCENT, self.mentor_percent)

    @property
    def visited_text(self) -> str:
        return format_value(Measure.PERCENT, self.visited_percent)


@dataclass
class RankRow:
    rank: int | None
    figure: Figure


@dataclass
class Dashboard:
    unit: AdministrativeUnit
    period: Period
    years: list[int]  # every year with figures (the year picker)
    crumbs: list[tuple[int | None, str]]
    cards: list[Figure]
    trend_years: list[int]
    trend: list[TrendLine]
    chart_codes: tuple[str, ...]
    poverty: list[PovertyYear]
    coverage: Coverage
    children_label: str
    ranking_indicators: list[Indicator]
    ranking_indicator: Indicator | None
    order: str
    ranking: list[RankRow]
    behind: list[Figure]
    can_see_households: bool
    band: float
    names: dict[int, str] = field(default_factory=dict)
    incomplete: str = ""  # said when this year's review is not yet recognised
    figures_key: str = ""  # the versioned key the unit's figures were read under (figures_cache)

    @property
    def behind_by_unit(self) -> list[tuple[int, str, list[Figure]]]:
        """Who is behind, one line per child unit: the units behind on the most indicators first,
        then the farthest from a target; within a unit, its farthest first."""
        groups: dict[int, list[Figure]] = {}
        for figure in self.behind:  # already farthest first
            groups.setdefault(figure.unit_id, []).append(figure)

        def worst(figures: list[Figure]) -> float:
            shares = [f.row.share for f in figures if f.row.share is not None]
            return min(shares) if shares else -1.0

        ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), worst(item[1]),
                                                           sort_key(item[1][0].unit_name)))
        return [(unit_id, figures[0].unit_name, figures) for unit_id, figures in ordered]

    @property
    def band_percent(self) -> str:
        return format_number(100 * self.band, 0)

    @property
    def recent_days(self) -> int:
        return campaign.RECENT_DAYS

    @property
    def level_label(self) -> str:
        return str(Level(self.unit.level).label)

    def chart_data(self) -> dict:
        """What the charts draw (json_script): the same numbers as the tables, rounded alike."""
        lines = [line for line in self.trend if line.indicator.code in self.chart_codes
                 and any(v is not None for v in line.values)]
        return {
            "years": self.trend_years,
            "trend": [{"code": line.indicator.code, "label": line.indicator.short_name, "values": line.cells}
                      for line in lines],
            "poverty": {
                "years": [p.year for p in self.poverty],
                "poor": [p.poor for p in self.poverty],
                "near_poor": [p.near_poor for p in self.poverty],
                "rate": [rounded(Measure.PERCENT, p.rate) for p in self.poverty],
                "labels": {"poor": str(_("Hộ nghèo DTTS")), "near_poor": str(_("Hộ cận nghèo DTTS")),
                           "rate": str(_("Tỷ lệ hộ nghèo, cận nghèo DTTS (%)"))},
            },
            "percent_axis": str(_("Tỷ lệ (%)")),
            "count_axis": str(_("Số hộ")),
        }


def trend_years(year: int, years: Sequence[int]) -> list[int]:
    """The phase of ``year`` up to the last year with figures (2021–2025), else the last five
    years with figures up to ``year``."""
    phase = campaign.phase_for_year(year)
    last = max([y for y in years if y <= (phase.end_year if phase else year)] or [year])
    if phase:
        return list(range(phase.start_year, max(last, year) + 1))
    known = [y for y in years if y <= year] or [year]
    return known[-TREND_SPAN:]


def _ranking_key(figure: Figure):
    """Best first: the share of the target reached, else the value the way the indicator
    wants it; units without a value last."""
    row = figure.row
    if row.actual is None:
        return (1, 0.0, 0.0)
    value = row.actual if row.indicator.direction != Direction.DOWN else -row.actual
    share = row.share if row.share is not None else -math.inf
    return (0, -share, -value)


def rank(figures: Iterable[Figure], order: str = WORST) -> list[RankRow]:
    """Best first (or worst first), equal figures sharing a rank and listed in Vietnamese
    alphabetical order either way; units without a figure last."""
    ordered = sorted(figures, key=lambda f: (_ranking_key(f), sort_key(f.unit_name)))
    rows, last_key, last_rank = [], None, 0
    for position, figure in enumerate(ordered, start=1):
        key = _ranking_key(figure)
        if figure.row.actual is None:
            rows.append(RankRow(None, figure))
            continue
        if key != last_key:
            last_rank, last_key = position, key
        rows.append(RankRow(last_rank, figure))
    if order == WORST:
        valued = sorted((r for r in rows if r.rank is not None), key=lambda r: -r.rank)  # stable: ties stay a–z
        rows = valued + [r for r in rows if r.rank is None]
    return rows


def _with_last_known(card: Figure, trend: list[TrendLine], span: Sequence[int], year: int) -> Figure:
    if card.row.actual is not None:
        return card
    line = next((t for t in trend if t.indicator.code == card.indicator.code), None)
    if line is None:
        return card
    for y, value in sorted(zip(span, line.values), reverse=True):
        if y < year and value is not None:
            return replace(card, last_known=(y, format_value(card.indicator.measure, value)))
    return card



# --- the households behind a number ---------------------------------------------------------

def drill_kind(indicator: Indicator) -> str:
    """Which records make the indicator's figure: "assessment" (the year's assessments),
    "told" (the year's poor and near-poor EM reviews, reached or not), "reviews" (of them the
    poor, the near-poor or both); "" when there are no household records behind it."""
    formula = indicator.formula or ""
    if formula.startswith("assessment:"):
        return "assessment"
    if formula == "outreach:told":
        return "told"
    if formula in ("reviews:poor_count", "reviews:near_poor_count", "reviews:poor_near_rate"):
        return "reviews"
    return ""


def drillable(indicator: Indicator) -> bool:
    return bool(drill_kind(indicator))


MEETS, NOT_MEETS = "1", "0"


@dataclass
class HouseholdsBehind:
    unit: AdministrativeUnit
    indicator: Indicator
    period: Period
    records: QuerySet  # Assessment or Review rows, each with ``meets`` and ``year_status``
    total: int  # records the reader sees, whatever ``meets``
    meeting: int
    split: bool  # the records divide into meets / does not meet

    @property
    def not_meeting(self) -> int:
        return self.total - self.meeting

    @property
    def record_label(self) -> str:
        return str(_("Ngày đánh giá") if drill_kind(self.indicator) == "assessment" else _("Ngày rà soát"))

    @property
    def meets_label(self) -> str:
        return str(_("Đạt tiêu chí"))


def meets_words(behind: HouseholdsBehind, meets: str) -> str:
    """Which part of the list, in words (the page's heading, the file's subtitle, the audit)."""
    if not behind.split:
        return str(_("tất cả các hộ được tính"))
    if meets == MEETS:
        return str(_("các hộ đạt tiêu chí (tử số)"))
    if meets == NOT_MEETS:
        return str(_("các hộ chưa đạt tiêu chí"))
    return str(_("tất cả các hộ trong mẫu số"))
