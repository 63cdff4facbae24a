"""The final review and the phase set page in a real browser at 1366×768: the province
secretariat reads Kon Rẫy's final review 2021–2025, then sets up 2026–2030 (copies the old
set, enters a target, sees an error, saves). Screenshots in var/test-artifacts/."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser_fixtures import sign_in
from vuonlen.accounts.roles import Role
from vuonlen.geo.models import Level
from vuonlen.indicators.models import PhaseGoal

from .factories import PhaseFactory, RollupFactory, TargetFactory
from .test_browser_dashboard import reseed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/phase")


@pytest.fixture
def closing(kontum):
    reseed()
    district = factories.unit("614", level=Level.DISTRICT)
    RollupFactory(unit=district, indicator="TL_NGHEO_CN", year=2021, denominator=100, numerator=40)
    RollupFactory(unit=district, indicator="TL_NGHEO_CN", year=2025, denominator=100, numerator=20)
    RollupFactory(unit=district, indicator="NEP_NGHI", year=2021, denominator=100, numerator=30)
    RollupFactory(unit=district, indicator="NEP_NGHI", year=2025, denominator=100, numerator=80)
    TargetFactory(unit=district, indicator="NEP_NGHI", year=2025, value=75)
    factories.make_user(Role.SECRETARIAT, kontum, username="thuongtruc.tinh.web")
    phase = PhaseFactory()
    return {"district": district, "phase": phase}


def _shot(page, artifacts, name):
    path = artifacts / name
    page.screenshot(path=path, full_page=False)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / name)


def test_final_review_and_phase_set(page, live_server, closing, artifacts):
    sign_in(page, "thuongtruc.tinh.web")
    page.goto(f"/chi-tieu/tong-ket/?don_vi={closing['district'].pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng kết giai đoạn 2021–2025 – Huyện Kon Rẫy")
    expect(page.locator("#base-note")).to_contain_text("Năm gốc của giai đoạn 2021–2025 là 2021")
    row = page.locator(f"#final-review tr[data-unit='{closing['district'].pk}'][data-indicator='GIAM_NGHEO']")
    expect(row).to_contain_text("5,00 điểm %")
    expect(row).to_contain_text("Không đạt")
    expect(row).to_contain_text("(40,0% − 20,0%) ÷ 4 năm")
    nep = page.locator(f"#final-review tr[data-unit='{closing['district'].pk}'][data-indicator='NEP_NGHI']")
    expect(nep).to_contain_text("Chỉ tiêu giao năm 2025")
    expect(nep.locator(".badge")).to_have_text("✓ Đạt")
    # readable at 1366 wide: the table fits without a horizontal scroll
    assert page.evaluate("document.querySelector('#final-review').scrollWidth <= "
                         "document.querySelector('#final-review').parentElement.clientWidth + 1")
    _shot(page, artifacts, "final-review.png")
    with page.expect_download() as download:
        page.get_by_role("link", name="Báo cáo Word (.docx)").click()
    assert download.value.suggested_filename.endswith(".docx")

    page.get_by_role("link", name="Bộ chỉ tiêu giai đoạn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bộ chỉ tiêu giai đoạn 2026–2030")
    expect(page.locator("#base-note")).to_contain_text("Năm gốc của giai đoạn 2026–2030 là 2026")
    page.get_by_role("button", name="Chép các chỉ tiêu của giai đoạn 2021–2025").click()
    expect(page.get_by_role("alert").or_(page.locator(".alert-success")).first).to_contain_text("thêm")
    page.get_by_label("Mục tiêu giai đoạn: Thay đổi nếp nghĩ, cách làm").fill("85")
    page.get_by_label("Mục tiêu giai đoạn: Ứng dụng khoa học, kỹ thuật").fill("120")
    page.get_by_role("button", name="Lưu bộ chỉ tiêu").click()
    expect(page.locator("#errors")).to_contain_text("Chưa lưu: có 1 lỗi.")
    expect(page.get_by_label("Mục tiêu giai đoạn: Thay đổi nếp nghĩ, cách làm")).to_have_value("85")
    _shot(page, artifacts, "phase-set-error.png")
    page.get_by_label("Mục tiêu giai đoạn: Ứng dụng khoa học, kỹ thuật").fill("50")
    page.get_by_role("button", name="Lưu bộ chỉ tiêu").click()
    expect(page.locator(".alert-success").first).to_contain_text(re.compile("2 mục tiêu giai đoạn được lưu"))
    assert PhaseGoal.objects.filter(phase=closing["phase"]).count() == 2
    _shot(page, artifacts, "phase-set.png")
