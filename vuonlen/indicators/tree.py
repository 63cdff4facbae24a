"""The administrative tree as the roll-ups walk it, loaded once per computation (a few
thousand units: one query, a few milliseconds).

Old-era units roll up to their parents. A post-2025 commune also gathers the old communes
merged into it (``UnitLineage``), so 2023 figures read under a new commune equal the sum of
its old communes; the new province sums its new communes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from vuonlen.geo.models import AdministrativeUnit, Era, Level, UnitLineage

_CACHE: dict = {}


@dataclass
class Tree:
    parent: dict[int, int | None] = field(default_factory=dict)
    level: dict[int, int] = field(default_factory=dict)
    era: dict[int, str] = field(default_factory=dict)
    path: dict[int, str] = field(default_factory=dict)
    valid_from: dict[int, dt.date | None] = field(default_factory=dict)
    valid_to: dict[int, dt.date | None] = field(default_factory=dict)
    children: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    # new-era unit → the old units merged into it; old unit → its successors.
    predecessors: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    successors: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    order: list[int] = field(default_factory=list)  # children before parents, old era first

    @classmethod
    def load(cls, key: tuple | None = None) -> Tree:
        """The tree, read again only when a unit or a lineage link has changed since the last
        read in this process (one small aggregate statement to find out, or ``key`` when the
        caller read it within a statement of its own: ``state_sql``)."""
        if key is None:
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {cls.state_sql()}")
                key = tuple(cursor.fetchone())
        cached = _CACHE.get("tree")
        if cached is not None and cached[0] == key:
            return cached[1]
        tree = cls._read()
        _CACHE["tree"] = (key, tree)
        return tree

    @staticmethod
    def state_sql() -> str:
        """Four scalar columns that move with any change to the units or their lineage: the
        units' count, latest update and highest id, and the lineage links' count."""
        unit, lineage = AdministrativeUnit._meta.db_table, UnitLineage._meta.db_table
        return (f'(SELECT COUNT(*) FROM "{unit}"), (SELECT MAX(updated_at) FROM "{unit}"), '
                f'(SELECT MAX(id) FROM "{unit}"), (SELECT COUNT(*) FROM "{lineage}")')

    @classmethod
    def _read(cls) -> Tree:
        tree = cls()
        rows = AdministrativeUnit.objects.order_by().values_list(
            "pk", "parent_id", "level", "era", "path", "valid_from", "valid_to")
        for pk, parent_id, level, era, path, valid_from, valid_to in rows:
            tree.parent[pk] = parent_id
            tree.level[pk] = level
            tree.era[pk] = era
            tree.path[pk] = path
            tree.valid_from[pk] = valid_from
            tree.valid_to[pk] = valid_to
            if parent_id:
                tree.children[parent_id].append(pk)
        for old_id, new_id in UnitLineage.objects.values_list("old_unit_id", "new_unit_id"):
            # Only commune-to-commune links carry figures (a village keeps its own line).
            if tree.level.get(old_id) == Level.COMMUNE and tree.level.get(new_id) == Level.COMMUNE:
                tree.predecessors[new_id].append(old_id)
                tree.successors[old_id].append(new_id)
        era_rank = {Era.PRE_2025: 0, Era.POST_2025: 1}
        tree.order = sorted(tree.parent, key=lambda u: (era_rank.get(tree.era[u], 2), -tree.level[u], u))
        return tree

    def units_of_year(self, year: int, level: int) -> list[int]:
        """Units of ``level`` that existed on 1 January of ``year`` (a year belongs to the era
        in force when it began: 2025 to the old communes, 2026 to the new ones)."""
        day = dt.date(year, 1, 1)
        return [u for u, lvl in self.level.items() if lvl == level
                and (self.valid_from[u] is None or self.valid_from[u] <= day)
                and (self.valid_to[u] is None or self.valid_to[u] >= day)]

    def ancestors(self, unit_id: int) -> list[int]:
        chain, current = [], self.parent.get(unit_id)
        while current:
            chain.append(current)
            current = self.parent.get(current)
        return chain

    def affected(self, unit_ids: set[int]) -> set[int]:
        """Every unit whose roll-up includes one of ``unit_ids``: its ancestors, and the new
        communes (with their ancestors) that gather any old commune among them."""
        found: set[int] = set()
        for unit_id in unit_ids:
            if unit_id not in self.parent:
                continue
            chain = [unit_id, *self.ancestors(unit_id)]
            found.update(chain)
            for member in chain:
                for new_id in self.successors.get(member, ()):
                    found.add(new_id)
                    found.update(self.ancestors(new_id))
        return found

    def descendants(self, unit_id: int) -> list[int]:
        found, stack = [], list(self.children.get(unit_id, ()))
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(self.children.get(current, ()))
        return found

    def sources_of(self, unit_id: int) -> list[int]:
        """The units whose totals add into ``unit_id``'s: children and merged predecessors."""
        return [*self.children.get(unit_id, ()), *self.predecessors.get(unit_id, ())]
