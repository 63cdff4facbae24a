"""Every write of the directives room: validate, check scope, write, audit — in one transaction.

Bad input raises ``ValidationError`` with every problem at once, keyed by form field, and
writes nothing (files included). Out of the person's scope raises ``Http404``; in scope but
without the right raises ``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.models import Organisation
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core import uploads
from vuonlen.core.audit import audit_record, snapshot
from vuonlen.core.formats import format_date
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import VN_TZ, Period, deadline_end
from vuonlen.core.pipeline import transition
from vuonlen.core.text import nfc
from vuonlen.core.versioning import lock_version

from . import selectors
from .models import (
    DeadlineKind,
    Document,
    DocumentFile,
    DocumentKind,
    ExpectedOutput,
    Task,
    TaskAssignment,
    TaskEvidence,
    TaskState,
    TaskUpdate,
    month_end,
)

EVIDENCE_FOLDER = "directives/evidence"
DOCUMENT_FOLDER = "directives/documents"
FILE_KINDS = uploads.DOCUMENT_KINDS

STALE_TASK = gettext_lazy("Nhiệm vụ này vừa được người khác cập nhật trong lúc bạn đang nhập. Hãy tải lại trang để xem "
              "bản mới nhất rồi gửi lại; nội dung bạn vừa nhập chưa được lưu.")
STALE_DOCUMENT = gettext_lazy("Văn bản này vừa được người khác sửa. Hãy tải lại trang để xem bản mới nhất rồi sửa lại; "
                  "thay đổi của bạn chưa được lưu.")

# "103-TB/BCĐ" (party: number-KIND/ISSUER), "12/TB-UBND" (state: number/KIND-ISSUER),
# "30/2020/NĐ-CP" (with the year), "07/CTrPH-UBND-UBMTTQ" (joint): a number, an optional
# year, then letter groups joined by "-" or "/" (Nghị định 30/2020/NĐ-CP, Phụ lục I, mục II.3;
# Hướng dẫn 36-HD/VPTW for party documents).
_GROUP = r"[^\W\d_][^\W_]*(?:&[^\W_]+)*"
NUMBER_PATTERN = re.compile(rf"^(?P<seq>\d{{1,6}})(?:/(?P<year>(?:19|20)\d\d))?[-/](?P<symbol>{_GROUP}(?:[-/]{_GROUP})*)$")
NUMBER_HELP = gettext_lazy("Số, ký hiệu dạng “103-TB/BCĐ”, “12/TB-UBND” hoặc “30/2020/NĐ-CP”")


def normalise_number(raw: str) -> str:
    """NFC, no spaces (officers type "103 - TB/BCĐ"), "Số:" prefix dropped."""
    text = nfc(raw)
    text = re.sub(r"^(số|so)\s*:?\s*", "", text, flags=re.IGNORECASE)
    return re.sub(r"\s+", "", text)


def number_problem(number: str) -> str | None:
    if not number:
        return gettext("Chưa nhập số, ký hiệu văn bản")
    if len(number) > Document._meta.get_field("number").max_length:
        return gettext("Số, ký hiệu quá dài")
    match = NUMBER_PATTERN.match(number)
    if not match or int(match["seq"]) == 0:
        return gettext("“%(number)s” không đúng dạng số, ký hiệu văn bản. %(help)s.") % {"number": number,
                                                                                         "help": NUMBER_HELP}
    return None


def _require_manage(actor, unit) -> None:
    scoping.require(actor, roles.DIRECTIVE_MANAGE, unit, seen_with=(roles.DIRECTIVE_VIEW_AREA, roles.ORG_VIEW),
                    message=gettext("Bạn không có quyền quản lý văn bản chỉ đạo của cơ quan này"))


def _add(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _check_files(files: Sequence, errors: dict, field: str) -> None:
    for upload in files:
        try:
            uploads.check_upload(upload, kinds=FILE_KINDS)
        except uploads.UploadRejected as exc:
            for message in exc.messages:
                _add(errors, field, message)


def _store_files(files: Sequence, folder: str) -> list[uploads.StoredFile]:
    return uploads.store_uploads(list(files), folder=folder, kinds=FILE_KINDS) if files else []


# --- documents ----------------------------------------------------------------------------
def _validate_document(*, issuer: Organisation | None, number: str, kind: str, date: dt.date | None, title: str,
                       period: str, follows: Document | None, exclude_pk: int | None = None) -> dict:
    errors: dict[str, list[str]] = {}
    if issuer is None:
        _add(errors, "issuer", gettext("Chưa chọn cơ quan ban hành"))
    problem = number_problem(number)
    if problem:
        _add(errors, "number", problem)
    if kind not in DocumentKind.values:
        _add(errors, "kind", gettext("Loại văn bản không hợp lệ"))
    if date is None:
        _add(errors, "date", gettext("Chưa nhập ngày ban hành"))
    if not title:
        _add(errors, "title", gettext("Chưa nhập trích yếu văn bản"))
    elif len(title) > Document._meta.get_field("title").max_length:
        _add(errors, "title", gettext("Trích yếu quá dài (tối đa 500 ký tự)"))
    if period:
        try:
            Period.parse(period)
        except (ValueError, KeyError, IndexError):
            _add(errors, "period", gettext("Kỳ “%(period)s” không hợp lệ (ví dụ 2023-Q2 cho quý II/2023)") % {"period": period})
    if follows is not None and date is not None:
        if exclude_pk is not None and follows.pk == exclude_pk:
            _add(errors, "follows", gettext("Văn bản không thể tiếp theo chính nó"))
        elif follows.date > date:
            _add(errors, "follows", gettext("Văn bản %(number)s ban hành ngày %(date)s, sau ngày của văn bản này")
                 % {"number": follows.number, "date": format_date(follows.date)})
    if issuer is not None and date is not None and not problem:
        clash = Document.objects.filter(issuer=issuer, year=date.year, number_key=number.upper())
        if exclude_pk is not None:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            _add(errors, "number", gettext("%(issuer)s đã có văn bản số %(number)s trong năm %(year)s")
                 % {"issuer": issuer.name, "number": number, "year": date.year})
    return errors


@transaction.atomic
def document_register(*, actor, issuer: Organisation | None, number: str, kind: str, date: dt.date | None,
                      title: str, place: str = "", period: str = "", follows: Document | None = None,
                      party_layout: bool = False, issuer_parent_name: str = "", signer_authority: str = "",
                      signer_title: str = "", signer_name: str = "", recipients: str = "",
                      files: Sequence = (), source: str = "web") -> Document:
    if issuer is not None:
        _require_manage(actor, issuer.unit)
    if follows is not None and actor is not SYSTEM and not selectors.documents_visible_to(actor).filter(
            pk=follows.pk).exists():
        raise Http404("Không tìm thấy")
    number, title, place, period = normalise_number(number), nfc(title), nfc(place), nfc(period).upper()
    errors = _validate_document(issuer=issuer, number=number, kind=kind, date=date, title=title, period=period,
                                follows=follows)
    _check_files(files, errors, "files")
    if errors:
        raise ValidationError(errors)
    document = Document(
        issuer=issuer, number=number, number_key=number.upper(), year=date.year, kind=kind, date=date, title=title,
        place=place, period=period, follows=follows, party_layout=party_layout,
        issuer_parent_name=nfc(issuer_parent_name), signer_authority=_multiline(signer_authority),
        signer_title=_multiline(signer_title), signer_name=nfc(signer_name), recipients=_lines(recipients),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    stored = _store_files(files, DOCUMENT_FOLDER)
    try:
        try:
            with transaction.atomic():
                document.save()
        except IntegrityError:  # someone registered the same number a moment ago
            raise ValidationError({"number": [gettext("%(issuer)s đã có văn bản số %(number)s trong năm %(year)s")
                                              % {"issuer": issuer.name, "number": number, "year": date.year}]})
        audit_record(actor=actor, action=AuditAction.CREATE, instance=document, source=source)
        _attach(actor, document, stored, source)
    except BaseException:
        uploads.delete_stored([s.name for s in stored])
        raise
    return document


def _multiline(text: str | None) -> str:
    """NFC line by line, keeping the person's line breaks."""
    return "\n".join(nfc(line) for line in (text or "").splitlines()).strip()


