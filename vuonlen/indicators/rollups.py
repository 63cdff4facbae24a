"""Keeping ``Rollup`` true: a full recompute, and the incremental refresh that follows edits.

A unit's total = its direct figures (``sources``) + the totals of its children + for a
post-2025 commune the totals of the old communes merged into it. ``recompute_all`` builds
every total from scratch (grouped queries, one pass up the tree in memory, one bulk insert).
``refresh`` recomputes only the units above the ones that changed: it reads their siblings'
stored totals instead of recomputing them, so one edited assessment costs a handful of small
queries whatever the size of the province.

Edits reach ``refresh`` through ``schedule`` — the one function every service and import that
writes an input of the roll-ups (assessments, reviews, population bases, entered figures,
models and their status moves, outreach activities' households) calls inside its transaction,
with the pairs ``touched`` gives for the records it wrote. No signals: a write that does not
call it (a raw ``save()`` in a shell) leaves the roll-ups as they were until the next full
recompute (``vuonlen indicators recompute``). ``schedule`` gathers the (unit, year) pairs of a
transaction and refreshes once it commits, so a dashboard shows the edit on the next load. A
transaction that touches many units (an import) recomputes its years whole instead.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from vuonlen.core.bulk import insert_rows
from vuonlen.core.periods import today_vn

from . import figures_cache
from .models import Indicator, Rollup, Source
from .sources import Facts, active_indicators, catalogue_state_sql, compute_direct
from .tree import Tree

log = logging.getLogger(__name__)
# Past this many changed units in one transaction, recompute the years whole.
WHOLE_YEAR_AFTER = 300
# Totals are stored for every unit down to the villages (level 4): a village's total is its own
# records, but computing it on a dashboard's load meant three grouped queries over the raw
# records (the outreach EXISTS among them) for every commune and village page after a change,
# and a refresh re-reading every village of the commune. Stored, a refresh computes only the
# changed units' own records and reads the stored totals around them.
STORED_MAX_LEVEL = 4
Totals = dict[int, dict[str, list[int]]]  # unit → code → [numerator, denominator]


def data_years() -> list[int]:
    """Every year any input has figures for."""
    from vuonlen.campaign.models import Assessment
    from vuonlen.households.models import PopulationBase, Review

    from .models import EnteredValue

    years: set[int] = set()
    for model in (Review, Assessment, PopulationBase, EnteredValue):
        years.update(_years_of(model._meta.db_table))
    return sorted(years)


def _years_of(table: str) -> list[int]:
    """The distinct ``year`` values of ``table`` by stepping through its year index, one probe a
    year (a loose index scan), instead of reading every row as ``SELECT DISTINCT`` does: at
    1,000,000 households 0.5 ms against 1.2 s for the 4.6 million reviews (docs/scale.md)."""
    table = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH RECURSIVE y(year) AS (SELECT MIN(year) FROM {table} UNION ALL "
                       f"SELECT (SELECT MIN(t.year) FROM {table} t WHERE t.year > y.year) FROM y "
                       "WHERE y.year IS NOT NULL) SELECT year FROM y WHERE year IS NOT NULL")
        return [row[0] for row in cursor.fetchall()]


def roll_up(direct: dict[tuple[str, int], list[int]], tree: Tree) -> Totals:
    """Sum one year's direct figures up both trees, in memory."""
    totals: Totals = defaultdict(dict)
    for (code, unit_id), (n, d) in direct.items():
        totals[unit_id][code] = [n, d]
    for unit_id in tree.order:
        # Children come before parents in ``tree.order``, so a unit's total is complete here;
        # a new commune first takes in its old communes (all old-era units come first).
        for old_id in tree.predecessors.get(unit_id, ()):
            _merge(totals, unit_id, totals.get(old_id))
        parent = tree.parent[unit_id]
        if parent and unit_id in totals:
            _merge(totals, parent, totals[unit_id])
    return totals


def _merge(totals: Totals, into: int, source: dict[str, list[int]] | None) -> None:
    if not source:
        return
    target = totals[into]
    for code, (n, d) in source.items():
        cell = target.get(code)
        if cell is None:
            target[code] = [n, d]
        else:
            cell[0] += n
            cell[1] += d


def compute_totals(years: Iterable[int], *, tree: Tree | None = None, cutoff: dt.date | None = None
                   ) -> dict[int, Totals]:
    """Every unit's totals for ``years``, computed (not stored): the evaluation at a past date."""
    tree = tree or Tree.load()
    facts = compute_direct(years, tree=tree, cutoff=cutoff)
    return {year: roll_up(direct, tree) for year, direct in facts.items()}


