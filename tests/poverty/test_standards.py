"""The standards as data: years, lines, indicators, against the figures of the law."""

import pytest

from vuonlen.poverty import (
    DEFAULT_YEAR_RULES,
    STANDARDS,
    STATUS_LABELS_VI,
    InvalidClassification,
    Status,
    check_overrides,
    classify,
    standard_for_year,
    year_rule,
    year_rules,
)

# Boundary years: a phase's baseline review, at the end of the previous phase's last year,
# already uses the new phase's standard (2015 → 2016–2020, 2021 → 2022–2025, 2026 → 2027–2030).
BOUNDARIES = [
    (2015, "QD59_2015", "Năm rà soát 2015 là năm tổng rà soát đầu kỳ giai đoạn 2016–2020: "
                        "áp dụng Quyết định 59/2015/QĐ-TTg"),
    (2016, "QD59_2015", "Năm rà soát 2016 thuộc giai đoạn 2016–2020: áp dụng Quyết định 59/2015/QĐ-TTg"),
    (2020, "QD59_2015", "Năm rà soát 2020 thuộc giai đoạn 2016–2020: áp dụng Quyết định 59/2015/QĐ-TTg"),
    (2021, "ND07_2021", "Năm rà soát 2021 là năm tổng rà soát đầu kỳ giai đoạn 2022–2025: "
                        "áp dụng Nghị định 07/2021/NĐ-CP (Điều 3); Quyết định 59/2015/QĐ-TTg chỉ còn áp dụng "
                        "cho việc thực hiện chính sách trong năm 2021 (Điều 2 Nghị định 07/2021/NĐ-CP)"),
    (2022, "ND07_2021", "Năm rà soát 2022 thuộc giai đoạn 2022–2025: áp dụng Nghị định 07/2021/NĐ-CP (Điều 3)"),
    (2025, "ND07_2021", "Năm rà soát 2025 thuộc giai đoạn 2022–2025: áp dụng Nghị định 07/2021/NĐ-CP (Điều 3)"),
    (2026, "ND351_2025", "Năm rà soát 2026 là năm tổng rà soát đầu kỳ giai đoạn 2027–2030: "
                         "áp dụng Nghị định 351/2025/NĐ-CP"),
    (2027, "ND351_2025", "Năm rà soát 2027 thuộc giai đoạn 2027–2030: áp dụng Nghị định 351/2025/NĐ-CP"),
    (2030, "ND351_2025", "Năm rà soát 2030 thuộc giai đoạn 2027–2030: áp dụng Nghị định 351/2025/NĐ-CP"),
]


@pytest.mark.parametrize(("year", "code", "why"), BOUNDARIES)
def test_the_year_decides_the_standard_and_the_explanation_says_why(year, code, why):
    assert standard_for_year(year).code == code
    result = classify(year=year, area="rural", income=1_000_000, lacking_count=3)
    assert result.standard == code
    assert result.explanation_vi[0].startswith(why)
    assert result.as_dict()["year_rule"]["standard"] == code


def test_the_unconfirmed_2026_baseline_says_so():
    rule = year_rule(2026)
    assert not rule.confirmed and not rule.overridden
    assert "quản trị có thể quy định lại năm này" in rule.reason_vi
    assert year_rule(2021).confirmed and year_rule(2027).confirmed


def test_an_override_with_a_reason_replaces_the_year_and_is_quoted():
    overrides = {2026: ("ND07_2021", "Công văn 123/BNNMT-VPQGGN: rà soát cuối năm 2026 theo chuẩn 2022–2025")}
    assert standard_for_year(2026, overrides).code == "ND07_2021"
    result = classify(year=2026, area="urban", score_a=175, lacking_count=3, overrides=overrides)
    assert result.standard == "ND07_2021" and result.status == Status.POOR
    assert result.explanation_vi[0] == ("Năm rà soát 2026: áp dụng Nghị định 07/2021/NĐ-CP theo quy định của quản trị "
                                        "— Công văn 123/BNNMT-VPQGGN: rà soát cuối năm 2026 theo chuẩn 2022–2025")
    assert result.year_rule.overridden
    # Other years keep the default rule.
    assert standard_for_year(2027, overrides).code == "ND351_2025"
    assert [r.standard for r in year_rules(overrides) if r.year in (2025, 2026, 2027)] == [
        "ND07_2021", "ND07_2021", "ND351_2025"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({2026: ("ND07_2021", "  ")}, "Năm 2026: thiếu lý do"),
        ({2026: ("XYZ", "lý do")}, "Năm 2026: chuẩn “XYZ” không có"),
    ],
)
def test_an_override_without_a_reason_or_with_an_unknown_standard_is_refused(overrides, message):
    assert any(message in p for p in check_overrides(overrides))
    with pytest.raises(InvalidClassification, match=message):
        classify(year=2026, area="rural", income=1_000_000, lacking_count=0, overrides=overrides)


@pytest.mark.parametrize("year", [1999, 2014, 2031, 2100, 0, -1])
def test_a_year_without_a_standard_is_a_vietnamese_error(year):
    with pytest.raises(ValueError, match=f"Chưa có chuẩn nghèo cho năm {year}"):
        standard_for_year(year)


