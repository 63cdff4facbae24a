"""Classifying a household under the standard of a year: status, lines used, scores, reasons.

Pure Python (no Django). Every bad argument is reported at once through ``InvalidClassification``
(a ValueError carrying ``problems``: ``(field, Vietnamese message)`` pairs), so a form, an import
row and the API can show them all together.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from .standards import AREAS, SCORE_B_PER_INDICATOR, STANDARDS, Overrides, Standard, YearRule, year_rule


class Status(StrEnum):
    POOR = "poor"
    NEAR_POOR = "near_poor"
    AVERAGE = "average"
    ABOVE_AVERAGE = "above_average"
    # Above the poverty (or near-poverty) line where the average band cannot be told: the
    # standard's average line is not configured, or only score A is known.
    NOT_POOR = "not_poor"


STATUS_LABELS_VI: dict[Status, str] = {
    Status.POOR: "Hộ nghèo",
    Status.NEAR_POOR: "Hộ cận nghèo",
    Status.AVERAGE: "Hộ có mức sống trung bình",
    Status.ABOVE_AVERAGE: "Hộ có mức sống trên trung bình",
    Status.NOT_POOR: "Không nghèo",
}

# Lines a caller may supply or correct (an administrator's figures, kept in the database).
LINE_KEYS: tuple[str, ...] = (
    "poverty_line", "near_poor_line", "average_line", "score_a_limit", "score_a_near_poor_limit",
)
_LINE_LABELS = {
    "poverty_line": "chuẩn nghèo",
    "near_poor_line": "chuẩn cận nghèo",
    "average_line": "mức sống trung bình",
    "score_a_limit": "ngưỡng điểm A",
    "score_a_near_poor_limit": "ngưỡng điểm A cận nghèo",
}

Problem = tuple[str, str]


class InvalidClassification(ValueError):
    """Bad arguments to ``classify``; ``problems`` lists every one as (field, message)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(message for _, message in self.problems))


@dataclass(frozen=True)
class Classification:
    status: Status
    standard: str
    poverty_line: int
    near_poor_line: int | None
    average_line: int | None
    income: int | None
    score_a: int | None
    lacking: tuple[str, ...]
    lacking_count: int
    score_b: int
    explanation_vi: list[str]
    year: int = 0
    area: str = ""
    score_a_limit: int | None = None
    score_a_near_poor_limit: int | None = None
    indicator_count: int = 0
    # Lines that came from the caller's ``lines`` rather than from the standard itself.
    configured: tuple[str, ...] = field(default=())
    # Why this standard applies to this review year (the default rule or an administrator's).
    year_rule: YearRule | None = None

    @property
    def status_label_vi(self) -> str:
        return STATUS_LABELS_VI[self.status]

    def as_dict(self) -> dict:
        return {
            "status": str(self.status),
            "status_label": self.status_label_vi,
            "standard": self.standard,
            "year": self.year,
            "area": self.area,
            "poverty_line": self.poverty_line,
            "near_poor_line": self.near_poor_line,
            "average_line": self.average_line,
            "score_a_limit": self.score_a_limit,
            "score_a_near_poor_limit": self.score_a_near_poor_limit,
            "income": self.income,
            "score_a": self.score_a,
            "lacking": list(self.lacking),
            "lacking_count": self.lacking_count,
            "indicator_count": self.indicator_count,
            "score_b": self.score_b,
            "configured": list(self.configured),
            "year_rule": self.year_rule.as_dict() if self.year_rule is not None else None,
            "explanation_vi": list(self.explanation_vi),
        }


