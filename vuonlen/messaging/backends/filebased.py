from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings

from .base import BaseBackend


class FileBackend(BaseBackend):
    """One file per message under ``MESSAGING_FILE_PATH``, named after its idempotency key:
    sending the same message again rewrites the same file."""

    idempotent = True

    def __init__(self, path=None):
        self.path = Path(path or settings.MESSAGING_FILE_PATH)

    def send(self, message) -> str:
        self.path.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256(message.key.encode()).hexdigest()[:32] + ".txt"
        target = self.path / name
        tmp = target.with_suffix(".tmp")
        tmp.write_text(f"Kênh: {message.channel}\nĐến: {message.recipient}\nMã: {message.key}\n"
                       f"Tiêu đề: {message.subject}\n\n{message.body}\n", encoding="utf-8")
        tmp.replace(target)
        return name
