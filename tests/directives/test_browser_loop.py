"""In a real browser, as the people who do it (issue 13, items 1, 2 and the reporting part of 6):

- Hội Nông dân sends its explanation report (confirming first), recalls it, sends it again; the
  secretariat accepts it from the board with the bulk action; the task of notice 103 that asked
  for it is then done, on time;
- the secretariat carries notice 87's unfinished task (given to 13 units) into 103 as one group
  with a renewed deadline, edits the draft notice in the browser and downloads it as .docx
  (read back) and PDF.

Screenshots in var/test-artifacts/loop-*.png.
"""

from __future__ import annotations

import io
import re

import pytest
from docx import Document as read_docx
from playwright.sync_api import expect

from tests.browser_fixtures import PHONE, sign_in
from tests.reporting.factories import SubmissionFactory
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.directives import services
from vuonlen.directives.models import Task, TaskState
from vuonlen.reporting import services as reporting
from vuonlen.reporting.models import Submission, SubmissionStatus

from .conftest import day
from .test_loop import EXPLAIN, explanation, thirteen  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_report_closes_its_task_with_confirm_recall_and_bulk_accept(page, browser, live_server, world,
                                                                       explanation, artifacts):  # noqa: F811
    request = explanation.request
    request.due_date = day("31/12/2099")  # still open: sent now is on time
    request.save()
    for task in (explanation.farmers_task, explanation.women_task):
        Task.objects.filter(pk=task.pk).update(deadline=day("31/12/2099"))
        task.refresh_from_db()
        services.task_link_report(actor=SYSTEM, task=task, schedule=request, expected_version=task.version)
    sub = SubmissionFactory(schedule=request, organisation=world.farmers, period=request.one_off_period())
    reporting.submission_save(actor=SYSTEM, submission=sub, expected_version=sub.version, narrative_input=EXPLAIN)

    # --- Hội Nông dân: send, confirm, recall, send again -------------------------------------
    sign_in(page, world.farmer_user.username)
    page.goto(f"/bao-cao-dinh-ky/{sub.pk}/sua/")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xác nhận gửi báo cáo")
    expect(page.locator("#confirm-summary")).to_contain_text("thu hồi được khi Thường trực chưa tiếp nhận")
    assert Submission.objects.get(pk=sub.pk).status == SubmissionStatus.DRAFT  # not sent before confirming
    page.screenshot(path=artifacts / "loop-confirm-send.png", full_page=True)
    page.get_by_role("button", name="Xác nhận gửi").click()
    expect(page.get_by_test_id("status")).to_have_text("Đã gửi")
    page.get_by_role("button", name="Thu hồi để sửa").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã thu hồi báo cáo")
    page.get_by_label("Biện pháp chấn chỉnh, khắc phục").fill("Đã phân công cán bộ dự phòng; gửi trước ngày 05.")
    page.screenshot(path=artifacts / "loop-recalled.png", full_page=True)
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.get_by_role("button", name="Xác nhận gửi").click()
    expect(page.get_by_test_id("status")).to_have_text("Đã gửi")
    expect(page.locator("body")).to_contain_text("Thu hồi")  # the history of moves shows the recall

    # The same page on a phone: the unit's officer often sends from one.
    phone = browser.new_context(viewport=PHONE, base_url=live_server.url)
    small = phone.new_page()
    sign_in(small, world.farmer_user.username)
    small.goto(f"/bao-cao-dinh-ky/{sub.pk}/")
    expect(small.get_by_test_id("status")).to_have_text("Đã gửi")
    small.screenshot(path=artifacts / "loop-sent-phone.png", full_page=True)
    phone.close()

    # --- the secretariat: bulk accept on the board -------------------------------------------
    boss_context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=live_server.url)
    boss = boss_context.new_page()
    sign_in(boss, world.secretary.username)
    boss.goto(f"/bao-cao-dinh-ky/theo-doi/?ky=2023-Q2&bao-cao={request.pk}")
    expect(boss.locator("#bulk-form")).to_contain_text("1 báo cáo đang chờ xem xét")
    boss.get_by_label(f"Chọn báo cáo của {world.farmers.name}").check()
    boss.screenshot(path=artifacts / "loop-board-bulk.png", full_page=True)
    boss.get_by_role("button", name="Tiếp nhận các báo cáo đã chọn").click()
    expect(boss.get_by_role("status").first).to_contain_text("Đã tiếp nhận 1 báo cáo")
    with boss.expect_download() as download:
        boss.get_by_role("link", name="Tải bảng (.docx) cho giao ban").click()
    assert download.value.suggested_filename == "chap-hanh-bao-cao-2023-Q2.docx"

    # The task that asked for the report is done, on time, with the report linked.
    boss.goto(f"/chi-dao/nhiem-vu/{explanation.farmers_task.pk}/")
    expect(boss.get_by_role("heading", level=1)).to_contain_text("Hoàn thành đúng hạn")
    expect(boss.get_by_test_id("linked-report")).to_have_text(request.name)
    expect(boss.get_by_role("link", name="xem báo cáo")).to_be_visible()
    boss.screenshot(path=artifacts / "loop-task-closed.png", full_page=True)
    assert Task.objects.get(pk=explanation.farmers_task.pk).state == TaskState.DONE
    assert Task.objects.get(pk=explanation.women_task.pk).state == TaskState.NOT_STARTED
    boss_context.close()


