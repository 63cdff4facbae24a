"""Diễn biến hộ nghèo, cận nghèo (tables 02 and 03): each movement case on small hand-built
households, with the identity 9 = 1-2-3-4+5+6+7+8 checked in every case, for households and
persons; and sustainable escape."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.households import movements, services
from vuonlen.households.models import Household, HouseholdEnd, Membership
from vuonlen.households.movements import NEAR_POOR, POOR
from vuonlen.poverty import standard_for_year

from .factories import HouseholdFactory, ReviewFactory

pytestmark = pytest.mark.django_db

D = dt.date
N = 2023  # the year of the tables; N-1 = 2022


def review(household, year: int, status: str, farming: bool | None = None):
    """A review whose inputs give ``status`` under the year's standard (rural households)."""
    codes = standard_for_year(year).indicator_codes
    inputs = {POOR: (1_000_000, codes[:3]), NEAR_POOR: (1_000_000, ()), "average": (2_000_000, ()),
              "above_average": (3_000_000, ())}[status]
    result = ReviewFactory(household=household, year=year, income=inputs[0], lacking=inputs[1], farming=farming)
    assert result.status in (status, "above_average" if status == "average" else status), (year, result.status)
    return result


def home(commune, persons: int = 2, **fields) -> Household:
    members = [{"full_name": f"Người {i}"} for i in range(persons)]
    return HouseholdFactory(unit=commune, members=members, area="rural", **fields)


def history(commune, *statuses, persons: int = 2, first_year: int = 2021, farming: bool | None = None,
            **fields) -> Household:
    """A household with one review per year from ``first_year`` (None: no review that year);
    ``farming``: whether it lives from farming, forestry or fishery (None: not recorded)."""
    household = home(commune, persons, **fields)
    for offset, status in enumerate(statuses):
        if status:
            review(household, first_year + offset, status, farming=farming)
    return household


def flows(commune, year: int = N, user=SYSTEM) -> movements.Movements:
    found = movements.commune_movements(year=year, communes=[commune.pk], user=user)
    result = found.get(commune.pk, movements.Movements())
    assert result.poor.balanced and result.near_poor.balanced, (result.poor, result.near_poor)
    return result


def only(flow, name: str, households: int = 1):
    """``households`` households in column ``name`` besides the start/end they imply; the others 0."""
    columns = movements.COLUMNS[flow.kind]
    moved = {c: flow.h(c) for c in columns if c not in ("start", "end")}
    assert moved == {c: (households if c == name else 0) for c in moved}, moved


# --- table 02: poor households ---------------------------------------------------------------

def test_escaped_and_became_near_poor(commune_a):
    history(commune_a, None, POOR, NEAR_POOR, persons=3)
    m = flows(commune_a)
    only(m.poor, "escaped_to_near_poor")
    assert (m.poor.h("start"), m.poor.h("end")) == (1, 0)
    assert (m.poor.p("start"), m.poor.p("escaped_to_near_poor")) == (3, 3)
    # The same household is an increase of table 03 (a poor household that became near-poor).
    only(m.near_poor, "poor_to_near_poor")
    assert (m.near_poor.h("end"), m.near_poor.p("poor_to_near_poor")) == (1, 3)


def test_escaped_above_the_near_poor_line(commune_a):
    history(commune_a, None, POOR, "average")
    history(commune_a, None, POOR, "above_average")
    m = flows(commune_a)
    only(m.poor, "escaped_above", 2)
    assert m.poor.households[0] == 2 and m.poor.households[8] == 0
    assert m.near_poor.households == [0] * 9


@pytest.mark.parametrize("reason", [HouseholdEnd.DIED_OUT, HouseholdEnd.MOVED_AWAY])
def test_a_poor_household_that_died_out_or_moved_away_is_another_decrease(commune_a, reason):
    household = history(commune_a, None, POOR, persons=3)
    services.household_end(actor=SYSTEM, household=household, reason=reason, on=D(N, 3, 1))
    m = flows(commune_a)
    only(m.poor, "other_decrease")
    assert m.poor.decrease_reasons[reason] == 1 and m.poor.p("other_decrease") == 3


