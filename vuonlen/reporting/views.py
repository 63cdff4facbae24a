"""Pages of the reporting room: thin — parse, call one selector or service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vuonlen.accounts import roles, scoping
from vuonlen.core import uploads
from vuonlen.core.access import room_required
from vuonlen.core.audit import audit_record
from vuonlen.core.formats import format_date
from vuonlen.core.models import AuditAction
from vuonlen.core.paging import paginate
from vuonlen.core.periods import Period, PeriodKind, today_vn
from vuonlen.core.responses import file_response

from . import calendar as deadline_calendar
from . import documents, selectors, services
from .forms import (
    AttachmentDeleteForm,
    BoardFilterForm,
    ExplanationRequestForm,
    ListFilterForm,
    ReviewForm,
    SubmissionForm,
)
from .models import Submission, SubmissionStatus


def _years(user) -> list[int]:
    first = min((s.year_from or s.created_at.year for s in selectors._relevant_schedules(user, include_inactive=True)),
                default=today_vn().year)
    return list(range(today_vn().year, min(first, today_vn().year) - 1, -1))


@room_required(roles.REPORT_ROOM)
def home(request):
    if selectors.acting_organisation_ids(request.user):
        return redirect("reporting:my_reports")
    return redirect("reporting:board")


@room_required(roles.REPORT_ROOM)
def my_reports(request):
    owed = selectors.my_reports(request.user)
    return render(request, "reporting/my_reports.html", {
        "todo": [o for o in owed if o.needs_action],
        "done": [o for o in owed if not o.needs_action],
        "acts_for": selectors.acting_organisation_ids(request.user),
    })


@require_http_methods(["GET", "POST"])
@room_required(roles.REPORT_ROOM)
def start(request, organisation_pk: int, schedule_pk: int, period_code: str):
    """GET: the report if it exists, else a page offering to start it; POST: start it."""
    organisation, schedule, period = selectors.obligation_or_404(
        request.user, organisation_id=organisation_pk, schedule_id=schedule_pk, period_code=period_code)
    existing = Submission.objects.filter(organisation=organisation, schedule=schedule,
                                         period_code=period.code()).first()
    if existing is not None:
        target = "reporting:edit" if existing.is_editable else "reporting:detail"
        return redirect(target, pk=existing.pk)
    if request.method == "POST":
        try:
            submission = services.submission_start(actor=request.user, organisation=organisation, schedule=schedule,
                                                   period=period)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("reporting:my_reports")
        return redirect("reporting:edit", pk=submission.pk)
    return render(request, "reporting/start.html", {
        "organisation": organisation, "schedule": schedule, "period": period,
        "due_date": schedule.due_date_for(period),
    })


def _detail_context(request, submission: Submission, review_form: ReviewForm | None = None) -> dict:
    can_review = selectors.can_review(request.user, submission) and submission.status == SubmissionStatus.SUBMITTED
    return {
        "submission": submission,
        "sections": selectors.submission_sections(submission),
        "events": selectors.submission_events(submission),
        "attachments": submission.attachments.all(),
        "can_edit": submission.is_editable and selectors.can_submit_for(request.user, submission.organisation),
        "can_recall": (submission.status == SubmissionStatus.SUBMITTED
                       and selectors.can_submit_for(request.user, submission.organisation)),
        "can_review": can_review,
        "review_form": review_form or (ReviewForm(initial={"version": submission.version}) if can_review else None),
        "timing": selectors.row_status(submission, submission.due_date, timezone.now()) if submission.due_date else "",
        "timing_labels": selectors.STATUS_LABELS,
        "timing_badges": selectors.STATUS_BADGES,
    }


@room_required(roles.REPORT_ROOM)
def detail(request, pk: int):
    submission = selectors.submission_for_user_or_404(request.user, pk)
    return render(request, "reporting/detail.html", _detail_context(request, submission))


@require_POST
@room_required(roles.REPORT_ROOM)
def review(request, pk: int):
    submission = selectors.submission_for_user_or_404(request.user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
        version = form.cleaned_data["version"]
        try:
            if action == ReviewForm.ACCEPT:
                services.submission_accept(actor=request.user, submission=submission, expected_version=version,
                                           comment=comment)
                messages.success(request, _("Đã tiếp nhận báo cáo của %(org)s.") % {"org": submission.organisation.name})
            else:
                services.submission_return(actor=request.user, submission=submission, expected_version=version,
                                           comment=comment)
                messages.success(request, _("Đã trả lại báo cáo cho %(org)s.") % {"org": submission.organisation.name})
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            return redirect("reporting:detail", pk=submission.pk)
    submission = selectors.submission_for_user_or_404(request.user, pk)  # the current state, beside the error
    context = _detail_context(request, submission, review_form=form)
    context["can_review"] = True
    context["show_review_errors"] = True
    return render(request, "reporting/detail.html", context, status=409 if _is_stale(form) else 200)


def _is_stale(form) -> bool:
    return any(e.code == "stale" for e in form.non_field_errors().as_data())


@require_http_methods(["GET", "POST"])
@room_required(roles.REPORT_ROOM)
def edit(request, pk: int):
    submission = selectors.submission_for_user_or_404(request.user, pk)
    if not selectors.can_submit_for(request.user, submission.organisation):
        raise Http404("Không tìm thấy báo cáo")
    if request.method == "GET" and not submission.is_editable:
        return redirect("reporting:detail", pk=submission.pk)
    if request.method == "POST":
        form = SubmissionForm(request.POST, request.FILES, submission=submission)
        submit = "submit" in request.POST
        if form.is_valid():
            # "Gửi báo cáo" saves and asks to confirm (a page that shows what will be sent); only
            # "xac-nhan" in the same post (clients that confirmed already) sends at once.
            confirmed = submit and "xac-nhan" in request.POST
            try:
                services.submission_save(
                    actor=request.user, submission=submission, expected_version=form.cleaned_data["version"],
                    figures_input=form.figures_input(), narrative_input=form.narrative_input(),
                    doc_number=form.cleaned_data["doc_number"], signer_title=form.cleaned_data["signer_title"],
                    signer_name=form.cleaned_data["signer_name"], files=form.cleaned_data.get("attachments") or [],
                    submit=confirmed, check_complete=submit)
            except ValidationError as exc:
                form.apply_service_errors(exc)
            else:
                if submit and not confirmed:
                    return redirect("reporting:confirm_submit", pk=submission.pk)
                if submit:
                    messages.success(request, _("Đã gửi báo cáo. Thường trực sẽ xem xét và tiếp nhận."))
                    return redirect("reporting:detail", pk=submission.pk)
                messages.success(request, _("Đã lưu nháp."))
                return redirect("reporting:edit", pk=submission.pk)
        stale = _is_stale(form)
        current = selectors.submission_for_user_or_404(request.user, pk)
        context = {"form": form, "submission": current, "stale": stale,
                   "attachments": current.attachments.all(), "had_files": bool(request.FILES),
                   "current_sections": selectors.submission_sections(current) if stale else None,
                   "last_return": _last_return(current)}
        if stale and current.is_editable:
            # Show the newest version beside the person's own text, and let them save it knowingly.
            form.data = form.data.copy()
            form.data["version"] = current.version
        return render(request, "reporting/edit.html", context, status=409 if stale else 200)
    form = SubmissionForm(submission=submission)
    return render(request, "reporting/edit.html", {
        "form": form, "submission": submission, "attachments": submission.attachments.all(),
        "last_return": _last_return(submission),
    })


def _last_return(submission: Submission):
    """The secretariat's reason, shown where the unit corrects a returned report."""
    if submission.status != SubmissionStatus.RETURNED:
        return None
    return submission.events.filter(to_status=SubmissionStatus.RETURNED).select_related("actor").order_by(
        "-at", "-pk").first()


