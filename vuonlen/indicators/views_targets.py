"""Pages of targets ("Giao chỉ tiêu"), evaluation ("Đánh giá kết quả", "Đơn vị chậm tiến độ"),
entered figures and the catalogue: parse, call one service or report, render."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vuonlen.accounts import roles, scoping
from vuonlen.campaign.models import Phase
from vuonlen.core.access import room_required
from vuonlen.core.formats import format_date
from vuonlen.core.paging import paginate
from vuonlen.core.periods import today_vn
from vuonlen.core.responses import file_response
from vuonlen.core.spreadsheets import RowError, errors_xlsx
from vuonlen.core.years import FIRST_YEAR
from vuonlen.geo.models import AdministrativeUnit, Level

from . import definitions, evaluation, selectors, services, target_imports, targets
from .evaluation_reports import BehindReport, EvaluationReport
from .forms import (
    ActiveForm,
    BehindForm,
    EntryForm,
    EvaluationForm,
    IndicatorForm,
    PhaseIndicatorsForm,
    TargetGridForm,
    TargetImportForm,
    UnitYearForm,
    unit_choices,
)
from .models import EnteredValue, EntryKind, Indicator

IMPORT_ERRORS_KEY = "indicators_target_import_errors"
ERRORS_SHOWN = 200


def _phase_years() -> list[int]:
    years = {y for p in Phase.objects.all() for y in range(p.start_year, p.end_year + 1)}
    return sorted(years) or [today_vn().year]


def _default_unit(user, year: int) -> AdministrativeUnit | None:
    """The top of the reader's area that existed in ``year`` (the old province for 2021–2025)."""
    roots = [u for u in scoping.scope_roots(user, roles.INDICATOR_VIEW) if u.level <= Level.COMMUNE]
    for unit in roots:
        if selectors.exists_in(unit, year):
            return unit
    return roots[0] if roots else None


def _asked_unit(request) -> str:
    """The unit in ``?don_vi=``, read before the form: a unit the picker does not offer (another
    area's) must be a 404, not a silent fall-back to the reader's own unit."""
    value = request.GET.get("don_vi", "").strip()
    if value and not value.isdigit():
        raise Http404(_("Không tìm thấy"))
    return value


def _choices(request) -> list:
    """The unit picker, with the asked-for unit added when the picker does not list it (a
    village reached from the "who is behind" list)."""
    choices = unit_choices(request.user)
    asked = _asked_unit(request)
    if asked and int(asked) not in {pk for pk, _label in choices}:
        unit = scoping.get_unit_or_404(request.user, asked, roles.INDICATOR_VIEW)
        choices.append((unit.pk, f"{unit.name} ({unit.parent.name})" if unit.parent_id else unit.name))
    return choices


def _unit(user, pk, year: int) -> AdministrativeUnit:
    if pk:
        unit = scoping.get_unit_or_404(user, pk, roles.INDICATOR_VIEW)
    else:
        unit = _default_unit(user, year)
        if unit is None:
            raise Http404(_("Không tìm thấy"))
    return unit


def _query(unit: AdministrativeUnit, year: int | None = None, **extra) -> str:
    params = {"don_vi": unit.pk}
    if year is not None:
        params["nam"] = year
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return urlencode(params)


# --- Giao chỉ tiêu ----------------------------------------------------------------------------

def _chosen(request, years: list[int]) -> tuple[UnitYearForm, AdministrativeUnit, int]:
    chooser = UnitYearForm(request.GET or None, units=_choices(request), years=years)
    data = chooser.cleaned_data if chooser.is_valid() else {}
    year = data.get("nam") or selectors.default_year()
    unit = _unit(request.user, _asked_unit(request), year)
    if not chooser.is_bound:
        chooser = UnitYearForm(initial={"don_vi": unit.pk, "nam": year}, units=_choices(request),
                               years=years)
    return chooser, unit, year


