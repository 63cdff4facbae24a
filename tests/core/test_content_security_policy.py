"""The Content-Security-Policy allows no inline script or style, so no template may hold one:
every script is a static file, every style a class (checked here on the templates themselves,
and in a real browser by every browser test: tests/browser_fixtures.py)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = sorted(Path(settings.BASE_DIR, "vuonlen").glob("**/templates/**/*.html"))


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_no_inline_script_handler_or_style(path):
    html = path.read_text(encoding="utf-8")
    for tag in re.findall(r"<script\b[^>]*>", html):
        # A script with src, or data (json_script / type="application/json") that never runs.
        assert "src=" in tag or "application/json" in tag, f"{path}: inline script {tag}"
    assert not re.search(r"\son[a-z]+\s*=", html), f"{path}: inline event handler"
    assert not re.search(r"\sstyle\s*=", html), f"{path}: style attribute (use a class in css/app.css)"
    assert "hx-on" not in html and "javascript:" not in html, path


@pytest.mark.django_db
def test_every_page_sends_the_policy(client):
    response = client.get("/tai-khoan/dang-nhap/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
