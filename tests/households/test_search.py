"""The register's search as its readers use it: by the head's name, any member's name (with or
without diacritics), the household code's beginning or an ID number — and never past the
reader's scope, even when the name of a member of a household outside it matches. The names are
one column of the household (``households.names``, issue 17): a household matched several ways
is still listed once, every other filter of the list still applies, and a commune's reader and a
district's find the same households of that commune."""

import datetime as dt
import unicodedata

import pytest
from django.urls import reverse

from vuonlen.households import services

from .factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def _search(client, q: str, **params):
    """The list after posting the search (the words travel in the session, not the URL)."""
    response = client.post(reverse("households:list"), {"q": q, "state": "active", "per_page": "100", **params},
                           follow=True)
    assert response.status_code == 200
    return response


def _heads(response) -> list[str]:
    return [h.head_name for h in response.context["page_obj"]]


def _count(response) -> int:
    return response.context["page_obj"].paginator.count


@pytest.fixture
def hien_in_commune_b(commune_b):
    """A household of the other commune with a member named as household_a's ("Y Hiên")."""
    return HouseholdFactory(unit=commune_b, code="DT-002", members=["A Nhung", "Y Hiên"])


def test_an_officer_never_finds_a_household_outside_the_commune_by_a_members_name(
        client, officer_a, viewer_district, household_a, hien_in_commune_b):
    client.force_login(officer_a)
    for q in ("hien", "Y Hiên", "HIÊN", unicodedata.normalize("NFD", "y hiên")):
        response = _search(client, q)
        assert _heads(response) == ["A Blong"], q
        assert _count(response) == 1, q
        assert "A Nhung" not in response.content.decode()
    # Nor by the head's name or the code of that household.
    assert _count(_search(client, "nhung")) == 0
    assert _count(_search(client, "DT-002")) == 0
    # A reader whose scope holds both communes finds both: the search did match it; narrowed
    # to one commune by the unit filter, only that commune's.
    client.force_login(viewer_district)
    assert sorted(_heads(_search(client, "hien"))) == ["A Blong", "A Nhung"]
    assert _heads(_search(client, "hien", unit=hien_in_commune_b.commune_id)) == ["A Nhung"]
    assert _heads(_search(client, "hien", unit=household_a.unit_id)) == ["A Blong"]


@pytest.mark.parametrize("reader", ["officer_a", "viewer_district"])
def test_a_household_matched_by_head_code_and_members_is_listed_once(client, request, reader, commune_a):
    HouseholdFactory(unit=commune_a, code="HIEN-01", members=["Y Hiên", "A Hiên", "Y Hiền"])
    HouseholdFactory(unit=commune_a, code="K-01", members=["A Ba"])
    client.force_login(request.getfixturevalue(reader))
    response = _search(client, "hien")
    assert _heads(response) == ["Y Hiên"]
    assert _count(response) == 1


def test_search_by_the_beginning_of_the_code_in_any_case(client, officer_a, household_a):
    client.force_login(officer_a)
    for q in ("QT-001", "qt-0", "Qt"):
        assert _heads(_search(client, q)) == ["A Blong"], q
    # The code is matched from its beginning only.
    assert _count(_search(client, "T-001")) == 0


def test_search_by_a_members_name_with_or_without_diacritics(client, officer_a, household_a):
    client.force_login(officer_a)
    for q in ("tuấn", "A TUAN", unicodedata.normalize("NFD", "Tuấn"), "tuan"):
        assert _heads(_search(client, q)) == ["A Blong"], q
    assert _count(_search(client, "tuyen")) == 0


@pytest.mark.parametrize("reader", ["officer_a", "viewer_district"])
def test_the_search_keeps_the_lists_other_filters(client, request, reader, officer_a, commune_a, village_a,
                                                  household_a):
    moved = HouseholdFactory(unit=commune_a, code="QT-900", members=["A Hùng", "Y Hiên"])
    services.household_end(actor=officer_a, household=moved, reason="moved_away", on=dt.date(2024, 1, 1))
    client.force_login(request.getfixturevalue(reader))
    assert _heads(_search(client, "hien")) == ["A Blong"]
    assert _heads(_search(client, "hien", state="ended")) == ["A Hùng"]
    assert sorted(_heads(_search(client, "hien", state="all"))) == ["A Blong", "A Hùng"]
    # The unit filter: household_a is in the village, the ended one in the commune itself.
    assert _heads(_search(client, "hien", state="all", unit=village_a.pk)) == ["A Blong"]
