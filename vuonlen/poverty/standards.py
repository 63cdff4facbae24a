"""The national multidimensional poverty standards, as data, with their legal references.

Pure Python on purpose (no Django): the figures here are read against the law, line by line,
and tested exhaustively without a database.

Three standards are known:

* ``QD59_2015`` — Quyết định 59/2015/QĐ-TTg (19/11/2015), standard for 2016–2020; policies of 2021
  kept it (Điều 2 Nghị định 07/2021/NĐ-CP).
* ``ND07_2021`` — Nghị định 07/2021/NĐ-CP (27/01/2021), Điều 3: the standard for 2022–2025.
* ``ND351_2025`` — Nghị định 351/2025/NĐ-CP (30/12/2025), the standard for 2027–2030.

Which standard a review year uses is data too (``DEFAULT_YEAR_RULES``): a phase's baseline review,
done at the end of the previous phase's last year, already uses the new phase's standard — so the
end-2021 review is under Decree 07/2021 and, by the same rule, the end-2026 review under Decree
351/2025 (not confirmed by a review procedure in our sources: see docs/poverty-standards.md). An
administrator may override a year with a reason; the caller passes ``overrides``.

What our sources do not give is ``None`` here and never a guessed figure; an administrator
supplies it (households room: ``PovertyLineSetting``) and the caller passes it to
``classify(lines=...)``. See docs/poverty-standards.md for what was checked against what.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

RURAL = "rural"
URBAN = "urban"
AREAS: tuple[str, str] = (RURAL, URBAN)

# Score B (Thông tư 07/2021/TT-BLĐTBXH, phiếu B): 10 points for every indicator lacked, so the
# "B ≥ 30" test of the forms is the "lacking ≥ 3 indicators" test of the decrees.
SCORE_B_PER_INDICATOR = 10


@dataclass(frozen=True)
class Indicator:
    """One indicator of deprivation of a basic social service."""

    code: str
    dimension: str  # code of the dimension (basic social service) it measures
    name_vi: str
    name_en: str
    threshold_vi: str  # the legal deprivation threshold, shortened
    # False where the wording could not be checked against the text of the law in our sources.
    verified: bool = True
    # Where the indicator sits in the law (set for an administrator's list; the built-in lists
    # cite the article on the standard).
    legal_reference: str = ""
    # The dimension's Vietnamese name when it is not one of the standard's own dimensions.
    dimension_vi: str = ""

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "dimension": self.dimension,
            "name_vi": self.name_vi,
            "name_en": self.name_en,
            "threshold_vi": self.threshold_vi,
            "verified": self.verified,
            "legal_reference": self.legal_reference,
        }


@dataclass(frozen=True)
class Standard:
    """A poverty standard: its income lines per area, indicators and the scoring of its forms.

    Two shapes of rule exist. With ``near_poor_line`` (Decision 59/2015) income at or below
    ``poverty_line`` is poor whatever the indicators, and the band up to ``near_poor_line`` is
    split by the indicators. Without it (Decrees 07/2021 and 351/2025) income at or below
    ``poverty_line`` is split by the indicators. ``average_line`` closes the average-living band
    above that; a value of ``None`` for an area means the law has a figure our sources lack.
    """

    code: str
    title_vi: str
    legal_reference: str
    years: tuple[int, ...]
    indicators: tuple[Indicator, ...]
    dimensions: tuple[tuple[str, str], ...]  # (code, Vietnamese name)
    poverty_line: dict[str, int]
    near_poor_line: dict[str, int] | None
    average_line: dict[str, int | None] | None
    score_a_limit: dict[str, int | None] | None
    min_lacking_for_poor: int = 3
    # Upper score-A limit, the counterpart of ``near_poor_line`` for two-line standards.
    score_a_near_poor_limit: dict[str, int | None] | None = None
    short_name_vi: str = ""
    area_labels_vi: dict[str, str] = field(default_factory=lambda: {RURAL: "nông thôn", URBAN: "thành thị"})
    # Where each rule sits in the law, for the explanation of a result.
    article_poor: str = ""
    article_near_poor: str = ""
    article_average: str = ""
    score_reference: str = ""
    # Where the indicators and their thresholds sit in the law.
    indicator_reference: str = ""
    # What is still open: shown to users next to results under this standard.
    notes_vi: tuple[str, ...] = ()

    def indicator(self, code: str) -> Indicator:
        for item in self.indicators:
            if item.code == code:
                return item
        raise ValueError(
            f"Chỉ số “{code}” không thuộc {self.short_name_vi or self.code}; "
            f"các mã hợp lệ: {', '.join(self.indicator_codes)}"
        )

    @cached_property
    def indicator_codes(self) -> tuple[str, ...]:
        # Asked once per lacking code of every classified review: worked out once per standard.
        return tuple(item.code for item in self.indicators)

    def dimension_name(self, code: str) -> str:
        return dict(self.dimensions)[code]

    def with_indicators(self, indicators: tuple[Indicator, ...]) -> Standard:
        """The same standard with another indicator list (an administrator's, e.g. the final list
        of Decree 351/2025 entered without a release); dimensions follow the indicators' order,
        named after the standard's own dimensions or, for a new one, after ``Indicator.dimension_vi``."""
        from dataclasses import replace

        names = dict(self.dimensions)
        dimensions: dict[str, str] = {}
        for item in indicators:
            dimensions.setdefault(item.dimension, item.dimension_vi or names.get(item.dimension, item.dimension))
        return replace(self, indicators=tuple(indicators), dimensions=tuple(dimensions.items()))

    def as_dict(self) -> dict:
        """JSON-friendly description (the `standards` command and API endpoint)."""
        return {
            "code": self.code,
            "title_vi": self.title_vi,
            "short_name_vi": self.short_name_vi,
            "legal_reference": self.legal_reference,
            "years": list(self.years),
            "area_labels_vi": dict(self.area_labels_vi),
            "poverty_line": dict(self.poverty_line),
            "near_poor_line": dict(self.near_poor_line) if self.near_poor_line is not None else None,
            "average_line": dict(self.average_line) if self.average_line is not None else None,
            "score_a_limit": dict(self.score_a_limit) if self.score_a_limit is not None else None,
            "score_a_near_poor_limit": (
                dict(self.score_a_near_poor_limit) if self.score_a_near_poor_limit is not None else None
            ),
            "min_lacking_for_poor": self.min_lacking_for_poor,
            "score_b_per_indicator": SCORE_B_PER_INDICATOR,
            "score_reference": self.score_reference,
            "dimensions": [
                {
                    "code": code,
                    "name_vi": name,
                    "indicators": [i.as_dict() for i in self.indicators if i.dimension == code],
                }
                for code, name in self.dimensions
            ],
            "notes_vi": list(self.notes_vi),
        }


