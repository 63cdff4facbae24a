"""A version stamp in the shared cache, for what is kept between requests and drawn from rows
that change rarely (the administrative tree, a person's role assignments): entries are keyed by
the stamp's current value, and a write starts a new one — at once (the writing request's own
reads see the change) and again when its transaction commits (a reader between the two cannot
keep what the transaction was changing), asked for once per transaction however many rows it
writes. Issue 17."""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.db import transaction


class Stamp:
    def __init__(self, key: str):
        self.key = key
        # One callable per stamp: a transaction's callbacks are searched for it by identity.
        self._on_commit = self._bump

    def current(self) -> str:
        """The stamp's value, set afresh when none is stored."""
        version = cache.get(self.key)
        if version is None:
            version = secrets.token_hex(6)
            if not cache.add(self.key, version, None):
                version = cache.get(self.key) or version
        return version

    def _bump(self) -> None:
        cache.set(self.key, secrets.token_hex(6), None)

    def changed(self, **_signal) -> None:
        """A write: a new value now and again on commit (connectable as a model signal)."""
        self._bump()
        connection = transaction.get_connection()
        if not any(entry[1] is self._on_commit for entry in getattr(connection, "run_on_commit", ())):
            transaction.on_commit(self._on_commit)
