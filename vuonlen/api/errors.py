"""One shape for every error the API gives, in Vietnamese, always JSON.

- 401, 403, 404, 405, 500: ``{"detail": "<message>"}`` (:class:`Message`)
- 422: ``{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`` (:class:`Problems`), every
  problem at once, each naming its field (``loc`` ends with the field's name; ``msg`` starts
  with it).

The handlers are installed on the NinjaAPI (:func:`install`). What never reaches an operation —
an unknown path under /api/, a method the path does not take (405), a CSRF refusal — is turned
into the same JSON by :class:`ApiJsonErrorsMiddleware`, so no API caller ever gets an HTML page
or a redirect to the login page.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

logger = logging.getLogger("vuonlen.api")

API_PREFIX = "/api/"


class Message(Schema):
    detail: str


class Problem(Schema):
    loc: list[str]
    msg: str
    type: str = "value_error"


class Problems(Schema):
    detail: list[Problem]


def responses(ok: Any, *, status: int = 200, public: bool = False, **extra: Any) -> dict:
    """The documented responses of one operation: its success, then every error it can give.
    Public operations (no session needed) cannot answer 401 or 403."""
    errors = {404: Message, 422: Problems} if public else {401: Message, 403: Message, 404: Message, 422: Problems}
    return {status: ok, **errors, **extra}


def problem(field: str, msg: str, *, where: str = "body", type: str = "value_error") -> dict:
    return {"loc": [where, field] if field else [where], "msg": msg, "type": type}


def _messages() -> dict[str, str]:
    # Looked up at request time so the caller's language applies.
    return {
        "missing": _("bắt buộc phải có"),
        "int_parsing": _("phải là số nguyên"),
        "int_type": _("phải là số nguyên"),
        "int_from_float": _("phải là số nguyên"),
        "float_parsing": _("phải là số"),
        "float_type": _("phải là số"),
        "finite_number": _("phải là số hữu hạn"),
        "bool_parsing": _("phải là true hoặc false"),
        "bool_type": _("phải là true hoặc false"),
        "date_parsing": _("phải là ngày dạng YYYY-MM-DD"),
        "date_from_datetime_parsing": _("phải là ngày dạng YYYY-MM-DD"),
        "date_from_datetime_inexact": _("phải là ngày dạng YYYY-MM-DD"),
        "date_type": _("phải là ngày dạng YYYY-MM-DD"),
        "greater_than_equal": _("phải lớn hơn hoặc bằng %(ge)s"),
        "greater_than": _("phải lớn hơn %(gt)s"),
        "less_than_equal": _("phải nhỏ hơn hoặc bằng %(le)s"),
        "less_than": _("phải nhỏ hơn %(lt)s"),
        "string_too_long": _("dài quá %(max_length)s ký tự"),
        "string_type": _("phải là chuỗi ký tự"),
        "string_pattern_mismatch": _("không đúng dạng"),
        "literal_error": _("phải là một trong: %(expected)s"),
        "enum": _("phải là một trong: %(expected)s"),
        "json_invalid": _("nội dung không phải JSON hợp lệ"),
        "model_attributes_type": _("nội dung phải là một đối tượng JSON"),
        "dict_type": _("phải là một đối tượng JSON"),
        "list_type": _("phải là một danh sách"),
    }


def vietnamese_problems(errors: list[dict]) -> list[dict]:
    """Pydantic's English errors as Vietnamese problems, the field named in ``loc`` and ``msg``."""
    messages = _messages()
    out = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        kind = error.get("type", "value_error")
        ctx = {k: (v if isinstance(v, (int, float, str)) else str(v)) for k, v in (error.get("ctx") or {}).items()}
        if kind == "value_error" and "error" in ctx:
            text = ctx["error"]  # our own validators' messages, already Vietnamese
        elif kind in messages:
            try:
                text = messages[kind] % ctx
            except (KeyError, TypeError, ValueError):
                text = messages[kind].split("%")[0].strip()
        else:
            text = _("giá trị không hợp lệ")
        field = next((part for part in reversed(loc) if not part.isdigit()), "") if loc else ""
        out.append({"loc": loc, "msg": f"{field}: {text}" if field else text, "type": kind})
    return out


def _json(request: HttpRequest, api, payload: dict, status: int) -> HttpResponse:
    return api.create_response(request, payload, status=status)


def install(api) -> None:
    """Replace django-ninja's default handlers (English text, HTML 500 page) with ours."""

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        return _json(request, api, {"detail": vietnamese_problems(exc.errors)}, 422)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return _json(request, api, {"detail": _("Cần đăng nhập để dùng API này")}, 401)

    @api.exception_handler(AuthorizationError)
    def unauthorised(request, exc):
        return _json(request, api, {"detail": _("Không có quyền")}, 403)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return _json(request, api, {"detail": str(exc) or _("Không có quyền")}, 403)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        # Django's own texts ("No Household matches…") are English and name the model: one text.
        return _json(request, api, {"detail": _("Không tìm thấy")}, 404)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if exc.status_code == 400:
            # django-ninja's only 400: a body it cannot parse. Bad input is a 422 everywhere.
            return _json(request, api, {"detail": [problem("", _("nội dung không phải JSON hợp lệ"))]}, 422)
        if exc.status_code == 422:
            return _json(request, api, {"detail": [problem("", str(exc))]}, 422)
        return _json(request, api, {"detail": str(exc)}, exc.status_code)

    @api.exception_handler(Exception)
    def server_error(request, exc):
        # The traceback goes to the log (with the path, never the query string or body); the
        # caller gets a short JSON message, in production and in development alike.
        logger.exception("API error at %s %s", request.method, request.path)
        return _json(request, api, {"detail": _("Lỗi máy chủ; lỗi đã được ghi lại để xử lý")}, 500)


def _fallback_message(status: int) -> str:
    return {
        401: _("Cần đăng nhập để dùng API này"),
        403: _("Không có quyền"),
        404: _("Không tìm thấy"),
        405: _("Phương thức không được hỗ trợ ở địa chỉ này"),
        413: _("Yêu cầu quá lớn"),
    }.get(status, _("Lỗi máy chủ; lỗi đã được ghi lại để xử lý") if status >= 500 else _("Yêu cầu không hợp lệ"))


class ApiJsonErrorsMiddleware:
    """Under /api/, an error response that is not JSON (Django's 404 page for an unknown path,
    the 405 of a path that does not take that method, the CSRF failure page, a redirect to the
    login page) becomes ``{"detail": "..."}`` with the same status; an exception that escaped
    becomes a JSON 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX):
            return response
        if response.status_code in (301, 302, 303, 307, 308) and \
                response.get("Location", "").startswith(resolve_url(settings.LOGIN_URL)):
            return self._json(response, 401)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            return self._json(response, response.status_code)
        return response

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not request.path.startswith(API_PREFIX):
            return None
        if isinstance(exc, Http404):
            return JsonResponse({"detail": _fallback_message(404)}, status=404)
        if isinstance(exc, PermissionDenied):
            return JsonResponse({"detail": _fallback_message(403)}, status=403)
        logger.exception("API error at %s %s", request.method, request.path)
        return JsonResponse({"detail": _fallback_message(500)}, status=500)

    @staticmethod
    def _json(response: HttpResponse, status: int) -> HttpResponse:
        new = JsonResponse({"detail": _fallback_message(status)}, status=status,
                           json_dumps_params={"ensure_ascii": False})
        if response.has_header("Allow"):
            new["Allow"] = response["Allow"]
        return new


__all__ = ["Message", "Problem", "Problems", "responses", "problem", "install", "ApiJsonErrorsMiddleware"]
