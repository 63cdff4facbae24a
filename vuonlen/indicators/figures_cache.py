"""The dashboards' evaluated figures, kept in Django's cache until an input changes.

Every cached figure carries in its key the versions of what it was computed from, so the next
page load after a change computes afresh and nothing is ever invalidated by hand:

- the **global** version: bumped by a full recompute (``rollups.recompute_all``) and by every
  change to what the evaluation reads beside the roll-ups (targets, the indicator catalogue,
  phases: ``signals``);
- one version **per unit**: ``rollups.refresh`` bumps, once its transaction commits, the units
  whose totals it rewrote (the changed unit, its ancestors, the new-era units that gather it).
  A unit's dashboard reads its own totals and its children's, and a child's total never
  changes without its parent's, so the unit's own version is enough — a saved assessment in
  one village leaves every other district's and commune's figures cached;
- **topics** for what is not per unit: ``reviews`` (the years with recognised reviews) moves
  with every refresh of review figures; ``registry`` (the counts read straight from the
  households and their reviews: the official tables, the API's review count) moves when the
  transaction that wrote a review, a population base or a household commits
  (``registry_changed``: called by ``rollups.schedule`` for every review and population base
  written, imports included, and by the signals of ``Household``, ``Review`` and
  ``PopulationBase`` for any other save or delete).

The cache is shared by the server's worker processes (files or Redis, ``settings.CACHES``); a
version key lost from the cache simply starts a new version. Reading the versions is one
``get_many`` whatever their number.

A caller that only reads what it gets (``local=True``: the dashboards) also keeps it in the
worker process's memory under the same key, versions included: the versions are still read
from the shared cache on every call, so a change shows as soon as it would without this; what
is saved is unpickling a unit's evaluated figures on every view (≈ 6 ms of a province's
dashboard, issue 17). At most ``LOCAL_ENTRIES`` entries a process, each kept ``LOCAL_SECONDS``.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "vuonlen:figures:version"
TIMEOUT = 60 * 60  # an hour: anything older is recomputed even without a change
LOCAL_ENTRIES = 256
LOCAL_SECONDS = 5 * 60
T = TypeVar("T")
# key → (monotonic deadline, value): the process's own copies (``cached(local=True)``).
_LOCAL: OrderedDict[str, tuple[float, object]] = OrderedDict()


def unit_key(unit_id: int) -> str:
    return f"vuonlen:figures:unit:{unit_id}"


def topic_key(name: str) -> str:
    return f"vuonlen:figures:topic:{name}"


def _token() -> str:
    return uuid.uuid4().hex[:12]


def _versions(keys: list[str]) -> list[str]:
    """The current version of each key, set afresh where none is stored (one round trip when
    they all are)."""
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            token = _token()
            if not cache.add(key, token, None):
                token = cache.get(key) or token
            found[key] = token
    return [found[key] for key in keys]


def version() -> str:
    """The current global version, set afresh when none is stored."""
    return _versions([VERSION_KEY])[0]


def bump() -> None:
    """Every figure cached so far is stale from now on."""
    cache.set(VERSION_KEY, _token(), None)


def bump_units(unit_ids: Iterable[int], topics: Iterable[str] = ()) -> None:
    """The figures of these units (and these topics) are stale from now on; one round trip."""
    keys = [unit_key(u) for u in unit_ids] + [topic_key(t) for t in topics]
    if keys:
        cache.set_many({key: _token() for key in keys}, None)


def cached(parts: tuple, compute: Callable[[], T], *, unit: int | None = None, topics: Iterable[str] = (),
           local: bool = False, with_key: bool = False):
    """``compute()``'s answer for ``parts`` at the current versions (the global one, ``unit``'s
    and the ``topics``'): computed once per version. ``local``: also kept in this process's
    memory under the same versioned key (for callers that never change what they get: every
    caller of the process shares the one object). ``with_key``: (answer, its versioned key), for
    what the caller keeps drawn from the answer (the dashboard's figure sections)."""
    keys = [VERSION_KEY, *([unit_key(unit)] if unit is not None else []), *(topic_key(t) for t in topics)]
    described = ":".join(str(p) for p in parts)
    if len(described) > 120:  # a unit's forty children: memcached refuses keys past 250 characters
        described = hashlib.sha256(described.encode()).hexdigest()
    key = "vuonlen:figures:" + "-".join(_versions(keys)) + ":" + described
    found = _LOCAL.get(key) if local else None
    if found is not None and found[0] > time.monotonic():
        _LOCAL.move_to_end(key)
        found = found[1]
    else:
        found = cache.get(key)
        if found is None:
            found = compute()
            cache.set(key, found, TIMEOUT)
        if local:
            _LOCAL[key] = (time.monotonic() + LOCAL_SECONDS, found)
            _LOCAL.move_to_end(key)
            while len(_LOCAL) > LOCAL_ENTRIES:
                _LOCAL.popitem(last=False)
    return (found, key) if with_key else found


REGISTRY = "registry"


def _registry_bump() -> None:
    bump_units((), (REGISTRY,))


def registry_changed(**_signal) -> None:
    """Households or reviews were written: what is counted from them straight (the ``registry``
    topic) is stale once the transaction commits — at once outside one. One bump per
    transaction however many rows it writes (an import or a reclassification writes thousands):
    every call leaves a callback, the first to run bumps and the others find nothing to do, as
    ``rollups.schedule`` does. A reader who reads between the commit and the bump keeps what it
    computed under the version it read, which the bump then retires."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _registry_bump()
        return
    block = connection.atomic_blocks[0]
    state = getattr(block, "_vuonlen_registry", None)
    if state is None:
        state = block._vuonlen_registry = {"stale": False}
    state["stale"] = True
    transaction.on_commit(lambda: _registry_flush(state))


def _registry_flush(state: dict) -> None:
    if state["stale"]:
        state["stale"] = False
        _registry_bump()