# --- Decision 59/2015/QĐ-TTg (2016–2020, and 2021) ------------------------------------------
# Điều 1 khoản 1: income lines (a: poverty 700.000 / 900.000; b: near-poverty 1.000.000 /
# 1.300.000 đồng/người/tháng). Điều 1 khoản 2: 5 basic social services, 10 indicators.
# Điều 2: poor (khoản 1), near-poor (khoản 2), average living standard (khoản 3: above the
# near-poverty line up to 1.500.000 rural / 1.950.000 urban).
_QD59_DIMENSIONS = (
    ("health", "Y tế"),
    ("education", "Giáo dục"),
    ("housing", "Nhà ở"),
    ("water_sanitation", "Nước sạch và vệ sinh"),
    ("information", "Thông tin"),
)
_QD59_INDICATORS = (
    Indicator("health_access", "health", "Tiếp cận các dịch vụ y tế", "Access to health services",
              "Hộ có người ốm đau (phải nằm một chỗ, cần người chăm sóc hoặc nghỉ việc, nghỉ học) "
              "nhưng không đi khám chữa bệnh"),
    Indicator("health_insurance", "health", "Bảo hiểm y tế", "Health insurance",
              "Hộ có ít nhất một thành viên từ 6 tuổi trở lên hiện không có bảo hiểm y tế"),
    Indicator("adult_education", "education", "Trình độ giáo dục của người lớn", "Adult education",
              "Hộ có ít nhất một thành viên từ đủ 15 tuổi trở lên, sinh từ năm 1986, chưa tốt nghiệp "
              "trung học cơ sở và hiện không đi học"),
    Indicator("child_schooling", "education", "Tình trạng đi học của trẻ em", "School attendance of children",
              "Hộ có ít nhất một trẻ em trong độ tuổi đi học (5 đến dưới 15 tuổi) hiện không đi học"),
    Indicator("housing_quality", "housing", "Chất lượng nhà ở", "Housing quality",
              "Hộ đang ở trong nhà thiếu kiên cố hoặc đơn sơ"),
    Indicator("housing_area", "housing", "Diện tích nhà ở bình quân đầu người", "Floor area per person",
              "Diện tích nhà ở bình quân đầu người của hộ nhỏ hơn 8 m²"),
    Indicator("safe_water", "water_sanitation", "Nguồn nước sinh hoạt", "Domestic water source",
              "Hộ không được tiếp cận nguồn nước hợp vệ sinh"),
    Indicator("latrine", "water_sanitation", "Hố xí/nhà tiêu hợp vệ sinh", "Hygienic latrine",
              "Hộ không sử dụng hố xí/nhà tiêu hợp vệ sinh"),
    Indicator("telecom", "information", "Sử dụng dịch vụ viễn thông", "Use of telecommunication services",
              "Hộ không có thành viên nào sử dụng thuê bao điện thoại hoặc internet"),
    Indicator("information_access", "information", "Tài sản phục vụ tiếp cận thông tin",
              "Assets for access to information",
              "Hộ không có tài sản nào trong số tivi, radio, máy tính và không nghe được hệ thống "
              "loa đài truyền thanh xã/thôn"),
)

