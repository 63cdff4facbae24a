"""Periodic reports in a real browser: a reporting unit fills and sends its quarterly report,
the district secretariat sees it on the compliance board, asks the late units to explain, and
accepts the report. Screenshots (and the .docx) go to var/test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser_fixtures import sign_in
from tests.reporting.conftest import World, media_root, vn  # noqa: F401 (fixtures)
from tests.reporting.factories import ObligationFactory, ScheduleFactory, SubmissionFactory
from vuonlen.accounts.models import OrgKind
from vuonlen.accounts.roles import Role
from vuonlen.core.periods import Period, PeriodKind, today_vn
from vuonlen.geo.models import Era, Level
from vuonlen.reporting.models import Submission, SubmissionStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _current_quarter() -> Period:
    return Period.containing(today_vn(), PeriodKind.QUARTER)


def _previous_quarter() -> Period:
    from vuonlen.reporting.selectors import previous_period

    return previous_period(_current_quarter())


@pytest.fixture
def world(kontum):
    """Today's structure (two levels since 1 July 2025): the new Quảng Ngãi's steering committee asks
    three province bodies and two new wards' committees for the quarterly report."""
    w = World()
    w.province = factories.unit("51", level=Level.PROVINCE, era=Era.POST_2025)
    kon_tum = factories.unit("23293", era=Era.POST_2025)  # Phường Kon Tum
    dak_cam = factories.unit("23284", era=Era.POST_2025)  # Phường Đăk Cấm
    w.bcd = factories.make_org(w.province, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo Cuộc vận động tỉnh Quảng Ngãi")
    w.front = factories.make_org(w.province, OrgKind.FATHERLAND_FRONT, "Ủy ban MTTQ Việt Nam tỉnh Quảng Ngãi")
    w.farmers = factories.make_org(w.province, OrgKind.FARMERS_UNION, "Hội Nông dân tỉnh Quảng Ngãi")
    w.youth = factories.make_org(w.province, OrgKind.YOUTH_UNION, "Tỉnh đoàn Quảng Ngãi")
    w.agency = factories.make_org(w.province, OrgKind.AGENCY, "Ban Dân tộc tỉnh Quảng Ngãi")
    factories.make_org(kon_tum, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo Cuộc vận động phường Kon Tum")
    factories.make_org(dak_cam, OrgKind.STEERING_COMMITTEE, "Ban Chỉ đạo Cuộc vận động phường Đăk Cấm")
    # Due on the 7th of the month after the quarter: whatever today is, this quarter's report is
    # not yet due (with the default, the 7th of the quarter's last month, the test failed from
    # that day to the quarter's end).
    w.schedule = ScheduleFactory(issuer=w.bcd, year_from=2025, due_offset_months=1)
    for kind in (OrgKind.FARMERS_UNION, OrgKind.YOUTH_UNION, OrgKind.AGENCY):
        ObligationFactory(schedule=w.schedule, org_kind=kind, unit_level=Level.PROVINCE)
    ObligationFactory(schedule=w.schedule, org_kind=OrgKind.STEERING_COMMITTEE, unit_level=Level.COMMUNE)
    w.farmers_user = factories.make_user(Role.REPORTING_UNIT, organisation=w.farmers, username="hnd",
                                         full_name="Y Nhi", email="hnd@example.vn")
    w.secretariat = factories.make_user(Role.SECRETARIAT, organisation=w.front, username="tt.tinh",
                                        full_name="Thường trực tỉnh")
    return w


def test_unit_sends_its_report_and_the_secretariat_sees_it_on_the_board(page, browser, live_server, world,
                                                                        artifacts, tmp_path):
    current, previous = _current_quarter(), _previous_quarter()
    # Last quarter: one unit on time, one late by a day, the rest silent.
    due = world.schedule.due_date_for(previous)
    SubmissionFactory(schedule=world.schedule, organisation=world.agency, period=previous,
                      sent_at=vn(due.year, due.month, due.day, 15))
    SubmissionFactory(schedule=world.schedule, organisation=world.youth, period=previous,
                      sent_at=vn(due.year, due.month, due.day + 1, 0, 0))

    # --- the farmers' union fills and sends this quarter's report --------------------------
    sign_in(page, world.farmers_user.username)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Báo cáo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo của tôi")
    row = page.get_by_role("row").filter(has_text=current.label())
    expect(row).to_contain_text("Chưa đến hạn")
    page.screenshot(path=artifacts / "reporting-my-reports.png", full_page=True)
    row.get_by_role("button", name="Lập báo cáo").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(current.label())

    villages = page.get_by_role("textbox", name="Số thôn, làng, tổ dân phố trên địa bàn", exact=True)
    prefilled = villages.input_value()
    villages.fill(str(int(prefilled.replace(".", "")) + 2))
    for label, value in (("Số hộ nghèo đồng bào DTTS", "0"), ("Số hộ cận nghèo đồng bào DTTS", "0"),
                         ("Số buổi tuyên truyền, vận động", "6"), ("Số lượt người tham dự tuyên truyền", "1.250"),
                         ("Số mô hình đang duy trì, nhân rộng", "3"), ("Số hộ DTTS thoát nghèo trong kỳ", "4")):
        page.get_by_role("textbox", name=label, exact=True).fill(value)
    page.get_by_role("textbox", name="Kết quả thực hiện").fill(
        "Tổ chức 6 buổi tuyên truyền theo 10 nội dung Sổ tay.\n- Duy trì mô hình tổ hợp tác trồng sâm dây.")
    page.get_by_role("textbox", name="Tồn tại, hạn chế và nguyên nhân").fill("Nguồn lực hỗ trợ còn hạn chế.")
    page.get_by_role("textbox", name="Chức vụ người ký").fill("CHỦ TỊCH")
    page.get_by_role("textbox", name="Họ và tên người ký").fill("A Thuận")
    pdf = tmp_path / "Biên bản họp.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.get_by_label("Tệp đính kèm").set_input_files(str(pdf))
    page.get_by_role("button", name="Gửi báo cáo").click()
    # The changed figure needs a reason: refused, the text kept.
    alert = page.locator("#form-errors")
    expect(alert).to_contain_text("số liệu khác với số hệ thống điền sẵn")
    expect(alert).to_contain_text("Tệp bạn đã chọn chưa được tải lên")
    expect(page.get_by_role("textbox", name="Tồn tại, hạn chế và nguyên nhân")).to_have_value(
        "Nguồn lực hỗ trợ còn hạn chế.")
    page.screenshot(path=artifacts / "reporting-edit-note-required.png", full_page=True)
    page.get_by_role("textbox", name="Ghi chú cho Số thôn, làng, tổ dân phố trên địa bàn").fill(
        "Có 2 thôn mới thành lập")
    page.get_by_label("Tệp đính kèm").set_input_files(str(pdf))
    page.get_by_role("button", name="Gửi báo cáo").click()
    # Asked to confirm first (issue 13): what is sent and to whom, then "Xác nhận gửi".
    expect(page.get_by_role("heading", level=1)).to_have_text("Xác nhận gửi báo cáo")
    page.get_by_role("button", name="Xác nhận gửi").click()
    expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_contain_text("Đã gửi báo cáo")
    expect(page.get_by_test_id("status")).to_have_text("Đã gửi")
    expect(page.get_by_role("link", name="Biên bản họp.pdf")).to_be_visible()
    page.screenshot(path=artifacts / "reporting-sent.png", full_page=True)
    sub = Submission.objects.get(organisation=world.farmers, period_code=current.code())
    assert sub.status == SubmissionStatus.SUBMITTED

    # --- the province secretariat ------------------------------------------------------------
    context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=live_server.url)
    boss = context.new_page()
    sign_in(boss, world.secretariat.username)
    boss.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Báo cáo").click()
    expect(boss.get_by_role("heading", level=1)).to_contain_text(f"Chấp hành chế độ báo cáo — {current.label()}")
    farmers_row = boss.get_by_role("row").filter(has_text=world.farmers.name).first
    expect(farmers_row).to_contain_text("Đúng hạn")
    expect(boss.get_by_test_id("on-time")).to_have_text("1")
    boss.screenshot(path=artifacts / "reporting-board-current.png", full_page=True)

    # Last quarter: counts, the late and the silent; one click asks them to explain.
    boss.get_by_label("Kỳ báo cáo").select_option(previous.code())
    boss.get_by_role("button", name="Xem").click()
    expect(boss.get_by_test_id("expected")).to_have_text("5")
    expect(boss.get_by_test_id("late")).to_have_text("1")
    expect(boss.get_by_test_id("missing")).to_have_text("3")
    boss.get_by_role("button", name="Yêu cầu giải trình").click()
    expect(boss.get_by_role("status").first).to_contain_text("Đã yêu cầu 4 đơn vị gửi báo cáo giải trình")
    expect(boss.get_by_role("heading", name=re.compile("Báo cáo giải trình"))).to_be_visible()
    boss.screenshot(path=artifacts / "reporting-board-explanation.png", full_page=True)

    # Back to this quarter: open the farmers' report, download it, accept it.
    boss.goto(f"/bao-cao-dinh-ky/theo-doi/?ky={current.code()}")
    boss.get_by_role("link", name=world.farmers.name).click()
    expect(boss.get_by_role("heading", name="Xem xét báo cáo")).to_be_visible()
    with boss.expect_download() as download:
        boss.get_by_role("link", name="Tải bản Word (.docx)").click()
    download.value.save_as(artifacts / "reporting-report.docx")
    boss.get_by_role("button", name="Tiếp nhận").click()
    expect(boss.get_by_test_id("status")).to_have_text("Đã tiếp nhận")
    expect(boss.get_by_text("Báo cáo đã khoá, không sửa được nữa.")).to_be_visible()
    boss.screenshot(path=artifacts / "reporting-accepted.png", full_page=True)

    boss.goto("/bao-cao-dinh-ky/lich/")
    expect(boss.get_by_role("heading", level=1)).to_have_text("Lịch hạn")
    boss.screenshot(path=artifacts / "reporting-calendar.png", full_page=True)
    context.close()

    # The unit sees its report accepted, and can no longer edit it.
    page.goto("/bao-cao-dinh-ky/cua-toi/")
    expect(page.get_by_role("row").filter(has_text=current.label()).last).to_contain_text("Đã tiếp nhận")
    page.goto(f"/bao-cao-dinh-ky/{sub.pk}/sua/")
    expect(page.get_by_test_id("status")).to_have_text("Đã tiếp nhận")
