"""The row-level validators: every problem at once, Vietnamese labels with or without diacritics."""

import datetime as dt
import unicodedata
from decimal import Decimal

import pytest

from vuonlen.households import validation as v


@pytest.mark.parametrize("value", ["062080001234", "001290123456", "096399999999", "062 080 001 234", 62080001234])
def test_valid_citizen_ids(value):
    assert v.validate_citizen_id(value) == []


@pytest.mark.parametrize("value, fragment", [
    ("06208000123", "đúng 12 chữ số (đang có 11)"),
    ("0620800012345", "đúng 12 chữ số (đang có 13)"),
    ("06208000123A", "chỉ gồm chữ số"),
    ("000080001234", "mã tỉnh"),
    ("097080001234", "mã tỉnh"),
])
def test_bad_citizen_ids(value, fragment):
    problems = v.validate_citizen_id(value)
    assert problems and all(field == "citizen_id" for field, _ in problems)
    assert any(fragment in message for _, message in problems)


def test_citizen_id_agrees_with_birth_year_and_sex():
    assert v.validate_citizen_id("062080001234", birth_year=1980, sex="M") == []
    assert v.validate_citizen_id("062310001234", birth_year=2010, sex="F") == []
    (problem,) = v.validate_citizen_id("062080001234", birth_year=1981)
    assert "không khớp năm sinh 1981" in problem[1]
    (problem,) = v.validate_citizen_id("062080001234", birth_year=2080)
    assert "mã thế kỷ" in problem[1]
    (problem,) = v.validate_citizen_id("062080001234", birth_year=1980, sex="F")
    assert "mã giới tính" in problem[1]
    # All problems at once.
    assert len(v.validate_citizen_id("099280001234", birth_year=1981, sex="F")) == 3


def test_blank_citizen_id_is_allowed():
    assert v.validate_citizen_id("") == [] and v.validate_citizen_id(None) == []


def test_mask():
    assert v.mask_citizen_id("062080001234") == "********1234"
    assert v.mask_citizen_id("") == ""


def test_clean_person_reads_labels_with_or_without_diacritics_and_nfd():
    cleaned, problems = v.clean_person({
        "full_name": unicodedata.normalize("NFD", "  Y   Hiên "), "sex": "nu", "relation": "VỢ",
        "ethnicity": "xo dang", "birth_date": "07/06/1983", "citizen_id": "062183001234",
        "health_insurance": "x", "school_status": "bo hoc", "education_level": "Tiểu học",
    })
    assert problems == []
    assert cleaned["full_name"] == "Y Hiên" and unicodedata.is_normalized("NFC", cleaned["full_name"])
    assert cleaned["sex"] == "F" and cleaned["relation"] == "spouse" and cleaned["ethnicity"] == "14"
    assert cleaned["birth_date"] == dt.date(1983, 6, 7) and cleaned["birth_year"] == 1983
    assert cleaned["health_insurance"] is True
    assert cleaned["school_status"] == "dropped_out" and cleaned["education_level"] == "primary"


@pytest.mark.parametrize("raw, code", [("Ba Na", "13"), ("bana", "13"), ("13", "13"), ("5", "05"), (14, "14"),
                                       ("Giẻ Triêng", "27"), ("RƠ MĂM", "54"), ("Kinh", "01")])
def test_ethnicity_by_name_or_code(raw, code):
    cleaned, problems = v.clean_household({"code": "H1", "ethnicity": raw})
    assert problems == [] and cleaned["ethnicity"] == code


def test_clean_person_reports_every_problem():
    cleaned, problems = v.clean_person({"sex": "khác", "relation": "hàng xóm", "ethnicity": "Klingon",
                                        "birth_date": "31/02/1990", "health_insurance": "có lẽ",
                                        "citizen_id": "12"})
    fields = [field for field, _ in problems]
    assert fields == ["full_name", "sex", "relation", "ethnicity", "birth_date", "citizen_id", "health_insurance"]
    assert any("không tồn tại" in m for _, m in problems)


def test_birth_year_and_date_must_agree():
    _, problems = v.clean_person({"full_name": "A", "sex": "Nam", "relation": "Con", "ethnicity": "14",
                                  "birth_date": "01/01/2000", "birth_year": "2001"})
    assert problems == [("birth_year", "Năm sinh 2001 không khớp ngày sinh 01/01/2000")]


def test_birth_year_is_required_and_ethnicity_defaults():
    cleaned, problems = v.clean_person({"full_name": "A", "sex": "Nam", "relation": "Con"}, default_ethnicity="13")
    assert problems == [("birth_year", "Thiếu năm sinh hoặc ngày sinh")]
    assert cleaned["ethnicity"] == "13"


def test_booleans():
    for yes in ("có", "Co", "x", "X", 1, True):
        assert v.parse_bool(yes) is True
    for no in ("không", "khong", "0", 0, False):
        assert v.parse_bool(no) is False
    assert v.parse_bool("") is None
    with pytest.raises(ValueError):
        v.parse_bool("hmm")


def test_clean_household():
    cleaned, problems = v.clean_household({"code": " H 01", "ethnicity": "", "area": "đô thị",
                                           "phone": "abc", "started_on": "2023-13-01"})
    assert [f for f, _ in problems] == ["code", "ethnicity", "phone", "started_on"]
    assert cleaned["area"] == "urban"


def test_clean_review_numbers_dates_and_indicators():
    indicators = {"employment": "Việc làm", "health_insurance": "Bảo hiểm y tế"}
    cleaned, problems = v.clean_review({"income_per_capita": "1.500.000", "lacking": "viec lam; health_insurance",
                                        "kind": "định kỳ", "reviewed_on": "15/10/2023"},
                                       indicators=indicators, year=2023)
    assert problems == []
    assert cleaned["income_per_capita"] == Decimal(1_500_000)
    assert cleaned["lacking"] == ["employment", "health_insurance"]
    _, problems = v.clean_review({"income_per_capita": "1,500,000", "lacking": ["telepathy"],
                                  "reviewed_on": "15/08/2023"}, indicators=indicators, year=2023)
    assert [f for f, _ in problems] == ["lacking", "reviewed_on"]
    _, problems = v.clean_review({"kind": "thường xuyên", "reviewed_on": "15/08/2023"}, year=2023)
    assert problems == [("income_per_capita", "Thiếu thu nhập bình quân hoặc điểm A")]
    _, problems = v.clean_review({"income_per_capita": "-5", "score_a": "100"}, year=2023)
    assert [f for f, _ in problems] == ["income_per_capita"]


def test_check_members():
    assert v.check_members([]) == [("members", "Hộ phải có ít nhất một nhân khẩu")]
    assert "chưa có chủ hộ" in v.check_members([{"relation": "child"}])[0][1]
    assert "2 người là chủ hộ" in v.check_members([{"relation": "head"}, {"relation": "head"}])[0][1]
