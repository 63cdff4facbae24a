"""Village writes: codes, Vietnamese names, duplicates, optimistic concurrency, scope, audit."""

import unicodedata

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404

from tests import factories
from tests.geo.factories import VillageFactory
from vuonlen.accounts.roles import Role
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import history_for
from vuonlen.core.models import AuditAction, AuditLog
from vuonlen.geo import services
from vuonlen.geo.models import AdministrativeUnit, Era, Level, UnitType


@pytest.fixture
def officer_a(commune_a):
    return factories.make_user(Role.COMMUNE_OFFICER, commune_a)


def _villages(commune):
    return AdministrativeUnit.objects.filter(parent=commune, level=Level.VILLAGE)


def test_create_places_the_village_under_its_commune_with_a_generated_code(officer_a, commune_a):
    village = services.village_create(actor=officer_a, commune=commune_a, name="  Thôn   Kon Hring ",
                                      unit_type=UnitType.THON)
    village.refresh_from_db()
    assert village.name == "Thôn Kon Hring"
    assert (village.level, village.era, village.parent) == (Level.VILLAGE, Era.PRE_2025, commune_a)
    assert village.code == "23281-001"
    assert village.path == f"{commune_a.path}{village.pk}/"
    assert (village.valid_from, village.valid_to) == (commune_a.valid_from, commune_a.valid_to)
    assert village.name_search == "thon kon hring"
    second = services.village_create(actor=officer_a, commune=commune_a, name="Làng Plei Rơ Wang",
                                     unit_type=UnitType.LANG)
    assert second.code == "23281-002"


def test_create_writes_an_audit_row_with_the_new_values(officer_a, commune_a):
    village = services.village_create(actor=officer_a, commune=commune_a, name="Thôn 1", unit_type=UnitType.THON)
    entry = history_for(village).get()
    assert entry.action == AuditAction.CREATE
    assert entry.actor == officer_a
    assert entry.changes["name"] == [None, "Thôn 1"]
    assert entry.changes["parent"] == [None, commune_a.pk]


def test_nfd_name_is_stored_nfc(officer_a, commune_a):
    decomposed = unicodedata.normalize("NFD", "Làng Đăk Rơ Wang")
    village = services.village_create(actor=officer_a, commune=commune_a, name=decomposed, unit_type=UnitType.LANG)
    village.refresh_from_db()
    assert village.name == "Làng Đăk Rơ Wang"
    assert unicodedata.is_normalized("NFC", village.name)


def test_duplicate_name_in_the_same_commune_is_refused_even_without_diacritics(officer_a, commune_a):
    services.village_create(actor=officer_a, commune=commune_a, name="Thôn Kon Jri", unit_type=UnitType.THON)
    with pytest.raises(ValidationError) as info:
        services.village_create(actor=officer_a, commune=commune_a, name="THON KON JRI", unit_type=UnitType.THON)
    assert info.value.message_dict["name"] == ["Phường Quang Trung đã có thôn “THON KON JRI”"]
    assert _villages(commune_a).count() == 1


def test_same_name_in_another_commune_is_fine(commune_a, commune_b):
    services.village_create(actor=SYSTEM, commune=commune_a, name="Tổ dân phố 1", unit_type=UnitType.TO_DAN_PHO)
    services.village_create(actor=SYSTEM, commune=commune_b, name="Tổ dân phố 1", unit_type=UnitType.TO_DAN_PHO)
    assert AdministrativeUnit.objects.filter(level=Level.VILLAGE, name="Tổ dân phố 1").count() == 2


def test_every_problem_is_reported_at_once(officer_a, commune_a):
    with pytest.raises(ValidationError) as info:
        services.village_create(actor=officer_a, commune=commune_a, name="   ", unit_type="xom")
    assert info.value.message_dict == {
        "name": ["Tên thôn không được để trống"],
        "unit_type": ["Loại phải là thôn, làng hoặc tổ dân phố"],
    }
    assert not _villages(commune_a).exists()


def test_update_bumps_the_version_and_audits_the_change(officer_a, commune_a):
    village = VillageFactory(commune=commune_a, name="Thôn 2")
    updated = services.village_update(actor=officer_a, village=village, name="Làng Kon Klor",
                                      unit_type=UnitType.LANG, expected_version=1)
    assert updated.version == 2
    village.refresh_from_db()
    assert (village.name, village.unit_type, village.version) == ("Làng Kon Klor", UnitType.LANG, 2)
    entry = history_for(village).filter(action=AuditAction.UPDATE).get()
    assert entry.changes == {"name": ["Thôn 2", "Làng Kon Klor"], "unit_type": ["thon", "lang"]}