def _lines(text: str) -> str:
    return "\n".join(line for line in (nfc(x) for x in (text or "").splitlines()) if line)


def _attach(actor, document: Document, stored: list[uploads.StoredFile], source: str) -> None:
    for item in stored:
        record = DocumentFile.objects.create(document=document, uploaded_by=actor if getattr(actor, "pk", None)
                                             else None, **item.fields())
        audit_record(actor=actor, action=AuditAction.CREATE, instance=record, source=source,
                     note=f"Tệp của {document}")


@transaction.atomic
def document_attach_files(*, actor, document: Document, files: Sequence, source: str = "web") -> list[DocumentFile]:
    _require_manage(actor, document.issuer.unit)
    errors: dict[str, list[str]] = {}
    if not files:
        _add(errors, "files", gettext("Chưa chọn tệp nào"))
    _check_files(files, errors, "files")
    if errors:
        raise ValidationError(errors)
    stored = _store_files(files, DOCUMENT_FOLDER)
    try:
        _attach(actor, document, stored, source)
    except BaseException:
        uploads.delete_stored([s.name for s in stored])
        raise
    return list(document.files.filter(stored_name__in=[s.name for s in stored]))


@transaction.atomic
def document_update(*, actor, document: Document, expected_version: int, source: str = "web", **changes) -> Document:
    """Edit the register entry (not its tasks). ``changes`` are the fields of ``document_register``."""
    _require_manage(actor, document.issuer.unit)
    locked = lock_version(Document.objects, document.pk, expected_version, message=STALE_DOCUMENT)
    before = snapshot(locked)
    values = {f: getattr(locked, f) for f in ("issuer", "number", "kind", "date", "title", "place", "period",
                                                "follows", "party_layout", "issuer_parent_name", "signer_authority",
                                                "signer_title", "signer_name", "recipients")}
    values.update(changes)
    if values["issuer"] != locked.issuer:
        _require_manage(actor, values["issuer"].unit)
    number = normalise_number(values["number"])
    title = nfc(values["title"])
    period = nfc(values["period"]).upper()
    errors = _validate_document(issuer=values["issuer"], number=number, kind=values["kind"], date=values["date"],
                                title=title, period=period, follows=values["follows"], exclude_pk=locked.pk)
    if values["date"] is not None:
        early = locked.tasks.filter(deadline__lt=values["date"], carried_from__isnull=True).count()
        if early:
            _add(errors, "date", gettext("%(n)s nhiệm vụ của văn bản có thời hạn trước ngày %(date)s; "
                                         "hãy sửa thời hạn các nhiệm vụ đó trước")
                 % {"n": early, "date": format_date(values["date"])})
    if errors:
        raise ValidationError(errors)
    for name in ("issuer", "kind", "date", "follows", "party_layout"):
        setattr(locked, name, values[name])
    locked.number, locked.number_key, locked.year = number, number.upper(), values["date"].year
    locked.title, locked.period = title, period
    for name in ("place", "issuer_parent_name", "signer_name"):
        setattr(locked, name, nfc(values[name]))
    for name in ("signer_authority", "signer_title"):  # a line break may split a long post
        setattr(locked, name, _multiline(values[name]))
    locked.recipients = _lines(values["recipients"])
    locked.version += 1
    locked.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=locked, before=before, source=source)
    return locked


