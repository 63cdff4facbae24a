"""Roll-ups: numerators and denominators summed up both trees, the era mapping through the
lineage, and the incremental refresh agreeing with a full recompute."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.geo.factories import VillageFactory
from tests.households.factories import HouseholdFactory, ReviewFactory
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.campaign import services as campaign_services
from vuonlen.campaign.models import CRITERIA_FIELDS
from vuonlen.geo.models import AdministrativeUnit, Era, Level
from vuonlen.households import services as households_services
from vuonlen.households.models import PopulationBase
from vuonlen.indicators import rollups
from vuonlen.indicators.models import EnteredValue, Indicator, Rollup
from vuonlen.indicators.sources import active_indicators
from vuonlen.indicators.tree import Tree

from .conftest import assess
from .factories import EnteredValueFactory

pytestmark = pytest.mark.django_db


def figure(unit, code: str, year: int = 2023) -> tuple[int, int] | None:
    row = Rollup.objects.filter(unit=unit, year=year, indicator__code=code).values_list(
        "numerator", "denominator").first()
    return tuple(row) if row else None


def everything() -> dict:
    return {(r.unit_id, r.year, r.indicator_id): (r.numerator, r.denominator)
            for r in Rollup.objects.all() if r.numerator or r.denominator}


def test_numerators_and_denominators_sum_up_the_tree(assessed, commune_a, commune_c, kontum):
    rollups.recompute_all()
    assert figure(commune_a, "NEP_NGHI") == (2, 3)
    assert figure(commune_c, "NEP_NGHI") == (1, 1)
    district = commune_a.parent
    # 3 of 4 households: 75%, not the 83,3% an average of the two communes' rates would give.
    assert figure(district, "NEP_NGHI") == (3, 4)
    assert figure(kontum, "NEP_NGHI") == (3, 4)
    assert figure(district, "KHKT") == (2, 4)
    # Villages are stored too; their figures are their own records.
    village = assessed["village"]
    assert figure(village, "NEP_NGHI") == (2, 3)
    assert rollups.village_totals([village.pk], [2023])[2023][village.pk]["NEP_NGHI"] == [2, 3]


def test_new_era_units_gather_their_old_communes(assessed, commune_a, commune_c, new_kontum):
    rollups.recompute_all()
    # Phường Kon Tum (from 1/7/2025) seen for 2023 = Quang Trung + Quyết Thắng (+ three others, empty).
    assert figure(new_kontum, "NEP_NGHI") == (3, 4)
    new_province = AdministrativeUnit.objects.get(level=Level.PROVINCE, era=Era.POST_2025)
    assert figure(new_province, "NEP_NGHI") == (3, 4)
    # Data recorded against the new commune itself (after the reform) adds to it, and only in
    # the new tree.
    home_new = HouseholdFactory(unit=new_kontum, members=["A Thiên"])
    assess(home_new, 2023, changed_thinking=True)
    rollups.recompute_all()
    assert figure(new_kontum, "NEP_NGHI") == (4, 5)
    assert figure(commune_a.parent, "NEP_NGHI") == (3, 4)


def _edit(row, **criteria):
    """The assessment page's save: the service, which schedules the refresh."""
    data = {field: getattr(row, field) for field in CRITERIA_FIELDS} | {"assessed_on": row.assessed_on, **criteria}
    return campaign_services.assessment_record(actor=SYSTEM, household=row.household, year=row.year, data=data,
                                               expected_version=row.version, source="test")


def test_one_edit_refreshes_its_roll_ups_on_commit(assessed, commune_a, kontum, new_kontum,
                                                   django_capture_on_commit_callbacks):
    rollups.recompute_all()
    with django_capture_on_commit_callbacks(execute=True):
        _edit(assessed["rows"][2], changed_thinking=True)
    assert figure(commune_a, "NEP_NGHI") == (3, 3)
    assert figure(kontum, "NEP_NGHI") == (4, 4)
    assert figure(new_kontum, "NEP_NGHI") == (4, 4)
    refreshed = everything()
    rollups.recompute_all()
    assert everything() == refreshed