@pytest.mark.parametrize("year", ["2023", 2023.0, None, True])
def test_a_year_that_is_not_an_integer_is_refused(year):
    with pytest.raises(ValueError, match="không hợp lệ"):
        standard_for_year(year)


def test_every_year_belongs_to_exactly_one_standard():
    years = [year for s in STANDARDS.values() for year in s.years]
    assert len(years) == len(set(years))
    assert sorted(years) == list(range(2015, 2031)) == sorted(DEFAULT_YEAR_RULES)
    assert all(DEFAULT_YEAR_RULES[y].standard == s.code for s in STANDARDS.values() for y in s.years)


@pytest.mark.parametrize(
    ("code", "area", "poverty", "near_poor", "average", "score_a"),
    [
        ("QD59_2015", "rural", 700_000, 1_000_000, 1_500_000, None),
        ("QD59_2015", "urban", 900_000, 1_300_000, 1_950_000, None),
        ("ND07_2021", "rural", 1_500_000, None, 2_250_000, 140),
        ("ND07_2021", "urban", 2_000_000, None, 3_000_000, 175),
        ("ND351_2025", "rural", 2_200_000, None, None, None),
        ("ND351_2025", "urban", 2_800_000, None, None, None),
    ],
)
def test_lines_are_those_of_the_law(code, area, poverty, near_poor, average, score_a):
    s = STANDARDS[code]
    assert s.poverty_line[area] == poverty
    assert (s.near_poor_line or {}).get(area) == near_poor
    assert (s.average_line or {}).get(area) == average
    assert (s.score_a_limit or {}).get(area) == score_a
    assert s.min_lacking_for_poor == 3


ND07_CODES = (
    "employment", "dependants", "nutrition", "health_insurance", "adult_education", "child_schooling",
    "housing_quality", "housing_area", "safe_water", "latrine", "telecom", "information_access",
)
QD59_CODES = (
    "health_access", "health_insurance", "adult_education", "child_schooling", "housing_quality",
    "housing_area", "safe_water", "latrine", "telecom", "information_access",
)


def test_decree_07_has_twelve_indicators_in_six_dimensions():
    s = STANDARDS["ND07_2021"]
    assert s.indicator_codes == ND07_CODES
    assert [code for code, _ in s.dimensions] == [
        "employment", "health", "education", "housing", "water_sanitation", "information"]
    per_dimension = {code: [i.code for i in s.indicators if i.dimension == code] for code, _ in s.dimensions}
    assert all(len(codes) == 2 for codes in per_dimension.values())


def test_decision_59_has_ten_indicators_in_five_dimensions():
    s = STANDARDS["QD59_2015"]
    assert s.indicator_codes == QD59_CODES
    assert len(s.dimensions) == 5


def test_decree_351_drops_information_means_and_adds_the_new_indicators():
    s = STANDARDS["ND351_2025"]
    assert "information_access" not in s.indicator_codes
    assert {"digital_services", "internet", "waste_treatment"} <= set(s.indicator_codes)
    # Indicators that are the same keep their codes, so a household's answers carry over.
    assert set(ND07_CODES) - {"information_access"} <= set(s.indicator_codes)
    # Wording not checked against the decree's text is marked as such, never made up.
    assert not any(i.verified for i in s.indicators)
    assert s.notes_vi


@pytest.mark.parametrize("code", list(STANDARDS))
def test_every_indicator_belongs_to_a_declared_dimension_and_has_wording(code):
    s = STANDARDS[code]
    dimensions = {d for d, _ in s.dimensions}
    for indicator in s.indicators:
        assert indicator.dimension in dimensions
        assert indicator.name_vi and indicator.name_en and indicator.threshold_vi
    assert len(set(s.indicator_codes)) == len(s.indicators)


def test_an_indicator_is_found_by_code_and_an_unknown_code_is_named():
    s = STANDARDS["ND07_2021"]
    assert s.indicator("housing_area").name_vi == "Diện tích nhà ở bình quân đầu người"
    assert "8 m²" in s.indicator("housing_area").threshold_vi
    with pytest.raises(ValueError, match="“health_access”"):
        s.indicator("health_access")


@pytest.mark.parametrize("code", list(STANDARDS))
def test_standards_describe_themselves_as_json(code):
    import json

    data = STANDARDS[code].as_dict()
    json.dumps(data, ensure_ascii=False)
    assert data["code"] == code
    assert sum(len(d["indicators"]) for d in data["dimensions"]) == len(STANDARDS[code].indicators)
    assert data["legal_reference"]


def test_status_labels():
    assert STATUS_LABELS_VI == {
        Status.POOR: "Hộ nghèo",
        Status.NEAR_POOR: "Hộ cận nghèo",
        Status.AVERAGE: "Hộ có mức sống trung bình",
        Status.ABOVE_AVERAGE: "Hộ có mức sống trên trung bình",
        Status.NOT_POOR: "Không nghèo",
    }
    assert [str(s) for s in Status] == ["poor", "near_poor", "average", "above_average", "not_poor"]