# --- tasks --------------------------------------------------------------------------------
def normalise_deadline(kind: str, deadline: dt.date | None) -> dt.date | None:
    """A month deadline is kept as the month's last day; "thường xuyên" has none."""
    if kind == DeadlineKind.NONE or deadline is None:
        return None
    if kind == DeadlineKind.MONTH:
        return month_end(deadline.year, deadline.month)
    return deadline


def _deadline_problem(kind: str, deadline: dt.date | None, document: Document) -> str | None:
    if kind not in DeadlineKind.values:
        return gettext("Loại thời hạn không hợp lệ")
    if kind == DeadlineKind.NONE:
        return None
    if deadline is None:
        return gettext("Chưa nhập thời hạn") if kind == DeadlineKind.DATE else gettext("Chưa nhập tháng của thời hạn")
    if deadline < document.date:
        shown = (gettext("tháng %(month)s/%(year)s") % {"month": deadline.month, "year": deadline.year}
                 if kind == DeadlineKind.MONTH else format_date(deadline))
        return gettext("Thời hạn (%(shown)s) trước ngày ban hành văn bản (%(date)s). Hãy kiểm tra lại thời hạn.") % {
            "shown": shown, "date": format_date(document.date)}
    return None


@transaction.atomic
def task_create(*, actor, document: Document, text: str, lead: Organisation | None,
                coordinating: Iterable[Organisation] = (), expected_output: str = ExpectedOutput.REPORT,
                deadline_kind: str = DeadlineKind.DATE, deadline: dt.date | None = None, period: str = "",
                source: str = "web") -> Task:
    """A task taken from ``document``: one lead organisation, any coordinating ones, placed in
    the issuer's area (its level and below)."""
    _require_manage(actor, document.issuer.unit)
    text, period = nfc(text), nfc(period).upper()
    coordinating = [org for org in coordinating if lead is None or org.pk != lead.pk]
    deadline = normalise_deadline(deadline_kind, deadline)
    errors: dict[str, list[str]] = {}
    if not text:
        _add(errors, "text", gettext("Chưa nhập nội dung nhiệm vụ"))
    if lead is None:
        _add(errors, "lead", gettext("Chưa chọn cơ quan, đơn vị chủ trì"))
    if expected_output not in ExpectedOutput.values:
        _add(errors, "expected_output", gettext("Sản phẩm không hợp lệ"))
    problem = _deadline_problem(deadline_kind, deadline, document)
    if problem:
        _add(errors, "deadline", problem)
    if period:
        try:
            Period.parse(period)
        except (ValueError, KeyError, IndexError):
            _add(errors, "period", gettext("Kỳ “%(period)s” không hợp lệ (ví dụ 2023-Q2)") % {"period": period})
    area = document.issuer.unit.path
    for field, orgs in (("lead", [lead] if lead else []), ("coordinating", coordinating)):
        for org in orgs:
            if not org.unit.path.startswith(area):
                _add(errors, field, gettext("%(org)s không thuộc địa bàn của %(issuer)s")
                     % {"org": org.name, "issuer": document.issuer.name})
    if errors:
        raise ValidationError(errors)
    position = (document.tasks.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    task = Task.objects.create(document=document, position=position, text=text, expected_output=expected_output,
                               deadline_kind=deadline_kind, deadline=deadline, period=period)
    _assign(task, lead, coordinating)
    audit_record(actor=actor, action=AuditAction.CREATE, instance=task, source=source,
                 note=_assignment_note(lead, coordinating))
    return task


@transaction.atomic
def tasks_create_each(*, actor, document: Document, organisations: Sequence[Organisation], **fields) -> list[Task]:
    """The same task given separately to each organisation ("các tổ chức chính trị - xã hội
    huyện: rà soát … báo cáo trước ngày 31/7/2023"): each does it and reports for itself, so
    each gets its own task, all or none."""
    if not organisations:
        raise ValidationError({"lead": [gettext("Chưa chọn cơ quan, đơn vị nào")]})
    return [task_create(actor=actor, document=document, lead=org, **fields) for org in organisations]


def _assign(task: Task, lead: Organisation, coordinating: Iterable[Organisation]) -> None:
    TaskAssignment.objects.bulk_create(
        [TaskAssignment(task=task, organisation=lead, is_lead=True)]
        + [TaskAssignment(task=task, organisation=org, is_lead=False) for org in coordinating]
    )


def _assignment_note(lead: Organisation | None, coordinating: Sequence[Organisation]) -> str:
    note = f"Chủ trì: {lead.name}" if lead else ""
    if coordinating:
        note += "; phối hợp: " + ", ".join(org.name for org in coordinating)
    return note


def _acting_organisation(actor, task: Task, organisation: Organisation | None) -> Organisation:
    assignees = {a.organisation_id: a.organisation for a in task.assignments.select_related("organisation")}
    if actor is SYSTEM:  # system: the organisation must be named, and be an assignee
        if organisation is None or organisation.pk not in assignees:
            raise ValidationError({NON_FIELD_ERRORS: [gettext("Đơn vị cập nhật không được giao nhiệm vụ này")]})
        return organisation
    if not selectors.tasks_visible_to(actor).filter(pk=task.pk).exists():
        raise Http404("Không tìm thấy")
    mine = [assignees[pk] for pk in selectors.updatable_organisation_ids(actor) if pk in assignees]
    if organisation is not None:
        mine = [org for org in mine if org.pk == organisation.pk]
    if not mine:
        raise PermissionDenied(gettext("Chỉ cơ quan, đơn vị được giao nhiệm vụ mới cập nhật được tiến độ"))
    lead = [org for org in mine if any(a.is_lead and a.organisation_id == org.pk for a in task.assignments.all())]
    return (lead or mine)[0]


@transaction.atomic
def task_report_progress(*, actor, task: Task, progress: str, state: str, expected_version: int,
                         files: Sequence = (), organisation: Organisation | None = None,
                         at: dt.datetime | None = None, source: str = "web") -> TaskUpdate:
    """An assignee reports progress (and evidence files) on a task.

    ``expected_version`` is the task's version when the form was opened: if someone updated the
    task since, nothing is written and the person is asked to reload (never a silent overwrite).
    Completion is stamped at the moment of the update; whether it was late is decided then,
    against the end of the deadline day in Vietnam.
    """
    acting = _acting_organisation(actor, task, organisation)
    locked = lock_version(Task.objects, task.pk, expected_version, message=STALE_TASK)
    progress = _multiline(progress)
    errors: dict[str, list[str]] = {}
    if not progress.strip():
        _add(errors, "progress", gettext("Chưa nhập kết quả, tiến độ thực hiện"))
    if state not in TaskState.values or state == TaskState.NOT_STARTED:
        _add(errors, "state", gettext("Hãy chọn “Đang thực hiện” hoặc “Đã hoàn thành”"))
    elif not Task.pipeline.can(locked, state):
        _add(errors, "state", gettext("Nhiệm vụ đã được báo cáo hoàn thành; không chuyển về “Đang thực hiện” được. "
                                      "Nếu cần, hãy đề nghị Thường trực Ban Chỉ đạo điều chỉnh."))
    _check_files(files, errors, "files")
    if errors:
        raise ValidationError(errors)
    at = at or timezone.now()
    stored = _store_files(files, EVIDENCE_FOLDER)
    try:
        before = snapshot(locked)
        was_done = locked.state == TaskState.DONE
        update = transition(locked, state, actor=actor, at=at, organisation=acting, progress=progress)
        for item in stored:
            evidence = TaskEvidence.objects.create(update=update, uploaded_by=update.author, **item.fields())
            audit_record(actor=actor, action=AuditAction.CREATE, instance=evidence, source=source,
                         note=f"Minh chứng cho nhiệm vụ #{locked.pk}")
        if state == TaskState.DONE and not was_done:
            locked.completed_at = at
            locked.finished_late = bool(locked.deadline and at >= deadline_end(locked.deadline))
        locked.version += 1
        locked.save()
        audit_record(actor=actor, action=AuditAction.CREATE, instance=update, source=source,
                     note=f"{acting.name} cập nhật nhiệm vụ #{locked.pk}")
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=locked, before=before, source=source)
    except BaseException:
        uploads.delete_stored([s.name for s in stored])
        raise
    task.refresh_from_db()
    return update


