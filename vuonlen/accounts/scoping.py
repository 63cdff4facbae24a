"""Who may see and change what: the one scoping module every room uses.

A person's scope for a permission is the set of administrative sub-trees of the units (or
their organisations' units) where they hold a role granting that permission. An assignment
to a post-2025 unit also covers the old units that merged into it, so a new commune's
officer can read the history of its predecessors.

Outside the scope a record does not exist: selectors filter it away and
``get_..._or_404`` raise ``Http404``, never ``PermissionDenied``.

Who acts is always named. A person is a ``User``; the system itself (management commands,
the demo data, background jobs, roll-ups) is ``SYSTEM``, which sees and may do everything.
``None`` is nobody: it sees nothing and may do nothing, so a forgotten argument can never
widen a read to "every record".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from vuonlen.core.periods import today_vn
from vuonlen.core.versions import Stamp
from vuonlen.geo.models import AdministrativeUnit, UnitLineage

from .roles import HISTORY_PERMISSIONS, ROLE_PERMISSIONS, UNIT_VIEW, Role

_CACHE_ATTR = "_vuonlen_scope_cache"


class SystemActor:
    """The system acting on its own (commands, demo data, jobs): passed where a person would be,
    as ``actor=SYSTEM`` to services and ``SYSTEM`` to selectors. It holds no account, so audit
    rows record no user and the name "hệ thống"; model fields such as ``created_by`` stay empty
    (``pk`` is None)."""

    pk = None
    id = None
    username = ""
    full_name = "hệ thống"
    is_authenticated = True
    is_active = True
    is_superuser = True
    is_staff = False
    is_anonymous = False

    def __repr__(self) -> str:
        return "SYSTEM"

    def __str__(self) -> str:
        return "hệ thống"

    def __reduce__(self):
        return "SYSTEM"


SYSTEM = SystemActor()


def is_system(actor) -> bool:
    return actor is SYSTEM


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    paths: tuple[str, ...] = ()
    organisation_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        return not self.everything and not self.paths

    def covers_path(self, path: str) -> bool:
        return self.everything or any(path.startswith(p) for p in self.paths)

    def q(self, unit_field: str = "unit") -> Q:
        """A filter for a model whose ``unit_field`` points at an AdministrativeUnit."""
        if self.everything:
            return Q()
        if not self.paths:
            return Q(pk__in=[])
        prefix = f"{unit_field}__" if unit_field else ""
        query = Q()
        for path in self.paths:
            query |= Q(**{f"{prefix}path__startswith": path})
        return query


def _minimal(paths: set[str]) -> tuple[str, ...]:
    """Drop paths already covered by a shorter one. In sorted order every path a kept path
    covers (starts with) follows it before any path it does not cover: one pass."""
    kept: list[str] = []
    for path in sorted(paths):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return tuple(kept)


def active_assignments(user, on: dt.date | None = None):
    from .models import RoleAssignment

    on = on or today_vn()
    return (
        RoleAssignment.objects.filter(user=user, is_active=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("unit", "organisation__unit")
    )


def _todays_assignments(user) -> list:
    """Today's assignments, read once per request: the top bar, the scope panel and the page
    each ask for a scope, with different permissions, on every page."""
    if user is SYSTEM:
        return []
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    if "assignments" not in cache:
        cache["assignments"] = _assignments_with_history(user)
    return cache["assignments"]


def _assignments_with_history(user) -> list:
    """Today's assignments, and — read-only — those a switch-over ended (``keeps_history``):
    a person of an abolished unit still reads its history. One query, kept between requests in
    the shared cache (every page asks; issue 17) under the assignments' version
    (``assignments_changed``: any assignment or organisation saved or deleted, and
    ``forget_scope``), the tree's version (their units' paths) and the day."""
    if user.pk is None:
        return _read_assignments(user, today_vn())
    from django.core.cache import cache

    from vuonlen.geo.versions import units_version

    on = today_vn()
    key = f"vuonlen:assignments:{assignments_version()}:{units_version()}:{user.pk}:{on.isoformat()}"
    rows = cache.get(key)
    if rows is None:
        rows = _read_assignments(user, on)
        cache.set(key, rows, ASSIGNMENTS_SECONDS)
    return rows


def _read_assignments(user, on: dt.date) -> list:
    from .models import RoleAssignment

    rows = list(
        RoleAssignment.objects.filter(user=user, is_active=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on) | Q(keeps_history=True))
        .select_related("unit", "organisation__unit")
    )
    for assignment in rows:
        assignment.read_only = assignment.valid_to is not None and assignment.valid_to < on
    return rows


ASSIGNMENTS_KEY = "vuonlen:accounts:assignments-version"
ASSIGNMENTS_SECONDS = 600


_ASSIGNMENTS = Stamp(ASSIGNMENTS_KEY)


def assignments_version() -> str:
    return _ASSIGNMENTS.current()


def assignments_changed(**_signal) -> None:
    """Every person's assignments kept between requests are stale: at once (this request's own
    reads see the change), and again when the transaction commits (a reader between the two
    cannot keep what the transaction was changing). The saves and deletes of assignments and
    organisations call it through their signals (``apps``); a write without ``save()`` (a
    queryset's ``update``) calls it, or ``forget_scope``, itself (``core.versions.Stamp``)."""
    _ASSIGNMENTS.changed()


def _grants(assignment, perm: str) -> bool:
    if perm not in ROLE_PERMISSIONS.get(assignment.role, ()):
        return False
    return not getattr(assignment, "read_only", False) or perm in HISTORY_PERMISSIONS


def roles_of(user) -> set[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    roles = {a.role for a in _todays_assignments(user) if not getattr(a, "read_only", False)}
    if user.is_superuser or user is SYSTEM:
        roles.add(Role.SYSADMIN)
    return roles


def granted_anywhere(user) -> frozenset[str] | None:
    """The permissions ``user`` holds somewhere today (``can(user, perm)`` without a unit is
    ``perm in granted_anywhere(user)``); None for a superuser, who holds every one. From the
    request's assignments, so it is as fresh as ``scope_for``."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return None
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    if "granted" not in cache:
        cache["granted"] = frozenset(perm for assignment in _todays_assignments(user)
                                     for perm in ROLE_PERMISSIONS.get(assignment.role, ())
                                     if _grants(assignment, perm))
    return cache["granted"]


def scope_for(user, perm: str = UNIT_VIEW) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True)
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    if perm in cache:
        return cache[perm]
    paths: set[str] = set()
    org_ids: set[int] = set()
    for assignment in _todays_assignments(user):
        if not _grants(assignment, perm):
            continue
        paths.add(assignment.scope_unit.path)
        if assignment.organisation_id:
            org_ids.add(assignment.organisation_id)
    scope = Scope(paths=_reach(cache, paths), organisation_ids=frozenset(org_ids))
    cache[perm] = scope
    return scope


def _reach(cache: dict, paths: set[str]) -> tuple[str, ...]:
    """``paths`` and the old units that merged into the new-era units under them (a new-era unit
    also reaches them), without the paths another one covers (``_minimal``). Most permissions
    share the same units, so once per set and request; and kept between requests in the shared
    cache under the tree's version (``geo.versions``: any unit or lineage row written starts a
    new one), as every page computes its reader's scope: a province's 863 old units read,
    unpickled and compared on every page came down to its two paths (issue 17)."""
    if not paths:
        return ()
    key = ("reach", frozenset(paths))
    if key not in cache:
        from vuonlen.geo.versions import cached_by_tree

        cache[key] = cached_by_tree("reach", tuple(sorted(paths)), lambda: _minimal(paths | _lineage_of(paths)), 600)
    return cache[key]


def _lineage_of(paths: set[str]) -> set[str]:
    lineage_q = Q()
    for path in paths:
        lineage_q |= Q(new_unit__path__startswith=path)
    return set(UnitLineage.objects.filter(lineage_q).values_list("old_unit__path", flat=True))


def through_lineage_only(user, perm: str, unit: AdministrativeUnit) -> bool:
    """True when ``user`` reaches ``unit`` with ``perm`` only because their new-era unit continues
    it (the lineage), not through an assignment of their own: a new commune reads its predecessors'
    history, and what those predecessors had recognised stays as it was (read-only)."""
    if user is SYSTEM or not getattr(user, "is_authenticated", False) or user.is_superuser:
        return False
    if not scope_for(user, perm).covers_path(unit.path):
        return False
    own = [a.scope_unit.path for a in _todays_assignments(user) if _grants(a, perm)]
    return not any(unit.path.startswith(path) for path in own)


def scope_without(user, perm: str, role: str) -> Scope:
    """The scope ``perm`` gives through every role but ``role``: a mentor's commune assignment
    grants their own households, not an area (``households.selectors.households_visible_to``)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True)
    if not any(a.role == role for a in _todays_assignments(user)):
        return scope_for(user, perm)
    cache = getattr(user, _CACHE_ATTR)
    key = ("without", perm, role)
    if key not in cache:
        paths = {a.scope_unit.path for a in _todays_assignments(user)
                 if a.role != role and _grants(a, perm)}
        cache[key] = Scope(paths=_reach(cache, paths))
    return cache[key]


