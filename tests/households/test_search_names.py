"""The names the register's search matches follow every change of a household's people
(``households.names``, issue 17): a member who joins is found at once, one who left is still
found in the household they left (as before: the search covers past members), a household made
by a split is found by its people, a person renamed by the administrator is found by the new
name and no longer by the old, and a household saved from a copy read before a member joined
does not lose that member's name. The column the migration and ``refresh`` compute in SQL is
the one the import and the demo compute in Python, on both databases."""

import datetime as dt

import pytest
from django.urls import reverse

from vuonlen.core.text import fold
from vuonlen.households import names, services
from vuonlen.households.models import Household, Membership, Person

from .factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def _found(client, q: str, state: str = "all") -> list[str]:
    response = client.post(reverse("households:list"), {"q": q, "state": state, "per_page": "100"}, follow=True)
    assert response.status_code == 200
    return sorted(h.code for h in response.context["page_obj"])


def test_a_member_who_joins_is_found_at_once(client, officer_a, household_a):
    client.force_login(officer_a)
    assert _found(client, "ksor") == []
    services.member_add(actor=officer_a, household=household_a, reason="birth", started_on=dt.date(2024, 3, 1),
                        person={"full_name": "Ksor Hờ Nga", "sex": "Nữ", "relation": "Con",
                                "birth_date": "01/03/2024"})
    assert _found(client, "ksor ho") == ["QT-001"]
    assert _found(client, "Hờ Nga") == ["QT-001"]


def test_a_split_household_is_found_by_its_people_and_the_old_one_still_by_them(client, officer_a, household_a):
    client.force_login(officer_a)
    son = Membership.objects.get(household=household_a, person__full_name="A Tuấn")
    new = services.household_split(actor=officer_a, household=household_a, members=[son], new_head=son,
                                   code="QT-002", on=dt.date(2024, 5, 1))
    assert new.code == "QT-002"
    # The son heads the new household and was a member of the old one: both are found.
    assert _found(client, "tuan") == ["QT-001", "QT-002"]
    # Only the old household is found by his mother's name.
    assert _found(client, "hien") == ["QT-001"]


def test_a_person_renamed_is_found_by_the_new_name_only(client, officer_a, household_a):
    client.force_login(officer_a)
    person = Person.objects.get(memberships__household=household_a, full_name="Y Hiên")
    person.full_name = "Y Hoà"
    person.name_search = fold(person.full_name)
    person.save(update_fields=["full_name", "name_search"])
    assert _found(client, "hoa") == ["QT-001"]
    assert _found(client, "hien") == []


def test_a_stale_copy_saved_keeps_the_names_of_members_who_joined_since(client, officer_a, household_a):
    stale = Household.objects.get(pk=household_a.pk)  # read before the member joins
    services.member_add(actor=officer_a, household=household_a, reason="moved_in", started_on=dt.date(2024, 3, 1),
                        person={"full_name": "Rơ Châm Phương", "sex": "Nữ", "relation": "Khác",
                                "birth_year": 1990})
    stale.phone = "0905123456"
    stale.save()
    client.force_login(officer_a)
    assert _found(client, "phuong") == ["QT-001"]
    assert Household.objects.get(pk=household_a.pk).phone == "0905123456"


def test_the_names_are_not_in_the_audit_log(officer_a, household_a):
    from vuonlen.core.models import AuditLog

    for entry in AuditLog.objects.filter(object_id=str(household_a.pk)):
        assert "names_search" not in entry.changes


def test_sql_and_python_give_the_same_column(commune_a, village_a):
    """The migration's and ``refresh``'s SQL against ``names_text``, which the import and the
    demo use: same names, same order, on this database."""
    households = [
        HouseholdFactory(unit=village_a, members=["Đinh Văn Ánh", "Y Ân", "A Zin", "Ánh", "Nguyễn Thị Ơn"]),
        HouseholdFactory(unit=commune_a, members=["A Ba", "A Ba"]),
    ]
    Household.objects.update(names_search="")
    names.refresh(None)
    for household in households:
        people = Person.objects.filter(memberships__household=household).values_list("name_search", flat=True)
        expected = names.names_text([*people, fold(household.head_name)])
        assert Household.objects.get(pk=household.pk).names_search == expected
    assert names.names_text(["a ba", "a ba"]) == "a ba"
    Household.objects.update(names_search="")
    names.refresh([households[0].pk])
    assert Household.objects.get(pk=households[0].pk).names_search != ""
    assert Household.objects.get(pk=households[1].pk).names_search == ""


