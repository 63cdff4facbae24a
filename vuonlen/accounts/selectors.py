"""Reads for the shell (home page, scope panel, organisation list), always through scoping."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber

from vuonlen.core.text import fold
from vuonlen.geo.models import AdministrativeUnit, Level

from . import roles, scoping
from .models import Organisation


def organisations_visible_to(user, *, search: str = "", kind: str = "") -> QuerySet[Organisation]:
    """Organisations in the person's scope, in Vietnamese order; ``search`` matches the name
    with or without diacritics ("hoi nong dan" finds "Hội Nông dân")."""
    qs = scoping.scoped(user, Organisation.objects.select_related("unit", "unit__parent"), roles.ORG_VIEW)
    if search:
        qs = qs.filter(name_search__contains=fold(search))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name_sort", "pk")


@dataclass
class ScopeNode:
    unit: AdministrativeUnit
    context: str = ""  # the parent's name, so "Phường Quang Trung" says which city it is in
    children: list[AdministrativeUnit] = field(default_factory=list)
    more: int = 0  # children not listed, to keep the panel short


def scope_tree(user, *, child_limit: int = 15) -> list[ScopeNode]:
    """The roots of the person's scope and one level below, at most ``child_limit`` children
    per root: four small queries however wide the scope (a national administrator's roots
    have thousands of descendants, and this panel is drawn on every page)."""
    roots = scoping.scope_roots(user)
    if not roots:
        return []
    nodes = {root.pk: ScopeNode(unit=root) for root in roots}
    below = AdministrativeUnit.objects.filter(parent_id__in=list(nodes))
    ranked = below.annotate(
        rank=Window(RowNumber(), partition_by=F("parent_id"), order_by=[F("name_sort").asc(), F("pk").asc()])
    ).filter(rank__lte=child_limit).order_by("parent_id", "name_sort", "pk")
    for child in ranked:
        nodes[child.parent_id].children.append(child)
    for row in below.values("parent_id").annotate(n=Count("pk")).order_by():
        node = nodes[row["parent_id"]]
        node.more = row["n"] - len(node.children)
    parents = AdministrativeUnit.objects.in_bulk({r.parent_id for r in roots if r.parent_id})
    for root in roots:
        if root.parent_id in parents:
            nodes[root.pk].context = parents[root.parent_id].name
    return list(nodes.values())


PANEL_SECONDS = 600


def scope_panel_html(user, render) -> str:
    """The panel beside every page (``scope_tree``) as drawn — ``render(nodes)`` gives its HTML —
    cached between requests (issue 17: four queries and a link reversed per unit on every page).
    Keyed by the scope itself, computed afresh each request, so a role change shows at once and
    readers of the same area share one entry; by the version of the administrative tree
    (``geo.versions``), so a renamed or added unit shows at once too; and by the language. The
    entry is the markup itself: a page reads one string."""
    from django.urls import get_script_prefix
    from django.utils.translation import get_language

    from vuonlen.geo.versions import cached_by_tree

    scope = scoping.scope_for(user)
    if scope.empty:
        return render([])
    paths = ("*",) if scope.everything else scope.paths
    return cached_by_tree("scope-panel", (get_language(), get_script_prefix(), *paths),
                          lambda: str(render(scope_tree(user))), PANEL_SECONDS)


@dataclass(frozen=True)
class HomeCounts:
    units: int
    villages: int
    organisations: int


def home_counts(user) -> HomeCounts:
    units = scoping.visible_units(user)
    return HomeCounts(
        units=units.exclude(level=Level.VILLAGE).count(),
        villages=units.filter(level=Level.VILLAGE).count(),
        organisations=scoping.scoped(user, Organisation.objects.all(), roles.ORG_VIEW).count(),
    )


def accounts_visible_to(user, *, search: str = "", role: str = ""):
    """The accounts a manager manages: those holding a role (current or past) in the manager's
    area with ``accounts.manage_accounts``. A technical administrator (superuser) sees every
    account, those without a role included. ``search`` matches the login or the full name, with
    or without diacritics."""

    from .models import RoleAssignment, User

    scope = scoping.scope_for(user, roles.ACCOUNT_MANAGE)
    if user is scoping.SYSTEM or scope.everything:
        qs = User.objects.all()
    elif scope.empty:
        return User.objects.none()
    else:
        held = RoleAssignment.objects.filter(scope.q("unit") | scope.q("organisation__unit"))
        qs = User.objects.filter(pk__in=held.values("user_id"))
    if role:
        qs = qs.filter(assignments__role=role)
    if search:
        folded = fold(search)
        # Names are folded in Python: a few thousand accounts at most, and no search column to keep.
        ids = [pk for pk, login, name in qs.values_list("pk", "username", "full_name")
               if folded in fold(login) or folded in fold(name)]
        qs = User.objects.filter(pk__in=ids)
    return qs.distinct().order_by("username")