QD59_2015 = Standard(
    code="QD59_2015",
    title_vi="Chuẩn nghèo tiếp cận đa chiều giai đoạn 2016–2020",
    short_name_vi="Quyết định 59/2015/QĐ-TTg",
    legal_reference=(
        "Quyết định số 59/2015/QĐ-TTg ngày 19/11/2015 của Thủ tướng Chính phủ, Điều 1 và Điều 2; "
        "tiếp tục áp dụng năm 2021 theo Điều 2 Nghị định số 07/2021/NĐ-CP"
    ),
    years=tuple(range(2015, 2021)),
    indicators=_QD59_INDICATORS,
    dimensions=_QD59_DIMENSIONS,
    poverty_line={RURAL: 700_000, URBAN: 900_000},
    near_poor_line={RURAL: 1_000_000, URBAN: 1_300_000},
    average_line={RURAL: 1_500_000, URBAN: 1_950_000},
    # The 2016–2020 review forms (Thông tư 17/2016/TT-BLĐTBXH) scored income too, but their
    # limits are not in our sources: the administrator supplies them if score A is used.
    score_a_limit={RURAL: None, URBAN: None},
    score_a_near_poor_limit={RURAL: None, URBAN: None},
    article_poor="Điều 2 khoản 1 Quyết định 59/2015/QĐ-TTg",
    article_near_poor="Điều 2 khoản 2 Quyết định 59/2015/QĐ-TTg",
    article_average="Điều 2 khoản 3 Quyết định 59/2015/QĐ-TTg",
    score_reference="Thông tư 17/2016/TT-BLĐTBXH (ngưỡng điểm chưa có trong nguồn tra cứu)",
    indicator_reference="Điều 1 khoản 2 Quyết định 59/2015/QĐ-TTg",
    notes_vi=(
        "Ngưỡng điểm A (phiếu rà soát giai đoạn 2016–2020) chưa có trong nguồn tra cứu: "
        "quản trị khai báo nếu cần phân loại theo điểm A.",
    ),
)


