"""Keyset pagination of the API's households and reviews: following ``next`` walks every row
once in the list's order, whatever the page size; the old ``page`` still works; a forged cursor
or ``page`` with ``after`` is a 422 naming the field."""

from __future__ import annotations

import pytest

from tests import factories
from tests.geo.factories import VillageFactory
from tests.households.factories import HouseholdFactory, ReviewFactory
from vuonlen.accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, commune_a):
    village = VillageFactory(commune=commune_a, name="Thôn Keyset")
    # Heads with equal names, so the cursor must carry the code and the id as well.
    for i in range(7):
        home = HouseholdFactory(unit=village, members=["Y Hoa" if i % 2 else f"A Đinh {i}"])
        ReviewFactory(household=home, year=2023, income=600_000, lacking=["employment"])
        ReviewFactory(household=home, year=2024, income=600_000, lacking=["employment"])
    client.force_login(factories.make_user(Role.COMMUNE_OFFICER, commune_a, username="canbo.keyset"))
    return client


def _walk(client, path: str, size: int) -> list[int]:
    seen, cursor = [], None
    for _ in range(50):
        answer = client.get(path, {"page_size": size, **({"after": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.content
        body = answer.json()
        seen += [row["id"] for row in body["items"]]
        cursor = body["next"]
        if cursor is None:
            return seen
    raise AssertionError("next never ended")


@pytest.mark.parametrize("path", ["/api/v1/households", "/api/v1/reviews"])
def test_following_next_walks_every_row_once_in_order(reader, path):
    everything = reader.get(path, {"page_size": 100}).json()
    assert everything["next"] is None
    in_order = [row["id"] for row in everything["items"]]
    assert len(in_order) == everything["count"] >= 7
    for size in (1, 2, 3, 5):
        assert _walk(reader, path, size) == in_order


def test_old_pages_still_answer_and_agree(reader):
    first = reader.get("/api/v1/households", {"page_size": 3}).json()
    second = reader.get("/api/v1/households", {"page_size": 3, "page": 2}).json()
    by_cursor = reader.get("/api/v1/households", {"page_size": 3, "after": first["next"]}).json()
    assert [r["id"] for r in second["items"]] == [r["id"] for r in by_cursor["items"]]


def test_bad_cursors_are_422_naming_the_field(reader):
    for params in ({"after": "bm90IGpzb24"}, {"after": "W10"}, {"after": "a b"}, {"after": "x" * 401},
                   {"after": "WyJhIiwiYiIsMV0", "page": 2}):
        answer = reader.get("/api/v1/households", params)
        assert answer.status_code == 422, params
        fields = {tuple(d["loc"])[-1] for d in answer.json()["detail"]}
        assert fields & {"after", "page"}, answer.json()
    assert reader.get("/api/v1/households", {"page_size": 101}).status_code == 422


def test_review_pages_read_one_year_at_a_time_agree_with_the_whole_list(reader):
    everything = reader.get("/api/v1/reviews", {"page_size": 100}).json()
    in_order = [(row["year"], row["id"]) for row in everything["items"]]
    assert [year for year, _ in in_order] == sorted(year for year, _ in in_order)  # 2023 then 2024
    assert {year for year, _ in in_order} == {2023, 2024} and everything["count"] == 14
    for size in (1, 3, 5, 6):  # pages that end inside a year and that straddle two
        pages = []
        for page in range(1, 16):
            answer = reader.get("/api/v1/reviews", {"page_size": size, "page": page})
            if answer.status_code == 404 or not answer.json()["items"]:
                break
            assert answer.json()["count"] == 14
            pages += [(row["year"], row["id"]) for row in answer.json()["items"]]
        assert pages == in_order, size


def test_review_count_follows_a_new_review_and_a_cursor_with_a_forged_year_is_422(
        reader, commune_a, django_capture_on_commit_callbacks):
    assert reader.get("/api/v1/reviews").json()["count"] == 14
    assert reader.get("/api/v1/reviews").json()["count"] == 14  # kept
    with django_capture_on_commit_callbacks(execute=True):  # committed, as in production
        home = HouseholdFactory(unit=VillageFactory(commune=commune_a, name="Thôn Mới"), members=["Y Mới"])
        ReviewFactory(household=home, year=2024, income=600_000, lacking=["employment"])
    answer = reader.get("/api/v1/reviews", {"page_size": 5}).json()
    assert answer["count"] == 15 and answer["next"]
    import base64
    import json

    forged = base64.urlsafe_b64encode(json.dumps(["năm", "A", 1]).encode()).decode().rstrip("=")
    refused = reader.get("/api/v1/reviews", {"after": forged})
    assert refused.status_code == 422 and {tuple(d["loc"])[-1] for d in refused.json()["detail"]} == {"after"}
