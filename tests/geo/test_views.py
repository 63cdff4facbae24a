"""The geo pages as people use them: what each role sees, may change, and is told."""

import io

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests import factories
from tests.geo.factories import VillageFactory
from vuonlen.accounts.roles import Role
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.models import AuditAction, AuditLog
from vuonlen.core.text import sort_key
from vuonlen.geo import services
from vuonlen.geo.models import AdministrativeUnit, Era, Level, UnitLineage, UnitType

from .builders import HEADER, xlsx


def _villages(commune):
    return AdministrativeUnit.objects.filter(parent=commune, level=Level.VILLAGE)


@pytest.fixture
def officer_a(commune_a):
    return factories.make_user(Role.COMMUNE_OFFICER, commune_a)


@pytest.fixture
def as_officer(client, officer_a):
    client.force_login(officer_a)
    return client


@pytest.fixture
def as_viewer(client, commune_a):
    client.force_login(factories.make_user(Role.VIEWER, commune_a.parent))
    return client


@pytest.fixture
def as_admin(client, kontum):
    client.force_login(factories.make_user(is_superuser=True, is_staff=True))
    return client


def _text(response) -> str:
    """The page's own content, without the shared layout (whose scope panel names units too)."""
    html = response.content.decode()
    start, end = html.find("<main"), html.rfind("</main>")
    return html[start:end] if start != -1 and end != -1 else html


# --- scope: what is outside does not exist --------------------------------------------------

