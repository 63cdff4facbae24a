"""The rooms of the top bar and of the home page, filtered by what the person may do.

Rooms are declared here by URL name and permission name only; ``accounts`` is imported
inside the function because ``core`` sits below ``accounts`` in the import order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Room:
    url_name: str
    label: str
    hint: str
    perm: str | None  # None: everyone signed in
    url: str = ""


# (url name, label, one-line hint for the home page, permission name)
ROOMS = [
    ("home", _("Trang chủ"), "", None),
    ("geo:unit_list", _("Địa bàn"), _("Tỉnh, huyện, xã, thôn trong phạm vi của bạn"), "geo.view"),
    ("households:list", _("Hộ gia đình"),
     _("Sổ hộ nghèo, cận nghèo: nhân khẩu, rà soát hằng năm"), "households.view"),
    ("household_reports:tables", _("Biểu rà soát"),
     _("Năm biểu tổng hợp kết quả rà soát hộ nghèo, cận nghèo theo mẫu, xem và tải Excel"), "households.view"),
    ("accounts:organisation_list", _("Tổ chức"),
     _("Cơ quan, đơn vị, đoàn thể tham gia Cuộc vận động"), "accounts.view_organisation"),
    ("reporting:home", _("Báo cáo"), _("Báo cáo định kỳ: lập, gửi, tiếp nhận, theo dõi chấp hành"),
     "reporting.room"),
    ("directives:index", _("Chỉ đạo"),
     _("Văn bản chỉ đạo, nhiệm vụ được giao, thời hạn và tiến độ"), "directives.view"),
    ("twinning:index", _("Kết nghĩa"),
     _("Cơ quan, đơn vị, doanh nghiệp kết nghĩa với huyện, xã; hoạt động giúp đỡ và đánh giá hằng năm"),
     "twinning.view"),
    ("support:totals", _("Nguồn lực"),
     _("Sổ nguồn lực huy động: ai hỗ trợ gì, cho ai, từ nguồn nào; vốn vay ưu đãi"), "support.view"),
    ("initiatives:list", _("Mô hình"),
     _("Mô hình điểm, mô hình “Dân vận khéo”, nhà vườn kiểu mẫu: hộ tham gia, nguồn vốn, đánh giá"),
     "initiatives.view"),
    ("outreach:list", _("Tuyên truyền"),
     _("Tuyên truyền theo 10 nội dung Sổ tay, tập huấn, tham quan mô hình, giao ước thi đua"), "outreach.view"),
    ("campaign:index", _("Cuộc vận động"),
     _("Người phụ trách hộ, thăm hộ, đánh giá hộ thay đổi nếp nghĩ, cách làm"), "campaign.view"),
    ("surveys:list", _("Khảo sát thôn"),
     _("Khảo sát từng thôn: tình hình, kinh tế, nguyên nhân nghèo; bảng tổng hợp để lập kế hoạch"), "surveys.view"),
    ("plans:dashboard", _("Kế hoạch giúp hộ"),
     _("Kế hoạch từng hộ: nguyên nhân, mục tiêu, giải pháp, kết quả; hộ hội viên của các đoàn thể"), "plans.view"),
    ("indicators:home", pgettext_lazy("indicator", "Chỉ tiêu"),
     _("Bảng điều khiển: kết quả so với chỉ tiêu của từng đơn vị, đơn vị chậm tiến độ, giao chỉ tiêu"),
     "indicators.view"),
    ("core:audit_list", _("Nhật ký"), _("Ai đã thay đổi gì, khi nào"), "core.view_audit"),
]


def rooms_for(user) -> list[Room]:
    """The rooms this person may enter, in the bar's order. Drawn on every page, so the list is
    kept per process for each set of permissions (and language and URL prefix): which rooms
    show depends only on the permissions the person holds somewhere, computed afresh from their
    assignments on every request (``scoping.granted_anywhere``), so a role given or taken shows
    on the next page; only the labels and addresses are reused."""
    from vuonlen.accounts import scoping

    if user is None or not user.is_authenticated:
        return []
    granted = scoping.granted_anywhere(user)
    return list(_rooms(granted, get_language() or "", get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF))


@lru_cache(maxsize=256)
def _rooms(granted: frozenset[str] | None, language: str, prefix: str, urlconf) -> tuple[Room, ...]:
    """``granted`` None: every permission (a superuser). ``prefix`` and ``urlconf`` are part of
    the key only: ``reverse`` reads them itself."""
    rooms = []
    for url_name, label, hint, perm in ROOMS:
        if perm is not None and granted is not None and perm not in granted:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:  # a room whose pages are not written yet stays out of the bar
            continue
        rooms.append(Room(url_name, str(label), str(hint), perm, url))
    return tuple(rooms)


def current_room(rooms: list[Room], path: str) -> str:
    """The room whose address ``path`` lies under (a unit's page belongs to "Địa bàn")."""
    best = ""
    best_len = 0
    for room in rooms:
        if room.url == "/":
            matches = path == "/"
        else:
            matches = path.startswith(room.url)
        if matches and len(room.url) > best_len:
            best, best_len = room.url_name, len(room.url)
    return best