# --- Decree 07/2021/NĐ-CP (2022–2025; the baseline review at the end of 2021) ----------------------------------------------
# Điều 3 khoản 1 điểm a: income 1.500.000 rural / 2.000.000 urban. Điểm b: 6 basic social
# services, 12 indicators, with their deprivation thresholds. Điều 3 khoản 2: poor (điểm a),
# near-poor (điểm b), average living standard (điểm c: above the line up to 2.250.000 rural /
# 3.000.000 urban). Decree 30/2025/NĐ-CP amended Điều 3 khoản 2 (low-income workers) without
# touching these lines.
_ND07_DIMENSIONS = (
    ("employment", "Việc làm"),
    ("health", "Y tế"),
    ("education", "Giáo dục"),
    ("housing", "Nhà ở"),
    ("water_sanitation", "Nước sinh hoạt và vệ sinh"),
    ("information", "Thông tin"),
)
_ND07_INDICATORS = (
    Indicator("employment", "employment", "Việc làm", "Employment",
              "Hộ có ít nhất một người trong độ tuổi lao động đang thất nghiệp, hoặc làm công ăn "
              "lương mà không có hợp đồng lao động"),
    Indicator("dependants", "employment", "Người phụ thuộc trong hộ gia đình", "Dependants in the household",
              "Tỷ lệ người phụ thuộc (trẻ em dưới 16 tuổi, người cao tuổi, người khuyết tật hưởng "
              "trợ cấp xã hội hằng tháng) trong tổng số nhân khẩu của hộ lớn hơn 50%"),
    Indicator("nutrition", "health", "Dinh dưỡng", "Nutrition",
              "Hộ có ít nhất một trẻ em dưới 16 tuổi suy dinh dưỡng chiều cao theo tuổi hoặc cân "
              "nặng theo tuổi"),
    Indicator("health_insurance", "health", "Bảo hiểm y tế", "Health insurance",
              "Hộ có ít nhất một người từ đủ 6 tuổi trở lên hiện không có bảo hiểm y tế"),
    Indicator("adult_education", "education", "Trình độ giáo dục của người lớn", "Adult education",
              "Hộ có ít nhất một người từ 16 đến 30 tuổi không tham gia các khóa đào tạo hoặc không "
              "có bằng cấp, chứng chỉ giáo dục đào tạo so với độ tuổi tương ứng"),
    Indicator("child_schooling", "education", "Tình trạng đi học của trẻ em", "School attendance of children",
              "Hộ có ít nhất một trẻ em từ 3 đến dưới 16 tuổi không được học đúng bậc, cấp học phù "
              "hợp với độ tuổi"),
    Indicator("housing_quality", "housing", "Chất lượng nhà ở", "Housing quality",
              "Hộ đang sống trong nhà/căn hộ thuộc loại không bền chắc"),
    Indicator("housing_area", "housing", "Diện tích nhà ở bình quân đầu người", "Floor area per person",
              "Diện tích nhà ở bình quân đầu người của hộ nhỏ hơn 8 m²"),
    Indicator("safe_water", "water_sanitation", "Nguồn nước sinh hoạt", "Domestic water source",
              "Hộ không tiếp cận được nguồn nước sạch trong sinh hoạt"),
    Indicator("latrine", "water_sanitation", "Nhà tiêu hợp vệ sinh", "Hygienic latrine",
              "Hộ không sử dụng nhà tiêu hợp vệ sinh"),
    Indicator("telecom", "information", "Sử dụng dịch vụ viễn thông", "Use of telecommunication services",
              "Hộ không có thành viên nào sử dụng dịch vụ internet"),
    Indicator("information_access", "information", "Phương tiện phục vụ tiếp cận thông tin",
              "Means of access to information",
              "Hộ không có phương tiện nào trong số các phương tiện phục vụ tiếp cận thông tin "
              "(tivi, radio, máy tính, điện thoại…)"),
)

