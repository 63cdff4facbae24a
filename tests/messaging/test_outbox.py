"""The gateway: one interface, five backends, an outbox that never sends the same message twice,
and logs that carry ids and channels only."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
from django.utils import timezone

from tests.messaging.factories import ContactPreferenceFactory, MessageFactory
from tests.reporting.conftest import vn
from vuonlen.messaging import outbox
from vuonlen.messaging.backends import get_backend
from vuonlen.messaging.backends.console import ConsoleBackend
from vuonlen.messaging.backends.http import SmsHttpBackend, ZaloOABackend
from vuonlen.messaging.inbox import collect
from vuonlen.messaging.models import Channel, OutboundMessage, OutboxStatus
from vuonlen.messaging.outbox import message_enqueue, send_pending

pytestmark = pytest.mark.django_db

# The sender's clock in these tests: a day after the real one, so a message queued now (at the
# real time) is due at T0 whatever the hour the suite runs (a fixed date went stale at 08:00).
T0 = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(microsecond=0)
PHONE = "0912345678"
ZALO_ID = "8412345678901234567"


@pytest.fixture
def sms(settings, gateway):
    settings.MESSAGING_SMS_BACKEND = "sms"
    settings.MESSAGING_SMS_URL = f"{gateway.url}/sms/send"
    settings.MESSAGING_SMS_TOKEN = "sms-secret-token"
    return gateway


@pytest.fixture
def zalo(settings, gateway):
    settings.MESSAGING_ZALO_BACKEND = "zalo"
    settings.MESSAGING_ZALO_URL = f"{gateway.url}/v3.0/oa/message/cs"
    settings.MESSAGING_ZALO_TOKEN = "zalo-oa-access-token"
    gateway.default = (200, {"error": 0, "message": "Success", "data": {"message_id": "zmsg-42", "user_id": ZALO_ID}})
    return gateway


def status(message):
    message.refresh_from_db()
    return message.status


def test_console_is_the_default_and_writes_the_message(settings, capsys):
    assert isinstance(get_backend(Channel.SMS), ConsoleBackend)
    message = MessageFactory(channel=Channel.SMS, recipient=PHONE)
    assert send_pending(now=T0).sent == 1
    out = capsys.readouterr().out
    assert "sms → 0912345678" in out and "Báo cáo quá hạn" in out
    assert status(message) == OutboxStatus.SENT
    assert send_pending(now=T0 + dt.timedelta(hours=1)).sent == 0
    assert capsys.readouterr().out == ""


def test_file_backend_writes_one_file_per_message(settings, tmp_path):
    settings.MESSAGING_BACKEND = "file"
    settings.MESSAGING_FILE_PATH = tmp_path / "tin"
    MessageFactory(channel=Channel.ZALO, recipient=ZALO_ID, key="a")
    MessageFactory(channel=Channel.SMS, recipient=PHONE, key="b")
    assert send_pending(now=T0).sent == 2
    files = sorted((tmp_path / "tin").glob("*.txt"))
    assert len(files) == 2
    texts = [f.read_text(encoding="utf-8") for f in files]
    assert any("Đến: 0912345678" in t for t in texts) and all("Báo cáo quá hạn" in t for t in texts)


def test_email_backend_goes_through_django_mail(settings, mailoutbox):
    settings.MESSAGING_EMAIL_BACKEND = "email"
    message = MessageFactory(channel=Channel.EMAIL, recipient="hnd@example.vn", key="k-1")
    send_pending(now=T0)
    assert status(message) == OutboxStatus.SENT
    assert [(m.to, m.subject) for m in mailoutbox] == [(["hnd@example.vn"], "[Vươn Lên] Báo cáo quá hạn")]
    assert mailoutbox[0].extra_headers["X-Vuonlen-Message"] == "k-1"


def test_sms_over_http_posts_to_the_gateway(sms):
    message = MessageFactory(channel=Channel.SMS, recipient=PHONE, key="k-1")
    assert send_pending(now=T0).sent == 1
    [request] = sms.requests
    assert request["path"] == "/sms/send"
    assert request["headers"]["Authorization"] == "Bearer sms-secret-token"
    assert request["json"] == {"to": PHONE, "text": message.body, "request_id": "k-1"}
    message.refresh_from_db()
    assert (message.status, message.provider_id, message.attempts) == (OutboxStatus.SENT, "gw-1", 1)


def test_a_gateway_failure_is_retried_with_back_off_and_never_sent_twice(sms):
    sms.replies = [(503, {"error": "busy"})]
    message = MessageFactory(channel=Channel.SMS, recipient=PHONE)
    first = send_pending(now=T0)
    assert (first.sent, first.retried) == (0, 1)
    message.refresh_from_db()
    assert (message.status, message.last_error, message.next_attempt_at) == (
        OutboxStatus.PENDING, "HTTP 503", T0 + dt.timedelta(seconds=60))
    # Not before its time…
    assert send_pending(now=T0 + dt.timedelta(seconds=30)).sent == 0
    assert len(sms.requests) == 1
    # …then once.
    assert send_pending(now=T0 + dt.timedelta(seconds=61)).sent == 1
    assert len(sms.requests) == 2 and status(message) == OutboxStatus.SENT
    # Enqueued again under the same key (the event retried after a crash) and the worker run
    # again: nothing more leaves.
    again, created = message_enqueue(key=message.key, channel=Channel.SMS, recipient=PHONE, body="khác")
    assert (again.pk, created) == (message.pk, False)
    assert send_pending(now=T0 + dt.timedelta(hours=3)).sent == 0
    assert len(sms.requests) == 2 and OutboundMessage.objects.count() == 1


def test_a_refused_message_is_not_retried(sms):
    sms.replies = [(400, {"error": "bad number"})]
    message = MessageFactory(channel=Channel.SMS, recipient=PHONE)
    assert send_pending(now=T0).failed == 1
    assert send_pending(now=T0 + dt.timedelta(hours=3)).sent == 0
    message.refresh_from_db()
    assert (message.status, message.last_error, len(sms.requests)) == (OutboxStatus.FAILED, "HTTP 400", 1)


def test_transient_failures_give_up_after_the_last_attempt(settings, gateway):
    settings.MESSAGING_SMS_BACKEND = "sms"
    settings.MESSAGING_SMS_URL = "http://127.0.0.1:9/nobody-listens"  # the discard port: refused
    settings.MESSAGING_SMS_TOKEN = "t"
    message = MessageFactory(channel=Channel.SMS, recipient=PHONE)
    now = T0
    for _ in range(outbox.MAX_ATTEMPTS):
        send_pending(now=now)
        now += outbox.MAX_DELAY
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, outbox.MAX_ATTEMPTS)
    assert message.last_error in {"URLError", "ConnectionRefusedError"}


def test_zalo_oa_message_shape_and_answer(zalo):
    message = MessageFactory(channel=Channel.ZALO, recipient=ZALO_ID)
    assert send_pending(now=T0).sent == 1
    [request] = zalo.requests
    assert request["path"] == "/v3.0/oa/message/cs"
    assert request["headers"]["access_token"] == "zalo-oa-access-token"
    assert request["json"] == {"recipient": {"user_id": ZALO_ID}, "message": {"text": message.body}}
    message.refresh_from_db()
    assert message.provider_id == "zmsg-42"


def test_zalo_error_code_fails_and_server_error_retries(zalo):
    zalo.replies = [(200, {"error": -216, "message": "Access token is invalid"}), (502, {})]
    refused = MessageFactory(channel=Channel.ZALO, recipient=ZALO_ID, key="z-1")
    retried = MessageFactory(channel=Channel.ZALO, recipient=ZALO_ID, key="z-2")
    result = send_pending(now=T0)
    assert (result.failed, result.retried) == (1, 1)
    refused.refresh_from_db()
    assert (refused.status, refused.last_error) == (OutboxStatus.FAILED, "zalo -216")
    assert send_pending(now=T0 + dt.timedelta(minutes=2)).sent == 1
    assert status(retried) == OutboxStatus.SENT and len(zalo.requests) == 3


def test_a_send_cut_short_by_a_crash_is_retried_only_where_a_repeat_is_harmless(sms, settings):
    settings.MESSAGING_ZALO_BACKEND = "zalo"
    settings.MESSAGING_ZALO_URL = f"{sms.url}/zalo"
    settings.MESSAGING_ZALO_TOKEN = "z"
    on_sms = MessageFactory(channel=Channel.SMS, recipient=PHONE, key="s")
    on_zalo = MessageFactory(channel=Channel.ZALO, recipient=ZALO_ID, key="z")
    # A worker claimed both and died before recording the outcome.
    OutboundMessage.objects.update(status=OutboxStatus.SENDING, claimed_at=T0, attempts=1)
    assert send_pending(now=T0 + dt.timedelta(minutes=1)).sent == 0  # still within the lease
    result = send_pending(now=T0 + dt.timedelta(minutes=10))
    assert (result.requeued, result.uncertain, result.sent) == (1, 1, 1)
    assert status(on_sms) == OutboxStatus.SENT  # the gateway drops a repeated request_id
    assert status(on_zalo) == OutboxStatus.UNCERTAIN  # Zalo could not tell: a person checks
    assert [r["path"] for r in sms.requests] == ["/sms/send"]


def test_two_workers_never_both_claim_a_message():
    message = MessageFactory(channel=Channel.SMS, recipient=PHONE)
    assert outbox._claim(message.pk, T0) is True
    assert outbox._claim(message.pk, T0) is False


def test_backends_need_their_settings(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.MESSAGING_SMS_URL = ""
    with pytest.raises(ImproperlyConfigured):
        SmsHttpBackend()
    settings.MESSAGING_ZALO_TOKEN = ""
    with pytest.raises(ImproperlyConfigured):
        ZaloOABackend()


def test_collection_queues_one_message_per_new_item_without_names(world, settings):
    settings.MESSAGING_BACKEND = "locmem"
    ContactPreferenceFactory(user=world.farmers_user, channel=Channel.SMS, phone=PHONE)
    collect(users=[world.farmers_user, world.youth_user], today=dt.date(2023, 6, 3), now=vn(2023, 6, 3))
    collect(users=[world.farmers_user, world.youth_user], today=dt.date(2023, 6, 3), now=vn(2023, 6, 3))
    messages = list(OutboundMessage.objects.all())
    assert len(messages) == 2  # two items for the farmers; the youth union chose no channel
    assert {m.recipient for m in messages} == {PHONE}
    assert all("Hội Nông dân" not in m.body and "/hop-thu/" in m.body for m in messages)
    assert send_pending(now=timezone.now()).sent == 2


def test_logs_carry_ids_and_channels_never_personal_data(world, sms, caplog, homes, mentor):
    """Names, phone numbers, Zalo ids, e-mail addresses, tokens and message text stay out of
    every log record, through collection, failure, retry and success."""
    caplog.set_level(logging.DEBUG)
    world.farmers_user.full_name = "Y Nhi Kpơr"
    world.farmers_user.save()
    ContactPreferenceFactory(user=world.farmers_user, channel=Channel.SMS, phone=PHONE)
    sms.replies = [(500, {})]
    collect(users=[world.farmers_user], today=dt.date(2023, 6, 3), now=vn(2023, 6, 3))
    send_pending(now=T0)
    send_pending(now=T0 + dt.timedelta(hours=1))
    assert OutboundMessage.objects.filter(status=OutboxStatus.SENT).count() == 2
    text = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in (PHONE, "0912", "Y Nhi", "hnd@example.vn", "sms-secret-token", "Hội Nông dân", "bạn có việc mới",
                   world.farmers_user.username):
        assert secret not in text, secret
    first = OutboundMessage.objects.order_by("pk").first()
    assert f"message {first.pk} channel=sms" in text  # what the operator needs: ids and channel


def test_console_backend_writes_to_the_stream_it_is_given():
    stream = io.StringIO()
    ConsoleBackend(stream).send(OutboundMessage(key="x", channel=Channel.EMAIL, recipient="a@b.vn", body="Nội dung"))
    assert "email → a@b.vn [x]" in stream.getvalue() and "Nội dung" in stream.getvalue()


def test_a_channel_without_its_settings_waits_and_the_others_go(settings, caplog):
    settings.MESSAGING_BACKEND = "locmem"
    settings.MESSAGING_ZALO_BACKEND = "zalo"
    settings.MESSAGING_ZALO_TOKEN = ""
    waiting = MessageFactory(channel=Channel.ZALO, recipient=ZALO_ID, key="z")
    sent = MessageFactory(channel=Channel.SMS, recipient=PHONE, key="s")
    assert send_pending(now=T0).sent == 1
    assert (status(waiting), status(sent)) == (OutboxStatus.PENDING, OutboxStatus.SENT)
    assert "channel=zalo not configured" in caplog.text
    settings.MESSAGING_ZALO_BACKEND = ""
    assert send_pending(now=T0).sent == 1 and status(waiting) == OutboxStatus.SENT