def classify(
    *,
    year: int,
    area: str,
    income: int | Decimal | None = None,
    score_a: int | None = None,
    lacking: Iterable[str] | None = None,
    lacking_count: int | None = None,
    lines: Mapping | None = None,
    overrides: Overrides | None = None,
    standards: Mapping[str, Standard] | None = None,
) -> Classification:
    """Classify one household for ``year`` in ``area`` ("rural" or "urban").

    Exactly one of ``income`` (VND per person per month; a Decimal is rounded to the whole
    đồng) and ``score_a`` (the review form's income proxy); exactly one of ``lacking`` (indicator
    codes of that year's standard) and ``lacking_count``. ``lines`` supplies lines the standard
    leaves open, or corrects one, e.g. ``{"average_line": {"rural": 2_900_000}}`` or
    ``{"average_line": 2_900_000}`` (for the area being classified); keys are ``LINE_KEYS``.
    ``overrides`` is the administrator's year → standard rule, ``{year: (code, reason)}``;
    ``standards`` replaces built-in standards by code (an administrator's indicator list).
    """
    args, problems = check_arguments(
        year=year, area=area, income=income, score_a=score_a,
        lacking=lacking, lacking_count=lacking_count, lines=lines, overrides=overrides, standards=standards,
    )
    if problems:
        raise InvalidClassification(problems)
    return _classify(args)


@dataclass(frozen=True)
class _Args:
    year: int
    area: str
    standard: Standard
    income: int | None
    score_a: int | None
    lacking: tuple[str, ...]
    lacking_count: int
    lines: dict[str, int | None]
    configured: tuple[str, ...]
    rule: YearRule


def check_arguments(
    *, year, area, income=None, score_a=None, lacking=None, lacking_count=None, lines=None,
    overrides=None, standards=None, already_invalid: Iterable[str] = (),
) -> tuple[_Args | None, list[Problem]]:
    """Normalise ``classify``'s arguments and list every problem with them.

    ``already_invalid`` names fields the caller has reported itself (a text it could not read
    as a number, say): they count as given but are not checked again.
    """
    skip = set(already_invalid)
    problems: list[Problem] = []
    standard = rule = None
    if "year" not in skip:
        try:
            rule = year_rule(year, overrides)
            standard = (standards or {}).get(rule.standard) or STANDARDS[rule.standard]
        except ValueError as exc:
            problems.append(("year", str(exc)))
    if "area" not in skip and area not in AREAS:
        problems.append(("area", f"Khu vực “{area}” không hợp lệ: chọn “rural” (nông thôn) hoặc “urban” (thành thị)"))

    _one_of(("income", income), ("score_a", score_a), skip, problems,
            both="Chỉ nhập một trong hai: thu nhập bình quân hoặc điểm A",
            neither="Thiếu thu nhập bình quân (đồng/người/tháng) hoặc điểm A")
    income_value = score_value = None
    if income is not None and "income" not in skip:
        income_value = _money(income, "income", "Thu nhập bình quân", problems)
    if score_a is not None and "score_a" not in skip:
        score_value = _whole(score_a, "score_a", "Điểm A", problems)

    _one_of(("lacking", lacking), ("lacking_count", lacking_count), skip, problems,
            both="Chỉ nhập một trong hai: danh sách chỉ số thiếu hụt hoặc số chỉ số thiếu hụt",
            neither="Thiếu các chỉ số thiếu hụt (danh sách mã) hoặc số chỉ số thiếu hụt")
    codes, count = _lacking(lacking, lacking_count, standard, skip, problems)

    effective: dict[str, int | None] = {}
    configured: tuple[str, ...] = ()
    if standard is not None and area in AREAS and "lines" not in skip:
        effective, configured = _effective_lines(standard, area, lines, problems)
        if score_value is not None or ("score_a" in skip and income is None):
            _require_score_limits(standard, area, effective, problems)

    if problems:
        return None, problems
    return _Args(year, area, standard, income_value, score_value, codes, count, effective, configured, rule), []


def _one_of(first, second, skip, problems: list[Problem], *, both: str, neither: str) -> None:
    """Exactly one of two arguments; one the caller already found invalid still counts as given."""
    (first_name, first_value), (second_name, second_value) = first, second
    has_first = first_value is not None or first_name in skip
    has_second = second_value is not None or second_name in skip
    if has_first and has_second:
        problems.append((second_name, both))
    elif not has_first and not has_second:
        problems.append((first_name, neither))