@room_required(roles.REPORT_ROOM)
def attachment_download(request, pk: int):
    attachment = selectors.attachment_for_user_or_404(request.user, pk)
    return uploads.stored_file_response(attachment.stored_name, attachment.original_name, attachment.content_type)


@require_POST
@room_required(roles.REPORT_ROOM)
def attachment_delete(request, pk: int):
    attachment = selectors.attachment_for_user_or_404(request.user, pk)
    form = AttachmentDeleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Yêu cầu không hợp lệ, hãy tải lại trang."))
    else:
        try:
            services.attachment_delete(actor=request.user, attachment=attachment,
                                       expected_version=form.cleaned_data["version"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã xoá tệp “%(name)s”.") % {"name": attachment.original_name})
    return redirect("reporting:edit", pk=attachment.submission_id)


@room_required(roles.REPORT_ROOM)
def docx(request, pk: int):
    submission = selectors.submission_for_user_or_404(request.user, pk)
    content = documents.report_docx(submission)
    audit_record(actor=request.user, action=AuditAction.EXPORT, instance=submission, source="web",
                 note="Tải báo cáo dạng Word")
    return file_response(content, documents.report_filename(submission), kind="docx")


@room_required(roles.REPORT_ROOM)
def submission_list(request):
    form = ListFilterForm(request.GET, years=_years(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    period = filters.get("ky")
    qs = selectors.submissions_visible_to(request.user, period_code=period.code() if period else "",
                                          status=filters.get("trang_thai", ""), search=filters.get("q", ""))
    return render(request, "reporting/list.html", {"form": form, "page_obj": paginate(request, qs, 50)})


def _default_period(user) -> Period:
    latest = selectors.submissions_visible_to(user).exclude(status=SubmissionStatus.DRAFT).values_list(
        "period_code", flat=True).first()
    if latest:
        try:
            period = Period.parse(latest)
            if period.kind == PeriodKind.QUARTER:
                return period
        except ValueError:
            pass
    return Period.containing(today_vn(), PeriodKind.QUARTER)


def _board_data(request) -> dict:
    user = request.user
    years = _years(user)
    first = BoardFilterForm(request.GET or None, years=years)
    # The period first: the report choices depend on it (a "bao-cao" of the period is valid).
    period = None
    if first.is_bound:
        first.is_valid()  # the other fields' errors do not matter here
        period = first.cleaned_data.get("ky")
    period = period or _default_period(user)
    relevant = selectors.relevant_schedules(user)  # read once for this period and the four before
    schedules = selectors.schedules_for_period(user, period, relevant=relevant)
    form = BoardFilterForm(request.GET or None, years=years, schedules=schedules)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    form.fields["bao_cao"].choices = [("", _("Mọi báo cáo"))] + [(s.pk, s.name) for s in schedules]
    if not form.is_bound:
        form.initial = {"ky": period.code()}
    schedule = next((s for s in schedules if s.pk == filters.get("bao_cao")), None)
    owed: dict = {}  # each schedule's organisations, read once for this period and the four before
    rows = selectors.compliance(user=user, period=period, schedule=schedule, level=filters.get("cap"),
                                kind=filters.get("loai", ""), include_one_off=True, relevant=relevant, owed=owed)
    groups = []
    review_scope = scoping.scope_for(user, roles.REPORT_REVIEW)
    for sched in ([schedule] if schedule else schedules):
        sched_rows = [r for r in rows if r.schedule.pk == sched.pk]
        if not sched_rows:
            continue
        total, by_level = selectors.compliance_counts(sched_rows)
        requests = selectors.explanation_requests_for(sched, period) if not sched.is_one_off else []
        to_ask = selectors.not_yet_asked(sched_rows, requests)
        can_request = bool(to_ask) and scoping.can(user, roles.REPORT_REVIEW, sched.issuer.unit)
        issuer_covered = review_scope.covers_path(sched.issuer.unit.path)
        for row in sched_rows:  # selectors.can_review, with what the rows hold already
            row.reviewable = (issuer_covered and row.submission is not None
                              and row.submission.status == SubmissionStatus.SUBMITTED
                              and review_scope.covers_path(row.organisation.unit.path))
        groups.append({
            "schedule": sched, "rows": sched_rows, "total": total, "by_level": by_level,
            "due_date": sched.due_date_for(period), "can_request": can_request,
            "to_ask_late": sum(r.status == selectors.LATE for r in to_ask),
            "to_ask_missing": sum(r.status == selectors.MISSING for r in to_ask),
            "requests": requests,
            "request_form": ExplanationRequestForm(initial={
                "schedule": sched.pk, "period": period.code(),
                "due_date": today_vn() + dt.timedelta(days=10)}) if can_request else None,
        })
    # The period's recurring reports, every one (no report picked): the repeat offenders' last period.
    recurring = [r for r in rows if not r.schedule.is_one_off] if schedule is None else None
    return {"form": form, "filters": filters, "period": period, "groups": groups, "relevant": relevant,
            "owed": owed, "recurring": recurring}


@room_required(roles.REPORT_ROOM)
def board(request):
    user = request.user
    data = _board_data(request)
    period, filters = data["period"], data["filters"]
    offenders = selectors.repeat_offenders(user=user, period=period, count=4, level=filters.get("cap"),
                                           kind=filters.get("loai", ""), relevant=data["relevant"],
                                           owed=data["owed"], current=data["recurring"],
                                           ) if period.kind == PeriodKind.QUARTER else []
    return render(request, "reporting/board.html", {
        "form": data["form"], "period": period, "groups": data["groups"], "offenders": offenders,
        "offender_periods": [p for p, _ in offenders[0].history] if offenders else [],
        "status_labels": selectors.STATUS_LABELS, "status_badges": selectors.STATUS_BADGES,
        "reviewable": sum(r.reviewable for g in data["groups"] for r in g["rows"]),
        "query": request.GET.urlencode(),
    })


@require_POST
@room_required(roles.REPORT_ROOM)
def explanation_request(request):
    form = ExplanationRequestForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label or ''} {error}".strip() if field in form.fields
                               else error)
        return redirect(request.POST.get("next") or "reporting:board")
    schedule = selectors.schedule_for_user_or_404(request.user, form.cleaned_data["schedule"])
    period = form.cleaned_data["period"]
    back = f"{reverse('reporting:board')}?ky={period.code()}"
    try:
        result = services.explanation_request_create(actor=request.user, schedule=schedule, period=period,
                                                     due_date=form.cleaned_data["due_date"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    names = ", ".join(o.name for o in result.added)
    if result.created:
        messages.success(request, _("Đã yêu cầu %(n)d đơn vị gửi báo cáo giải trình trước hết ngày %(date)s: "
                                    "%(names)s.") % {"n": len(result.added),
                                                     "date": format_date(result.request.due_date), "names": names})
    elif result.added:
        messages.success(request, _("Đã bổ sung %(n)d đơn vị vào yêu cầu giải trình (hạn %(date)s): %(names)s.")
                         % {"n": len(result.added), "date": format_date(result.request.due_date), "names": names})
    else:
        messages.info(request, _("Các đơn vị trễ hạn, chưa báo cáo đều đã được yêu cầu giải trình trước đó."))
    return redirect(back)


@room_required(roles.REPORT_ROOM)
def deadline_calendar_view(request):
    text = request.GET.get("thang", "")
    today = today_vn()
    try:
        year, month_number = (int(part) for part in text.split("-")) if text else (today.year, today.month)
        dt.date(year, month_number, 1)
    except ValueError:
        year, month_number = today.year, today.month
    month = deadline_calendar.month(request.user, year, month_number)
    return render(request, "reporting/calendar.html", {
        "month": month, "today": today, "weekdays": [_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"),
                                                     _("Thứ Sáu"), _("Thứ Bảy"), _("Chủ Nhật")],
    })



@require_http_methods(["GET", "POST"])
@room_required(roles.REPORT_ROOM)
def confirm_submit(request, pk: int):
    """"Gửi báo cáo" asks first: what is sent, to whom, before or after the deadline; after
    sending, the unit may still recall it until the secretariat accepts it."""
    submission = selectors.submission_for_user_or_404(request.user, pk)
    if not selectors.can_submit_for(request.user, submission.organisation):
        raise Http404("Không tìm thấy báo cáo")
    if not submission.is_editable:
        return redirect("reporting:detail", pk=submission.pk)
    problems = services.submission_problems(submission)
    if problems:
        messages.error(request, _("Báo cáo chưa đủ nội dung để gửi; hãy bổ sung rồi gửi lại."))
        return redirect("reporting:edit", pk=submission.pk)
    errors = []
    if request.method == "POST":
        try:
            services.submission_submit(actor=request.user, submission=submission,
                                       expected_version=request.POST.get("version") or -1)
        except ValidationError as exc:
            errors = exc.messages
            submission = selectors.submission_for_user_or_404(request.user, pk)
        else:
            messages.success(request, _("Đã gửi báo cáo. Thường trực sẽ xem xét và tiếp nhận."))
            return redirect("reporting:detail", pk=submission.pk)
    due = submission.due_date
    now = timezone.now()
    return render(request, "reporting/confirm_submit.html", {
        "submission": submission, "sections": selectors.submission_sections(submission),
        "attachments": submission.attachments.all(), "errors": errors,
        "late": bool(due and not submission.submitted_at and selectors.row_status(None, due, now) == selectors.MISSING),
    }, status=409 if errors else 200)


@require_POST
@room_required(roles.REPORT_ROOM)
def recall(request, pk: int):
    submission = selectors.submission_for_user_or_404(request.user, pk)
    try:
        services.submission_recall(actor=request.user, submission=submission,
                                   expected_version=request.POST.get("version") or -1)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("reporting:detail", pk=submission.pk)
    messages.success(request, _("Đã thu hồi báo cáo: báo cáo trở lại bản nháp, sửa xong hãy gửi lại."))
    return redirect("reporting:edit", pk=submission.pk)


@require_POST
@room_required(roles.REPORT_ROOM)
def bulk_review(request):
    """Accept or return the ticked reports of the board at once (all or nothing)."""
    back = request.POST.get("next", "")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("reporting:board")
    items, bad = [], False
    for value in request.POST.getlist("chon")[:1000]:
        try:
            pk, version = (int(part) for part in value.split(":"))
        except ValueError:
            bad = True
            continue
        items.append((pk, version))
    if bad:
        messages.error(request, _("Yêu cầu không hợp lệ, hãy tải lại trang."))
        return redirect(back)
    action = request.POST.get("action", "")
    try:
        result = services.submissions_bulk_review(actor=request.user, items=items, action=action,
                                                  comment=request.POST.get("comment", "")[:5000])
    except ValidationError as exc:
        messages.error(request, _("Chưa xử lý báo cáo nào:") + " " + " ".join(exc.messages))
        return redirect(back)
    names = ", ".join(s.organisation.name for s in result.done)
    if action == "accept":
        messages.success(request, _("Đã tiếp nhận %(n)d báo cáo: %(names)s.") % {"n": len(result.done), "names": names})
    else:
        messages.success(request, _("Đã trả lại %(n)d báo cáo: %(names)s.") % {"n": len(result.done), "names": names})
    return redirect(back)


@room_required(roles.REPORT_ROOM)
def board_export(request, kind: str):
    """The board as the person sees it (same period and filters), for the briefing."""
    if kind not in ("xlsx", "docx"):
        raise Http404("Không có định dạng này")
    data = _board_data(request)
    if kind == "xlsx":
        content = documents.board_xlsx(data["period"], data["groups"])
    else:
        content = documents.board_docx(data["period"], data["groups"], request.user)
    audit_record(actor=request.user, action=AuditAction.EXPORT, source="web",
                 object_repr=f"Bảng chấp hành chế độ báo cáo {data['period'].label()}",
                 note=f"Tải bảng theo dõi báo cáo (.{kind})")
    return file_response(content, f"chap-hanh-bao-cao-{data['period'].code()}.{kind}", kind=kind)
