"""The shell in a real browser: sign-in, the scope panel, the English switch, the lockout,
at an office laptop's 1366×768 and on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser_fixtures import PHONE, open_room, sign_in
from vuonlen.accounts.roles import Role
from vuonlen.core.audit import audit_record, snapshot
from vuonlen.core.models import AuditAction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer(commune_a):
    return factories.make_user(Role.COMMUNE_OFFICER, commune_a, username="canbo.quangtrung", full_name="Y Bình")


def test_commune_officer_signs_in_and_sees_scope(page, live_server, officer, commune_a, artifacts):
    factories.make_org(commune_a, name="Hội Nông dân phường Quang Trung")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/tai-khoan/dang-nhap/\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")

    sign_in(page, officer.username)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Y Bình")
    scope = page.get_by_role("complementary", name="Phạm vi của bạn")
    expect(scope).to_contain_text(commune_a.name)
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    expect(nav.get_by_role("link", name="Trang chủ")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Nhật ký")).to_have_count(0)  # not for a commune officer
    page.screenshot(path=artifacts / "home-commune-officer.png")

    # On a phone the menu and the scope panel fold away behind buttons.
    page.set_viewport_size(PHONE)
    page.reload()
    expect(nav.get_by_role("link", name="Tổ chức")).to_be_hidden()
    expect(scope.get_by_text(commune_a.name)).to_be_hidden()
    page.screenshot(path=artifacts / "home-commune-officer-phone.png")
    page.get_by_role("button", name="Hiện / ẩn").click()
    expect(scope.get_by_text(commune_a.name)).to_be_visible()
    page.get_by_role("button", name="Mở hoặc đóng trình đơn").click()
    nav.get_by_role("link", name="Tổ chức").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổ chức")
    expect(page.get_by_role("row").filter(has_text="Hội Nông dân phường Quang Trung")).to_be_visible()
    page.screenshot(path=artifacts / "organisations-commune-officer-phone.png", full_page=True)


def test_keyboard_reaches_the_skip_link_first(page, officer):
    sign_in(page, officer.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Y Bình")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua, đến nội dung chính")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_switch_to_english(page, officer, artifacts):
    sign_in(page, officer.username)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    expect(nav.get_by_role("link", name="Organisations")).to_be_visible()
    expect(page.get_by_role("complementary", name="Your scope")).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    page.screenshot(path=artifacts / "home-commune-officer-en.png")
    # The choice sticks across pages, and switches back.
    nav.get_by_role("link", name="Organisations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổ chức")


def test_wrong_password_five_times_locks_the_account(page, officer, artifacts):
    for attempt in range(4):
        sign_in(page, officer.username, f"sai-mat-khau-{attempt}")
        expect(page.get_by_role("alert")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng")
    sign_in(page, officer.username, "sai-mat-khau-5")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tài khoản tạm khoá 15 phút do nhập sai nhiều lần")
    page.screenshot(path=artifacts / "locked-out.png")
    # The right password does not get in while the lock lasts.
    sign_in(page, officer.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tài khoản tạm khoá 15 phút do nhập sai nhiều lần")


def test_failed_sign_in_explains(page, officer, artifacts):
    sign_in(page, officer.username, "sai-mat-khau")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng")
    expect(alert).to_contain_text("tạm khoá 15 phút")
    page.screenshot(path=artifacts / "login-failed.png")


def test_administrator_searches_the_audit_log(page, officer, commune_a, artifacts):
    admin = factories.make_user(username="quantri", is_superuser=True, is_staff=True, full_name="Quản trị tỉnh")
    org = factories.make_org(commune_a, name="Hội Nông dân phường Quang Trung")
    audit_record(actor=officer, action=AuditAction.CREATE, instance=org)
    before = snapshot(org)
    org.short_name = "HND"
    org.save()
    audit_record(actor=officer, action=AuditAction.UPDATE, instance=org, before=before, note="thêm tên viết tắt")

    sign_in(page, admin.username)
    expect(page.get_by_role("complementary", name="Phạm vi của bạn")).to_contain_text("Tỉnh Kon Tum")
    open_room(page, "Nhật ký")  # at 1366 px the later rooms sit under "Thêm"
    page.get_by_role("textbox", name="Tài khoản").fill("canbo")
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="dòng nhật ký")).to_have_text("2 dòng nhật ký")
    expect(page.get_by_role("table")).to_contain_text("tên viết tắt")
    page.screenshot(path=artifacts / "audit-list-admin.png", full_page=True)

    page.get_by_role("link", name="Hội Nông dân phường Quang Trung").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lịch sử thay đổi: Hội Nông dân phường Quang Trung")
    expect(page.get_by_role("row")).to_have_count(3)  # header + two changes
