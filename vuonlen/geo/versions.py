"""A version of the administrative tree, for caches of what is drawn from it (the scope panel
beside every page, ``accounts.selectors.scope_panel_html``): any saved or deleted unit, and the bulk
writes of villages, start a new version, at once and again when the transaction commits (so a
reader between the two cannot keep what the transaction was changing). Issue 17."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from vuonlen.core.versions import Stamp

KEY = "vuonlen:geo:units-version"
_STAMP = Stamp(KEY)


def units_version() -> str:
    return _STAMP.current()


def units_changed(**_signal) -> None:
    """Call after writing units without ``save()`` (``bulk_create``, ``update``); saves and
    deletes call it through the model's signals. The commit's new version is asked for once per
    transaction (loading a province saves thousands of units): ``core.versions.Stamp``."""
    _STAMP.changed()


T = TypeVar("T")


def cached_by_tree(name: str, parts: tuple, compute: Callable[[], T], timeout: int) -> T:
    """``compute()`` kept in the shared cache under the tree's current version: what is drawn
    from the units and their lineage (a reader's scope panel, the old units a scope reaches),
    computed afresh once any unit or lineage row is written. ``parts`` name the entry."""
    digest = hashlib.sha256("\n".join(map(str, parts)).encode()).hexdigest()[:32]
    key = f"vuonlen:tree:{name}:{units_version()}:{digest}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout)
    return found