def forget_scope(user) -> None:
    """Call after changing a person's assignments within one request (or to read them afresh):
    this request's and the shared cache's copies are dropped (``assignments_changed``)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
    assignments_changed()


def scoped(user, queryset: QuerySet, perm: str = UNIT_VIEW, unit_field: str = "unit") -> QuerySet:
    """``queryset`` narrowed to what ``user`` may see with ``perm``."""
    return queryset.filter(scope_for(user, perm).q(unit_field))


def can(user, perm: str, unit: AdministrativeUnit | None = None) -> bool:
    scope = scope_for(user, perm)
    if unit is None:
        return not scope.empty
    return scope.covers_path(unit.path)


def require(actor, perm: str, unit: AdministrativeUnit, *, seen_with: str | tuple[str, ...] = UNIT_VIEW,
            message: str = "Bạn không có quyền thực hiện thao tác này") -> None:
    """The one write check: the system (``SYSTEM``) may; a person with ``perm`` on ``unit``
    may; a person who can see the unit (any of ``seen_with``) but lacks ``perm`` gets 403;
    anyone else gets 404, because outside their area the record does not exist for them."""
    if actor is SYSTEM or can(actor, perm, unit):
        return
    readers = (seen_with,) if isinstance(seen_with, str) else seen_with
    if any(can(actor, reader, unit) for reader in readers):
        raise PermissionDenied(message)
    raise Http404("Không tìm thấy")


def get_scoped_or_404(user, queryset: QuerySet, perm: str = UNIT_VIEW, unit_field: str = "unit", **lookup):
    try:
        return scoped(user, queryset, perm, unit_field).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy") from None


def visible_units(user, perm: str = UNIT_VIEW) -> QuerySet[AdministrativeUnit]:
    return scoped(user, AdministrativeUnit.objects.all(), perm, unit_field="")


def get_unit_or_404(user, pk, perm: str = UNIT_VIEW) -> AdministrativeUnit:
    return get_scoped_or_404(user, AdministrativeUnit.objects.select_related("parent"), perm, unit_field="", pk=pk)


def scope_roots(user, perm: str = UNIT_VIEW) -> list[AdministrativeUnit]:
    """The top units of a person's scope, for the scope tree in the page header."""
    scope = scope_for(user, perm)
    qs = AdministrativeUnit.objects.all()
    if scope.everything:
        return list(qs.filter(parent__isnull=True).order_by("era", "name_sort"))
    return list(qs.filter(path__in=scope.paths).order_by("era", "level", "name_sort"))


