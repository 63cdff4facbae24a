"""The real Kon Tum units and their 2025 lineage, as loaded from vietnam-provinces."""

import pytest
from django.db.models import Count

from vuonlen.core.models import AuditLog
from vuonlen.geo.loaders import load_province
from vuonlen.geo.models import AdministrativeUnit, Era, Level, UnitLineage

OLD_WARDS_OF_KON_TUM = {"Phường Quang Trung", "Phường Quyết Thắng", "Phường Trường Chinh",
                        "Phường Thắng Lợi", "Phường Thống Nhất"}


def _count(era, level):
    return AdministrativeUnit.objects.filter(era=era, level=level).count()


def test_kon_tum_before_the_reform_has_one_province_ten_districts_102_communes(kontum):
    assert _count(Era.PRE_2025, Level.PROVINCE) == 1
    assert kontum.name == "Tỉnh Kon Tum"
    assert _count(Era.PRE_2025, Level.DISTRICT) == 10
    assert _count(Era.PRE_2025, Level.COMMUNE) == 102
    assert AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.DISTRICT, parent=kontum).count() == 10


def test_after_the_reform_its_communes_form_40_new_communes_directly_under_the_province(kontum):
    assert _count(Era.POST_2025, Level.COMMUNE) == 40
    assert _count(Era.POST_2025, Level.DISTRICT) == 0
    new_province = AdministrativeUnit.objects.get(era=Era.POST_2025, level=Level.PROVINCE)
    assert new_province.name == "Tỉnh Quảng Ngãi"
    assert set(AdministrativeUnit.objects.filter(era=Era.POST_2025, level=Level.COMMUNE)
               .values_list("parent", flat=True)) == {new_province.pk}


def test_every_old_commune_maps_to_exactly_one_new_commune(kontum):
    links = (UnitLineage.objects.filter(old_unit__level=Level.COMMUNE)
             .values("old_unit").annotate(n=Count("new_unit")))
    assert links.count() == 102
    assert {row["n"] for row in links} == {1}
    assert not UnitLineage.objects.filter(old_unit__level=Level.COMMUNE).exclude(
        new_unit__era=Era.POST_2025, new_unit__level=Level.COMMUNE).exists()
    targets = UnitLineage.objects.filter(old_unit__level=Level.COMMUNE).values("new_unit").distinct()
    assert targets.count() == 40  # no new commune is left without a predecessor


def test_five_old_wards_became_phuong_kon_tum(kontum):
    phuong_kon_tum = AdministrativeUnit.objects.get(era=Era.POST_2025, level=Level.COMMUNE, name="Phường Kon Tum")
    predecessors = {link.old_unit.name for link in phuong_kon_tum.predecessor_links.select_related("old_unit")}
    assert predecessors == OLD_WARDS_OF_KON_TUM


def test_code_23284_names_different_units_in_the_two_eras(kontum):
    old = AdministrativeUnit.objects.get(era=Era.PRE_2025, level=Level.COMMUNE, code="23284")
    new = AdministrativeUnit.objects.get(era=Era.POST_2025, level=Level.COMMUNE, code="23284")
    assert old.pk != new.pk
    assert old.name == "Phường Duy Tân"
    assert new.name == "Phường Đăk Cấm"
    assert old.valid_to < new.valid_from


def test_loading_again_changes_nothing(kontum):
    before = (AdministrativeUnit.objects.count(), UnitLineage.objects.count(), AuditLog.objects.count())
    result = load_province(62)
    assert (result.created, result.updated, result.lineage) == (0, 0, 0)
    assert (AdministrativeUnit.objects.count(), UnitLineage.objects.count(), AuditLog.objects.count()) == before


def test_paths_put_every_commune_under_its_province(kontum):
    for commune in AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.COMMUNE).select_related("parent"):
        assert commune.path == f"{commune.parent.path}{commune.pk}/"
        assert commune.path.startswith(kontum.path)


def test_a_province_loaded_has_its_units_statistics_at_once(db):
    """PostgreSQL plans a new province's first scopes and counts from real statistics: the loader
    analyses the units it wrote (``core.bulk.analyze``). Never analysed, the table was taken for
    one row, and "any review under these units?" read every review once per unit (issue 17)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite plans without ANALYZE statistics")
    result = load_province(64)  # Gia Lai: units this database has not had before
    assert result.created > 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'geo_administrativeunit'")
        estimated = cursor.fetchone()[0]
    assert estimated == AdministrativeUnit.objects.count()