def test_an_imported_household_is_found_by_any_member(client, officer_a, commune_a, village_a):
    """The import writes the column with the households (``names_text``): a member who is not
    the head finds the household, with or without diacritics, and a refresh computes the same."""
    from .test_imports import A, person, run, xlsx

    data = xlsx([person("QT-301", A, village=village_a.name, name="A Thương"),
                 person("", "", name="Y Ngọc", sex="Nữ", relation="Vợ", birth=1987),
                 person("QT-302", A, name="A Rin", birth=1970)])
    assert run(officer_a, data).ok
    client.force_login(officer_a)
    assert _found(client, "ngoc") == ["QT-301"]
    assert _found(client, "Y Ngọc") == ["QT-301"]
    imported = Household.objects.get(code="QT-301")
    assert imported.names_search == "a thuong\ny ngoc"
    Household.objects.filter(pk=imported.pk).update(names_search="")
    names.refresh([imported.pk])
    assert Household.objects.get(pk=imported.pk).names_search == "a thuong\ny ngoc"


def test_a_household_in_a_village_made_after_the_list_was_read_is_listed(client, officer_a, commune_a,
                                                                        household_a):
    """The list gives the database the ids of a small scope's units, kept under the tree's
    version: a village added since is among them at once."""
    from tests.geo.factories import VillageFactory

    client.force_login(officer_a)
    assert _found(client, "a") == ["QT-001"]
    village = VillageFactory(commune=commune_a, name="Tổ 9")
    HouseholdFactory(unit=village, code="QT-909", members=["A Sơn"])
    assert _found(client, "a") == ["QT-001", "QT-909"]


def test_a_wide_scope_lists_the_same_households_without_the_unit_ids(client, monkeypatch, officer_a,
                                                                    viewer_district, household_a,
                                                                    hien_elsewhere):
    from vuonlen.households import selectors

    for reader in (officer_a, viewer_district):
        client.force_login(reader)
        with_ids = _found(client, "hien")
        monkeypatch.setattr(selectors, "_few_unit_ids", lambda paths: None)
        assert _found(client, "hien") == with_ids
        monkeypatch.undo()
    assert with_ids == ["DT-777", "QT-001"]  # the district's reader, last


@pytest.fixture
def hien_elsewhere(commune_b):
    return HouseholdFactory(unit=commune_b, code="DT-777", members=["A Nhung", "Y Hiên"])


def test_a_household_registered_with_its_members_writes_its_names_once(client, officer_a, village_a):
    """``names.batched``: the five memberships only note the household; its names column is
    written once, at the end, and holds every member."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    people = ["Y Bình", "Rơ Châm Hlin", "A Tuấn", "Y Mai", "Đinh Văn Sơn"]
    with CaptureQueriesContext(connection) as queries:
        household = HouseholdFactory(unit=village_a, code="QT-500", members=people, actor=officer_a)
    updates = [q["sql"] for q in queries.captured_queries if "SET names_search" in q["sql"]]
    assert len(updates) == 1
    household.refresh_from_db()
    assert household.names_search == names.names_text(fold(name) for name in people)
    client.force_login(officer_a)
    assert _found(client, "dinh van son") == ["QT-500"]


def test_a_batch_that_fails_leaves_nothing_noted_behind(officer_a, household_a):
    """An error inside the block refreshes nothing, and the next change refreshes at once again."""
    with pytest.raises(RuntimeError), names.batched():
        Membership.objects.filter(household=household_a).first().save()
        raise RuntimeError("thử")
    person = Person.objects.filter(memberships__household=household_a).first()
    person.full_name, person.name_search = "Hồ Văn Mới", fold("Hồ Văn Mới")
    person.save()
    household_a.refresh_from_db()
    assert fold("Hồ Văn Mới") in household_a.names_search.split(names.SEPARATOR)
