"""Numerators and denominators per unit and year, on hand-built data."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.campaign.factories import AssessmentFactory, MentorAssignmentFactory, VisitFactory
from tests.households.factories import HouseholdFactory, ReviewFactory
from vuonlen.campaign import selectors
from vuonlen.core.periods import today_vn

pytestmark = pytest.mark.django_db


def _assess(household, **flags):
    return AssessmentFactory(household=household, year=2023, assessed_on=dt.date(2023, 11, 1), told=True, **flags)


def test_figures_for_a_commune_and_its_district(officer_a, homes, home_b, village_a, commune_a):
    # A fourth household, assessed but no longer poor in 2023 (income above the lines): it counts
    # among the assessed "household-turns" but not in the plan's denominator.
    escaped = HouseholdFactory(unit=village_a, members=["A Rin"], code="QT-ESC")
    ReviewFactory(household=escaped, year=2023, income=5_000_000, recognised=True)
    _assess(homes[0], changed_thinking=True, applies_technology=True, in_cooperative=True,
            income_above_average=True, stable_model=True, solid_house=True, has_essentials=True)
    _assess(homes[1], changed_thinking=True, solid_house=True)
    _assess(escaped, changed_thinking=True)
    _assess(home_b, changed_thinking=True)

    figures = selectors.assessment_figures(commune_a, 2023)
    assert figures.population == 3
    assert figures.assessed_in_population == 2
    assert (figures.ratio("told").numerator, figures.ratio("told").denominator) == (2, 3)
    assert figures.ratio("changed_thinking").numerator == 2
    assert figures.ratio("applies_technology").numerator == 1
    assert figures.ratio("improved_life").numerator == 1  # all four conditions, not any
    assert figures.ratio("in_cooperative").numerator == 1
    assert (figures.assessed, figures.assessed_meeting["changed_thinking"]) == (3, 3)
    assert figures.ratio("changed_thinking").percent == 66.7

    district = selectors.assessment_figures(commune_a.parent, 2023)
    assert (district.population, district.in_population["changed_thinking"], district.assessed) == (4, 3, 4)

    by_commune = selectors.assessment_counts_by_commune(2023)
    assert by_commune[commune_a.pk].population == 3
    assert by_commune[home_b.commune_id].in_population["changed_thinking"] == 1
    # communes sum to the district: numerators and denominators, never percentages
    assert sum(f.population for f in by_commune.values()) == district.population
    assert sum(f.in_population["told"] for f in by_commune.values()) == district.in_population["told"]


def test_mentor_coverage(officer_a, mentor, homes, commune_a):
    MentorAssignmentFactory.each(homes[:2], mentor=mentor, started_on=dt.date(2024, 1, 1))
    VisitFactory(household=homes[0], mentor=mentor, visited_on=today_vn() - dt.timedelta(days=10), topics=["loan"])
    VisitFactory(household=homes[1], mentor=mentor, visited_on=today_vn() - dt.timedelta(days=200), topics=["loan"])
    coverage = selectors.mentor_coverage(commune_a)
    assert (coverage.households, coverage.with_mentor, coverage.visited_recent, coverage.visits_recent) == (3, 2, 1, 1)
    assert coverage.mentor_ratio.percent == 66.7
