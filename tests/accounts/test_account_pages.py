"""Issue 13 item 5: accounts and organisations managed on the application's own pages.

The wizard opens an account already scoped to a unit in use today and a role; every problem is
reported at once and nothing is written; the manager sees and changes only accounts whose roles
lie in their area; every write is audited; a chosen temporary password is shown once and
never written to the audit log.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories
from vuonlen.accounts import scoping
from vuonlen.accounts.models import Organisation, OrgKind, User
from vuonlen.accounts.roles import HOUSEHOLD_EDIT, Role
from vuonlen.core.models import AuditLog
from vuonlen.geo.models import Era, Level

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(kontum):
    w = type("World", (), {})()
    w.province = factories.unit("51", level=Level.PROVINCE, era=Era.POST_2025)
    w.xa = factories.unit("23293", era=Era.POST_2025)  # Phường Kon Tum (new era)
    w.other_xa = factories.unit("23284", era=Era.POST_2025)  # Xã Đăk Cấm (new era)
    w.old_commune = factories.unit("23281")  # Phường Quang Trung, ended 30/06/2025
    w.admin = factories.make_user(Role.SYSADMIN, w.province, username="qt.tinh")
    w.commune_admin = factories.make_user(Role.SYSADMIN, w.xa, username="qt.xa")
    w.farmers = factories.make_org(w.xa, OrgKind.FARMERS_UNION, "Hội Nông dân phường Kon Tum")
    w.other_org = factories.make_org(w.other_xa, OrgKind.WOMENS_UNION, "Hội Phụ nữ xã Đăk Cấm")
    w.outsider = factories.make_user(Role.COMMUNE_OFFICER, w.other_xa, username="canbo.dakcam")
    return w


def _login(client, user):
    client.force_login(user)
    return client


def test_wizard_review_then_open_an_account_scoped_to_its_commune(client, world):
    _login(client, world.commune_admin)
    data = {"role": Role.COMMUNE_OFFICER, "unit": world.xa.pk, "full_name": "Nguyễn Thị Hoà"}
    review = client.post(reverse("accounts:account_new"), data)
    html = review.content.decode()
    assert review.status_code == 200 and "Kiểm tra lại tài khoản mới" in html
    assert "nguyenthihoa.phuongkontum" in html  # suggested from the name and the unit
    assert "Phường Kon Tum và mọi đơn vị trực thuộc" in html
    assert not User.objects.filter(full_name="Nguyễn Thị Hoà").exists()  # nothing written yet

    done = client.post(reverse("accounts:account_new"), {**data, "username": "nguyenthihoa.phuongkontum",
                                                          "step": "confirm"})
    page = done.content.decode()
    person = User.objects.get(username="nguyenthihoa.phuongkontum")
    assert person.full_name == "Nguyễn Thị Hoà"
    assignment = person.assignments.get()
    assert (assignment.role, assignment.unit, assignment.organisation) == (Role.COMMUNE_OFFICER, world.xa, None)
    # The account works at once, with the commune's rights and no more.
    assert scoping.can(person, HOUSEHOLD_EDIT, world.xa) and not scoping.can(person, HOUSEHOLD_EDIT, world.other_xa)
    # The temporary password is shown once, works, and is in no audit row.
    import re
    password = re.search(r'id="new-password">([^<]+)<', page).group(1)
    assert person.check_password(password)
    assert done["Cache-Control"].startswith("max-age=0") or "no-store" in done["Cache-Control"]
    rows = AuditLog.objects.filter(object_id__in=[str(person.pk), str(assignment.pk)])
    assert rows.count() == 2 and all(password not in str(r.changes) + r.note for r in rows)
    assert all(r.actor_id == world.commune_admin.pk for r in rows)


def test_every_problem_at_once_and_nothing_written(client, world):
    _login(client, world.admin)
    before = User.objects.count()
    response = client.post(reverse("accounts:account_new"), {
        "role": Role.MENTOR, "unit": world.province.pk, "full_name": "", "username": "qt.xa",
        "email": "khong-phai-thu", "phone": "12345", "password": "123", "step": "confirm"})
    html = response.content.decode()
    for message in ("Nhập họ và tên người dùng.", "đã có người dùng", "Thư điện tử không hợp lệ.",
                    "Số điện thoại gồm 10–11 chữ số", "làm việc ở một xã, phường"):
        assert message in html, message
    assert "Mật khẩu quá ngắn" in html
    assert User.objects.count() == before


def test_reporting_unit_needs_its_organisation_and_ended_units_are_refused(client, world):
    _login(client, world.admin)
    html = client.post(reverse("accounts:account_new"), {
        "role": Role.REPORTING_UNIT, "unit": world.xa.pk, "full_name": "Lê Văn Bình"}).content.decode()
    assert "hãy chọn tổ chức" in html
    # An ended (pre-2025) unit is not even offered.
    html = client.get(reverse("accounts:account_new")).content.decode()
    assert f'value="{world.old_commune.pk}"' not in html and f'value="{world.xa.pk}"' in html
    # Posted anyway, it is refused with the reason (it is outside the choices).
    html = client.post(reverse("accounts:account_new"), {
        "role": Role.COMMUNE_OFFICER, "unit": world.old_commune.pk, "full_name": "Lê Văn Bình"}).content.decode()
    assert "Lê Văn Bình" in html and not User.objects.filter(full_name="Lê Văn Bình").exists()


def test_a_reporting_unit_account_acts_for_its_organisation(client, world):
    _login(client, world.admin)
    client.post(reverse("accounts:account_new"), {
        "role": Role.REPORTING_UNIT, "organisation": world.farmers.pk, "full_name": "Y Thoa",
        "username": "ythoa", "password": "Mat-khau-rat-dai-2026", "step": "confirm"})
    person = User.objects.get(username="ythoa")
    assert person.check_password("Mat-khau-rat-dai-2026")
    assert person.assignments.get().organisation == world.farmers


def test_commune_manager_sees_only_accounts_of_its_area(client, world):
    _login(client, world.commune_admin)
    listing = client.get(reverse("accounts:account_list")).content.decode()
    assert "qt.xa" in listing and "canbo.dakcam" not in listing
    assert client.get(reverse("accounts:account_detail", args=[world.outsider.pk])).status_code == 404
    # Nor can it open an account at the other commune: not offered, and 404 if forced.
    response = client.post(reverse("accounts:account_new"), {
        "role": Role.COMMUNE_OFFICER, "unit": world.other_xa.pk, "full_name": "A", "step": "confirm"})
    assert response.status_code == 200 and not User.objects.filter(full_name="A").exists()


def test_search_without_diacritics(client, world):
    factories.make_user(Role.MENTOR, world.xa, username="mentor1", full_name="Đinh Văn Hưởng")
    _login(client, world.admin)
    html = client.get(reverse("accounts:account_list"), {"q": "dinh van huong"}).content.decode()
    assert "mentor1" in html and "qt.xa" not in html


def test_people_without_the_right_do_not_find_the_pages(client, world):
    _login(client, world.outsider)
    for url in (reverse("accounts:account_list"), reverse("accounts:account_new"),
                reverse("accounts:account_detail", args=[world.commune_admin.pk])):
        assert client.get(url).status_code == 404


def test_add_and_end_a_role_lock_and_reset_password(client, world):
    person = factories.make_user(Role.MENTOR, world.xa, username="nguoi.a")
    _login(client, world.admin)
    url = reverse("accounts:account_detail", args=[person.pk])
    client.post(url, {"action": "add_role", "role-role": Role.REPORTING_UNIT, "role-organisation": world.farmers.pk})
    assert person.assignments.filter(role=Role.REPORTING_UNIT, organisation=world.farmers, is_active=True).exists()
    mentor = person.assignments.get(role=Role.MENTOR)
    client.post(url, {"action": "end_role", "assignment": mentor.pk, "version": mentor.version})
    mentor.refresh_from_db()
    assert not mentor.is_active and mentor.valid_to is not None
    # A second tab still holding the old version is refused, not silently applied.
    other = person.assignments.get(role=Role.REPORTING_UNIT)
    stale = client.post(url, {"action": "end_role", "assignment": other.pk, "version": other.version - 1}, follow=True)
    assert "vừa được người khác sửa" in stale.content.decode()
    other.refresh_from_db()
    assert other.is_active
    client.post(url, {"action": "lock"})
    person.refresh_from_db()
    assert not person.is_active
    html = client.post(url, {"action": "reset_password"}).content.decode()
    import re
    password = re.search(r'id="new-password">([^<]+)<', html).group(1)
    person.refresh_from_db()
    assert person.check_password(password)
    notes = list(AuditLog.objects.filter(object_id=str(person.pk)).values_list("note", flat=True))
    assert "Khoá tài khoản" in notes and "Đặt lại mật khẩu tạm thời" in notes


def test_organisation_create_and_edit_with_version_check(client, world):
    secretariat = factories.make_user(Role.SECRETARIAT, world.xa, username="tt.xa")
    _login(client, secretariat)
    bad = client.post(reverse("accounts:organisation_new"), {"name": "", "kind": "x", "unit": world.xa.pk,
                                                              "email": "sai"}).content.decode()
    assert "Nhập tên tổ chức." in bad and "Thư điện tử không hợp lệ." in bad
    client.post(reverse("accounts:organisation_new"), {"name": "Đoàn Thanh niên phường Kon Tum",
                                                        "kind": OrgKind.YOUTH_UNION, "unit": world.xa.pk})
    org = Organisation.objects.get(name="Đoàn Thanh niên phường Kon Tum")
    url = reverse("accounts:organisation_edit", args=[org.pk])
    client.post(url, {"name": "Đoàn TN phường Kon Tum", "kind": OrgKind.YOUTH_UNION, "is_active": "on",
                      "version": org.version})
    org.refresh_from_db()
    assert org.name == "Đoàn TN phường Kon Tum" and org.name_search == "doan tn phuong kon tum"
    stale = client.post(url, {"name": "Khác", "kind": OrgKind.YOUTH_UNION, "is_active": "on", "version": 1})
    assert "vừa được người khác sửa" in stale.content.decode()
    # Another commune's organisation does not exist for this secretariat.
    assert client.get(reverse("accounts:organisation_edit", args=[world.other_org.pk])).status_code == 404


def test_the_wizard_in_english(client, world, settings):
    _login(client, world.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.post(reverse("accounts:account_new"), {"role": Role.MENTOR, "unit": world.province.pk}).content.decode()
    assert "Open a new account" in html and "Enter the person’s full name." in html
    assert "works in a commune or ward" in html


# --- Sessions read through the cache, rooms kept per process (issue 17) -------------------------

def _page(person_client):
    """A page as the person opens it, and whether it read the session from the database."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = person_client.get(reverse("home"))
    return response, any("django_session" in q["sql"] for q in queries.captured_queries)


