"""factory_boy factories for messaging: a queued outbound message (through the outbox, which
keeps one row per key), a person's contact preference (through the service, as the person: only
they may set it) and an inbox item (a derived row the collection writes, so written as a row)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from vuonlen.messaging import services
from vuonlen.messaging.models import Channel, ContactPreference, InboxItem, InboxKind, OutboundMessage
from vuonlen.messaging.outbox import message_enqueue


class MessageFactory(factory.Factory):
    """An SMS "Báo cáo quá hạn" notice queued under ``key``; give its ``recipient``."""

    class Meta:
        model = OutboundMessage

    key = factory.Sequence(lambda n: f"k-{n + 1}")
    channel = Channel.SMS
    subject = "[Vươn Lên] Báo cáo quá hạn"
    body = "Vươn Lên: bạn có việc mới — Báo cáo quá hạn."

    @classmethod
    def _create(cls, model_class, **kwargs):
        return message_enqueue(**kwargs)[0]


class ContactPreferenceFactory(factory.Factory):
    """How ``user`` hears about new items: SMS to 0912345678 unless told."""

    class Meta:
        model = ContactPreference

    channel = Channel.SMS
    phone = "0912345678"

    @classmethod
    def _create(cls, model_class, *, user, **kwargs):
        return services.contact_preference_update(actor=user, user=user, expected_version=None, **kwargs)


class InboxItemFactory(DjangoModelFactory):
    """An unread item of ``user``'s inbox (a report due unless told), pointing at ``ref_id``."""

    class Meta:
        model = InboxItem

    kind = InboxKind.REPORT_DUE
    key = factory.Sequence(lambda n: f"muc-{n + 1}")
    ref_id = 1
    title = factory.Sequence(lambda n: f"Việc {n + 1}")
    url = "/"
