"""Reads of administrative units, always through the reader's scope."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from vuonlen.accounts import roles, scoping
from vuonlen.core.text import fold, nfc

from .models import AdministrativeUnit, Era, Level, UnitLineage

SEARCH_LIMIT = 200


@dataclass
class EraTree:
    era: str
    label: str
    roots: list[AdministrativeUnit]


def unit_tree_for(user) -> list[EraTree]:
    """The person's scope down to commune level, one tree per era (the campaign's era first).

    Each unit carries ``tree_children``; the whole tree is one query plus the roots.
    """
    units = list(
        scoping.visible_units(user).filter(level__lte=Level.COMMUNE)
        .annotate(village_count=Count("children", filter=Q(children__level=Level.VILLAGE)))
        .order_by("level", "name_sort")
    )
    by_pk = {u.pk: u for u in units}
    children: dict[int | None, list[AdministrativeUnit]] = defaultdict(list)
    for unit in units:
        unit.tree_children = children[unit.pk]
        children[unit.parent_id].append(unit)
    roots = [by_pk.get(root.pk, root) for root in scoping.scope_roots(user)]
    for root in roots:
        if not hasattr(root, "tree_children"):  # a village-level root sits outside the commune tree
            root.tree_children = []
    trees = []
    for era in (Era.PRE_2025, Era.POST_2025):
        era_roots = [r for r in roots if r.era == era]
        if era_roots:
            trees.append(EraTree(era=era, label=str(Era(era).label), roots=era_roots))
    return trees


def unit_search(user, query: str) -> QuerySet[AdministrativeUnit]:
    """Units whose name contains ``query``, typed with or without diacritics, or whose code is it."""
    query = nfc(query)
    return (
        scoping.visible_units(user)
        .filter(Q(name_search__contains=fold(query)) | Q(code=query))
        .select_related("parent")
        .order_by("-era", "level", "name_sort")[:SEARCH_LIMIT]  # "pre2025" first: the campaign's era
    )


@dataclass
class UnitDetail:
    unit: AdministrativeUnit
    ancestors: list[AdministrativeUnit]
    children: list[AdministrativeUnit]
    villages: list[AdministrativeUnit]
    successors: list[UnitLineage] = field(default_factory=list)
    predecessors: list[UnitLineage] = field(default_factory=list)
    can_manage_villages: bool = False


def unit_detail_for(user, pk) -> UnitDetail:
    """One unit in scope (else 404); related units carry ``is_visible`` so pages link only those."""
    unit = scoping.get_unit_or_404(user, pk)
    scope = scoping.scope_for(user, roles.UNIT_VIEW)
    below = list(unit.children.order_by("name_sort"))
    detail = UnitDetail(
        unit=unit,
        ancestors=unit.ancestors(),
        children=[u for u in below if u.level != Level.VILLAGE],
        villages=[u for u in below if u.level == Level.VILLAGE],
        successors=list(unit.successor_links.select_related("new_unit").order_by("new_unit__name_sort")),
        predecessors=list(unit.predecessor_links.select_related("old_unit").order_by("old_unit__name_sort")),
        can_manage_villages=scoping.can(user, roles.UNIT_MANAGE_VILLAGES, unit),
    )
    related = [*detail.ancestors, *detail.children, *detail.villages,
               *(link.new_unit for link in detail.successors), *(link.old_unit for link in detail.predecessors)]
    for other in related:
        other.is_visible = scope.covers_path(other.path)
    return detail


def _scoped_level_or_404(user, pk, level: int) -> AdministrativeUnit:
    return scoping.get_scoped_or_404(user, AdministrativeUnit.objects.select_related("parent"),
                                     roles.UNIT_VIEW, unit_field="", pk=pk, level=level)


def commune_for_user_or_404(user, pk) -> AdministrativeUnit:
    return _scoped_level_or_404(user, pk, Level.COMMUNE)


def village_for_user_or_404(user, pk) -> AdministrativeUnit:
    return _scoped_level_or_404(user, pk, Level.VILLAGE)


def communes_for_village_import(user, era: str = Era.PRE_2025) -> QuerySet[AdministrativeUnit]:
    """Communes where the person may add villages: the codes the import template lists."""
    qs = AdministrativeUnit.objects.filter(level=Level.COMMUNE, era=era).select_related("parent")
    return scoping.scoped(user, qs, roles.UNIT_MANAGE_VILLAGES, unit_field="").order_by(
        "parent__name_sort", "name_sort")
