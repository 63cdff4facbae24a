"""Villages continue under the new communes: a new village record linked to the old one;
split communes' villages wait for an administrator (page or .xlsx)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests import factories
from tests.geo.factories import VillageFactory
from vuonlen.accounts.roles import Role
from vuonlen.core.models import AuditLog
from vuonlen.geo import continuation
from vuonlen.geo.models import AdministrativeUnit, Era, Level, UnitLineage, UnitType

from .builders import xlsx


def _new(code):
    return factories.unit(code, era=Era.POST_2025)


@pytest.fixture
def new_province(kontum):
    return factories.unit("51", level=Level.PROVINCE, era=Era.POST_2025)


@pytest.fixture
def admin(new_province):
    return factories.make_user(Role.SYSADMIN, new_province)


@pytest.fixture
def split(commune_b):
    """Phường Duy Tân (23284, old) went into Phường Đăk Cấm; here, for the test, part of it also
    went into Phường Kon Tum: a split commune."""
    UnitLineage.objects.filter(old_unit=commune_b).update(partly_merged=True)
    UnitLineage.objects.create(old_unit=commune_b, new_unit=_new("23293"), partly_merged=True)
    return commune_b


def test_villages_of_a_commune_merged_whole_continue_as_new_records(admin, commune_a, split):
    old = VillageFactory(commune=commune_a, name="Thôn Kon Hring")
    old_path = old.path
    waiting = VillageFactory(commune=split, name="Tổ 3")
    result = continuation.villages_continue_all(actor=admin)
    assert (result.continued, result.waiting) == (1, 1)
    heir = UnitLineage.objects.get(old_unit=old).new_unit
    assert (heir.name, heir.era, heir.parent, heir.unit_type) == (
        "Thôn Kon Hring", Era.POST_2025, _new("23293"), UnitType.THON)
    assert heir.path.startswith(_new("23293").path)
    old.refresh_from_db()
    assert (old.parent, old.path, old.era) == (commune_a, old_path, Era.PRE_2025)  # history stays put
    assert list(continuation.villages_waiting(admin)) == [waiting]
    assert AuditLog.objects.filter(note__contains="Kế thừa Thôn Kon Hring").count() == 1
    again = continuation.villages_continue_all(actor=admin)
    assert (again.continued, again.waiting) == (0, 1)
    assert UnitLineage.objects.filter(old_unit=old).count() == 1


def test_same_names_from_two_merged_communes_keep_apart(admin, commune_a):
    quyet_thang = AdministrativeUnit.objects.get(era=Era.PRE_2025, level=Level.COMMUNE, name="Phường Quyết Thắng")
    VillageFactory(commune=commune_a, name="Thôn 1")
    VillageFactory(commune=quyet_thang, name="Thôn 1")
    continuation.villages_continue_all(actor=admin)
    names = set(AdministrativeUnit.objects.filter(parent=_new("23293"), level=Level.VILLAGE)
                .values_list("name", flat=True))
    assert names == {"Thôn 1", "Thôn 1 (Phường Quyết Thắng)"}


def test_continued_villages_take_the_communes_next_codes_in_order(admin, commune_a):
    """All at once (issue 17) as one by one: after the new commune's own villages, in the order
    the villages wait, each with its place in the tree and its audit row."""
    commune = _new("23293")
    own = VillageFactory(commune=commune, name="Thôn Mới")
    first, second = VillageFactory(commune=commune_a, name="Thôn 2"), VillageFactory(commune=commune_a, name="Thôn 1")
    assert continuation.villages_continue_all(actor=admin).continued == 2
    heirs = {link.old_unit_id: link.new_unit for link in UnitLineage.objects.filter(old_unit__in=[first, second])}
    last = int(own.code.removeprefix("23293-"))
    # "Thôn 1" waits before "Thôn 2".
    assert (heirs[second.pk].code, heirs[first.pk].code) == (f"23293-{last + 1:03d}", f"23293-{last + 2:03d}")
    for heir in heirs.values():
        assert heir.path == f"{commune.path}{heir.pk}/"
        assert AuditLog.objects.filter(object_id=str(heir.pk), action="create").count() == 1


def test_a_waiting_village_goes_only_to_a_commune_of_its_lineage(admin, split):
    village = VillageFactory(commune=split, name="Tổ 3")
    outside = _new("23302") if AdministrativeUnit.objects.filter(era=Era.POST_2025, code="23302").exists() \
        else AdministrativeUnit.objects.filter(era=Era.POST_2025, level=Level.COMMUNE).exclude(
            code__in=["23284", "23293"]).first()
    with pytest.raises(ValidationError) as refused:
        continuation.village_continue(actor=admin, village=village, commune=outside)
    assert f"{outside.name} không kế thừa Phường Duy Tân" in refused.value.messages[0]
    assert "Chỉ giao được cho: Phường Đăk Cấm, Phường Kon Tum" in refused.value.messages[0]
    assert not UnitLineage.objects.filter(old_unit=village).exists()
    heir = continuation.village_continue(actor=admin, village=village, commune=_new("23284"))
    assert heir.parent == _new("23284")
    assert continuation.village_continue(actor=admin, village=village, commune=_new("23284")) == heir  # twice: same
    with pytest.raises(ValidationError, match="đã được giao cho Phường Đăk Cấm"):
        continuation.village_continue(actor=admin, village=village, commune=_new("23293"))


def test_assignment_by_file_checks_every_row_then_writes_all(client, admin, split):
    first, second = VillageFactory(commune=split, name="Tổ 3"), VillageFactory(commune=split, name="Tổ 4")
    client.force_login(admin)
    url = reverse("geo:village_continuation")
    bad = xlsx([["Mã thôn cũ", "Mã xã mới"], [first.code, "23284"], ["99999-001", "23284"],
                [second.code, "23401"], [second.code, ""]])
    from django.core.files.uploadedfile import SimpleUploadedFile
    response = client.post(url, {"action": "file", "file": SimpleUploadedFile("giao.xlsx", bad)})
    errors = [(e.row, e.column) for e in response.context["result"].errors]
    assert errors == [(3, "Mã thôn cũ"), (4, "Mã xã mới"), (5, "Mã thôn cũ"), (5, "Mã xã mới")]
    assert "Không tìm thấy thôn mã 99999-001" in response.content.decode()
    assert not UnitLineage.objects.filter(old_unit__in=[first, second]).exists()  # nothing written
    good = xlsx([["Mã thôn cũ", "Mã xã mới"], [first.code, "23284"], [second.code, "23293"]])
    response = client.post(url, {"action": "file", "file": SimpleUploadedFile("giao.xlsx", good)})
    assert response.status_code == 302
    assert UnitLineage.objects.get(old_unit=second).new_unit.parent == _new("23293")
    assert AuditLog.objects.filter(note__contains="Giao 2 thôn cho xã mới từ tệp giao.xlsx").exists()


def test_page_lists_waiting_villages_and_assigns_one(client, admin, split):
    village = VillageFactory(commune=split, name="Tổ 3")
    client.force_login(admin)
    url = reverse("geo:village_continuation")
    page = client.get(url).content.decode()
    assert "1 thôn chờ giao" in page and "Tổ 3" in page and "Phường Đăk Cấm" in page
    response = client.post(url, {"action": "one", "village": village.pk, "commune": _new("23284").pk}, follow=True)
    assert "Đã giao Tổ 3 cho Phường Đăk Cấm." in response.content.decode()
    assert "0 thôn chờ giao" in response.content.decode()


def test_page_is_not_found_for_a_reader_without_village_rights(client, commune_a):
    client.force_login(factories.make_user(Role.MENTOR, commune_a))
    assert client.get(reverse("geo:village_continuation")).status_code == 403
    client.force_login(factories.make_user())
    assert client.get(reverse("geo:village_continuation")).status_code == 404


def test_new_era_figures_say_how_many_villages_wait(client, admin, new_province, split):
    VillageFactory(commune=split, name="Tổ 3")
    VillageFactory(commune=split, name="Tổ 4")
    assert continuation.waiting_count_for(new_province) == 2
    assert continuation.waiting_count_for(_new("23284")) == 2
    assert continuation.waiting_count_for(_new("23293")) == 2
    client.force_login(factories.make_user(Role.SECRETARIAT, new_province))
    page = client.get(reverse("indicators:dashboard", args=[new_province.pk])).content.decode()
    assert "2 thôn của các xã cũ chưa được giao về xã mới" in page


def test_page_asks_the_successors_once_however_many_old_communes_wait(client, admin, commune_a, split):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    VillageFactory(commune=split, name="Tổ 3")
    client.force_login(admin)
    url = reverse("geo:village_continuation")
    client.get(url)  # warm the session and the scope
    with CaptureQueriesContext(connection) as one_commune:
        assert "Tổ 3" in client.get(url).content.decode()
    others = AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.COMMUNE).exclude(
        pk__in=[split.pk]).order_by("code")[:4]
    for commune in others:
        VillageFactory(commune=commune, name="Thôn Làng Mới")
    client.get(url)  # new units: the scope panel is drawn afresh once, then cached again
    with CaptureQueriesContext(connection) as five_communes:
        page = client.get(url).content.decode()
    assert "5 thôn chờ giao" in page and "Phường Đăk Cấm" in page
    assert len(five_communes) == len(one_commune)
