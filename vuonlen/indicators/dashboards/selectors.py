"""The dashboard's queries, composed from the engine (``evaluation``, ``rollups``, ``tree``) for
one unit, year and cut-off: the years with figures, the units to open, the dashboard itself
(``dashboard``), the poverty dynamics, the mentors' reach, and the households behind a
village's number.

Selectors only: the caller has proved the reader may see the unit (``scoping.get_unit_or_404``
with ``INDICATOR_VIEW``); the households behind a number are narrowed again through the
reader's household scope (``households.selectors.households_visible_to``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Value
from django.utils.translation import gettext_lazy as _

from vuonlen.accounts import roles, scoping
from vuonlen.campaign import selectors as campaign
from vuonlen.campaign.models import IMPROVED_LIFE, Assessment
from vuonlen.core.periods import today_vn
from vuonlen.geo.models import REFORM_DATE, AdministrativeUnit, Era, Level, UnitLineage
from vuonlen.households.models import Review
from vuonlen.households.selectors import households_visible_to

from .. import evaluation, figures_cache, sources
from ..models import Indicator, Rollup
from ..tree import Tree
from .formatting import CHART_CODES, DRILL_MIN_LEVEL, POVERTY_CODES, WORST
from .viewmodel import (
    MEETS,
    NOT_MEETS,
    Coverage,
    Dashboard,
    EraLink,
    Figure,
    HouseholdsBehind,
    Period,
    PovertyYear,
    TrendLine,
    _with_last_known,
    drill_kind,
    rank,
    trend_years,
)


def data_years() -> list[int]:
    """The years the roll-ups hold figures for (cached until the roll-ups change)."""
    return figures_cache.cached(("data-years",), lambda: sorted(
        Rollup.objects.order_by().values_list("year", flat=True).distinct()))


def recognised_years() -> list[int]:
    """The years whose poverty review results have been recognised (at least one recognised review;
    cached until the review figures are refreshed, which every saved review makes them be)."""
    return figures_cache.cached(("recognised-years",), _recognised_years, topics=("reviews",))


def _recognised_years() -> list[int]:
    """A loose index scan of the recognised reviews' years (the partial index
    ``households_review_recog_year``): one probe a year, where ``SELECT DISTINCT year … WHERE
    recognised`` read every review — 0.9 s of server CPU per cold dashboard at 1,000,000
    households (docs/scale.md). The condition is written as the index's own (``recognised`` on
    PostgreSQL, ``recognised = 1`` on SQLite), so that either planner takes the index."""
    from django.db import connection

    table = connection.ops.quote_name(Review._meta.db_table)
    recognised = "recognised" if connection.vendor == "postgresql" else "recognised = 1"
    with connection.cursor() as cursor:
        cursor.execute(f"WITH RECURSIVE y(year) AS (SELECT MIN(year) FROM {table} WHERE {recognised} UNION ALL "
                       f"SELECT (SELECT MIN(year) FROM {table} WHERE {recognised} AND year > y.year) FROM y "
                       "WHERE y.year IS NOT NULL) SELECT year FROM y WHERE year IS NOT NULL")
        return [row[0] for row in cursor.fetchall()]


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


def _by_scope(name: str, user, parts: tuple, compute):
    """``compute()`` kept between requests for every reader of the same indicator scope: what
    is drawn only from the units, their lineage and that scope (the unit a dashboard opens on,
    the picker, the era links; a few ORM queries on every view, issue 17). Keyed by the scope
    as computed afresh on this request — a role given or ended shows on the next page —, the
    day and the language, under the tree's version (``geo.versions``: any unit or lineage row
    written)."""
    from django.utils.translation import get_language

    from vuonlen.geo.versions import cached_by_tree

    scope = scoping.scope_for(user, roles.INDICATOR_VIEW)
    if scope.empty:
        return compute()
    paths = ("*",) if scope.everything else scope.paths
    return cached_by_tree(f"dashboard-{name}", (*parts, today_vn().isoformat(), get_language(), *paths),
                          compute, 600)


def home_unit(user, *, era: str | None = None, year: int | None = None) -> AdministrativeUnit | None:
    """The reader's highest unit (province, district, commune) to open the dashboard on: in
    ``era`` when given, else preferably a unit that exists today — the era of the reader's unit
    today (a reader whose units all ended opens in their era; ``year`` decides between equals).
    Kept per scope (``_by_scope``)."""
    preferred = era_of_year(year) if year and not era else None
    return _by_scope("home", user, (era or "", preferred or ""), lambda: _home_unit(user, era, preferred))


def _home_unit(user, era: str | None, preferred: str | None) -> AdministrativeUnit | None:
    qs = scoping.visible_units(user, roles.INDICATOR_VIEW).filter(level__lte=Level.COMMUNE)
    if era:
        return qs.filter(era=era).order_by("level", "name_sort", "pk").first()
    today = today_vn()
    # One query (issue 17: this runs on every opening of the dashboards): the units existing
    # today first, so when there are any the first rows are theirs alone.
    living = ExpressionWrapper(Q(valid_to__isnull=True) | Q(valid_to__gte=today), output_field=BooleanField())
    units = list(qs.select_related("parent").annotate(living=living).order_by("-living", "level", "name_sort", "pk")[:20])
    if not units:
        return None
    units = [u for u in units if u.living == units[0].living]
    top = units[0].level
    return next((u for u in units if u.level == top and u.era == preferred), units[0])


def era_links(user, unit: AdministrativeUnit) -> list[EraLink]:
    """Both eras, each with the unit to switch to: the same place in the other era when the
    reader may see it (an old commune's successor; a new commune's predecessor, or the district
    of its predecessors), else the reader's highest unit of that era; none when their scope has
    nothing in that era. Kept per scope (``_by_scope``)."""
    return _by_scope("era-links", user, (unit.pk,), lambda: _era_links(user, unit))


def _era_links(user, unit: AdministrativeUnit) -> list[EraLink]:
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
    parent in Vietnamese order, indented by level: the picker's choices. One query, kept per
    scope (``_by_scope``)."""
    return _by_scope("options", user, (era,), lambda: _unit_options(user, era))