@transaction.atomic
def tasks_carry_over(*, actor, document: Document, tasks: Iterable[Task], deadline_kind: str | None = None,
                     deadline: dt.date | None = None,
                     deadlines: Mapping[int, tuple[str, dt.date | None]] | None = None,
                     source: str = "web") -> list[Task]:
    """Carry unfinished tasks of the document ``document`` follows into it.

    Each copy links to its original (``carried_from``), keeps its text, expected output,
    assignees and the report that fulfils it. The secretariat **renews the deadline** at
    carry-over: ``deadlines`` gives one per task (``{task id: (kind, date)}``), else
    ``deadline_kind``/``deadline`` one for all; a deadline that is still to come (not before
    the new document's date) may be kept, a passed one may not — no 2023 deadline reappears in
    a 2026 notice. Standing instructions ("thường xuyên") stay standing. Every problem is
    reported at once; nothing is written then. A task already carried is skipped; the original
    keeps its history.
    """
    _require_manage(actor, document.issuer.unit)
    tasks = list(tasks)
    deadlines = dict(deadlines or {})
    errors: dict[str, list[str]] = {}
    if document.follows_id is None:
        _add(errors, NON_FIELD_ERRORS, gettext("Văn bản này chưa ghi là tiếp theo văn bản nào; không có nhiệm vụ để chuyển"))
    if not tasks:
        _add(errors, "tasks", gettext("Chưa chọn nhiệm vụ nào để chuyển tiếp"))
    plan: dict[int, tuple[str, dt.date | None]] = {}
    for task in tasks:
        if task.document_id != document.follows_id:
            _add(errors, "tasks", gettext("Nhiệm vụ #%(pk)s không thuộc văn bản trước") % {"pk": task.pk})
            continue
        if task.state == TaskState.DONE:
            _add(errors, "tasks", gettext("Nhiệm vụ #%(pk)s đã hoàn thành, không cần chuyển tiếp") % {"pk": task.pk})
            continue
        kind, new = deadlines.get(task.pk, (deadline_kind, deadline) if deadline_kind else (None, None))
        if kind:
            new = normalise_deadline(kind, new)
            problem = _deadline_problem(kind, new, document)
            if problem:
                _add(errors, "deadline", gettext("Nhiệm vụ “%(task)s”: %(problem)s")
                     % {"task": str(task), "problem": problem})
            plan[task.pk] = (kind, new)
        elif task.deadline_kind == DeadlineKind.NONE or (task.deadline and task.deadline >= document.date):
            plan[task.pk] = (task.deadline_kind, task.deadline)
        else:
            _add(errors, "deadline", gettext(
                "Nhiệm vụ “%(task)s”: thời hạn cũ (%(old)s) đã qua trước ngày ban hành %(doc)s; "
                "hãy đặt thời hạn mới khi chuyển tiếp.") % {
                "task": str(task), "old": task.deadline_label, "doc": document.number})
    if errors:
        raise ValidationError(errors)
    done_already = set(Task.objects.filter(document=document, carried_from__in=tasks)
                       .values_list("carried_from_id", flat=True))
    position = document.tasks.order_by("-position").values_list("position", flat=True).first() or 0
    copies = []
    for task in sorted(tasks, key=lambda t: (t.position, t.pk)):
        if task.pk in done_already:
            continue
        position += 1
        kind, new = plan[task.pk]
        copy = Task.objects.create(
            document=document, position=position, text=task.text, expected_output=task.expected_output,
            deadline_kind=kind, deadline=new, period=task.period, carried_from=task,
            report_schedule_id=task.report_schedule_id,
        )
        TaskAssignment.objects.bulk_create([TaskAssignment(task=copy, organisation_id=a.organisation_id,
                                                           is_lead=a.is_lead) for a in task.assignments.all()])
        audit_record(actor=actor, action=AuditAction.CREATE, instance=copy, source=source,
                     note=f"Chuyển tiếp từ nhiệm vụ #{task.pk} của {task.document}; thời hạn "
                          f"{copy.deadline_label} (cũ: {task.deadline_label})")
        copies.append(copy)
    return copies