ND07_2021 = Standard(
    code="ND07_2021",
    title_vi="Chuẩn nghèo đa chiều giai đoạn 2022–2025",
    short_name_vi="Nghị định 07/2021/NĐ-CP",
    legal_reference=(
        "Nghị định số 07/2021/NĐ-CP ngày 27/01/2021 của Chính phủ, Điều 3 (sửa đổi bởi Nghị định "
        "số 30/2025/NĐ-CP); phương pháp rà soát: Quyết định số 24/2021/QĐ-TTg và Thông tư số "
        "07/2021/TT-BLĐTBXH (sửa đổi bởi Thông tư số 02/2022/TT-BLĐTBXH)"
    ),
    years=tuple(range(2021, 2026)),
    indicators=_ND07_INDICATORS,
    dimensions=_ND07_DIMENSIONS,
    poverty_line={RURAL: 1_500_000, URBAN: 2_000_000},
    near_poor_line=None,
    average_line={RURAL: 2_250_000, URBAN: 3_000_000},
    # Score A of the review form stands in for the income line: 140 points rural, 175 urban.
    # The forms have no score for the average band (that band is found from the household's
    # real income, Quyết định 24/2021/QĐ-TTg Điều 2), so score A only separates
    # poor/near-poor from the rest.
    score_a_limit={RURAL: 140, URBAN: 175},
    article_poor="Điều 3 khoản 2 điểm a Nghị định 07/2021/NĐ-CP",
    article_near_poor="Điều 3 khoản 2 điểm b Nghị định 07/2021/NĐ-CP",
    article_average="Điều 3 khoản 2 điểm c Nghị định 07/2021/NĐ-CP",
    score_reference="Thông tư 07/2021/TT-BLĐTBXH, phiếu rà soát (điểm A, điểm B)",
    indicator_reference="Điều 3 khoản 1 điểm b Nghị định 07/2021/NĐ-CP",
)


# --- Decree 351/2025/NĐ-CP (2027–2030) -------------------------------------------------------
# Income lines 2.200.000 rural / 2.800.000 urban; poor = income ≤ line and lacking ≥ 3
# indicators; the information-means indicator dropped; use of digital services, internet access
# and household waste treatment added (National Office for Poverty Reduction, on the issued
# decree). The decree's own text is not in our sources: article numbers, thresholds, the final
# grouping of indicators, the average-living lines and the review form's score limits are left
# open rather than guessed.
_ND351_PENDING = "Chưa có nguyên văn Nghị định 351/2025/NĐ-CP trong nguồn tra cứu; xem văn bản gốc"
_ND351_DIMENSIONS = (
    ("employment", "Việc làm"),
    ("health", "Y tế"),
    ("education", "Giáo dục"),
    ("housing", "Nhà ở"),
    ("water_sanitation", "Nước sinh hoạt, vệ sinh và môi trường"),
    ("information", "Thông tin"),
)
_ND351_INDICATORS = (
    Indicator("employment", "employment", "Việc làm", "Employment", _ND351_PENDING, verified=False),
    Indicator("dependants", "employment", "Người phụ thuộc trong hộ gia đình", "Dependants in the household",
              _ND351_PENDING, verified=False),
    Indicator("nutrition", "health", "Dinh dưỡng", "Nutrition", _ND351_PENDING, verified=False),
    Indicator("health_insurance", "health", "Bảo hiểm y tế", "Health insurance", _ND351_PENDING, verified=False),
    Indicator("adult_education", "education", "Trình độ giáo dục của người lớn", "Adult education",
              _ND351_PENDING, verified=False),
    Indicator("child_schooling", "education", "Tình trạng đi học của trẻ em", "School attendance of children",
              _ND351_PENDING, verified=False),
    Indicator("housing_quality", "housing", "Chất lượng nhà ở", "Housing quality", _ND351_PENDING, verified=False),
    Indicator("housing_area", "housing", "Diện tích nhà ở bình quân đầu người", "Floor area per person",
              _ND351_PENDING, verified=False),
    Indicator("safe_water", "water_sanitation", "Nguồn nước sinh hoạt", "Domestic water source",
              _ND351_PENDING, verified=False),
    Indicator("latrine", "water_sanitation", "Nhà tiêu hợp vệ sinh", "Hygienic latrine",
              _ND351_PENDING, verified=False),
    Indicator("waste_treatment", "water_sanitation", "Xử lý rác thải sinh hoạt của hộ gia đình",
              "Household waste treatment", _ND351_PENDING, verified=False),
    Indicator("telecom", "information", "Sử dụng dịch vụ viễn thông", "Use of telecommunication services",
              _ND351_PENDING, verified=False),
    Indicator("internet", "information", "Tiếp cận internet", "Internet access", _ND351_PENDING, verified=False),
    Indicator("digital_services", "information", "Sử dụng dịch vụ số", "Use of digital services",
              _ND351_PENDING, verified=False),
)

