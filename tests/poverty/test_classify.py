"""Classification at and around every line of every standard, both areas.

The figures are written out here (not read from the standards module) so that a wrong figure in
the code cannot make its own test pass.
"""

import json
from decimal import Decimal

import pytest

from vuonlen.poverty import InvalidClassification, Status, classify

P, N, A, AA, NP = Status.POOR, Status.NEAR_POOR, Status.AVERAGE, Status.ABOVE_AVERAGE, Status.NOT_POOR


# --- Quyết định 59/2015/QĐ-TTg (2016–2020): two income lines and an average band -------------
QD59 = [
    # (area, income, lacking, status)
    ("rural", 0, 0, P),
    ("rural", 699_999, 0, P),
    ("rural", 700_000, 0, P),  # at the poverty line: poor whatever the indicators
    ("rural", 700_001, 2, N),
    ("rural", 700_001, 3, P),
    ("rural", 999_999, 2, N),
    ("rural", 999_999, 3, P),
    ("rural", 1_000_000, 2, N),  # at the near-poverty line
    ("rural", 1_000_000, 3, P),
    ("rural", 1_000_001, 2, A),
    ("rural", 1_000_001, 10, A),  # above the near-poverty line the indicators no longer count
    ("rural", 1_499_999, 0, A),
    ("rural", 1_500_000, 0, A),
    ("rural", 1_500_001, 0, AA),
    ("urban", 899_999, 0, P),
    ("urban", 900_000, 0, P),
    ("urban", 900_001, 2, N),
    ("urban", 900_001, 3, P),
    ("urban", 1_299_999, 2, N),
    ("urban", 1_300_000, 2, N),
    ("urban", 1_300_000, 3, P),
    ("urban", 1_300_001, 3, A),
    ("urban", 1_949_999, 0, A),
    ("urban", 1_950_000, 0, A),
    ("urban", 1_950_001, 0, AA),
]


@pytest.mark.parametrize(("area", "income", "lacking", "status"), QD59)
def test_decision_59_2015(area, income, lacking, status):
    result = classify(year=2020, area=area, income=income, lacking_count=lacking)
    assert result.status == status
    assert result.standard == "QD59_2015"


# --- Nghị định 07/2021/NĐ-CP (2021–2025): one line split by indicators, then the average band
ND07 = [
    ("rural", 0, 3, P),
    ("rural", 0, 0, N),
    ("rural", 1_499_999, 3, P),
    ("rural", 1_499_999, 2, N),
    ("rural", 1_500_000, 3, P),
    ("rural", 1_500_000, 2, N),
    ("rural", 1_500_001, 3, A),
    ("rural", 1_500_001, 2, A),
    ("rural", 2_249_999, 12, A),
    ("rural", 2_250_000, 0, A),
    ("rural", 2_250_001, 0, AA),
    ("urban", 1_999_999, 3, P),
    ("urban", 1_999_999, 2, N),
    ("urban", 2_000_000, 3, P),
    ("urban", 2_000_000, 2, N),
    ("urban", 2_000_001, 3, A),
    ("urban", 2_999_999, 0, A),
    ("urban", 3_000_000, 0, A),
    ("urban", 3_000_001, 0, AA),
]


@pytest.mark.parametrize("year", [2021, 2022, 2023, 2025])
@pytest.mark.parametrize(("area", "income", "lacking", "status"), ND07)
def test_decree_07_2021(year, area, income, lacking, status):
    result = classify(year=year, area=area, income=income, lacking_count=lacking)
    assert result.status == status
    assert result.standard == "ND07_2021"


