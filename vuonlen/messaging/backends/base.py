from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vuonlen.messaging.models import OutboundMessage


class SendError(Exception):
    """A send that did not go through. ``code`` is short and carries no personal data
    ("HTTP 503", "zalo -216"); ``transient`` says whether trying again later may succeed."""

    def __init__(self, code: str, *, transient: bool):
        super().__init__(code)
        self.code = code[:100]
        self.transient = transient


class BaseBackend:
    # True when sending the same message again cannot reach the person twice (the provider
    # drops repeats of the idempotency key, or the backend only writes locally): a send cut
    # short by a crash is then simply tried again; otherwise a person checks it.
    idempotent = False

    def send(self, message: OutboundMessage) -> str:
        """Deliver ``message`` (channel, recipient, subject, body, key); return the provider's
        id for it ("" if none), or raise :class:`SendError`."""
        raise NotImplementedError