def test_merged_and_split_up_households_are_other_decreases(commune_a):
    merged = history(commune_a, None, POOR)
    host = home(commune_a)  # no review: not on any list
    services.household_merge(actor=SYSTEM, household=merged, into=host, on=D(N, 4, 1))
    split_up = history(commune_a, None, POOR)
    # No service ends a household by splitting it whole; an import or an officer's correction can.
    Household.objects.filter(pk=split_up.pk).update(ended_on=D(N, 5, 1), end_reason=HouseholdEnd.SPLIT)
    m = flows(commune_a)
    only(m.poor, "other_decrease", 2)
    assert m.poor.decrease_reasons[HouseholdEnd.MERGED] == 1
    assert m.poor.decrease_reasons[HouseholdEnd.SPLIT] == 1


def test_a_poor_household_not_reviewed_in_n_is_another_decrease(commune_a):
    history(commune_a, None, POOR, None)
    m = flows(commune_a)
    only(m.poor, "other_decrease")
    assert m.poor.decrease_reasons["no_review"] == 1


def test_near_poor_fallen_into_poverty(commune_a):
    history(commune_a, None, NEAR_POOR, POOR, persons=4)
    m = flows(commune_a)
    only(m.poor, "near_poor_to_poor")
    assert (m.poor.h("end"), m.poor.p("near_poor_to_poor"), m.poor.p("end")) == (1, 4, 4)
    only(m.near_poor, "became_poor")
    assert m.near_poor.p("became_poor") == 4


def test_relapse_after_escaping(commune_a):
    history(commune_a, POOR, "average", POOR)
    history(commune_a, POOR, None, POOR)  # not reviewed in N-1 either: poor before, so tái nghèo
    m = flows(commune_a)
    only(m.poor, "relapsed", 2)
    assert m.poor.households[8] == 2


def test_newly_poor(commune_a):
    history(commune_a, None, "average", POOR)  # above the lines before
    history(commune_a, None, None, POOR)  # never reviewed before, not arrived this year
    history(commune_a, NEAR_POOR, "average", POOR)  # near-poor once, never poor: newly poor
    m = flows(commune_a)
    only(m.poor, "newly", 3)
    # For table 03 the third one was near-poor two years ago: outside table 03 now (poor).
    assert m.near_poor.households == [0] * 9


def test_a_household_that_moved_in_is_another_increase(commune_a):
    household = HouseholdFactory(unit=commune_a, area="rural", started_on=D(N, 2, 1), members=[
        {"full_name": "A Thút", "relation": "Chủ hộ", "start_reason": "Chuyển đến"},
        {"full_name": "Y Nhe", "relation": "Vợ", "start_reason": "Chuyển đến"}])
    review(household, N, POOR)
    # Started this year but founded here (a new household, not an arrival): newly poor.
    review(home(commune_a, started_on=D(N, 2, 1)), N, POOR)
    m = flows(commune_a)
    assert m.poor.increase_reasons["moved_in"] == 1
    assert (m.poor.h("other_increase"), m.poor.h("newly"), m.poor.h("end")) == (1, 1, 2)
    assert m.poor.p("other_increase") == 2


def test_a_split_off_household_is_another_increase_and_the_old_one_loses_persons(commune_a):
    parent = history(commune_a, None, POOR, persons=3)
    leaving = Membership.objects.filter(household=parent).order_by("pk").last()
    child = services.household_split(actor=SYSTEM, household=parent, members=[leaving], new_head=leaving,
                                     code="TACH-1", on=D(N, 2, 1))
    review(parent, N, POOR)  # 2 persons left
    review(child, N, POOR)  # 1 person
    m = flows(commune_a)
    assert m.poor.increase_reasons["split_off"] == 1
    assert m.poor.households == [1, 0, 0, 0, 0, 0, 0, 1, 2]
    # Persons: 3 at the start; the parent lost one (column 4), the new household brought one (8).
    assert m.poor.persons == [3, 0, 0, 1, 0, 0, 0, 1, 3]


