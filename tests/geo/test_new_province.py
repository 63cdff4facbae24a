"""The new province whole: ``vuonlen geo load 51`` loads the new Quảng Ngãi with all its communes
and every old province merged into it (old Quảng Ngãi and old Kon Tum), with the lineage."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests import factories
from vuonlen.accounts import scoping
from vuonlen.accounts.roles import UNIT_VIEW, Role
from vuonlen.core.models import AuditLog
from vuonlen.geo.loaders import load_new_province
from vuonlen.geo.models import AdministrativeUnit, Era, Level, UnitLineage
from vuonlen.indicators.tree import Tree


def _load_51():
    out = StringIO()
    call_command("geo", "load", "51", stdout=out)
    return out.getvalue()


def test_loading_the_new_province_gives_its_96_communes_and_both_old_provinces(kontum):
    output = _load_51()
    assert "Tỉnh 51 (từ 01/7/2025)" in output
    new_p = factories.unit("51", level=Level.PROVINCE, era=Era.POST_2025)
    assert new_p.name == "Tỉnh Quảng Ngãi"
    assert AdministrativeUnit.objects.filter(parent=new_p, level=Level.COMMUNE).count() == 96
    old = AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.PROVINCE)
    assert set(old.values_list("name", flat=True)) == {"Tỉnh Kon Tum", "Tỉnh Quảng Ngãi"}
    # Old Quảng Ngãi: 13 districts, 170 communes; Kon Tum is untouched (10 and 102).
    old_qn = factories.unit("51", level=Level.PROVINCE)
    assert AdministrativeUnit.objects.filter(parent=old_qn, level=Level.DISTRICT).count() == 13
    assert AdministrativeUnit.objects.filter(path__startswith=old_qn.path, level=Level.COMMUNE).count() == 170
    assert AdministrativeUnit.objects.filter(path__startswith=kontum.path, level=Level.COMMUNE).count() == 102
    # Both old provinces continue in the new one; every new commune has predecessors.
    assert set(UnitLineage.objects.filter(new_unit=new_p).values_list("old_unit__name", flat=True)) == {
        "Tỉnh Kon Tum", "Tỉnh Quảng Ngãi"}
    heirs = UnitLineage.objects.filter(new_unit__parent=new_p)
    assert heirs.values("new_unit").distinct().count() == 96
    assert heirs.filter(old_unit__level=Level.COMMUNE).values("old_unit").distinct().count() == 272
    # Huyện Lý Sơn had no communes left; it continues as Đặc khu Lý Sơn.
    assert heirs.get(old_unit__level=Level.DISTRICT).new_unit.name == "Đặc khu Lý Sơn"
    assert AuditLog.objects.filter(note__contains="tỉnh 51 (từ 01/7/2025)").count() == 1


def test_loading_the_new_province_again_changes_nothing(kontum):
    load_new_province(51)
    before = (AdministrativeUnit.objects.count(), UnitLineage.objects.count(), AuditLog.objects.count())
    result = load_new_province(51)
    assert (result.created, result.updated, result.lineage) == (0, 0, 0)
    assert (AdministrativeUnit.objects.count(), UnitLineage.objects.count(), AuditLog.objects.count()) == before


def test_the_new_province_gathers_the_history_of_all_its_predecessors(kontum):
    load_new_province(51)
    new_p = factories.unit("51", level=Level.PROVINCE, era=Era.POST_2025)
    tree = Tree.load()
    gathered: set[int] = set()
    for unit_id in tree.descendants(new_p.pk):
        gathered.update(tree.predecessors.get(unit_id, ()))
    old_communes = set(AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.COMMUNE)
                       .values_list("pk", flat=True))
    assert gathered == old_communes  # every commune of old Quảng Ngãi and old Kon Tum
    # The new province's secretariat reads both old provinces' history.
    secretariat = factories.make_user(Role.SECRETARIAT, new_p)
    old_qn_commune = AdministrativeUnit.objects.get(era=Era.PRE_2025, level=Level.COMMUNE, name="Phường Lê Hồng Phong")
    assert scoping.can(secretariat, UNIT_VIEW, old_qn_commune)
    assert scoping.can(secretariat, UNIT_VIEW, factories.unit("23281"))


def test_unknown_new_province_code_is_refused_in_vietnamese(kontum):
    with pytest.raises(CommandError, match="Không có tỉnh mã 99 trong dữ liệu từ 01/7/2025"):
        call_command("geo", "load", "99")
    with pytest.raises(CommandError, match="Cho một mã tỉnh mới"):
        call_command("geo", "load")


def test_old_province_option_still_loads_kon_tum_only(kontum):
    out = StringIO()
    call_command("geo", "load", "--province", "62", stdout=out)
    assert "Tỉnh 62: 0 đơn vị mới, 0 cập nhật, 0 quan hệ kế thừa" in out.getvalue()
    assert AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.PROVINCE).count() == 1
