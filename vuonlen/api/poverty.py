"""Poverty standards over HTTP: classify one household, list the standards.

These endpoints are public (``auth=None``) although the API as a whole needs a session: they
touch no personal data — the caller sends the figures, the answer is the law applied to them,
with the administrator's year → standard rule (one small table, no personal data) — and the
same rules are printed in our documentation anyway. Keeping them open
lets a commune's own spreadsheet or another agency's system check a case without an account.
"""

import json
from typing import Annotated, Any

from ninja import Body, Router, Schema, Status
from pydantic import Field, WithJsonSchema

from vuonlen.api.errors import Problems, problem, responses
from vuonlen.households.year_standards import effective_standards, year_overrides, year_rules
from vuonlen.poverty import InvalidClassification
from vuonlen.poverty.inputs import classify_request

router = Router(tags=["Chuẩn nghèo"])


def _loose(schema: dict, description: str):
    """A field validated by our own code, so that every message is Vietnamese and all problems
    come back together, while the OpenAPI schema still shows the intended type."""
    return Annotated[Any, WithJsonSchema(schema), Field(default=None, description=description)]


class ClassifyIn(Schema):
    year: _loose({"type": "integer", "examples": [2023]}, "Năm rà soát; quyết định chuẩn áp dụng")
    area: _loose({"type": "string", "enum": ["rural", "urban"]}, "rural (nông thôn) hoặc urban (thành thị/đô thị)")
    income: _loose({"anyOf": [{"type": "integer"}, {"type": "string"}], "examples": [1450000, "1.450.000"]},
                   "Thu nhập bình quân đồng/người/tháng (hoặc nhập score_a)")
    score_a: _loose({"type": "integer", "examples": [130]}, "Điểm A của phiếu rà soát (thay cho income)")
    lacking_count: _loose({"type": "integer", "minimum": 0, "examples": [3]},
                          "Số chỉ số thiếu hụt (hoặc nhập indicators)")
    indicators: _loose({"type": "array", "items": {"type": "string"}, "examples": [["employment", "latrine"]]},
                       "Mã các chỉ số thiếu hụt của chuẩn năm đó (thay cho lacking_count)")
    lines: _loose({"type": "object", "examples": [{"average_line": {"rural": 2900000}}]},
                  "Mức do quản trị khai báo cho chỗ luật chưa có trong hệ thống "
                  "(average_line, score_a_limit, …), theo khu vực hoặc một số")


class ClassifyOut(Schema):
    status: str = Field(description="poor, near_poor, average, above_average hoặc not_poor")
    status_label: str
    standard: str
    year: int
    area: str
    poverty_line: int
    near_poor_line: int | None
    average_line: int | None
    score_a_limit: int | None
    score_a_near_poor_limit: int | None
    income: int | None
    score_a: int | None
    lacking: list[str]
    lacking_count: int
    indicator_count: int
    score_b: int
    configured: list[str]
    year_rule: dict | None = Field(description="Chuẩn áp dụng cho năm rà soát và lý do")
    explanation_vi: list[str]


@router.post("/classify", auth=None, response=responses(ClassifyOut, public=True),
             summary="Phân loại một hộ theo chuẩn nghèo của năm")
def classify(request, payload: ClassifyIn = Body(None)):
    # The raw body rather than ``payload``: unknown fields must be reported, not dropped (a typo
    # such as "lacking" would otherwise leave the household classified on missing data).
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return Status(422, Problems(detail=[problem("", "Nội dung gửi lên không phải JSON hợp lệ")]))
    try:
        result = classify_request(data, overrides=year_overrides(), standards=effective_standards())
    except InvalidClassification as exc:
        return Status(422, Problems(detail=[problem("" if name == "body" else name, msg) for name, msg in exc.problems]))
    return Status(200, result.as_dict())


@router.get("/standards", auth=None, response=responses(list[dict], public=True),
            summary="Các chuẩn nghèo, mức chuẩn và chỉ số")
def standards(request):
    return [s.as_dict() for s in effective_standards().values()]


@router.get("/years", auth=None, response=responses(list[dict], public=True), summary="Chuẩn nghèo áp dụng cho từng năm rà soát, và lý do")
def years(request):
    return [rule.as_dict() for rule in year_rules()]
