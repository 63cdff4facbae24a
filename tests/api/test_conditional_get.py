"""The API answers a repeated GET with 304 Not Modified while nothing changed (ETag), and with
the new list once something did; pages are left alone."""

from __future__ import annotations

import pytest

from tests import factories
from tests.geo.factories import VillageFactory
from tests.households.factories import HouseholdFactory
from vuonlen.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_unchanged_list_is_not_sent_again(client, commune_a, django_capture_on_commit_callbacks):
    village = VillageFactory(commune=commune_a, name="Thôn Một")
    HouseholdFactory(unit=village, members=["Y Blăk"])
    client.force_login(factories.make_user(Role.COMMUNE_OFFICER, commune_a, username="canbo.etag"))
    first = client.get("/api/v1/households")
    assert first.status_code == 200 and first.json()["count"] == 1
    etag = first.headers["ETag"]
    assert "private" in first.headers["Cache-Control"]

    again = client.get("/api/v1/households", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""

    with django_capture_on_commit_callbacks(execute=True):  # committed, as the server's write is
        HouseholdFactory(unit=village, members=["A Thơ"])
    changed = client.get("/api/v1/households", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.json()["count"] == 2
    assert changed.headers["ETag"] != etag


def test_pages_carry_no_etag(client, commune_a):
    client.force_login(factories.make_user(Role.COMMUNE_OFFICER, commune_a, username="canbo.etag2"))
    response = client.get("/ho-gia-dinh/")
    assert response.status_code == 200 and "ETag" not in response.headers
