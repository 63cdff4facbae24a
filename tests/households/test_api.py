"""/api/v1/ for the registry: scoped like the pages, paginated, IDs masked, Vietnamese 422s."""

import pytest

from tests import factories
from vuonlen.accounts.roles import Role

from .factories import HouseholdFactory, ReviewFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def api_officer(client, officer_a):
    client.force_login(officer_a)
    return client


def test_needs_a_session(client, household_a):
    assert client.get(f"{API}/households").status_code == 401


def test_officer_sees_only_own_commune(api_officer, household_a, household_b):
    body = api_officer.get(f"{API}/households").json()
    assert body["count"] == 1 and [h["code"] for h in body["items"]] == ["QT-001"]
    assert body["items"][0]["member_count"] == 3 and body["items"][0]["commune_name"] == "Phường Quang Trung"
    assert api_officer.get(f"{API}/households", {"q": "y dom"}).json()["count"] == 0
    assert api_officer.post(f"{API}/households/search", {"q": "062175005678"},
                            content_type="application/json").json()["count"] == 0
    for path in ("", "/members", "/reviews"):
        assert api_officer.get(f"{API}/households/{household_b.pk}{path}").status_code == 404, path
    assert api_officer.post(f"{API}/households/{household_b.pk}/reviews", {"year": 2023, "income_per_capita": 1},
                            content_type="application/json").status_code == 404


def test_reviews_endpoint_is_scoped(api_officer, household_a, household_b, officer_b):
    ReviewFactory(household=household_a, year=2023)
    ReviewFactory(household=household_b, year=2023)
    body = api_officer.get(f"{API}/reviews", {"year": 2023}).json()
    assert body["count"] == 1 and body["items"][0]["household_id"] == household_a.pk
    assert api_officer.get(f"{API}/reviews", {"unit": household_b.commune_id}).json()["count"] == 0
    assert api_officer.get(f"{API}/reviews", {"year": 2022}).json()["count"] == 0


def test_district_viewer_sees_both_and_search_without_diacritics(client, viewer_district, household_a, household_b):
    client.force_login(viewer_district)
    assert client.get(f"{API}/households").json()["count"] == 2
    body = client.get(f"{API}/households", {"q": "hien"}).json()
    assert [h["code"] for h in body["items"]] == ["QT-001"]


def test_pagination_is_capped(api_officer, commune_a):
    for i in range(105):
        HouseholdFactory(unit=commune_a, members=[f"Người {i}"])
    body = api_officer.get(f"{API}/households").json()
    assert body["count"] == 105 and len(body["items"]) == 50
    assert len(api_officer.get(f"{API}/households", {"page_size": 100}).json()["items"]) == 100
    too_big = api_officer.get(f"{API}/households", {"page_size": 500})
    assert too_big.status_code == 422
    assert too_big.json()["detail"] == [{"loc": ["query", "page_size"], "msg": "page_size: phải nhỏ hơn hoặc bằng 100",
                                         "type": "less_than_equal"}]
    assert len(api_officer.get(f"{API}/households", {"page": 3, "page_size": 50}).json()["items"]) == 5


def test_members_with_masked_ids(client, officer_a, viewer_district, household_a):
    client.force_login(officer_a)
    members = client.get(f"{API}/households/{household_a.pk}/members").json()
    assert {m["full_name"] for m in members} == {"A Blong", "Y Hiên", "A Tuấn"}
    assert "062080001234" in [m["citizen_id"] for m in members]
    client.force_login(viewer_district)
    members = client.get(f"{API}/households/{household_a.pk}/members").json()
    assert "********1234" in [m["citizen_id"] for m in members]
    assert "062080001234" not in str(members)


def test_record_a_review(api_officer, household_a):
    response = api_officer.post(f"{API}/households/{household_a.pk}/reviews",
                                {"year": 2023, "income_per_capita": "1.800.000",
                                 "lacking": ["employment", "latrine", "telecom"], "reviewed_on": "15/10/2023"},
                                content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "poor" and body["standard"] == "ND07_2021" and body["score_b"] == 30
    assert body["explanation"]["explanation_vi"]
    reviews = api_officer.get(f"{API}/households/{household_a.pk}/reviews").json()
    assert [r["id"] for r in reviews] == [body["id"]]
    assert body["farming"] is None  # not sent: not recorded


@pytest.mark.parametrize(("sent", "stored"), [(True, True), ("có", True), ("không", False)])
def test_a_review_records_whether_the_household_farms(api_officer, household_a, sent, stored):
    response = api_officer.post(f"{API}/households/{household_a.pk}/reviews",
                                {"year": 2023, "income_per_capita": 2_500_000, "farming": sent},
                                content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["farming"] is stored
    assert api_officer.get(f"{API}/reviews", {"year": 2023}).json()["items"][0]["farming"] is stored


def test_a_bad_farming_value_is_a_vietnamese_422(api_officer, household_a):
    response = api_officer.post(f"{API}/households/{household_a.pk}/reviews",
                                {"year": 2023, "income_per_capita": 2_500_000, "farming": "trồng lúa"},
                                content_type="application/json")
    assert response.status_code == 422
    errors = {p["loc"][-1]: p["msg"] for p in response.json()["detail"]}
    assert "“trồng lúa” không phải có/không" in errors["farming"]


def test_review_errors_are_422_in_vietnamese_all_at_once(api_officer, household_a):
    response = api_officer.post(f"{API}/households/{household_a.pk}/reviews",
                                {"year": 2023, "income_per_capita": "nhiều", "lacking": ["bay"],
                                 "reviewed_on": "01/01/2023"}, content_type="application/json")
    assert response.status_code == 422
    errors = {p["loc"][-1]: p["msg"] for p in response.json()["detail"]}
    assert set(errors) == {"income_per_capita", "lacking", "reviewed_on"}
    assert "không phải là số" in errors["income_per_capita"]
    response = api_officer.post(f"{API}/households/{household_a.pk}/reviews", {"income_per_capita": 1},
                                content_type="application/json")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "year"]


def test_read_only_roles_cannot_record(client, viewer_district, household_a):
    client.force_login(viewer_district)
    response = client.post(f"{API}/households/{household_a.pk}/reviews", {"year": 2023, "income_per_capita": 1},
                           content_type="application/json")
    assert response.status_code == 403


def test_no_right_no_households(client, commune_a, household_a):
    client.force_login(factories.make_user(Role.REPORTING_UNIT, commune_a))
    assert client.get(f"{API}/households").json()["count"] == 0
    assert client.get(f"{API}/households/{household_a.pk}").status_code == 404


def test_openapi_lists_the_endpoints(api_officer):
    paths = api_officer.get(f"{API}/openapi.json").json()["paths"]
    for path in ("/api/v1/households", "/api/v1/households/{household_id}", "/api/v1/households/{household_id}/members",
                 "/api/v1/households/{household_id}/reviews", "/api/v1/reviews"):
        assert path in paths