def test_stale_version_is_refused_and_nothing_is_overwritten(officer_a, commune_a):
    village = VillageFactory(commune=commune_a, name="Thôn 3")
    # Two people opened the edit form at version 1; the first one saves.
    services.village_update(actor=officer_a, village=village, name="Thôn Ba", unit_type=UnitType.THON,
                            expected_version=1)
    with pytest.raises(ValidationError) as info:
        services.village_update(actor=officer_a, village=village, name="Thôn 3 (sửa)", unit_type=UnitType.THON,
                                expected_version=1)
    assert info.value.message_dict[NON_FIELD_ERRORS] == [services.STALE_MESSAGE]
    assert "người khác sửa" in services.STALE_MESSAGE
    village.refresh_from_db()
    assert (village.name, village.version) == ("Thôn Ba", 2)
    assert history_for(village).filter(action=AuditAction.UPDATE).count() == 1


def test_update_may_not_take_the_name_of_a_sibling(officer_a, commune_a):
    VillageFactory(commune=commune_a, name="Thôn 4")
    other = VillageFactory(commune=commune_a, name="Thôn 5")
    with pytest.raises(ValidationError) as info:
        services.village_update(actor=officer_a, village=other, name="thôn 4", unit_type=UnitType.THON,
                                expected_version=1)
    assert "name" in info.value.message_dict
    # Keeping its own name is no duplicate.
    services.village_update(actor=officer_a, village=other, name="Thôn 5", unit_type=UnitType.LANG,
                            expected_version=1)


def test_delete_removes_the_village_and_audits_it(officer_a, commune_a):
    village = VillageFactory(commune=commune_a, name="Thôn 6")
    pk = village.pk
    services.village_delete(actor=officer_a, village=village)
    assert not AdministrativeUnit.objects.filter(pk=pk).exists()
    entry = AuditLog.objects.get(action=AuditAction.DELETE, object_id=str(pk))
    assert entry.changes["name"] == ["Thôn 6", None]


def test_delete_is_refused_while_an_organisation_sits_in_the_village(officer_a, commune_a):
    village = VillageFactory(commune=commune_a, name="Thôn 7")
    factories.make_org(village, name="Chi hội Nông dân thôn 7")
    audit_rows = AuditLog.objects.count()
    with pytest.raises(ValidationError) as info:
        services.village_delete(actor=officer_a, village=village)
    assert "còn tổ chức" in info.value.messages[0]
    assert AdministrativeUnit.objects.filter(pk=village.pk).exists()
    assert AuditLog.objects.count() == audit_rows


def test_officer_of_another_commune_gets_not_found(officer_a, commune_b):
    village_b = VillageFactory(commune=commune_b, name="Thôn 8")
    with pytest.raises(Http404):
        services.village_create(actor=officer_a, commune=commune_b, name="Thôn 9", unit_type=UnitType.THON)
    with pytest.raises(Http404):
        services.village_update(actor=officer_a, village=village_b, name="X", unit_type=UnitType.THON,
                                expected_version=1)
    with pytest.raises(Http404):
        services.village_delete(actor=officer_a, village=village_b)
    assert _villages(commune_b).count() == 1


def test_read_only_viewer_in_scope_gets_permission_denied(commune_a):
    viewer = factories.make_user(Role.VIEWER, commune_a.parent)
    with pytest.raises(PermissionDenied):
        services.village_create(actor=viewer, commune=commune_a, name="Thôn 10", unit_type=UnitType.THON)
    assert not _villages(commune_a).exists()


def test_villages_only_go_under_communes(kontum):
    with pytest.raises(ValidationError):
        services.village_create(actor=SYSTEM, commune=kontum, name="Thôn 11", unit_type=UnitType.THON)


def test_new_era_commune_gets_new_era_villages(kontum):
    phuong_kon_tum = AdministrativeUnit.objects.get(era=Era.POST_2025, level=Level.COMMUNE, name="Phường Kon Tum")
    village = services.village_create(actor=SYSTEM, commune=phuong_kon_tum, name="Tổ dân phố 1",
                                      unit_type=UnitType.TO_DAN_PHO)
    assert village.era == Era.POST_2025
    assert village.code == f"{phuong_kon_tum.code}-001"
    assert village.valid_from == phuong_kon_tum.valid_from