def _flush_queries(row, **criteria) -> list[str]:
    """The statements the refresh after one saved assessment sends (the on-commit callbacks
    run on their own, after the service's)."""
    from django.db import connection
    from django.test import TestCase
    from django.test.utils import CaptureQueriesContext

    with TestCase.captureOnCommitCallbacks() as callbacks:
        _edit(row, **criteria)
    # The tree and the active indicators as the next refresh finds them: each is read again only
    # when the units or the catalogue have changed.
    tree_state, catalogue, _stored = rollups._state([])
    Tree.load(tree_state)
    active_indicators(catalogue)
    with CaptureQueriesContext(connection) as queries:
        for callback in callbacks:
            callback()
    return [q["sql"] for q in queries.captured_queries]


def test_a_refresh_sends_a_fixed_number_of_statements(assessed, commune_a, kontum):
    """One statement of checks (tree, catalogue, stored years), the changed unit's records of the
    kind, the stored totals around it and one upsert — whatever the number of villages and
    households below the commune, district and province."""
    rollups.recompute_all()
    few = _flush_queries(assessed["rows"][2], changed_thinking=True)
    reads_and_writes = [q for q in few if "SAVEPOINT" not in q]
    assert len(reads_and_writes) == 4, "\n".join(q[:120] for q in few)
    assert figure(commune_a, "NEP_NGHI") == (3, 3)
    village = assessed["village"]
    for i in range(3):
        extra = VillageFactory(commune=commune_a, name=f"Thôn thêm {i}")
        for j in range(4):
            assess(HouseholdFactory(unit=extra, members=[f"A Thêm {i}-{j}"]), 2023, changed_thinking=j % 2 == 0)
    assess(HouseholdFactory(unit=village, members=["Y Thêm"]), 2023)
    rollups.recompute_all()
    assessed["rows"][2].refresh_from_db()
    many = _flush_queries(assessed["rows"][2], changed_thinking=False)
    assert len(many) == len(few), many
    assert figure(commune_a, "NEP_NGHI") == (2 + 6, 3 + 13)
    refreshed = everything()
    rollups.recompute_all()
    assert everything() == refreshed


def test_a_superseded_review_and_a_new_year_refresh_too(assessed, commune_a, django_capture_on_commit_callbacks):
    home = assessed["homes_a"][0]
    review = ReviewFactory(household=home, year=2023, income=700_000)  # poor in a rural area
    rollups.recompute_all()
    before = everything()
    with django_capture_on_commit_callbacks(execute=True):
        households_services.review_correct(actor=SYSTEM, review=review, reason="Nhập nhầm thu nhập",
                                           income_per_capita=5_000_000, source="test")
    assert everything() != before  # the household left the poor count of its units
    refreshed = everything()
    rollups.recompute_all()
    assert everything() == refreshed
    with django_capture_on_commit_callbacks(execute=True):
        campaign_services.assessment_record(actor=SYSTEM, household=home, year=2024, source="test",
                                            data={"assessed_on": dt.date(2024, 11, 1), "changed_thinking": True})
    assert figure(commune_a, "NEP_NGHI", 2024) == (1, 1)
    refreshed = everything()
    rollups.recompute_all()
    assert everything() == refreshed


def test_a_rolled_back_edit_schedules_nothing(assessed, commune_a, django_capture_on_commit_callbacks):
    from django.db import transaction

    rollups.recompute_all()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                _edit(assessed["rows"][2], changed_thinking=True)
                raise RuntimeError("stop")
        except RuntimeError:
            pass
    assert figure(commune_a, "NEP_NGHI") == (2, 3)
    assert len(callbacks) == 0


def test_a_raw_save_outside_the_services_schedules_nothing(assessed, commune_a, django_capture_on_commit_callbacks):
    """No signals: only the services (and imports) schedule; a full recompute catches the rest."""
    rollups.recompute_all()
    row = assessed["rows"][2]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        row.changed_thinking = True
        row.save()
    assert len(callbacks) == 0 and figure(commune_a, "NEP_NGHI") == (2, 3)
    rollups.recompute_all()
    assert figure(commune_a, "NEP_NGHI") == (3, 3)


