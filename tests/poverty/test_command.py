"""`vuonlen poverty classify` prints one JSON object; `vuonlen poverty standards` lists the law."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.poverty.factories import YearStandardFactory

pytestmark = pytest.mark.django_db  # the administrator's year → standard rule is read from the database


def run(*args) -> str:
    out = StringIO()
    call_command("poverty", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("args", "status", "standard", "line"),
    [
        (["--year", "2023", "--area", "rural", "--income", "1500000", "--lacking", "3"], "poor", "ND07_2021", 1_500_000),
        (["--year", "2023", "--area", "rural", "--income", "1.500.000", "--lacking", "2"], "near_poor", "ND07_2021", 1_500_000),
        (["--year", "2023", "--area", "urban", "--income", "2.000.001", "--lacking", "5"], "average", "ND07_2021", 2_000_000),
        (["--year", "2020", "--area", "rural", "--income", "700000", "--lacking", "0"], "poor", "QD59_2015", 700_000),
        (["--year", "2021", "--area", "urban", "--score-a", "175", "--lacking", "3"], "poor", "ND07_2021", 2_000_000),
        (["--year", "2021", "--area", "urban", "--score-a", "176", "--lacking", "3"], "not_poor", "ND07_2021", 2_000_000),
        (["--year", "2027", "--area", "rural", "--income", "2200000",
          "--indicators", "internet,digital_services,waste_treatment"], "poor", "ND351_2025", 2_200_000),
        (["--year", "2030", "--area", "rural", "--income", "2300000", "--lacking", "0",
          "--line", "average_line=3.000.000"], "average", "ND351_2025", 2_200_000),
    ],
)
def test_classify_prints_one_json_object(args, status, standard, line):
    data = json.loads(run("classify", *args))
    assert data["status"] == status
    assert data["standard"] == standard
    assert data["poverty_line"] == line
    assert data["explanation_vi"]


def test_classify_output_is_not_escaped():
    text = run("classify", "--year", "2023", "--area", "rural", "--income", "1", "--indicators", "latrine")
    assert "Nhà tiêu hợp vệ sinh" in text


def test_classify_reports_every_problem():
    with pytest.raises(CommandError) as info:
        run("classify", "--year", "2031", "--area", "moon", "--income", "abc", "--indicators", "foo")
    message = str(info.value)
    assert "year: Chưa có chuẩn nghèo cho năm 2031" in message
    assert "area: Khu vực “moon” không hợp lệ" in message
    assert "income: Thu nhập bình quân “abc” không phải là số hợp lệ" in message


def test_classify_reports_unknown_codes():
    with pytest.raises(CommandError, match="“foo”"):
        run("classify", "--year", "2023", "--area", "rural", "--income", "1", "--indicators", "latrine,foo")


def test_a_malformed_line_option_is_refused():
    with pytest.raises(CommandError, match="TÊN=GIÁ_TRỊ"):
        run("classify", "--year", "2030", "--area", "rural", "--income", "1", "--lacking", "0", "--line", "3000000")


def test_standards_lists_every_standard_and_indicator():
    text = run("standards")
    for expected in ("QD59_2015", "ND07_2021", "ND351_2025", "1.500.000 đồng", "2.800.000 đồng",
                     "information_access", "waste_treatment", "ngưỡng điểm A 140", "chưa có (quản trị khai báo)"):
        assert expected in text


def test_standards_as_json():
    data = json.loads(run("standards", "--json"))
    assert [s["code"] for s in data["standards"]] == ["QD59_2015", "ND07_2021", "ND351_2025"]
    years = {rule["year"]: rule for rule in data["years"]}
    assert years[2021]["standard"] == "ND07_2021" and years[2021]["confirmed"]
    assert years[2026]["standard"] == "ND351_2025" and not years[2026]["confirmed"]


def test_standards_lists_the_year_rule_with_the_administrators_override():
    YearStandardFactory(year=2026, standard="ND07_2021", reason="Công văn hướng dẫn rà soát 2026")
    text = run("standards")
    assert "Chuẩn áp dụng cho từng năm rà soát" in text
    assert ("2021  ND07_2021   Năm rà soát 2021 là năm tổng rà soát đầu kỳ giai đoạn 2022–2025: "
            "áp dụng Nghị định 07/2021/NĐ-CP (Điều 3)") in text
    assert ("2026  ND07_2021   Năm rà soát 2026: áp dụng Nghị định 07/2021/NĐ-CP theo quy định của quản trị — "
            "Công văn hướng dẫn rà soát 2026 [quản trị quy định]") in text
    # classify follows the administrator's rule too
    data = json.loads(run("classify", "--year", "2026", "--area", "urban", "--score-a", "175", "--lacking", "3"))
    assert data["standard"] == "ND07_2021" and data["status"] == "poor"
    assert data["explanation_vi"][0].endswith("Công văn hướng dẫn rà soát 2026")
