"""Pages of the twinning room: thin — parse, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.models import Organisation
from vuonlen.core import uploads
from vuonlen.core.access import room_required
from vuonlen.core.periods import today_vn
from vuonlen.core.responses import attach_files_and_return
from vuonlen.core.years import year_from_text
from vuonlen.geo.models import Level

from . import selectors, services
from .forms import ActivityEditForm, ActivityForm, EvaluationForm, FilesForm, PairEditForm, PairForm
from .models import CRITERIA, MAX_TOTAL, PARTNER_KINDS, ActivityKind


def _year(request, default: int | None = None) -> int | None:
    return year_from_text(request.GET.get("nam"), default)


def _years() -> list[int]:
    return list(range(today_vn().year, 2020, -1))


@room_required(roles.TWINNING_VIEW)
def index(request):
    return redirect("twinning:pair_list")


@room_required(roles.TWINNING_VIEW)
def pair_list(request):
    year = _year(request, today_vn().year)
    search = request.GET.get("q", "").strip()
    only_flagged = request.GET.get("chi-tham-hoi") == "1"
    pairs = list(selectors.pair_list(request.user, year=year, search=search))
    summaries = selectors.year_summaries([p.pk for p in pairs], year)
    for pair in pairs:
        pair.summary = summaries[pair.pk]
    flagged = sum(1 for p in pairs if p.summary.visits_only)
    if only_flagged:
        pairs = [p for p in pairs if p.summary.visits_only]
    return render(request, "twinning/pair_list.html", {
        "tab": "pairs", "pairs": pairs, "year": year, "years": _years(), "search": search,
        "only_flagged": only_flagged, "flagged": flagged, "can_manage": selectors.can_manage(request.user),
    })


def _manage_choices(user):
    organisations = scoping.scoped(user, Organisation.objects.filter(is_active=True, kind__in=PARTNER_KINDS)
                                   .select_related("unit"), roles.TWINNING_MANAGE)
    units = scoping.visible_units(user, roles.TWINNING_MANAGE).filter(
        level__in=(Level.DISTRICT, Level.COMMUNE)).select_related("parent").order_by("era", "level", "name_sort")
    return organisations.order_by("unit__level", "name_sort"), units


@require_http_methods(["GET", "POST"])
@room_required(roles.TWINNING_VIEW)
def pair_create(request):
    if not selectors.can_manage(request.user):
        raise Http404("Không tìm thấy")
    organisations, units = _manage_choices(request.user)
    form = PairForm(request.POST or None, request.FILES or None, organisations=organisations, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pair = services.pair_create(actor=request.user, organisation=data["organisation"], unit=data["unit"],
                                        started_on=data["started_on"], ended_on=data["ended_on"],
                                        agreement_number=data["agreement_number"], content=data["content"],
                                        files=data["files"])
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, gettext("Đã ghi cặp kết nghĩa %(pair)s") % {"pair": pair})
            return redirect("twinning:pair_detail", pk=pair.pk)
    return render(request, "twinning/pair_form.html", {"tab": "pairs", "form": form})


@room_required(roles.TWINNING_VIEW)
def pair_detail(request, pk: int):
    pair = selectors.get_pair_for_user_or_404(request.user, pk)
    year = _year(request)
    first = pair.started_on.year
    last = min(pair.ended_on.year if pair.ended_on else today_vn().year, today_vn().year)
    years = list(range(last, first - 1, -1))
    summaries = [(y, selectors.year_summary(pair, y)) for y in years]
    evaluations = {e.year: e for e in selectors.evaluations_for(pair)}
    return render(request, "twinning/pair_detail.html", {
        "tab": "pairs", "pair": pair, "year": year, "years": years,
        "year_rows": [(y, s, evaluations.get(y)) for y, s in summaries],
        "activities": selectors.pair_activities(pair, year=year),
        "files": pair.files.all(), "files_form": FilesForm() if selectors.can_manage(request.user, pair) else None,
        "can_manage": selectors.can_manage(request.user, pair),
        "can_record": selectors.can_record_activity(request.user, pair),
        "max_total": MAX_TOTAL,
    })


@require_http_methods(["GET", "POST"])
@room_required(roles.TWINNING_VIEW)
def pair_update(request, pk: int):
    pair = selectors.get_pair_for_user_or_404(request.user, pk)
    if not selectors.can_manage(request.user, pair):
        raise PermissionDenied(gettext("Bạn không có quyền sửa cặp kết nghĩa này"))
    initial = {"started_on": pair.started_on, "ended_on": pair.ended_on, "agreement_number": pair.agreement_number,
               "content": pair.content, "version": pair.version}
    form = PairEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.pair_update(actor=request.user, pair=pair, expected_version=data["version"] or 0,
                                 started_on=data["started_on"], ended_on=data["ended_on"],
                                 agreement_number=data["agreement_number"], content=data["content"])
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, gettext("Đã lưu thay đổi"))
            return redirect("twinning:pair_detail", pk=pair.pk)
    return render(request, "twinning/pair_edit.html", {"tab": "pairs", "form": form, "pair": pair})


@require_POST
@room_required(roles.TWINNING_VIEW)
def pair_attach(request, pk: int):
    pair = selectors.get_pair_for_user_or_404(request.user, pk)
    return attach_files_and_return(
        request, lambda files: services.pair_attach_files(actor=request.user, pair=pair, files=files),
        form=FilesForm(request.POST, request.FILES), back=redirect("twinning:pair_detail", pk=pair.pk))


@room_required(roles.TWINNING_VIEW)
def agreement_file(request, pk: int):
    record = selectors.get_agreement_for_user_or_404(request.user, pk)
    return uploads.stored_file_response(record.stored_name, record.original_name, record.content_type)


@require_http_methods(["GET", "POST"])
@room_required(roles.TWINNING_VIEW)
def activity_create(request, pk: int):
    pair = selectors.get_pair_for_user_or_404(request.user, pk)
    if not selectors.can_record_activity(request.user, pair):
        raise Http404("Không tìm thấy")
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        from vuonlen.households.selectors import households_named_on_record

        codes = form.codes()
        households = list(households_named_on_record(within=pair.unit, codes=codes))
        missing = sorted(set(codes) - {h.code for h in households})
        try:
            if missing:
                raise ValidationError({"households": [gettext("Không tìm thấy hộ có mã %(v1)s ở %(name)s") % {"v1": ', '.join(missing[:10]), "name": pair.unit.name}]})
            services.activity_record(actor=request.user, pair=pair, kind=data["kind"], date=data["date"],
                                     value_vnd=data["value_vnd"], beneficiary_count=data["beneficiary_count"],
                                     households=households, description=data["description"])
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, gettext("Đã ghi hoạt động kết nghĩa"))
            return redirect("twinning:pair_detail", pk=pair.pk)
    return render(request, "twinning/activity_form.html", {"tab": "pairs", "form": form, "pair": pair})


@require_http_methods(["GET", "POST"])
@room_required(roles.TWINNING_VIEW)
def activity_update(request, pk: int):
    activity = selectors.get_activity_for_user_or_404(request.user, pk)
    pair = activity.pair
    if not selectors.can_record_activity(request.user, pair):
        raise PermissionDenied(gettext("Bạn không có quyền sửa hoạt động này"))
    initial = {"kind": activity.kind, "date": activity.date, "value_vnd": activity.value_vnd,
               "beneficiary_count": activity.beneficiary_count, "description": activity.description,
               "version": activity.version}
    form = ActivityEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.activity_update(actor=request.user, activity=activity, expected_version=data["version"] or 0,
                                     kind=data["kind"], date=data["date"], value_vnd=data["value_vnd"],
                                     beneficiary_count=data["beneficiary_count"], description=data["description"])
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, gettext("Đã lưu thay đổi"))
            return redirect("twinning:pair_detail", pk=pair.pk)
    return render(request, "twinning/activity_edit.html", {"tab": "pairs", "form": form, "pair": pair,
                                                            "activity": activity})


@require_http_methods(["GET", "POST"])
@room_required(roles.TWINNING_VIEW)
def evaluation_record(request, pk: int, year: int):
    pair = selectors.get_pair_for_user_or_404(request.user, pk)
    if not selectors.can_manage(request.user, pair):
        raise Http404("Không tìm thấy")
    existing = pair.evaluations.filter(year=year).first()
    initial = {c.value: getattr(existing, c.value) for c in CRITERIA} if existing else {}
    if existing:
        initial["comment"] = existing.comment
    initial["version"] = existing.version if existing else 0
    form = EvaluationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_record(actor=request.user, pair=pair, year=year, scores=form.scores(),
                                       comment=form.cleaned_data["comment"],
                                       expected_version=form.cleaned_data["version"] or 0)
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, gettext("Đã lưu đánh giá năm %(year)s") % {"year": year})
            return redirect("twinning:pair_detail", pk=pair.pk)
    return render(request, "twinning/evaluation_form.html", {
        "tab": "pairs", "form": form, "pair": pair, "year": year, "summary": selectors.year_summary(pair, year),
        "kinds": dict(ActivityKind.choices), "max_total": MAX_TOTAL})


@room_required(roles.TWINNING_VIEW)
def ranking(request):
    year = _year(request, today_vn().year - 1)
    return render(request, "twinning/ranking.html", {
        "tab": "ranking", "rows": selectors.ranking(request.user, year), "year": year, "years": _years(),
        "max_total": MAX_TOTAL, "flagged": selectors.visits_only_pairs(request.user, year)})
