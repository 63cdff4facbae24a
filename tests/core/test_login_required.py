"""Every page needs a login (LoginRequiredMiddleware); only the pages meant for everyone say
otherwise, and the API answers 401 JSON instead of sending a program to the login page."""

from django.urls import URLPattern, URLResolver, get_resolver, reverse

# The views anyone may open: the login itself, logging out, the language switch, the public
# showcase of models (no personal data), the API (ninja checks the session: 401 JSON) and the
# offline mentor app's worker, manifest and JSON endpoints (no personal data, or 401 JSON themselves).
PUBLIC_PREFIXES = ("tai-khoan/dang-nhap/", "tai-khoan/dang-xuat/", "i18n/setlang/", "trien-lam/", "api/v1/",
                   "quan-tri/login/", "cuoc-van-dong/ung-dung/sw.js", "cuoc-van-dong/ung-dung/manifest.webmanifest",
                   "cuoc-van-dong/ung-dung/du-lieu/", "cuoc-van-dong/ung-dung/gui/")


def _patterns(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_only_the_public_pages_are_open_without_a_login():
    open_paths = sorted(path for path, view in _patterns(get_resolver()) if not getattr(view, "login_required", True))
    assert open_paths, "the login page at least is public"
    assert [path for path in open_paths if not path.startswith(PUBLIC_PREFIXES)] == []
    assert "tai-khoan/dang-nhap/" in open_paths and "trien-lam/" in open_paths


def test_a_room_page_sends_a_visitor_to_the_login_page(client, db):
    for name in ("home", "households:list", "reporting:list", "directives:index", "support:totals"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login") + "?next="), name


def test_the_public_showcase_and_login_page_open_without_a_login(client, db):
    assert client.get(reverse("showcase:index")).status_code == 200
    assert client.get(reverse("accounts:login")).status_code == 200


def test_the_api_answers_401_json_and_its_public_part_answers(client, db):
    response = client.get("/api/v1/households")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json") and "detail" in response.json()
    assert client.get("/api/v1/poverty/standards").status_code == 200