def test_reviews_give_counts_and_the_rate_over_em_households(commune_a, kontum):
    PopulationBase.objects.create(commune=commune_a, year=2023, households_total=400, persons_total=1600,
                                  em_households_total=100, em_persons_total=420)
    statuses = []
    for i in range(4):
        home = HouseholdFactory(unit=commune_a, members=[f"A Rin {i}"])
        statuses.append(ReviewFactory(household=home, year=2023, income=900_000, lacking=["health_insurance", "housing_area",
                                                                         "employment", "dependants"][: i + 1]).status)
    rollups.recompute_all()
    poor, near = statuses.count("poor"), statuses.count("near_poor")
    assert figure(commune_a, "HO_NGHEO") == ((poor, 0) if poor else None)
    assert (figure(commune_a, "TL_NGHEO_CN")) == (poor + near, 100)
    assert figure(kontum, "TL_NGHEO_CN") == (poor + near, 100)


def test_a_yes_no_answer_counts_every_commune(commune_a, commune_b, kontum):
    indicator = Indicator.objects.get(code="KH_XA")
    EnteredValueFactory(indicator=indicator, unit=commune_a, answer=True, as_of=dt.date(2023, 3, 1))
    rollups.recompute_all([2023])
    communes_2023 = len(Tree.load().units_of_year(2023, Level.COMMUNE))
    assert figure(commune_a, "KH_XA") == (1, 1)
    assert figure(commune_b, "KH_XA") == (0, 1)  # silent: counted, not reached
    assert figure(kontum, "KH_XA") == (1, communes_2023)


def test_models_indicator_counts_communes_with_a_commune_model(commune_a, commune_b):
    from tests.factories import make_org
    from tests.initiatives.factories import InitiativeFactory
    from vuonlen.initiatives.models import Kind

    org = make_org(commune_a, name="UBMTTQ phường Quang Trung")
    InitiativeFactory(name="Nuôi bò sinh sản", kind=Kind.LIVESTOCK, unit=commune_a, organisation=org, start_year=2022)
    rollups.recompute_all([2023])
    assert figure(commune_a, "MH_XA") == (1, 1)
    assert figure(commune_b, "MH_XA") == (0, 1)
    assert figure(commune_a.parent, "MH_XA")[0] == 1


def test_an_assessment_refreshes_its_own_indicators_only(assessed, commune_a, django_capture_on_commit_callbacks):
    """An assessment feeds the assessment indicators: the refresh after saving one does not
    re-read the reviews, so a review figure is left as stored (here deliberately wrong)."""
    with django_capture_on_commit_callbacks(execute=True):  # committed, as a page's save would be
        ReviewFactory(household=assessed["homes_a"][0], year=2023, income=700_000)  # near-poor: commune A has a count
    rollups.recompute_all()
    near = Rollup.objects.get(unit=commune_a, year=2023, indicator__code="HO_CAN_NGHEO")
    Rollup.objects.filter(pk=near.pk).update(numerator=99)
    with django_capture_on_commit_callbacks(execute=True):
        _edit(assessed["rows"][2], changed_thinking=True)
    assert figure(commune_a, "NEP_NGHI") == (3, 3)
    assert figure(commune_a, "HO_CAN_NGHEO")[0] == 99
    assert {kind for _unit, _year, kind in rollups.touched(assessed["rows"][2])} == {"assessment"}


def test_an_outreach_activity_refreshes_the_told_indicator(assessed, commune_a, django_capture_on_commit_callbacks):
    from vuonlen.outreach import services as outreach_services
    from vuonlen.outreach.models import Topic

    home = assessed["homes_a"][0]
    with django_capture_on_commit_callbacks(execute=True):
        ReviewFactory(household=home, year=2023, income=700_000)  # near-poor in a rural area: counted in TUYEN_TRUYEN
    rollups.recompute_all()
    assert figure(commune_a, "TUYEN_TRUYEN") == (0, 1)
    with django_capture_on_commit_callbacks(execute=True):
        outreach_services.activity_record(actor=SYSTEM, kind="propaganda", date=dt.date(2023, 5, 4), unit=commune_a,
                                          title="Tuyên truyền tại thôn", channel="meeting", participants=20,
                                          topics=Topic.objects.filter(number=1), households=[home], source="test")
    assert figure(commune_a, "TUYEN_TRUYEN") == (1, 1)
    refreshed = everything()
    rollups.recompute_all()
    assert everything() == refreshed


