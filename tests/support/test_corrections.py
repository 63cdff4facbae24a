"""Correcting the ledger: edit with optimistic concurrency, void instead of delete."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from tests.support.factories import EntryFactory
from tests.twinning.worlds import D
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import history_for
from vuonlen.support import selectors, services
from vuonlen.support.models import Kind, Source, SupportEntry

pytestmark = pytest.mark.django_db


def give(world, *, actor=SYSTEM, value=1_000_000, **kw):
    kw.setdefault("unit", world.village)
    return EntryFactory(actor=actor, value_vnd=value, **kw)


def test_edit_changes_the_entry_bumps_the_version_and_is_audited(world):
    entry = give(world, actor=world.officer)
    updated = services.entry_update(actor=world.officer, entry=entry, expected_version=entry.version,
                                    value_vnd="2.500.000", description="Sửa lại số tiền")
    assert updated.value_vnd == 2_500_000 and updated.version == entry.version + 1
    log = history_for(entry).get(action="update")
    assert log.actor == world.officer
    assert log.changes["value_vnd"] == [1_000_000, 2_500_000]


def test_edit_reports_every_error_at_once_and_changes_nothing(world):
    entry = give(world, actor=world.officer)
    with pytest.raises(ValidationError) as exc:
        services.entry_update(actor=world.officer, entry=entry, expected_version=entry.version, source="",
                              value_vnd="abc", date=None, loan_term_months=12)
    assert set(exc.value.message_dict) == {"source", "value_vnd", "date", "loan_term_months"}
    entry.refresh_from_db()
    assert entry.value_vnd == 1_000_000 and entry.version == 1


def test_stale_version_is_refused_and_nothing_changes(world):
    entry = give(world, actor=world.officer)
    services.entry_update(actor=world.officer, entry=entry, expected_version=1, value_vnd=2_000_000)
    with pytest.raises(ValidationError) as exc:
        services.entry_update(actor=world.officer, entry=entry, expected_version=1, value_vnd=9_000_000)
    assert "vừa được người khác sửa" in exc.value.messages[0]
    entry.refresh_from_db()
    assert entry.value_vnd == 2_000_000 and entry.version == 2
    assert history_for(entry).filter(action="update").count() == 1


def test_stale_version_on_the_page_keeps_the_input(world, client):
    entry = give(world, actor=world.officer)
    client.force_login(world.officer)
    page = client.get(reverse("support:entry_update", args=[entry.pk]))
    assert page.status_code == 200
    services.entry_update(actor=SYSTEM, entry=entry, expected_version=1,
                          value_vnd=3_000_000)
    response = client.post(reverse("support:entry_update", args=[entry.pk]), {
        "source": Source.SOCIAL, "kind": Kind.CASH, "value_vnd": "4.444.000", "date": "01/03/2022",
        "description": "Nhập của tôi", "version": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "vừa được người khác sửa" in html
    assert "4.444.000" in html and "Nhập của tôi" in html
    entry.refresh_from_db()
    assert entry.value_vnd == 3_000_000


def test_edit_page_saves_and_detail_shows_the_buttons_only_to_editors(world, client):
    entry = give(world, actor=world.officer)
    client.force_login(world.officer)
    detail = client.get(reverse("support:entry_detail", args=[entry.pk])).content.decode()
    assert reverse("support:entry_update", args=[entry.pk]) in detail
    assert reverse("support:entry_void", args=[entry.pk]) in detail
    response = client.post(reverse("support:entry_update", args=[entry.pk]), {
        "source": Source.SOCIAL, "kind": Kind.CASH, "value_vnd": "1.200.000", "date": "01/03/2022",
        "version": str(entry.version)})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.value_vnd == 1_200_000
    client.force_login(world.viewer)
    detail = client.get(reverse("support:entry_detail", args=[entry.pk])).content.decode()
    assert reverse("support:entry_update", args=[entry.pk]) not in detail
    assert reverse("support:entry_void", args=[entry.pk]) not in detail


def test_void_keeps_the_entry_but_leaves_it_out_of_lists_and_totals(world, client):
    kept = give(world, actor=world.officer, value=5_000_000)
    wrong = give(world, actor=world.officer, value=7_000_000)
    assert selectors.ledger_totals(world.officer).value_vnd == 12_000_000
    with pytest.raises(ValidationError) as exc:
        services.entry_void(actor=world.officer, entry=wrong, reason="  ")
    assert "reason" in exc.value.message_dict
    services.entry_void(actor=world.officer, entry=wrong, reason="Ghi trùng")
    wrong.refresh_from_db()
    assert wrong.is_void and wrong.void_reason == "Ghi trùng"
    assert SupportEntry.objects.count() == 2
    assert selectors.ledger_totals(world.officer).value_vnd == 5_000_000
    assert list(selectors.entry_list(world.officer)) == [kept]
    log = history_for(wrong).filter(action="update").get()
    assert "Ghi trùng" in log.note
    with pytest.raises(ValidationError):
        services.entry_update(actor=world.officer, entry=wrong, expected_version=wrong.version, value_vnd=1)
    with pytest.raises(ValidationError):
        services.entry_void(actor=world.officer, entry=wrong, reason="Lần nữa")
    client.force_login(world.officer)
    listing = client.get(reverse("support:entry_list")).content.decode()
    assert reverse("support:entry_detail", args=[wrong.pk]) not in listing
    detail = client.get(reverse("support:entry_detail", args=[wrong.pk]))
    assert detail.status_code == 200 and "Ghi trùng" in detail.content.decode()


def test_void_page_posts(world, client):
    entry = give(world, actor=world.officer)
    client.force_login(world.officer)
    bad = client.post(reverse("support:entry_void", args=[entry.pk]), {"reason": ""})
    assert bad.status_code == 200 and bad.context["form"].errors
    ok = client.post(reverse("support:entry_void", args=[entry.pk]), {"reason": "Nhập nhầm"})
    assert ok.status_code == 302
    entry.refresh_from_db()
    assert entry.is_void


def test_scope_outside_is_404_and_read_only_is_403(world, client):
    entry = give(world, actor=world.officer)
    with pytest.raises(Http404):
        services.entry_update(actor=world.officer2, entry=entry, expected_version=1, value_vnd=5)
    with pytest.raises(Http404):
        services.entry_void(actor=world.officer2, entry=entry, reason="x")
    with pytest.raises(PermissionDenied):
        services.entry_update(actor=world.viewer, entry=entry, expected_version=1, value_vnd=5)
    with pytest.raises(PermissionDenied):
        services.entry_void(actor=world.viewer, entry=entry, reason="x")
    for name in ("support:entry_update", "support:entry_void"):
        client.force_login(world.officer2)
        assert client.get(reverse(name, args=[entry.pk])).status_code == 404
        assert client.post(reverse(name, args=[entry.pk]), {"reason": "x"}).status_code == 404
        client.force_login(world.viewer)
        assert client.get(reverse(name, args=[entry.pk])).status_code == 403
        client.force_login(world.mentor)
        assert client.get(reverse(name, args=[entry.pk])).status_code == 404
    entry.refresh_from_db()
    assert entry.version == 1 and not entry.is_void


def test_reporting_unit_cannot_reassign_its_gift_to_another_giver(world):
    ours = services.entry_record(actor=world.rubber_user, source=Source.ENTERPRISE, kind=Kind.CASH,
                                 value_vnd=1_000_000, date=D(2022, 3, 1), giver=world.rubber, unit=world.village)
    with pytest.raises((PermissionDenied, Http404)):
        services.entry_update(actor=world.rubber_user, entry=ours, expected_version=1, giver=world.army)
    services.entry_update(actor=world.rubber_user, entry=ours, expected_version=1, value_vnd=2_000_000)
    ours.refresh_from_db()
    assert ours.value_vnd == 2_000_000 and ours.giver == world.rubber