def _lacking(lacking, lacking_count, standard, skip, problems: list[Problem]) -> tuple[tuple[str, ...], int]:
    if lacking is not None and "lacking" not in skip:
        codes = _codes(lacking, standard, problems)
        return codes, len(codes)
    if lacking_count is not None and "lacking_count" not in skip:
        value = _whole(lacking_count, "lacking_count", "Số chỉ số thiếu hụt", problems)
        if value is not None and standard is not None and value > len(standard.indicators):
            problems.append(("lacking_count", f"Số chỉ số thiếu hụt {value} vượt quá {len(standard.indicators)} "
                                              f"chỉ số của {standard.short_name_vi}"))
        return (), value or 0
    return (), 0


def _classify(a: _Args) -> Classification:
    s = a.standard
    two_lines = a.lines["near_poor_line"] is not None
    if a.income is not None:
        value = a.income
        lower = a.lines["poverty_line"] if two_lines else None
        upper = a.lines["near_poor_line"] if two_lines else a.lines["poverty_line"]
        average = a.lines["average_line"]
    else:
        value = a.score_a
        lower = a.lines["score_a_limit"] if two_lines else None
        upper = a.lines["score_a_near_poor_limit"] if two_lines else a.lines["score_a_limit"]
        average = None  # the review forms have no score for the average band

    lacks_enough = a.lacking_count >= s.min_lacking_for_poor
    if lower is not None and value <= lower:
        status = Status.POOR
    elif value <= upper:
        status = Status.POOR if lacks_enough else Status.NEAR_POOR
    elif average is not None:
        status = Status.AVERAGE if value <= average else Status.ABOVE_AVERAGE
    else:
        status = Status.NOT_POOR

    return Classification(
        status=status,
        standard=s.code,
        poverty_line=a.lines["poverty_line"],
        near_poor_line=a.lines["near_poor_line"],
        average_line=a.lines["average_line"],
        income=a.income,
        score_a=a.score_a,
        lacking=a.lacking,
        lacking_count=a.lacking_count,
        score_b=a.lacking_count * SCORE_B_PER_INDICATOR,
        explanation_vi=_explain(a, status, value, lower, upper, average),
        year=a.year,
        area=a.area,
        score_a_limit=a.lines["score_a_limit"],
        score_a_near_poor_limit=a.lines["score_a_near_poor_limit"],
        indicator_count=len(s.indicators),
        configured=a.configured,
        year_rule=a.rule,
    )


# --- explanation ------------------------------------------------------------------------------

def vnd(value: int) -> str:
    """1500000 → '1.500.000' (kept here so the package needs nothing outside itself)."""
    return f"{value:,}".replace(",", ".")


def _explain(a: _Args, status: Status, value: int, lower, upper, average) -> list[str]:
    s = a.standard
    lines = [a.rule.reason_vi]
    if a.income is not None:
        lines += _explain_income(a, value, lower, upper, average)
    else:
        lines += _explain_score(a, status, value, lower, upper)
    total = len(s.indicators)
    if a.lacking:
        names = "; ".join(s.indicator(code).name_vi for code in a.lacking)
        lines.append(f"Thiếu hụt {a.lacking_count}/{total} chỉ số: {names}")
    elif a.lacking_count:
        lines.append(f"Thiếu hụt {a.lacking_count}/{total} chỉ số")
    else:
        lines.append(f"Không thiếu hụt chỉ số nào (0/{total})")
    lines.append(f"Điểm B = {a.lacking_count * SCORE_B_PER_INDICATOR}")
    lines.append(_conclusion(s, status, lower is not None and value <= lower))
    return lines


def _mark(a: _Args, key: str) -> str:
    return " (do quản trị khai báo)" if key in a.configured else ""


