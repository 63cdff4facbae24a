"""Indicators over HTTP (/api/v1/indicators/): the catalogue, a unit's figures by year, and the
evaluation of a unit and its children at a cut-off — all through the caller's scope (a unit
outside it is 404; a mentor who holds nothing else has no dashboards, so 404 as well)."""

# No ``from __future__ import annotations``: django-ninja reads the parameter types at import.
import datetime as dt
from typing import Annotated

from django.http import Http404
from ninja import Path, Query, Router, Schema

from vuonlen.accounts import roles, scoping
from vuonlen.api.errors import responses
from vuonlen.api.params import MAX_ID, YEAR_MAX, YEAR_MIN
from vuonlen.core.access import require_room
from vuonlen.geo.models import AdministrativeUnit

from . import evaluation
from .models import Indicator, Rollup

router = Router(tags=["Chỉ tiêu"])


class IndicatorOut(Schema):
    code: str
    plan_item: int | None
    name: str
    short_name: str
    measure: str
    direction: str
    levels: list[int]
    source: str
    formula: str
    default_target: float | None


class FigureOut(Schema):
    year: int
    numerator: int
    denominator: int
    value: float | None


class RowOut(Schema):
    unit_id: int
    unit_name: str
    indicator: str
    year: int
    numerator: int | None
    denominator: int | None
    actual: float | None
    target: float | None
    target_kind: str
    expected: float | None
    share_of_target: float | None
    status: str


UnitId = Annotated[int, Path(ge=1, le=MAX_ID, description="Mã (id) của đơn vị hành chính")]
Code = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$", description="Mã chỉ tiêu")]
Cutoff = Annotated[dt.date | None, Query(None, ge=dt.date(YEAR_MIN, 1, 1), le=dt.date(YEAR_MAX, 12, 31),
                                         description="Ngày đánh giá (mặc định: hôm nay)")]
Band = Annotated[float, Query(0.15, ge=0, le=1, allow_inf_nan=False,
                              description="Biên độ đạt/không đạt, từ 0 đến 1, ví dụ 0.15 cho ±15%")]


@router.get("/", response=responses(list[IndicatorOut]), summary="Danh mục chỉ tiêu đang dùng")
def indicator_list(request):
    require_room(request.user, roles.INDICATOR_VIEW)
    return [IndicatorOut(code=i.code, plan_item=i.plan_item, name=i.name, short_name=i.short_name, measure=i.measure,
                         direction=i.direction, levels=i.levels, source=i.source, formula=i.formula,
                         default_target=float(i.default_target) if i.default_target is not None else None)
            for i in Indicator.objects.filter(is_active=True)]


@router.get("/units/{unit_id}/figures/{code}", response=responses(list[FigureOut]),
            summary="Tử số, mẫu số và giá trị của một chỉ tiêu theo năm cho một đơn vị (đã cộng dồn)")
def unit_figures(request, unit_id: UnitId, code: Code):
    require_room(request.user, roles.INDICATOR_VIEW)
    unit = scoping.get_unit_or_404(request.user, unit_id, roles.INDICATOR_VIEW)
    indicator = Indicator.objects.filter(code=code, is_active=True).first()
    if indicator is None or indicator.is_derived:
        raise Http404("Không có chỉ tiêu này (chỉ tiêu tính suy ra như mức giảm bình quân: xem /evaluation)")
    rows = Rollup.objects.filter(unit=unit, indicator=indicator).order_by("year").values_list(
        "year", "numerator", "denominator")
    return [FigureOut(year=y, numerator=n, denominator=d, value=evaluation.value_of(indicator, (n, d)))
            for y, n, d in rows]


@router.get("/units/{unit_id}/evaluation", response=responses(list[RowOut]),
            summary="Đánh giá kết quả so với chỉ tiêu tại một ngày, cho đơn vị và các đơn vị trực thuộc")
def unit_evaluation(request, unit_id: UnitId, cutoff: Cutoff = None, band: Band = 0.15, children: bool = True):
    require_room(request.user, roles.INDICATOR_VIEW)
    unit = scoping.get_unit_or_404(request.user, unit_id, roles.INDICATOR_VIEW)
    units = [unit]
    if children:
        below = AdministrativeUnit.objects.filter(parent=unit).filter(
            scoping.scope_for(request.user, roles.INDICATOR_VIEW).q("")).order_by("name_sort")
        units += list(below)
    names = {u.pk: u.name for u in units}
    rows = evaluation.Evaluation(cutoff=cutoff, band=band).rows([u.pk for u in units])
    return [RowOut(unit_id=r.unit_id, unit_name=names[r.unit_id], indicator=r.indicator.code, year=r.year,
                   numerator=r.numerator, denominator=r.denominator, actual=r.actual, target=r.target,
                   target_kind=r.target_kind, expected=r.expected, share_of_target=r.share, status=r.status)
            for r in rows]
