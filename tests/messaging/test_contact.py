"""Contact preferences: the person's own, validated with every problem at once, never
overwritten by a stale form; and the `vuonlen messages` command."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from tests import factories
from tests.messaging.factories import ContactPreferenceFactory
from tests.messaging.test_inbox import _task
from vuonlen.core.models import AuditLog
from vuonlen.core.periods import today_vn
from vuonlen.messaging import services
from vuonlen.messaging.models import Channel, ContactPreference, InboxItem, OutboundMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return factories.make_user(email="", full_name="A Blong")


@pytest.mark.parametrize("raw, expected", [
    ("0912 345 678", "0912345678"), ("+84912345678", "0912345678"), ("84 38.123.4567", "0381234567"),
    ("0212345678", None), ("091234567", None), ("abc", None),
])
def test_phone_numbers_are_normalised_or_refused(raw, expected):
    assert services.normalise_phone(raw) == expected


def test_every_problem_is_reported_at_once(person):
    with pytest.raises(ValidationError) as caught:
        services.contact_preference_update(actor=person, user=person, channel=Channel.ZALO, phone="12345",
                                           zalo_user_id="", expected_version=0)
    errors = caught.value.message_dict
    assert set(errors) == {"phone", "zalo_user_id"}
    assert "0912345678" in errors["phone"][0]
    with pytest.raises(ValidationError) as caught:
        services.contact_preference_update(actor=person, user=person, channel=Channel.EMAIL,
                                           zalo_user_id="zalo!", expected_version=0)
    assert set(caught.value.message_dict) == {"channel", "zalo_user_id"}
    assert not ContactPreference.objects.exists()


def test_only_the_person_changes_their_preference_and_a_stale_form_is_refused(person):
    other = factories.make_user()
    with pytest.raises(PermissionDenied):
        services.contact_preference_update(actor=other, user=person, channel=Channel.NONE, expected_version=0)
    saved = services.contact_preference_update(actor=person, user=person, channel=Channel.SMS,
                                               phone="+84 912 345 678", expected_version=0)
    assert (saved.phone, saved.version) == ("0912345678", 1)
    services.contact_preference_update(actor=person, user=person, channel=Channel.NONE, phone="0912345678",
                                       expected_version=1)
    with pytest.raises(ValidationError, match="vừa được người khác sửa"):
        services.contact_preference_update(actor=person, user=person, channel=Channel.SMS, phone="0987654321",
                                           expected_version=1)
    saved.refresh_from_db()
    assert (saved.channel, saved.version) == (Channel.NONE, 2)
    assert AuditLog.objects.filter(content_type__model="contactpreference", object_id=str(saved.pk)).count() == 2


def test_contact_page_saves_and_shows_errors_in_vietnamese(client, person):
    client.force_login(person)
    url = reverse("messaging:contact")
    page = client.post(url, {"channel": "sms", "phone": "12", "zalo_user_id": "", "version": 0}).content.decode()
    assert "Số điện thoại không hợp lệ" in page
    assert not ContactPreference.objects.exists()
    response = client.post(url, {"channel": "sms", "phone": "0912345678", "zalo_user_id": "", "version": 0})
    assert response.status_code == 302
    assert ContactPreference.objects.get(user=person).phone == "0912345678"
    assert "Đã lưu cách nhận tin của bạn." in client.get(url).content.decode()


def test_messages_command_collects_and_sends(world, settings, capsys):
    settings.MESSAGING_BACKEND = "locmem"
    ContactPreferenceFactory(user=world.farmers_user, channel=Channel.ZALO, zalo_user_id="123456789", phone="")
    _task(world, world.farmers, today_vn() + dt.timedelta(days=2), "Rà soát mô hình")
    call_command("messages", "collect", "--user", world.farmers_user.username)
    out = capsys.readouterr().out
    assert "1 người" in out and "tin nhắn chờ gửi" in out
    created = InboxItem.objects.filter(user=world.farmers_user).count()
    assert created == 1 and OutboundMessage.objects.count() == created
    call_command("messages", "collect", "--user", world.farmers_user.username)
    assert InboxItem.objects.count() == created  # again: nothing new
    call_command("messages", "send")
    assert f"Đã gửi {created}" in capsys.readouterr().out
    assert not OutboundMessage.objects.exclude(status="sent").exists()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="khong-co"):
        call_command("messages", "collect", "--user", "khong-co")