def _rows(year: int, totals: Totals, ids: dict[str, int], now, tree: Tree) -> list[dict]:
    return [{"indicator_id": ids[code], "unit_id": unit_id, "year": year, "numerator": n, "denominator": d,
             "refreshed_at": now}
            for unit_id, by_code in totals.items() if tree.level.get(unit_id, 9) <= STORED_MAX_LEVEL
            for code, (n, d) in by_code.items() if (n or d) and code in ids]


@transaction.atomic
def recompute_all(years: Iterable[int] | None = None) -> int:
    """Rebuild the roll-ups of ``years`` (every year with data when None). Returns rows written."""
    every_year = years is None
    years = sorted(set(years)) if years is not None else data_years()
    tree = Tree.load()
    indicators = active_indicators()
    ids = {i.code: i.pk for i in indicators}
    facts = compute_direct(years, tree=tree, indicators=indicators, every_year=every_year)
    now = timezone.now()
    rows: list[dict] = []
    for year in years:
        rows.extend(_rows(year, roll_up(facts.get(year, {}), tree), ids, now, tree))
    if every_year:
        Rollup.objects.all().delete()
    else:
        Rollup.objects.filter(year__in=years).delete()
    _write(rows)
    transaction.on_commit(figures_cache.bump)
    return len(rows)


def _write(rows: list[dict]) -> None:
    """Plain rows into the table: one prepared INSERT run for every row (SQLite), the shared
    array insert on PostgreSQL."""
    if connection.vendor != "sqlite":
        insert_rows(Rollup, rows, returning=False)
        return
    table = Rollup._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.executemany(
            f'INSERT INTO "{table}" (indicator_id, unit_id, year, numerator, denominator, refreshed_at) '
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [(r["indicator_id"], r["unit_id"], r["year"], r["numerator"], r["denominator"], now) for r in rows])


# Which indicators each kind of input feeds (by formula prefix; "entered": the entered ones).
# An edit of one kind refreshes only its indicators: an assessment saved does not re-read the
# reviews, their outreach EXISTS, the population bases, the models or the entered figures.
KINDS = {
    "assessment": ("assessment:",),
    "review": ("reviews:", "outreach:told"),
    "population": ("reviews:poor_near_rate",),
    "model": ("models:",),
    "outreach": ("outreach:told",),
    "entered": (),
}


def _of_kinds(indicators: list[Indicator], kinds: Iterable[str] | None) -> list[Indicator]:
    if kinds is None:
        return indicators
    kinds = set(kinds)
    prefixes = tuple(p for kind in kinds for p in KINDS[kind])
    return [i for i in indicators
            if (i.source == Source.ENTERED and "entered" in kinds)
            or (i.source != Source.ENTERED and prefixes and (i.formula or "").startswith(prefixes))]


@transaction.atomic
def refresh(year: int, unit_ids: Iterable[int], *, tree: Tree | None = None,
            kinds: Iterable[str] | None = None, indicators: list[Indicator] | None = None) -> int:
    """Bring fresh the totals of every unit whose total includes one of ``unit_ids`` in
    ``year`` — of the indicators fed by ``kinds`` of input (``KINDS``; every indicator when
    None). Returns the number of units refreshed."""
    tree = tree or Tree.load()
    kinds = set(kinds) if kinds is not None else None
    chain = tree.affected(set(unit_ids))
    if not chain:
        return 0
    indicators = _of_kinds(indicators if indicators is not None else active_indicators(), kinds)
    if not indicators:
        return 0
    # The dashboards' cached figures of these units are stale once this commits; the others'
    # stay (``figures_cache``: a child's total never moves without its parent's).
    stale = set(chain)
    topics = ("reviews",) if kinds is None or "review" in kinds else ()
    ids = {i.code: i.pk for i in indicators}
    codes = {pk: code for code, pk in ids.items()}
    direct = compute_direct([year], tree=tree, units=chain, indicators=indicators).get(year, {})
    totals: Totals = defaultdict(dict)
    for (code, unit_id), (n, d) in direct.items():
        totals[unit_id][code] = [n, d]
    # The stored totals of everything that feeds the chain but is not in it.
    feeding = {s for u in chain for s in tree.sources_of(u)} - chain
    stored: Totals = defaultdict(dict)
    for unit_id, indicator_id, n, d in Rollup.objects.filter(
            year=year, unit_id__in=list(feeding), indicator_id__in=list(codes)).values_list(
            "unit_id", "indicator_id", "numerator", "denominator"):
        if indicator_id in codes:
            stored[unit_id][codes[indicator_id]] = [n, d]
    for unit_id in tree.order:
        if unit_id not in chain:
            continue
        for source in tree.sources_of(unit_id):
            _merge(totals, unit_id, totals.get(source) if source in chain else stored.get(source))
    now = timezone.now()
    rows = [{"indicator_id": pk, "unit_id": unit_id, "year": year,
             "numerator": totals.get(unit_id, {}).get(code, [0, 0])[0],
             "denominator": totals.get(unit_id, {}).get(code, [0, 0])[1], "refreshed_at": now}
            for unit_id in chain if tree.level[unit_id] <= STORED_MAX_LEVEL for code, pk in ids.items()]
    Rollup.objects.bulk_create([Rollup(**row) for row in rows], update_conflicts=True,
                               unique_fields=["unit", "year", "indicator"],
                               update_fields=["numerator", "denominator", "refreshed_at"])
    transaction.on_commit(lambda: figures_cache.bump_units(stale, topics))
    return len(chain)


