"""Requests as people and programs send them: text numbers, Vietnamese area names, lists as text."""

import pytest

from vuonlen.poverty import InvalidClassification
from vuonlen.poverty.inputs import classify_request


@pytest.mark.parametrize(
    ("income", "status"),
    [("1.500.000", "poor"), ("1,500,000", "poor"), ("1500000", "poor"), (1500000, "poor"),
     ("1.500.001", "average"), (" 1 500 000 ", "poor")],
)
def test_income_as_typed(income, status):
    result = classify_request({"year": "2023", "area": "rural", "income": income, "lacking_count": "3"})
    assert result.status == status


@pytest.mark.parametrize(
    ("area", "expected"),
    [("rural", "rural"), ("Nông thôn", "rural"), ("nong thon", "rural"), ("urban", "urban"),
     ("Thành thị", "urban"), ("đô thị", "urban"), ("URBAN", "urban")],
)
def test_area_in_english_or_vietnamese(area, expected):
    result = classify_request({"year": 2023, "area": area, "income": 0, "lacking_count": 0})
    assert result.area == expected


@pytest.mark.parametrize("indicators", ["employment, latrine,nutrition", ["employment", "latrine", "nutrition"]])
def test_indicators_as_a_list_or_text(indicators):
    result = classify_request({"year": 2023, "area": "rural", "income": 1_000_000, "indicators": indicators})
    assert result.lacking == ("employment", "latrine", "nutrition")
    assert result.status == "poor"


def test_lines_as_text_numbers():
    result = classify_request({"year": 2027, "area": "rural", "income": "3.000.000", "lacking_count": 0,
                               "lines": {"average_line": {"rural": "3.300.000"}}})
    assert result.status == "average"


def test_blank_fields_count_as_missing():
    result = classify_request({"year": 2023, "area": "rural", "income": "", "score_a": "130",
                               "lacking_count": "", "indicators": "latrine"})
    assert result.score_a == 130 and result.status == "near_poor"


def test_every_problem_names_its_request_field():
    with pytest.raises(InvalidClassification) as info:
        classify_request({"year": "hai nghìn", "area": "biển", "income": "abc", "score_a": "12,5",
                          "indicators": 7, "lacking": 3})
    fields = [field for field, _ in info.value.problems]
    assert fields == ["lacking", "year", "area", "income", "score_a", "score_a", "indicators"]
    messages = dict(info.value.problems)
    assert "Trường “lacking” không được hỗ trợ" in messages["lacking"]
    assert "Năm “hai nghìn” không hợp lệ" in messages["year"]
    assert "không phải là số hợp lệ" in messages["income"]


def test_unknown_codes_are_reported_under_indicators():
    with pytest.raises(InvalidClassification) as info:
        classify_request({"year": 2023, "area": "rural", "income": 1, "indicators": "latrine,foo"})
    assert info.value.problems == [("indicators", info.value.problems[0][1])]
    assert "“foo”" in info.value.problems[0][1]


def test_missing_year_and_area_are_reported():
    with pytest.raises(InvalidClassification) as info:
        classify_request({"income": 1, "lacking_count": 0})
    assert [f for f, _ in info.value.problems] == ["year", "area"]


def test_a_body_that_is_not_an_object_is_refused():
    with pytest.raises(InvalidClassification, match="đối tượng"):
        classify_request([2023, "rural"])