def test_a_household_reviewed_in_another_commune_leaves_one_and_arrives_in_the_other(commune_a, commune_b):
    household = history(commune_a, None, POOR, persons=2)
    Household.objects.filter(pk=household.pk).update(commune=commune_b, unit=commune_b)
    review(Household.objects.get(pk=household.pk), N, POOR)
    found = movements.commune_movements(year=N, communes=[commune_a.pk, commune_b.pk], user=SYSTEM)
    a, b = found[commune_a.pk].poor, found[commune_b.pk].poor
    assert a.households == [1, 0, 0, 1, 0, 0, 0, 0, 0] and a.decrease_reasons["other_commune"] == 1
    assert b.households == [0, 0, 0, 0, 0, 0, 0, 1, 1] and b.increase_reasons["other_commune"] == 1
    assert a.balanced and b.balanced
    # The district (both communes) still balances.
    total = a + b
    assert total.balanced and total.households[0] == total.households[8] == 1


def test_superseded_reviews_do_not_count(commune_a):
    household = history(commune_a, None, POOR)
    first = review(household, N, POOR)
    services.review_record(actor=SYSTEM, household=household, year=N, income_per_capita=2_000_000, lacking=[],
                           reviewed_on=D(N, 11, 1), source="test")  # replaces the unrecognised one
    first.refresh_from_db()
    assert not first.is_current
    only(flows(commune_a).poor, "escaped_above")


# --- table 03: near-poor households ------------------------------------------------------------

def test_near_poor_movements_mirror_the_poor_ones(commune_a):
    history(commune_a, None, NEAR_POOR, "average")  # 2: escaped above the near-poor line
    history(commune_a, None, NEAR_POOR, POOR)  # 3: became poor
    ended = history(commune_a, None, NEAR_POOR)  # 4: died out
    services.household_end(actor=SYSTEM, household=ended, reason=HouseholdEnd.DIED_OUT, on=D(N, 1, 15))
    history(commune_a, None, POOR, NEAR_POOR)  # 5: poor improved to near-poor
    history(commune_a, NEAR_POOR, "average", NEAR_POOR)  # 6: tái cận nghèo
    history(commune_a, None, "average", NEAR_POOR)  # 7: newly near-poor
    history(commune_a, None, NEAR_POOR, NEAR_POOR)  # stays
    mover = HouseholdFactory(unit=commune_a, area="rural", started_on=D(N, 3, 1), members=[
        {"full_name": "A Rin", "relation": "Chủ hộ", "start_reason": "Chuyển đến"}])
    review(mover, N, NEAR_POOR)  # 8: moved in
    flow = flows(commune_a).near_poor
    assert flow.households == [4, 1, 1, 1, 1, 1, 1, 1, 5]
    assert flow.decrease_reasons[HouseholdEnd.DIED_OUT] == 1 and flow.increase_reasons["moved_in"] == 1


def test_persons_follow_the_reviews_of_each_year(commune_a):
    stays = history(commune_a, None, NEAR_POOR, persons=4)
    services.membership_end(actor=SYSTEM, membership=Membership.objects.filter(household=stays).order_by("pk").last(),
                            reason="death", ended_on=D(N, 3, 1))
    review(stays, N, NEAR_POOR)  # 3 persons now
    grows = history(commune_a, None, NEAR_POOR, persons=2)
    services.member_add(actor=SYSTEM, household=grows, person={"full_name": "Em bé", "sex": "Nữ",
                                                              "relation": "Con", "birth_date": "01/03/2023"},
                        reason="birth", started_on=D(N, 3, 2))
    review(grows, N, NEAR_POOR)  # 3 persons now
    flow = flows(commune_a).near_poor
    assert flow.households == [2, 0, 0, 0, 0, 0, 0, 0, 2]
    assert flow.persons == [6, 0, 0, 1, 0, 0, 0, 1, 6]


def test_a_year_without_earlier_data_has_only_new_households(commune_a):
    history(commune_a, POOR)
    history(commune_a, NEAR_POOR)
    m = flows(commune_a, year=2021)
    assert m.poor.households == [0, 0, 0, 0, 0, 0, 1, 0, 1]
    assert m.near_poor.households == [0, 0, 0, 0, 0, 0, 1, 0, 1]