# --- tasks fulfilled by a report ------------------------------------------------------------
def _report_matches(task: Task, submission) -> bool:
    """Is ``submission`` the report that fulfils ``task``? Same schedule; for a recurring one the
    task's period (if it names one); sent by the task's lead organisation."""
    if task.report_schedule_id != submission.schedule_id:
        return False
    if task.period and not submission.schedule.is_one_off and task.period != submission.period_code:
        return False
    return any(a.is_lead and a.organisation_id == submission.organisation_id for a in task.assignments.all())


def _close_by_report(locked: Task, submission, *, actor, at: dt.datetime, source: str) -> TaskUpdate:
    before = snapshot(locked)
    sent = submission.submitted_at or at
    progress = gettext("Đã gửi “%(report)s” lúc %(sent)s; Thường trực tiếp nhận lúc %(accepted)s.") % {
        "report": submission.schedule.name,
        "sent": sent.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y"),
        "accepted": (submission.accepted_at or at).astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")}
    update = transition(locked, TaskState.DONE, actor=actor, at=at, organisation=submission.organisation,
                        progress=progress, submission=submission)
    # On time or late by when the report was sent, not by when the secretariat got to it.
    locked.completed_at = sent
    locked.finished_late = bool(locked.deadline and sent >= deadline_end(locked.deadline))
    locked.version += 1
    locked.save()
    audit_record(actor=actor, action=AuditAction.CREATE, instance=update, source=source,
                 note=f"Nhiệm vụ #{locked.pk} hoàn thành bằng báo cáo #{submission.pk}")
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=locked, before=before, source=source,
                 note=f"Hoàn thành bằng báo cáo #{submission.pk} đã được tiếp nhận")
    return update


