"""The new era in a real browser: the new Quảng Ngãi's secretariat opens the province dashboard
(in the new era, on the last recognised year), goes down to a new commune and to a household
behind one of its numbers. Screenshots in var/test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser_fixtures import open_room, sign_in
from vuonlen.accounts.roles import Role
from vuonlen.geo.models import Era, Level

from .test_browser_dashboard import reseed
from .test_dashboards import YEAR, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def new_era(kontum, commune_a, commune_b):
    reseed()
    world = build_world(commune_a, commune_b, factories.unit("23485"))
    province = factories.unit("51", level=Level.PROVINCE, era=Era.POST_2025)
    factories.make_user(Role.SECRETARIAT, province, username="thuongtruc.quangngai.web")
    return world


def test_new_province_secretariat_drills_down_to_a_household_of_a_new_commune(page, live_server, new_era,
                                                                                artifacts):
    sign_in(page, "thuongtruc.quangngai.web")
    open_room(page, "Chỉ tiêu")
    expect(page.get_by_role("heading", level=1, name="Tỉnh Quảng Ngãi")).to_be_visible()
    expect(page.get_by_text(f"Năm {YEAR} · số liệu đến ngày 31/12/{YEAR}")).to_be_visible()
    expect(page.locator("#year-incomplete")).to_contain_text("chưa có kết quả rà soát được công nhận")
    era = page.get_by_role("navigation", name="Thời kỳ đơn vị hành chính")
    expect(era.get_by_role("link", name=re.compile(r"2 cấp"))).to_have_attribute("aria-current", "page")
    expect(era.get_by_role("link", name=re.compile(r"3 cấp"))).to_be_visible()  # the switch works
    nep = page.locator("article", has=page.get_by_role("heading", name="Thay đổi nếp nghĩ, cách làm"))
    expect(nep).to_contain_text("50,0%")  # the same 4 / 8 as old Kon Tum's: history through the lineage
    page.screenshot(path=artifacts / "new-era-province.png", full_page=True)

    page.get_by_label("Chỉ tiêu", exact=True).select_option(label="Thay đổi nếp nghĩ, cách làm")
    page.get_by_role("button", name="Xếp hạng").click()
    page.locator("#ranking-table").get_by_role("link", name="Phường Kon Tum", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Phường Kon Tum")).to_be_visible()
    nep = page.locator("article", has=page.get_by_role("heading", name="Thay đổi nếp nghĩ, cách làm"))
    nep.get_by_role("link", name=re.compile("hộ được tính vào tử số")).click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Thay đổi nếp nghĩ"))).to_be_visible()
    rows = page.locator("#households-table tbody tr")
    expect(rows.first).to_be_visible()
    page.screenshot(path=artifacts / "new-era-commune-households.png", full_page=True)
    rows.first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chủ hộ: A Hyưk")
    page.screenshot(path=artifacts / "new-era-household.png", full_page=True)
