"""Every page of both rooms opens for a commune officer, and the outreach form records a
session with households by code; another commune's activity is not found."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.initiatives.conftest import World, poor
from vuonlen.outreach.models import Activity, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(kontum):
    return World()


def test_pages_open(client, world):
    world.model()
    client.force_login(world.officer)
    for name in ("initiatives:list", "initiatives:create", "initiatives:indicator5", "initiatives:exemplars",
                 "initiatives:exemplar_create", "outreach:list", "outreach:create", "outreach:indicator1"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get("/trien-lam/").status_code == 200


def test_record_a_session_by_household_codes(client, world):
    a, b = world.household("A Một"), world.household("Y Hai")
    poor(a, 2024)
    theirs = world.household("A Xa", unit=world.other_commune)
    client.force_login(world.officer)
    data = {"kind": "propaganda", "date": "04/05/2024", "unit": world.commune.pk, "title": "Họp thôn 4",
            "channel": "meeting", "topics": [Topic.objects.get(number=1).pk], "participants": 30,
            "household_codes": f"{a.code}, {theirs.code}"}
    response = client.post(reverse("outreach:create"), data)
    assert response.status_code == 200 and f"Không tìm thấy hộ {theirs.code}" in response.content.decode()
    data["household_codes"] = f"{a.code}\n{b.code}"
    response = client.post(reverse("outreach:create"), data)
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert set(activity.households.all()) == {a, b}
    assert client.get(reverse("outreach:detail", args=[activity.pk])).status_code == 200
    client.force_login(world.other_officer)
    assert client.get(reverse("outreach:detail", args=[activity.pk])).status_code == 404
    assert "Họp thôn 4" not in client.get(reverse("outreach:list")).content.decode()