# --- following edits ------------------------------------------------------------------------

_ALL = None  # a kind set meaning "every indicator"


def _state(years: list[int]) -> tuple[tuple, tuple, set[int]]:
    """One statement for the three things a refresh checks before it starts: the tree's state
    (``Tree.state_sql``), the catalogue's (``sources.catalogue_state_sql``) and which of
    ``years`` already have stored totals."""
    table = Rollup._meta.db_table
    stored = ", ".join(f'EXISTS (SELECT 1 FROM "{table}" WHERE year = %s)' for _ in years)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {Tree.state_sql()}, {catalogue_state_sql()}" + (f", {stored}" if years else ""),
                       years)
        row = tuple(cursor.fetchone())
    return row[:4], row[4:6], {year for year, present in zip(years, row[6:], strict=True) if present}


def _flush(pairs: dict[int, set[int]], kinds: dict[int, set[str] | None] | None = None) -> None:
    if not pairs:
        return
    years = sorted(pairs)
    tree_state, catalogue, stored = _state(years)
    tree = Tree.load(tree_state)
    kinds = kinds or {}
    for year in years:
        units = pairs[year]
        try:
            # A year seen for the first time is computed whole: its yes/no and model indicators
            # count every commune, not only the ones that changed.
            if len(units) > WHOLE_YEAR_AFTER or year not in stored:
                recompute_all([year])
            else:
                refresh(year, units, tree=tree, kinds=kinds.get(year, _ALL),
                        indicators=active_indicators(catalogue))
        except Exception:  # a failed refresh must never undo the edit that caused it
            log.exception("Làm mới số liệu tổng hợp năm %s không thành công", year)


_paused = threading.local()


@contextmanager
def paused():
    """Within this block nothing is scheduled: for bulk work (the demo) that recomputes
    everything once at its end."""
    depth = getattr(_paused, "depth", 0)
    _paused.depth = depth + 1
    try:
        yield
    finally:
        _paused.depth = depth


def touched(*records) -> list[tuple[int, int, str]]:
    """The (unit_id, year, kind) whose roll-ups these saved or deleted records feed — the
    argument services give ``schedule``; ``kind`` (``KINDS``) narrows the refresh to the
    indicators such a record feeds. Records no roll-up reads give nothing."""
    from vuonlen.campaign.models import Assessment
    from vuonlen.households.models import PopulationBase, Review
    from vuonlen.initiatives.models import Initiative, StatusChange
    from vuonlen.outreach.models import Activity

    from .models import EnteredValue

    kinds = ((Assessment, "assessment"), (Review, "review"), (EnteredValue, "entered"))
    pairs: list[tuple[int, int, str]] = []
    for record in records:
        kind = next((name for model, name in kinds if isinstance(record, model)), None)
        if kind is not None:
            pairs.append((record.unit_id, record.year, kind))
        elif isinstance(record, PopulationBase):
            pairs.append((record.commune_id, record.year, "population"))
        elif isinstance(record, (Initiative, StatusChange)):
            initiative = record if isinstance(record, Initiative) else record.initiative
            if initiative.start_year:
                last = max(today_vn().year, initiative.start_year)
                pairs.extend((initiative.unit_id, year, "model") for year in range(initiative.start_year, last + 1))
        elif isinstance(record, Activity):
            pairs.extend(activity_pairs(record))
    return pairs