def _grid_view(grid: targets.TargetGrid, typed: dict[str, str], errors: dict[str, list[str]], stale: bool
               ) -> list[dict]:
    """The grid's rows as the template prints them: each cell with what the input shows (what
    the person typed, after a failed save), its errors, and — after a conflict — the value
    stored now where it differs."""
    rows = []
    for row, own in [(grid.own, True), *((r, False) for r in grid.rows)]:
        cells = []
        for cell in row.cells:
            shown = typed.get(cell.name, cell.text)
            cells.append({"cell": cell, "value": shown, "errors": errors.get(cell.name, []),
                          "stored_differs": stale and cell.name in typed and shown != cell.text})
        rows.append({"unit": row.unit, "own": own, "cells": cells, "editable": row.editable})
    return rows


@require_http_methods(["GET", "POST"])
@room_required(roles.INDICATOR_VIEW)
def target_grid(request):
    chooser, unit, year = _chosen(request, _phase_years())
    grid = targets.target_grid(request.user, unit, year)
    initial = {"document": (grid.documents() or [""])[0],
               "phase_end": any(c.target is not None and c.target.phase_end for c in grid.cells())}
    form = TargetGridForm(request.POST or None, initial=initial)
    typed: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        if not grid.editable:
            raise PermissionDenied(_("Bạn chỉ được xem chỉ tiêu của đơn vị này"))
        if form.is_valid():
            inputs = []
            for cell in grid.cells():
                if not cell.editable:
                    continue
                raw = request.POST.get(cell.name, "").strip()
                typed[cell.name] = raw
                if raw == cell.text:
                    continue
                version = request.POST.get(cell.version_name, "")
                document = form.cleaned_data["document"] or (cell.target.document if cell.target else "")
                inputs.append(services.TargetInput(
                    indicator=cell.indicator, unit=cell.unit, year=year, value=raw, document=document,
                    phase_end=form.cleaned_data["phase_end"] and grid.is_phase_end,
                    expected_version=int(version) if version.isdigit() else None, clear_if_blank=True,
                    key=cell.name))
            try:
                result = services.save_targets(actor=request.user, inputs=inputs)
            except services.Stale as exc:
                errors, status = exc.message_dict, 409
                grid = targets.target_grid(request.user, unit, year)  # what is stored now, and its versions
            except ValidationError as exc:
                errors = exc.message_dict
            else:
                messages.success(request, _("%(unit)s, năm %(year)s: %(summary)s") % {
                    "unit": unit.name, "year": year, "summary": result.summary()})
                return redirect(f"{reverse('indicators:targets')}?{_query(unit, year)}")
    names = {c.name: f"{c.unit.name} – {c.indicator.short_name}" for c in grid.cells()}
    error_list = [(key, names.get(key, ""), message) for key, found in errors.items() for message in found]
    return render(request, "indicators/targets/grid.html", {
        "tab": "targets", "chooser": chooser, "unit": unit, "year": year, "grid": grid, "form": form,
        "rows": _grid_view(grid, typed, errors, status == 409), "error_list": error_list, "stale": status == 409,
        "checks": [grid.checks.get(i.pk) for i in grid.indicators], "query": _query(unit, year),
        "import_form": TargetImportForm(), "can_import": target_imports.can_import(request.user)},
        status=status)


@room_required(roles.INDICATOR_VIEW)
def target_export(request):
    _chooser, unit, year = _chosen(request, _phase_years())
    content = target_imports.export_targets(actor=request.user, unit=unit, year=year)
    return file_response(content, f"chi-tieu-{year}-{unit.code}.xlsx")


@require_http_methods(["GET", "POST"])
@room_required(roles.INDICATOR_VIEW)
def target_import(request):
    if not target_imports.can_import(request.user):
        raise PermissionDenied(_("Bạn không có quyền giao chỉ tiêu"))
    form = TargetImportForm(request.POST or None, request.FILES or None)
    result = None
    back = request.GET.urlencode()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = target_imports.import_targets(actor=request.user, file=upload, filename=upload.name)
        if result.ok:
            request.session.pop(IMPORT_ERRORS_KEY, None)
            messages.success(request, _("Tệp %(name)s: %(summary)s") % {"name": upload.name,
                                                                        "summary": result.summary()})
            return redirect(f"{reverse('indicators:targets')}?{back}")
        request.session[IMPORT_ERRORS_KEY] = [[e.row, e.column, e.message] for e in result.errors]
    return render(request, "indicators/targets/import.html", {
        "tab": "targets", "form": form, "result": result, "back": back,
        "errors_shown": result.errors[:ERRORS_SHOWN] if result else []}, status=200)