# --- Nghị định 351/2025/NĐ-CP (2027–2030): average lines not in our sources ----------------
ND351 = [
    ("rural", 2_199_999, 3, P),
    ("rural", 2_199_999, 2, N),
    ("rural", 2_200_000, 3, P),
    ("rural", 2_200_000, 2, N),
    ("rural", 2_200_001, 3, NP),
    ("rural", 9_000_000, 0, NP),
    ("urban", 2_799_999, 3, P),
    ("urban", 2_799_999, 2, N),
    ("urban", 2_800_000, 3, P),
    ("urban", 2_800_000, 2, N),
    ("urban", 2_800_001, 3, NP),
]


@pytest.mark.parametrize("year", [2026, 2027, 2030])  # 2026: the baseline review for 2027–2030
@pytest.mark.parametrize(("area", "income", "lacking", "status"), ND351)
def test_decree_351_2025_without_average_lines(year, area, income, lacking, status):
    result = classify(year=year, area=area, income=income, lacking_count=lacking)
    assert result.status == status
    assert result.standard == "ND351_2025"
    assert result.average_line is None


def test_decree_351_explains_that_the_average_line_is_not_configured():
    result = classify(year=2027, area="rural", income=2_500_000, lacking_count=0)
    assert result.status == NP
    assert any("Chưa có mức sống trung bình nông thôn" in line for line in result.explanation_vi)


@pytest.mark.parametrize(
    ("area", "lines", "income", "status"),
    [
        ("rural", {"average_line": {"rural": 3_300_000}}, 2_200_001, A),
        ("rural", {"average_line": {"rural": 3_300_000}}, 3_300_000, A),
        ("rural", {"average_line": {"rural": 3_300_000}}, 3_300_001, AA),
        ("urban", {"average_line": {"rural": 3_300_000, "urban": 4_200_000}}, 4_200_000, A),
        ("urban", {"average_line": {"rural": 3_300_000, "urban": 4_200_000}}, 4_200_001, AA),
        ("urban", {"average_line": {"rural": 3_300_000}}, 4_200_001, NP),  # urban still open
        ("urban", {"average_line": 4_200_000}, 4_200_000, A),  # a bare number: the area classified
        ("urban", {"average_line": Decimal("4200000")}, 4_200_001, AA),
        ("rural", {"average_line": {"rural": None}}, 3_000_000, NP),
    ],
)
def test_decree_351_with_average_lines_supplied(area, lines, income, status):
    result = classify(year=2028, area=area, income=income, lacking_count=0, lines=lines)
    assert result.status == status


def test_supplied_lines_are_flagged_in_the_result_and_the_explanation():
    result = classify(year=2028, area="rural", income=3_000_000, lacking_count=0,
                      lines={"average_line": {"rural": 3_300_000}})
    assert result.average_line == 3_300_000
    assert result.configured == ("average_line",)
    assert any("3.300.000 đồng (do quản trị khai báo)" in line for line in result.explanation_vi)


def test_a_supplied_line_equal_to_the_law_is_not_flagged():
    result = classify(year=2023, area="rural", income=2_000_000, lacking_count=0,
                      lines={"average_line": {"rural": 2_250_000, "urban": 3_000_000}})
    assert result.configured == ()
    assert result.status == A


def test_an_administrator_may_correct_a_line_of_the_law_and_it_shows():
    result = classify(year=2023, area="rural", income=1_600_000, lacking_count=3,
                      lines={"poverty_line": 1_700_000})
    assert result.status == P
    assert result.poverty_line == 1_700_000
    assert result.configured == ("poverty_line",)


