"""The import's audit rows made by the database (``core.audit.audit_created_in_database``) are
the rows ``audit_created_rows`` makes in Python, field for field, on SQLite and PostgreSQL."""

import datetime as dt

import pytest

from tests import factories
from vuonlen.accounts.roles import Role
from vuonlen.core.audit import Created, Related, audit_created_in_database, audit_created_rows, column
from vuonlen.core.bulk import insert_rows
from vuonlen.core.models import AuditAction, AuditLog
from vuonlen.households.models import Household, Membership, Person

pytestmark = pytest.mark.django_db


def _rows(commune, user):
    households = [
        {"commune_id": commune.pk, "unit_id": commune.pk, "code": "KT-1", "head_name": "Nguyễn \"Út\" Văn",
         "area": "rural", "area_overridden": True, "ethnicity": "14", "is_ethnic_minority": True,
         "phone": "0901234567", "address": "Thôn 1\\2", "notes": "dòng 1\ndòng 2", "created_by_id": user.pk},
        {"commune_id": commune.pk, "unit_id": commune.pk, "code": "KT-2", "head_name": "A Blong",
         "ethnicity": "01", "is_ethnic_minority": False, "started_on": dt.date(2020, 2, 29)},
    ]
    persons = [
        {"full_name": "Nguyễn \"Út\" Văn", "sex": "M", "birth_date": dt.date(1980, 1, 31), "birth_year": 1980,
         "ethnicity": "14", "citizen_id": "062080001234", "health_insurance": True},
        {"full_name": "Y Hiên", "sex": "F", "birth_year": 1983, "ethnicity": "14", "citizen_id": None,
         "health_insurance": False, "occupation": "Làm nông"},
        {"full_name": "A Blong", "sex": "M", "birth_year": 2001, "ethnicity": "01", "citizen_id": "123"},
    ]
    return households, persons


def _logged(since):
    return {(entry.content_type_id, entry.object_id): (entry.actor_id, entry.actor_name, entry.action,
                                                       entry.object_repr, entry.changes, entry.note, entry.source)
            for entry in AuditLog.objects.filter(id__gt=since)}


def test_rows_made_by_the_database_are_the_rows_made_in_python(commune_a):
    user = factories.make_user(Role.COMMUNE_OFFICER, commune_a)
    households, persons = _rows(commune_a, user)
    household_ids = insert_rows(Household, households)
    person_ids = insert_rows(Person, persons)
    memberships = [{"household_id": household_ids[0], "person_id": person_ids[0], "relation": "head"},
                   {"household_id": household_ids[0], "person_id": person_ids[1], "relation": "spouse",
                    "started_on": dt.date(2001, 5, 1)},
                   {"household_id": household_ids[1], "person_id": person_ids[2], "relation": "head"}]
    membership_ids = insert_rows(Membership, memberships)
    codes = dict(zip(household_ids, ["KT-1", "KT-2"]))

    start = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    audit_created_rows(actor=user, model=Household, rows=list(zip(household_ids, households)), note="tệp a.xlsx",
                       describe=lambda pk, row: f"Hộ {row['code']}")
    audit_created_rows(actor=user, model=Person, rows=list(zip(person_ids, persons)), note="tệp a.xlsx",
                       describe=lambda pk, row: f"Nhân khẩu #{pk}")
    audit_created_rows(actor=user, model=Membership, rows=list(zip(membership_ids, memberships)), note="tệp a.xlsx",
                       describe=lambda pk, row: f"Nhân khẩu #{row['person_id']} trong Hộ {codes[row['household_id']]}")
    in_python = _logged(start)
    middle = AuditLog.objects.order_by("-id").values_list("id", flat=True).first()

    # The persons' keys given out of order and with a gap: the rows are found by their keys.
    count = audit_created_in_database(actor=user, note="tệp a.xlsx", records=[
        Created(Household, household_ids, ("Hộ ", column("code"))),
        Created(Person, [person_ids[2], person_ids[0]], ("Nhân khẩu #", column("id"))),
        Created(Membership, membership_ids,
                ("Nhân khẩu #", column("person"), " trong Hộ ", Related("household", "code"))),
    ])
    in_database = _logged(middle)
    assert count == 2 + 2 + 3
    del in_python[next(key for key in in_python if key[1] == str(person_ids[1]) and key not in in_database)]
    assert in_database == in_python
    assert len(in_database) == 7
    head = AuditLog.objects.get(id__gt=middle, object_id=str(person_ids[0]), object_repr__startswith="Nhân khẩu #"
                                f"{person_ids[0]}", content_type__model="person")
    assert head.action == AuditAction.CREATE and head.actor == user
    assert head.changes["citizen_id"] == [None, "********1234"]
    assert head.changes["birth_date"] == [None, "1980-01-31"]
    assert head.changes["health_insurance"] == [None, True]
    assert "died_on" not in head.changes  # not set: left out
    assert head.at is not None
