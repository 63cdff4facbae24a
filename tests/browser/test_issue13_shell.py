"""Issue 13, item 8, in a real browser at 1366×768: the top bar on one line for every role (in
Vietnamese and in English), the date box and the file picker speaking the page's language in an
English-language browser. Screenshots go to var/test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser_fixtures import sign_in
from vuonlen.accounts.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = [Role.SYSADMIN, Role.SECRETARIAT, Role.REPORTING_UNIT, Role.COMMUNE_OFFICER, Role.MENTOR, Role.VIEWER]


def _one_line(page) -> tuple[int, float]:
    """The number of distinct rows the top bar's items sit on, and the bar's height."""
    tops = page.eval_on_selector_all(
        "nav.vl-navbar .navbar-brand, nav.vl-navbar .nav-link, nav.vl-navbar #account-menu, nav.vl-navbar .vl-lang",
        "els => els.filter(e => e.getClientRects().length)"
        "  .map(e => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2))")
    rows = {round(t / 8) for t in tops}
    height = page.eval_on_selector("nav.vl-navbar", "e => e.getBoundingClientRect().height")
    return len(rows), height


def test_the_top_bar_is_one_line_at_1366_for_every_role(page, kontum, artifacts):
    province = kontum
    for role in ROLES:
        user = factories.make_user(role, province, username=f"vai.tro.{role}", full_name="Nguyễn Thị Phương Thảo")
        page.context.clear_cookies()
        sign_in(page, user.username)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")
        rows, height = _one_line(page)
        page.screenshot(path=artifacts / f"topbar-{role}.png")
        assert rows == 1 and height < 64, f"{role}: {rows} dòng, cao {height}px"
    # The role with the most rooms, in English too.
    page.context.clear_cookies()
    sign_in(page, f"vai.tro.{Role.SYSADMIN}")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    rows, height = _one_line(page)
    page.screenshot(path=artifacts / "topbar-sysadmin-en.png")
    assert rows == 1 and height < 64, f"English: {rows} rows, {height}px"
