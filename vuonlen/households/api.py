"""The registry over HTTP (/api/v1/): households, members and reviews, read through the caller's
scope, and recording a review. Session authentication (the API's default).

A household outside the scope is 404, never 403; read-only callers get 403 on writes.
Citizen IDs come masked ("********1234") unless the caller's role needs them in full.
"""

# No ``from __future__ import annotations`` here: django-ninja reads the parameter types
# (``Query[...]``) at import time.
import datetime as dt
import re
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field, WithJsonSchema

from vuonlen.api.errors import Problems, problem, responses
from vuonlen.api.keyset import KeysetPages
from vuonlen.api.params import MAX_ID, MAX_PAGE, YEAR_MAX, YEAR_MIN, SearchText

from . import ethnicity, selectors, services
from .models import Household, Review

router = Router(tags=["Hộ gia đình"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


class Pages(PageNumberPagination):
    """Page numbers and sizes bounded: beyond them is a 422 naming the field, not a silent cap
    and not an offset the database cannot hold."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="Trang, từ 1")
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE,
                                      description=f"Số dòng một trang (mặc định {PAGE_SIZE}, tối đa {MAX_PAGE_SIZE})")


HouseholdId = Annotated[int, Path(ge=1, le=MAX_ID, description="Mã (id) của hộ")]
ReviewStatus = Literal["", "poor", "near_poor", "average", "above_average", "not_poor"]


class HouseholdFilter(Schema):
    q: SearchText = Field("", description="Tên chủ hộ hoặc nhân khẩu (có dấu hay không), mã hộ, số định danh (đủ 12 số)")
    unit: int | None = Field(None, ge=1, le=MAX_ID, description="Mã (id) đơn vị: xã, thôn hoặc huyện; gồm cả cấp dưới")
    status: ReviewStatus = Field("", description="poor, near_poor, average, above_average, not_poor")
    ethnicity: str = Field("", pattern=r"^(\d{2})?$", description="Mã dân tộc 2 chữ số, ví dụ 14 (Xơ Đăng)")
    year: int | None = Field(None, ge=YEAR_MIN, le=YEAR_MAX,
                             description="Năm rà soát: chỉ các hộ có kết quả năm đó (và tình trạng đó nếu có)")
    area: Literal["", "rural", "urban"] = Field("", description="rural hoặc urban")
    state: Literal["active", "ended", "all"] = Field(
        "active", description="active (đang theo dõi), ended (đã kết thúc) hoặc all")


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


def _member_out(row: selectors.MemberRow) -> dict:
    m, p = row.membership, row.membership.person
    return {
        "membership_id": m.pk, "person_id": p.pk, "full_name": p.full_name, "sex": p.sex,
        "birth_date": p.birth_date, "birth_year": p.birth_year, "ethnicity": p.ethnicity,
        "citizen_id": row.citizen_id, "health_insurance": p.health_insurance, "school_status": p.school_status,
        "education_level": p.education_level, "occupation": p.occupation, "relation": m.relation,
        "started_on": m.started_on, "start_reason": m.start_reason, "ended_on": m.ended_on, "end_reason": m.end_reason,
    }


_ID_LIKE = re.compile(r"\d{9}")


def _no_id_in_url(q: str) -> None:
    """A citizen ID in a query string lands in every access log on the way: refuse it and point
    to the POST search, where it travels in the body."""
    if _ID_LIKE.search(re.sub(r"[\s.\-]", "", q)):
        msg = _("số định danh không được gửi trong địa chỉ (nó sẽ nằm trong nhật ký máy chủ); "
                "hãy dùng POST /api/v1/households/search")
        raise NinjaValidationError([{"loc": ("query", "q"), "type": "value_error", "ctx": {"error": msg}}])


class HouseholdPages(KeysetPages):
    """The list's count kept between pages as the register's page keeps it
    (``selectors.household_count``: never a search's or a mentor's)."""

    def items_count(self, queryset, request) -> int:
        filters = getattr(request, "household_filters", None)
        if filters is None:
            return super().items_count(queryset, request)
        return selectors.household_count(request.user, filters, queryset)


@router.get("/households", response=responses(list[HouseholdOut]), summary="Danh sách hộ trong phạm vi",
            description="Tìm theo số định danh: dùng POST /households/search (không đưa số định danh vào địa chỉ).")
@paginate(HouseholdPages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def household_list(request, filters: Query[HouseholdFilter]):
    _no_id_in_url(filters.q)
    request.household_filters = selectors.HouseholdFilters(**filters.dict())
    return selectors.household_list(request.user, request.household_filters)


@router.post("/households/search", response=responses(list[HouseholdOut]),
             summary="Tìm hộ (bộ lọc trong thân yêu cầu: tên, số định danh không nằm trong địa chỉ)")
@paginate(Pages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def household_search(request, filters: HouseholdFilter):
    return selectors.household_list(request.user, selectors.HouseholdFilters(**filters.dict()))


@router.get("/households/{household_id}", response=responses(HouseholdDetailOut), summary="Một hộ")
def household_detail(request, household_id: HouseholdId):
    return selectors.get_household_for_user_or_404(request.user, household_id)


@router.get("/households/{household_id}/members", response=responses(list[MemberOut]),
            summary="Nhân khẩu của hộ (cả đã ra)")
def household_members(request, household_id: HouseholdId, current: bool = False):
    household = selectors.get_household_for_user_or_404(request.user, household_id)
    return [_member_out(row) for row in selectors.members_of(request.user, household, include_past=not current)]


@router.get("/households/{household_id}/reviews", response=responses(list[ReviewOut]),
            summary="Các kết quả rà soát của hộ")
def household_reviews(request, household_id: HouseholdId):
    household = selectors.get_household_for_user_or_404(request.user, household_id)
    return list(Review.objects.filter(household=household).order_by("-year", "-is_current", "-pk"))


@router.post("/households/{household_id}/reviews", response=responses(ReviewOut, status=201),
             summary="Ghi kết quả rà soát của hộ cho một năm")
def household_review_record(request, household_id: HouseholdId, payload: ReviewIn):
    household = selectors.get_household_for_user_or_404(request.user, household_id)
    try:
        year = int(str(payload.year).strip())
    except ValueError:
        year = None
    if year is None or not YEAR_MIN <= year <= YEAR_MAX:
        return Status(422, Problems(detail=[problem("year", _year_message())]))
    try:
        review = services.review_record(
            actor=request.user, household=household, year=year, income_per_capita=payload.income_per_capita,
            score_a=payload.score_a, lacking=payload.lacking or [], kind=payload.kind or "periodic",
            reviewed_on=payload.reviewed_on, farming=payload.farming, source="api")
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "Không có quyền") from None
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return Status(422, Problems(detail=[problem("" if field == "__all__" else field, f"{field}: {msg}"
                                                    if field != "__all__" else msg)
                                            for field, msgs in errors.items() for msg in msgs]))
    return Status(201, review)


def _year_message() -> str:
    return _("year: thiếu năm rà soát, năm không phải số hoặc ngoài khoảng %(low)d–%(high)d") % {
        "low": YEAR_MIN, "high": YEAR_MAX}


class ReviewPages(KeysetPages):
    """The reviews are ordered by year first (a handful of values): pages are read one year at a
    time, and the count per year — the whole visible registry joined, ≈ 100 ms of PostgreSQL
    for a province — is kept in the shared cache under the registry's and the tree's versions
    (``figures_cache.REGISTRY``, ``geo.versions``), keyed by the query itself, which names the
    reader's area and filters. Never kept for a mentor, whose households follow assignments."""

    few_values = ("year",)

    def counts_by(self, queryset, field, request):
        import hashlib

        from vuonlen.accounts import scoping
        from vuonlen.accounts.roles import Role
        from vuonlen.geo.versions import units_version
        from vuonlen.indicators import figures_cache

        compute = lambda: super(ReviewPages, self).counts_by(queryset, field, request)  # noqa: E731
        if Role.MENTOR in scoping.roles_of(request.user):
            return compute()
        grouped = queryset.order_by().values_list(field).query
        digest = hashlib.sha1(str(grouped).encode()).hexdigest()
        return figures_cache.cached(("api-review-counts", units_version(), digest), compute,
                                    topics=(figures_cache.REGISTRY,))


@router.get("/reviews", response=responses(list[ReviewOut]), summary="Kết quả rà soát hiện hành trong phạm vi")
@paginate(ReviewPages, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def review_list(request, year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX),
                unit: int | None = Query(None, ge=1, le=MAX_ID)):
    return selectors.review_list(request.user, year=year, unit=unit)
