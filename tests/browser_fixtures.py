"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live
server. Skipped, with the reason, on machines without Chromium — except in CI (``CI=true``),
where a missing Chromium fails the run: a green CI must mean the browser tests ran."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from tests import factories

# Playwright's sync API keeps an event loop running in this thread; Django would otherwise
# refuse the test's own database calls (creating users) as "async-unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"
DESKTOP = {"width": 1366, "height": 768}  # the commonest office laptop screen
PHONE = {"width": 390, "height": 844}


def require_chromium() -> str:
    """The Chromium to drive, or skip (a developer's machine) / fail (CI) when there is none."""
    if CHROMIUM is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Chromium không có trên máy CI: kiểm thử trình duyệt không được bỏ qua "
                        "(.ci/run cài chromium; xem apt-get install chromium)", pytrace=False)
        pytest.skip("Chromium không có trên máy: bỏ qua kiểm thử trình duyệt (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser():
    chromium = require_chromium()
    from playwright.sync_api import expect, sync_playwright

    # A two-core CI machine running the live server and Chromium side by side is slow at times:
    # wait up to 20 s for what a person would see, rather than Playwright's default 5 s.
    expect.set_options(timeout=20_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def watch_csp(page) -> list[str]:
    """Collect the Content-Security-Policy violations Chromium reports on the console ("Refused
    to execute inline script…", "Refused to apply inline style…", "Refused to load…")."""
    violations: list[str] = []

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or text.startswith("Refused to"):
            violations.append(f"{page.url}: {text}")

    page.on("console", on_console)
    return violations


@pytest.fixture
def page(browser, live_server, kontum):
    """A fresh browser context (no cookies) on the live server. ``kontum`` reloads the units
    that the live server's transactional database flushes after every test.

    Every browser test also checks the Content-Security-Policy: a violation on any page it
    visited fails it."""
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.set_default_timeout(30_000)
    page = context.new_page()
    violations = watch_csp(page)
    yield page
    context.close()
    assert not violations, "Vi phạm Content-Security-Policy:\n" + "\n".join(violations)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def sign_in(page, username: str, password: str = factories.PASSWORD) -> None:
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def open_room(page, name: str) -> None:
    """Click a room in the top bar. At 1366 px a person with many rooms finds the later ones
    under "Thêm" (issue 13: the bar stays on one line), so open it when the room is there."""
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    inline = nav.locator("ul.vl-rooms > li.nav-item > a.nav-link").get_by_text(name, exact=True)
    if inline.count() and inline.first.is_visible():
        inline.first.click()
        return
    nav.get_by_role("button", name="Thêm").click()
    nav.locator(".dropdown-menu").get_by_role("link", name=name, exact=True).click()