def test_a_near_poor_line_turns_a_standard_into_the_two_line_rule():
    # Should the final text of Decree 351 keep the draft's lower line, it is configured like this.
    lines = {"poverty_line": 1_900_000, "near_poor_line": 2_200_000}
    assert classify(year=2027, area="rural", income=1_900_000, lacking_count=0, lines=lines).status == P
    assert classify(year=2027, area="rural", income=1_900_001, lacking_count=2, lines=lines).status == N
    assert classify(year=2027, area="rural", income=2_200_000, lacking_count=3, lines=lines).status == P


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ({"median_line": 1}, "“median_line” không được hỗ trợ"),
        ({"average_line": {"mountain": 1}}, "Khu vực “mountain”"),
        ({"average_line": 2_000_000}, "phải lớn hơn chuẩn nghèo"),
        ({"average_line": -5}, "không được âm"),
        ({"average_line": "3000000"}, "phải là số"),
        ({"score_a_limit": 1.5}, "số nguyên"),
        ("average_line=3", "phải là một bảng"),
    ],
)
def test_bad_lines_are_refused(lines, message):
    with pytest.raises(InvalidClassification) as info:
        classify(year=2028, area="rural", income=2_000_000, lacking_count=0, lines=lines)
    assert message in str(info.value)
    assert all(field == "lines" for field, _ in info.value.problems)


# --- Score A (Thông tư 07/2021/TT-BLĐTBXH): 140 rural / 175 urban stand for the income line --
SCORE_A = [
    ("rural", 0, 3, P),
    ("rural", 139, 3, P),
    ("rural", 139, 2, N),
    ("rural", 140, 3, P),
    ("rural", 140, 2, N),
    ("rural", 141, 3, NP),  # no score separates average from above-average
    ("rural", 141, 0, NP),
    ("urban", 174, 3, P),
    ("urban", 174, 2, N),
    ("urban", 175, 3, P),
    ("urban", 175, 2, N),
    ("urban", 176, 3, NP),
    ("urban", 500, 0, NP),
]


@pytest.mark.parametrize(("area", "score", "lacking", "status"), SCORE_A)
def test_score_a_under_decree_07(area, score, lacking, status):
    result = classify(year=2024, area=area, score_a=score, lacking_count=lacking)
    assert result.status == status
    assert result.score_a == score and result.income is None
    assert result.score_a_limit == {"rural": 140, "urban": 175}[area]


def test_score_a_above_the_limit_explains_why_the_average_band_is_unknown():
    result = classify(year=2024, area="rural", score_a=150, lacking_count=0)
    assert "Điểm A = 150 > ngưỡng 140 điểm (nông thôn), tương đương thu nhập trên chuẩn nghèo" in result.explanation_vi
    assert any("không có điểm A cho mức sống trung bình" in line for line in result.explanation_vi)


@pytest.mark.parametrize("year", [2020, 2027])
def test_score_a_without_configured_limits_is_refused(year):
    with pytest.raises(InvalidClassification, match="chưa có ngưỡng điểm A") as info:
        classify(year=year, area="rural", score_a=100, lacking_count=3)
    assert info.value.problems[0][0] == "score_a"


@pytest.mark.parametrize(
    ("score", "lacking", "status"),
    [(120, 0, P), (121, 2, N), (121, 3, P), (150, 2, N), (150, 3, P), (151, 3, NP)],
)
def test_score_a_for_2020_with_limits_supplied_follows_the_two_line_rule(score, lacking, status):
    lines = {"score_a_limit": {"rural": 120}, "score_a_near_poor_limit": {"rural": 150}}
    result = classify(year=2020, area="rural", score_a=score, lacking_count=lacking, lines=lines)
    assert result.status == status
    assert result.configured == ("score_a_limit", "score_a_near_poor_limit")


@pytest.mark.parametrize(("score", "lacking", "status"), [(160, 3, P), (160, 2, N), (161, 3, NP)])
def test_score_a_for_decree_351_with_a_limit_supplied(score, lacking, status):
    result = classify(year=2029, area="rural", score_a=score, lacking_count=lacking,
                      lines={"score_a_limit": {"rural": 160}})
    assert result.status == status


# --- indicators and score B ---------------------------------------------------------------------
@pytest.mark.parametrize("count", range(0, 13))
def test_score_b_is_ten_points_per_lacking_indicator(count):
    result = classify(year=2023, area="rural", income=1_000_000, lacking_count=count)
    assert result.score_b == 10 * count
    assert result.status == (P if count >= 3 else N)
    assert f"Điểm B = {10 * count}" in result.explanation_vi


