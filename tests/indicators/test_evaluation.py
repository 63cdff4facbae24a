"""Evaluation: status at the band edges, the straight path, the 6%-a-year fall, cut-off dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from vuonlen.households.models import PopulationBase
from vuonlen.indicators import evaluation, rollups
from vuonlen.indicators.evaluation import ACHIEVED, BEHIND, NO_DATA, ON_TRACK, Evaluation, annual_fall, status_of
from vuonlen.indicators.models import Indicator, Rollup

from .factories import TargetFactory

# --- pure rules ------------------------------------------------------------------------------

@pytest.mark.parametrize(("actual", "expected_status"), [
    (120.0, ACHIEVED),      # meets the target
    (119.99, ON_TRACK),     # above the path
    (100.0, ON_TRACK),      # on the path
    (85.0, ON_TRACK),       # exactly 15% below the path: the edge is inside
    (84.99, BEHIND),        # just outside the band
    (0.0, BEHIND),
])
def test_status_at_the_band_edges_higher_is_better(actual, expected_status):
    assert status_of(actual=actual, target=120.0, expected=100.0, direction="up", band=0.15) == expected_status


@pytest.mark.parametrize(("actual", "expected_status"), [
    (10.0, ACHIEVED), (9.0, ACHIEVED), (20.0, ON_TRACK), (23.0, ON_TRACK), (23.01, BEHIND),
])
def test_status_at_the_band_edges_lower_is_better(actual, expected_status):
    assert status_of(actual=actual, target=10.0, expected=20.0, direction="down", band=0.15) == expected_status


def test_a_wider_band_and_missing_sides():
    assert status_of(actual=75.0, target=120.0, expected=100.0, direction="up", band=0.25) == ON_TRACK
    assert status_of(actual=75.0, target=120.0, expected=100.0, direction="up", band=0.15) == BEHIND
    assert status_of(actual=None, target=120.0, expected=100.0, direction="up", band=0.15) == NO_DATA
    assert status_of(actual=50.0, target=None, expected=None, direction="up", band=0.15) == "no_target"


def test_elapsed_share_of_the_straight_path():
    start, end = dt.date(2023, 1, 1), dt.date(2023, 12, 31)
    assert evaluation.elapsed_share(dt.date(2023, 6, 30), start, end) == pytest.approx(181 / 365)
    assert evaluation.elapsed_share(dt.date(2023, 12, 31), start, end) == 1.0
    assert evaluation.elapsed_share(dt.date(2022, 12, 31), start, end) == 0.0


def test_annual_fall_in_points_a_year():
    rates = {2021: 30.0, 2022: 25.0, 2024: 12.0}
    assert annual_fall(rates, 2024, 2021) == pytest.approx(6.0)
    assert annual_fall(rates, 2022, 2021) == pytest.approx(5.0)
    assert annual_fall(rates, 2021, 2021) is None
    assert annual_fall(rates, 2023, 2021) is None  # no rate that year


# --- on the database ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_six_percent_a_year_computed_from_the_reviews(commune_a):
    """Poor and near-poor EM households 30 of 100 in 2021, 18 of 100 in 2023: 6 points a year."""
    from tests.households.factories import HouseholdFactory, ReviewFactory
    from vuonlen.households.models import Review

    for year in (2021, 2023):
        PopulationBase.objects.create(commune=commune_a, year=year, households_total=300, persons_total=1200,
                                      em_households_total=100)
    homes = [HouseholdFactory(unit=commune_a, members=[f"A Ních {i}"]) for i in range(30)]
    for i, home in enumerate(homes):
        ReviewFactory(household=home, year=2021, income=1_000_000)  # under the 2021 urban near-poor line: listed
        if i < 18:
            ReviewFactory(household=home, year=2023, income=900_000, lacking=["employment", "dependants", "health_insurance"])
        else:
            ReviewFactory(household=home, year=2023, income=5_000_000)
    assert Review.objects.filter(year=2021, status__in=["poor", "near_poor"]).count() == 30
    rollups.recompute_all()
    row = next(r for r in Evaluation(cutoff=dt.date(2023, 12, 31)).rows([commune_a.pk])
               if r.indicator.code == "GIAM_NGHEO")
    assert row.actual == pytest.approx(6.0)
    assert row.status == ACHIEVED  # the plan's 6 points a year
    TargetFactory(indicator=row.indicator, unit=commune_a, year=2023, value=Decimal("6.5"))
    row = next(r for r in Evaluation(cutoff=dt.date(2023, 12, 31)).rows([commune_a.pk])
               if r.indicator.code == "GIAM_NGHEO")
    assert row.target == 6.5 and row.status == ON_TRACK  # 6.0 ≥ 6.5 × 0.85


@pytest.mark.django_db
def test_cut_off_counts_only_what_was_recorded_by_then(assessed, commune_a):
    rows = assessed["rows"]
    rows[0].assessed_on = dt.date(2023, 5, 10)
    rows[0].save()
    for row in rows[1:]:
        row.assessed_on = dt.date(2023, 9, 10)
        row.save()
    rollups.recompute_all()
    indicator = Indicator.objects.get(code="NEP_NGHI")
    TargetFactory(indicator=indicator, unit=commune_a, year=2023, value=Decimal("80"))
    june = next(r for r in Evaluation(cutoff=dt.date(2023, 6, 30)).rows([commune_a.pk]) if r.indicator == indicator)
    assert (june.numerator, june.denominator) == (1, 1)
    # The path from 0 (no 2022 figure) to 80 at 30/06: 80 × 181/365.
    assert june.expected == pytest.approx(80 * 181 / 365)
    assert june.status == ACHIEVED  # 100% of those assessed by then
    year_end = next(r for r in Evaluation(cutoff=dt.date(2023, 12, 31)).rows([commune_a.pk])
                    if r.indicator == indicator)
    assert (year_end.numerator, year_end.denominator) == (2, 3)
    assert year_end.share == pytest.approx(100 * (200 / 3) / 80)
    assert year_end.status == BEHIND  # 66,7% < 80 × 0.85 = 68: outside the band at the year's end
    assert [r.unit_id for r in evaluation.behind([june, year_end])] == [commune_a.pk]


@pytest.mark.django_db
def test_district_evaluation_uses_summed_figures(assessed, commune_a):
    rollups.recompute_all()
    district = commune_a.parent
    indicator = Indicator.objects.get(code="NEP_NGHI")
    TargetFactory(indicator=indicator, unit=district, year=2023, value=Decimal("80"))
    row = next(r for r in Evaluation(cutoff=dt.date(2023, 12, 31)).rows([district.pk]) if r.indicator == indicator)
    assert (row.numerator, row.denominator) == (3, 4)
    assert row.actual == pytest.approx(75.0)
    assert row.status == ON_TRACK  # 75 ≥ 80 × 0.85 = 68
    assert Rollup.objects.filter(unit=district, year=2023).exists()
