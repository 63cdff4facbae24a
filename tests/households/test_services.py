"""The registry's writes: validation all at once, scope, concurrency, periods, lineage, audit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests import factories
from tests.geo.factories import VillageFactory
from vuonlen.accounts.roles import Role
from vuonlen.core.models import AuditLog
from vuonlen.geo.models import AdministrativeUnit, UnitType
from vuonlen.households import services
from vuonlen.households.models import (
    Household,
    HouseholdEnd,
    JoinReason,
    LeaveReason,
    Membership,
    Person,
    PopulationBase,
    Relation,
)

from .factories import HouseholdFactory, head_of

pytestmark = pytest.mark.django_db

D = dt.date


def _members(h):
    return {m.person.full_name: m for m in h.memberships.select_related("person")}


# --- register --------------------------------------------------------------------------------

def test_register_household_with_members(officer_a, village_a):
    h = services.household_register(actor=officer_a, unit=village_a, household={"code": "QT-9", "ethnicity": "Ba Na"},
                                    members=[{"full_name": "Y Mai", "sex": "nu", "relation": "chu ho",
                                              "birth_year": 1990},
                                             {"full_name": "A Nhã", "sex": "nam", "relation": "con",
                                              "birth_year": 2015}])
    assert h.commune == village_a.parent and h.unit == village_a
    assert h.head_name == "Y Mai" and h.head_search == "y mai"
    assert h.ethnicity == "13" and h.is_ethnic_minority
    # Phường Quang Trung is a ward: urban.
    assert h.area == "urban" and not h.area_overridden
    assert str(h) == "Hộ QT-9"
    assert h.memberships.filter(ended_on__isnull=True).count() == 2
    assert head_of(h).person.full_name == "Y Mai"
    assert h.created_by == officer_a


def test_area_follows_the_unit_type_unless_overridden(commune_a):
    rural_commune = AdministrativeUnit.objects.filter(parent=commune_a.parent, unit_type=UnitType.XA).first()
    assert HouseholdFactory(unit=rural_commune).area == "rural"
    assert HouseholdFactory(unit=VillageFactory(commune=rural_commune, name="Tổ dân phố 2", unit_type=UnitType.TO_DAN_PHO)).area == "urban"
    h = HouseholdFactory(unit=rural_commune, area="urban")
    assert h.area == "urban" and h.area_overridden


def test_register_reports_every_problem_at_once(officer_a, commune_a, household_a):
    with pytest.raises(ValidationError) as exc:
        services.household_register(actor=officer_a, unit=commune_a,
                                    household={"code": "QT-001", "ethnicity": "??"},
                                    members=[{"full_name": "A", "sex": "Nam", "relation": "Con", "birth_year": 1990,
                                              "citizen_id": "062080001234"},
                                             {"full_name": "", "sex": "x", "relation": "Con", "birth_year": 1990}])
    errors = exc.value.message_dict
    assert "đã có hộ mã “QT-001”" in errors["code"][0]
    assert "ethnicity" in errors
    assert "chưa có chủ hộ" in errors["members"][0]
    assert "members.0.citizen_id" in errors  # the year and the registry both disagree
    assert any("đã có trong sổ hộ" in m for m in errors["members.0.citizen_id"])
    assert "members.1.full_name" in errors and "members.1.sex" in errors
    assert Household.objects.filter(code="QT-001").count() == 1


def test_same_code_in_another_commune_is_fine(commune_b, household_a):
    assert HouseholdFactory(unit=commune_b, code="QT-001").code == "QT-001"


def test_register_scope(officer_a, commune_b, mentor_a, commune_a):
    data = {"code": "X1", "ethnicity": "14"}
    members = [{"full_name": "A", "sex": "Nam", "relation": "Chủ hộ", "birth_year": 1990}]
    with pytest.raises(Http404):
        services.household_register(actor=officer_a, unit=commune_b, household=data, members=members)
    with pytest.raises(PermissionDenied):
        services.household_register(actor=mentor_a, unit=commune_a, household=data, members=members)
    viewer = factories.make_user(Role.VIEWER, commune_a.parent)
    with pytest.raises(PermissionDenied):
        services.household_register(actor=viewer, unit=commune_a, household=data, members=members)
    assert not Household.objects.exists()


def test_audit_holds_no_names_or_full_ids_in_summaries(officer_a, village_a):
    h = services.household_register(actor=officer_a, unit=village_a, household={"code": "QT-7", "ethnicity": "14"},
                                    members=[{"full_name": "A Blong", "sex": "Nam", "relation": "Chủ hộ",
                                              "birth_year": 1980, "citizen_id": "062080009876"}])
    rows = list(AuditLog.objects.filter(content_type__app_label="households"))
    assert len(rows) == 3  # household, person, membership
    for row in rows:
        assert "Blong" not in row.object_repr and "Blong" not in row.note
        assert "062080009876" not in str(row.changes) and "062080009876" not in row.object_repr
    person_row = next(r for r in rows if r.content_type.model == "person")
    assert person_row.changes["citizen_id"] == [None, "********9876"]
    assert next(r for r in rows if r.content_type.model == "household").object_repr == f"Hộ {h.code}"


# --- update ----------------------------------------------------------------------------------

def test_update_with_version(officer_a, household_a, commune_a):
    v2 = VillageFactory(commune=commune_a, name="Tổ 2")
    h = services.household_update(actor=officer_a, household=household_a, data={"phone": "0905 123 456"},
                                  unit=v2, expected_version=household_a.version)
    assert h.phone == "0905 123 456" and h.unit == v2 and h.version == household_a.version + 1
    with pytest.raises(ValidationError) as exc:
        services.household_update(actor=officer_a, household=household_a, data={"phone": "1"},
                                  expected_version=household_a.version)
    assert "vừa được người khác sửa" in exc.value.messages[0]


def test_update_refuses_duplicate_code_and_other_commune(officer_a, household_a, commune_a, commune_b):
    HouseholdFactory(unit=commune_a, code="QT-002")
    with pytest.raises(ValidationError) as exc:
        services.household_update(actor=officer_a, household=household_a, data={"code": "QT-002"},
                                  expected_version=household_a.version)
    assert "code" in exc.value.message_dict
    with pytest.raises(Http404):
        services.household_update(actor=officer_a, household=household_a, data={}, unit=commune_b,
                                  expected_version=household_a.version)


def test_update_out_of_scope_and_read_only(officer_b, mentor_a, household_a):
    with pytest.raises(Http404):
        services.household_update(actor=officer_b, household=household_a, data={}, expected_version=1)
    with pytest.raises(PermissionDenied):
        services.household_update(actor=mentor_a, household=household_a, data={}, expected_version=1)


def test_area_override_and_back(officer_a, household_a):
    h = services.household_update(actor=officer_a, household=household_a, data={}, area="rural",
                                  expected_version=household_a.version)
    assert (h.area, h.area_overridden) == ("rural", True)
    h = services.household_update(actor=officer_a, household=h, data={}, area="", expected_version=h.version)
    assert (h.area, h.area_overridden) == ("urban", False)


# --- members ---------------------------------------------------------------------------------

def test_member_add_birth(officer_a, household_a):
    m = services.member_add(actor=officer_a, household=household_a, reason=JoinReason.BIRTH, started_on=D(2024, 3, 2),
                            person={"full_name": "Y Nga", "sex": "Nữ", "relation": "Con", "birth_date": "02/03/2024"})
    assert m.start_reason == "birth" and m.person.ethnicity == household_a.ethnicity
    with pytest.raises(ValidationError) as exc:
        services.member_add(actor=officer_a, household=household_a, reason=JoinReason.BIRTH, started_on=D(2024, 3, 2),
                            person={"full_name": "A Khác", "sex": "Nam", "relation": "Chủ hộ", "birth_year": 1990})
    assert "đã có chủ hộ" in exc.value.message_dict["relation"][0]


def test_member_leaves_and_joins_another_household_with_history(officer_a, household_a, commune_a):
    other = HouseholdFactory(unit=commune_a)
    son = _members(household_a)["A Tuấn"]
    services.membership_end(actor=officer_a, membership=son, reason=LeaveReason.MARRIAGE, ended_on=D(2024, 5, 1))
    services.member_add(actor=officer_a, household=other, existing_person=son.person, relation=Relation.CHILD_IN_LAW,
                        reason=JoinReason.MARRIAGE, started_on=D(2024, 5, 1))
    periods = list(Membership.objects.filter(person=son.person).order_by("pk"))
    assert [(p.household_id, p.end_reason, p.start_reason) for p in periods] == [
        (household_a.pk, "marriage", "founding"), (other.pk, "", "marriage")]


def test_head_leaving_needs_a_new_head(officer_a, household_a):
    head = head_of(household_a)
    with pytest.raises(ValidationError) as exc:
        services.membership_end(actor=officer_a, membership=head, reason=LeaveReason.DEATH, ended_on=D(2024, 1, 5))
    assert "chọn chủ hộ mới" in exc.value.message_dict["new_head"][0]
    wife = _members(household_a)["Y Hiên"]
    services.membership_end(actor=officer_a, membership=head, reason=LeaveReason.DEATH, ended_on=D(2024, 1, 5),
                            new_head=wife)
    household_a.refresh_from_db()
    assert household_a.head_name == "Y Hiên" and household_a.head_search == "y hien"
    head.person.refresh_from_db()
    assert head.person.died_on == D(2024, 1, 5)
    assert head_of(household_a).pk == wife.pk
    # Nothing deleted: the dead head's period is still there.
    assert Membership.objects.filter(household=household_a).count() == 3


def test_last_member_leaving_ends_the_household(officer_a, household_b, officer_b):
    services.membership_end(actor=officer_b, membership=head_of(household_b), reason=LeaveReason.DEATH,
                            ended_on=D(2024, 2, 1))
    household_b.refresh_from_db()
    assert household_b.ended_on == D(2024, 2, 1) and household_b.end_reason == HouseholdEnd.DIED_OUT


def test_membership_end_refusals(officer_a, officer_b, household_a):
    son = _members(household_a)["A Tuấn"]
    with pytest.raises(ValidationError) as exc:
        services.membership_end(actor=officer_a, membership=son, reason=LeaveReason.SPLIT, ended_on=None)
    assert set(exc.value.message_dict) == {"reason", "ended_on"}
    with pytest.raises(Http404):
        services.membership_end(actor=officer_b, membership=son, reason=LeaveReason.DEATH, ended_on=D(2024, 1, 1))


# --- split and merge -------------------------------------------------------------------------

def test_split_keeps_lineage_and_periods(officer_a, household_a):
    m = _members(household_a)
    new = services.household_split(actor=officer_a, household=household_a, members=[m["A Tuấn"]],
                                   new_head=m["A Tuấn"], code="QT-001-T", on=D(2024, 6, 1))
    assert new.split_from == household_a and new.head_name == "A Tuấn" and new.unit == household_a.unit
    old = Membership.objects.get(pk=m["A Tuấn"].pk)
    assert (old.ended_on, old.end_reason) == (D(2024, 6, 1), "split")
    fresh = head_of(new)
    assert (fresh.person_id, fresh.start_reason, fresh.started_on) == (old.person_id, "split", D(2024, 6, 1))
    assert list(household_a.split_children.all()) == [new]
    assert household_a.memberships.filter(ended_on__isnull=True).count() == 2


def test_split_refusals(officer_a, household_a):
    m = _members(household_a)
    with pytest.raises(ValidationError) as exc:
        services.household_split(actor=officer_a, household=household_a, members=[m["A Blong"], m["A Tuấn"]],
                                 new_head=m["A Tuấn"], code="QT-001", on=D(2024, 6, 1))
    errors = exc.value.message_dict
    assert "remaining_head" in errors and "code" in errors
    with pytest.raises(ValidationError) as exc:
        services.household_split(actor=officer_a, household=household_a, members=list(m.values()),
                                 new_head=m["A Tuấn"], code="QT-X", on=D(2024, 6, 1))
    assert "ít nhất một nhân khẩu ở lại" in exc.value.message_dict["members"][0]


def test_split_with_the_old_head(officer_a, household_a):
    m = _members(household_a)
    new = services.household_split(actor=officer_a, household=household_a, members=[m["A Blong"]],
                                   new_head=m["A Blong"], remaining_head=m["Y Hiên"], code="QT-N", on=D(2024, 6, 1))
    household_a.refresh_from_db()
    assert household_a.head_name == "Y Hiên" and new.head_name == "A Blong"


def test_merge(officer_a, household_a, commune_a):
    small = HouseholdFactory(unit=commune_a, members=["Y Lan"])
    target = services.household_merge(actor=officer_a, household=small, into=household_a, on=D(2024, 7, 1),
                                      relations={head_of(small).pk: Relation.GRANDCHILD})
    small.refresh_from_db()
    assert (small.ended_on, small.end_reason, small.merged_into) == (D(2024, 7, 1), "merged", household_a)
    assert target.head_name == "A Blong"
    joined = _members(household_a)["Y Lan"]
    assert (joined.relation, joined.start_reason) == ("grandchild", "merge")
    assert Membership.objects.get(household=small).end_reason == "merge"
    assert list(household_a.merged_parents.all()) == [small]
    with pytest.raises(ValidationError):
        services.household_merge(actor=officer_a, household=small, into=household_a, on=D(2024, 7, 2))


def test_merge_across_scope_is_not_found(officer_a, household_a, household_b):
    with pytest.raises(Http404):
        services.household_merge(actor=officer_a, household=household_a, into=household_b, on=D(2024, 7, 1))


def test_nothing_is_deleted(officer_a, household_a, commune_a):
    persons = Person.objects.count()
    m = _members(household_a)
    services.household_split(actor=officer_a, household=household_a, members=[m["A Tuấn"]], new_head=m["A Tuấn"],
                             code="S1", on=D(2024, 6, 1))
    services.household_end(actor=officer_a, household=household_a, reason=HouseholdEnd.MOVED_AWAY, on=D(2024, 8, 1))
    assert Person.objects.count() == persons
    assert Household.objects.filter(pk=household_a.pk, end_reason="moved_away").exists()


# --- population base -------------------------------------------------------------------------

def test_population_base(officer_a, commune_a, commune_b, mentor_a):
    base = services.population_base_set(actor=officer_a, commune=commune_a, year=2023, households_total="1.234",
                                        persons_total=5000, em_households_total=300, em_persons_total=1200)
    assert (base.households_total, base.persons_total) == (1234, 5000)
    again = services.population_base_set(actor=officer_a, commune=commune_a, year=2023, households_total=1240,
                                         persons_total=5000, em_households_total=300, em_persons_total=1200)
    assert again.pk == base.pk and again.households_total == 1240
    assert PopulationBase.objects.count() == 1
    with pytest.raises(ValidationError) as exc:
        services.population_base_set(actor=officer_a, commune=commune_a, year=2023, households_total=100,
                                     persons_total=50, em_households_total=200, em_persons_total=-1)
    assert set(exc.value.message_dict) == {"persons_total", "em_households_total", "em_persons_total"}
    with pytest.raises(Http404):
        services.population_base_set(actor=officer_a, commune=commune_b, year=2023, households_total=1,
                                     persons_total=1)
    with pytest.raises(PermissionDenied):
        services.population_base_set(actor=mentor_a, commune=commune_a, year=2023, households_total=1,
                                     persons_total=1)