def test_indicator_codes_are_counted_and_named_in_the_explanation():
    result = classify(year=2023, area="rural", income=1_450_000,
                      lacking=["employment", "health_insurance", "latrine"])
    assert result.status == P
    assert result.lacking == ("employment", "health_insurance", "latrine")
    assert result.lacking_count == 3 and result.score_b == 30
    assert result.explanation_vi[1:4] == [
        "Thu nhập bình quân 1.450.000 đồng/người/tháng ≤ chuẩn nghèo nông thôn 1.500.000 đồng",
        "Thiếu hụt 3/12 chỉ số: Việc làm; Bảo hiểm y tế; Nhà tiêu hợp vệ sinh",
        "Điểm B = 30",
    ]
    assert result.explanation_vi[-1].startswith("Kết luận: Hộ nghèo")
    assert "Điều 3 khoản 2 điểm a Nghị định 07/2021/NĐ-CP" in result.explanation_vi[-1]


def test_repeated_codes_count_once():
    result = classify(year=2023, area="rural", income=1_000_000, lacking=["latrine", "latrine", " nutrition "])
    assert result.lacking == ("latrine", "nutrition")
    assert result.status == N


@pytest.mark.parametrize(
    ("year", "codes", "unknown"),
    [
        (2023, ["employment", "foo"], "“foo”"),
        (2020, ["employment"], "“employment”"),  # not an indicator of Decision 59/2015
        (2023, ["health_access"], "“health_access”"),  # only Decision 59/2015 has it
        (2027, ["information_access"], "“information_access”"),  # dropped by Decree 351
        (2023, ["a", "b"], "“a”, “b”"),
    ],
)
def test_unknown_indicator_codes_are_named(year, codes, unknown):
    with pytest.raises(InvalidClassification) as info:
        classify(year=year, area="rural", income=1_000_000, lacking=codes)
    assert unknown in str(info.value)
    assert info.value.problems[0][0] == "lacking"


@pytest.mark.parametrize(
    ("year", "codes"),
    [
        (2020, ["health_access", "information_access"]),
        (2027, ["digital_services", "internet", "waste_treatment"]),
    ],
)
def test_each_standard_accepts_its_own_codes(year, codes):
    result = classify(year=year, area="urban", income=0, lacking=codes)
    assert result.lacking_count == len(codes)


def test_no_lacking_indicator_is_said_plainly():
    result = classify(year=2023, area="urban", income=1_000_000, lacking=[])
    assert result.status == N
    assert "Không thiếu hụt chỉ số nào (0/12)" in result.explanation_vi


# --- income forms ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("income", "kept", "status"),
    [
        (Decimal("1500000"), 1_500_000, P),
        (Decimal("1500000.4"), 1_500_000, P),  # VND has no smaller unit: rounded to the đồng
        (Decimal("1500000.5"), 1_500_001, A),
        (1_500_000.0, 1_500_000, P),
    ],
)
def test_income_may_be_a_decimal(income, kept, status):
    result = classify(year=2023, area="rural", income=income, lacking_count=3)
    assert result.income == kept
    assert result.status == status


