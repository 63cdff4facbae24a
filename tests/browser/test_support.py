"""The ledger's totals page in a real browser, as the provincial secretariat: the headline
("… tỷ đồng hỗ trợ … hộ") one click from the top bar, a district's row opening its communes.
Screenshots go to var/test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import open_room, sign_in
from tests.twinning.worlds import D, World
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.support import services
from vuonlen.support.models import Kind, Source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(kontum, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return World()


def test_secretariat_opens_the_totals_in_one_click(page, world, artifacts):
    households = world.households(3) + world.households(2, unit=world.commune2, prefix="K")
    for index, household in enumerate(households):
        services.entry_record(actor=SYSTEM, source=Source.NTP_POVERTY, kind=Kind.LIVESTOCK,
                              value_vnd=(index + 1) * 10_000_000, date=D(2021, 6, index + 1), household=household,
                              description="Bò giống sinh sản")
    services.entry_record(actor=SYSTEM, source=Source.SOCIAL, kind=Kind.MATERIALS, value_vnd="500.000.000",
                          date=D(2022, 3, 2), unit=world.village2, description="Bê tông hóa đường nội thôn")
    services.entry_record(actor=SYSTEM, source=Source.POLICY_BANK, kind=Kind.LOAN, value_vnd=50_000_000,
                          date=D(2023, 1, 5), household=households[0], giver=world.bank, loan_term_months=36)

    sign_in(page, world.province_secretary.username)
    open_room(page, "Nguồn lực")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng hợp nguồn lực huy động")
    headline = page.locator("#headline")
    expect(headline).to_contain_text("0,7 tỷ đồng")  # 150 + 500 + 50 million
    expect(headline).to_contain_text("5 hộ")
    page.screenshot(path=artifacts / "support-totals.png", full_page=True)

    page.locator("section:has(#by-unit)").get_by_role("link", name=world.district.name).click()
    expect(page.locator("section:has(#by-unit)")).to_contain_text(world.commune.name)
    page.screenshot(path=artifacts / "support-totals-district.png", full_page=True)