def _explain_income(a: _Args, value: int, lower, upper, average) -> list[str]:
    s = a.standard
    area_vi = s.area_labels_vi[a.area]
    subject = f"Thu nhập bình quân {vnd(value)} đồng/người/tháng"
    pov = f"chuẩn nghèo {area_vi} {vnd(a.lines['poverty_line'])} đồng{_mark(a, 'poverty_line')}"
    near = f"chuẩn cận nghèo {area_vi} {vnd(upper)} đồng{_mark(a, 'near_poor_line')}" if lower is not None else None
    if lower is not None and value <= lower:
        return [f"{subject} ≤ {pov}: hộ nghèo không phụ thuộc số chỉ số thiếu hụt"]
    if lower is not None and value <= upper:
        return [f"{subject} > {pov} và ≤ {near}"]
    if value <= upper:
        return [f"{subject} ≤ {pov}"]
    if average is not None:
        avg = f"mức sống trung bình {area_vi} {vnd(average)} đồng{_mark(a, 'average_line')}"
        return [f"{subject} > {near or pov} và {'≤' if value <= average else '>'} {avg}"]
    return [
        f"{subject} > {near or pov}",
        f"Chưa có mức sống trung bình {area_vi} của {s.short_name_vi} (quản trị chưa khai báo): "
        "không phân biệt được mức sống trung bình, xếp “Không nghèo”",
    ]


def _explain_score(a: _Args, status: Status, value: int, lower, upper) -> list[str]:
    area_vi = a.standard.area_labels_vi[a.area]
    subject = f"Điểm A = {value}"
    lim = f"ngưỡng {a.lines['score_a_limit']} điểm ({area_vi}){_mark(a, 'score_a_limit')}"
    if lower is not None:
        near = f"ngưỡng cận nghèo {upper} điểm ({area_vi}){_mark(a, 'score_a_near_poor_limit')}"
        if value <= lower:
            lines = [f"{subject} ≤ {lim}: hộ nghèo không phụ thuộc số chỉ số thiếu hụt"]
        elif value <= upper:
            lines = [f"{subject} > {lim} và ≤ {near}"]
        else:
            lines = [f"{subject} > {near}"]
    elif value <= upper:
        lines = [f"{subject} ≤ {lim}, tương đương thu nhập không vượt chuẩn nghèo"]
    else:
        lines = [f"{subject} > {lim}, tương đương thu nhập trên chuẩn nghèo"]
    if status == Status.NOT_POOR:
        # Thông tư 07/2021/TT-BLĐTBXH scores income only against the poverty line; the average
        # band is found from real income (Quyết định 24/2021/QĐ-TTg, Điều 2).
        lines.append("Phiếu rà soát không có điểm A cho mức sống trung bình: cần thu nhập thực tế "
                     "để phân biệt hộ có mức sống trung bình, xếp “Không nghèo”")
    return lines


def _conclusion(s: Standard, status: Status, below_lower: bool) -> str:
    n = s.min_lacking_for_poor
    label = STATUS_LABELS_VI[status]
    if status == Status.POOR and below_lower:
        why = f"thu nhập không vượt chuẩn nghèo ({s.article_poor})"
    elif status == Status.POOR:
        why = f"thu nhập trong mức xét và thiếu hụt từ {n} chỉ số trở lên ({s.article_poor})"
    elif status == Status.NEAR_POOR:
        why = f"thu nhập trong mức xét và thiếu hụt dưới {n} chỉ số ({s.article_near_poor})"
    elif status == Status.AVERAGE:
        why = f"thu nhập trên chuẩn, không vượt mức sống trung bình ({s.article_average})"
    elif status == Status.ABOVE_AVERAGE:
        why = "thu nhập trên mức sống trung bình"
    else:
        why = "thu nhập trên chuẩn, chưa xác định được mức sống trung bình"
    return f"Kết luận: {label} — {why}"


# --- argument checks --------------------------------------------------------------------------

def _money(value, name: str, label: str, problems: list[Problem]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, float)):
        problems.append((name, f"{label} phải là số (đồng), nhận được “{value}”"))
        return None
    try:
        amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        problems.append((name, f"{label} “{value}” không phải là số hợp lệ"))
        return None
    if amount < 0:
        problems.append((name, f"{label} không được âm ({value})"))
        return None
    # VND has no smaller unit: a per-person average such as 1.500.000,4 is read as 1.500.000.
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _whole(value, name: str, label: str, problems: list[Problem]) -> int | None:
    if isinstance(value, bool):
        problems.append((name, f"{label} phải là số nguyên không âm"))
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    elif isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        value = int(value)
    if not isinstance(value, int) or value < 0:
        problems.append((name, f"{label} phải là số nguyên không âm, nhận được “{value}”"))
        return None
    return value


