"""What a dashboard shows, composed from the engine (``evaluation``, ``rollups``, ``tree``) for
one unit, year and cut-off: the indicator cards, the trend over the phase, the poverty
dynamics, the mentors' reach, the child units ranked for one indicator, who is behind, and the
households behind a village's number.

Selectors only: the caller has proved the reader may see the unit (``scoping.get_unit_or_404``
with ``INDICATOR_VIEW``); the households behind a number are narrowed again through the
reader's household scope (``households.selectors.households_visible_to``). The page and the .xlsx file
draw the same objects, so the screen and the file never disagree.

Percentages are numerator sums over denominator sums (the roll-ups keep both); nothing here
averages percentages.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.core.cache import cache
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Value
from django.utils.translation import gettext_lazy as _

from vuonlen.accounts import roles, scoping
from vuonlen.campaign import selectors as campaign
from vuonlen.campaign.models import IMPROVED_LIFE, Assessment
from vuonlen.core.formats import format_date, format_number
from vuonlen.core.periods import today_vn
from vuonlen.core.text import sort_key
from vuonlen.geo.models import REFORM_DATE, AdministrativeUnit, Era, Level, UnitLineage
from vuonlen.households.models import Review
from vuonlen.households.selectors import households_visible_to

from . import evaluation, sources
from .models import Direction, Indicator, Measure, Rollup
from .tree import Tree

# Household indicators drawn as lines on the trend chart (all in per cent of households).
CHART_CODES = ("TUYEN_TRUYEN", "NEP_NGHI", "KHKT", "DOI_SONG", "HTX")
POVERTY_CODES = ("HO_NGHEO", "HO_CAN_NGHEO", "TL_NGHEO_CN")
TREND_SPAN = 5  # years on the trend when the year is outside any phase
DRILL_MIN_LEVEL = Level.COMMUNE  # numbers link to their households from communes down
BEST, WORST = "best", "worst"

TARGET_KIND_LABELS = {
    "year": _("chỉ tiêu năm"),
    "phase": _("chỉ tiêu cuối giai đoạn"),
    "default": _("mức của kế hoạch"),
}
STATUS_CSS = evaluation.STATUS_CSS
STATUS_SIGNS = evaluation.STATUS_SIGNS


# --- formatting -----------------------------------------------------------------------------

def format_value(measure: str, value: float | None) -> str:
    """81,1% · 1.500.000 · 5,6 điểm %; "-" when there is no value."""
    if value is None:
        return "-"
    if measure == Measure.PERCENT:
        return f"{format_number(value, 1)}%"
    if measure == Measure.POINTS_A_YEAR:
        return f"{format_number(value, 1)} {_('điểm %')}"
    return format_number(value, 0)


def rounded(measure: str, value: float | None) -> float | int | None:
    """The value as the page prints it, for the spreadsheet cell."""
    if value is None:
        return None
    if measure in (Measure.PERCENT, Measure.POINTS_A_YEAR):
        return round(value, 1)
    return int(round(value))


def target_text(indicator: Indicator, target: float | None) -> str:
    if target is None:
        return "-"
    sign = "≤" if indicator.direction == Direction.DOWN else "≥"
    return f"{sign} {format_value(indicator.measure, target)}"


def share_text(share: float | None) -> str:
    return "-" if share is None else f"{format_number(share, 1)}%"


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


def data_years() -> list[int]:
    """The years the roll-ups hold figures for."""
    return sorted(Rollup.objects.order_by().values_list("year", flat=True).distinct())


def recognised_years() -> list[int]:
    """The years whose poverty review results have been recognised (at least one recognised review)."""
    return sorted(Review.objects.filter(recognised=True).order_by().values_list("year", flat=True).distinct())


def opening_year(years: Sequence[int] | None = None) -> int:
    """The year a dashboard opens on: the latest with recognised review data and figures (a year
    with a handful of early records must not read as the province's result), else the latest with
    figures, else this year."""
    years = data_years() if years is None else years
    recognised = [y for y in recognised_years() if not years or y in years]
    if recognised:
        return max(recognised)
    return max(years) if years else today_vn().year


def incomplete_note(shown_year: int, today: dt.date | None = None) -> str:
    """Says so when this year's figures are not complete (its review not yet recognised)."""
    today = today or today_vn()
    if today.year in recognised_years():
        return ""
    if shown_year == today.year:
        return str(_("Năm %(year)s chưa có kết quả rà soát được công nhận: số liệu của năm còn chưa đầy đủ.")
                   % {"year": today.year})
    return str(_("Năm %(year)s chưa có kết quả rà soát được công nhận, số liệu chưa đầy đủ; bảng điều khiển "
                 "mở năm %(shown)s, năm gần nhất đã công nhận.") % {"year": today.year, "shown": shown_year})


def default_cutoff(year: int, today: dt.date | None = None) -> dt.date:
    today = today or today_vn()
    return today if year == today.year else dt.date(year, 12, 31)


def period_for(year: int | None, cutoff: dt.date | None, years: Sequence[int]) -> Period:
    """The year asked for (else the latest with figures, else this year) and the cut-off asked
    for when it falls inside that year (else 31/12, or today in the current year)."""
    today = today_vn()
    if year is None:
        year = opening_year(years)
    if cutoff is None or cutoff.year != year:
        cutoff = default_cutoff(year, today)
    return Period(year=year, cutoff=cutoff)


def era_of_year(year: int) -> str:
    """A year belongs to the era in force on its 1 January (as in ``Tree.units_of_year``)."""
    return Era.PRE_2025 if dt.date(year, 1, 1) < REFORM_DATE else Era.POST_2025


def home_unit(user, *, era: str | None = None, year: int | None = None) -> AdministrativeUnit | None:
    """The reader's highest unit (province, district, commune) to open the dashboard on: in
    ``era`` when given, else preferably a unit that exists today — the era of the reader's unit
    today (a reader whose units all ended opens in their era; ``year`` decides between equals)."""
    qs = scoping.visible_units(user, roles.INDICATOR_VIEW).filter(level__lte=Level.COMMUNE)
    if era:
        return qs.filter(era=era).order_by("level", "name_sort", "pk").first()
    today = today_vn()
    living = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    if living.exists():
        qs = living
    units = list(qs.order_by("level", "name_sort", "pk")[:20].values_list("pk", "level", "era"))
    if not units:
        return None
    top = units[0][1]
    preferred = era_of_year(year) if year else None
    pick = next((u for u in units if u[1] == top and u[2] == preferred), units[0])
    return AdministrativeUnit.objects.get(pk=pick[0])


@dataclass(frozen=True)
class EraLink:
    era: str
    label: str
    unit_id: int | None
    current: bool


def era_links(user, unit: AdministrativeUnit) -> list[EraLink]:
    """Both eras, each with the unit to switch to: the same place in the other era when the
    reader may see it (an old commune's successor; a new commune's predecessor, or the district
    of its predecessors), else the reader's highest unit of that era; none when their scope has
    nothing in that era."""
    links = []
    place = unit.parent if unit.level == Level.VILLAGE and unit.parent_id else unit
    for era, label in Era.choices:
        if era == unit.era:
            links.append(EraLink(era, str(label), unit.pk, True))
            continue
        if unit.era == Era.PRE_2025:
            twins = list(UnitLineage.objects.filter(old_unit=place).values_list("new_unit_id", flat=True))
        else:
            twins = list(UnitLineage.objects.filter(new_unit=place).values_list("old_unit_id", flat=True))
        target = None
        if len(twins) > 1:
            # several old communes merged into one new: their district, when they share one
            parents = set(AdministrativeUnit.objects.filter(pk__in=twins).values_list("parent_id", flat=True))
            twins = list(parents) if len(parents) == 1 and None not in parents else []
        if len(twins) == 1:
            target = scoping.visible_units(user, roles.INDICATOR_VIEW).filter(pk=twins[0]).values_list(
                "pk", flat=True).first()
        if target is None:
            found = home_unit(user, era=era)
            target = found.pk if found else None
        links.append(EraLink(era, str(label), target, False))
    return links


def unit_options(user, era: str) -> list[tuple[int, str]]:
    """The units of ``era`` the reader may open (province, districts, communes), each under its
    parent in Vietnamese order, indented by level: the picker's choices. One query."""
    rows = list(scoping.visible_units(user, roles.INDICATOR_VIEW).filter(era=era, level__lte=Level.COMMUNE)
                .values_list("pk", "parent_id", "level", "name", "name_sort"))
    ids = {r[0] for r in rows}
    children: dict[int | None, list[tuple]] = {}
    for row in rows:
        parent = row[1] if row[1] in ids else None
        children.setdefault(parent, []).append(row)
    out: list[tuple[int, str]] = []

    def walk(parent, depth):
        for pk, _parent, level, name, _sort in sorted(children.get(parent, []), key=lambda r: (r[4], r[0])):
            out.append((pk, "\u2003" * depth + name))
            walk(pk, depth + 1)

    walk(None, 0)
    return out


def child_units(unit: AdministrativeUnit, tree: Tree) -> tuple[list[int], str]:
    """The units the dashboard ranks under ``unit`` and what to call them: its children
    (districts, communes, villages); for a post-2025 commune without villages of its own, the
    old communes merged into it."""
    kids = list(tree.children.get(unit.pk, ()))
    if kids:
        levels = {tree.level[k] for k in kids}
        label = {Level.DISTRICT: _("Huyện, thành phố"), Level.COMMUNE: _("Xã, phường, thị trấn"),
                 Level.VILLAGE: _("Thôn, làng, tổ dân phố")}.get(min(levels), _("Đơn vị"))
        return kids, str(label)
    old = list(tree.predecessors.get(unit.pk, ()))
    if old:
        return old, str(_("Xã, phường trước ngày 01/7/2025 hợp thành"))
    return [], ""


def source_units(tree: Tree, unit_id: int) -> list[int]:
    """Every unit whose own records add into ``unit_id``'s figure: the unit, its sub-tree and,
    for a post-2025 unit, the old communes merged into it with their sub-trees — the roll-up's
    own path (``Tree.sources_of``)."""
    found, stack = {unit_id}, [unit_id]
    while stack:
        for source in tree.sources_of(stack.pop()):
            if source not in found:
                found.add(source)
                stack.append(source)
    return sorted(found)


def breadcrumbs(unit: AdministrativeUnit, tree: Tree, names: dict[int, str], user) -> list[tuple[int | None, str]]:
    """The unit's ancestors the reader may open, then the unit itself (no link)."""
    scope = scoping.scope_for(user, roles.INDICATOR_VIEW)
    crumbs = []
    for ancestor in reversed(tree.ancestors(unit.pk)):
        crumbs.append((ancestor if scope.covers_path(tree.path[ancestor]) else None, names.get(ancestor, "")))
    crumbs.append((None, unit.name))
    return crumbs


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


def dashboard(user, unit: AdministrativeUnit, *, year: int | None = None, cutoff: dt.date | None = None,
              indicator_code: str | None = None, order: str = WORST, band: float | None = None) -> Dashboard:
    """Everything the dashboard of ``unit`` shows (``unit`` already checked against the
    reader's scope)."""
    years = data_years()
    period = period_for(year, cutoff, years)
    tree = Tree.load()
    kids, children_label = child_units(unit, tree)
    ev = evaluation.Evaluation(cutoff=period.cutoff, band=band)
    rows = ev.rows([unit.pk, *kids])
    names = dict(AdministrativeUnit.objects.filter(pk__in=[*kids, *tree.ancestors(unit.pk)])
                 .values_list("pk", "name"))
    names[unit.pk] = unit.name
    can_see_households = scoping.can(user, roles.HOUSEHOLD_VIEW, unit)

    def figure(row: evaluation.Row) -> Figure:
        level = tree.level.get(row.unit_id, 0)
        return Figure(row=row, unit_id=row.unit_id, unit_name=names.get(row.unit_id, ""), unit_level=level,
                      drillable=can_see_households and level >= DRILL_MIN_LEVEL)

    own = [figure(r) for r in rows if r.unit_id == unit.pk]
    cards = [f for f in own if f.indicator.plan_item is not None]
    child_rows = [r for r in rows if r.unit_id != unit.pk]

    # Ranking: one indicator over the children; by default the first (catalogue order) on which
    # a child is behind, else the first any child has a value for.
    by_code: dict[str, list[evaluation.Row]] = {}
    for row in child_rows:
        by_code.setdefault(row.indicator.code, []).append(row)
    ranking_indicators = [i for i in ev.indicators if i.code in by_code]
    chosen = next((i for i in ranking_indicators if i.code == indicator_code), None)
    if chosen is None:
        chosen = next((i for i in ranking_indicators
                       if any(r.status == evaluation.BEHIND for r in by_code[i.code])), None)
    if chosen is None:
        chosen = next((i for i in ranking_indicators if any(r.actual is not None for r in by_code[i.code])),
                      ranking_indicators[0] if ranking_indicators else None)
    ranking = rank([figure(r) for r in by_code.get(chosen.code, [])], order) if chosen else []
    behind = [figure(r) for r in evaluation.behind(child_rows)]

    # Trend and poverty dynamics: the unit's figures over the phase.
    span = trend_years(period.year, years)
    level_indicators = [i for i in ev.indicators if not i.levels or unit.level in i.levels]
    trend_indicators = [i for i in level_indicators if i.plan_item is not None or i.code in POVERTY_CODES]
    values = evaluation.trend(unit.pk, trend_indicators, span)
    trend = [TrendLine(i, values.get(i.code, [None] * len(span))) for i in trend_indicators]
    poverty = poverty_dynamics(ev, unit.pk, span)
    cards = [_with_last_known(card, trend, span, period.year) for card in cards]

    return Dashboard(
        unit=unit, period=period, years=years, crumbs=breadcrumbs(unit, tree, names, user), cards=cards,
        trend_years=span, trend=trend, chart_codes=CHART_CODES, poverty=poverty,
        coverage=coverage(unit, today_vn()),
        children_label=children_label, ranking_indicators=ranking_indicators, ranking_indicator=chosen,
        order=order, ranking=ranking, behind=behind, can_see_households=can_see_households, band=ev.band,
        names=names, incomplete=incomplete_note(period.year))


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


def poverty_dynamics(ev: evaluation.Evaluation, unit_id: int, years: Sequence[int]) -> list[PovertyYear]:
    """Poor and near-poor EM households and their rate per year (current reviews; the rate over
    the population base's EM households), with the change from the year before."""
    figures = ev.figures([unit_id], [years[0] - 1, *years])
    out: list[PovertyYear] = []

    def count(year, code):
        cell = figures.get((unit_id, year, code))
        return cell[0] if cell else None

    def rate(year):
        cell = figures.get((unit_id, year, "TL_NGHEO_CN"))
        return 100 * cell[0] / cell[1] if cell and cell[1] else None

    for year in years:
        cell = figures.get((unit_id, year, "TL_NGHEO_CN"))
        now, before = rate(year), rate(year - 1)
        poor, near = count(year, "HO_NGHEO"), count(year, "HO_CAN_NGHEO")
        if (poor is None) != (near is None):  # the year was reviewed: a missing count is none found
            poor, near = poor or 0, near or 0
        out.append(PovertyYear(year=year, poor=poor, near_poor=near,
                               em_households=cell[1] if cell and cell[1] else None, rate=now,
                               change=None if now is None or before is None else round(round(now, 1) - round(before, 1), 1)))
    return out


def _coverage_stamp() -> str:
    """Changes with any assignment, visit or household change (three max() queries), so a
    cached coverage is never older than the data behind it."""
    from django.db.models import Max

    from vuonlen.campaign.models import MentorAssignment, Visit
    from vuonlen.households.models import Household

    parts = []
    for model in (MentorAssignment, Visit, Household):
        found = model.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
        parts.append(f"{found['n']}-{found['at'].timestamp() if found['at'] else 0}")
    return "/".join(parts)


def coverage(unit: AdministrativeUnit, on: dt.date) -> Coverage:
    """Mentors' reach among today's poor and near-poor EM households under ``unit``
    (``campaign.selectors.mentor_coverage``). Households are registered under the old units, so
    a post-2025 unit adds up the old units merged into it."""
    units = [unit]
    if unit.era == Era.POST_2025:
        units += list(AdministrativeUnit.objects.filter(successor_links__new_unit=unit))
    total = Coverage(on=on, households=0, with_mentor=0, visited_recent=0, visits_recent=0)
    stamp = _coverage_stamp()
    for one in units:
        key = f"vuonlen:coverage:{one.pk}:{on.isoformat()}:{stamp}"
        part = cache.get(key)
        if part is None:
            part = campaign.mentor_coverage(one, on)
            cache.set(key, part, 600)
        total.households += part.households
        total.with_mentor += part.with_mentor
        total.visited_recent += part.visited_recent
        total.visits_recent += part.visits_recent
    return total


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


def _criterion(name: str) -> Q:
    """An assessment meeting the criterion ``name`` of a formula "assessment:<name>"
    (as ``sources`` counts it: "improved_life" is all four conditions)."""
    if name == "improved_life":
        return Q(**{f: True for f in IMPROVED_LIFE})
    return Q(**{name: True})


def _reached(year: int, until: dt.date | None) -> Exists:
    """The review's household took part in an outreach activity dated in ``year`` (by ``until``)."""
    from vuonlen.outreach.models import Activity

    links = Activity.households.through.objects.filter(
        household_id=OuterRef("household_id"), activity__date__gte=dt.date(year, 1, 1),
        activity__date__lte=min(dt.date(year, 12, 31), until) if until else dt.date(year, 12, 31))
    return Exists(links)


def _reviews(year: int, until: dt.date | None) -> QuerySet[Review]:
    qs = Review.objects.filter(year=year, is_current=True, is_ethnic_minority=True,
                               status__in=[sources.POOR, sources.NEAR_POOR])
    if until:
        # as ``sources.compute_direct`` counts reviews at a cut-off
        qs = qs.filter(Q(reviewed_on__lte=until) | Q(reviewed_on__isnull=True, year__lt=until.year))
    return qs


def households_behind(user, unit: AdministrativeUnit, indicator: Indicator, period: Period,
                      meets: str = "") -> HouseholdsBehind:
    """The records (one per household and year) that make ``unit``'s figure of ``indicator``
    in ``period``, narrowed to the households the reader may see; ``meets`` "1" keeps those
    counted in the numerator, "0" the others. Mirrors ``sources.compute_direct`` rule by rule,
    so with a whole-area reader the counts equal the dashboard's numerator and denominator."""
    kind = drill_kind(indicator)
    if not kind:
        raise ValueError(indicator.code)
    tree = Tree.load()
    units = source_units(tree, unit.pk)
    until = period.records_until
    visible = households_visible_to(user).values("pk")
    current_status = Review.objects.filter(household=OuterRef("household_id"), year=period.year,
                                           is_current=True).values("status")[:1]
    split = True
    if kind == "assessment":
        name = indicator.formula.split(":", 1)[1]
        qs = Assessment.objects.filter(year=period.year, unit_id__in=units)
        if until:
            qs = qs.filter(assessed_on__lte=until)
        qs = qs.annotate(meets=ExpressionWrapper(_criterion(name), output_field=BooleanField()),
                         year_status=Subquery(current_status))
    else:
        qs = _reviews(period.year, until).filter(unit_id__in=units).annotate(year_status=F("status"))
        if kind == "told":
            qs = qs.annotate(meets=_reached(period.year, until))
        else:
            wanted = {"reviews:poor_count": [sources.POOR], "reviews:near_poor_count": [sources.NEAR_POOR]}.get(
                indicator.formula, [sources.POOR, sources.NEAR_POOR])
            qs = qs.filter(status__in=wanted).annotate(meets=Value(True, output_field=BooleanField()))
            split = False
    qs = qs.filter(household_id__in=visible)
    counts = qs.aggregate(total=Count("pk"), meeting=Count("pk", filter=Q(meets=True)))
    if meets == MEETS:
        qs = qs.filter(meets=True)
    elif meets == NOT_MEETS and split:
        qs = qs.filter(meets=False)
    qs = qs.select_related("household", "household__unit", "household__commune").order_by(
        "household__head_sort", "household__code", "pk")
    return HouseholdsBehind(unit=unit, indicator=indicator, period=period, records=qs, total=counts["total"],
                            meeting=counts["meeting"], split=split)


def record_date(record) -> str:
    return format_date(getattr(record, "assessed_on", None) or getattr(record, "reviewed_on", None))


def meets_words(behind: HouseholdsBehind, meets: str) -> str:
    """Which part of the list, in words (the page's heading, the file's subtitle, the audit)."""
    if not behind.split:
        return str(_("tất cả các hộ được tính"))
    if meets == MEETS:
        return str(_("các hộ đạt tiêu chí (tử số)"))
    if meets == NOT_MEETS:
        return str(_("các hộ chưa đạt tiêu chí"))
    return str(_("tất cả các hộ trong mẫu số"))


def unit_crumbs(user, unit: AdministrativeUnit) -> list[tuple[int | None, str]]:
    """The unit's ancestors the reader may open, then the unit itself, every one linked."""
    tree = Tree.load()
    names = dict(AdministrativeUnit.objects.filter(pk__in=tree.ancestors(unit.pk)).values_list("pk", "name"))
    crumbs = breadcrumbs(unit, tree, names, user)
    return [*crumbs[:-1], (unit.pk, unit.name)]


# --- the files ------------------------------------------------------------------------------

ALL_TABLES = "all"
TABLE_TITLES = {
    "cards": "Kết quả so với chỉ tiêu",
    "behind": "Đơn vị chậm tiến độ",
    "ranking": "Xếp hạng đơn vị",
    "trend": "Xu hướng qua các năm",
    "poverty": "Diễn biến hộ nghèo, cận nghèo DTTS",
    "coverage": "Người phụ trách hộ",
}
TABLES = tuple(TABLE_TITLES)
SHEET_NAMES = {"cards": "Chỉ tiêu", "behind": "Chậm tiến độ", "ranking": "Xếp hạng", "trend": "Xu hướng",
               "poverty": "Diễn biến nghèo", "coverage": "Người phụ trách", "households": "Danh sách hộ"}
ONE_DECIMAL = "#,##0.0"
SIGNATURES = ("NGƯỜI LẬP BIỂU\n(Ký, ghi rõ họ tên)", "TM. BAN CHỈ ĐẠO")


def _sheet(workbook, unit: AdministrativeUnit, key: str, title: str, columns, subtitle: Sequence[str]):
    from vuonlen.documents.excel import AdministrativeSheet
    from vuonlen.households.official_tables import short_place

    return AdministrativeSheet(workbook.create_sheet(SHEET_NAMES[key]), columns=columns, title=title.upper(),
                               issuer_parent="BAN CHỈ ĐẠO CUỘC VẬN ĐỘNG", issuer=unit.name,
                               subtitle=list(subtitle), place=short_place(unit), date=today_vn())


def _one_decimal(sheet, keys: Sequence[str], first_row: int) -> None:
    """Rates with one decimal, as the page prints them (the shared layout gives two)."""
    for index, column in enumerate(sheet.columns, start=1):
        if column.key in keys:
            for row in range(first_row, sheet.row):
                cell = sheet.sheet.cell(row=row, column=index)
                if isinstance(cell.value, (int, float)):
                    cell.number_format = ONE_DECIMAL


def _period_line(board: Dashboard) -> str:
    return f"{board.unit.name} — năm {board.period.year}, số liệu đến ngày {format_date(board.period.cutoff)}"


def _figure_cells(figure: Figure) -> list:
    ratio = figure.has_ratio
    return [figure.row.numerator if ratio or figure.indicator.measure != Measure.PERCENT else None,
            figure.row.denominator if ratio else None, figure.value_cell, figure.target_cell,
            figure.target_kind_label if figure.row.target is not None else "", figure.share_cell,
            figure.status_label]


def _figure_columns():
    from vuonlen.documents.excel import Column

    return [Column("numerator", "Tử số", "1", "count", 11), Column("denominator", "Mẫu số", "2", "count", 11),
            Column("actual", "Kết quả", "3", "rate", 10), Column("target", "Chỉ tiêu", "4", "rate", 10),
            Column("target_kind", "Loại chỉ tiêu", "5", "text", 16),
            Column("share", "% chỉ tiêu đạt được", "6", "rate", 11), Column("status", "Đánh giá", "7", "text", 15)]


RATE_KEYS = ("actual", "target", "share", "rate", "change", "percent")


def _write_cards(workbook, board: Dashboard) -> None:
    from vuonlen.documents.excel import Column

    columns = [Column("number", "TT", "A", "text", 5), Column("name", "Chỉ tiêu", "B", "text", 42),
               *_figure_columns()]
    sheet = _sheet(workbook, board.unit, "cards", TABLE_TITLES["cards"], columns,
                   [_period_line(board), f"Đánh giá tiến độ: lệch không quá {format_number(100 * board.band, 0)}% "
                                         "so với mức cần đạt tại ngày số liệu là đúng tiến độ"])
    first = sheet.row
    sheet.add_block([[str(i), f.indicator.name, *_figure_cells(f)] for i, f in enumerate(board.cards, start=1)])
    _one_decimal(sheet, RATE_KEYS, first)
    sheet.finish(notes=["Tỷ lệ = tổng tử số / tổng mẫu số của các đơn vị trực thuộc (không lấy bình quân các tỷ lệ)."],
                 signatures=SIGNATURES)


def _write_ranking(workbook, board: Dashboard) -> None:
    from vuonlen.documents.excel import Column

    if board.ranking_indicator is None:
        return
    columns = [Column("rank", "Hạng", "A", "text", 6), Column("name", board.children_label or "Đơn vị", "B", "text", 30),
               *_figure_columns()]
    order = "từ thấp đến cao" if board.order == WORST else "từ cao đến thấp"
    sheet = _sheet(workbook, board.unit, "ranking", TABLE_TITLES["ranking"], columns,
                   [_period_line(board), f"Chỉ tiêu: {board.ranking_indicator.name}",
                    f"Xếp theo % chỉ tiêu đạt được, {order}"])
    first = sheet.row
    sheet.add_block([["" if r.rank is None else str(r.rank), r.figure.unit_name, *_figure_cells(r.figure)]
                     for r in board.ranking] or [["", "Không có đơn vị", *[None] * 7]])
    _one_decimal(sheet, RATE_KEYS, first)
    sheet.finish(signatures=SIGNATURES)


def _write_behind(workbook, board: Dashboard) -> None:
    from vuonlen.documents.excel import Column

    columns = [Column("number", "TT", "A", "text", 5), Column("unit", "Đơn vị", "B", "text", 26),
               Column("indicator", "Chỉ tiêu", "C", "text", 34), Column("actual", "Kết quả", "1", "rate", 10),
               Column("expected", "Mức cần đạt tại ngày số liệu", "2", "rate", 13),
               Column("target", "Chỉ tiêu", "3", "rate", 10),
               Column("share", "% chỉ tiêu đạt được", "4", "rate", 11)]
    sheet = _sheet(workbook, board.unit, "behind", TABLE_TITLES["behind"], columns, [_period_line(board)])
    first = sheet.row
    rows = [[str(i), f.unit_name, f.indicator.short_name, f.value_cell,
             rounded(f.indicator.measure, f.row.expected), f.target_cell, f.share_cell]
            for i, f in enumerate(board.behind, start=1)]
    sheet.add_block(rows or [["", "Không có đơn vị chậm tiến độ", "", None, None, None, None]])
    _one_decimal(sheet, RATE_KEYS, first)
    sheet.finish(signatures=SIGNATURES)


def _write_trend(workbook, board: Dashboard) -> None:
    from vuonlen.documents.excel import Column

    columns = [Column("number", "TT", "A", "text", 5), Column("name", "Chỉ tiêu", "B", "text", 40),
               *[Column(f"y{year}", f"Năm {year}", str(i), "rate", 10)
                 for i, year in enumerate(board.trend_years, start=1)]]
    sheet = _sheet(workbook, board.unit, "trend", TABLE_TITLES["trend"], columns, [_period_line(board)])
    first = sheet.row
    sheet.add_block([[str(i), f"{line.indicator.short_name} ({line.indicator.get_measure_display()})", *line.cells]
                     for i, line in enumerate(board.trend, start=1)])
    for index, line in enumerate(board.trend):
        decimals = line.indicator.measure in (Measure.PERCENT, Measure.POINTS_A_YEAR)
        for column in range(3, 3 + len(board.trend_years)):
            cell = sheet.sheet.cell(row=first + index, column=column)
            if isinstance(cell.value, (int, float)):
                cell.number_format = ONE_DECIMAL if decimals else "#,##0"
    sheet.finish(signatures=SIGNATURES)


def _write_poverty(workbook, board: Dashboard) -> None:
    from vuonlen.documents.excel import Column

    columns = [Column("year", "Năm", "A", "text", 8), Column("poor", "Hộ nghèo DTTS", "1", "count", 12),
               Column("near", "Hộ cận nghèo DTTS", "2", "count", 12),
               Column("total", "Cộng hộ nghèo, cận nghèo", "3=1+2", "count", 13),
               Column("base", "Tổng số hộ DTTS (dân số nền)", "4", "count", 14),
               Column("rate", "Tỷ lệ hộ nghèo, cận nghèo (%)", "5=3/4*100", "rate", 13),
               Column("change", "Tăng (+), giảm (−) so với năm trước (điểm %)", "6", "rate", 16)]
    sheet = _sheet(workbook, board.unit, "poverty", TABLE_TITLES["poverty"], columns,
                   [f"{board.unit.name}, năm {board.trend_years[0]}–{board.trend_years[-1]}"])
    first = sheet.row
    sheet.add_block([[str(p.year), p.poor, p.near_poor, p.total, p.em_households, rounded(Measure.PERCENT, p.rate),
                      p.change] for p in board.poverty])
    _one_decimal(sheet, RATE_KEYS, first)
    sheet.finish(notes=["Theo kết quả rà soát hằng năm (bản hiện hành) của hộ đồng bào dân tộc thiểu số."],
                 signatures=SIGNATURES)


def _write_coverage(workbook, board: Dashboard) -> None:
    from vuonlen.documents.excel import Column

    c = board.coverage
    columns = [Column("number", "TT", "A", "text", 5), Column("name", "Nội dung", "B", "text", 48),
               Column("count", "Số hộ", "1", "count", 12), Column("percent", "Tỷ lệ (%)", "2", "rate", 11)]
    sheet = _sheet(workbook, board.unit, "coverage", TABLE_TITLES["coverage"], columns,
                   [f"{board.unit.name}, ngày {format_date(c.on)}"])
    first = sheet.row
    sheet.add_block([
        ["1", "Hộ nghèo, cận nghèo DTTS đang theo dõi", c.households, None],
        ["2", "Có người phụ trách", c.with_mentor, rounded(Measure.PERCENT, c.mentor_percent)],
        ["3", f"Được thăm trong {campaign.RECENT_DAYS} ngày qua", c.visited_recent,
         rounded(Measure.PERCENT, c.visited_percent)],
        ["4", f"Số lần thăm trong {campaign.RECENT_DAYS} ngày qua", c.visits_recent, None],
    ])
    _one_decimal(sheet, RATE_KEYS, first)
    sheet.finish(signatures=SIGNATURES)


_WRITERS = {"cards": _write_cards, "behind": _write_behind, "ranking": _write_ranking, "trend": _write_trend,
            "poverty": _write_poverty, "coverage": _write_coverage}


def dashboard_workbook(board: Dashboard, table: str = ALL_TABLES):
    """The dashboard's tables as sheets (one, or all of them)."""
    from vuonlen.documents.excel import new_workbook

    workbook = new_workbook()
    for key in (TABLES if table == ALL_TABLES else (table,)):
        if key in ("behind", "ranking") and not board.children_label:
            continue
        _WRITERS[key](workbook, board)
    if not workbook.sheetnames:
        workbook.create_sheet("Trống")
    return workbook


def households_workbook(behind: HouseholdsBehind, meets: str):
    """The list as the page shows it (no ID numbers, no phone), every row, one sheet."""
    from vuonlen.documents.excel import Column, new_workbook

    from vuonlen.households.templatetags.households import status_label

    workbook = new_workbook()
    columns = [Column("number", "STT", "A", "text", 6), Column("head", "Chủ hộ", "B", "text", 26),
               Column("code", "Mã hộ", "C", "text", 14), Column("village", "Thôn", "D", "text", 20),
               Column("commune", "Xã", "E", "text", 22),
               Column("status", f"Tình trạng năm {behind.period.year}", "F", "text", 14),
               Column("meets", behind.meets_label, "G", "text", 18),
               Column("date", behind.record_label, "H", "text", 12)]
    sheet = _sheet(workbook, behind.unit, "households", "Danh sách hộ theo chỉ tiêu", columns, [
        f"Chỉ tiêu: {behind.indicator.name}",
        f"{behind.unit.name} — năm {behind.period.year}, số liệu đến ngày {format_date(behind.period.cutoff)}; "
        f"{meets_words(behind, meets)}"])
    rows = []
    for index, record in enumerate(behind.records.iterator(chunk_size=2000), start=1):
        household = record.household
        rows.append([str(index), household.head_name, household.code,
                     household.unit.name if household.unit_id != household.commune_id else "",
                     household.commune.name, status_label(record.year_status) if record.year_status else "",
                     ("Đạt" if record.meets else "Chưa đạt") if behind.split else "Có", record_date(record)])
    sheet.add_block(rows or [["", "Không có hộ", "", "", "", "", "", ""]])
    sheet.finish(signatures=SIGNATURES)
    return workbook


__all__ = ["Dashboard", "Figure", "HouseholdsBehind", "Period", "dashboard", "households_behind", "home_unit",
           "era_links", "unit_options", "period_for", "data_years", "format_value", "source_units",
           "dashboard_workbook", "households_workbook"]