def test_identity_holds_on_a_mix_of_every_case(commune_a):
    for statuses in [(None, POOR, NEAR_POOR), (None, POOR, "average"), (POOR, "average", POOR),
                     (None, NEAR_POOR, POOR), (None, "average", NEAR_POOR), (None, None, POOR), (None, POOR, None),
                     (NEAR_POOR, "average", NEAR_POOR), (None, POOR, POOR), (None, NEAR_POOR, NEAR_POOR)]:
        history(commune_a, *statuses, persons=1 + len(statuses[1] or "") % 4)
    m = flows(commune_a)
    for flow in (m.poor, m.near_poor):
        assert flow.balanced
        assert all(v >= 0 for v in flow.households + flow.persons)


def test_only_households_in_the_readers_scope_are_counted(commune_a, commune_b):
    history(commune_a, None, POOR, NEAR_POOR)
    history(commune_b, None, POOR, NEAR_POOR)
    officer = factories.make_user("commune_officer", commune_a)
    found = movements.commune_movements(year=N, communes=[commune_a.pk, commune_b.pk], user=officer)
    assert set(found) == {commune_a.pk}
    assert movements.commune_movements(year=N, communes=[commune_a.pk, commune_b.pk], user=SYSTEM).keys() == {
        commune_a.pk, commune_b.pk}


def test_a_new_commune_gathers_its_predecessors(kontum, commune_a):
    from vuonlen.geo.models import AdministrativeUnit

    new_kon_tum = AdministrativeUnit.objects.get(era="post2025", level=3, code="23293")
    quyet_thang = factories.unit("23287")
    history(commune_a, None, POOR, NEAR_POOR)
    history(quyet_thang, None, POOR, POOR)
    history(factories.unit("23284"), None, POOR, POOR)  # Duy Tân: merged elsewhere
    total = movements.unit_movements(unit=new_kon_tum, year=N, user=SYSTEM)
    assert total.poor.households == [2, 1, 0, 0, 0, 0, 0, 0, 1]
    assert set(movements.source_communes(new_kon_tum)) >= {commune_a.pk, quyet_thang.pk}


# --- sustainable escape ------------------------------------------------------------------------

def test_sustainably_escaped_after_three_years_by_default(commune_a):
    lasting = history(commune_a, POOR, "average", "average", "average")
    history(commune_a, NEAR_POOR, "average", NEAR_POOR, "average")  # fell back in 2023
    history(commune_a, POOR, "average", "average", POOR)  # fell back in 2024
    history(commune_a, POOR, None, None, None)  # never confirmed out of the list
    ended = history(commune_a, POOR, "average", "average", "average")
    services.household_end(actor=SYSTEM, household=ended, reason=HouseholdEnd.MOVED_AWAY, on=D(2024, 12, 1))
    found = list(movements.sustainably_escaped(unit=commune_a, year=2024, user=SYSTEM))
    assert found == [lasting]
    assert (found[0].last_listed, found[0].escaped_in) == (2021, 2022)
    assert not movements.sustainably_escaped(unit=commune_a, year=2023, user=SYSTEM).exists()  # two years only


def test_sustainably_escaped_with_a_custom_number_of_years(commune_a):
    two = history(commune_a, None, NEAR_POOR, "average", "average")  # out 2023, 2024
    one = history(commune_a, None, None, POOR, "average")  # out 2024 only
    assert set(movements.sustainably_escaped(unit=commune_a, year=2024, years=2, user=SYSTEM)) == {two}
    assert set(movements.sustainably_escaped(unit=commune_a, year=2024, years=1, user=SYSTEM)) == {two, one}
    assert not movements.sustainably_escaped(unit=commune_a, year=2024, years=4, user=SYSTEM).exists()
    with pytest.raises(ValueError):
        movements.sustainably_escaped(unit=commune_a, year=2024, years=0, user=SYSTEM)


def _selects(fn) -> int:
    """SELECT statements run by ``fn`` (PostgreSQL adds a savepoint and SET LOCAL around them)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        fn()
    return sum(1 for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT"))


def test_movements_take_two_queries_whatever_the_number_of_households(commune_a):
    run = lambda: movements.commune_movements(year=N, communes=[commune_a.pk], user=SYSTEM)  # noqa: E731
    for _ in range(3):
        history(commune_a, POOR, NEAR_POOR, POOR)
    assert _selects(run) == 2
    for _ in range(5):
        history(commune_a, None, POOR, "average")
    assert _selects(run) == 2
