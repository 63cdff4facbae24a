"""Pages: a mentor sees only their own households (list, page, visit form); 404 otherwise."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.campaign.factories import MentorAssignmentFactory
from vuonlen.campaign.models import Visit

pytestmark = pytest.mark.django_db


def test_mentor_pages_show_only_own_households(client, officer_a, mentor, homes):
    MentorAssignmentFactory(mentor=mentor, household=homes[0], started_on=dt.date(2024, 1, 1))
    client.force_login(mentor)
    assert client.get(reverse("campaign:index")).url == reverse("campaign:my_households")
    page = client.get(reverse("campaign:my_households")).content.decode()
    assert homes[0].code in page and homes[1].code not in page
    assert client.get(reverse("campaign:household", args=[homes[0].pk])).status_code == 200
    assert client.get(reverse("campaign:household", args=[homes[1].pk])).status_code == 404
    assert client.get(reverse("campaign:visit_create", args=[homes[1].pk])).status_code == 404
    response = client.post(reverse("campaign:visit_create", args=[homes[0].pk]),
                           {"visited_on": dt.date.today().isoformat(), "topics": ["loan"], "discussed": "Vay vốn"})
    assert response.status_code == 302 and Visit.objects.get().household == homes[0]
    assert client.post(reverse("campaign:visit_create", args=[homes[1].pk]),
                       {"visited_on": "2024-01-01", "topics": ["loan"]}).status_code == 404


def test_officer_index_lists_workload(client, officer_a, mentor, homes):
    MentorAssignmentFactory.each(homes, mentor=mentor, started_on=dt.date(2024, 1, 1))
    client.force_login(officer_a)
    page = client.get(reverse("campaign:index")).content.decode()
    assert "A Thút" in page and "08-KL/TU" in page