def test_the_whole_recompute_counts_a_reached_household_once_in_its_year(assessed, commune_a,
                                                                          django_capture_on_commit_callbacks):
    """A full recompute joins the reviews to the (household, year) pairs of the outreach links
    (sources._reviews_told_whole); it must count as the refresh's per-review EXISTS does: a
    household reached twice in the year once, one reached only in another year not at all, and
    at a cut-off only the activities dated by then."""
    from vuonlen.outreach import services as outreach_services
    from vuonlen.outreach.models import Topic

    home, other = assessed["homes_a"][0], assessed["homes_a"][1]
    with django_capture_on_commit_callbacks(execute=True):
        ReviewFactory(household=home, year=2023, income=700_000)  # reviewed on 1 October
        ReviewFactory(household=other, year=2023, income=700_000)
        for day, households in ((dt.date(2023, 11, 15), [home]), (dt.date(2023, 12, 1), [home]),
                                (dt.date(2022, 6, 1), [other])):
            outreach_services.activity_record(actor=SYSTEM, kind="propaganda", date=day, unit=commune_a,
                                              title="Tuyên truyền tại thôn", channel="meeting", participants=20,
                                              topics=Topic.objects.filter(number=1), households=households,
                                              source="test")
    refreshed = everything()
    rollups.recompute_all()
    assert figure(commune_a, "TUYEN_TRUYEN") == (1, 2)
    assert everything() == refreshed
    reviewed_not_reached = rollups.compute_totals([2023], cutoff=dt.date(2023, 10, 15))[2023]
    assert reviewed_not_reached[commune_a.pk]["TUYEN_TRUYEN"] == [0, 2]
    reached = rollups.compute_totals([2023], cutoff=dt.date(2023, 11, 20))[2023]
    assert reached[commune_a.pk]["TUYEN_TRUYEN"] == [1, 2]


def test_the_years_with_figures_are_every_year_any_input_has(assessed, commune_a):
    """``data_years`` steps through each table's year index (a loose index scan): the same years
    as reading every row, each once, in order."""
    from vuonlen.campaign.models import Assessment
    from vuonlen.households.models import Review

    PopulationBase.objects.create(commune=commune_a, year=2019, households_total=400, persons_total=1600,
                                  em_households_total=200, em_persons_total=800)
    ReviewFactory(household=assessed["homes_a"][0], year=2024, income=700_000)
    ReviewFactory(household=assessed["homes_a"][1], year=2024, income=700_000)
    every_row = {year for model in (Review, Assessment, PopulationBase, EnteredValue)
                 for year in model.objects.values_list("year", flat=True)}
    assert {2019, 2024} <= every_row
    assert rollups.data_years() == sorted(every_row)


def test_a_population_base_corrected_in_the_admin_refreshes_the_rate(commune_a, django_capture_on_commit_callbacks):
    """The admin page's save schedules the refresh, as a service does (no signals)."""
    from django.contrib import admin
    from django.test import RequestFactory

    from vuonlen.accounts.models import User
    from vuonlen.households.admin import PopulationBaseAdmin

    base = PopulationBase.objects.create(commune=commune_a, year=2023, households_total=400, persons_total=1600,
                                         em_households_total=200, em_persons_total=800)
    rollups.recompute_all([2023])
    assert figure(commune_a, "TL_NGHEO_CN") == (0, 200)
    request = RequestFactory().post("/")
    request.user = User.objects.create_superuser(username="quantri", password="Admin-Pa55word")
    base.em_households_total = 250
    with django_capture_on_commit_callbacks(execute=True):
        PopulationBaseAdmin(PopulationBase, admin.site).save_model(request, base, form=None, change=True)
    assert figure(commune_a, "TL_NGHEO_CN") == (0, 250)