@room_required(roles.INDICATOR_VIEW)
def target_import_errors(request):
    stored = request.session.get(IMPORT_ERRORS_KEY)
    if not stored:
        raise Http404(_("Không có báo lỗi nào để tải"))
    return file_response(errors_xlsx(RowError(row, column, message) for row, column, message in stored),
                         "bao-loi-nhap-chi-tieu.xlsx")


# --- Đánh giá kết quả, Đơn vị chậm tiến độ ----------------------------------------------------------

def _evaluation_args(request, form_class):
    """The unit, cut-off and band a page asks for; the form shows what was understood."""
    today = today_vn()
    years = sorted(set(_phase_years()) | {today.year})
    form = form_class(request.GET or None, units=_choices(request), years=years)
    data = form.cleaned_data if form.is_valid() else {}
    cutoff = data.get("ngay")
    if cutoff is not None and cutoff > today:
        form.add_error("ngay", _("Mốc đánh giá ở tương lai; hôm nay là %(today)s") % {"today": format_date(today)})
        cutoff = None
    if cutoff is None:
        year = data.get("nam") or selectors.default_year()
        cutoff = today if year >= today.year else dt.date(year, 12, 31)
    band = float(data["bien_do"]) / 100 if data.get("bien_do") is not None else evaluation.default_band()
    unit = _unit(request.user, _asked_unit(request), cutoff.year)
    if not form.is_bound or not form.errors:
        # Show what was understood: the cut-off and band in force, not blanks.
        form = form_class(initial={"don_vi": unit.pk, "nam": cutoff.year, "ngay": cutoff, "cap": data.get("cap"),
                                   "bien_do": _band_text(band)}, units=_choices(request), years=years)
    return form, unit, cutoff, band, data


def _band_text(band: float) -> str:
    value = Decimal(str(round(band * 100, 1))).normalize()
    return f"{value:f}".replace(".", ",")


def _evaluation_query(unit, cutoff, band, **extra) -> str:
    return _query(unit, ngay=format_date(cutoff), bien_do=_band_text(band), **extra)


@room_required(roles.INDICATOR_VIEW)
def evaluation_page(request):
    form, unit, cutoff, band, _data = _evaluation_args(request, EvaluationForm)
    report = EvaluationReport(unit, cutoff=cutoff, band=band)
    counts = report.counts()
    return render(request, "indicators/targets/evaluation.html", {
        "tab": "evaluation", "form": form, "unit": unit, "cutoff": cutoff, "report": report,
        "groups": report.groups(), "counts": [(s, evaluation.STATUS_LABELS[s], counts[s]) for s in counts],
        "query": _evaluation_query(unit, cutoff, band), "band_text": _band_text(band)})


@room_required(roles.INDICATOR_VIEW)
def evaluation_export(request):
    _form, unit, cutoff, band, _data = _evaluation_args(request, EvaluationForm)
    report = EvaluationReport(unit, cutoff=cutoff, band=band)
    return file_response(report.xlsx(), f"danh-gia-{unit.code}-{cutoff:%Y%m%d}.xlsx")


@room_required(roles.INDICATOR_VIEW)
def behind_page(request):
    form, unit, cutoff, band, data = _evaluation_args(request, BehindForm)
    report = BehindReport(unit, cutoff=cutoff, band=band, level=data.get("cap"))
    lines = report.lines()
    page = paginate(request, lines, per_page=100)
    return render(request, "indicators/targets/behind.html", {
        "tab": "behind", "form": form, "unit": unit, "cutoff": cutoff, "report": report, "page": page,
        "total": len(lines), "band_text": _band_text(band),
        "query": _evaluation_query(unit, cutoff, band, cap=data.get("cap"))})


@room_required(roles.INDICATOR_VIEW)
def behind_export(request):
    _form, unit, cutoff, band, data = _evaluation_args(request, BehindForm)
    report = BehindReport(unit, cutoff=cutoff, band=band, level=data.get("cap"))
    return file_response(report.xlsx(), f"cham-tien-do-{unit.code}-{cutoff:%Y%m%d}.xlsx")