def test_pages_need_a_login(client, commune_a):
    response = client.get(reverse("geo:unit_detail", args=[commune_a.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_officer_sees_own_commune_not_the_neighbour(as_officer, commune_a, commune_b):
    response = as_officer.get(reverse("geo:unit_list"))
    assert response.status_code == 200
    assert "Phường Quang Trung" in _text(response)
    assert "Phường Duy Tân" not in _text(response)
    assert as_officer.get(reverse("geo:unit_detail", args=[commune_a.pk])).status_code == 200
    assert as_officer.get(reverse("geo:unit_detail", args=[commune_b.pk])).status_code == 404
    assert as_officer.get(reverse("geo:unit_detail", args=[commune_a.parent_id])).status_code == 404


def test_search_does_not_reach_outside_the_scope(as_officer):
    response = as_officer.get(reverse("geo:unit_list"), {"q": "duy tan"})
    assert "Phường Duy Tân" not in _text(response)
    assert "Không tìm thấy đơn vị nào" in _text(response)


def test_officer_gets_404_on_every_page_of_a_neighbour_village(as_officer, commune_b):
    village_b = VillageFactory(commune=commune_b, name="Thôn 1")
    for name in ("geo:unit_detail", "geo:village_update", "geo:village_delete"):
        url = reverse(name, args=[village_b.pk])
        assert as_officer.get(url).status_code == 404, name
        assert as_officer.post(url, {"name": "Đổi tên", "unit_type": "thon", "version": 1}).status_code == 404, name
    assert as_officer.post(reverse("geo:village_create", args=[commune_b.pk]),
                           {"name": "Thôn lạ", "unit_type": "thon"}).status_code == 404
    village_b.refresh_from_db()
    assert village_b.name == "Thôn 1"
    assert _villages(commune_b).count() == 1


def test_district_viewer_reads_its_communes_but_may_not_change_villages(as_viewer, commune_a, commune_b):
    response = as_viewer.get(reverse("geo:unit_list"))
    assert "Phường Quang Trung" in _text(response) and "Phường Duy Tân" in _text(response)
    village = VillageFactory(commune=commune_a, name="Thôn 1")
    detail = as_viewer.get(reverse("geo:unit_detail", args=[commune_a.pk]))
    assert detail.status_code == 200
    assert "Thôn 1" in _text(detail)
    assert reverse("geo:village_create", args=[commune_a.pk]) not in _text(detail)
    assert as_viewer.get(reverse("geo:village_update", args=[village.pk])).status_code == 403
    assert as_viewer.post(reverse("geo:village_update", args=[village.pk]),
                          {"name": "Đổi tên", "unit_type": "thon", "version": 1}).status_code == 403
    assert as_viewer.post(reverse("geo:village_delete", args=[village.pk])).status_code == 403
    assert as_viewer.post(reverse("geo:village_create", args=[commune_a.pk]),
                          {"name": "Thôn 2", "unit_type": "thon"}).status_code == 403
    assert as_viewer.get(reverse("geo:village_import")).status_code == 403
    village.refresh_from_db()
    assert village.name == "Thôn 1"
    assert _villages(commune_a).count() == 1


# --- the unit page ---------------------------------------------------------------------------

def test_district_page_lists_its_communes_in_vietnamese_order(as_admin, commune_a):
    response = as_admin.get(reverse("geo:unit_detail", args=[commune_a.parent_id]))
    text = _text(response)
    assert "Tỉnh Kon Tum" in text  # the parent chain
    text = text[text.index("Đơn vị trực thuộc"):]
    names = list(AdministrativeUnit.objects.filter(parent=commune_a.parent).values_list("name", flat=True))
    assert len(names) == 21  # TP Kon Tum: 10 wards, 11 communes
    positions = [text.index(f">{name}<") for name in names]
    by_position = [name for _, name in sorted(zip(positions, names))]
    assert by_position == sorted(names, key=sort_key)


def test_old_ward_says_where_it_merged_and_the_new_ward_where_it_came_from(as_admin, commune_a):
    old = as_admin.get(reverse("geo:unit_detail", args=[commune_a.pk]))
    assert "Sáp nhập vào" in _text(old) and "Phường Kon Tum" in _text(old)
    assert "30/06/2025" in _text(old)
    new_ward = AdministrativeUnit.objects.get(era=Era.POST_2025, level=Level.COMMUNE, name="Phường Kon Tum")
    new = as_admin.get(reverse("geo:unit_detail", args=[new_ward.pk]))
    assert "Hình thành từ" in _text(new)
    for name in ("Phường Quang Trung", "Phường Quyết Thắng", "Phường Trường Chinh", "Phường Thắng Lợi",
                 "Phường Thống Nhất"):
        assert name in _text(new)


def test_partly_merged_units_are_flagged(as_admin):
    link = UnitLineage.objects.filter(partly_merged=True, old_unit__level=Level.COMMUNE).select_related("new_unit").first()
    response = as_admin.get(reverse("geo:unit_detail", args=[link.new_unit_id]))
    assert "một phần" in _text(response)


def test_list_page_query_count_does_not_grow_with_the_tree(as_admin, commune_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        as_admin.get(reverse("geo:unit_list"))
    for i in range(5):
        unit = AdministrativeUnit(level=Level.COMMUNE, era=Era.PRE_2025, code=f"9990{i}", unit_type="xa",
                                  parent=commune_a.parent)
        unit.set_name(f"Xã Thử {i}")
        unit.save()
        unit.path = unit.compute_path()
        unit.save()
        VillageFactory(commune=unit, name="Thôn 1")
    with CaptureQueriesContext(connection) as big:
        response = as_admin.get(reverse("geo:unit_list"))
    assert "Xã Thử 4" in _text(response)
    assert len(big) == len(small)


# --- village forms -----------------------------------------------------------------------------

def test_officer_adds_a_village(as_officer, commune_a, officer_a):
    url = reverse("geo:village_create", args=[commune_a.pk])
    assert as_officer.get(url).status_code == 200
    response = as_officer.post(url, {"name": "Thôn Kon Hring", "unit_type": "thon"})
    assert response.status_code == 302
    village = _villages(commune_a).get()
    assert village.name == "Thôn Kon Hring"
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_id=str(village.pk), actor=officer_a).exists()
    page = as_officer.get(response["Location"])
    assert "Thôn Kon Hring" in _text(page)


def test_create_form_shows_every_error_at_once(as_officer, commune_a):
    VillageFactory(commune=commune_a, name="Thôn Kon Hring")
    response = as_officer.post(reverse("geo:village_create", args=[commune_a.pk]),
                               {"name": "thon kon hring", "unit_type": "thon"})
    assert response.status_code == 200
    assert "Phường Quang Trung đã có thôn “thon kon hring”" in _text(response)
    response = as_officer.post(reverse("geo:village_create", args=[commune_a.pk]), {"name": "", "unit_type": "xom"})
    assert "Chưa lưu được" in _text(response)
    assert len(response.context["form"].errors) == 1  # a tampered choice stops at the form
    assert _villages(commune_a).count() == 1


def test_edit_form_carries_the_version_and_refuses_a_stale_save(as_officer, commune_a):
    village = VillageFactory(commune=commune_a, name="Thôn 2")
    url = reverse("geo:village_update", args=[village.pk])
    form_page = as_officer.get(url)
    assert 'name="version"' in _text(form_page) and 'value="1"' in _text(form_page)
    # Someone else saves first.
    services.village_update(actor=SYSTEM, village=village, name="Thôn Hai", unit_type=UnitType.THON, expected_version=1)
    response = as_officer.post(url, {"name": "Thôn 2 mới", "unit_type": "thon", "version": 1})
    assert response.status_code == 200
    assert "vừa được người khác sửa" in _text(response)
    village.refresh_from_db()
    assert village.name == "Thôn Hai"
    response = as_officer.post(url, {"name": "Thôn 2 mới", "unit_type": "lang", "version": 2})
    assert response.status_code == 302
    village.refresh_from_db()
    assert (village.name, village.unit_type, village.version) == ("Thôn 2 mới", UnitType.LANG, 3)


def test_officer_deletes_a_village(as_officer, commune_a):
    village = VillageFactory(commune=commune_a, name="Thôn 1")
    url = reverse("geo:village_delete", args=[village.pk])
    assert "Thôn 1" in _text(as_officer.get(url))
    assert as_officer.post(url).status_code == 302
    assert not _villages(commune_a).exists()


def test_delete_refused_shows_why(as_officer, commune_a):
    village = VillageFactory(commune=commune_a, name="Thôn 1")
    factories.make_org(village, name="Chi đoàn thôn 1")
    response = as_officer.post(reverse("geo:village_delete", args=[village.pk]))
    assert response.status_code == 200
    assert "còn tổ chức" in _text(response)
    assert _villages(commune_a).count() == 1


# --- village import page ------------------------------------------------------------------------

def _upload(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_import_page_lists_every_error_and_offers_the_report(as_officer, commune_a, commune_b):
    data = xlsx([HEADER, ["99999", "Thôn 1", "thôn"], [commune_b.code, "Thôn 2", "thôn"], ["23281", "", "thôn"]],
                title="DANH SÁCH THÔN")
    response = as_officer.post(reverse("geo:village_import"), {"file": _upload(data, "thon.xlsx"), "era": "pre2025"})
    assert response.status_code == 200
    text = _text(response)
    assert "Tệp có 3 lỗi; chưa thôn nào được thêm." in text
    assert "Không tìm thấy xã mã 99999 trong phạm vi của bạn" in text
    assert "Không tìm thấy xã mã 23284 trong phạm vi của bạn" in text
    assert "Thiếu tên thôn" in text
    assert not AdministrativeUnit.objects.filter(level=Level.VILLAGE).exists()

    report = as_officer.get(reverse("geo:village_import_errors"))
    assert report.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(report.content)).active.values)
    assert rows[0] == ("Dòng", "Cột", "Lỗi")
    assert [(r[0], r[1]) for r in rows[1:]] == [(4, "Mã xã"), (5, "Mã xã"), (6, "Tên thôn")]


def test_import_page_adds_a_clean_file(as_officer, commune_a):
    data = xlsx([HEADER, ["23281", "Thôn 1", "thôn"], ["23281", "Làng 2", "làng"]])
    response = as_officer.post(reverse("geo:village_import"), {"file": _upload(data, "thon.xlsx"), "era": "pre2025"})
    assert response.status_code == 302
    assert _villages(commune_a).count() == 2
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Đã thêm 2 thôn từ tệp thon.xlsx"]
    again = as_officer.post(reverse("geo:village_import"), {"file": _upload(data, "thon.xlsx"), "era": "pre2025"})
    assert "Tệp có 2 lỗi; chưa thôn nào được thêm." in _text(again)  # the same file twice adds nothing
    assert _villages(commune_a).count() == 2


def test_success_message_is_shown_after_the_redirect(as_officer, commune_a):
    data = xlsx([HEADER, ["23281", "Thôn 1", "thôn"]])
    response = as_officer.post(reverse("geo:village_import"), {"file": _upload(data, "thon.xlsx"), "era": "pre2025"},
                               follow=True)
    assert "Đã thêm 1 thôn từ tệp thon.xlsx" in response.content.decode()
    assert as_officer.get(reverse("geo:village_import_errors")).status_code == 404


def test_import_page_rejects_an_empty_upload_in_vietnamese(as_officer):
    response = as_officer.post(reverse("geo:village_import"), {"file": _upload(b"", "thon.csv"), "era": "pre2025"})
    assert "Tệp rỗng" in _text(response)


def test_template_download_lists_only_the_scope(as_officer):
    response = as_officer.get(reverse("geo:village_import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert list(workbook.worksheets[0].values)[2] == tuple(HEADER)
    codes = [row[0] for row in workbook["Mã xã"].values]
    assert "23281" in codes and "23284" not in codes


def test_someone_without_any_scope_finds_no_import_page(client, kontum):
    client.force_login(factories.make_user())
    assert client.get(reverse("geo:village_import")).status_code == 404
    assert client.get(reverse("geo:unit_detail", args=[kontum.pk])).status_code == 404
