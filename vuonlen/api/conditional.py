"""Conditional GET for the API (issue 17): every successful GET under /api/ carries an ETag (a
hash of the body, Django's ``ConditionalGetMiddleware``), and a client that sends it back in
``If-None-Match`` gets ``304 Not Modified`` with no body while nothing it may see has changed.

Only the API: its JSON is the same for the same caller and data, while every HTML page carries a
fresh CSRF token, so a hash of a page would never match. The dashboards are kept cheap by the
figures cache instead (``indicators.figures_cache``)."""

from __future__ import annotations

from django.middleware.http import ConditionalGetMiddleware


class ApiConditionalGetMiddleware(ConditionalGetMiddleware):
    def process_response(self, request, response):
        if not request.path.startswith("/api/"):
            return response
        response = super().process_response(request, response)
        # The answer depends on who asks: a shared cache must never hand it to someone else.
        response.headers.setdefault("Cache-Control", "private, no-cache")
        return response
