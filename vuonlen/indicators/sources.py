"""Where each computed indicator's numbers come from: the "direct" figures of a unit — what
is recorded against that very unit (a village, or a commune for households without a
village), before any roll-up.

One grouped query per source covers every year and unit asked for; ``compute_direct`` returns
``{year: {(indicator_code, unit_id): [numerator, denominator]}}``. The optional ``cutoff``
date keeps only what was recorded by then (assessments by their date, reviews by their review
date, outreach by the activity's date, entered figures by their "as of" date), which is how the
evaluation sees a past date such as 30/06/2023.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import BooleanField, Count, Q, Sum
from django.db.models.expressions import RawSQL

from vuonlen.campaign.models import IMPROVED_LIFE, Assessment
from vuonlen.geo.models import Level
from vuonlen.households.models import PopulationBase, Review

from .models import EntryKind, Indicator, Source
from .tree import Tree

POOR, NEAR_POOR = "poor", "near_poor"
Facts = dict[int, dict[tuple[str, int], list[int]]]


def _criterion(code: str) -> Q:
    if code == "improved_life":
        return Q(**{f: True for f in IMPROVED_LIFE})
    return Q(**{code: True})


def _add(facts: Facts, year: int, code: str, unit_id: int, n: int = 0, d: int = 0) -> None:
    if year not in facts:
        return
    cell = facts[year].setdefault((code, unit_id), [0, 0])
    cell[0] += int(n or 0)
    cell[1] += int(d or 0)


def _told_expression(cutoff: dt.date | None) -> RawSQL:
    """True for a review whose household was reached by an outreach activity dated in the
    review's year (and by the cut-off); used inside the reviews' own grouped query, so the
    reviews are read once.

    Used for a few units (a refresh, a village's figures): the activity's year is a date range,
    so each review's EXISTS goes from the household's links (an index) to the activities by key
    and checks the date: 12 ms for a commune's year on PostgreSQL where the year as an
    expression made it hash every link of every year first (240 ms). A full recompute (every
    unit) does not probe per review: ``_reviews_told_whole`` joins the reviews to the distinct
    (household, activity year) pairs instead."""
    from vuonlen.outreach.models import Activity

    through = Activity.households.through._meta.db_table
    activity = Activity._meta.db_table
    review = Review._meta.db_table
    postgres = connection.vendor == "postgresql"
    if postgres:
        year_of = (f'a.date >= make_date("{review}"."year", 1, 1) '
                   f'AND a.date < make_date("{review}"."year" + 1, 1, 1)')
    else:
        year_of = (f"a.date >= printf('%%04d-01-01', \"{review}\".\"year\") "
                   f"AND a.date < printf('%%04d-01-01', \"{review}\".\"year\" + 1)")
    cut = "AND a.date <= %s" if cutoff else ""
    sql = (f'EXISTS (SELECT 1 FROM "{through}" t JOIN "{activity}" a ON a.id = t.activity_id '
           f'WHERE t.household_id = "{review}"."household_id" AND {year_of} {cut})')
    return RawSQL(sql, [cutoff] if cutoff else [], output_field=BooleanField())


def _reviews_told_whole(reviews, cutoff: dt.date | None) -> list[dict]:
    """The reviews' grouped counts with ``told``, for every unit at once: the reviews joined to
    the distinct (household, activity year) pairs of the outreach links, instead of one
    ``_told_expression`` probe per review.

    Measured on PostgreSQL (docs/scale.md): with hundreds of thousands of poor and near-poor
    reviews the EXISTS is planned as one index probe per review (the hashed alternative no
    longer fits ``work_mem``) and was the full recompute's heaviest statement; the join is two
    hash joins, which spill to disk in batches when large rather than change plan. Only for a
    whole recompute (every unit): a refresh of a few villages keeps the per-household probes.
    """
    from vuonlen.outreach.models import Activity

    through = Activity.households.through._meta.db_table
    activity = Activity._meta.db_table
    inner, params = reviews.order_by().values("year", "unit_id", "household_id", "status").query.sql_with_params()
    if connection.vendor == "postgresql":
        year_of = "CAST(EXTRACT(YEAR FROM a.date) AS integer)"
    else:
        year_of = "CAST(strftime('%%Y', a.date) AS integer)"
    cut = "WHERE a.date <= %s" if cutoff else ""
    sql = (f"SELECT r.year, r.unit_id, SUM(CASE WHEN r.status = %s THEN 1 ELSE 0 END), "
           f"SUM(CASE WHEN r.status = %s THEN 1 ELSE 0 END), COUNT(told.household_id) FROM ({inner}) r "
           f'LEFT JOIN (SELECT DISTINCT t.household_id, {year_of} AS year FROM "{through}" t '
           f'JOIN "{activity}" a ON a.id = t.activity_id {cut}) told '
           "ON told.household_id = r.household_id AND told.year = r.year GROUP BY r.year, r.unit_id")
    with connection.cursor() as cursor:
        cursor.execute(sql, [POOR, NEAR_POOR, *params, *([cutoff] if cutoff else [])])
        return [{"year": y, "unit_id": u, "poor": p, "near": n, "told": t} for y, u, p, n, t in cursor.fetchall()]


_ACTIVE: dict = {}


def catalogue_state_sql() -> str:
    """Two scalar columns that move with any change to the catalogue (the indicators' count and
    latest update), for ``active_indicators``' cache; read within a caller's statement."""
    table = Indicator._meta.db_table
    return f'(SELECT COUNT(*) FROM "{table}"), (SELECT MAX(updated_at) FROM "{table}")'


def active_indicators(state: tuple | None = None) -> list[Indicator]:
    """The active computed and entered indicators (not the derived ones). With ``state`` (the
    catalogue's, ``catalogue_state_sql``, read by the caller) the list is kept in this process
    until the catalogue changes: the roll-ups' refresh reads it without a query of its own."""
    if state is not None and _ACTIVE.get("state") == state:
        return _ACTIVE["indicators"]
    found = list(Indicator.objects.filter(is_active=True).exclude(formula__startswith="annual_fall:"))
    if state is not None:
        _ACTIVE.update(state=state, indicators=found)
    return found


def compute_direct(years: Iterable[int], *, tree: Tree, units: set[int] | None = None,
                   cutoff: dt.date | None = None, indicators: list[Indicator] | None = None,
                   every_year: bool = False) -> Facts:
    """The direct figures of ``units`` (every unit when None) for ``years``. ``every_year``:
    ``years`` are all the years there are, so the queries scan the tables rather than go
    through the year indexes (measured twice as fast on SQLite for a full recompute)."""
    years = sorted(set(years))
    indicators = indicators if indicators is not None else active_indicators()
    facts: Facts = {year: {} for year in years}
    by_formula: dict[str, list[str]] = defaultdict(list)
    for indicator in indicators:
        if indicator.source == Source.COMPUTED:
            by_formula[indicator.formula].append(indicator.code)

    # Households' records carry their commune as well as their unit: filtering on the communes
    # too lets the (year, …, commune) indexes find a few villages' rows without a scan.
    communes = None
    if units is not None:
        communes = {u if tree.level.get(u) == Level.COMMUNE else tree.parent.get(u)
                    for u in units if (tree.level.get(u) or 0) >= Level.COMMUNE}

    def unit_filter(qs, field: str = "unit_id", by_commune: bool = False):
        if not every_year:
            qs = qs.filter(year__in=years)
        if units is None:
            return qs
        if by_commune:
            qs = qs.filter(commune_id__in=list(communes))
        return qs.filter(**{f"{field}__in": list(units)})

    # Assessments: every criterion asked for, in one pass.
    criteria = {f.split(":", 1)[1]: codes for f, codes in by_formula.items() if f.startswith("assessment:")}
    if criteria:
        qs = unit_filter(Assessment.objects.all(), by_commune=True)
        if cutoff:
            qs = qs.filter(assessed_on__lte=cutoff)
        aggregates = {"n": Count("pk")}
        aggregates.update({f"c_{name}": Count("pk", filter=_criterion(name)) for name in criteria})
        for row in qs.order_by().values("year", "unit_id").annotate(**aggregates):
            for name, codes in criteria.items():
                for code in codes:
                    _add(facts, row["year"], code, row["unit_id"], row[f"c_{name}"], row["n"])

    # Reviews: the poor and near-poor ethnic-minority households of each year (current
    # reviews), and of them those reached by an outreach activity dated in the year — one scan.
    review_formulas = {f: codes for f, codes in by_formula.items() if f.startswith("reviews:")}
    told_codes = by_formula.get("outreach:told", [])
    if review_formulas or told_codes:
        qs = unit_filter(Review.objects.filter(is_current=True, is_ethnic_minority=True,
                                               status__in=[POOR, NEAR_POOR]), by_commune=True)
        if cutoff:
            qs = qs.filter(Q(reviewed_on__lte=cutoff) | Q(reviewed_on__isnull=True, year__lt=cutoff.year))
        aggregates = {"poor": Count("pk", filter=Q(status=POOR)), "near": Count("pk", filter=Q(status=NEAR_POOR))}
        if told_codes and units is None:
            rows = _reviews_told_whole(qs, cutoff)
        else:
            if told_codes:
                aggregates["told"] = Count("pk", filter=_told_expression(cutoff))
            rows = qs.order_by().values("year", "unit_id").annotate(**aggregates)
        for row in rows:
            y, u = row["year"], row["unit_id"]
            for code in review_formulas.get("reviews:poor_count", ()):
                _add(facts, y, code, u, row["poor"])
            for code in review_formulas.get("reviews:near_poor_count", ()):
                _add(facts, y, code, u, row["near"])
            for code in review_formulas.get("reviews:poor_near_rate", ()):
                _add(facts, y, code, u, row["poor"] + row["near"])
            for code in told_codes:
                _add(facts, y, code, u, row["told"], row["poor"] + row["near"])
        rate_codes = review_formulas.get("reviews:poor_near_rate", ())
        if rate_codes:
            bases = unit_filter(PopulationBase.objects.filter(em_households_total__isnull=False),
                                "commune_id")
            for row in bases.order_by().values("year", "commune_id").annotate(d=Sum("em_households_total")):
                for code in rate_codes:
                    _add(facts, row["year"], code, row["commune_id"], 0, row["d"])

    # Models (mô hình) built or kept in the year: per commune (has at least one commune-level
    # model) and per district (how many district-level models).
    commune_codes = by_formula.get("models:commune_has_model", [])
    district_codes = by_formula.get("models:district_count", [])
    # Only communes and districts carry these: a request for villages alone skips the queries.
    area_units = units is None or any(tree.level.get(u) in (Level.COMMUNE, Level.DISTRICT) for u in units)
    if (commune_codes or district_codes) and area_units:
        from vuonlen.initiatives.models import InitiativeLevel
        from vuonlen.initiatives.selectors import counted_in_year

        for year in years:
            built = list(counted_in_year(year).filter(level__in=[InitiativeLevel.COMMUNE, InitiativeLevel.DISTRICT])
                         .values_list("level", "unit__path"))
            for unit_id in tree.units_of_year(year, Level.COMMUNE):
                if units is not None and unit_id not in units:
                    continue
                path = tree.path[unit_id]
                has = any(lvl == InitiativeLevel.COMMUNE and p.startswith(path) for lvl, p in built)
                for code in commune_codes:
                    _add(facts, year, code, unit_id, int(has), 1)
            for unit_id in tree.units_of_year(year, Level.DISTRICT):
                if units is not None and unit_id not in units:
                    continue
                path = tree.path[unit_id]
                count = sum(1 for lvl, p in built if lvl == InitiativeLevel.DISTRICT and p.startswith(path))
                for code in district_codes:
                    _add(facts, year, code, unit_id, count, 0)

    # Entered by the units themselves.
    entered = [i for i in indicators if i.source == Source.ENTERED]
    if entered:
        from .models import EnteredValue

        values = unit_filter(EnteredValue.objects.filter(indicator__in=entered))
        if cutoff:
            values = values.filter(as_of__lte=cutoff)
        got = {(v.indicator_id, v.year, v.unit_id): v for v in values}
        for indicator in entered:
            if indicator.entry_kind == EntryKind.YES_NO:
                # Every commune of the year counts in the denominator, answered or not.
                for year in years:
                    for unit_id in tree.units_of_year(year, Level.COMMUNE):
                        if units is not None and unit_id not in units:
                            continue
                        value = got.get((indicator.pk, year, unit_id))
                        _add(facts, year, indicator.code, unit_id, 1 if value and value.numerator > 0 else 0, 1)
            else:
                for (indicator_id, year, unit_id), value in got.items():
                    if indicator_id == indicator.pk:
                        _add(facts, year, indicator.code, unit_id, value.numerator, value.denominator)
    return facts
