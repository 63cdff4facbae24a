"""The target grid: a unit's children × the indicators set at their level in a year, with the
unit's own targets on top and the cascade check of every column (``target_grid``).

The cells are built from ``selectors`` (units of a year, indicators of a level, who may hand a
target, the cascade check) and ``values`` (the numbers as people type and read them); the
writes (``set_target``, ``save_targets``, ``clear_target``) are in ``services``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from vuonlen.geo.models import AdministrativeUnit, Level

from .models import Indicator, Target
from .selectors import Cascade, cascades, children_in, exists_in, indicators_for, may_set_target, phase_years
from .values import plain_number

# --- the grid of a unit's children ----------------------------------------------------------------

@dataclass
class Cell:
    indicator: Indicator
    unit: AdministrativeUnit
    target: Target | None
    applies: bool
    editable: bool

    @property
    def name(self) -> str:
        return f"v-{self.unit.pk}-{self.indicator.pk}"

    @property
    def version_name(self) -> str:
        return f"ver-{self.unit.pk}-{self.indicator.pk}"

    @property
    def version(self) -> int:
        return self.target.version if self.target is not None else 0

    @property
    def text(self) -> str:
        """The stored value as the input shows it (Vietnamese decimals: 67,5)."""
        return plain_number(self.target.value) if self.target is not None else ""


@dataclass
class GridRow:
    unit: AdministrativeUnit
    cells: list[Cell]

    @property
    def editable(self) -> bool:
        return any(c.editable for c in self.cells)


@dataclass
class TargetGrid:
    unit: AdministrativeUnit
    year: int
    indicators: list[Indicator]
    own: GridRow
    rows: list[GridRow]
    checks: dict[int, Cascade]

    @property
    def editable(self) -> bool:
        return self.own.editable or any(r.editable for r in self.rows)

    @property
    def is_phase_end(self) -> bool:
        return any(end == self.year for i in self.indicators for _s, end in phase_years(i))

    def cells(self) -> list[Cell]:
        return [c for row in (self.own, *self.rows) for c in row.cells if c.applies]

    def documents(self) -> list[str]:
        """The letters the targets the reader may edit cite, most used first (the form's
        suggestion: the district's letter to its communes, not the province's to the district)."""
        counted: dict[str, int] = defaultdict(int)
        for cell in self.cells():
            if cell.editable and cell.target is not None and cell.target.document:
                counted[cell.target.document] += 1
        return sorted(counted, key=lambda d: -counted[d])


def target_grid(actor, unit: AdministrativeUnit, year: int) -> TargetGrid:
    """``unit``'s children × the indicators set at their level in ``year``, with ``unit``'s own
    targets on top and the cascade check of every column. Five queries."""
    children = children_in(unit, year)
    level = children[0].level if children else min(unit.level + 1, Level.VILLAGE)
    indicators = indicators_for(level, year)
    stored = {(t.unit_id, t.indicator_id): t for t in Target.objects.filter(
        year=year, unit_id__in=[unit.pk, *(c.pk for c in children)], indicator__in=indicators)}
    children_editable = bool(children) and may_set_target(actor, children[0])
    own_editable = may_set_target(actor, unit)

    def row(member: AdministrativeUnit, editable: bool) -> GridRow:
        cells = []
        for indicator in indicators:
            applies = not indicator.levels or member.level in indicator.levels
            cells.append(Cell(indicator=indicator, unit=member, target=stored.get((member.pk, indicator.pk)),
                              applies=applies, editable=editable and applies and exists_in(member, year)))
        return GridRow(unit=member, cells=cells)

    return TargetGrid(unit=unit, year=year, indicators=indicators, own=row(unit, own_editable),
                      rows=[row(child, children_editable) for child in children],
                      checks=cascades(unit, year, indicators) if children else {})
