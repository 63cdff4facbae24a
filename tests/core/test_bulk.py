"""``core.bulk.insert_rows`` writes what the ORM would read back: dates and instants too (on
PostgreSQL they go through ``COPY`` as ISO text), on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from django.utils import timezone

from vuonlen.core.bulk import insert_rows
from vuonlen.core.models import AuditLog
from vuonlen.core.periods import VN_TZ
from vuonlen.households.models import Household, Person

pytestmark = pytest.mark.django_db


def test_dates_and_the_time_of_writing_read_back_as_written(commune_a):
    before = timezone.now()
    ids = insert_rows(Household, [
        {"commune_id": commune_a.pk, "unit_id": commune_a.pk, "code": "KT-1", "head_name": "A Blong",
         "area": "rural", "ethnicity": "14", "started_on": dt.date(2020, 2, 29)},
        {"commune_id": commune_a.pk, "unit_id": commune_a.pk, "code": "KT-2", "head_name": "Y Hiên",
         "area": "rural", "ethnicity": "14"},
    ])
    after = timezone.now()
    first, second = (Household.objects.get(pk=pk) for pk in ids)
    assert first.started_on == dt.date(2020, 2, 29) and second.started_on is None
    # Both rows carry the one instant of the write, to the microsecond, in both columns.
    assert before <= first.created_at <= after
    assert first.created_at == first.updated_at == second.created_at

    person = Person.objects.get(pk=insert_rows(Person, [
        {"full_name": "A Blong", "sex": "M", "birth_date": dt.date(1999, 12, 31), "birth_year": 1999,
         "ethnicity": "14"}])[0])
    assert person.birth_date == dt.date(1999, 12, 31) and person.birth_year == 1999


def test_an_instant_given_in_another_time_zone_is_the_same_instant(admin_user):
    # 07:30 in Vietnam on 8 December is 00:30 UTC: stored and read back as that instant.
    at = dt.datetime(2026, 12, 8, 7, 30, 15, 250_000, tzinfo=VN_TZ)
    insert_rows(AuditLog, [{"at": at, "actor_id": admin_user.pk, "actor_name": "admin", "action": "create",
                            "object_id": "1", "object_repr": "Hộ KT-1", "changes": "{}", "note": "", "source": "import"}],
                returning=False, raw=("changes",))
    entry = AuditLog.objects.get(object_repr="Hộ KT-1")
    assert entry.at == dt.datetime(2026, 12, 8, 0, 30, 15, 250_000, tzinfo=dt.UTC)
    assert entry.changes == {}
