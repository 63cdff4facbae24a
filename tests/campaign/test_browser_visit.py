"""The campaign in a real browser: a mentor on a phone (390×844) logs a visit in a few taps and
sees it in their list; an officer's assessment form and assignment form at an office laptop's
width. Screenshots go to var/test-artifacts/."""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser_fixtures import PHONE, sign_in
from tests.campaign.factories import MentorAssignmentFactory
from tests.geo.factories import VillageFactory
from tests.households.factories import HouseholdFactory, ReviewFactory
from vuonlen.accounts.roles import Role
from vuonlen.campaign.models import Visit
from vuonlen.core.formats import format_date
from vuonlen.core.periods import today_vn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(kontum, commune_a):
    village = VillageFactory(commune=commune_a, name="Làng Plei Đôn")
    homes = []
    for i, name in enumerate(["A Blong", "Y Hoa", "A Thuận", "Y Nhung"]):
        household = HouseholdFactory(unit=village, members=[name], code=f"PD-{i + 1:03d}")
        ReviewFactory(household=household, year=2023, income=1_000_000, recognised=True)
        homes.append(household)
    officer = factories.make_user(Role.COMMUNE_OFFICER, commune_a, username="canbo.quangtrung", full_name="Y Bình")
    mentor = factories.make_user(Role.MENTOR, commune_a, username="phutrach.plei", full_name="A Thút")
    # The handbook's ten contents (the live server's database is flushed between tests).
    topics = importlib.import_module("vuonlen.outreach.migrations.0002_handbook_topics").TOPICS
    from vuonlen.outreach.models import Topic

    for number, name in enumerate(topics, start=1):
        Topic.objects.get_or_create(number=number, defaults={"name": name})
    return {"village": village, "homes": homes, "officer": officer, "mentor": mentor}


def test_mentor_logs_a_visit_on_a_phone(page, world, artifacts):
    homes, mentor = world["homes"], world["mentor"]
    MentorAssignmentFactory.each(homes[:3], mentor=mentor, started_on=dt.date(2024, 1, 1))
    page.set_viewport_size(PHONE)
    sign_in(page, mentor.username)
    page.goto("/cuoc-van-dong/")  # the room sends a mentor straight to their households
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hộ tôi phụ trách")
    listing = page.locator("#my-households")
    expect(listing.get_by_role("link")).to_have_count(3)
    expect(listing).not_to_contain_text("Y Nhung")  # not theirs
    expect(listing.get_by_role("link", name=re.compile("A Blong"))).to_contain_text("Chưa thăm")
    page.screenshot(path=artifacts / "campaign-my-households-phone.png", full_page=True)

    # Tap 1: the household; tap 2: a topic; tap 3: save.
    listing.get_by_role("link", name=re.compile("A Blong")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ghi lần thăm hộ")
    expect(page.get_by_label("Ngày thăm")).to_have_value(today_vn().strftime("%d/%m/%Y"))  # dd/mm/yyyy box
    page.get_by_text("Vay vốn ưu đãi").click()
    expect(page.get_by_role("checkbox", name="Vay vốn ưu đãi")).to_be_checked()
    page.screenshot(path=artifacts / "campaign-visit-form-phone.png", full_page=True, animations="disabled")
    save = page.get_by_role("button", name="Lưu lần thăm")
    box = save.bounding_box()
    assert box["width"] >= 300 and box["height"] >= 44  # a thumb-sized button
    save.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Hộ tôi phụ trách")
    expect(page.get_by_role("status")).to_contain_text("Đã ghi lần thăm hộ A Blong")
    row = page.locator("#my-households").get_by_role("link", name=re.compile("A Blong"))
    expect(row).to_contain_text(format_date(today_vn()))
    page.screenshot(path=artifacts / "campaign-visit-saved-phone.png", full_page=True)
    visit = Visit.objects.get()
    assert (visit.household_id, visit.mentor_id, visit.topics) == (homes[0].pk, mentor.pk, ["loan"])


def test_officer_assesses_and_assigns_at_desktop_width(page, world, artifacts):
    homes, officer = world["homes"], world["officer"]
    sign_in(page, officer.username)
    page.goto(f"/cuoc-van-dong/ho/{homes[0].pk}/")
    page.get_by_role("link", name=f"Đánh giá năm {today_vn().year}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đánh giá hộ thay đổi nếp nghĩ, cách làm")
    # A first try with a problem shows every error in Vietnamese and keeps the ticks.
    page.get_by_label("Thay đổi nếp nghĩ, cách làm", exact=True).check()
    page.get_by_role("checkbox", name=re.compile(r"^1\. ")).check()
    page.get_by_role("button", name="Lưu đánh giá").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("chưa đánh dấu “được tuyên truyền”")
    expect(page.get_by_label("Thay đổi nếp nghĩ, cách làm", exact=True)).to_be_checked()
    page.screenshot(path=artifacts / "campaign-assessment-form-errors.png", full_page=True)
    page.get_by_label("Được tuyên truyền về Cuộc vận động", exact=True).check()
    page.get_by_label("Ứng dụng khoa học, kỹ thuật vào sản xuất", exact=True).check()
    page.screenshot(path=artifacts / "campaign-assessment-form.png", full_page=True)
    page.get_by_role("button", name="Lưu đánh giá").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu đánh giá năm")
    expect(page.locator("#assessments")).to_contain_text(str(today_vn().year))

    page.get_by_role("link", name="Phân công người phụ trách").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Phân công người phụ trách hộ")
    # Labelled with the account and where the person works, so two "A Thút" differ.
    picker = page.get_by_label("Người phụ trách", exact=True)
    option = picker.locator("option", has_text="A Thút (phutrach.plei)")
    expect(option).to_have_count(1)
    picker.select_option(value=option.get_attribute("value"))
    page.get_by_label("Lý do, căn cứ phân công").fill("Nghị quyết chi bộ làng Plei Đôn")
    page.screenshot(path=artifacts / "campaign-assign-form.png", full_page=True)
    page.get_by_role("button", name="Phân công", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Đã phân công A Thút phụ trách 1 hộ")
    expect(page.get_by_role("table").first).to_contain_text("đang phụ trách")
    page.screenshot(path=artifacts / "campaign-household-page.png", full_page=True)


def test_officer_imports_a_file_with_errors(page, world, artifacts, commune_a):
    import io

    import openpyxl

    from vuonlen.campaign import imports

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([c.name for c in imports.COLUMNS])
    homes = world["homes"]
    sheet.append([commune_a.code, homes[0].code, "A Blong", "31/02/2023", "1, 2", "x", "x", *[""] * 9, ""])
    sheet.append([commune_a.code, "KHONG-CO", "Ai đó", "20/11/2023", "", "x", *[""] * 10, ""])
    sheet.append([commune_a.code, homes[1].code, "Y Hoa", "20/11/2023", "3", "", "hmm", *[""] * 9, ""])
    buffer = io.BytesIO()
    workbook.save(buffer)

    sign_in(page, world["officer"].username)
    page.goto("/cuoc-van-dong/")
    page.get_by_role("navigation", name="Các trang Cuộc vận động").get_by_role("link", name="Nhập đánh giá").click()
    page.get_by_label("Năm đánh giá").select_option("2023")
    page.get_by_label("Tệp đánh giá hộ (.xlsx, .xls, .ods hoặc .csv)").set_input_files(
        files=[{"name": "danh-gia-2023.xlsx", "mimeType": "application/octet-stream", "buffer": buffer.getvalue()}])
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    expect(page.get_by_role("alert")).to_contain_text("Tệp có 4 lỗi")
    table = page.locator("#import-errors")
    expect(table.get_by_role("row")).to_have_count(5)
    expect(table).to_contain_text("Thay đổi nếp nghĩ, cách làm")
    page.screenshot(path=artifacts / "campaign-import-errors.png", full_page=True)
