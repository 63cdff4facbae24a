"""POST /api/v1/poverty/classify and GET /api/v1/poverty/standards: public, Vietnamese errors."""

import pytest

pytestmark = pytest.mark.django_db  # the administrator's year → standard rule is read from the database

URL = "/api/v1/poverty/classify"


def post(client, body):
    return client.post(URL, body, content_type="application/json")


@pytest.mark.parametrize(
    ("body", "status", "standard"),
    [
        ({"year": 2023, "area": "rural", "income": 1_450_000, "lacking_count": 3}, "poor", "ND07_2021"),
        ({"year": 2023, "area": "rural", "income": "1.450.000", "indicators": ["latrine"]}, "near_poor", "ND07_2021"),
        ({"year": 2020, "area": "urban", "income": 1_300_001, "lacking_count": 9}, "average", "QD59_2015"),
        ({"year": 2024, "area": "rural", "score_a": 141, "lacking_count": 5}, "not_poor", "ND07_2021"),
        ({"year": 2028, "area": "urban", "income": 2_900_000, "lacking_count": 0}, "not_poor", "ND351_2025"),
        ({"year": 2028, "area": "urban", "income": 2_900_000, "lacking_count": 0,
          "lines": {"average_line": {"urban": 4_000_000}}}, "average", "ND351_2025"),
    ],
)
def test_classify_without_logging_in(client, body, status, standard):
    response = post(client, body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == status
    assert data["standard"] == standard
    assert data["explanation_vi"]


def test_the_api_answers_what_the_command_prints(client):
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("poverty", "classify", "--year", "2023", "--area", "rural", "--income", "1500000",
                 "--lacking", "3", stdout=out)
    response = post(client, {"year": 2023, "area": "rural", "income": 1_500_000, "lacking_count": 3})
    assert response.json() == json.loads(out.getvalue())


def test_every_bad_field_comes_back_at_once_in_vietnamese(client):
    response = post(client, {"year": "x", "area": "moon", "income": "abc", "indicators": ["foo"], "extra": 1})
    assert response.status_code == 422
    problems = {tuple(p["loc"]): p["msg"] for p in response.json()["detail"]}
    assert problems[("body", "extra")].startswith("Trường “extra” không được hỗ trợ")
    assert problems[("body", "year")] == "Năm “x” không hợp lệ: phải là số, ví dụ 2023"
    assert problems[("body", "area")].startswith("Khu vực “moon” không hợp lệ")
    assert problems[("body", "income")].startswith("Thu nhập bình quân “abc”")


def test_unknown_indicator_and_missing_measure(client):
    response = post(client, {"year": 2023, "area": "rural", "indicators": ["latrine", "foo"]})
    assert response.status_code == 422
    problems = {p["loc"][-1]: p["msg"] for p in response.json()["detail"]}
    assert set(problems) == {"income", "indicators"}
    assert "“foo”" in problems["indicators"]
    assert "Thiếu thu nhập bình quân" in problems["income"]


@pytest.mark.parametrize("body", ["", "{}", "[1, 2]"])
def test_empty_or_odd_bodies_get_vietnamese_422(client, body):
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 422
    assert all(p["msg"] for p in response.json()["detail"])
    assert "Field required" not in response.content.decode()


def test_standards_are_public(client):
    response = client.get("/api/v1/poverty/standards")
    assert response.status_code == 200
    data = response.json()
    assert [s["code"] for s in data] == ["QD59_2015", "ND07_2021", "ND351_2025"]
    assert data[1]["poverty_line"] == {"rural": 1_500_000, "urban": 2_000_000}


def test_the_year_rule_is_public_and_follows_the_administrator(client):
    from tests.poverty.factories import YearStandardFactory

    years = {r["year"]: r for r in client.get("/api/v1/poverty/years").json()}
    assert years[2021]["standard"] == "ND07_2021" and years[2020]["standard"] == "QD59_2015"
    assert years[2026]["standard"] == "ND351_2025" and years[2026]["confirmed"] is False
    YearStandardFactory(year=2026, standard="ND07_2021", reason="Công văn hướng dẫn")
    years = {r["year"]: r for r in client.get("/api/v1/poverty/years").json()}
    assert (years[2026]["standard"], years[2026]["overridden"]) == ("ND07_2021", True)
    result = post(client, {"year": 2026, "area": "urban", "score_a": 175, "lacking_count": 3}).json()
    assert result["standard"] == "ND07_2021" and result["explanation_vi"][0].endswith("Công văn hướng dẫn")


def test_the_schema_documents_the_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["post"]
    assert operation.get("security") in (None, [])  # public, unlike the rest of the API
    fields = schema["components"]["schemas"]["ClassifyIn"]["properties"]
    assert set(fields) == {"year", "area", "income", "score_a", "lacking_count", "indicators", "lines"}
