"""Issue 13 item 5: the Django admin reads in Vietnamese end to end.

Django's own Vietnamese catalogue lacks about 220 strings of recent releases ("Skip to main
content", "Toggle theme", "- Select an option -", the calendar's day names…);
`vuonlen/locale/vi/` supplies them, and LOCALE_PATHS puts it before Django's.
"""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LC = Path(settings.BASE_DIR) / "vuonlen" / "locale" / "vi" / "LC_MESSAGES"

pytestmark = pytest.mark.django_db


def test_admin_index_has_no_english_left(admin_client):
    # Vietnamese whatever the browser asks, as everywhere in the application.
    html = admin_client.get("/quan-tri/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Chuyển đến nội dung chính" in html
    assert "Đổi giao diện" in html and "Vươn Lên — quản trị kỹ thuật" in html
    assert "Django" not in html.split("</title>")[0]
    for english in ("Skip to main content", "Toggle theme", "Toggle navigation", "Breadcrumbs"):
        assert english not in html, english


def test_admin_change_list_filters_and_counts_in_vietnamese(admin_client):
    html = admin_client.get("/quan-tri/accounts/user/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Thực hiện" in html  # the actions "Run" button
    assert ">Run<" not in html and "Select all objects on this page" not in html


def test_admin_calendar_and_selector_scripts_in_vietnamese(admin_client):
    js = admin_client.get("/quan-tri/jsi18n/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Ch\\u1ee7 nh\\u1eadt" in js or "Chủ nhật" in js  # Sunday
    assert "Chọn tất cả %s" in js or "Ch\\u1ecdn t\\u1ea5t c\\u1ea3 %s" in js


def test_form_and_model_messages_in_vietnamese():
    with translation.override("vi"):
        assert translation.gettext("- Select an option -") == "- Chọn một mục -"
        assert translation.gettext("Enter a valid UUID.") == "Nhập UUID hợp lệ."
        assert translation.pgettext("Task", "Failed") == "Thất bại"


def test_english_chosen_with_the_switch_still_gets_english(admin_client):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = admin_client.get("/quan-tri/").content.decode()
    assert "Skip to main content" in html


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_compiled_vietnamese_catalogue_matches_the_source(domain):
    with (LC / f"{domain}.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    source = (LC / f"{domain}.po").read_text(encoding="utf-8")
    entries = source.count("\nmsgid ") - 1  # less the header
    assert len([k for k in compiled if k and (not isinstance(k, tuple) or k[1] == 0)]) == entries