def test_carry_over_and_the_editable_draft_notice(page, world, thirteen, artifacts):  # noqa: F811
    sign_in(page, world.secretary.username)
    page.goto(f"/chi-dao/van-ban/{thirteen.n103.pk}/")
    groups = page.get_by_test_id("carry-group")
    expect(groups).to_have_count(2)  # the task of 13 units, and the standing instruction (not ticked)
    first = groups.filter(has_text="Xây dựng Kế hoạch")
    expect(first).to_contain_text("13 đơn vị")
    expect(first).to_contain_text("Ban Chỉ đạo Cuộc vận động các xã, thị trấn")
    expect(groups.filter(has_text="Theo dõi, đôn đốc").get_by_role("checkbox")).not_to_be_checked()
    first.get_by_label("Thời hạn mới", exact=True).fill("31/08/2023")
    page.screenshot(path=artifacts / "loop-carry-over.png", full_page=True)
    page.get_by_role("button", name="Chuyển tiếp các nhóm đã chọn vào văn bản này").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã chuyển tiếp 13 nhiệm vụ")

    page.get_by_role("link", name="Xem, sửa dự thảo thông báo").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("xem và sửa trước khi tải")
    opening = page.locator("#text-0")
    expect(opening).to_have_value(re.compile("^Tại Hội nghị giao ban"))
    tail = page.locator("input[name^='tail-']").first
    expect(tail).to_have_value("trước ngày 31/8/2023.")
    opening.fill("Ngày 12/7/2023, Ban Chỉ đạo Cuộc vận động huyện họp giao ban quý II/2023; kết luận như sau:")
    page.get_by_label("Người ký").fill("Đinh Thị Mỹ Hảo")
    page.screenshot(path=artifacts / "loop-notice-preview.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải bản Word (.docx)").click()
    doc = read_docx(io.BytesIO(open(download.value.path(), "rb").read()))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Ngày 12/7/2023, Ban Chỉ đạo Cuộc vận động huyện họp giao ban quý II/2023" in body
    assert body.count("Xây dựng Kế hoạch thực hiện Cuộc vận động năm 2023") == 1
    assert "tiếp tục thực hiện, thời hạn: trước ngày 31/8/2023." in body
    assert "Theo dõi, đôn đốc thường xuyên" not in body
    with page.expect_download() as pdf:
        page.get_by_role("button", name="Tải bản PDF").click()
    assert open(pdf.value.path(), "rb").read(5) == b"%PDF-"
