"""The dashboards in a real browser: a province viewer walks province → district → commune →
village → a household by clicking the dashboards' own links and numbers; a commune officer
reads their commune on a phone. Screenshots in var/test-artifacts/."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

from tests import factories
from tests.browser_fixtures import PHONE, open_room, sign_in
from vuonlen.accounts.roles import Role

from .test_dashboards import YEAR, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def reseed() -> None:
    """The phase and the catalogue come from data migrations, which a transactional test's flush
    empties: put them back (idempotent) for the next browser test."""
    for module in ("vuonlen.campaign.migrations.0002_seed_phase_2021_2025",
                   "vuonlen.indicators.migrations.0002_seed_catalogue"):
        importlib.import_module(module).seed(apps, None)


@pytest.fixture
def walk(kontum, commune_a, commune_b):
    reseed()
    world = build_world(commune_a, commune_b, factories.unit("23485"))
    factories.make_user(Role.VIEWER, kontum, username="lanhdao.tinh.web")
    factories.make_user(Role.COMMUNE_OFFICER, commune_a, username="canbo.quangtrung.web")
    return world


def _ranking(page):
    return page.locator("#ranking-table")


def test_province_viewer_walks_down_to_a_household(page, live_server, walk, artifacts):
    sign_in(page, "lanhdao.tinh.web")
    open_room(page, "Chỉ tiêu")
    expect(page.get_by_role("heading", level=1, name="Tỉnh Kon Tum")).to_be_visible()
    page.get_by_label("Năm", exact=True).select_option(str(YEAR))
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page.get_by_text(f"Năm {YEAR} · số liệu đến ngày 31/12/{YEAR}")).to_be_visible()
    nep = page.locator("article", has=page.get_by_role("heading", name="Thay đổi nếp nghĩ, cách làm"))
    expect(nep).to_contain_text("50,0%")
    expect(nep).to_contain_text("4 / 8")
    expect(nep.locator(".vl-status")).to_have_text(re.compile(r"Đúng tiến độ|Đạt|Chậm tiến độ"))
    page.wait_for_function("() => document.querySelector('#trend-chart').width > 0")
    page.screenshot(path=artifacts / "dashboard-province-1366.png", full_page=False)
    page.screenshot(path=artifacts / "dashboard-province-1366-full.png", full_page=True)

    _ranking(page).get_by_role("link", name="Thành phố Kon Tum", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Thành phố Kon Tum")).to_be_visible()
    expect(page.get_by_role("navigation", name="Đường dẫn").get_by_role("link", name="Tỉnh Kon Tum")).to_be_visible()

    page.get_by_label("Chỉ tiêu", exact=True).select_option(label="Thay đổi nếp nghĩ, cách làm")
    page.get_by_role("button", name="Xếp hạng").click()
    _ranking(page).get_by_role("link", name="Phường Quang Trung", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Phường Quang Trung")).to_be_visible()

    page.get_by_label("Chỉ tiêu", exact=True).select_option(label="Thay đổi nếp nghĩ, cách làm")
    page.get_by_role("button", name="Xếp hạng").click()
    row = _ranking(page).locator("tr", has=page.get_by_role("link", name="Thôn Plei Đôn", exact=True))
    expect(row).to_contain_text("66,7%")
    row.get_by_role("link", name="Thôn Plei Đôn", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Thôn Plei Đôn")).to_be_visible()

    nep = page.locator("article", has=page.get_by_role("heading", name="Thay đổi nếp nghĩ, cách làm"))
    nep.get_by_role("link", name="2 hộ được tính vào tử số").click()  # the households behind the number
    expect(page.get_by_role("heading", level=1, name=re.compile("Thay đổi nếp nghĩ"))).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("2 hộ")
    rows = page.locator("#households-table tbody tr")
    expect(rows).to_have_count(2)
    page.screenshot(path=artifacts / "dashboard-households.png", full_page=True)
    head = rows.first.get_by_role("link").first
    name = head.inner_text()
    head.click()
    expect(page.get_by_role("heading", level=1, name=f"Chủ hộ: {name}")).to_be_visible()


def test_commune_officer_reads_the_commune_on_a_phone(browser, live_server, walk, commune_a, artifacts):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        sign_in(page, "canbo.quangtrung.web")
        page.goto(f"/chi-tieu/?year={YEAR}")
        expect(page.get_by_role("heading", level=1, name="Phường Quang Trung")).to_be_visible()
        expect(page.locator("#ranking-table")).to_contain_text("Thôn Plei Đôn")
        # Nothing wider than the phone but the tables, which scroll inside their own box.
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        page.wait_for_function("() => document.querySelector('#poverty-chart').width > 0")
        page.screenshot(path=artifacts / "dashboard-commune-phone.png", full_page=True)
        page.screenshot(path=artifacts / "dashboard-commune-phone-top.png", full_page=False)
    finally:
        context.close()
