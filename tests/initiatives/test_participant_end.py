"""Ending a household's participation in a model: the page, the checks, the audit, the scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.initiatives.factories import ParticipantFactory
from vuonlen.core.audit import history_for
from vuonlen.initiatives import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def joined(world):
    model = world.model()
    household = world.household("Y Hiên Thị")
    participation = ParticipantFactory(initiative=model, household=household)
    return model, participation


def _url(model, participation):
    return reverse("initiatives:participant_end", args=[model.pk, participation.pk])


def test_service_checks_dates(world, joined):
    _model, participation = joined
    with pytest.raises(ValidationError) as exc:
        services.participant_end(actor=world.officer, participation=participation, ended_on=dt.date(2023, 1, 1))
    assert "trước ngày tham gia" in exc.value.message_dict["ended_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.participant_end(actor=world.officer, participation=participation, ended_on=dt.date(2999, 1, 1))
    assert "tương lai" in exc.value.message_dict["ended_on"][0]


def test_page_ends_the_participation_and_is_audited(world, joined, client):
    model, participation = joined
    client.force_login(world.officer)
    detail = client.get(reverse("initiatives:detail", args=[model.pk])).content.decode()
    assert _url(model, participation) in detail
    assert client.get(_url(model, participation)).status_code == 200
    bad = client.post(_url(model, participation), {"ended_on": "01/01/2020"})
    assert bad.status_code == 200 and bad.context["form"].errors
    participation.refresh_from_db()
    assert participation.ended_on is None
    ok = client.post(_url(model, participation), {"ended_on": "30/06/2024"})
    assert ok.status_code == 302
    participation.refresh_from_db()
    assert participation.ended_on == dt.date(2024, 6, 30)
    assert history_for(participation).get(action="update").actor == world.officer
    detail = client.get(reverse("initiatives:detail", args=[model.pk])).content.decode()
    assert _url(model, participation) not in detail
    again = client.post(_url(model, participation), {"ended_on": "01/07/2024"})
    assert again.status_code == 200 and "đã thôi tham gia" in again.content.decode()


def test_scope_outside_404_read_only_403(world, joined, client):
    model, participation = joined
    client.force_login(world.other_officer)
    assert client.get(_url(model, participation)).status_code == 404
    assert client.post(_url(model, participation), {"ended_on": "30/06/2024"}).status_code == 404
    client.force_login(world.viewer)
    assert client.get(_url(model, participation)).status_code == 403
    assert client.post(_url(model, participation), {"ended_on": "30/06/2024"}).status_code == 403
    assert _url(model, participation) not in client.get(reverse("initiatives:detail", args=[model.pk])).content.decode()
    other = world.model(name="Mô hình khác")
    client.force_login(world.officer)
    assert client.get(reverse("initiatives:participant_end", args=[other.pk, participation.pk])).status_code == 404
    participation.refresh_from_db()
    assert participation.ended_on is None
