"""The interface shell: sign-in, password change, lockout, home page, organisation list,
audit screens and history pages — each scoped page tried from inside and outside its scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Template
from django.urls import reverse

from tests import factories
from vuonlen.accounts.models import Organisation, OrgKind
from vuonlen.accounts.roles import Role
from vuonlen.core.audit import audit_record, snapshot
from vuonlen.core.models import AuditAction, AuditLog
from vuonlen.core.periods import VN_TZ

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


@pytest.fixture
def officer(commune_a):
    return factories.make_user(Role.COMMUNE_OFFICER, commune_a, username="canbo.quangtrung", full_name="Y Bình")


@pytest.fixture
def admin_user(kontum):
    return factories.make_user(username="quantri", is_superuser=True, is_staff=True)


def _login(client, username, password=factories.PASSWORD):
    # Through the real form: axes needs the request to count failures.
    return client.post(LOGIN, {"username": username, "password": password})


# --- Sign-in, sign-out, lockout --------------------------------------------------------

def test_anonymous_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert "next=/" in response.url


def test_login_page_is_vietnamese(client):
    response = client.get(LOGIN)
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Tên đăng nhập" in html and "Mật khẩu" in html


def test_login_lands_on_home_with_scope(client, officer, commune_a):
    response = _login(client, officer.username)
    assert response.status_code == 302 and response.url == "/"
    html = client.get("/").content.decode()
    assert "Xin chào, Y Bình" in html
    assert "Cán bộ xã" in html
    assert "Phạm vi của bạn" in html
    assert commune_a.name in html


def test_failed_login_says_why(client, officer):
    response = _login(client, officer.username, "sai-mat-khau-1")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in html
    assert "tạm khoá 15 phút" in html


def test_five_failures_lock_the_account(client, officer):
    for attempt in range(4):
        assert _login(client, officer.username, f"sai-{attempt}").status_code == 200
    response = _login(client, officer.username, "sai-4")
    assert response.status_code == 429
    assert "Tài khoản tạm khoá 15 phút do nhập sai nhiều lần" in response.content.decode()
    # Even the right password is refused while the lock lasts.
    response = _login(client, officer.username)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post(client, officer):
    client.force_login(officer)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response.url == LOGIN
    assert client.get("/").status_code == 302


def test_password_change_rejects_a_weak_password_in_vietnamese(client, officer):
    client.force_login(officer)
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 200
    response = client.post(url, {"old_password": factories.PASSWORD, "new_password1": "abc12", "new_password2": "abc12"})
    assert response.status_code == 200
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự" in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(factories.PASSWORD)


def test_password_change_accepts_a_good_password(client, officer):
    client.force_login(officer)
    new = "Vuon-len-2027-an-toan"
    response = client.post(reverse("accounts:password_change"),
                           {"old_password": factories.PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response.url == reverse("accounts:password_change_done")
    assert "Đã đổi mật khẩu" in client.get(response.url).content.decode()
    officer.refresh_from_db()
    assert officer.check_password(new)


# --- Language ----------------------------------------------------------------------

def test_vietnamese_whatever_the_browser_says(client, officer):
    client.force_login(officer)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html and "Trang chủ" in html


def test_switch_to_english(client, officer):
    client.force_login(officer)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Organisations" in html and "Your scope" in html and "Sign out" in html
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "Tổ chức" in client.get("/").content.decode()


# --- Home page and top bar -----------------------------------------------------------

def test_home_counts_only_what_is_in_scope(client, officer, commune_a, commune_b):
    factories.make_org(commune_a, name="Hội Phụ nữ phường Quang Trung")
    factories.make_org(commune_b, name="Hội Phụ nữ phường Duy Tân")
    client.force_login(officer)
    response = client.get("/")
    counts = response.context["counts"]
    assert counts.organisations == 1
    assert counts.units >= 1
    nav = {url_name for url_name, _label, _url in response.context["nav_rooms"]}
    assert "core:audit_list" not in nav  # a commune officer has no audit room
    assert response.context["nav_current"] == "home"


def test_home_page_query_budget(client, officer, django_assert_max_num_queries):
    # The top bar and the scope panel are drawn on every page: they must stay cheap.
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200


def test_current_room_is_highlighted(client, officer):
    client.force_login(officer)
    response = client.get(reverse("accounts:organisation_list"))
    assert response.context["nav_current"] == "accounts:organisation_list"
    assert 'aria-current="page" href="/tai-khoan/to-chuc/"' in response.content.decode()


def test_scope_tree_for_an_administrator_stays_short(client, admin_user, django_assert_max_num_queries):
    client.force_login(admin_user)
    with django_assert_max_num_queries(20):
        html = client.get("/").content.decode()
    assert "Tỉnh Kon Tum" in html
    assert "Thành phố Kon Tum" in html  # a district, one level below the province


# --- Organisation list ---------------------------------------------------------------

def test_organisation_list_is_scoped_and_folds_diacritics(client, officer, commune_a, commune_b):
    mine = factories.make_org(commune_a, kind=OrgKind.FARMERS_UNION, name="Hội Nông dân phường Quang Trung")
    factories.make_org(commune_b, kind=OrgKind.FARMERS_UNION, name="Hội Nông dân phường Duy Tân")
    factories.make_org(commune_a, kind=OrgKind.YOUTH_UNION, name="Đoàn Thanh niên phường Quang Trung")
    client.force_login(officer)
    url = reverse("accounts:organisation_list")

    html = client.get(url).content.decode()
    assert "Hội Nông dân phường Quang Trung" in html
    assert "Duy Tân" not in html

    found = list(client.get(url, {"q": "hoi nong dan"}).context["page_obj"])
    assert found == [mine]
    assert list(client.get(url, {"q": "HỘI NÔNG DÂN"}).context["page_obj"]) == [mine]
    by_kind = list(client.get(url, {"kind": OrgKind.YOUTH_UNION}).context["page_obj"])
    assert [o.name for o in by_kind] == ["Đoàn Thanh niên phường Quang Trung"]


def test_organisation_list_vietnamese_order_and_query_count(client, admin_user, commune_a,
                                                            django_assert_max_num_queries):
    for name in ["Ủy ban MTTQ", "Đoàn Thanh niên", "Hội Cựu chiến binh", "Chi bộ", "Ban Chỉ đạo", "Ấp A"]:
        factories.make_org(commune_a, name=f"{name} phường Quang Trung")
    client.force_login(admin_user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("accounts:organisation_list"))
    names = [o.name.split(" phường")[0] for o in response.context["page_obj"]]
    assert names == ["Ấp A", "Ban Chỉ đạo", "Chi bộ", "Đoàn Thanh niên", "Hội Cựu chiến binh", "Ủy ban MTTQ"]


# --- Audit list -------------------------------------------------------------------------

def _org_with_history(unit, actor, name):
    org = factories.make_org(unit, name=name)
    audit_record(actor=actor, action=AuditAction.CREATE, instance=org)
    before = snapshot(org)
    org.short_name = "HND"
    org.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=org, before=before, note="sửa tên viết tắt")
    return org


def test_audit_list_is_not_found_for_a_commune_officer(client, officer):
    client.force_login(officer)
    assert client.get(reverse("core:audit_list")).status_code == 404


def test_audit_list_for_an_administrator(client, admin_user, officer, commune_a):
    org = _org_with_history(commune_a, officer, "Hội Nông dân phường Quang Trung")
    client.force_login(admin_user)
    url = reverse("core:audit_list")

    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hội Nông dân phường Quang Trung" in html
    assert "tên viết tắt" in html  # the field's verbose name, not "short_name"
    assert "HND" in html
    # Newest first (the administrator's own sign-in row aside).
    first = next(e for e in response.context["page_obj"] if e.action != AuditAction.LOGIN)
    assert first.action == AuditAction.UPDATE

    def search(**params):
        return list(client.get(url, params).context["page_obj"])

    assert {e.actor_name for e in search(account="canbo.quang")} == {officer.username}
    assert [e.action for e in search(account="canbo", action=AuditAction.CREATE)] == [AuditAction.CREATE]
    org_type = ContentType.objects.get_for_model(Organisation)
    assert len(search(content_type=org_type.pk, object_id=str(org.pk))) == 2
    assert [e.note for e in search(text="viết tắt")] == ["sửa tên viết tắt"]
    today = dt.datetime.now(VN_TZ).date()
    assert len(search(account="canbo", date_from=today.strftime("%d/%m/%Y"), date_to=today.strftime("%d/%m/%Y"))) == 2
    assert search(account="canbo", date_to=(today - dt.timedelta(days=1)).strftime("%d/%m/%Y")) == []

    bad = client.get(url, {"date_from": "31/02/2026"})
    assert bad.status_code == 200 and list(bad.context["page_obj"]) == []
    assert bad.context["form"].errors["date_from"]


def test_audit_list_paginates(client, admin_user, commune_a):
    org = factories.make_org(commune_a)
    AuditLog.objects.bulk_create(
        AuditLog(actor_name="nhap.lieu", action=AuditAction.UPDATE,
                 content_type=ContentType.objects.get_for_model(Organisation),
                 object_id=str(org.pk), object_repr=f"bản ghi {i}")
        for i in range(60)
    )
    client.force_login(admin_user)
    response = client.get(reverse("core:audit_list"), {"account": "nhap.lieu", "page": 2})
    assert response.context["page_obj"].number == 2
    assert len(response.context["page_obj"]) == 10
    assert "account=nhap.lieu&amp;page=1" in response.content.decode()


# --- History pages -------------------------------------------------------------------

def _history_url(obj):
    return reverse("core:history", args=(obj._meta.app_label, obj._meta.model_name, obj.pk))


def test_history_of_a_record_in_scope(client, officer, commune_a):
    org = _org_with_history(commune_a, officer, "Hội Nông dân phường Quang Trung")
    client.force_login(officer)
    response = client.get(_history_url(org))
    assert response.status_code == 200
    assert [e.action for e in response.context["page_obj"]] == [AuditAction.UPDATE, AuditAction.CREATE]
    assert "HND" in response.content.decode()
    # The organisation list links to it.
    assert _history_url(org) in client.get(reverse("accounts:organisation_list")).content.decode()


def test_history_out_of_scope_is_not_found(client, officer, admin_user, commune_b):
    other = _org_with_history(commune_b, admin_user, "Hội Nông dân phường Duy Tân")
    client.force_login(officer)
    assert client.get(_history_url(other)).status_code == 404
    assert client.get(_history_url(commune_b)).status_code == 404


def test_history_of_own_unit(client, officer, commune_a):
    client.force_login(officer)
    assert client.get(_history_url(commune_a)).status_code == 200


@pytest.mark.parametrize("path", [
    "/lich-su/accounts/user/1/",          # no room registered users: no history page
    "/lich-su/core/auditlog/1/",
    "/lich-su/nothing/here/1/",
    "/lich-su/accounts/organisation/abc/",
])
def test_history_of_unregistered_or_malformed_is_not_found(client, admin_user, path):
    client.force_login(admin_user)
    assert client.get(path).status_code == 404


def test_history_link_include(officer, commune_a):
    org = factories.make_org(commune_a)
    template = Template('{% include "core/_history_link.html" with obj=obj %}')
    assert _history_url(org) in template.render(Context({"obj": org}))
    assert template.render(Context({"obj": officer})).strip() == ""


# --- Template filters ---------------------------------------------------------------

def test_vietnamese_number_and_date_filters():
    template = Template("{% load vuonlen %}{{ n|vn_number }} {{ x|vn_number:1 }} {{ d|vn_date }} {{ t|vn_date }}")
    # 20:00 UTC on 6 June is already 7 June in Vietnam.
    late = dt.datetime(2023, 6, 6, 20, 0, tzinfo=dt.UTC)
    out = template.render(Context({"n": 1500000, "x": 12.5, "d": dt.date(2023, 6, 7), "t": late}))
    assert out == "1.500.000 12,5 07/06/2023 07/06/2023"


def test_audit_rows_read_like_the_interface(client, admin_user, officer, commune_a):
    """Choice labels instead of codes, related records by name, a creation without "before"."""
    _org_with_history(commune_a, officer, "Hội Nông dân phường Quang Trung")
    client.force_login(admin_user)
    response = client.get(reverse("core:audit_list"), {"account": "canbo"})
    update, create = response.context["page_obj"]
    assert [(r.label, r.before, r.after) for r in update.change_rows] == [("tên viết tắt", None, "HND")]
    created = {r.label: r for r in create.change_rows}
    assert created["loại tổ chức"].after == "Uỷ ban MTTQ Việt Nam"
    assert created["địa bàn"].after == commune_a.name
    assert created["đang hoạt động"].after == "Có"
    assert "thư điện tử" not in created  # "" is no value: not listed as a change
    assert all(r.before is None for r in create.change_rows)
    assert "fatherland_front" not in response.content.decode()


def test_audit_list_links_to_history_pages(client, admin_user, officer, commune_a):
    org = _org_with_history(commune_a, officer, "Hội Nông dân phường Quang Trung")
    client.force_login(admin_user)
    html = client.get(reverse("core:audit_list"), {"account": "canbo"}).content.decode()
    assert f'href="{_history_url(org)}"' in html


def test_language_names_are_composed_unicode(client):
    html = client.get(LOGIN).content.decode()
    assert ">Tiếng Việt</button>" in html  # NFC, though Django's own LANG_INFO is decomposed
    assert 'aria-pressed="true"' in html


def test_not_found_page_is_friendly_and_silent_about_scope(client, officer, commune_b):
    client.force_login(officer)
    response = client.get(_history_url(commune_b))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy" in html and "Phạm vi của bạn" in html
    assert commune_b.name not in html


# --- The scope panel, cached between requests (issue 17) ------------------------------------

def _panel(client) -> str:
    html = client.get("/").content.decode()
    return html.split('id="scope-tree"', 1)[1].split("</aside>", 1)[0]


def test_scope_panel_is_cached_but_follows_a_role_change_at_once(client, officer, commune_a, commune_b,
                                                                 django_assert_max_num_queries):
    client.force_login(officer)
    first = _panel(client)
    assert "Phường Quang Trung" in first and "Phường Duy Tân" not in first
    with django_assert_max_num_queries(8):  # the panel's four queries are not run again
        assert _panel(client) == first
    # A second assignment: the panel is keyed by the scope itself, read afresh on every page.
    factories.RoleAssignmentFactory(user=officer, role=Role.COMMUNE_OFFICER, unit=commune_b)
    assert "Phường Duy Tân" in _panel(client)


def test_scope_panel_shows_a_renamed_unit_and_bulk_added_villages_at_once(client, officer, commune_a):
    from vuonlen.accounts.scoping import SYSTEM
    from vuonlen.geo.services import villages_create_many

    client.force_login(officer)
    assert "Phường Quang Trung" in _panel(client)
    commune_a.set_name("Phường Quang Trung Mới")
    commune_a.save()  # a unit's save starts a new version of the tree
    assert "Phường Quang Trung Mới" in _panel(client)
    # Villages written in bulk (no signal) through the import's write path.
    villages_create_many(actor=SYSTEM, items=[(commune_a, "Thôn Mười Một", "Thôn")], source="test")
    assert "Thôn Mười Một" in _panel(client)


# --- The reader's assignments, kept between requests (issue 17) ------------------------------

def _assignment_reads(client, path="/") -> tuple[int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        html = client.get(path).content.decode()
    return sum('"accounts_roleassignment"' in q["sql"] for q in queries.captured_queries), html


def test_assignments_are_read_once_and_follow_every_change_at_once(client, officer, commune_a, commune_b):
    from vuonlen.accounts.models import RoleAssignment
    from vuonlen.accounts.scoping import forget_scope

    client.force_login(officer)
    reads, html = _assignment_reads(client)
    assert reads == 1 and "Phường Quang Trung" in html
    reads, html = _assignment_reads(client)
    assert reads == 0 and "Phường Quang Trung" in html  # the next page reads them from the cache
    # A role given through a save: the very next page has it.
    second = factories.RoleAssignmentFactory(user=officer, role=Role.COMMUNE_OFFICER, unit=commune_b)
    assert "Phường Duy Tân" in _assignment_reads(client)[1]
    # Ended by a save (valid_to yesterday): gone on the next page.
    second.valid_to = dt.date.today() - dt.timedelta(days=400)
    second.save()
    assert "Phường Duy Tân" not in _assignment_reads(client)[1]
    # Deleted: the person sees nothing more of Quang Trung either.
    RoleAssignment.objects.filter(user=officer, unit=commune_a).get().delete()
    assert "Phường Quang Trung" not in _assignment_reads(client)[1]
    # Written without save() (a queryset's update): forget_scope drops what was kept.
    RoleAssignment.objects.filter(pk=second.pk).update(valid_to=None)
    forget_scope(officer)
    assert "Phường Duy Tân" in _assignment_reads(client)[1]


def test_assignments_through_an_organisation_follow_its_unit(client, commune_a, commune_b):
    org = factories.make_org(commune_a, name="Hội Nông dân phường Quang Trung")
    member = factories.make_user(Role.VIEWER, organisation=org, username="hoinongdan.qt")
    client.force_login(member)
    assert "Phường Quang Trung" in _panel(client)
    org.unit = commune_b  # the organisation's save starts a new version of everyone's assignments
    org.save()
    panel = _panel(client)
    assert "Phường Duy Tân" in panel and "Phường Quang Trung" not in panel


def test_assignments_kept_between_requests_end_at_midnight(client, officer, commune_a, monkeypatch):
    """The day is part of the key: an assignment ending today is gone on the first page tomorrow,
    with nothing written in between."""
    from vuonlen.accounts import scoping
    from vuonlen.accounts.models import RoleAssignment
    from vuonlen.core.periods import today_vn

    today = today_vn()
    RoleAssignment.objects.filter(user=officer).update(valid_to=today)
    scoping.forget_scope(officer)
    client.force_login(officer)
    assert "Phường Quang Trung" in _panel(client)
    monkeypatch.setattr(scoping, "today_vn", lambda: today + dt.timedelta(days=1))
    assert "Phường Quang Trung" not in _panel(client)