def test_cached_sessions_still_end_at_lock_password_reset_and_logout(client, world):
    from django.conf import settings
    from django.test import Client

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"  # as in production
    person = factories.make_user(Role.COMMUNE_OFFICER, world.xa, username="nguoi.b")
    theirs = Client()
    theirs.force_login(person)
    response, read_session_row = _page(theirs)
    assert response.status_code == 200 and not read_session_row  # the session came from the cache
    # A manager locks the account: the open session ends on its next page.
    url = reverse("accounts:account_detail", args=[person.pk])
    _login(client, world.admin).post(url, {"action": "lock"})
    assert _page(theirs)[0].status_code == 302
    client.post(url, {"action": "unlock"})
    theirs.force_login(User.objects.get(pk=person.pk))
    assert _page(theirs)[0].status_code == 200
    # A temporary password set by the manager ends it too.
    client.post(url, {"action": "reset_password"})
    assert _page(theirs)[0].status_code == 302
    # Logging out ends the session everywhere: its cookie sent again opens nothing.
    theirs.force_login(User.objects.get(pk=person.pk))
    cookie = theirs.cookies[settings.SESSION_COOKIE_NAME].value
    theirs.post(reverse("accounts:logout"))
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert _page(replay)[0].status_code == 302


def test_top_bar_rooms_follow_a_role_given_or_ended_on_the_next_page(client, world):
    person = factories.make_user(Role.REPORTING_UNIT, world.xa, username="nguoi.c")
    _login(client, person)

    def rooms():
        return {url_name for url_name, _label, _url in client.get(reverse("home")).context["nav_rooms"]}

    assert "households:list" not in rooms()
    officer = factories.RoleAssignmentFactory(user=person, role=Role.COMMUNE_OFFICER, unit=world.xa)
    assert "households:list" in rooms()
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("households:list")}">Hộ gia đình</a>' in html
    officer.is_active = False
    officer.save()
    assert "households:list" not in rooms()