# --- Số liệu đơn vị nhập ----------------------------------------------------------------------------

def _entry_initial(indicators, stored: dict[int, EnteredValue], today: dt.date, year: int) -> dict:
    initial = {}
    for indicator in indicators:
        value = stored.get(indicator.pk)
        pk = indicator.pk
        initial[f"ver-{pk}"] = value.version if value else 0
        initial[f"asof-{pk}"] = value.as_of if value else min(today, dt.date(year, 12, 31))
        if value is None:
            continue
        initial[f"note-{pk}"] = value.note
        if indicator.entry_kind == EntryKind.YES_NO:
            initial[f"a-{pk}"] = "1" if value.numerator > 0 else "0"
        else:
            initial[f"n-{pk}"] = str(value.numerator)
            initial[f"d-{pk}"] = str(value.denominator)
    return initial


def _who(value: EnteredValue | None) -> str:
    user = value.entered_by if value is not None else None
    return (user.full_name or user.username) if user is not None else _("hệ thống")


def _entry_inputs(form: EntryForm) -> list[services.EntryInput]:
    data = form.cleaned_data
    found = []
    for indicator in form.indicators:
        pk = indicator.pk
        answer = data.get(f"a-{pk}")
        found.append(services.EntryInput(
            indicator=indicator, answer={"1": True, "0": False}.get(answer) if answer is not None else None,
            numerator=data.get(f"n-{pk}"), denominator=data.get(f"d-{pk}"), as_of=data.get(f"asof-{pk}"),
            note=data.get(f"note-{pk}", ""), expected_version=data.get(f"ver-{pk}"), key=f"i-{pk}"))
    return found


def _entry_overview(unit: AdministrativeUnit, year: int, indicators) -> list[dict]:
    """The communes below ``unit`` and what each entered for ``year``."""
    communes = [c for c in AdministrativeUnit.objects.filter(path__startswith=unit.path, level=Level.COMMUNE)
                .select_related("parent").order_by("parent__name_sort", "name_sort") if selectors.exists_in(c, year)]
    stored = {(v.unit_id, v.indicator_id): v for v in EnteredValue.objects.filter(
        year=year, unit__in=communes, indicator__in=indicators)}
    return [{"unit": c, "values": [(i, stored.get((c.pk, i.pk))) for i in indicators]} for c in communes]


@require_http_methods(["GET", "POST"])
@room_required(roles.INDICATOR_VIEW)
def entries_page(request):
    today = today_vn()
    years = list(range(FIRST_YEAR, today.year + 1))
    chooser = UnitYearForm(request.GET or None, units=_choices(request), years=years)
    data = chooser.cleaned_data if chooser.is_valid() else {}
    year = data.get("nam") or selectors.default_year()
    if _asked_unit(request):
        unit = _unit(request.user, _asked_unit(request), year)
    else:
        own = [u for u in scoping.scope_roots(request.user, roles.INDICATOR_ENTER) if selectors.exists_in(u, year)]
        unit = own[0] if own else _unit(request.user, None, year)
    if not chooser.is_bound:
        chooser = UnitYearForm(initial={"don_vi": unit.pk, "nam": year}, units=_choices(request),
                               years=years)
    indicators = selectors.entered_indicators(unit.level)
    can_enter = bool(indicators) and selectors.may_enter(request.user, unit)
    stored = {v.indicator_id: v for v in EnteredValue.objects.filter(unit=unit, year=year, indicator__in=indicators)
              .select_related("entered_by")}
    form = EntryForm(request.POST or None, indicators=indicators, initial=_entry_initial(indicators, stored, today,
                                                                                         year))
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        if not indicators:
            raise Http404(_("Không tìm thấy"))
        services.require_enter(request.user, unit)
        if form.is_valid():
            try:
                result = services.enter_values(actor=request.user, unit=unit, year=year, inputs=_entry_inputs(form))
            except services.Stale as exc:
                errors, status = exc.message_dict, 409
                stored = {v.indicator_id: v for v in EnteredValue.objects.filter(
                    unit=unit, year=year, indicator__in=indicators).select_related("entered_by")}
                form.data = form.data.copy()
                for indicator in indicators:  # saving again now overwrites knowingly
                    value = stored.get(indicator.pk)
                    form.data[f"ver-{indicator.pk}"] = value.version if value else 0
            except ValidationError as exc:
                errors = exc.message_dict
            else:
                messages.success(request, _("%(unit)s, năm %(year)s: %(summary)s") % {
                    "unit": unit.name, "year": year, "summary": result.summary()})
                return redirect(f"{reverse('indicators:entries')}?{_query(unit, year)}")
    groups = [{"indicator": i, "fields": fields, "version_field": version, "stored": stored.get(i.pk),
               "who": _who(stored.get(i.pk)), "errors": errors.get(f"i-{i.pk}", [])}
              for i, fields, version in form.groups()]
    overview_indicators = selectors.entered_indicators(Level.COMMUNE)
    overview = _entry_overview(unit, year, overview_indicators) if unit.level < Level.COMMUNE else []
    return render(request, "indicators/targets/entries.html", {
        "tab": "entries", "chooser": chooser, "unit": unit, "year": year, "form": form, "groups": groups,
        "can_enter": can_enter, "stale": status == 409, "overview": overview,
        "overview_indicators": overview_indicators,
        "all_errors": [m for found in errors.values() for m in found]}, status=status)


