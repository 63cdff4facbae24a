"""Dashboards: the reader's highest unit, any unit of their scope down to a village, and the
households behind a number. Thin: parse the query, find the unit through the scope (outside
it: 404, pages and files alike), call one selector, render the page or the .xlsx."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from vuonlen.accounts import roles, scoping
from vuonlen.core.audit import audit_record
from vuonlen.core.formats import parse_date
from vuonlen.core.models import AuditAction
from vuonlen.core.paging import paginate
from vuonlen.core.responses import file_response
from vuonlen.documents.excel import workbook_bytes
from vuonlen.geo import continuation

from . import dashboards
from .models import Indicator

PER_PAGE = 50


def _require_reader(user) -> None:
    if not scoping.can(user, roles.INDICATOR_VIEW):
        raise Http404("Không tìm thấy")


def _year(value) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 2000 <= year <= 2100 else None


def _cutoff(value) -> dt.date | None:
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError:
        return None


# The cut-off is ``ngay`` (dd/mm/yyyy), as on the evaluation pages, so one link or bookmark
# means the same date on both; ``cutoff`` (ISO) of older links is still read.
CUTOFF_PARAM = "ngay"


def _asked_cutoff(request) -> dt.date | None:
    return _cutoff(request.GET.get(CUTOFF_PARAM) or request.GET.get("cutoff"))


def _keep(period: dashboards.Period) -> str:
    """The query that carries the year (and a chosen cut-off) from page to page."""
    params = {"year": period.year}
    if period.cutoff != dashboards.default_cutoff(period.year):
        params[CUTOFF_PARAM] = period.cutoff.strftime("%d/%m/%Y")
    return urlencode(params)


@require_GET
def home(request):
    """The reader's own dashboard. Opened bare (the top bar's link), the dashboard of the
    reader's highest unit is drawn here at once rather than through a redirect: a second request
    for every opening (issue 17); its links and forms name the unit's own address. With a unit
    picked (``?unit=``), the other era (``?era=``) or a year, to that dashboard's address,
    keeping the year and cut-off."""
    _require_reader(request.user)
    year, cutoff = _year(request.GET.get("year")), _asked_cutoff(request)
    if request.GET.get("unit"):
        unit = scoping.get_unit_or_404(request.user, request.GET["unit"], roles.INDICATOR_VIEW)
    else:
        unit = dashboards.home_unit(request.user, era=request.GET.get("era") or None,
                                    year=year or dashboards.opening_year())
        if unit is None:
            raise Http404("Không tìm thấy")
        if not request.GET:
            return _dashboard_page(request, unit)
    params = {}
    if year:
        params["year"] = year
        if cutoff and cutoff.year == year:
            params["cutoff"] = cutoff.isoformat()
    url = reverse("indicators:dashboard", args=[unit.pk])
    return redirect(f"{url}?{urlencode(params)}" if params else url)


@require_GET
def dashboard(request, pk: int):
    unit = scoping.get_unit_or_404(request.user, pk, roles.INDICATOR_VIEW)
    return _dashboard_page(request, unit)


def _dashboard_page(request, unit):
    order = dashboards.BEST if request.GET.get("order") == dashboards.BEST else dashboards.WORST
    board = dashboards.dashboard(request.user, unit, year=_year(request.GET.get("year")),
                                 cutoff=_asked_cutoff(request),
                                 indicator_code=request.GET.get("indicator") or None, order=order)
    if request.GET.get("format") == "xlsx":
        table = request.GET.get("table") or dashboards.ALL_TABLES
        if table not in dashboards.TABLES and table != dashboards.ALL_TABLES:
            raise Http404("Không tìm thấy")
        content = workbook_bytes(dashboards.dashboard_workbook(board, table))
        audit_record(actor=request.user, action=AuditAction.EXPORT, source="web",
                     object_repr="Bảng điều khiển chỉ tiêu",
                     note=f"{dashboards.TABLE_TITLES.get(table, 'Cả bảng điều khiển')}, {unit.name} "
                          f"({unit.code}, {unit.era}), năm {board.period.year}, "
                          f"số liệu đến {board.period.cutoff:%d/%m/%Y}")
        return file_response(content, f"bang-dieu-khien-{table}-{unit.code}-{unit.era}-{board.period.year}.xlsx")
    keep = _keep(board.period)
    export_query = keep + (f"&indicator={board.ranking_indicator.code}&order={board.order}"
                           if board.ranking_indicator else "")
    self_url = reverse("indicators:dashboard", args=[unit.pk])
    fragment = _fragment_key(board, unit, keep, export_query, self_url)
    options = dashboards.unit_options(request.user, unit.era)
    if all(pk != unit.pk for pk, _label in options):  # a village: not in the picker, shown as chosen
        options = [(unit.pk, unit.name), *options]
    return render(request, "indicators/dashboard/page.html", {
        "board": board, "unit": unit, "keep": keep, "unit_options": options,
        "self_url": self_url,
        "era_links": dashboards.era_links(request.user, unit),
        "waiting_villages": continuation.waiting_count_for(unit),
        "chart_data": board.chart_data(),
        "tables": dashboards.TABLE_TITLES,
        "export_query": export_query,
        # The figure sections, through Django's {% cache %}: kept under the key, or not at all without one.
        "figures_fragment": fragment, "figures_seconds": FRAGMENT_SECONDS if fragment else 0,
    })


FRAGMENT_SECONDS = 600


def _fragment_key(board, unit, keep: str, export_query: str, self_url: str) -> str:
    """Everything the page's figure sections (the cards, who is behind, the ranking, the trend,
    the poverty dynamics: ``{% cache %}`` in the template) are drawn from, so that their markup
    is kept between views (issue 17): the figures' versioned key (``figures_cache``: the unit's
    and the global versions, the children, the year, the cut-off, the band, the day), the tree's
    version (the units' names), whether the numbers link to households, the ranking's indicator
    and order, the addresses, the unit and the language."""
    if not board.figures_key:
        return ""
    from django.utils.translation import get_language

    from vuonlen.geo.versions import units_version

    return "\n".join(map(str, (board.figures_key, units_version(), board.can_see_households, keep, export_query,
                               self_url, board.order, board.ranking_indicator.code if board.ranking_indicator else "",
                               unit.pk, unit.level, get_language())))


@require_GET
def households(request, pk: int):
    """The households behind a commune's or a village's number: the records of one indicator
    and year, all / meeting / not meeting, paged; ``?format=xlsx`` the same list as a file."""
    unit = scoping.get_unit_or_404(request.user, pk, roles.INDICATOR_VIEW)
    if unit.level < dashboards.DRILL_MIN_LEVEL:
        raise Http404("Không tìm thấy")
    if not scoping.can(request.user, roles.HOUSEHOLD_VIEW, unit):
        raise PermissionDenied(gettext("Bạn không có quyền xem danh sách hộ"))
    indicator = Indicator.objects.filter(code=request.GET.get("indicator") or "", is_active=True).first()
    if indicator is None or not dashboards.drillable(indicator):
        raise Http404("Không tìm thấy")
    period = dashboards.period_for(_year(request.GET.get("year")), _asked_cutoff(request),
                                   dashboards.data_years())
    meets = request.GET.get("meets") or ""
    if meets not in (dashboards.MEETS, dashboards.NOT_MEETS):
        meets = ""
    behind = dashboards.households_behind(request.user, unit, indicator, period, meets)
    if request.GET.get("format") == "xlsx":
        content = workbook_bytes(dashboards.households_workbook(behind, meets))
        audit_record(actor=request.user, action=AuditAction.EXPORT, source="web",
                     object_repr="Danh sách hộ theo chỉ tiêu",
                     note=f"{indicator.code}, {unit.name} ({unit.code}, {unit.era}), năm {period.year}, "
                          f"{dashboards.meets_words(behind, meets)}")
        return file_response(content, f"ho-{indicator.code.lower()}-{unit.code}-{unit.era}-{period.year}.xlsx")
    keep = _keep(period)
    return render(request, "indicators/dashboard/households.html", {
        "behind": behind, "unit": unit, "indicator": indicator, "period": period, "meets": meets,
        "page_obj": paginate(request, behind.records, per_page=PER_PAGE), "keep": keep,
        "base_query": f"indicator={indicator.code}&{keep}",
        "meets_words": dashboards.meets_words(behind, meets),
        "crumbs": dashboards.unit_crumbs(request.user, unit),
    })
