"""Interface language: Vietnamese unless the person chose English with the switch."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    """Replaces Django's LocaleMiddleware, which follows the browser's Accept-Language.

    Many commune and district computers run an English Windows and browser; following the
    browser would greet Vietnamese officers in English. Only the cookie that Django's
    ``set_language`` view writes (the switch in the top bar) turns English on.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.codes = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in self.codes:
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", code)
        # Caches must keep one copy per language, and the language lives in a cookie.
        patch_vary_headers(response, ("Cookie",))
        return response
