"""Pages of the official review tables (biểu rà soát): pick a unit of one's scope, a year and
a table, read it on screen, download it as .xlsx.

Thin: the unit comes through the scope (``official_tables.report_for``: another commune's
table is "not found"), the tables compute themselves, the page and the file draw the same rows.
"""

from __future__ import annotations

from django import forms
from django.db.models import Max
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vuonlen.accounts import roles, scoping
from vuonlen.core.audit import audit_record
from vuonlen.core.forms import StyledFormMixin
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.core.responses import file_response
from vuonlen.core.years import FIRST_YEAR
from vuonlen.documents.excel import workbook_bytes
from vuonlen.geo.models import Era

from . import official_tables, selectors
from .models import Review

ALL = "all"


def _years() -> list[int]:
    from .year_standards import years_with_standard

    return years_with_standard(range(today_vn().year, FIRST_YEAR - 1, -1))


def _unit_label(option) -> str:
    # Indented by level so districts and communes read under their province in a plain <select>;
    # the new units are marked, their names often repeat an old one's.
    suffix = "" if option.era == Era.PRE_2025 else " " + gettext("(từ 01/7/2025)")
    return "\u2003" * (option.level - 1) + option.name + suffix


class ReviewTablesForm(StyledFormMixin, forms.Form):
    unit = forms.TypedChoiceField(label=_("Địa bàn"), coerce=int)
    year = forms.TypedChoiceField(label=_("Năm rà soát"), coerce=int)
    table = forms.ChoiceField(label=_("Biểu"), choices=[(code, f"Biểu {code}: {title.capitalize()}")
                                                       for code, title in official_tables.TABLE_TITLES.items()])

    def __init__(self, *args, units=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, _unit_label(u)) for u in units]
        self.fields["year"].choices = [(y, str(y)) for y in years]  # a year, not "2.023"


def _initial(units, years) -> dict:
    """The reader's widest unit and the latest year with reviews."""
    latest = Review.objects.filter(is_current=True).aggregate(y=Max("year"))["y"]
    year = latest if latest in years else (years[0] if years else None)
    return {"unit": units[0].pk if units else None, "year": year, "table": "01"}


def _report(request, form):
    data = form.cleaned_data
    return official_tables.report_for(request.user, unit_pk=data["unit"], year=data["year"])


def _form(request, params=None) -> ReviewTablesForm:
    """The choice, bound to the query string with defaults. A unit outside the reader's scope is
    not among the choices: that is "not found", like any record out of scope."""
    if not scoping.can(request.user, roles.HOUSEHOLD_VIEW):
        raise Http404("Không tìm thấy")
    units = selectors.unit_options(request.user, min_level=1, max_level=3)
    years = _years()
    params = (params if params is not None else request.GET).copy()
    for key, value in _initial(units, years).items():
        params.setdefault(key, value)
    form = ReviewTablesForm(params, units=units, years=years)
    if not form.is_valid() and "unit" in form.errors:
        raise Http404("Không tìm thấy")
    return form


def review_tables(request):
    form = _form(request)
    table = None
    if form.is_valid():
        table = _report(request, form).table(form.cleaned_data["table"])
    context = {"form": form, "table": table}
    if request.headers.get("HX-Request"):
        return render(request, "households/official_tables.html#result", context)
    return render(request, "households/official_tables.html", context)


def review_tables_xlsx(request):
    """The chosen table, or all five (``table=all``), as .xlsx in the administrative layout."""
    params = request.GET.copy()
    every = params.get("table") == ALL
    if every:
        params["table"] = "01"
    form = _form(request, params)
    if not form.is_valid():
        raise Http404("Không tìm thấy")
    report = _report(request, form)
    codes = official_tables.TABLE_CODES if every else (form.cleaned_data["table"],)
    content = workbook_bytes(report.workbook(codes))
    which = "ca-5-bieu" if every else f"bieu-{codes[0]}"
    audit_record(actor=request.user, action=AuditAction.EXPORT, source="web", object_repr="Biểu rà soát",
                 note=f"{'Cả 5 biểu' if every else 'Biểu ' + codes[0]} năm {report.year}, "
                      f"{report.unit.name} ({report.unit.code}, {report.unit.era})")
    return file_response(content, f"{which}-{report.unit.code}-{report.unit.era}-{report.year}.xlsx")
