"""Retrying a database write that met a transient failure: a locked SQLite file, a dropped
PostgreSQL connection.

SQLite lets one writer at a time; a second one waits ``timeout`` seconds (settings) and then
fails with "database is locked". The background worker must outlive that: its polling, its
job-status writes and its heartbeats retry with a growing, jittered delay instead of exiting.
A dozen lines, so no dependency: the whole point is the classification of Django's own
``OperationalError``, which a generic retry library would leave to us anyway.

Only a statement outside a transaction can be retried: inside one, the failed statement has
spoilt the transaction (PostgreSQL) or holds locks the retry would wait on (SQLite), so there
the error goes up at once for the transaction's owner to handle.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

T = TypeVar("T")

_SQLITE_TRANSIENT = ("database is locked", "database table is locked", "database is busy")


def _connection(using: str | BaseDatabaseWrapper) -> BaseDatabaseWrapper:
    return connections[using] if isinstance(using, str) else using


def is_transient(error: BaseException, *, using: str | BaseDatabaseWrapper = DEFAULT_DB_ALIAS) -> bool:
    """A failure that waiting can cure: a lock (SQLite), or on PostgreSQL any operational error
    (a connection lost while the server restarts, a lock or statement timeout, a serialisation
    conflict). SQLite's other operational errors ("no such table") are not transient."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    if _connection(using).vendor == "sqlite":
        return any(text in str(error).lower() for text in _SQLITE_TRANSIENT)
    return True


def delays(*, first: float = 0.2, cap: float = 10.0) -> Iterator[float]:
    """Exponential back-off with full jitter: 0.2 s, 0.4 s, 0.8 s … up to ``cap``, each
    randomised so that several waiting processes do not retry in step."""
    delay = first
    while True:
        yield random.uniform(delay / 2, delay)  # noqa: S311 (timing, not security)
        delay = min(cap, delay * 2)


def retry_on_lock(fn: Callable[[], T], *, attempts: int = 8, first: float = 0.2, cap: float = 10.0,
                  using: str | BaseDatabaseWrapper = DEFAULT_DB_ALIAS, what: str = "database write") -> T:
    """Call ``fn``; on a transient failure wait and call it again, up to ``attempts`` times in
    all, then let the last error go up. ``what`` names the write in the log (never data)."""
    connection = _connection(using)
    waits = delays(first=first, cap=cap)
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except (OperationalError, InterfaceError) as error:
            if connection.in_atomic_block or not is_transient(error, using=connection) or attempt == attempts:
                raise
            wait = next(waits)
            logger.warning("%s failed (%s); retry %s/%s in %.1f s", what, error, attempt, attempts - 1, wait)
            if connection.vendor != "sqlite":
                connection.close_if_unusable_or_obsolete()
            time.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover
