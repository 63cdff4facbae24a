"""Issue 15 in a real browser: a commune officer enters a village survey and reads the cause
summary; a mentor writes a household's plan on a phone; a women's union lists its members'
households and sets its yearly goal, and the provincial secretariat sees it on the plans
dashboard and the organisations' table. Screenshots go to var/test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import PHONE, open_room, sign_in
from tests.plans.worlds import World
from vuonlen.plans.models import HouseholdPlan, OrganisationGoal
from vuonlen.surveys.models import VillageSurvey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(kontum, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return World()


def test_survey_then_summary(page, world, artifacts):
    sign_in(page, world.officer.username)
    open_room(page, "Khảo sát thôn")
    page.get_by_role("link", name="Nhập khảo sát thôn").click()
    page.get_by_label("Thôn, làng").select_option(label=f"Thôn 4 — {world.commune.name}")
    page.get_by_label("Năm", exact=True).fill("2025")
    page.get_by_label("Người khảo sát").fill("A Thút")
    page.get_by_label("Ngày khảo sát").fill("10/03/2025")
    page.get_by_label("Số hộ nghèo").fill("40")
    page.get_by_label("Thôn đặc biệt khó khăn").check()
    page.get_by_label("Phong tục, tập quán lạc hậu cần xoá bỏ").fill("Tảo hôn, cúng bái khi ốm đau")
    page.get_by_label("Thiếu đất sản xuất").fill("18")
    page.get_by_label("Thiếu vốn sản xuất, kinh doanh").fill("25")
    page.screenshot(path=artifacts / "survey-form.png", full_page=True)
    page.get_by_role("button", name="Lưu khảo sát").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Khảo sát Thôn 4 năm 2025")
    expect(page.locator("#survey-causes")).to_contain_text("Thiếu vốn sản xuất, kinh doanh")
    assert VillageSurvey.objects.get().especially_difficult
    page.get_by_role("link", name="Tổng hợp nguyên nhân nghèo").click()
    page.get_by_label("Năm").select_option("2025")
    page.get_by_role("button", name="Xem").click()
    expect(page.locator("#headline")).to_contain_text("Thiếu vốn sản xuất, kinh doanh")
    page.screenshot(path=artifacts / "survey-summary.png", full_page=True)


def test_mentor_writes_a_plan_on_the_phone(browser, live_server, world, artifacts):
    home, = world.poor_households(1)
    world.assign([home])
    context = browser.new_context(viewport=PHONE, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, world.mentor.username)
    expect(page.get_by_role("navigation", name="Điều hướng chính")).to_be_visible()
    page.goto("/ke-hoach/ho-cua-toi/")
    expect(page.locator("#my-households")).to_contain_text(home.head_name)
    page.get_by_role("link", name="Lập kế hoạch").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kế hoạch giúp hộ")
    page.get_by_role("checkbox", name="Thiếu vốn sản xuất, kinh doanh").check()
    page.get_by_label("Mục tiêu").select_option(label="Thoát nghèo trong năm")
    page.get_by_role("checkbox", name="Vay vốn ưu đãi").check()
    page.get_by_role("checkbox", name="Mô hình sản xuất").check()
    page.get_by_role("button", name="Lưu kế hoạch").click()
    # Every missing detail is named at once.
    expect(page.locator("#plan-form")).to_contain_text("hãy ghi mô hình nào")
    expect(page.locator("#plan-form")).to_contain_text("hãy ghi số tiền dự kiến vay")
    page.get_by_role("textbox", name="Mô hình sản xuất").fill("Nuôi bò sinh sản")
    page.get_by_label("Vốn vay ưu đãi dự kiến (đồng)").fill("50.000.000")
    page.screenshot(path=artifacts / "plan-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="Lưu kế hoạch").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã lưu kế hoạch")
    plan = HouseholdPlan.objects.get()
    assert plan.loan_vnd == 50_000_000 and plan.mentor == world.mentor
    page.goto("/ke-hoach/ho-cua-toi/")
    expect(page.locator("#my-households")).to_contain_text("Thoát nghèo trong năm")
    page.screenshot(path=artifacts / "plan-phone-list.png", full_page=True)
    context.close()


def test_union_goal_reaches_the_dashboard(page, world, artifacts):
    homes = world.poor_households(2)
    sign_in(page, world.women_user.username)
    open_room(page, "Kế hoạch giúp hộ")
    page.get_by_role("link", name="Đoàn thể giúp hộ hội viên").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(world.women.name)
    page.get_by_label("Mã hộ (cách nhau bằng dấu phẩy hoặc xuống dòng)").fill(f"{homes[0].code}\n{homes[1].code}")
    page.get_by_role("button", name="Thêm vào danh sách").click()
    expect(page.locator("#members")).to_contain_text(homes[1].code)
    page.get_by_label("Số hộ phấn đấu giúp thoát nghèo").fill("2")
    page.locator("#goal-form").get_by_label("Vay vốn ưu đãi").fill("2")
    page.get_by_role("button", name="Lưu mục tiêu").click()
    expect(page.locator("#goal")).to_contain_text("Phấn đấu giúp 2 hộ thoát nghèo")
    page.screenshot(path=artifacts / "union-goal.png", full_page=True)
    assert OrganisationGoal.objects.get().target_by_solution == {"loan": 2}
    page.context.clear_cookies()
    sign_in(page, world.province_secretary.username)
    page.goto("/ke-hoach/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kế hoạch giúp hộ năm")
    page.get_by_role("link", name="Mục tiêu, kết quả của các đoàn thể").click()
    row = page.locator("#organisations tr", has_text=world.women.name)
    expect(row).to_contain_text("2")
    page.screenshot(path=artifacts / "organisations.png", full_page=True)
    row.get_by_role("link", name=world.women.name).click()
    expect(page.locator("#members")).to_contain_text(homes[0].code)
