"""The dashboards' evaluated figures, kept in Django's cache until an input changes.

One version key says how fresh the cache is: every roll-up write (``rollups.refresh`` and
``rollups.recompute_all``, once their transaction commits) and every change to what the
evaluation reads beside the roll-ups (targets, the indicator catalogue, phases: ``signals``)
bumps it, and every cached figure carries the version it was computed at in its key, so the
next page load after a change computes afresh. Nothing is ever invalidated by hand.

The cache is shared by the server's worker processes (files or Redis, ``settings.CACHES``);
a version key lost from the cache simply starts a new version.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

VERSION_KEY = "vuonlen:figures:version"
TIMEOUT = 60 * 60  # an hour: anything older is recomputed even without a change
T = TypeVar("T")


def version() -> str:
    """The current version, set afresh when none is stored."""
    current = cache.get(VERSION_KEY)
    if current is None:
        current = uuid.uuid4().hex[:12]
        if not cache.add(VERSION_KEY, current, None):
            current = cache.get(VERSION_KEY) or current
    return current


def bump() -> None:
    """Every figure cached so far is stale from now on."""
    cache.set(VERSION_KEY, uuid.uuid4().hex[:12], None)


def cached(parts: tuple, compute: Callable[[], T]) -> T:
    """``compute()``'s answer for ``parts`` at the current version (computed once per version)."""
    key = "vuonlen:figures:" + version() + ":" + ":".join(str(p) for p in parts)
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, TIMEOUT)
    return found
