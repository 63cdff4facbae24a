"""The "Biểu rà soát" page in a real browser: a district viewer picks a table, reads it, switches
to another one (htmx swaps the table only) and downloads it. Screenshots in var/test-artifacts/."""

from __future__ import annotations

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser_fixtures import sign_in
from tests.households.test_movements import history
from vuonlen.accounts.roles import Role
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.households import services
from vuonlen.households.movements import NEAR_POOR, POOR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district_data(commune_a, commune_b):
    for statuses in [(POOR, POOR, NEAR_POOR), (None, POOR, "average"), (None, NEAR_POOR, POOR), (POOR, "average", POOR),
                     (None, None, POOR), (None, POOR, POOR)]:
        history(commune_a, *statuses, persons=3)
    history(commune_b, None, POOR, NEAR_POOR, persons=5)
    services.population_base_set(actor=SYSTEM, commune=commune_a, year=2023, households_total=3020, persons_total=12231)
    return factories.make_user(Role.VIEWER, commune_a.parent, username="lanhdao.tpkt")


def test_viewer_reads_the_tables_and_downloads_one(page, live_server, district_data, commune_a, artifacts):
    sign_in(page, "lanhdao.tpkt")
    page.get_by_role("link", name="Biểu rà soát").first.click()
    expect(page.get_by_role("heading", name="Biểu tổng hợp kết quả rà soát")).to_be_visible()
    page.get_by_label("Địa bàn").select_option(label="Thành phố Kon Tum")
    page.get_by_label("Năm rà soát").select_option("2023")
    page.get_by_role("button", name="Xem biểu").click()
    expect(page.get_by_role("heading", name="TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO, HỘ LÀM NÔNG, LÂM, "
                                            "NGƯ NGHIỆP CÓ MỨC SỐNG TRUNG BÌNH")).to_be_visible()
    row = page.locator("tr", has=page.get_by_role("rowheader", name="Phường Quang Trung"))
    expect(row).to_contain_text("3.020")  # Vietnamese thousands
    page.screenshot(path=artifacts / "official-table-01.png", full_page=False)
    page.get_by_role("combobox", name="Biểu").select_option("02")  # htmx: only the table changes
    expect(page.get_by_role("heading", name="TỔNG HỢP DIỄN BIẾN HỘ NGHÈO")).to_be_visible()
    expect(page.get_by_text("9=1-2-3-4+5+6+7+8")).to_be_visible()
    page.screenshot(path=artifacts / "official-table-02.png", full_page=False)
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải Excel", exact=True).click()
    download = info.value
    assert download.suggested_filename.startswith("bieu-02-608-pre2025-2023")
    workbook = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    assert workbook.sheetnames == ["02 Diễn biến hộ nghèo"]
