"""Village surveys over HTTP (/api/v1/surveys/): the causes catalogue, the surveys of a year and
the cause summary of a unit — read through the caller's scope (a unit outside it is 404)."""

# No ``from __future__ import annotations``: django-ninja reads the parameter types at import.
import datetime as dt

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from vuonlen.accounts import roles, scoping
from vuonlen.api.errors import responses
from vuonlen.api.params import MAX_ID, YEAR_MAX, YEAR_MIN
from vuonlen.core.access import require_room

from . import selectors
from .models import PovertyCause

router = Router(tags=["Khảo sát thôn"])
MAX_ROWS = 500


class CauseOut(Schema):
    id: int
    code: str
    name: str
    is_active: bool


class SurveyOut(Schema):
    id: int
    village_id: int
    village_name: str
    commune_name: str
    year: int
    households_total: int | None
    poor_households: int | None
    near_poor_households: int | None
    especially_difficult: bool
    new_rural_area: bool
    main_crops: str
    main_livestock: str
    market_access: str
    surveyed_on: dt.date
    causes: dict[str, int]


class SurveyFilter(Schema):
    year: int = Field(..., ge=YEAR_MIN, le=YEAR_MAX, description="Năm khảo sát")
    unit: int | None = Field(None, ge=1, le=MAX_ID, description="Mã (id) đơn vị: tỉnh, huyện, xã hoặc thôn")


class SummaryRowOut(Schema):
    unit_id: int | None
    unit_name: str
    surveys: int
    especially_difficult: int
    poor: int
    near_poor: int
    causes: dict[str, int]


@router.get("/causes", response=responses(list[CauseOut]), summary="Danh mục nguyên nhân nghèo")
def cause_list(request):
    require_room(request.user, roles.SURVEY_VIEW)
    return [CauseOut(id=c.pk, code=c.code, name=c.name, is_active=c.is_active) for c in PovertyCause.objects.all()]


def _unit(request, pk):
    return scoping.get_unit_or_404(request.user, pk, roles.SURVEY_VIEW) if pk else None


@router.get("/", response=responses(list[SurveyOut]),
            summary=f"Khảo sát thôn của một năm trong phạm vi (tối đa {MAX_ROWS} thôn)")
def survey_list(request, filters: Query[SurveyFilter]):
    require_room(request.user, roles.SURVEY_VIEW)
    surveys = list(selectors.survey_list(request.user, year=filters.year, unit=_unit(request, filters.unit))
                   .prefetch_related("cause_counts__cause")[:MAX_ROWS])
    return [SurveyOut(id=s.pk, village_id=s.village_id, village_name=s.village.name,
                      commune_name=s.village.parent.name if s.village.parent_id else "", year=s.year,
                      households_total=s.households_total, poor_households=s.poor_households,
                      near_poor_households=s.near_poor_households, especially_difficult=s.especially_difficult,
                      new_rural_area=s.new_rural_area, main_crops=s.main_crops, main_livestock=s.main_livestock,
                      market_access=s.market_access, surveyed_on=s.surveyed_on,
                      causes={c.cause.code: c.households for c in s.cause_counts.all()}) for s in surveys]


@router.get("/summary", response=responses(list[SummaryRowOut]),
            summary="Tổng hợp số hộ theo nguyên nhân nghèo của các đơn vị trực thuộc (dòng cuối: tổng cộng)")
def summary(request, filters: Query[SurveyFilter]):
    require_room(request.user, roles.SURVEY_VIEW)
    data = selectors.cause_summary(request.user, year=filters.year, unit=_unit(request, filters.unit))
    codes = {c.pk: c.code for c in data.causes}

    def out(row, name=None):
        return SummaryRowOut(unit_id=row.unit.pk if row.unit else None, unit_name=name or row.unit.name,
                             surveys=row.surveys, especially_difficult=row.especially_difficult, poor=row.poor,
                             near_poor=row.near_poor, causes={codes[k]: v for k, v in row.causes.items()})
    return [out(r) for r in data.rows] + [out(data.total, _("Tổng cộng"))]
