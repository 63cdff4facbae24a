"""Correcting a pair's period and agreement note, and an activity: optimistic concurrency,
every error at once, audit, and scope (404 outside, 403 read-only)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from vuonlen.core.audit import history_for
from vuonlen.twinning import services
from vuonlen.twinning.models import ActivityKind, Evaluation

from .factories import ActivityFactory, PairFactory
from .test_services import SCORES
from .worlds import D

pytestmark = pytest.mark.django_db


@pytest.fixture
def pairs(world):
    return PairFactory(organisation=world.rubber, unit=world.commune), PairFactory(organisation=world.army,
                                                                                   unit=world.other_commune)


def record(pair, date=D(2023, 5, 1)):
    return ActivityFactory(pair=pair, date=date, description="Thăm hỏi")


def test_pair_update_changes_period_and_note_and_is_audited(world, pairs):
    ours, _ = pairs
    updated = services.pair_update(actor=world.secretary, pair=ours, expected_version=ours.version,
                                   started_on=D(2021, 1, 15), ended_on=D(2025, 12, 31), agreement_number="12/TTKN",
                                   content="Hỗ trợ mô hình cà phê")
    assert updated.version == 2 and updated.agreement_number == "12/TTKN"
    log = history_for(ours).get(action="update")
    assert log.actor == world.secretary and log.changes["started_on"] == ["2021-03-01", "2021-01-15"]


def test_pair_update_reports_every_error_at_once_and_refuses_a_stale_version(world, pairs):
    ours, _ = pairs
    record(ours, D(2023, 5, 1))
    Evaluation.objects.create(pair=ours, year=2022, total=45, grade="done", **SCORES)
    with pytest.raises(ValidationError) as exc:
        services.pair_update(actor=world.secretary, pair=ours, expected_version=1, started_on=D(2023, 6, 1),
                             ended_on=D(2023, 1, 1))
    assert set(exc.value.message_dict) == {"started_on", "ended_on"}
    services.pair_update(actor=world.secretary, pair=ours, expected_version=1, started_on=D(2021, 3, 1),
                         ended_on=None, agreement_number="01")
    with pytest.raises(ValidationError) as exc:
        services.pair_update(actor=world.secretary, pair=ours, expected_version=1, started_on=D(2021, 3, 1),
                             ended_on=None, agreement_number="02")
    assert "vừa được người khác sửa" in exc.value.messages[0]
    ours.refresh_from_db()
    assert ours.agreement_number == "01" and ours.version == 2


def test_pair_update_scope(world, pairs):
    ours, _ = pairs
    kwargs = {"expected_version": 1, "started_on": D(2021, 3, 1), "ended_on": None}
    with pytest.raises(Http404):
        services.pair_update(actor=world.mentor, pair=ours, **kwargs)
    with pytest.raises(PermissionDenied):
        services.pair_update(actor=world.officer, pair=ours, **kwargs)


def test_activity_update_changes_and_audits_and_refuses_stale(world, pairs):
    ours, _ = pairs
    activity = record(ours)
    updated = services.activity_update(actor=world.rubber_user, activity=activity, expected_version=1,
                                       kind=ActivityKind.JOBS, date=D(2023, 6, 1), value_vnd="5.000.000",
                                       beneficiary_count=12, description="Tuyển 12 lao động")
    assert updated.kind == ActivityKind.JOBS and updated.value_vnd == 5_000_000 and updated.version == 2
    assert history_for(activity).get(action="update").actor == world.rubber_user
    with pytest.raises(ValidationError) as exc:
        services.activity_update(actor=world.rubber_user, activity=activity, expected_version=1,
                                 kind=ActivityKind.JOBS, date=D(2023, 6, 1), description="Khác")
    assert "vừa được người khác sửa" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        services.activity_update(actor=world.rubber_user, activity=activity, expected_version=2, kind="",
                                 date=D(2020, 1, 1), value_vnd="abc", beneficiary_count=-1, description="")
    assert set(exc.value.message_dict) == {"kind", "date", "value_vnd", "beneficiary_count", "description"}
    activity.refresh_from_db()
    assert activity.description == "Tuyển 12 lao động" and activity.version == 2


def test_activity_update_scope(world, pairs):
    ours, _ = pairs
    activity = record(ours)
    kwargs = {"expected_version": 1, "kind": ActivityKind.JOBS, "date": D(2023, 6, 1), "description": "x"}
    with pytest.raises(Http404):
        services.activity_update(actor=world.army_user, activity=activity, **kwargs)
    with pytest.raises(PermissionDenied):
        services.activity_update(actor=world.officer, activity=activity, **kwargs)


def test_edit_pages(world, pairs, client):
    ours, _ = pairs
    activity = record(ours)
    pair_url = reverse("twinning:pair_update", args=[ours.pk])
    activity_url = reverse("twinning:activity_update", args=[activity.pk])
    client.force_login(world.army_user)
    assert client.get(pair_url).status_code == 404
    assert client.get(activity_url).status_code == 404
    client.force_login(world.officer)
    assert client.get(pair_url).status_code == 403
    assert client.get(activity_url).status_code == 403
    detail = client.get(reverse("twinning:pair_detail", args=[ours.pk])).content.decode()
    assert pair_url not in detail and activity_url not in detail
    client.force_login(world.secretary)
    detail = client.get(reverse("twinning:pair_detail", args=[ours.pk])).content.decode()
    assert pair_url in detail and activity_url in detail
    response = client.post(pair_url, {"started_on": "01/03/2021", "ended_on": "", "agreement_number": "05/KN",
                                      "content": "", "version": "1"})
    assert response.status_code == 302
    stale = client.post(pair_url, {"started_on": "01/03/2021", "agreement_number": "06/KN", "version": "1"})
    assert stale.status_code == 200 and "vừa được người khác sửa" in stale.content.decode()
    assert "06/KN" in stale.content.decode()
    client.force_login(world.rubber_user)
    assert client.get(pair_url).status_code == 403
    response = client.post(activity_url, {"kind": ActivityKind.JOBS, "date": "01/06/2023", "value_vnd": "",
                                          "beneficiary_count": "3", "description": "Việc làm", "version": "1"})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.kind == ActivityKind.JOBS and activity.beneficiary_count == 3


def test_evaluation_page_refuses_a_stale_version_and_keeps_the_first_scores(world, pairs, client):
    from .test_services import SCORES

    ours, _ = pairs
    url = reverse("twinning:evaluation_record", args=[ours.pk, 2023])
    client.force_login(world.secretary)
    assert 'name="version" value="0"' in client.get(url).content.decode()
    # The province's secretariat scores the pair first, while this page is open.
    services.evaluation_record(actor=world.province_secretary, pair=ours, year=2023, scores=SCORES,
                               comment="Thiết thực", expected_version=0)
    response = client.post(url, {**{k: 10 for k in SCORES}, "comment": "Điểm của tôi", "version": 0})
    assert response.status_code == 200
    assert "vừa được người khác sửa" in response.content.decode() and "Điểm của tôi" in response.content.decode()
    evaluation = Evaluation.objects.get(pair=ours, year=2023)
    assert (evaluation.comment, evaluation.total, evaluation.version) == ("Thiết thực", 45, 1)
    # Reopened (version 1), the correction goes through.
    assert 'name="version" value="1"' in client.get(url).content.decode()
    assert client.post(url, {**{k: 10 for k in SCORES}, "comment": "Điểm của tôi", "version": 1}).status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.comment, evaluation.total, evaluation.version) == ("Điểm của tôi", 60, 2)
