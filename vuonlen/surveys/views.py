from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vuonlen.accounts import roles, scoping
from vuonlen.core import spreadsheets, uploads
from vuonlen.core.access import room_required
from vuonlen.core.periods import today_vn
from vuonlen.core.responses import attach_files_and_return, file_response

from . import exports, imports, selectors, services
from .forms import FilesForm, ImportForm, SurveyForm


def _year(request, default: int | None = None) -> int:
    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        return default or today_vn().year
    return year if 2000 <= year <= 2100 else (default or today_vn().year)


def _unit(request):
    pk = request.GET.get("don-vi")
    if not pk:
        return None
    return scoping.get_unit_or_404(request.user, pk, roles.SURVEY_VIEW)


def _years() -> list[int]:
    return list(range(today_vn().year, 2020, -1))


@room_required(roles.SURVEY_VIEW)
def survey_list(request):
    year, unit = _year(request), _unit(request)
    difficult = request.GET.get("dbkk") == "1"
    return render(request, "surveys/list.html", {
        "tab": "list", "year": year, "years": _years(), "unit": unit, "difficult": difficult,
        "surveys": selectors.survey_list(request.user, year=year, unit=unit, especially_difficult=difficult),
        "can_edit": selectors.can_edit(request.user)})


@require_http_methods(["GET", "POST"])
@room_required(roles.SURVEY_EDIT)
def survey_create(request):
    causes = selectors.active_causes()
    villages = selectors.villages_for_survey(request.user)
    initial = {"surveyed_on": today_vn()}
    if request.GET.get("thon"):
        initial["village"] = request.GET.get("thon")
    form = SurveyForm(request.POST or None, request.FILES or None, causes=causes, villages=villages, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(actor=request.user, village=form.cleaned_data["village"],
                                            year=form.cleaned_data["year"], data=form.survey_data(),
                                            causes=form.cause_counts(), files=form.cleaned_data["files"])
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Đã lưu khảo sát %(village)s năm %(year)s") % {
                "village": survey.village.name, "year": survey.year})
            return redirect("surveys:detail", pk=survey.pk)
    return render(request, "surveys/form.html", {"tab": "list", "form": form, "survey": None})


@require_http_methods(["GET", "POST"])
@room_required(roles.SURVEY_VIEW)
def survey_edit(request, pk: int):
    survey = selectors.get_survey_for_user_or_404(request.user, pk)
    if not selectors.can_edit(request.user, survey.village):
        raise PermissionDenied(_("Bạn không có quyền sửa khảo sát này"))
    causes = selectors.active_causes()
    initial = {name: getattr(survey, name) for name in (
        "surveyed_by", "surveyed_on", "households_total", "poor_households", "near_poor_households",
        "especially_difficult", "new_rural_area", "situation", "thinking_and_working", "customs_to_drop",
        "main_crops", "main_livestock", "farmland_ha", "land_note", "market_access", "market_note", "notes",
        "version")}
    initial |= {f"cause_{cause.pk}": n for cause, n in selectors.cause_counts(survey)}
    form = SurveyForm(request.POST or None, request.FILES or None, causes=causes, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(actor=request.user, survey=survey, expected_version=form.cleaned_data["version"],
                                   data=form.survey_data(), causes=form.cause_counts(),
                                   files=form.cleaned_data["files"])
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Đã lưu thay đổi"))
            return redirect("surveys:detail", pk=survey.pk)
    return render(request, "surveys/form.html", {"tab": "list", "form": form, "survey": survey})


@room_required(roles.SURVEY_VIEW)
def survey_detail(request, pk: int):
    survey = selectors.get_survey_for_user_or_404(request.user, pk)
    can_edit = selectors.can_edit(request.user, survey.village)
    return render(request, "surveys/detail.html", {
        "tab": "list", "survey": survey, "causes": selectors.cause_counts(survey), "files": survey.files.all(),
        "can_edit": can_edit, "files_form": FilesForm() if can_edit else None})


@require_POST
@room_required(roles.SURVEY_VIEW)
def survey_attach(request, pk: int):
    survey = selectors.get_survey_for_user_or_404(request.user, pk)
    return attach_files_and_return(
        request, lambda files: services.survey_attach_files(actor=request.user, survey=survey, files=files),
        form=FilesForm(request.POST, request.FILES), back=redirect("surveys:detail", pk=survey.pk))


@room_required(roles.SURVEY_VIEW)
def survey_file(request, pk: int):
    record = selectors.get_survey_file_for_user_or_404(request.user, pk)
    return uploads.stored_file_response(record.stored_name, record.original_name, record.content_type)


@require_http_methods(["GET", "POST"])
@room_required(roles.SURVEY_EDIT)
def survey_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = imports.import_surveys(actor=request.user, file=upload, filename=upload.name,
                                        era=form.cleaned_data["era"])
        if result.ok:
            messages.success(request, _("Đã nhập %(n)s bản khảo sát thôn") % {"n": result.created})
            return redirect("surveys:list")
        if request.POST.get("bao-loi") == "xlsx":
            return file_response(spreadsheets.errors_xlsx(result.errors), "loi-nhap-khao-sat.xlsx")
    return render(request, "surveys/import.html", {"tab": "import", "form": form, "result": result})


@room_required(roles.SURVEY_EDIT)
def import_template(request):
    return file_response(imports.template_xlsx(), "mau-khao-sat-thon.xlsx")


@room_required(roles.SURVEY_VIEW)
def summary(request):
    year, unit = _year(request), _unit(request)
    data = selectors.cause_summary(request.user, year=year, unit=unit)
    fmt = request.GET.get("tai")
    if fmt == "xlsx":
        return file_response(exports.summary_xlsx(data), f"nguyen-nhan-ngheo-{year}.xlsx")
    if fmt == "docx":
        issuer = unit.name.upper() if unit else _("BAN CHỈ ĐẠO")
        return file_response(exports.summary_docx(data, issuer=issuer), f"nguyen-nhan-ngheo-{year}.docx",
                             kind="docx")
    return render(request, "surveys/summary.html", {
        "tab": "summary", "summary": data, "year": year, "years": _years(), "unit": unit,
        "cause_rows": [(row, row.cells(data.causes)) for row in data.rows],
        "total_cells": data.total.cells(data.causes)})