ND351_2025 = Standard(
    code="ND351_2025",
    title_vi="Chuẩn nghèo đa chiều quốc gia giai đoạn 2026–2030, áp dụng từ năm 2027",
    short_name_vi="Nghị định 351/2025/NĐ-CP",
    legal_reference="Nghị định số 351/2025/NĐ-CP ngày 30/12/2025 của Chính phủ",
    years=tuple(range(2026, 2031)),
    indicators=_ND351_INDICATORS,
    dimensions=_ND351_DIMENSIONS,
    poverty_line={RURAL: 2_200_000, URBAN: 2_800_000},
    near_poor_line=None,
    average_line={RURAL: None, URBAN: None},
    score_a_limit={RURAL: None, URBAN: None},
    area_labels_vi={RURAL: "nông thôn", URBAN: "đô thị"},
    article_poor="Nghị định 351/2025/NĐ-CP",
    article_near_poor="Nghị định 351/2025/NĐ-CP",
    article_average="Nghị định 351/2025/NĐ-CP",
    score_reference="Hướng dẫn rà soát giai đoạn 2026–2030 (chưa có trong nguồn tra cứu)",
    indicator_reference="Nghị định 351/2025/NĐ-CP (chưa đối chiếu nguyên văn)",
    notes_vi=(
        "Mức sống trung bình của Nghị định 351/2025/NĐ-CP chưa có trong nguồn tra cứu: quản trị "
        "khai báo; khi chưa khai báo, hộ trên chuẩn nghèo được xếp “Không nghèo”.",
        "Ngưỡng điểm A của phiếu rà soát giai đoạn 2026–2030 chưa có trong nguồn tra cứu: quản trị "
        "khai báo nếu cần phân loại theo điểm A.",
        "Danh mục chỉ số theo thông tin công bố về Nghị định (bỏ chỉ số phương tiện tiếp cận thông "
        "tin; thêm sử dụng dịch vụ số, tiếp cận internet, xử lý rác thải sinh hoạt); nhóm chiều, "
        "ngưỡng thiếu hụt và việc giữ riêng chỉ số dịch vụ viễn thông cần đối chiếu nguyên văn.",
    ),
)


STANDARDS: dict[str, Standard] = {s.code: s for s in (QD59_2015, ND07_2021, ND351_2025)}


# --- which standard a review year uses ------------------------------------------------------
# A review is done at the end of its year (01/9–14/12) and decides the lists of the next year,
# so a phase's baseline review ("tổng rà soát đầu kỳ") falls in the last year of the previous
# phase and already uses the new standard. Decree 07/2021 Điều 2 kept Decision 59/2015 for the
# *policies* of 2021; the end-2021 review, run under Quyết định 24/2021/QĐ-TTg (16/7/2021, the
# review procedure for 2022–2025), gave the 2022–2025 baseline under Điều 3.

@dataclass(frozen=True)
class YearRule:
    """The standard a review year uses, and why (quoted in every explanation)."""

    year: int
    standard: str
    reason_vi: str
    # False where our sources do not confirm the rule for this year (the 2026 baseline review).
    confirmed: bool = True
    # True when an administrator set it (``overrides``); ``reason_vi`` then quotes their reason.
    overridden: bool = False

    def as_dict(self) -> dict:
        return {"year": self.year, "standard": self.standard, "reason_vi": self.reason_vi,
                "confirmed": self.confirmed, "overridden": self.overridden}


def _phase_rules(standard: Standard, phase: str, first: int, last: int, article: str,
                 baseline_note: str, confirmed: bool = True) -> dict[int, YearRule]:
    rules = {first - 1: YearRule(
        first - 1, standard.code,
        f"Năm rà soát {first - 1} là năm tổng rà soát đầu kỳ giai đoạn {phase}: áp dụng "
        f"{standard.short_name_vi} ({article}){baseline_note}", confirmed=confirmed)}
    for year in range(first, last + 1):
        rules[year] = YearRule(year, standard.code,
                               f"Năm rà soát {year} thuộc giai đoạn {phase}: áp dụng {standard.short_name_vi} ({article})")
    return rules


