"""The registry over HTTP (/api/v1/): households, members and reviews, read through the caller's
scope, and recording a review. Session authentication (the API's default).

A household outside the scope is 404, never 403; read-only callers get 403 on writes.
Citizen IDs come masked ("********1234") unless the caller's role needs them in full.
"""

# No ``from __future__ import annotations`` here: django-ninja reads the parameter types
# (``Query[...]``) at import time.
import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field, WithJsonSchema

from . import ethnicity, selectors, services
from .models import Household, Review

router = Router(tags=["Hộ gia đình"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


class HouseholdFilter(Schema):
    q: str = Field("", description="Tên chủ hộ hoặc nhân khẩu (có dấu hay không), mã hộ, số định danh (đủ 12 số)")
    unit: int | None = Field(None, description="Mã (id) đơn vị: xã, thôn hoặc huyện; gồm cả cấp dưới")
    status: str = Field("", description="poor, near_poor, average, above_average, not_poor")
    ethnicity: str = Field("", description="Mã dân tộc 2 chữ số, ví dụ 14 (Xơ Đăng)")
    year: int | None = Field(None, description="Năm rà soát: chỉ các hộ có kết quả năm đó (và tình trạng đó nếu có)")
    area: str = Field("", description="rural hoặc urban")
    state: str = Field("active", description="active (đang theo dõi), ended (đã kết thúc) hoặc all")


class HouseholdOut(Schema):
    id: int
    code: str
    head_name: str
    commune_id: int
    commune_name: str
    unit_id: int
    unit_name: str
    area: str
    ethnicity: str
    ethnicity_name: str
    is_ethnic_minority: bool
    current_status: str
    current_status_year: int | None
    member_count: int | None = None
    started_on: dt.date | None
    ended_on: dt.date | None
    end_reason: str
    split_from_id: int | None
    merged_into_id: int | None

    @staticmethod
    def resolve_commune_name(obj: Household) -> str:
        return obj.commune.name

    @staticmethod
    def resolve_unit_name(obj: Household) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_ethnicity_name(obj: Household) -> str:
        return ethnicity.NAMES.get(obj.ethnicity, "")


class HouseholdDetailOut(HouseholdOut):
    phone: str
    address: str
    notes: str


class MemberOut(Schema):
    membership_id: int
    person_id: int
    full_name: str
    sex: str
    birth_date: dt.date | None
    birth_year: int | None
    ethnicity: str
    citizen_id: str = Field(description="Đủ 12 số nếu vai trò cần, nếu không chỉ 4 số cuối")
    health_insurance: bool
    school_status: str
    education_level: str
    occupation: str
    relation: str
    started_on: dt.date | None
    start_reason: str
    ended_on: dt.date | None
    end_reason: str


class ReviewOut(Schema):
    id: int
    household_id: int
    year: int
    standard: str
    kind: str
    reviewed_on: dt.date | None
    commune_id: int
    unit_id: int
    area: str
    is_ethnic_minority: bool
    persons: int
    income_per_capita: int | None
    score_a: int | None
    lacking: list[str]
    lacking_count: int
    score_b: int
    status: str
    farming: bool | None = Field(description="Hộ làm nông, lâm, ngư, diêm nghiệp (null: chưa ghi)")
    explanation: dict[str, Any]
    recognised: bool
    decision_number: str
    decision_date: dt.date | None
    is_current: bool
    supersedes_id: int | None
    correction_reason: str

    @staticmethod
    def resolve_income_per_capita(obj: Review) -> int | None:
        return None if obj.income_per_capita is None else int(obj.income_per_capita)


def _loose(schema: dict, description: str):
    """Validated by the service, so that every message is Vietnamese and all come back at once."""
    return Annotated[Any, WithJsonSchema(schema), Field(default=None, description=description)]


class ReviewIn(Schema):
    year: _loose({"type": "integer", "examples": [2023]}, "Năm rà soát; quyết định chuẩn nghèo áp dụng")
    income_per_capita: _loose({"anyOf": [{"type": "integer"}, {"type": "string"}], "examples": [1450000, "1.450.000"]},
                              "Thu nhập bình quân đồng/người/tháng (hoặc score_a)")
    score_a: _loose({"type": "integer"}, "Điểm A của phiếu rà soát (thay cho thu nhập)")
    lacking: _loose({"type": "array", "items": {"type": "string"}, "examples": [["employment", "latrine"]]},
                    "Mã (hoặc tên) các chỉ số thiếu hụt của chuẩn năm đó")
    kind: _loose({"type": "string", "enum": ["periodic", "regular"]}, "periodic (01/9–14/12) hoặc regular")
    reviewed_on: _loose({"type": "string", "examples": ["2023-10-15", "15/10/2023"]}, "Ngày rà soát")
    farming: _loose({"anyOf": [{"type": "boolean"}, {"type": "string"}], "examples": [True, "có"]},
                    "Hộ làm nông, lâm, ngư, diêm nghiệp: true/false, “có”/“không”; bỏ trống nếu chưa ghi "
                    "(biểu 01 chỉ đếm các hộ này trong số hộ có mức sống trung bình)")


class ErrorsOut(Schema):
    detail: str
    errors: dict[str, list[str]]


def _member_out(row: selectors.MemberRow) -> dict:
    m, p = row.membership, row.membership.person
    return {
        "membership_id": m.pk, "person_id": p.pk, "full_name": p.full_name, "sex": p.sex,
        "birth_date": p.birth_date, "birth_year": p.birth_year, "ethnicity": p.ethnicity,
        "citizen_id": row.citizen_id, "health_insurance": p.health_insurance, "school_status": p.school_status,
        "education_level": p.education_level, "occupation": p.occupation, "relation": m.relation,
        "started_on": m.started_on, "start_reason": m.start_reason, "ended_on": m.ended_on, "end_reason": m.end_reason,
    }


@router.get("/households", response=list[HouseholdOut], summary="Danh sách hộ trong phạm vi")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def household_list(request, filters: Query[HouseholdFilter]):
    data = filters.dict()
    if data["state"] not in ("active", "ended", "all"):
        data["state"] = "active"
    return selectors.household_list(request.user, selectors.HouseholdFilters(**data))


@router.get("/households/{household_id}", response=HouseholdDetailOut, summary="Một hộ")
def household_detail(request, household_id: int):
    return selectors.get_household_for_user_or_404(request.user, household_id)


@router.get("/households/{household_id}/members", response=list[MemberOut], summary="Nhân khẩu của hộ (cả đã ra)")
def household_members(request, household_id: int, current: bool = False):
    household = selectors.get_household_for_user_or_404(request.user, household_id)
    return [_member_out(row) for row in selectors.members_of(request.user, household, include_past=not current)]


@router.get("/households/{household_id}/reviews", response=list[ReviewOut], summary="Các kết quả rà soát của hộ")
def household_reviews(request, household_id: int):
    household = selectors.get_household_for_user_or_404(request.user, household_id)
    return list(Review.objects.filter(household=household).order_by("-year", "-is_current", "-pk"))


@router.post("/households/{household_id}/reviews", response={201: ReviewOut, 422: ErrorsOut},
             summary="Ghi kết quả rà soát của hộ cho một năm")
def household_review_record(request, household_id: int, payload: ReviewIn):
    household = selectors.get_household_for_user_or_404(request.user, household_id)
    try:
        year = int(str(payload.year).strip())
    except ValueError:
        return Status(422, {"detail": "Dữ liệu chưa hợp lệ",
                            "errors": {"year": ["Thiếu năm rà soát hoặc năm không phải số"]}})
    try:
        review = services.review_record(
            actor=request.user, household=household, year=year, income_per_capita=payload.income_per_capita,
            score_a=payload.score_a, lacking=payload.lacking or [], kind=payload.kind or "periodic",
            reviewed_on=payload.reviewed_on, farming=payload.farming, source="api")
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "Không có quyền") from None
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return Status(422, {"detail": "Dữ liệu chưa hợp lệ", "errors": errors})
    return Status(201, review)


@router.get("/reviews", response=list[ReviewOut], summary="Kết quả rà soát hiện hành trong phạm vi")
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def review_list(request, year: int | None = None, unit: int | None = None):
    return selectors.review_list(request.user, year=year, unit=unit)
