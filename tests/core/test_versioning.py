"""The one versioned update: refuse a stale version with the one message; save only a real
change, as a new version, with its before/after in the audit log."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from tests.geo.factories import VillageFactory
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import history_for
from vuonlen.core.models import AuditAction
from vuonlen.core.versioning import StaleVersion, check_version, lock_version, model_update, stale_message
from vuonlen.geo.models import AdministrativeUnit


def test_the_stale_message_is_one_sentence_naming_the_record():
    assert stale_message("Thôn này") == ("Thôn này vừa được người khác sửa; hãy tải lại trang để xem bản mới "
                                         "rồi sửa lại.")


def test_a_stale_version_is_a_form_error_above_the_form(commune_a):
    village = VillageFactory(commune=commune_a, name="Thôn Một")
    with pytest.raises(ValidationError) as caught:
        check_version(village, village.version + 1, message=stale_message("Thôn này"))
    assert isinstance(caught.value, StaleVersion)
    assert caught.value.message_dict == {NON_FIELD_ERRORS: [stale_message("Thôn này")]}
    with pytest.raises(StaleVersion):
        check_version(village, None, message="x")
    check_version(village, village.version, message="x")  # the version the editor saw: no error


def test_a_real_change_is_saved_as_the_next_version_and_audited(commune_a):
    village = VillageFactory(commune=commune_a, name="Thôn Một")
    with transaction.atomic():
        current = lock_version(AdministrativeUnit.objects, village.pk, village.version, message="x")
        current.code = "X1"  # only the fields given are written
        changed = model_update(actor=SYSTEM, instance=current, data={"name": "Thôn Hai"}, note="đổi tên")
    assert changed
    stored = AdministrativeUnit.objects.get(pk=village.pk)
    assert (stored.name, stored.version) == ("Thôn Hai", village.version + 1)
    assert stored.code == village.code
    row = history_for(stored).filter(action=AuditAction.UPDATE).get()
    assert row.changes["name"] == ["Thôn Một", "Thôn Hai"] and row.note == "đổi tên"


def test_the_same_values_change_nothing(commune_a):
    village = VillageFactory(commune=commune_a, name="Thôn Một")
    with transaction.atomic():
        current = lock_version(AdministrativeUnit.objects, village.pk, village.version, message="x")
        changed = model_update(actor=SYSTEM, instance=current, data={"name": "Thôn Một"})
    assert not changed
    assert AdministrativeUnit.objects.get(pk=village.pk).version == village.version
    assert not history_for(village).filter(action=AuditAction.UPDATE).exists()
