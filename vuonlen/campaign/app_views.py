"""The offline mentor app (``/cuoc-van-dong/ung-dung/``): its shell page, web manifest and
service worker, the JSON the phone keeps, and the endpoint that takes the phone's queue.

The JSON endpoints answer 401 (not a redirect to the sign-in page) when the session is gone,
so that the service worker can drop the data it holds for that person."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from vuonlen.accounts import roles, scoping

from . import offline


def _require_app(user) -> None:
    if not scoping.can(user, roles.VISIT_LOG):
        raise Http404("Không tìm thấy")


def _unauthorised() -> JsonResponse:
    return JsonResponse({"error": _("Phiên đăng nhập đã hết; hãy đăng nhập lại")}, status=401)


@never_cache
def shell(request):
    """The app's page: no personal data in it (the service worker keeps it for offline use)."""
    _require_app(request.user)
    return render(request, "campaign/app.html", {"texts": app_texts()})


def app_texts() -> dict[str, str]:
    """The words the app's script shows, translated here (the script holds no text of its own)."""
    return {
        "pending": _("chờ gửi"), "sending": _("đang gửi"), "conflict": _("xung đột"),
        "invalid": _("có lỗi"), "not_found": _("không gửi được"),
        "visit": _("Lần thăm"), "assessment": _("Đánh giá năm"),
        "online": _("Đang có mạng"), "offline": _("Ngoại tuyến · lưu trên máy"),
        "data_of": _("Dữ liệu tải lúc"), "stale": _("Dữ liệu trên máy đã quá %(days)s ngày; hãy kết nối mạng để tải lại."),
        "no_data": _("Chưa có dữ liệu trên máy; hãy mở ứng dụng khi có mạng."),
        "never_visited": _("Chưa thăm"), "last_visit": _("Thăm lần cuối"),
        "log_visit": _("Ghi lần thăm"), "assess": _("Đánh giá"),
        "saved_local": _("Đã lưu trên máy, chờ gửi"), "sent": _("Đã gửi %(n)s mục lên máy chủ"),
        "need_topic": _("Hãy chọn chủ đề hoặc ghi nội dung đã trao đổi"), "need_date": _("Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 07/06/2023"),
        "keep_mine": _("Giữ bản của tôi"), "take_theirs": _("Lấy bản trên máy chủ"), "discard": _("Bỏ"),
        "keep": _("Giữ lại, gửi sau"), "server_copy": _("Bản trên máy chủ"), "my_copy": _("Bản của tôi"),
        "met": _("đạt"), "not_met": _("chưa"), "photo_error": _("Không đọc được ảnh"),
        "confirm_signout": _("Còn %(n)s mục chưa gửi. Đăng xuất sẽ xoá chúng khỏi máy. Vẫn đăng xuất?"),
        "session_ended": _("Phiên đăng nhập đã hết; hãy đăng nhập lại để gửi."),
    }


@login_not_required  # no personal data: the worker and manifest load even after a session ends
@require_GET
def service_worker(request):
    response = render(request, "campaign/app/sw.js", content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required  # no personal data: the worker and manifest load even after a session ends
@require_GET
def manifest(request):
    return render(request, "campaign/app/manifest.webmanifest",
                  content_type="application/manifest+json; charset=utf-8")


@login_not_required  # answers 401 JSON itself: the phone's app reads it, not a person
@require_GET
@never_cache
def data(request):
    if not request.user.is_authenticated:
        return _unauthorised()
    _require_app(request.user)
    payload = offline.app_data(request.user)
    payload["csrf_token"] = get_token(request)
    return JsonResponse(payload)


@login_not_required  # answers 401 JSON itself, keeping the phone's queue
@require_POST
def sync(request):
    """The phone's queue: ``{"items": [...]}`` → ``{"results": [...]}``, one answer per item
    (CSRF-checked like every POST; the app sends the token from :func:`data`)."""
    if not request.user.is_authenticated:
        return _unauthorised()
    _require_app(request.user)
    try:
        body = json.loads(request.body)
        results = offline.sync(request.user, body)
    except (ValueError, UnicodeDecodeError) as exc:
        message = str(exc) if isinstance(exc, offline.BadRequest) else _("Dữ liệu gửi lên không phải JSON hợp lệ")
        return JsonResponse({"error": message}, status=400)
    return JsonResponse({"results": results})
