"""A person holding only the mentor role reads, in the registry, just the households assigned to
them — not their whole commune: list, page, members, reviews, history, export and API. A person
who is also a commune officer keeps the commune."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.http import Http404
from django.urls import reverse

from tests import factories
from tests.campaign.factories import MentorAssignmentFactory
from vuonlen.accounts.models import RoleAssignment
from vuonlen.accounts.roles import Role
from vuonlen.campaign import services as campaign
from vuonlen.households import selectors

from .factories import HouseholdFactory, ReviewFactory, head_of

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def neighbour(village_a):
    """Another household of the same commune, assigned to nobody."""
    return HouseholdFactory(unit=village_a, code="QT-002", members=["Y Blông"])


@pytest.fixture
def assigned(officer_a, mentor_a, household_a):
    MentorAssignmentFactory(mentor=mentor_a, household=household_a, started_on=dt.date(2024, 1, 1))
    return household_a


def test_list_page_and_detail(client, mentor_a, assigned, neighbour):
    client.force_login(mentor_a)
    page = client.get(reverse("households:list")).content.decode()
    assert assigned.code in page and neighbour.code not in page
    assert client.get(reverse("households:detail", args=[assigned.pk])).status_code == 200
    assert client.get(reverse("households:detail", args=[neighbour.pk])).status_code == 404
    history = reverse("core:history", args=["households", "household", neighbour.pk])
    assert client.get(history).status_code == 404


def test_members_and_reviews(mentor_a, assigned, neighbour):
    theirs = ReviewFactory(household=neighbour, year=2023)
    ReviewFactory(household=assigned, year=2023)
    assert list(selectors.reviews_visible_to(mentor_a).values_list("household_id", flat=True)) == [assigned.pk]
    assert selectors.get_review_for_user_or_404(mentor_a, assigned.reviews.get().pk)
    with pytest.raises(Http404):
        selectors.get_review_for_user_or_404(mentor_a, theirs.pk)
    with pytest.raises(Http404):
        selectors.membership_for_user_or_404(mentor_a, head_of(neighbour).pk)
    assert selectors.membership_for_user_or_404(mentor_a, head_of(assigned).pk)


def test_export(client, mentor_a, assigned, neighbour):
    client.force_login(mentor_a)
    response = client.get(reverse("household_imports:export"))
    assert response.status_code == 200
    codes = [row[4] for row in list(openpyxl.load_workbook(io.BytesIO(response.content))["Danh sách hộ"].values)[4:]]
    assert codes == [assigned.code]


def test_api(client, mentor_a, assigned, neighbour):
    ReviewFactory(household=neighbour, year=2023)
    ReviewFactory(household=assigned, year=2023)
    client.force_login(mentor_a)
    body = client.get(f"{API}/households").json()
    assert [h["code"] for h in body["items"]] == [assigned.code]
    assert client.get(f"{API}/households/{assigned.pk}").status_code == 200
    for path in ("", "/members", "/reviews"):
        assert client.get(f"{API}/households/{neighbour.pk}{path}").status_code == 404, path
    assert [r["household_id"] for r in client.get(f"{API}/reviews", {"year": 2023}).json()["items"]] == [assigned.pk]


def test_assignment_ended_means_no_longer_visible(client, officer_a, mentor_a, assigned):
    assignment = assigned.mentor_assignments.get()
    campaign.mentor_assignment_end(actor=officer_a, assignment=assignment, ended_on=dt.date(2024, 6, 30),
                                   reason="Hộ đã thoát nghèo")
    client.force_login(mentor_a)
    assert client.get(reverse("households:detail", args=[assigned.pk])).status_code == 404
    assert client.get(f"{API}/households").json()["count"] == 0


def test_a_mentor_who_is_also_an_officer_keeps_the_commune(client, commune_a, assigned, neighbour):
    both = factories.make_user(Role.MENTOR, commune_a)
    RoleAssignment.objects.create(user=both, role=Role.COMMUNE_OFFICER, unit=commune_a)
    client.force_login(both)
    page = client.get(reverse("households:list")).content.decode()
    assert assigned.code in page and neighbour.code in page
