"""The audit log outlives what it names: its links to the account and the record's type carry no
database constraint (issue 17: an import's 290,000 audit rows were checked again at commit), so
what Django does on delete must still hold."""

import pytest

from tests.factories import make_user
from vuonlen.core.audit import audit_record, history_for
from vuonlen.core.models import AuditAction, AuditLog
from vuonlen.core.selectors import audit_entries

pytestmark = pytest.mark.django_db


def test_an_account_deleted_later_leaves_its_rows_with_its_name():
    writer = make_user(username="canbo.cu")
    subject = make_user(username="nguoi.duoc.sua")
    row = audit_record(actor=writer, action=AuditAction.UPDATE, instance=subject,
                       before={"first_name": "A"}, after={"first_name": "B"}, source="web")

    writer.delete()

    row = AuditLog.objects.get(pk=row.pk)
    assert row.actor_id is None  # Django's SET_NULL, without a database constraint to do it
    assert row.actor_name == "canbo.cu"
    assert [r.pk for r in history_for(subject)] == [row.pk]


def test_the_log_is_found_by_record_number_alone():
    writer = make_user(username="thuongtruc")
    subject = make_user(username="ho.so")
    audit_record(actor=writer, action=AuditAction.UPDATE, instance=subject,
                 before={"last_name": "X"}, after={"last_name": "Y"}, source="web")

    found = list(audit_entries(object_id=str(subject.pk)))

    assert [(r.object_id, r.actor_name) for r in found] == [(str(subject.pk), "thuongtruc")]