DEFAULT_YEAR_RULES: dict[int, YearRule] = {
    **_phase_rules(QD59_2015, "2016–2020", 2016, 2020, "Điều 1, Điều 2",
                   " (văn bản hướng dẫn rà soát cuối năm 2015 chưa có trong nguồn tra cứu)", confirmed=False),
    **_phase_rules(
        ND07_2021, "2022–2025", 2022, 2025, "Điều 3",
        "; Quyết định 59/2015/QĐ-TTg chỉ còn áp dụng cho việc thực hiện chính sách trong năm 2021 "
        "(Điều 2 Nghị định 07/2021/NĐ-CP); quy trình rà soát theo Quyết định 24/2021/QĐ-TTg"),
    **_phase_rules(
        ND351_2025, "2027–2030", 2027, 2030, "áp dụng từ năm 2027",
        "; năm 2026 chính sách vẫn thực hiện theo danh sách chuẩn giai đoạn 2022–2025 (chưa có văn bản "
        "hướng dẫn quy trình rà soát đầu kỳ trong nguồn tra cứu: quản trị có thể quy định lại năm này)",
        confirmed=False),
}
FIRST_YEAR = min(DEFAULT_YEAR_RULES)
LAST_YEAR = max(DEFAULT_YEAR_RULES)

# An administrator's rule for a year: {year: (standard code, reason)}.
Overrides = Mapping[int, tuple[str, str]]


def check_overrides(overrides: Overrides | None) -> list[str]:
    """Every problem with an override mapping, in Vietnamese (empty when it is usable)."""
    problems = []
    for year, value in (overrides or {}).items():
        code, reason = (tuple(value) + ("", ""))[:2] if isinstance(value, (tuple, list)) else (value, "")
        if isinstance(year, bool) or not isinstance(year, int):
            problems.append(f"Năm “{year}” của quy định áp dụng chuẩn không hợp lệ")
        if code not in STANDARDS:
            problems.append(f"Năm {year}: chuẩn “{code}” không có; chọn trong: {', '.join(STANDARDS)}")
        if not str(reason or "").strip():
            problems.append(f"Năm {year}: thiếu lý do quy định chuẩn áp dụng")
    return problems


def year_rule(year: int, overrides: Overrides | None = None) -> YearRule:
    """The rule for a review year: the administrator's override if any, else the default."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValueError(f"Năm “{year}” không hợp lệ: phải là số nguyên, ví dụ 2023")
    problems = check_overrides(overrides)
    if problems:
        raise ValueError("; ".join(problems))
    if overrides and year in overrides:
        code, reason = overrides[year]
        standard = STANDARDS[code]
        return YearRule(year, code, f"Năm rà soát {year}: áp dụng {standard.short_name_vi} theo quy định của "
                                    f"quản trị — {str(reason).strip()}", overridden=True)
    try:
        return DEFAULT_YEAR_RULES[year]
    except KeyError:
        spans = "; ".join(f"{s.short_name_vi}: {s.years[0]}–{s.years[-1]}" for s in STANDARDS.values())
        raise ValueError(
            f"Chưa có chuẩn nghèo cho năm {year}: hệ thống có các năm {FIRST_YEAR}–{LAST_YEAR} ({spans})"
        ) from None


def year_rules(overrides: Overrides | None = None) -> list[YearRule]:
    """The whole year → standard table, overrides applied (the `standards` command and API)."""
    years = sorted(set(DEFAULT_YEAR_RULES) | set(overrides or {}))
    return [year_rule(year, overrides) for year in years]


def standard_for_year(year: int, overrides: Overrides | None = None,
                      standards: Mapping[str, Standard] | None = None) -> Standard:
    """The standard a year's review uses; a year no rule covers is a ValueError. ``standards``
    replaces the built-in ones by code (an administrator's indicator list, ``with_indicators``)."""
    code = year_rule(year, overrides).standard
    return (standards or {}).get(code) or STANDARDS[code]
