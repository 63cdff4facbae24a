"""Issue 13 item 5 in a real browser: a commune's administrator opens an account for a new
commune officer with the wizard — role and unit, review, the temporary password once — and the
person signs in with it and finds the commune's pages. Screenshots in var/test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser_fixtures import sign_in
from vuonlen.accounts.models import OrgKind
from vuonlen.accounts.roles import Role
from vuonlen.geo.models import Era

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_wizard_opens_an_account_that_signs_in(page, kontum, artifacts):
    xa = factories.unit("23293", era=Era.POST_2025)  # Phường Kon Tum
    admin = factories.make_user(Role.SYSADMIN, xa, username="qt.phuong")
    factories.make_org(xa, OrgKind.FARMERS_UNION, "Hội Nông dân phường Kon Tum")
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, admin.username)
    page.goto("/tai-khoan/to-chuc/")
    page.get_by_role("link", name="Tài khoản", exact=True).click()
    page.get_by_role("link", name="Mở tài khoản mới").click()
    # First try with nothing filled: every problem at once, in Vietnamese.
    page.get_by_role("button", name="Tiếp: kiểm tra lại").click()
    expect(page.locator("main form")).to_contain_text("Chọn một vai trò trong danh sách.")
    expect(page.locator("main form")).to_contain_text("Nhập họ và tên người dùng.")
    page.get_by_label("Vai trò").select_option(label="Cán bộ xã")
    page.get_by_label("Địa bàn").select_option(label=f"{xa.name} — {xa.parent.name}")
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoà")
    page.screenshot(path=artifacts / "account-wizard-form.png", full_page=True)
    page.get_by_role("button", name="Tiếp: kiểm tra lại").click()
    expect(page.locator("#review-scope")).to_contain_text("Phường Kon Tum và mọi đơn vị trực thuộc")
    expect(page.locator("#review-username")).to_have_text("nguyenthihoa.phuongkontum")
    page.screenshot(path=artifacts / "account-wizard-review.png", full_page=True)
    page.get_by_role("button", name="Mở tài khoản").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đã mở tài khoản")
    password = page.locator("#new-password").inner_text()
    page.screenshot(path=artifacts / "account-wizard-done.png", full_page=True)

    page.context.clear_cookies()
    sign_in(page, "nguyenthihoa.phuongkontum", password)
    expect(page.get_by_role("navigation", name="Điều hướng chính")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Phường Kon Tum")
