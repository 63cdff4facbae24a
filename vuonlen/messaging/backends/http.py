"""SMS and Zalo OA over HTTP (standard library only: two small JSON POSTs need no client).

Neither the token, the address nor the text ever reaches a log or an error code.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import BaseBackend, SendError

MAX_RESPONSE_BYTES = 64 * 1024


def post_json(url: str, payload: dict, headers: dict[str, str], timeout: float) -> dict:
    """POST ``payload``; the decoded JSON answer, or :class:`SendError` (transient for network
    trouble, 429 and 5xx; permanent for other 4xx)."""
    request = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False).encode(),
                                     headers={"Content-Type": "application/json; charset=utf-8", **headers},
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (URL from settings)
            raw = response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as exc:
        raise SendError(f"HTTP {exc.code}", transient=exc.code == 429 or exc.code >= 500) from None
    except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as exc:
        raise SendError(type(exc).__name__, transient=True) from None
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        raise SendError("bad JSON answer", transient=True) from None
    return answer if isinstance(answer, dict) else {}


def _required(name: str) -> str:
    value = getattr(settings, name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set for this messaging backend")
    return value


class SmsHttpBackend(BaseBackend):
    """A generic SMS gateway: ``POST MESSAGING_SMS_URL`` with ``Authorization: Bearer
    MESSAGING_SMS_TOKEN`` and ``{"to", "text", "request_id"}``; a 2xx answer ``{"id": …}`` is
    success. Gateways that drop a repeated ``request_id`` make a retry after a crash safe
    (``MESSAGING_SMS_IDEMPOTENT``, on by default)."""

    def __init__(self):
        self.url = _required("MESSAGING_SMS_URL")
        self.token = _required("MESSAGING_SMS_TOKEN")
        self.timeout = float(getattr(settings, "MESSAGING_HTTP_TIMEOUT", 10))
        self.idempotent = bool(getattr(settings, "MESSAGING_SMS_IDEMPOTENT", True))

    def send(self, message) -> str:
        answer = post_json(self.url, {"to": message.recipient, "text": message.body, "request_id": message.key},
                           {"Authorization": f"Bearer {self.token}"}, self.timeout)
        return str(answer.get("id") or answer.get("message_id") or "")[:100]


class ZaloOABackend(BaseBackend):
    """Zalo Official Account, customer-service message (API v3.0):
    ``POST https://openapi.zalo.me/v3.0/oa/message/cs`` with header ``access_token`` and
    ``{"recipient": {"user_id"}, "message": {"text"}}``; the answer is
    ``{"error": 0, "message": "Success", "data": {"message_id"}}``, any other ``error`` a
    refusal (-216 a bad token, …). Text is cut at Zalo's 2,000 characters. Zalo knows no
    idempotency key, so a send cut short by a crash is left for a person to check."""

    TEXT_LIMIT = 2000

    def __init__(self):
        self.url = getattr(settings, "MESSAGING_ZALO_URL", "") or "https://openapi.zalo.me/v3.0/oa/message/cs"
        self.token = _required("MESSAGING_ZALO_TOKEN")
        self.timeout = float(getattr(settings, "MESSAGING_HTTP_TIMEOUT", 10))

    def send(self, message) -> str:
        payload = {"recipient": {"user_id": message.recipient}, "message": {"text": message.body[:self.TEXT_LIMIT]}}
        answer = post_json(self.url, payload, {"access_token": self.token}, self.timeout)
        error = answer.get("error")
        if error != 0:
            raise SendError(f"zalo {error}", transient=False)
        return str((answer.get("data") or {}).get("message_id") or "")[:100]
