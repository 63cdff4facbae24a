from __future__ import annotations

import sys
import threading

from .base import BaseBackend


class ConsoleBackend(BaseBackend):
    """Writes each message to standard output, as Django's console e-mail backend does: for
    development, where nothing must leave the machine."""

    idempotent = True
    _lock = threading.Lock()

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message) -> str:
        with self._lock:
            self.stream.write(
                f"--- {message.channel} → {message.recipient} [{message.key}]\n"
                f"{message.subject}\n{message.body}\n---\n")
            self.stream.flush()
        return ""
