from __future__ import annotations

from .base import BaseBackend

outbox: list = []


class LocmemBackend(BaseBackend):
    """Keeps sent messages in ``locmem.outbox`` (tests), as Django's locmem e-mail backend."""

    idempotent = True

    def send(self, message) -> str:
        outbox.append(message)
        return f"locmem-{len(outbox)}"
