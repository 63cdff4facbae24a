"""Browser tests are skipped on a machine without Chromium, but CI (CI=true) fails instead, so
a green CI always means the browser tests really ran."""

import pytest
from _pytest.outcomes import Failed, Skipped

from tests import browser_fixtures


def test_without_chromium_a_developer_machine_skips(monkeypatch):
    monkeypatch.setattr(browser_fixtures, "CHROMIUM", None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(Skipped, match="Chromium"):
        browser_fixtures.require_chromium()


def test_without_chromium_ci_fails(monkeypatch):
    monkeypatch.setattr(browser_fixtures, "CHROMIUM", None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(Failed, match="Chromium không có trên máy CI"):
        browser_fixtures.require_chromium()


def test_with_chromium_ci_runs(monkeypatch):
    monkeypatch.setattr(browser_fixtures, "CHROMIUM", "/usr/bin/chromium")
    monkeypatch.setenv("CI", "true")
    assert browser_fixtures.require_chromium() == "/usr/bin/chromium"


def test_ci_script_installs_chromium():
    script = (browser_fixtures.Path(__file__).parents[2] / ".ci" / "run").read_text()
    assert "command -v chromium" in script and "need+=(chromium)" in script
    assert "apt-get install" in script and "export CI=true" in script
