"""Issue 13 item 5 in a real browser: the province's secretariat renames a part of the quarterly
report form and previews, as a commune's steering committee, the page that unit will fill.
Screenshots in var/test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser_fixtures import sign_in
from vuonlen.accounts.models import OrgKind
from vuonlen.accounts.roles import Role
from vuonlen.geo.models import Era, Level
from vuonlen.reporting import defaults

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretariat_edits_a_form_and_previews_it(page, kontum, artifacts):
    province = factories.unit("51", level=Level.PROVINCE, era=Era.POST_2025)
    xa = factories.unit("23293", era=Era.POST_2025)
    front = factories.make_org(province, OrgKind.FATHERLAND_FRONT, "Ủy ban MTTQ Việt Nam tỉnh Quảng Ngãi")
    factories.make_org(xa, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo Cuộc vận động phường Kon Tum")
    form = defaults.quarterly_form()
    secretariat = factories.make_user(Role.SECRETARIAT, organisation=front, username="tt.quangngai")
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, secretariat.username)
    page.goto("/bao-cao-dinh-ky/theo-doi/")
    page.get_by_role("link", name="Biểu mẫu", exact=True).click()
    page.get_by_role("link", name=form.name).click()
    title = page.locator("#id_s-0-title")
    title.fill("Kết quả thực hiện trong quý")
    page.screenshot(path=artifacts / "report-form-edit.png", full_page=True)
    page.get_by_role("button", name="Lưu biểu mẫu").click()
    expect(page.locator("body")).to_contain_text("Đã lưu biểu mẫu.")
    page.get_by_role("link", name="Xem trước trang đơn vị điền").click()
    page.get_by_label("Xem như đơn vị").select_option(label="Ban Chỉ đạo Cuộc vận động phường Kon Tum — Phường Kon Tum")
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page.locator("#preview-note")).to_contain_text("Ban Chỉ đạo Cuộc vận động phường Kon Tum sẽ điền")
    expect(page.locator("#report-form")).to_contain_text("Kết quả thực hiện trong quý")
    expect(page.locator("#report-form textarea").first).to_be_disabled()
    page.screenshot(path=artifacts / "report-form-preview.png", full_page=True)
