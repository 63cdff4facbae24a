"""Pages of the phases: the final review of an ended phase ("Tổng kết giai đoạn": screen, .xlsx,
.docx) and a phase's indicator set ("Bộ chỉ tiêu giai đoạn", managed by the province
secretariat). Parse, call one service or report, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vuonlen.accounts import roles
from vuonlen.campaign.models import Phase
from vuonlen.core.access import room_required
from vuonlen.core.periods import today_vn
from vuonlen.core.responses import file_response
from vuonlen.core.versioning import StaleVersion

from . import final_review, selectors, services
from .forms import FinalReviewForm, PhaseIndicatorForm
from .models import Indicator
from .views_targets import _asked_unit, _choices, _unit

# --- Tổng kết giai đoạn ---------------------------------------------------------------------------

def _ended_phases() -> list[Phase]:
    year = today_vn().year
    return [p for p in selectors.phases() if p.end_year < year]


def _final_review_args(request) -> tuple[FinalReviewForm, final_review.FinalReview]:
    ended = _ended_phases()
    if not ended:
        raise Http404(_("Chưa có giai đoạn nào kết thúc"))
    form = FinalReviewForm(request.GET or None, units=_choices(request), phases=ended)
    data = form.cleaned_data if form.is_valid() else {}
    by_pk = {p.pk: p for p in ended}
    asked = request.GET.get("giai_doan", "").strip()
    if asked and (not asked.isdigit() or int(asked) not in by_pk):
        raise Http404(_("Không tìm thấy"))
    phase = by_pk.get(data.get("giai_doan")) or ended[-1]
    unit = _unit(request.user, _asked_unit(request), phase.end_year)
    if not form.is_bound or form.errors:
        form = FinalReviewForm(initial={"don_vi": unit.pk, "giai_doan": phase.pk}, units=_choices(request),
                               phases=ended)
    return form, final_review.FinalReview(unit, phase)


def _review_query(review: final_review.FinalReview) -> str:
    return urlencode({"don_vi": review.unit.pk, "giai_doan": review.phase.pk})


@room_required(roles.INDICATOR_VIEW)
def final_review_page(request):
    form, review = _final_review_args(request)
    counts = review.counts()
    return render(request, "indicators/targets/final_review.html", {
        "tab": "final_review", "form": form, "review": review, "unit": review.unit, "phase": review.phase,
        "groups": [(unit, lines, review.unit_note(unit), review.counts(unit)) for unit, lines in review.groups()],
        "counts": [(s, final_review.STATUS_LABELS[s], counts[s]) for s in counts],
        "base": review.base, "query": _review_query(review)})


@room_required(roles.INDICATOR_VIEW)
def final_review_export(request):
    _form, review = _final_review_args(request)
    return file_response(review.xlsx(), f"tong-ket-{review.phase.code}-{review.unit.code}.xlsx")


@room_required(roles.INDICATOR_VIEW)
def final_review_word(request):
    _form, review = _final_review_args(request)
    return file_response(review.docx(today=today_vn()), f"tong-ket-{review.phase.code}-{review.unit.code}.docx",
                         kind="docx")


# --- Bộ chỉ tiêu giai đoạn ------------------------------------------------------------------------

@room_required(roles.INDICATOR_VIEW)
def phase_sets(request):
    """The phase covering this year (else the latest), on its set page."""
    phases = selectors.phases()
    if not phases:
        raise Http404(_("Chưa có giai đoạn nào"))
    current = selectors.phase_of_year(today_vn().year) or phases[-1]
    return redirect("indicators:phase_set", pk=current.pk)


def _phase_rows(phase: Phase) -> list[Indicator]:
    """The phase's indicators first (plan order), then the catalogue's other active ones."""
    members = set(phase.indicators.values_list("pk", flat=True))
    found = list(Indicator.objects.filter(is_active=True).order_by("order", "code")) + list(
        Indicator.objects.filter(is_active=False, pk__in=members).order_by("order", "code"))
    return sorted(found, key=lambda i: (i.pk not in members, i.order, i.code))


def _posted_rows(request, indicators) -> list[services.PhaseRow]:
    return [services.PhaseRow(indicator=i, included=request.POST.get(f"in-{i.pk}") == "1",
                              goal=request.POST.get(f"goal-{i.pk}", ""), document=request.POST.get(f"doc-{i.pk}", ""))
            for i in indicators]


@require_http_methods(["GET", "POST"])
@room_required(roles.INDICATOR_VIEW)
def phase_set(request, pk: int):
    phase = get_object_or_404(Phase, pk=pk)
    can_manage = selectors.may_manage_phase_sets(request.user)
    indicators = _phase_rows(phase)
    errors: dict[str, list[str]] = {}
    status = 200
    typed: dict[int, services.PhaseRow] = {}
    if request.method == "POST":
        services.require_phase_manager(request.user)
        rows = _posted_rows(request, indicators)
        version = request.POST.get("version", "")
        try:
            result = services.phase_set_save(actor=request.user, phase=phase, rows=rows,
                                             expected_version=int(version) if version.isdigit() else None)
        except StaleVersion as exc:
            errors, status = {"__all__": exc.messages}, 409
            typed = {r.indicator.pk: r for r in rows}
            phase.refresh_from_db()
        except ValidationError as exc:
            errors, status = exc.message_dict, 200
            typed = {r.indicator.pk: r for r in rows}
        else:
            messages.success(request, _("%(phase)s: %(summary)s") % {"phase": phase, "summary": result.summary()})
            return redirect("indicators:phase_set", pk=phase.pk)
    members = set(phase.indicators.values_list("pk", flat=True))
    goals = selectors.goals_of(phase)
    base = selectors.phase_base(phase)
    previous = selectors.previous_phase(phase)
    lines = []
    for indicator in indicators:
        goal = goals.get(indicator.pk)
        row = typed.get(indicator.pk)
        planned = selectors.plan_target(indicator, phase, goals)
        lines.append({
            "indicator": indicator, "included": row.included if row else indicator.pk in members,
            "goal": row.goal if row else (_plain(goal.value) if goal else ""),
            "document": row.document if row else (goal.document if goal else ""),
            "inherited": _plain(planned) if goal is None and planned is not None else "",
            "errors": errors.get(f"i-{indicator.pk}", [])})
    return render(request, "indicators/targets/phase_set.html", {
        "tab": "phase_set", "phase": phase, "phases": selectors.phases(), "lines": lines, "base": base,
        "can_manage": can_manage, "previous": previous, "status": status,
        "all_errors": [m for found in errors.values() for m in found], "stale": status == 409,
        "member_count": len(members)}, status=status)


def _plain(value) -> str:
    from .values import plain_number

    return plain_number(value)


@require_POST
@room_required(roles.INDICATOR_VIEW)
def phase_set_copy(request, pk: int):
    phase = get_object_or_404(Phase, pk=pk)
    services.require_phase_manager(request.user)
    try:
        result = services.phase_set_copy(actor=request.user, phase=phase)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(phase)s: %(summary)s") % {"phase": phase, "summary": result.summary()})
    return redirect("indicators:phase_set", pk=phase.pk)


@require_http_methods(["GET", "POST"])
@room_required(roles.INDICATOR_VIEW)
def phase_indicator_add(request, pk: int):
    phase = get_object_or_404(Phase, pk=pk)
    services.require_phase_manager(request.user)
    form = PhaseIndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.phase_indicator_add(actor=request.user, phase=phase, data=form.service_data(),
                                                     goal=form.cleaned_data.get("goal"),
                                                     document=form.cleaned_data.get("goal_document", ""))
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Đã thêm chỉ tiêu %(code)s vào %(phase)s") % {"code": indicator.code,
                                                                                    "phase": phase})
            return redirect(f"{reverse('indicators:phase_set', args=[phase.pk])}")
    return render(request, "indicators/targets/phase_indicator_form.html",
                  {"tab": "phase_set", "form": form, "phase": phase})