def _unit_options(user, era: str) -> list[tuple[int, str]]:
    rows = list(scoping.visible_units(user, roles.INDICATOR_VIEW).filter(era=era, level__lte=Level.COMMUNE)
                .values_list("pk", "parent_id", "level", "name", "name_sort"))
    ids = {r[0] for r in rows}
    children: dict[int | None, list[tuple]] = {}
    for row in rows:
        parent = row[1] if row[1] in ids else None
        children.setdefault(parent, []).append(row)
    out: list[tuple[int, str]] = []

    def walk(parent, depth):
        for pk, _parent, _level, name, _sort in sorted(children.get(parent, []), key=lambda r: (r[4], r[0])):
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


def dashboard(user, unit: AdministrativeUnit, *, year: int | None = None, cutoff: dt.date | None = None,
              indicator_code: str | None = None, order: str = WORST, band: float | None = None) -> Dashboard:
    """Everything the dashboard of ``unit`` shows (``unit`` already checked against the
    reader's scope)."""
    years = data_years()
    period = period_for(year, cutoff, years)
    tree = Tree.load()
    kids, children_label = child_units(unit, tree)
    figures, figures_key = unit_figures(unit, kids, period, band, tree=tree, with_key=True)
    rows = figures.rows
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
    ranking_indicators = [i for i in figures.indicators if i.code in by_code]
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
    span = figures.span
    trend = [TrendLine(i, figures.trend.get(i.code, [None] * len(span))) for i in figures.trend_indicators]
    poverty = figures.poverty
    cards = [_with_last_known(card, trend, span, period.year) for card in cards]

    return Dashboard(
        unit=unit, period=period, years=years, crumbs=breadcrumbs(unit, tree, names, user), cards=cards,
        trend_years=span, trend=trend, chart_codes=CHART_CODES, poverty=poverty,
        coverage=coverage(unit, today_vn()),
        children_label=children_label, ranking_indicators=ranking_indicators, ranking_indicator=chosen,
        order=order, ranking=ranking, behind=behind, can_see_households=can_see_households, band=figures.band,
        names=names, incomplete=incomplete_note(period.year), figures_key=figures_key)


