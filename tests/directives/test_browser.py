"""In a real browser: a reporting unit opens "Nhiệm vụ của tôi" and posts an update with evidence.

Uses the browser fixtures of tests/browser (Debian's Chromium through Playwright); skipped with
the reason where Chromium is missing. Screenshots go to var/test-artifacts/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import sign_in
from vuonlen.directives.models import TaskState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reporting_unit_updates_its_task(page, live_server, world, artifacts, tmp_path):  # noqa: F811
    document = world.document()
    task = world.task(document, world.farmers, text="Rà soát, thống kê hội viên DTTS nghèo, cận nghèo",
                      deadline="31/12/2099", coordinating=[world.women])
    world.task(document, world.farmers, text="Rà soát các mô hình không hiệu quả", deadline="31/7/2023")
    world.task(document, world.women, text="Nhiệm vụ riêng của Hội Phụ nữ", deadline="31/7/2023")

    sign_in(page, world.farmer_user.username)
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    nav.get_by_role("link", name="Chỉ đạo").click()
    expect(page).to_have_url(re.compile(r"/chi-dao/nhiem-vu-cua-toi/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhiệm vụ của tôi")
    table = page.locator("#my-tasks")
    expect(table.get_by_role("row")).to_have_count(3)  # header + two tasks of Hội Nông dân
    expect(table).not_to_contain_text("Nhiệm vụ riêng của Hội Phụ nữ")
    expect(table.get_by_role("row").filter(has_text="Rà soát các mô hình")).to_contain_text("Quá hạn")
    page.screenshot(path=artifacts / "directives-my-tasks.png", full_page=True)

    table.get_by_role("row").filter(has_text="hội viên DTTS").get_by_role("link", name="Cập nhật").click()
    expect(page.get_by_role("heading", name="Cập nhật tiến độ")).to_be_visible()

    # A wrong file first: refused, with the reason, and nothing saved.
    bad = tmp_path / "danh-sach.exe"
    bad.write_bytes(b"MZ\x90\x00")
    page.get_by_label("Đã hoàn thành").check()
    page.get_by_label("Kết quả, tiến độ thực hiện").fill("Đã rà soát 214 hội viên DTTS nghèo, 97 cận nghèo.")
    page.get_by_label(re.compile("Tệp minh chứng")).set_input_files(str(bad))
    page.get_by_role("button", name="Gửi cập nhật").click()
    expect(page.locator("#form-errors")).to_contain_text("Không nhận tệp “danh-sach.exe”")
    page.screenshot(path=artifacts / "directives-update-refused-file.png", full_page=True)

    good = tmp_path / "danh-sach-hoi-vien.pdf"
    good.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.get_by_label("Đã hoàn thành").check()
    page.get_by_label(re.compile("Tệp minh chứng")).set_input_files(str(good))
    page.get_by_role("button", name="Gửi cập nhật").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã ghi nhận cập nhật tiến độ nhiệm vụ")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hoàn thành đúng hạn")
    expect(page.get_by_role("link", name="danh-sach-hoi-vien.pdf")).to_be_visible()
    page.screenshot(path=artifacts / "directives-task-updated.png", full_page=True)

    task.refresh_from_db()
    assert task.state == TaskState.DONE and task.updates.get().evidence.count() == 1
