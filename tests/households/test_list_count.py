"""The list's count is kept between pages (``selectors.household_count``, issue 17) and is never
stale: a household registered, ended or imported, a review that changes a year's status, and a
village moved show in the next page's count; a search's count and a mentor's are never kept."""

import datetime as dt

import pytest
from django.urls import reverse

from vuonlen.households import services

from .factories import HouseholdFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def _count(client, **params) -> int:
    location = client.post(reverse("households:list"), {"state": "active", **params})["Location"]
    response = client.get(location)
    assert response.status_code == 200
    return response.context["page_obj"].paginator.count


def test_the_count_follows_every_write_of_the_registry(client, officer_a, viewer_district, commune_a, village_a,
                                                       household_a, django_capture_on_commit_callbacks):
    """Each write commits (its callbacks run, as in the server), then the next page counts."""
    from .test_imports import A, person, run, xlsx

    def committed(write):
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    client.force_login(viewer_district)
    assert _count(client) == 1
    assert _count(client) == 1  # the second page of the same list reads the kept count
    other = committed(lambda: HouseholdFactory(unit=commune_a, code="QT-002", members=["A Lâm"]))
    assert _count(client) == 2
    committed(lambda: services.household_end(actor=officer_a, household=other, reason="moved_away",
                                             on=dt.date(2024, 1, 1)))
    assert _count(client) == 1
    assert _count(client, state="ended") == 1
    assert committed(lambda: run(officer_a, xlsx([person("QT-301", A, village=village_a.name, name="A Thương")]))).ok
    assert _count(client) == 2
    # A year's status: the review recognised near poor in 2023 shows in "near poor in 2023".
    assert _count(client, year=2023, status="near_poor") == 0
    committed(lambda: ReviewFactory(household=household_a, year=2023, income=1_000_000, recognised=True,
                                    actor=officer_a))
    assert _count(client, year=2023, status="near_poor") == 1


def test_a_search_count_is_never_kept(client, officer_a, household_a):
    client.force_login(officer_a)
    assert _count(client, q="ksor") == 0
    services.member_add(actor=officer_a, household=household_a, reason="birth", started_on=dt.date(2024, 3, 1),
                        person={"full_name": "Ksor Nga", "sex": "Nữ", "relation": "Con", "birth_date": "01/03/2024"})
    assert _count(client, q="ksor") == 1


def test_readers_of_different_areas_do_not_share_a_count(client, officer_a, officer_b, household_a, commune_b):
    HouseholdFactory(unit=commune_b, code="DT-1", members=["A Ba"])
    HouseholdFactory(unit=commune_b, code="DT-2", members=["A Bốn"])
    client.force_login(officer_a)
    assert _count(client) == 1
    client.force_login(officer_b)
    assert _count(client) == 2