# --- bad arguments --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (dict(year=2031), "year", "Chưa có chuẩn nghèo cho năm 2031"),
        (dict(area="mountain"), "area", "Khu vực “mountain” không hợp lệ"),
        (dict(income=None), "income", "Thiếu thu nhập bình quân"),
        (dict(score_a=100), "score_a", "Chỉ nhập một trong hai"),
        (dict(income=-1), "income", "không được âm"),
        (dict(income="1500000"), "income", "phải là số"),
        (dict(income=True), "income", "phải là số"),
        (dict(income=Decimal("NaN")), "income", "không phải là số hợp lệ"),
        (dict(income=None, score_a=-3), "score_a", "số nguyên không âm"),
        (dict(income=None, score_a=12.5), "score_a", "số nguyên không âm"),
        (dict(lacking_count=None), "lacking", "Thiếu các chỉ số thiếu hụt"),
        (dict(lacking=["latrine"]), "lacking_count", "Chỉ nhập một trong hai"),
        (dict(lacking_count=13), "lacking_count", "vượt quá 12"),
        (dict(lacking_count=-1), "lacking_count", "số nguyên không âm"),
        (dict(lacking_count=None, lacking=5), "lacking", "danh sách mã"),
    ],
)
def test_bad_arguments_are_vietnamese_errors_naming_the_field(kwargs, field, message):
    args = dict(year=2023, area="rural", income=1_000_000, lacking_count=3) | kwargs
    with pytest.raises(InvalidClassification) as info:
        classify(**args)
    assert isinstance(info.value, ValueError)
    assert any(f == field and message in m for f, m in info.value.problems)


def test_every_problem_is_reported_at_once():
    with pytest.raises(InvalidClassification) as info:
        classify(year=2040, area="x", income=-5, lacking_count=-2)
    fields = [field for field, _ in info.value.problems]
    assert fields == ["year", "area", "income", "lacking_count"]


# --- the result -----------------------------------------------------------------------------------
def test_as_dict_is_json_with_the_status_as_text():
    result = classify(year=2023, area="urban", income=2_500_000, lacking=["telecom"])
    data = result.as_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["status"] == "average" and data["status_label"] == "Hộ có mức sống trung bình"
    assert data["standard"] == "ND07_2021"
    assert data["poverty_line"] == 2_000_000 and data["average_line"] == 3_000_000
    assert data["lacking"] == ["telecom"] and data["score_b"] == 10
    assert data["explanation_vi"] == result.explanation_vi
    for key in ("near_poor_line", "income", "score_a", "lacking_count", "year", "area"):
        assert key in data


@pytest.mark.parametrize(
    ("kwargs", "sentence"),
    [
        (dict(year=2020, area="rural", income=650_000, lacking_count=0),
         "Thu nhập bình quân 650.000 đồng/người/tháng ≤ chuẩn nghèo nông thôn 700.000 đồng: "
         "hộ nghèo không phụ thuộc số chỉ số thiếu hụt"),
        (dict(year=2020, area="urban", income=1_000_000, lacking_count=1),
         "Thu nhập bình quân 1.000.000 đồng/người/tháng > chuẩn nghèo thành thị 900.000 đồng "
         "và ≤ chuẩn cận nghèo thành thị 1.300.000 đồng"),
        (dict(year=2020, area="rural", income=1_600_000, lacking_count=1),
         "Thu nhập bình quân 1.600.000 đồng/người/tháng > chuẩn cận nghèo nông thôn 1.000.000 đồng "
         "và > mức sống trung bình nông thôn 1.500.000 đồng"),
        (dict(year=2025, area="urban", income=2_500_000, lacking_count=1),
         "Thu nhập bình quân 2.500.000 đồng/người/tháng > chuẩn nghèo thành thị 2.000.000 đồng "
         "và ≤ mức sống trung bình thành thị 3.000.000 đồng"),
        (dict(year=2030, area="urban", income=2_800_000, lacking_count=1),
         "Thu nhập bình quân 2.800.000 đồng/người/tháng ≤ chuẩn nghèo đô thị 2.800.000 đồng"),
        (dict(year=2022, area="rural", score_a=140, lacking_count=0),
         "Điểm A = 140 ≤ ngưỡng 140 điểm (nông thôn), tương đương thu nhập không vượt chuẩn nghèo"),
    ],
)
def test_explanations_read_as_sentences(kwargs, sentence):
    result = classify(**kwargs)
    assert sentence in result.explanation_vi
    assert result.explanation_vi[0].startswith(f"Năm rà soát {kwargs['year']} ")
