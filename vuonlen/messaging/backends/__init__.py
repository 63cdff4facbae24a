"""Outgoing message backends, chosen in settings as Django chooses its e-mail backend.

``MESSAGING_BACKEND`` is the default for every channel (console unless set);
``MESSAGING_EMAIL_BACKEND``, ``MESSAGING_SMS_BACKEND`` and ``MESSAGING_ZALO_BACKEND`` override it
per channel. A value is a short name (``console``, ``file``, ``email``, ``sms``, ``zalo``) or a
dotted path to a class with the one interface :meth:`BaseBackend.send`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .base import BaseBackend, SendError

ALIASES = {
    "console": "vuonlen.messaging.backends.console.ConsoleBackend",
    "file": "vuonlen.messaging.backends.filebased.FileBackend",
    "email": "vuonlen.messaging.backends.email.EmailBackend",
    "sms": "vuonlen.messaging.backends.http.SmsHttpBackend",
    "zalo": "vuonlen.messaging.backends.http.ZaloOABackend",
    "locmem": "vuonlen.messaging.backends.locmem.LocmemBackend",
}

__all__ = ["BaseBackend", "SendError", "backend_path", "get_backend"]


def backend_path(channel: str) -> str:
    per_channel = getattr(settings, f"MESSAGING_{channel.upper()}_BACKEND", "") or ""
    name = per_channel or getattr(settings, "MESSAGING_BACKEND", "console") or "console"
    return ALIASES.get(name, name)


def get_backend(channel: str) -> BaseBackend:
    path = backend_path(channel)
    try:
        cls = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"MESSAGING backend {path!r} cannot be imported") from exc
    return cls()
