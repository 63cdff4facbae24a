"""Reading a classification request typed by a person or sent by a program.

The `poverty classify` command and `POST /api/v1/poverty/classify` both come through here, so
they accept the same things ("1.500.000" or 1500000, "nông thôn" or "rural", codes as a list or
"a,b") and answer with the same Vietnamese messages, every problem at once.

Pure Python: ``vuonlen.core.text`` and ``vuonlen.core.formats`` are plain modules without Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from vuonlen.core.formats import parse_number
from vuonlen.core.text import fold, nfc

from .classification import Classification, InvalidClassification, Problem, _classify, check_arguments
from .standards import RURAL, URBAN

FIELDS = ("year", "area", "income", "score_a", "lacking_count", "indicators", "lines")

_AREA_ALIASES = {
    "rural": RURAL, "nong thon": RURAL, "nt": RURAL,
    "urban": URBAN, "thanh thi": URBAN, "do thi": URBAN, "tt": URBAN,
}
# check_arguments speaks of ``lacking``; requests call the list of codes ``indicators``.
_REQUEST_FIELD = {"lacking": "indicators"}


def classify_request(data: Mapping[str, Any], *, overrides=None, standards=None) -> Classification:
    """Classify from raw request fields; InvalidClassification names request fields.

    ``overrides``: the administrator's year → standard rule (``{year: (code, reason)}``)."""
    if not isinstance(data, Mapping):
        raise InvalidClassification([("body", "Dữ liệu gửi lên phải là một đối tượng {trường: giá trị}")])
    problems: list[Problem] = []
    invalid: set[str] = set()
    for key in data:
        if key not in FIELDS:
            problems.append((key, f"Trường “{key}” không được hỗ trợ; các trường: {', '.join(FIELDS)}"))

    def read(name: str, reader):
        value = data.get(name)
        if _blank(value):
            return None
        try:
            return reader(value)
        except ValueError as exc:
            problems.append((name, str(exc)))
            invalid.add("lacking" if name == "indicators" else name)
            return None

    args = dict(
        year=read("year", _year),
        area=read("area", _area),
        income=read("income", _income),
        score_a=read("score_a", lambda v: _whole(v, "Điểm A")),
        lacking_count=read("lacking_count", lambda v: _whole(v, "Số chỉ số thiếu hụt")),
        lacking=read("indicators", _codes),
        lines=read("lines", _lines),
    )
    if args["year"] is None and "year" not in invalid:
        problems.append(("year", "Thiếu năm rà soát"))
        invalid.add("year")
    if args["area"] is None and "area" not in invalid:
        problems.append(("area", "Thiếu khu vực: “rural” (nông thôn) hoặc “urban” (thành thị)"))
        invalid.add("area")

    checked, more = check_arguments(**args, overrides=overrides, standards=standards, already_invalid=invalid)
    problems += [(_REQUEST_FIELD.get(name, name), message) for name, message in more]
    if problems:
        # In the order of the form's fields, whichever check found them; unknown fields first.
        order = {name: i for i, name in enumerate(FIELDS)}
        raise InvalidClassification(sorted(problems, key=lambda p: order.get(p[0], -1)))
    return _classify(checked)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _year(value) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = nfc(str(value))
    if isinstance(value, str) and text.isdigit():
        return int(text)
    raise ValueError(f"Năm “{value}” không hợp lệ: phải là số, ví dụ 2023")


def _area(value) -> str:
    key = fold(str(value)) if isinstance(value, str) else None
    if key in _AREA_ALIASES:
        return _AREA_ALIASES[key]
    raise ValueError(f"Khu vực “{value}” không hợp lệ: chọn “rural” (nông thôn) hoặc “urban” (thành thị)")


def _number(value, label: str) -> Decimal:
    if isinstance(value, (list, dict)):
        raise ValueError(f"{label} phải là số, nhận được “{value}”")
    try:
        return parse_number(value)
    except ValueError:
        raise ValueError(f"{label} “{value}” không phải là số hợp lệ (ví dụ 1.500.000)") from None


def _income(value) -> Decimal:
    amount = _number(value, "Thu nhập bình quân")
    if amount < 0:
        raise ValueError(f"Thu nhập bình quân không được âm ({value})")
    return amount


def _whole(value, label: str) -> int:
    number = _number(value, label)
    if number < 0 or number != number.to_integral_value():
        raise ValueError(f"{label} phải là số nguyên không âm, nhận được “{value}”")
    return int(number)


def _codes(value) -> list[str]:
    if isinstance(value, str):
        return [nfc(part) for part in value.split(",") if part.strip()]
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return [nfc(item) for item in value if item.strip()]
    raise ValueError("Các chỉ số thiếu hụt phải là danh sách mã, ví dụ [\"employment\", \"latrine\"]")


def _lines(value) -> dict:
    if not isinstance(value, Mapping):
        raise ValueError("Các mức khai báo phải là một bảng, ví dụ {\"average_line\": {\"rural\": 2900000}}")
    result = {}
    for key, raw in value.items():
        if isinstance(raw, Mapping):
            result[key] = {area: None if _blank(v) else _number(v, f"Mức “{key}”") for area, v in raw.items()}
        else:
            result[key] = None if _blank(raw) else _number(raw, f"Mức “{key}”")
    return result
