"""Reminder e-mails: N days before the due date and on the day, only to units that have not
sent, only after commit, never twice — however often the daily command runs."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests import factories
from vuonlen.accounts.roles import Role
from vuonlen.reporting import services
from vuonlen.reporting.models import ReminderKind, ReminderSent

from .conftest import Q2, vn
from .factories import SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def addresses(world):
    world.youth.email = "huyendoan@example.vn"
    world.youth.save()
    world.agency.email = "phongdantoc@example.vn"
    world.agency.save()
    return world


def _send(day, **kw):
    return services.reminders_send(today=day, **kw)


def test_before_and_on_the_day_never_twice(addresses, mailoutbox, django_capture_on_commit_callbacks):
    world = addresses
    SubmissionFactory(schedule=world.schedule, organisation=world.agency, period=Q2,
                      sent_at=vn(2023, 6, 1))  # already sent: no reminder
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sent = _send(dt.date(2023, 6, 4), days_before=3)
    assert len(callbacks) == 1  # the mails wait for the commit
    to = sorted(a for m in mailoutbox for a in m.to)
    # The farmers' union (its reporting officer's address), the youth union (its own), commune x (its officer).
    assert to == ["canbo.x@example.vn", "hnd@example.vn", "huyendoan@example.vn"]
    assert {r.kind for r in sent} == {ReminderKind.BEFORE}
    message = next(m for m in mailoutbox if "huyendoan@example.vn" in m.to)
    assert message.subject == "[Vươn Lên] Nhắc hạn: Báo cáo quý Cuộc vận động Quý II/2023 — hạn 07/06/2023"
    assert "Còn 3 ngày, hạn chót là hết ngày 07/06/2023" in message.body and "/bao-cao-dinh-ky/cua-toi/" in message.body
    # The cron job runs again the same day, and the next: nothing new until the due day.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert _send(dt.date(2023, 6, 4), days_before=3) == []
        assert _send(dt.date(2023, 6, 5), days_before=3) == []
    assert mailoutbox == []
    SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2, sent_at=vn(2023, 6, 6))
    with django_capture_on_commit_callbacks(execute=True):
        on_the_day = _send(dt.date(2023, 6, 7), days_before=3)
    assert {(r.organisation, r.kind) for r in on_the_day} == {(world.youth, ReminderKind.DUE_DAY),
                                                               (world.bcd_x, ReminderKind.DUE_DAY)}
    assert all(m.subject.startswith("[Vươn Lên] Hôm nay hết hạn:") for m in mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert _send(dt.date(2023, 6, 7), days_before=3) == []
        assert _send(dt.date(2023, 6, 8), days_before=3) == []  # after the deadline: the board's job
    assert ReminderSent.objects.count() == 5


def test_a_missed_cron_day_still_reminds_once(addresses, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _send(dt.date(2023, 6, 6), days_before=3)  # the 4th and 5th were missed
    assert {r.kind for r in first} == {ReminderKind.BEFORE} and len(first) == 4
    assert ReminderSent.objects.filter(sent_on=dt.date(2023, 6, 6)).count() == 4


def test_units_without_any_address_are_skipped_and_retried_later(world, mailoutbox,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = _send(dt.date(2023, 6, 5))
    assert {r.organisation for r in sent} == {world.farmers, world.bcd_x}
    factories.make_user(Role.REPORTING_UNIT, organisation=world.youth, email="bithu@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        later = _send(dt.date(2023, 6, 6))
    assert [r.organisation for r in later] == [world.youth]
    assert mailoutbox[-1].to == ["bithu@example.vn"]


def test_nothing_is_sent_when_the_transaction_fails(world, mailoutbox, django_capture_on_commit_callbacks,
                                                    monkeypatch):
    from vuonlen.reporting import services as svc

    def broken(*args, **kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(svc, "audit_record", broken)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        _send(dt.date(2023, 6, 5))
    assert mailoutbox == [] and ReminderSent.objects.count() == 0


def test_the_daily_command(world, mailoutbox):
    out = StringIO()
    call_command("reporting", "remind", "--date", "05/06/2023", stdout=out)
    assert "Ngày 05/06/2023: đã gửi 2 thư nhắc hạn báo cáo." in out.getvalue()
    call_command("reporting", "remind", "--date", "05/06/2023", stdout=out)
    assert "đã gửi 0 thư" in out.getvalue()
    with pytest.raises(CommandError, match="không phải ngày hợp lệ"):
        call_command("reporting", "remind", "--date", "hôm qua")