def activity_pairs(activity, household_ids: Iterable[int] | None = None) -> list[tuple[int, int, str]]:
    """An outreach activity counts for the units of the households it reached, in its year
    (their current review that year places them): these ``household_ids``, or all it has."""
    from vuonlen.households.models import Review

    if activity.date is None:
        return []
    year = activity.date.year
    qs = Review.objects.filter(year=year, is_current=True)
    if household_ids is None:
        qs = qs.filter(household__in=activity.households.all())
    else:
        qs = qs.filter(household_id__in=list(household_ids))
    return [(unit_id, year, "outreach") for unit_id in qs.order_by().values_list("unit_id", flat=True).distinct()]


class _Pending:
    """The units and kinds of input changed in one transaction, by year."""

    def __init__(self):
        self.units: dict[int, set[int]] = defaultdict(set)
        self.kinds: dict[int, set[str] | None] = {}

    def add(self, unit_id: int, year: int, kind: str | None) -> None:
        self.units[year].add(unit_id)
        if kind is None:
            self.kinds[year] = _ALL
        elif year not in self.kinds:
            self.kinds[year] = {kind}
        elif self.kinds[year] is not _ALL:
            self.kinds[year].add(kind)

    def take(self) -> tuple[dict[int, set[int]], dict[int, set[str] | None]]:
        units, kinds = dict(self.units), dict(self.kinds)
        self.units, self.kinds = defaultdict(set), {}
        return units, kinds


def schedule(pairs: Iterable[tuple]) -> None:
    """Refresh the roll-ups for these (unit_id, year) pairs — or (unit_id, year, kind) from
    ``touched``, which narrows the refresh to the indicators that kind feeds — once the current
    transaction commits (at once outside a transaction). The pairs of one transaction are
    gathered on its outermost atomic block, so a rolled-back transaction takes its pairs with it.
    This is the one way an edit reaches the roll-ups: services and imports call it."""
    pairs = list(pairs)
    if any(len(pair) < 3 or pair[2] in (None, "review", "population") for pair in pairs):
        figures_cache.registry_changed()  # reviews or population bases: what is counted from them straight
    if getattr(_paused, "depth", 0):
        return
    wanted = _Pending()
    for unit_id, year, *kind in pairs:
        if unit_id and year:
            wanted.add(int(unit_id), int(year), kind[0] if kind else None)
    if not wanted.units:
        return
    if not connection.in_atomic_block:
        _flush(*wanted.take())
        return
    block = connection.atomic_blocks[0]
    pending = getattr(block, "_vuonlen_rollups", None)
    if pending is None:
        pending = block._vuonlen_rollups = _Pending()
    for year, units in wanted.units.items():
        kinds = wanted.kinds[year]
        for unit_id in units:
            for kind in (kinds if kinds is not _ALL else [None]):
                pending.add(unit_id, year, kind)
    # One callback per call; the first to run takes everything gathered, the others find
    # nothing left (cheap), so no pair is lost whichever of them runs.
    transaction.on_commit(lambda: _take_and_flush(pending), using=connection.alias)


def _take_and_flush(pending: _Pending) -> None:
    units, kinds = pending.take()
    if units:
        _flush(units, kinds)


def schedule_years(years: Iterable[int]) -> None:
    """A bulk change: recompute these years whole after commit."""
    if getattr(_paused, "depth", 0):
        return
    years = sorted(set(int(y) for y in years))
    transaction.on_commit(lambda: recompute_all(years), using=connection.alias)


def village_totals(villages: Iterable[int], years: Iterable[int], *, tree: Tree | None = None,
                   cutoff: dt.date | None = None) -> dict[int, Totals]:
    """{year: {village: {code: [n, d]}}}: a village's figures are its own records, computed from
    them (the stored totals say the same; this is the check)."""
    tree = tree or Tree.load()
    villages = set(villages)
    facts = compute_direct(years, tree=tree, units=villages, cutoff=cutoff)
    result: dict[int, Totals] = {}
    for year, direct in facts.items():
        totals: Totals = defaultdict(dict)
        for (code, unit_id), (n, d) in direct.items():
            totals[unit_id][code] = [n, d]
        result[year] = totals
    return result


def last_refreshed():
    return Rollup.objects.order_by("-refreshed_at").values_list("refreshed_at", flat=True).first()


def indicator_ids() -> dict[str, int]:
    return dict(Indicator.objects.values_list("code", "pk"))


__all__ = ["recompute_all", "refresh", "schedule", "schedule_years", "touched", "activity_pairs", "compute_totals", "roll_up", "Facts"]
