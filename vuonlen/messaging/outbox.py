"""The outbox: enqueue a message once, send pending ones with back-off, record what happened.

A message is enqueued under a unique idempotency key (``get_or_create``): an event retried,
or a collector run again after a crash, finds the row and adds nothing. The worker claims a row
(PENDING → SENDING, one conditional UPDATE: two workers never both win) and commits the claim
before it calls the backend, so a crash mid-send leaves a SENDING row behind rather than a
pending one sent again. Such a row, once its lease has run out, goes back to PENDING only on a
backend that is idempotent; otherwise it is marked UNCERTAIN for a person to check.

Logs name the message by id and channel, never the address or the text.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .backends import SendError, get_backend
from .models import Channel, OutboundMessage, OutboxStatus

log = logging.getLogger("vuonlen.messaging")

MAX_ATTEMPTS = 6
BASE_DELAY = dt.timedelta(seconds=60)
MAX_DELAY = dt.timedelta(hours=2)


def backoff(attempts: int) -> dt.timedelta:
    """60 s, 2 min, 4 min, … doubling after each failed try, at most 2 hours."""
    return min(BASE_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=float(getattr(settings, "MESSAGING_SEND_LEASE_SECONDS", 300)))


def message_enqueue(*, key: str, channel: str, recipient: str, body: str, subject: str = "",
                    user=None) -> tuple[OutboundMessage, bool]:
    """The message under ``key``, created if new. Never a second row for the same key."""
    if channel not in Channel.values or channel == Channel.NONE:
        raise ValueError(f"unknown channel {channel!r}")
    defaults = {"channel": channel, "recipient": recipient, "body": body, "subject": subject[:200], "user": user}
    try:
        with transaction.atomic():
            message, created = OutboundMessage.objects.get_or_create(key=key, defaults=defaults)
    except IntegrityError:  # another process inserted the same key between our read and write
        return OutboundMessage.objects.get(key=key), False
    if created:
        log.info("message %s queued channel=%s", message.pk, channel)
    return message, created


@dataclass
class SendResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    uncertain: int = 0
    requeued: int = 0


class _Backends(dict):
    """One backend per channel for a run; None for a channel whose settings are missing (its
    messages wait, logged once, instead of stopping the worker)."""

    def for_channel(self, channel: str):
        if channel not in self:
            try:
                self[channel] = get_backend(channel)
            except ImproperlyConfigured as exc:
                log.error("channel=%s not configured (%s); its messages wait", channel, type(exc).__name__)
                self[channel] = None
        return self[channel]


def _reap(now: dt.datetime, result: SendResult, backends: _Backends) -> None:
    """SENDING rows whose worker died mid-send (lease expired)."""
    stale = OutboundMessage.objects.filter(status=OutboxStatus.SENDING, claimed_at__lt=now - lease())
    for message in stale.only("pk", "channel"):
        backend = backends.for_channel(message.channel)
        if backend is None:
            continue
        if backend.idempotent:
            if OutboundMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING).update(
                    status=OutboxStatus.PENDING, next_attempt_at=now):
                result.requeued += 1
                log.warning("message %s channel=%s send interrupted; queued again", message.pk, message.channel)
        elif OutboundMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING).update(
                status=OutboxStatus.UNCERTAIN, last_error="interrupted"):
            result.uncertain += 1
            log.warning("message %s channel=%s send interrupted; marked uncertain", message.pk, message.channel)


def _claim(pk: int, now: dt.datetime) -> bool:
    return bool(OutboundMessage.objects.filter(pk=pk, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1))


def send_pending(*, now: dt.datetime | None = None, limit: int = 200) -> SendResult:
    """Send the messages that are due, each at most once; returns the counts."""
    now = now or timezone.now()
    result = SendResult()
    backends = _Backends()
    _reap(now, result, backends)
    due = list(OutboundMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at", "pk").values_list("pk", "channel")[:limit])
    for pk, channel in due:
        backend = backends.for_channel(channel)
        if backend is None:
            continue
        if not _claim(pk, now):
            continue  # another worker has it
        message = OutboundMessage.objects.get(pk=pk)
        try:
            provider_id = backend.send(message)
        except SendError as exc:
            _failed(message, exc, now, result)
            continue
        except Exception as exc:  # a backend bug must not stop the others, nor leave the row SENDING
            _failed(message, SendError(type(exc).__name__, transient=True), now, result)
            continue
        OutboundMessage.objects.filter(pk=pk).update(status=OutboxStatus.SENT, sent_at=timezone.now(),
                                                     provider_id=provider_id or "", last_error="")
        result.sent += 1
        log.info("message %s channel=%s sent attempt=%d", pk, message.channel, message.attempts)
    return result


def _failed(message: OutboundMessage, exc: SendError, now: dt.datetime, result: SendResult) -> None:
    if exc.transient and message.attempts < MAX_ATTEMPTS:
        OutboundMessage.objects.filter(pk=message.pk).update(
            status=OutboxStatus.PENDING, next_attempt_at=now + backoff(message.attempts), last_error=exc.code)
        result.retried += 1
        log.warning("message %s channel=%s attempt=%d failed (%s); will retry", message.pk, message.channel,
                    message.attempts, exc.code)
    else:
        OutboundMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.FAILED, last_error=exc.code)
        result.failed += 1
        log.error("message %s channel=%s attempt=%d failed (%s); given up", message.pk, message.channel,
                  message.attempts, exc.code)
