"""The inbox in a real browser: the badge in the top bar, the list, opening an item, the contact
preferences; at 1366×768 and on a phone. Screenshots under /tmp/inbox/."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import PHONE, sign_in
from tests.messaging.test_inbox import _task
from tests.reporting.conftest import vn
from vuonlen.core.periods import today_vn
from vuonlen.messaging.inbox import collect
from vuonlen.messaging.models import ContactPreference

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/inbox")


def test_inbox_badge_list_open_and_contact(page, world):
    SHOTS.mkdir(parents=True, exist_ok=True)
    task = _task(world, world.farmers, today_vn() + dt.timedelta(days=2), "Rà soát, báo cáo các mô hình chăn nuôi")
    collect(users=[world.farmers_user], today=dt.date(2023, 6, 3), now=vn(2023, 6, 3))
    collect(users=[world.youth_user], today=dt.date(2023, 6, 3), now=vn(2023, 6, 3))
    # Tasks are read at today's date: the 2023 reports stay, the task joins.
    from vuonlen.messaging.inbox import collect_for
    from vuonlen.messaging.models import InboxItem

    reports = set(InboxItem.objects.filter(user=world.farmers_user).values_list("key", flat=True))
    collect_for(world.farmers_user)
    InboxItem.objects.filter(user=world.farmers_user, key__in=reports).update(resolved_at=None)

    sign_in(page, world.farmers_user.username)
    badge = page.locator("#inbox-badge")
    expect(badge).to_have_accessible_name("Hộp thư: 3 việc chưa đọc")
    expect(page.get_by_role("banner")).not_to_contain_text("{#")
    # The badge sits on the top bar's one line, beside the account menu.
    account = page.locator("#account-menu")
    assert abs(badge.bounding_box()["y"] - account.bounding_box()["y"]) < 8
    badge.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hộp thư")
    rows = page.get_by_role("listitem")
    expect(rows.filter(has_text="Báo cáo quá hạn")).to_have_count(1)
    expect(rows.filter(has_text="Nhiệm vụ sắp đến hạn")).to_contain_text("Rà soát, báo cáo các mô hình chăn nuôi")
    expect(page.get_by_text("Huyện đoàn")).to_have_count(0)
    page.screenshot(path=SHOTS / "inbox-1366.png", full_page=True)

    rows.filter(has_text="Nhiệm vụ sắp đến hạn").get_by_role("button", name="Mở để xử lý").click()
    expect(page).to_have_url(re.compile(rf"/chi-dao/nhiem-vu/{task.pk}/$"))
    expect(page.locator("#inbox-badge")).to_have_accessible_name("Hộp thư: 2 việc chưa đọc")

    page.set_viewport_size(PHONE)
    page.goto("/hop-thu/")
    page.screenshot(path=SHOTS / "inbox-phone.png", full_page=True)

    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_role("link", name="Cách nhận tin").click()
    page.get_by_label("Nhận tin báo việc mới qua").select_option("sms")
    page.get_by_label("Số điện thoại di động (nhận SMS)").fill("12345")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Số điện thoại không hợp lệ")).to_be_visible()
    page.screenshot(path=SHOTS / "contact-error.png", full_page=True)
    page.get_by_label("Số điện thoại di động (nhận SMS)").fill("0912 345 678")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu cách nhận tin của bạn.")).to_be_visible()
    assert ContactPreference.objects.get(user=world.farmers_user).phone == "0912345678"
