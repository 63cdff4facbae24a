"""A version of the administrative tree, for caches of what is drawn from it (the scope panel
beside every page, ``accounts.selectors.scope_panel_html``): any saved or deleted unit, and the bulk
writes of villages, start a new version, at once and again when the transaction commits (so a
reader between the two cannot keep what the transaction was changing). Issue 17."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

KEY = "vuonlen:geo:units-version"


def units_version() -> str:
    version = cache.get(KEY)
    if version is None:
        version = secrets.token_hex(6)
        if not cache.add(KEY, version, None):
            version = cache.get(KEY) or version
    return version


def _bump() -> None:
    cache.set(KEY, secrets.token_hex(6), None)


def _bump_on_commit() -> None:
    _bump()


def units_changed(**_signal) -> None:
    """Call after writing units without ``save()`` (``bulk_create``, ``update``); saves and
    deletes call it through the model's signals. The commit's new version is asked for once per
    transaction (loading a province saves thousands of units)."""
    _bump()
    connection = transaction.get_connection()
    if not any(entry[1] is _bump_on_commit for entry in getattr(connection, "run_on_commit", ())):
        transaction.on_commit(_bump_on_commit)


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
