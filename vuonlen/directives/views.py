"""Pages of the directives room: thin — parse, call one selector or service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.models import Organisation
from vuonlen.core import uploads
from vuonlen.core.access import room_required
from vuonlen.core.responses import attach_files_and_return, file_response

from . import selectors, services
from .forms import CarryGroupForm, DocumentForm, TaskForm, TaskUpdateForm
from .models import DeadlineKind, DocumentKind, TaskState, TaskStatus
from .notice import addressee_label as notice_addressees


def _tabs(user, current: str) -> dict:
    return {"tab": current, "reads_area": scoping.can(user, roles.DIRECTIVE_VIEW_AREA),
            "can_manage": selectors.can_manage(user)}


@room_required(roles.DIRECTIVE_VIEW)
def index(request):
    if scoping.can(request.user, roles.DIRECTIVE_VIEW_AREA):
        return redirect("directives:document_list")
    return redirect("directives:my_tasks")


@room_required(roles.DIRECTIVE_VIEW)
def my_tasks(request):
    status = request.GET.get("trang-thai", "")
    if status not in TaskStatus.values:
        status = ""
    all_tasks = selectors.my_tasks(request.user)
    tasks = [t for t in all_tasks if t.computed_status == status] if status else all_tasks
    return render(request, "directives/my_tasks.html", {
        **_tabs(request.user, "mine"),
        "tasks": tasks, "status": status, "statuses": TaskStatus.choices,
        "counts": selectors.status_counts(all_tasks), "total": len(all_tasks),
    })


@room_required(roles.DIRECTIVE_VIEW)
def document_list(request):
    search = request.GET.get("q", "").strip()
    kind = request.GET.get("loai", "")
    kind = kind if kind in DocumentKind.values else ""
    documents = selectors.document_list(request.user, search=search, kind=kind)
    return render(request, "directives/document_list.html", {
        **_tabs(request.user, "documents"), "documents": documents, "search": search, "kind": kind,
        "kinds": DocumentKind.choices,
    })


def _issuers_for(user):
    """Organisations whose documents the person may register: those of their managed area."""
    return scoping.scoped(user, Organisation.objects.filter(is_active=True).select_related("unit"),
                          roles.DIRECTIVE_MANAGE).order_by("unit__level", "unit__name_sort", "name_sort")


@require_http_methods(["GET", "POST"])
@room_required(roles.DIRECTIVE_VIEW)
def document_create(request):
    if not selectors.can_manage(request.user):
        raise Http404("Không tìm thấy")
    form = DocumentForm(request.POST or None, request.FILES or None, issuers=_issuers_for(request.user),
                        previous=selectors.documents_visible_to(request.user).select_related("issuer"))
    initial_follows = request.GET.get("tiep-theo")
    if request.method == "GET" and initial_follows:
        form.initial["follows"] = initial_follows
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_register(
                actor=request.user, issuer=data["issuer"], number=data["number"], kind=data["kind"],
                date=data["date"], title=data["title"], place=data["place"], period=data["period"],
                follows=data["follows"], party_layout=data["party_layout"],
                issuer_parent_name=data["issuer_parent_name"], signer_authority=data["signer_authority"],
                signer_title=data["signer_title"], signer_name=data["signer_name"], recipients=data["recipients"],
                files=data["files"])
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Đã vào sổ %(doc)s") % {"doc": document})
            return redirect("directives:document_detail", pk=document.pk)
    return render(request, "directives/document_form.html", {**_tabs(request.user, "documents"), "form": form})


EDITABLE = ["issuer", "number", "kind", "date", "title", "place", "period", "follows", "party_layout",
            "issuer_parent_name", "signer_authority", "signer_title", "signer_name", "recipients"]


@require_http_methods(["GET", "POST"])
@room_required(roles.DIRECTIVE_VIEW)
def document_edit(request, pk: int):
    document = selectors.get_document_for_manager_or_404(request.user, pk)
    initial = {name: getattr(document, name) for name in EDITABLE}
    initial["version"] = document.version
    form = DocumentForm(request.POST or None, initial=initial, editing=True, issuers=_issuers_for(request.user),
                        previous=selectors.documents_visible_to(request.user).exclude(pk=document.pk)
                        .select_related("issuer"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.document_update(actor=request.user, document=document, expected_version=data["version"],
                                     **{name: data[name] for name in EDITABLE})
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Đã lưu thay đổi"))
            return redirect("directives:document_detail", pk=document.pk)
    return render(request, "directives/document_form.html", {**_tabs(request.user, "documents"), "form": form,
                                                             "document": document})


@room_required(roles.DIRECTIVE_VIEW)
def document_detail(request, pk: int):
    document = selectors.get_document_for_user_or_404(request.user, pk)
    tasks = selectors.document_tasks(request.user, document)
    for task in tasks:
        task.computed_status = task.current_status
    manage = selectors.can_manage(request.user, document)
    candidates = selectors.carry_over_candidates(request.user, document)
    pending = [c for c in candidates if c.carried is None]
    carry_groups = _carry_groups(document, pending) if manage and pending else []
    carry_form = bool(carry_groups)
    return render(request, "directives/document_detail.html", {
        **_tabs(request.user, "documents"), "document": document, "tasks": tasks,
        "own_ids": selectors.my_organisation_ids(request.user),
        "files": selectors.document_files(document), "followups": document.followups.filter(
            pk__in=selectors.documents_visible_to(request.user)),
        "candidates": candidates, "pending": pending, "carry_form": carry_form, "manage": manage,
        "carry_groups": carry_groups,
    })


def _carry_groups(document, pending, data=None) -> list[dict]:
    """The carry-over panel: one row per group, ticked unless it is a standing instruction
    ("thường xuyên" is not carried by default); the deadline is to be renewed."""
    rows = []
    for index, group in enumerate(selectors.carry_groups(pending)):
        first = group.first
        form = CarryGroupForm(data, prefix=f"g{index}", initial={
            "chon": not group.standing, "kieu": first.deadline_kind,
            "han": first.deadline if first.deadline and first.deadline >= document.date else None})
        rows.append({"group": group, "form": form, "index": index,
                     "names": notice_addressees(group.organisations, document.issuer.unit)})
    return rows


@require_http_methods(["GET", "POST"])
@room_required(roles.DIRECTIVE_VIEW)
def task_create(request, pk: int):
    document = selectors.get_document_for_manager_or_404(request.user, pk)
    organisations = Organisation.objects.filter(is_active=True, unit__path__startswith=document.issuer.unit.path) \
        .select_related("unit").order_by("unit__level", "unit__name_sort", "name_sort")
    form = TaskForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = _create_tasks(request.user, document, data, form.deadline())
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Đã thêm %(n)d nhiệm vụ vào %(doc)s") % {"n": created, "doc": document})
            if "them-tiep" in request.POST:
                return redirect("directives:task_create", pk=document.pk)
            return redirect("directives:document_detail", pk=document.pk)
    return render(request, "directives/task_form.html", {**_tabs(request.user, "documents"), "form": form,
                                                         "document": document})


def _create_tasks(user, document, data, deadline) -> int:
    """One task with a lead and coordinating units, or — "giao riêng" — one task per unit."""
    common = dict(actor=user, document=document, text=data["text"], expected_output=data["expected_output"],
                  deadline_kind=data["deadline_kind"], deadline=deadline, period=data["period"])
    if data["separately"]:
        units = ([data["lead"]] if data["lead"] else []) + [o for o in data["coordinating"] if o != data["lead"]]
        if not units:
            services.task_create(lead=None, **common)  # raises the "choose a unit" error
        return len(services.tasks_create_each(organisations=units, **common))
    services.task_create(lead=data["lead"], coordinating=data["coordinating"], **common)
    return 1


@require_POST
@room_required(roles.DIRECTIVE_VIEW)
def carry_over(request, pk: int):
    document = selectors.get_document_for_manager_or_404(request.user, pk)
    pending = [c for c in selectors.carry_over_candidates(request.user, document) if c.carried is None]
    tasks, deadlines, problems = [], {}, []
    for row in _carry_groups(document, pending, request.POST):
        form = row["form"]
        if not form.is_valid():
            problems += [f"{row['names']}: {m}" for errors in form.errors.values() for m in errors]
            continue
        if not form.cleaned_data["chon"]:
            continue
        for candidate in row["group"].candidates:
            tasks.append(candidate.task)
            kind, new = form.cleaned_data["kieu"], form.cleaned_data["han"]
            if new is not None or kind == DeadlineKind.NONE:  # no date typed: keep the old one if still ahead
                deadlines[candidate.task.pk] = (kind, new)
    if problems:
        for message in problems:
            messages.error(request, message)
        return redirect("directives:document_detail", pk=document.pk)
    try:
        copies = services.tasks_carry_over(actor=request.user, document=document, tasks=tasks, deadlines=deadlines)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã chuyển tiếp %(n)d nhiệm vụ chưa hoàn thành vào %(doc)s")
                         % {"n": len(copies), "doc": document})
    return redirect("directives:document_detail", pk=document.pk)


@require_http_methods(["GET", "POST"])
@room_required(roles.DIRECTIVE_VIEW)
def notice_preview(request, pk: int):
    """The draft notice in the browser, every paragraph editable, then .docx or PDF from it."""
    from vuonlen.core import pdf

    from . import notice

    document = selectors.get_document_for_manager_or_404(request.user, pk)
    base = notice.notice_draft(request.user, document)
    data, errors = {}, {}
    if request.method == "POST":
        data = request.POST
        draft, errors = notice.draft_from_post(base, request.POST)
        kind = request.POST.get("dinh-dang")
        if not errors and kind in ("docx", "pdf"):
            try:
                content, filename = services.notice_draft_export(actor=request.user, document=document,
                                                                 draft=draft, kind=kind)
            except pdf.PdfUnavailable as exc:
                errors = {"__all__": [str(exc)]}
            else:
                return file_response(content, filename, kind=kind)
    rows = []
    for index, row in enumerate(notice.numbered_blocks(base)):
        rows.append({**row, "index": index, "has_tail": bool(row["tail"]),
                     "text": data.get(f"text-{index}", row["text"]), "tail": data.get(f"tail-{index}", row["tail"])})
    return render(request, "directives/notice_preview.html", {
        **_tabs(request.user, "documents"), "document": document, "rows": rows, "errors": errors,
        "recipients": data.get("recipients", "\n".join(base.recipients)),
        "signer_authority": data.get("signer_authority", base.signer_authority),
        "signer_title": data.get("signer_title", base.signer_title),
        "signer_name": data.get("signer_name", base.signer_name),
        "appendix_title": base.appendix_title, "appendix_count": len(base.appendix_rows or []),
        "pdf_available": pdf.available(),
    }, status=400 if errors else 200)


@room_required(roles.DIRECTIVE_VIEW)
def notice_docx(request, pk: int):
    document = selectors.get_document_for_manager_or_404(request.user, pk)
    content, filename = services.notice_draft_export(actor=request.user, document=document)
    return file_response(content, filename, kind="docx")


@room_required(roles.DIRECTIVE_VIEW)
def document_file(request, pk: int):
    record = selectors.get_document_file_for_user_or_404(request.user, pk)
    return uploads.stored_file_response(record.stored_name, record.original_name, record.content_type)


@require_POST
@room_required(roles.DIRECTIVE_VIEW)
def document_attach(request, pk: int):
    document = selectors.get_document_for_manager_or_404(request.user, pk)
    return attach_files_and_return(
        request, lambda files: services.document_attach_files(actor=request.user, document=document, files=files),
        back=redirect("directives:document_detail", pk=document.pk))


@room_required(roles.DIRECTIVE_VIEW)
def task_detail(request, pk: int):
    task = selectors.get_task_for_user_or_404(request.user, pk)
    return _render_task(request, task, _update_form(request.user, task))


def _update_form(user, task, data=None, files=None):
    assignees = {a.organisation_id for a in task.assignments.all()}
    if not assignees & selectors.updatable_organisation_ids(user):
        return None
    initial = {"version": task.version,
               "state": TaskState.DONE if task.state == TaskState.DONE else TaskState.IN_PROGRESS}
    return TaskUpdateForm(data, files, initial=initial, done=task.state == TaskState.DONE)


def _render_task(request, task, form, status=200):
    assignments = list(task.assignments.all())
    return render(request, "directives/task_detail.html", {
        **_tabs(request.user, "mine"), "task": task, "status": task.current_status,
        "lead_names": ", ".join(a.organisation.name for a in assignments if a.is_lead),
        "coordinating_names": ", ".join(a.organisation.name for a in assignments if not a.is_lead),
        "updates": selectors.task_updates(task), "form": form, "deadline_none": DeadlineKind.NONE,
        "document_visible": selectors.documents_visible_to(request.user).filter(pk=task.document_id).exists(),
        "link_schedules": _linkable_schedules(task) if selectors.can_manage(request.user, task.document) else None,
    }, status=status)


@require_http_methods(["GET", "POST"])
@room_required(roles.DIRECTIVE_VIEW)
def task_update(request, pk: int):
    task = selectors.get_task_for_user_or_404(request.user, pk)
    if _update_form(request.user, task) is None:
        raise Http404("Không tìm thấy")
    if request.method == "GET":
        return redirect("directives:task_detail", pk=task.pk)
    form = _update_form(request.user, task, request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.task_report_progress(actor=request.user, task=task, progress=data["progress"],
                                          state=data["state"], files=data["files"],
                                          expected_version=data["version"])
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            messages.success(request, _("Đã ghi nhận cập nhật tiến độ nhiệm vụ"))
            return redirect("directives:task_detail", pk=task.pk)
    task = selectors.get_task_for_user_or_404(request.user, pk)
    return _render_task(request, task, form, status=400)


@room_required(roles.DIRECTIVE_VIEW)
def evidence_file(request, pk: int):
    record = selectors.get_evidence_for_user_or_404(request.user, pk)
    return uploads.stored_file_response(record.stored_name, record.original_name, record.content_type)


OVERDUE_COLUMNS = [
    ("ten", gettext_lazy("Cơ quan, đơn vị")), ("tong", gettext_lazy("Số nhiệm vụ")),
    ("dang-mo", gettext_lazy("Chưa hoàn thành")), ("qua-han", gettext_lazy("Quá hạn")),
    ("tre-han", gettext_lazy("Hoàn thành trễ hạn")),
]


@room_required(roles.DIRECTIVE_VIEW)
def overdue(request):
    sort = request.GET.get("sap-xep", "qua-han")
    if sort not in selectors.OVERDUE_SORTS:
        sort = "qua-han"
    rows = selectors.overdue_counts(request.user, sort=sort)
    return render(request, "directives/overdue.html", {
        **_tabs(request.user, "overdue"), "rows": rows, "sort": sort, "columns": OVERDUE_COLUMNS,
        "totals": {"total": sum(r.total for r in rows), "open": sum(r.open for r in rows),
                   "overdue": sum(r.overdue for r in rows), "done_late": sum(r.done_late for r in rows)},
    })


@room_required(roles.DIRECTIVE_VIEW)
def overdue_export(request, kind: str):
    """The overdue tasks the person sees, for the briefing (.xlsx or .docx)."""
    from vuonlen.core.audit import audit_record
    from vuonlen.core.models import AuditAction
    from vuonlen.core.periods import today_vn

    from . import exports

    if kind not in ("xlsx", "docx"):
        raise Http404("Không có định dạng này")
    on = today_vn()
    items = selectors.overdue_tasks(request.user, on=on)
    issuer = _home_organisation(request.user)
    area = issuer.unit if issuer is not None else None
    if kind == "xlsx":
        content = exports.overdue_xlsx(items, on=on, issuer_name=issuer.name if issuer else "", area=area)
    else:
        content = exports.overdue_docx(items, on=on, issuer=issuer, area=area)
    audit_record(actor=request.user, action=AuditAction.EXPORT, source="web", object_repr="Nhiệm vụ quá hạn",
                 note=f"Tải danh sách nhiệm vụ quá hạn (.{kind}), {len(items)} mục")
    return file_response(content, f"nhiem-vu-qua-han-{on:%Y-%m-%d}.{kind}", kind=kind)


def _home_organisation(user):
    """The organisation the person works for (its name heads the file), if one is named."""
    from vuonlen.accounts.models import RoleAssignment

    assignment = (RoleAssignment.objects.filter(user=user, is_active=True, organisation__isnull=False)
                  .select_related("organisation__unit", "organisation__parent").first()) if getattr(user, "pk", None) else None
    return assignment.organisation if assignment else None


@require_POST
@room_required(roles.DIRECTIVE_VIEW)
def task_link_report(request, pk: int):
    """The secretariat names the report that fulfils a task (or none)."""

    task = selectors.get_task_for_user_or_404(request.user, pk)
    if not selectors.can_manage(request.user, task.document):
        raise Http404("Không tìm thấy")
    schedule = None
    raw = request.POST.get("report_schedule", "")
    if raw:
        schedule = _linkable_schedules(task).filter(pk=raw if raw.isdigit() else -1).first()
        if schedule is None:
            messages.error(request, _("Báo cáo đã chọn không hợp lệ, hãy tải lại trang."))
            return redirect("directives:task_detail", pk=task.pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.task_link_report(actor=request.user, task=task, schedule=schedule, expected_version=version)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        task.refresh_from_db()
        if schedule is None:
            messages.success(request, _("Đã bỏ liên kết báo cáo của nhiệm vụ."))
        elif task.state == TaskState.DONE:
            messages.success(request, _("Đã gắn “%(name)s”: báo cáo đã được tiếp nhận nên nhiệm vụ hoàn thành.")
                             % {"name": schedule.name})
        else:
            messages.success(request, _("Đã gắn “%(name)s”: nhiệm vụ sẽ hoàn thành khi báo cáo được tiếp nhận.")
                             % {"name": schedule.name})
    return redirect("directives:task_detail", pk=task.pk)


def _linkable_schedules(task):
    from vuonlen.reporting.models import ReportSchedule

    return (ReportSchedule.objects.filter(is_active=True, issuer__unit__path__startswith=task.document.issuer.unit.path)
            .select_related("issuer").order_by("-due_date", "name"))


@room_required(roles.DIRECTIVE_VIEW)
def overdue_organisation(request, pk: int):
    """The tasks behind one organisation's row on the overdue page: the tasks the reader may
    see (``tasks_visible_to``) assigned to it, overdue first. An organisation with none of
    them is not found."""
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from .models import TaskAssignment

    organisation = Organisation.objects.filter(pk=pk).select_related("unit").first()
    if organisation is None:
        raise Http404("Không tìm thấy")
    assigned = TaskAssignment.objects.filter(task=OuterRef("pk"), organisation=organisation)
    tasks = list(selectors.tasks_visible_to(request.user).filter(Exists(assigned), carried_into__isnull=True)
                 .select_related("document").prefetch_related("assignments__organisation"))
    if not tasks:
        raise Http404("Không tìm thấy")
    now = timezone.now()
    for task in tasks:
        task.computed_status = task.status(now)
        assignment = next(a for a in task.assignments.all() if a.organisation_id == organisation.pk)
        task.org_role = _("Chủ trì") if assignment.is_lead else _("Phối hợp")
    order = {TaskStatus.OVERDUE: 0}
    tasks.sort(key=lambda t: (order.get(t.computed_status, 1), t.deadline is None, t.deadline or dt.date.max))
    return render(request, "directives/overdue_organisation.html", {
        **_tabs(request.user, "overdue"), "organisation": organisation, "tasks": tasks,
        "overdue": sum(1 for t in tasks if t.computed_status == TaskStatus.OVERDUE)})
