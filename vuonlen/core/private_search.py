"""Searches whose words never appear in a URL.

A household search is a name or a citizen ID number; as a GET query string it lands in the
web server's access log, the proxy's log, the browser's history and the Referer of the next
page. So the search box posts (method="post"), and the list view answers with a redirect to its
own URL where the words are replaced by an opaque token (``?tim=Xy3…``) that only this session
can read back. Every other filter (unit, year, status, page, page size) stays in the URL as
before, so paging, sorting, bookmarks of filters and ``{% querystring %}`` links keep working.

Use :func:`private_search` on a GET list view, and read the parameters with the words put back
from ``request.search_params`` (a QueryDict like ``request.GET``).
"""

from __future__ import annotations

import secrets
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect, QueryDict
from django.utils.translation import gettext as _

FIELD = "q"  # the words
TOKEN = "tim"  # their stand-in in the URL
SESSION_KEY = "vl_private_searches"
KEEP = 20  # searches remembered per session
MAX_LENGTH = 200
NOT_IN_URL = {"csrfmiddlewaretoken", FIELD, TOKEN}


def _remember(request: HttpRequest, words: str) -> str:
    saved: dict[str, str] = request.session.get(SESSION_KEY, {})
    for token, known in saved.items():
        if known == words:
            return token
    token = secrets.token_urlsafe(6)
    saved[token] = words
    request.session[SESSION_KEY] = dict(list(saved.items())[-KEEP:])
    return token


def _recall(request: HttpRequest, token: str) -> str | None:
    return request.session.get(SESSION_KEY, {}).get(token)


def _redirect_without_words(request: HttpRequest, data: QueryDict) -> HttpResponseRedirect:
    """303 to this path with every field of ``data`` but the words, which become a token."""
    query = QueryDict(mutable=True)
    for key, values in data.lists():
        if key not in NOT_IN_URL:
            # Empty values too: as a GET form sends them, so "the form was sent" stays visible.
            query.setlist(key, values)
    words = (data.get(FIELD) or "").strip()[:MAX_LENGTH]
    if words:
        query[TOKEN] = _remember(request, words)
    url = request.path + (f"?{query.urlencode()}" if query else "")
    return HttpResponseRedirect(url, status=303)


def search_params(request: HttpRequest) -> QueryDict:
    """``request.GET`` with the words of the token put back under ``q`` (empty if none)."""
    params = request.GET.copy()
    params.pop(TOKEN, None)
    token = request.GET.get(TOKEN)
    words = _recall(request, token) if token else None
    if words:
        params[FIELD] = words
    return params


def private_search(view):
    """POST (the search form) or a GET that still carries ``q`` (an old bookmark): redirect to the
    token URL. GET with an unknown token (another session's link, an expired session): drop it
    and say so. Otherwise run the view with ``request.search_params``."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method == "POST":
            return _redirect_without_words(request, request.POST)
        if FIELD in request.GET:
            return _redirect_without_words(request, request.GET)
        token = request.GET.get(TOKEN)
        if token and _recall(request, token) is None:
            messages.info(request, _("Lượt tìm trước đã hết hạn; hãy nhập lại từ cần tìm."))
            return _redirect_without_words(request, request.GET)
        request.search_params = search_params(request)
        return view(request, *args, **kwargs)

    return wrapper