@transaction.atomic
def tasks_close_by_report(*, submission, actor, at: dt.datetime | None = None, source: str = "web") -> list[Task]:
    """The report ``submission`` was accepted: every open task it fulfils (in every notice that
    carried it) is done — on time if the report was sent by the end of the task's deadline day.
    Called by the reporting room's ``report_accepted`` signal, in the same transaction."""
    at = at or timezone.now()
    candidates = (Task.objects.filter(report_schedule_id=submission.schedule_id,
                                      assignments__organisation_id=submission.organisation_id,
                                      assignments__is_lead=True)
                  .exclude(state=TaskState.DONE).prefetch_related("assignments").order_by("pk"))
    closed = []
    for task in candidates:
        if not _report_matches(task, submission):
            continue
        locked = Task.objects.select_for_update(of=("self",)).get(pk=task.pk)
        if locked.state == TaskState.DONE:
            continue
        locked._prefetched_objects_cache = getattr(task, "_prefetched_objects_cache", {})
        _close_by_report(locked, submission, actor=actor, at=at, source=source)
        closed.append(locked)
    return closed


def _accepted_report_for(task: Task):
    from vuonlen.reporting.models import Submission, SubmissionStatus

    lead = next((a.organisation_id for a in task.assignments.all() if a.is_lead), None)
    qs = Submission.objects.filter(schedule_id=task.report_schedule_id, organisation_id=lead,
                                   status=SubmissionStatus.ACCEPTED).select_related("schedule", "organisation")
    return next((s for s in qs.order_by("accepted_at", "pk") if _report_matches(task, s)), None)