def history_organisation_ids(user, perm: str) -> frozenset[int]:
    """The organisations a person acted for with ``perm`` until a switch-over ended the assignment
    (``keeps_history``): their records are read, never acted on (a reporting unit of an abolished
    district still lists the reports it sent, and sends none)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return frozenset(a.organisation_id for a in _todays_assignments(user)
                     if getattr(a, "read_only", False) and a.organisation_id
                     and perm in ROLE_PERMISSIONS.get(a.role, ()))


def acting_organisation_ids(user, perm: str) -> frozenset[int]:
    """The organisations a person acts for with ``perm`` (e.g. submits reports as): those named
    in their assignments, and — for an assignment to a unit without an organisation, such as a
    commune officer's — the active organisations placed at exactly that unit (not below it).

    Unlike ``scope_for``, this is not an area: a reporting unit sees its own organisation's
    records, not every record of its district.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active or user is SYSTEM:
        return frozenset()
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    key = ("acting", perm)
    if key in cache:
        return cache[key]
    from .models import Organisation

    ids: set[int] = set()
    unit_ids: set[int] = set()
    for assignment in _todays_assignments(user):
        if not _grants(assignment, perm):
            continue
        if assignment.organisation_id:
            ids.add(assignment.organisation_id)
        elif assignment.unit_id:
            unit_ids.add(assignment.unit_id)
    if unit_ids:
        ids |= set(Organisation.objects.filter(unit_id__in=unit_ids, is_active=True).values_list("pk", flat=True))
    cache[key] = frozenset(ids)
    return cache[key]