def _codes(lacking, standard: Standard | None, problems: list[Problem]) -> tuple[str, ...]:
    if isinstance(lacking, str):
        # A bare string would be read letter by letter; accept "a, b" as the list it means.
        items = [part for part in lacking.split(",")]
    else:
        try:
            items = list(lacking)
        except TypeError:
            problems.append(("lacking", "Danh sách chỉ số thiếu hụt phải là danh sách mã chỉ số"))
            return ()
    seen: dict[str, None] = {}
    unknown = []
    for item in items:
        code = str(item).strip()
        if not code:
            continue
        if standard is not None and code not in standard.indicator_codes:
            unknown.append(code)
        seen.setdefault(code, None)
    if unknown and standard is not None:
        names = ", ".join(f"“{code}”" for code in unknown)
        problems.append(("lacking", f"Chỉ số {names} không thuộc {standard.short_name_vi}; "
                                    f"các mã hợp lệ: {', '.join(standard.indicator_codes)}"))
    return tuple(seen)


def _effective_lines(standard: Standard, area: str, lines, problems: list[Problem]):
    given = {}
    if lines is not None:
        if not isinstance(lines, Mapping):
            problems.append(("lines", "Các mức khai báo phải là một bảng {tên mức: giá trị}"))
            lines = {}
        for key in lines:
            if key not in LINE_KEYS:
                problems.append(("lines", f"Mức “{key}” không được hỗ trợ; chọn trong: {', '.join(LINE_KEYS)}"))
        given = {key: lines[key] for key in LINE_KEYS if key in lines}

    effective: dict[str, int | None] = {}
    configured = []
    for key in LINE_KEYS:
        table = getattr(standard, key)
        base = table.get(area) if table is not None else None
        raw = given.get(key)
        if isinstance(raw, Mapping):
            extra = [k for k in raw if k not in AREAS]
            if extra:
                problems.append(("lines", f"Khu vực “{extra[0]}” trong mức “{key}” không hợp lệ (rural/urban)"))
            raw = raw.get(area)
        value = base
        if raw is not None:
            label = f"Mức “{_LINE_LABELS[key]}” khai báo"
            value = _money(raw, "lines", label, problems) if "limit" not in key else _whole(raw, "lines", label, problems)
            if value is not None and value != base:
                configured.append(key)
            elif value is None:
                value = base
        effective[key] = value

    _check_order(effective, ("poverty_line", "near_poor_line", "average_line"), problems)
    _check_order(effective, ("score_a_limit", "score_a_near_poor_limit"), problems)
    return effective, tuple(configured)


def _check_order(effective: dict, keys: tuple[str, ...], problems: list[Problem]) -> None:
    present = [(key, effective[key]) for key in keys if effective[key] is not None]
    for (low_key, low), (high_key, high) in zip(present, present[1:]):
        if low >= high:
            problems.append(("lines", f"{_LINE_LABELS[high_key].capitalize()} ({vnd(high)}) phải lớn hơn "
                                      f"{_LINE_LABELS[low_key]} ({vnd(low)})"))


def _require_score_limits(standard: Standard, area: str, effective: dict, problems: list[Problem]) -> None:
    needed = ["score_a_limit"]
    if effective["near_poor_line"] is not None:
        needed.append("score_a_near_poor_limit")
    missing = [key for key in needed if effective[key] is None]
    if missing:
        names = ", ".join(_LINE_LABELS[key] for key in missing)
        problems.append(("score_a", f"{standard.short_name_vi} chưa có {names} cho khu vực "
                                    f"{standard.area_labels_vi[area]} trong hệ thống: nhập thu nhập bình quân, "
                                    "hoặc quản trị khai báo ngưỡng điểm"))