@transaction.atomic
def task_link_report(*, actor, task: Task, schedule, expected_version: int, source: str = "web") -> Task:
    """Name the report that fulfils ``task`` (or none). If the lead organisation's report was
    already accepted, the task is closed at once, on time or late by when that report was sent."""
    _require_manage(actor, task.document.issuer.unit)
    locked = lock_version(Task.objects, task.pk, expected_version, message=STALE_TASK)
    if schedule is not None and not schedule.issuer.unit.path.startswith(task.document.issuer.unit.path):
        raise ValidationError({"report_schedule": [
            gettext("“%(name)s” không do %(issuer)s hoặc cơ quan trong địa bàn yêu cầu.")
            % {"name": schedule.name, "issuer": task.document.issuer.name}]})
    before = snapshot(locked)
    locked.report_schedule = schedule
    locked.version += 1
    locked.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=locked, before=before, source=source,
                 note=f"Báo cáo hoàn thành nhiệm vụ: {schedule.name if schedule else '—'}")
    if schedule is not None and locked.state != TaskState.DONE:
        submission = _accepted_report_for(locked)
        if submission is not None:
            _close_by_report(locked, submission, actor=actor, at=submission.accepted_at or timezone.now(),
                             source=source)
    return locked


@transaction.atomic
def notice_draft_export(*, actor, document: Document, draft=None, kind: str = "docx",
                        source: str = "web") -> tuple[bytes, str]:
    """The draft conclusion notice of ``document`` as .docx (or ``kind="pdf"``) bytes and its file
    name, from ``draft`` (as edited in the preview) or the data; the export is logged. A PDF
    without a converter on the server raises ``core.pdf.PdfUnavailable``."""
    from . import notice

    _require_manage(actor, document.issuer.unit)
    if kind == "pdf":
        draft = draft or notice.notice_draft(actor, document)
        content, filename = notice.notice_pdf(document, draft), notice.pdf_filename(document)
    else:
        content, filename = notice.build_notice(actor, document, draft).to_bytes(), notice.notice_filename(document)
    audit_record(actor=actor, action=AuditAction.EXPORT, instance=document, source=source,
                 note=f"Tải dự thảo thông báo kết luận (.{kind})" + (" đã chỉnh sửa" if draft is not None else ""))
    return content, filename
