"""The years with a recognised review result, which decide the year a dashboard opens on and
whether the current year is said to be incomplete: read by a loose index scan (one probe a year,
issue 17, docs/scale.md) that must still skip a year whose reviews are all unrecognised, wherever
it falls, and see a year recognised by a single review among many that are not."""

import pytest

from tests.households.factories import HouseholdFactory, ReviewFactory
from vuonlen.indicators import figures_cache
from vuonlen.indicators.dashboards import selectors

pytestmark = pytest.mark.django_db


def test_only_years_with_a_recognised_review_count(commune_a, commune_b):
    homes = [HouseholdFactory(unit=commune_a if i % 2 else commune_b, members=[f"A Blong {i}"]) for i in range(4)]
    assert selectors.recognised_years() == []
    for home in homes:
        ReviewFactory(household=home, year=2021, recognised=True)
        ReviewFactory(household=home, year=2022)  # reviewed, never recognised
        ReviewFactory(household=home, year=2024, recognised=home is homes[-1])  # one recognised among four
        ReviewFactory(household=home, year=2025)
    figures_cache.bump()
    assert selectors.recognised_years() == [2021, 2024]
    assert selectors.opening_year([2021, 2022, 2024, 2025]) == 2024