@dataclass
class UnitFigures:
    """The evaluated figures of a unit and its children at one cut-off: what costs queries on a
    dashboard, the same for every reader who may open the unit, so cached per roll-up version
    (``figures_cache``)."""

    rows: list[evaluation.Row]
    indicators: list[Indicator]
    band: float
    span: list[int]
    trend_indicators: list[Indicator]
    trend: dict[str, list[float | None]]
    poverty: list[PovertyYear]


def unit_figures(unit: AdministrativeUnit, kids: Sequence[int], period: Period, band: float | None, *,
                 tree: Tree | None = None, with_key: bool = False):
    """``unit``'s and its children's evaluated rows, its trend and poverty dynamics, computed once
    per version of the unit's figures (``figures_cache``: a change elsewhere leaves them cached)
    and day (a cut-off of today moves with the date)."""

    def compute() -> UnitFigures:
        ev = evaluation.Evaluation(cutoff=period.cutoff, band=band, tree=tree)
        span = trend_years(period.year, data_years())
        level_indicators = [i for i in ev.indicators if not i.levels or unit.level in i.levels]
        trend_indicators = [i for i in level_indicators if i.plan_item is not None or i.code in POVERTY_CODES]
        return UnitFigures(rows=ev.rows([unit.pk, *kids]), indicators=ev.indicators, band=ev.band, span=span,
                           trend_indicators=trend_indicators,
                           trend=evaluation.trend(unit.pk, trend_indicators, span, tree=ev.tree, like=ev),
                           poverty=poverty_dynamics(ev, unit.pk, span))

    parts = ("unit", unit.pk, ",".join(map(str, kids)), period.year, period.cutoff.isoformat(),
             evaluation.default_band() if band is None else band, today_vn().isoformat())
    return figures_cache.cached(parts, compute, unit=unit.pk, local=True, with_key=with_key)


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


COVERAGE_STAMP_KEY = "vuonlen:coverage:stamp"
# The stamp is read at most this often (seconds): a household's change (its status, its end)
# shows in the mentors' reach within that time; an assignment or a visit at once
# (``signals``: their saves and deletes drop the stamp).
COVERAGE_STAMP_TTL = 5


def _coverage_stamp() -> str:
    """Changes with any assignment, visit or household change (their counts and latest updates,
    in one statement, kept ``COVERAGE_STAMP_TTL`` seconds), so a cached coverage is never older
    than the data behind it by more than that."""
    stamp = cache.get(COVERAGE_STAMP_KEY)
    if stamp is not None:
        return stamp
    from django.db import connection

    from vuonlen.campaign.models import MentorAssignment, Visit
    from vuonlen.households.models import Household

    columns = ", ".join(f'(SELECT COUNT(*) FROM "{t}"), (SELECT MAX(updated_at) FROM "{t}")'
                        for t in (m._meta.db_table for m in (MentorAssignment, Visit, Household)))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        stamp = "/".join(str(value).replace(" ", "T") for value in cursor.fetchone())
    cache.set(COVERAGE_STAMP_KEY, stamp, COVERAGE_STAMP_TTL)
    return stamp


def coverage(unit: AdministrativeUnit, on: dt.date) -> Coverage:
    """Mentors' reach among today's poor and near-poor EM households under ``unit``
    (``campaign.selectors.mentor_coverage``). Households are registered under the old units, so
    a post-2025 unit adds up the old units merged into it."""
    units = [unit]
    if unit.era == Era.POST_2025:
        from vuonlen.geo.versions import cached_by_tree

        # The old units merged into it, kept under the tree's version (asked on every view).
        units += cached_by_tree("predecessors", (unit.pk,), lambda: list(
            AdministrativeUnit.objects.filter(successor_links__new_unit=unit).order_by("pk")), 600)
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


def unit_crumbs(user, unit: AdministrativeUnit) -> list[tuple[int | None, str]]:
    """The unit's ancestors the reader may open, then the unit itself, every one linked."""
    tree = Tree.load()
    names = dict(AdministrativeUnit.objects.filter(pk__in=tree.ancestors(unit.pk)).values_list("pk", "name"))
    crumbs = breadcrumbs(unit, tree, names, user)
    return [*crumbs[:-1], (unit.pk, unit.name)]
