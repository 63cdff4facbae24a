"""Who sees which pair: the partner its own, the secretariat its area, others nothing (404)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.twinning import selectors, services
from vuonlen.twinning.models import ActivityKind

from .factories import PairFactory
from .test_services import PDF, SCORES
from .worlds import D

pytestmark = pytest.mark.django_db


@pytest.fixture
def pairs(world):
    ours = PairFactory(organisation=world.rubber, unit=world.commune, files=[SimpleUploadedFile("thoa-thuan.pdf", PDF)])
    theirs = PairFactory(organisation=world.army, unit=world.other_commune)
    return ours, theirs


def test_pairs_visible_by_partner_and_by_area(world, pairs):
    ours, theirs = pairs
    assert list(selectors.pairs_visible_to(world.rubber_user)) == [ours]
    assert list(selectors.pairs_visible_to(world.army_user)) == [theirs]
    assert list(selectors.pairs_visible_to(world.secretary)) == [ours]          # Kon Rẫy
    assert list(selectors.pairs_visible_to(world.other_secretary)) == [theirs]  # Kon Plông
    assert set(selectors.pairs_visible_to(world.province_secretary)) == {ours, theirs}
    assert list(selectors.pairs_visible_to(world.officer)) == [ours]
    assert list(selectors.pairs_visible_to(world.officer2)) == []
    assert list(selectors.pairs_visible_to(world.mentor)) == []


@pytest.mark.parametrize("name", ["twinning:pair_detail", "twinning:activity_create"])
def test_outsiders_get_404_on_pair_pages(world, pairs, client, name):
    ours, _ = pairs
    client.force_login(world.army_user)
    assert client.get(reverse(name, args=[ours.pk])).status_code == 404
    client.force_login(world.rubber_user)
    assert client.get(reverse(name, args=[ours.pk])).status_code == 200


def test_agreement_file_served_only_in_scope(world, pairs, client):
    ours, _ = pairs
    record = ours.files.get()
    client.force_login(world.other_secretary)
    assert client.get(reverse("twinning:agreement_file", args=[record.pk])).status_code == 404
    client.force_login(world.secretary)
    response = client.get(reverse("twinning:agreement_file", args=[record.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_list_ranking_and_evaluation_pages(world, pairs, client):
    ours, theirs = pairs
    services.activity_record(actor=SYSTEM, pair=ours, kind=ActivityKind.VISITS_GIFTS, date=D(2023, 2, 1),
                             description="Tặng quà Tết")
    services.evaluation_record(actor=SYSTEM, pair=ours, year=2023, scores=SCORES)
    services.evaluation_record(actor=SYSTEM, pair=theirs, year=2023, scores=SCORES)
    client.force_login(world.secretary)
    listing = client.get(reverse("twinning:pair_list"), {"nam": 2023}).content.decode()
    assert world.rubber.name in listing and world.army.name not in listing
    assert "Chỉ thăm hỏi, tặng quà" in listing
    ranking = client.get(reverse("twinning:ranking"), {"nam": 2023}).content.decode()
    assert world.rubber.name in ranking and world.army.name not in ranking
    # The secretariat evaluates through the page; bad scores come back all at once.
    url = reverse("twinning:evaluation_record", args=[ours.pk, 2022])
    bad = client.post(url, {**SCORES, "score_models": "12", "score_results": ""})
    assert bad.status_code == 200 and set(bad.context["form"].errors) == {"score_models", "score_results"}
    assert client.post(url, SCORES).status_code == 302
    # A partner may not open the evaluation page of its own pair.
    client.force_login(world.rubber_user)
    assert client.get(url).status_code == 404


def test_partner_records_an_activity_through_the_page(world, pairs, client):
    ours, _ = pairs
    household = world.households(1)[0]
    client.force_login(world.rubber_user)
    response = client.post(reverse("twinning:activity_create", args=[ours.pk]), {
        "kind": ActivityKind.VOCATIONAL_TRAINING, "date": "12/05/2023", "value_vnd": "45.000.000",
        "household_codes": household.code, "beneficiary_count": "25", "description": "Lớp dạy nghề may"})
    assert response.status_code == 302
    activity = ours.activities.get()
    assert activity.value_vnd == 45_000_000 and list(activity.households.all()) == [household]
