"""The campaign's household list finds a household by any of its names, as the register does
(``households.selectors.matching_names``), in the reader's scope only."""

from __future__ import annotations

import pytest

from tests.households.factories import HouseholdFactory
from vuonlen.campaign.selectors import household_search

pytestmark = pytest.mark.django_db


def test_a_members_name_finds_the_household_in_scope_only(officer_a, village_a, commune_b):
    ours = HouseholdFactory(unit=village_a, members=["A Blong", "Y Hiên"], code="QT-101")
    HouseholdFactory(unit=commune_b, members=["Y Hiên Niê"], code="DT-101")  # another commune's

    found = household_search(officer_a, "y hien")

    assert [h.code for h in found] == [ours.code]
    assert [h.code for h in household_search(officer_a, "QT-1")] == [ours.code]
    assert list(household_search(officer_a, "khong co ai")) == []
