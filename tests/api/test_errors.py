"""Every API error is JSON in one shape, in Vietnamese; every parameter is bounded (a huge page
number was a 500 with an HTML page); the schema documents what is returned."""

import json

import pytest

from tests import factories
from vuonlen.accounts.roles import Role

pytestmark = pytest.mark.django_db

API = "/api/v1"


def assert_json_error(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    return body["detail"]


@pytest.fixture
def officer(client, officer_a):
    client.force_login(officer_a)
    return client


@pytest.mark.parametrize("params", [
    {"page": 10**20}, {"page": 2**63}, {"page_size": 10**20}, {"page": 0}, {"page_size": 0}, {"page": "x"},
])
def test_huge_or_bad_paging_is_a_422_naming_the_field(officer, household_a, params):
    for url in (f"{API}/households", f"{API}/reviews"):
        response = officer.get(url, params)
        assert response.status_code == 422, (url, params, response.content)
        [problem] = response.json()["detail"]
        field = next(iter(params))
        assert problem["loc"] == ["query", field] and problem["msg"].startswith(f"{field}: phải")


def test_the_last_allowed_page_answers_empty(officer, household_a):
    body = officer.get(f"{API}/households", {"page": 100_000, "page_size": 100}).json()
    assert body == {"items": [], "count": 1, "next": None}


@pytest.mark.parametrize(("url", "params", "field"), [
    ("/households/{hh}", {}, None),
    ("/households", {"unit": 10**20}, "unit"),
    ("/households", {"year": 99999}, "year"),
    ("/households", {"status": "rich"}, "status"),
    ("/households", {"q": "x" * 101}, "q"),
    ("/households", {"q": "a\x00b"}, "q"),
    ("/reviews", {"year": -1}, "year"),
])
def test_every_parameter_is_bounded(officer, household_a, url, params, field):
    if field is None:
        response = officer.get(f"{API}/households/{10**20}")
        field = "household_id"
    else:
        response = officer.get(API + url, params)
    assert response.status_code == 422, response.content
    problems = response.json()["detail"]
    assert [p["loc"][-1] for p in problems] == [field]
    assert problems[0]["msg"].startswith(f"{field}: ")


def test_all_errors_of_a_request_at_once(officer, household_a):
    response = officer.get(f"{API}/households", {"page": 0, "page_size": 1000, "year": 1, "area": "moon"})
    assert response.status_code == 422
    assert {p["loc"][-1] for p in response.json()["detail"]} == {"page", "page_size", "year", "area"}


def test_unauthenticated_is_401_json_not_a_login_redirect(client, household_a):
    for url in ("/households", f"/households/{household_a.pk}", "/reviews", "/indicators/"):
        assert assert_json_error(client.get(API + url), 401) == "Cần đăng nhập để dùng API này"


def test_out_of_scope_is_404_json_in_vietnamese(officer, household_b):
    assert assert_json_error(officer.get(f"{API}/households/{household_b.pk}"), 404) == "Không tìm thấy"


def test_unknown_path_and_wrong_method_are_json(officer):
    assert assert_json_error(officer.get(f"{API}/no-such-thing"), 404) == "Không tìm thấy"
    response = officer.delete(f"{API}/households")
    assert assert_json_error(response, 405) == "Phương thức không được hỗ trợ ở địa chỉ này"
    assert "GET" in response["Allow"]


def test_forbidden_write_is_403_json(client, viewer_district, household_a):
    client.force_login(viewer_district)
    response = client.post(f"{API}/households/{household_a.pk}/reviews", {"year": 2023, "income_per_capita": 1},
                           content_type="application/json")
    assert_json_error(response, 403)


def test_missing_csrf_token_is_403_json(officer_a, household_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_a)
    response = client.post(f"{API}/households/{household_a.pk}/reviews", {"year": 2023},
                           content_type="application/json")
    assert_json_error(response, 403)


def test_a_crash_is_a_json_500_without_the_traceback(officer, household_a, monkeypatch):
    from vuonlen.households import selectors

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "household_list", boom)
    response = officer.get(f"{API}/households")
    detail = assert_json_error(response, 500)
    assert "secret" not in detail and "Traceback" not in detail


def test_bad_json_body_is_422(client):
    response = client.post(f"{API}/poverty/classify", "{not json", content_type="application/json")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body"]


def test_english_speakers_get_english_errors(client, commune_a):
    user = factories.make_user(Role.COMMUNE_OFFICER, commune_a)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.get(f"{API}/households", {"page": 0})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "page: must be greater than or equal to 1"


def test_schema_documents_every_error(officer):
    paths = officer.get(f"{API}/openapi.json").json()["paths"]
    for path, methods in paths.items():
        for method, operation in methods.items():
            codes = set(operation["responses"])
            public = path.startswith("/api/v1/poverty/")
            expected = {"404", "422"} if public else {"401", "403", "404", "422"}
            assert expected <= codes, (method, path, codes)
            detail = operation["responses"]["422"]["content"]["application/json"]["schema"]
            assert detail == {"$ref": "#/components/schemas/Problems"}


def test_an_id_number_never_travels_in_an_api_url(officer, household_a, household_b):
    for q in ("062080001234", "062 080 001 234", "062080001"):
        response = officer.get(f"{API}/households", {"q": q})
        assert response.status_code == 422
        [problem] = response.json()["detail"]
        assert problem["loc"] == ["query", "q"] and "POST /api/v1/households/search" in problem["msg"]
    response = officer.post(f"{API}/households/search?page_size=10", {"q": "062080001234"},
                            content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["items"][0]["code"] == "QT-001"
    # Out of scope stays out of reach by ID too.
    response = officer.post(f"{API}/households/search", {"q": "062175005678"}, content_type="application/json")
    assert response.json()["count"] == 0
    response = officer.post(f"{API}/households/search", {"q": "x" * 101, "year": 1}, content_type="application/json")
    assert response.status_code == 422
    assert {p["loc"][-1] for p in response.json()["detail"]} == {"q", "year"}


def test_a_login_redirect_under_the_api_becomes_a_401(rf):
    from django.contrib.auth.views import redirect_to_login
    from django.utils import translation

    from vuonlen.api.errors import ApiJsonErrorsMiddleware

    middleware = ApiJsonErrorsMiddleware(lambda request: redirect_to_login("/api/v1/x"))
    with translation.override("vi"):
        response = middleware(rf.get("/api/v1/x"))
    assert response.status_code == 401
    assert json.loads(response.content) == {"detail": "Cần đăng nhập để dùng API này"}
    page = ApiJsonErrorsMiddleware(lambda request: redirect_to_login("/ho-gia-dinh/"))(rf.get("/ho-gia-dinh/"))
    assert page.status_code == 302  # pages still send people to the login form
