"""The household list and a household page in a real browser, as a commune officer, at an
office laptop's 1366×768 and on a phone. Screenshots go to var/test-artifacts/.

(Here rather than in tests/households/ because the browser fixtures are session-wide in this
folder's conftest: importing them elsewhere would start a second Playwright.)"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser_fixtures import PHONE, sign_in
from tests.geo.factories import VillageFactory
from tests.households.factories import HouseholdFactory, ReviewFactory
from vuonlen.accounts.roles import Role
from vuonlen.households import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer(commune_a):
    return factories.make_user(Role.COMMUNE_OFFICER, commune_a, username="canbo.quangtrung", full_name="Y Bình")


@pytest.fixture
def registry(commune_a, commune_b, officer):
    village = VillageFactory(commune=commune_a, name="Tổ 3")
    main = HouseholdFactory(unit=village, code="QT-015", ethnicity="13", phone="0905 111 222", members=[
        {"full_name": "A Blong", "sex": "Nam", "relation": "Chủ hộ", "birth_year": 1980, "citizen_id": "062080001234",
         "health_insurance": "có", "occupation": "Trồng cà phê"},
        {"full_name": "Y Hiên", "sex": "Nữ", "relation": "Vợ", "birth_date": "12/03/1983"},
        {"full_name": "A Tuấn", "sex": "Nam", "relation": "Con", "birth_date": "07/06/2010", "school_status": "đang học"},
        {"full_name": "Y Nga", "sex": "Nữ", "relation": "Con", "birth_year": 2016},
    ])
    for name in ("Đinh Văn Bảy", "Y Ánh", "A Ba", "Nguyễn Thị Hoa"):
        HouseholdFactory(unit=village, members=[name])
    HouseholdFactory(unit=commune_b, members=["Y Đơm"])  # another commune: never shown
    ReviewFactory(household=main, year=2022, income=1_100_000, lacking=["employment", "health_insurance", "latrine", "telecom"],
                recognised=True, actor=officer)
    ReviewFactory(household=main, year=2023, income=1_700_000, lacking=["latrine"], recognised=True, actor=officer)
    ReviewFactory(household=main, year=2024, income=2_400_000, lacking=[], actor=officer)
    son = main.memberships.get(person__full_name="A Tuấn")
    services.membership_end(actor=officer, membership=son, reason="moved_out", ended_on=dt.date(2025, 2, 1))
    return main


def test_officer_finds_a_household_and_reads_it(page, live_server, officer, registry, artifacts):
    sign_in(page, officer.username)
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    nav.get_by_role("link", name="Hộ gia đình").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hộ gia đình")
    expect(page.get_by_role("status").filter(has_text="hộ")).to_have_text("5 hộ")
    table = page.get_by_role("table")
    expect(table).not_to_contain_text("Y Đơm")
    page.screenshot(path=artifacts / "households-list-officer.png", full_page=True)

    page.get_by_role("searchbox", name="Tìm").fill("blong")
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="hộ")).to_have_text("1 hộ")
    page.get_by_role("link", name="A Blong").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Chủ hộ: A Blong")
    expect(page.get_by_role("table").first).to_contain_text("062080001234")  # the officer may see IDs
    timeline = page.get_by_role("region", name="Kết quả rà soát qua các năm")
    expect(timeline).to_contain_text("Hộ cận nghèo")
    expect(timeline).to_contain_text("Nhà tiêu hợp vệ sinh")
    page.screenshot(path=artifacts / "household-detail-officer.png", full_page=True)

    page.set_viewport_size(PHONE)
    page.reload()
    page.screenshot(path=artifacts / "household-detail-officer-phone.png", full_page=True)


def test_officer_records_a_review(page, live_server, officer, registry, artifacts):
    sign_in(page, officer.username)
    page.goto(f"/ho-gia-dinh/{registry.pk}/ra-soat/?nam=2025")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rà soát năm 2025")
    page.get_by_label("Ngày rà soát").fill("15/10/2025")
    page.get_by_label("Thu nhập bình quân (đồng/người/tháng)").fill("1.400.000")
    for name in ("Việc làm", "Bảo hiểm y tế", "Nhà tiêu hợp vệ sinh"):
        page.get_by_label(name, exact=True).check()
    page.screenshot(path=artifacts / "household-review-form.png", full_page=True)
    page.get_by_role("button", name="Ghi kết quả").click()
    expect(page.get_by_role("status").filter(has_text="Đã ghi kết quả rà soát năm 2025")).to_be_visible()
    timeline = page.get_by_role("region", name="Kết quả rà soát qua các năm")
    expect(timeline.get_by_role("listitem").first).to_contain_text("Hộ nghèo")