# --- Danh mục chỉ tiêu --------------------------------------------------------------------------

def _can_define(user) -> bool:
    return scoping.can(user, roles.INDICATOR_DEFINE)


@room_required(roles.INDICATOR_VIEW)
def catalogue(request):
    indicators = list(Indicator.objects.prefetch_related("phases").order_by("-is_active", "order", "code"))
    phases = Phase.objects.prefetch_related(Prefetch("indicators", queryset=Indicator.objects.only("pk")))
    labels = {f.code: f.label for f in definitions.formulas()}
    for indicator in indicators:
        indicator.formula_label = labels.get(indicator.formula, "")
    return render(request, "indicators/targets/catalogue.html", {
        "tab": "catalogue", "indicators": indicators,
        "phases": [{"phase": p, "chosen": {i.pk for i in p.indicators.all()}} for p in phases],
        "all_indicators": Indicator.objects.order_by("order", "code"), "can_define": _can_define(request.user)})


@require_http_methods(["GET", "POST"])
@room_required(roles.INDICATOR_VIEW)
def indicator_create(request):
    definitions.require_define(request.user)
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_define(actor=request.user, data=form.service_data(),
                                                     phases=list(form.cleaned_data["phases"]))
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Đã thêm chỉ tiêu %(code)s – %(name)s") % {"code": indicator.code,
                                                                                  "name": indicator.short_name})
            return redirect("indicators:catalogue")
    return render(request, "indicators/targets/indicator_form.html", {"tab": "catalogue", "form": form})


@require_POST
@room_required(roles.INDICATOR_VIEW)
def indicator_active(request, pk: int):
    definitions.require_define(request.user)
    indicator = get_object_or_404(Indicator, pk=pk)
    form = ActiveForm(request.POST)
    form.is_valid()
    active = request.POST.get("active") == "1"
    try:
        services.indicator_set_active(actor=request.user, indicator=indicator, active=active,
                                         expected_version=form.cleaned_data.get("version"))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        done = _("Đã dùng lại chỉ tiêu %(code)s") if active else _("Đã ngừng sử dụng chỉ tiêu %(code)s")
        messages.success(request, done % {"code": indicator.code})
    return redirect("indicators:catalogue")


@require_POST
@room_required(roles.INDICATOR_VIEW)
def phase_indicators(request, pk: int):
    definitions.require_define(request.user)
    phase = get_object_or_404(Phase, pk=pk)
    form = PhaseIndicatorsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Chỉ tiêu đã chọn không hợp lệ"))
    elif services.phase_indicators_set(actor=request.user, phase=phase, indicators=list(
            form.cleaned_data["indicators"])):
        messages.success(request, _("Đã lưu bộ chỉ tiêu của %(phase)s") % {"phase": phase})
    else:
        messages.info(request, _("Bộ chỉ tiêu của %(phase)s không thay đổi") % {"phase": phase})
    return redirect(f"{reverse('indicators:catalogue')}#giai-doan-{phase.pk}")
