"""Every write of the reporting room: validate, check who acts, write, record the move, audit —
in one transaction. E-mails leave only after the transaction commits.

The status pipeline (``Submission.pipeline``, a ``core.pipeline.Pipeline``): draft → submitted
→ accepted, or submitted → returned (with a reason) → submitted again, or submitted → draft
when the unit recalls it before acceptance; accepted is locked. Every move goes through
``core.pipeline.transition`` and is a ``SubmissionEvent`` row; a move the pipeline does not
allow raises ``ValidationError`` with a Vietnamese message. Accepting a report sends
``signals.report_accepted`` in the same transaction (directives close the tasks it fulfils). Reports carry a ``version``: a save or a move made on a page loaded before
someone else's change is refused (``StaleReport``), never applied over it.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.models import Organisation, RoleAssignment
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core import uploads
from vuonlen.core.audit import audit_record, snapshot
from vuonlen.core.formats import format_date, format_number, parse_number
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import VN_TZ, Period, deadline_end, today_vn
from vuonlen.core.pipeline import transition
from vuonlen.core.text import nfc

from . import defaults, figures, selectors, signals
from .models import (
    Obligation,
    ReminderKind,
    ReminderSent,
    ReportSchedule,
    ScheduleKind,
    SectionKind,
    Submission,
    SubmissionAttachment,
    SubmissionEvent,
    SubmissionStatus,
)

log = logging.getLogger(__name__)

UPLOAD_FOLDER = "bao-cao"
NARRATIVE_MAX = 20_000
NOTE_MAX = 500
DEFAULT_REMINDER_DAYS = 3


def figure_field(code: str) -> str:
    return f"fig_{code}"


def note_field(code: str) -> str:
    return f"note_{code}"


def narrative_field(code: str) -> str:
    return f"nar_{code}"


class StaleReport(ValidationError):
    """Someone else changed the report after the page was loaded; nothing was written."""


# --- helpers ------------------------------------------------------------------------------

def _status_label(status: str) -> str:
    return str(SubmissionStatus(status).label) if status else "—"


def _when(moment: dt.datetime | None) -> str:
    return moment.astimezone(VN_TZ).strftime(gettext("%H:%M ngày %d/%m/%Y")) if moment else ""


def _who(user) -> str:
    if user is None or user is SYSTEM:
        return gettext("hệ thống")
    return getattr(user, "full_name", "") or getattr(user, "username", "") or gettext("hệ thống")


def _text(value) -> str:
    """NFC and trimmed, keeping line breaks (a narrative is paragraphs, not one line)."""
    text = unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def _lower_first(text: str) -> str:
    """"Báo cáo quý Cuộc vận động" → "báo cáo quý Cuộc vận động" (names inside keep their capitals)."""
    return text[:1].lower() + text[1:]


def _lock(submission: Submission) -> Submission:
    return (Submission.objects.select_for_update(of=("self",))
            .select_related("organisation__unit", "schedule__issuer__unit", "schedule__form", "updated_by")
            .get(pk=submission.pk))


def _check_version(current: Submission, expected_version: int | None) -> None:
    if expected_version is None or int(expected_version) == current.version:
        return
    last = current.events.select_related("actor").order_by("-at", "-pk").first()
    if last is not None and last.at >= current.updated_at - dt.timedelta(seconds=1) and last.from_status:
        what = gettext("%(action)s bởi %(who)s") % {
            "action": last.label.lower(),
            "who": _who(last.actor) if last.actor else last.actor_name or gettext("hệ thống")}
        moment = last.at
    else:
        what = gettext("lưu bởi %(who)s") % {"who": _who(current.updated_by)}
        moment = current.updated_at
    raise StaleReport(
        {NON_FIELD_ERRORS: [ValidationError(
            gettext("Báo cáo vừa được %(what)s lúc %(when)s, sau khi bạn mở trang này "
                    "(trạng thái hiện nay: %(status)s). Những gì bạn vừa nhập CHƯA được lưu "
                    "nhưng vẫn còn nguyên bên dưới: hãy xem bản mới nhất rồi quyết định lưu lại.") % {
                "what": what, "when": _when(moment), "status": _status_label(current.status)}, code="stale")]},
        code="stale",
    )


def _locked_message(current: Submission) -> str:
    if current.status == SubmissionStatus.ACCEPTED:
        return gettext("Báo cáo đã được tiếp nhận %(when)s nên đã khoá: "
                       "không sửa, không chuyển trạng thái được nữa.") % {"when": _when(current.accepted_at)}
    return gettext("Báo cáo đã gửi, đang chờ Thường trực xem xét nên không sửa được. "
                   "Nếu cần sửa, hãy thu hồi báo cáo (được khi Thường trực chưa tiếp nhận).")


def _refuse_move(current: Submission, to: str) -> ValidationError:
    if current.status == SubmissionStatus.ACCEPTED:
        return ValidationError(_locked_message(current), code="locked")
    hints = {
        (SubmissionStatus.DRAFT, SubmissionStatus.ACCEPTED): gettext("chỉ báo cáo đã gửi mới được tiếp nhận"),
        (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED): gettext("báo cáo chưa gửi thì không có gì để trả lại"),
        (SubmissionStatus.RETURNED, SubmissionStatus.ACCEPTED): gettext("báo cáo bị trả lại phải được đơn vị gửi lại trước"),
        (SubmissionStatus.RETURNED, SubmissionStatus.RETURNED): gettext("báo cáo đã bị trả lại, đang chờ đơn vị sửa"),
        (SubmissionStatus.SUBMITTED, SubmissionStatus.SUBMITTED): gettext("báo cáo đã gửi rồi, đang chờ xem xét"),
    }
    hint = hints.get((current.status, to), gettext("bước này không có trong quy trình báo cáo"))
    return ValidationError(
        gettext("Không thể chuyển báo cáo từ “%(old)s” sang “%(new)s”: %(hint)s.") % {
            "old": _status_label(current.status), "new": _status_label(to), "hint": hint},
        code="bad_move")


def _move(current: Submission, to: str, *, actor, comment: str = "", at: dt.datetime) -> SubmissionEvent:
    """Apply one pipeline move to ``current`` (not saved) and write its event row."""
    recall = current.status == SubmissionStatus.SUBMITTED and to == SubmissionStatus.DRAFT
    event = transition(current, to, actor=actor, at=at, comment=comment)
    if recall:
        # Recalled before anyone looked at it: the sending that was withdrawn does not count
        # against the deadline, unless an earlier one (before a return) already did.
        earlier = current.events.filter(to_status=SubmissionStatus.RETURNED).exists()
        if not earlier:
            current.submitted_at = None
        current.last_submitted_at = current.submitted_at
    elif to == SubmissionStatus.SUBMITTED:
        current.submitted_at = current.submitted_at or at
        current.last_submitted_at = at
    elif to == SubmissionStatus.ACCEPTED:
        current.accepted_at = at
    return event


def _check_submitter(actor, organisation: Organisation) -> None:
    if actor is SYSTEM:  # commands and the demo act as the system
        return
    if selectors.can_submit_for(actor, organisation):
        return
    if selectors._org_visible(actor, organisation):
        raise PermissionDenied(gettext("Chỉ người của %(org)s mới lập, sửa và gửi được báo cáo của đơn vị này.")
                               % {"org": organisation.name})
    raise Http404("Không tìm thấy báo cáo")


def _check_reviewer(actor, submission: Submission) -> None:
    if actor is SYSTEM or selectors.can_review(actor, submission):
        return
    if selectors._org_visible(actor, submission.organisation):
        raise PermissionDenied(gettext("Bạn không có quyền tiếp nhận hoặc trả lại báo cáo này."))
    raise Http404("Không tìm thấy báo cáo")


def _save(current: Submission, *, actor, before: dict, source: str, note: str = "") -> Submission:
    current.version += 1
    current.updated_by = actor if getattr(actor, "pk", None) else None
    current.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=current, before=before, source=source, note=note)
    return current


# --- starting a report --------------------------------------------------------------------

@transaction.atomic
def submission_start(*, actor, organisation: Organisation, schedule: ReportSchedule, period: Period,
                     now: dt.datetime | None = None, source: str = "web") -> Submission:
    """The organisation's report for the period: the existing one, or a new draft whose figures
    are pre-filled from the system's data for the organisation's area."""
    _check_submitter(actor, organisation)
    due = schedule.due_date_for(period)
    if due is None:
        raise ValidationError(gettext("“%(schedule)s” không yêu cầu báo cáo cho %(period)s.")
                              % {"schedule": schedule.name, "period": period.label()})
    if not selectors.obligated_organisations(schedule, period).filter(pk=organisation.pk).exists():
        raise ValidationError(gettext("%(org)s không thuộc diện phải gửi “%(schedule)s”.")
                              % {"org": organisation.name, "schedule": schedule.name})
    code = period.code()
    existing = Submission.objects.filter(organisation=organisation, schedule=schedule, period_code=code).first()
    if existing is not None:
        return existing
    codes = [c for s in schedule.form.sections.filter(kind=SectionKind.FIGURES) for c in s.figure_codes]
    submission = Submission(organisation=organisation, schedule=schedule, period_code=code,
                            values=figures.prefill_all(codes, organisation, period),
                            created_by=actor if getattr(actor, "pk", None) else None,
                            updated_by=actor if getattr(actor, "pk", None) else None)
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError:  # two people opened it at the same moment: one draft, shared
        return Submission.objects.get(organisation=organisation, schedule=schedule, period_code=code)
    SubmissionEvent.objects.create(submission=submission, at=now or timezone.now(),
                                   actor=submission.created_by, actor_name=getattr(actor, "username", "") or "hệ thống",
                                   from_status="", to_status=SubmissionStatus.DRAFT)
    audit_record(actor=actor, action=AuditAction.CREATE, instance=submission, source=source)
    return submission


# --- editing and sending ------------------------------------------------------------------

def _number(value: Decimal) -> int | str:
    return int(value) if value == value.to_integral_value() else str(value.normalize())


def _parse_figures(current: Submission, inputs: dict[str, tuple[str, str]], errors: dict) -> dict:
    values = {}
    codes = [c for s in current.schedule.form.sections.all() if s.kind == SectionKind.FIGURES for c in s.figure_codes]
    for code in codes:
        stored = dict(current.values.get(code) or {"prefilled": None, "value": None, "note": "", "source": ""})
        raw, note = inputs.get(code, ("", ""))
        raw, note = nfc(raw), _text(note)[:NOTE_MAX]
        label = figures.get(code).label
        value = None
        if raw:
            try:
                number = parse_number(raw)
            except ValueError as exc:
                errors.setdefault(figure_field(code), []).append(f"{label}: {exc}")
                number = None
            if number is not None:
                if number < 0:
                    errors.setdefault(figure_field(code), []).append(
                        gettext("%(label)s: không được là số âm") % {"label": label})
                else:
                    value = _number(number)
        prefilled = stored.get("prefilled")
        if value is not None and prefilled is not None and Decimal(str(value)) != Decimal(str(prefilled)) and not note:
            errors.setdefault(note_field(code), []).append(
                gettext("%(label)s: số liệu khác với số hệ thống điền sẵn (%(prefilled)s), "
                        "hãy ghi rõ lý do sửa vào ô ghi chú.") % {"label": label, "prefilled": format_number(prefilled)})
        stored.update(value=value, note=note)
        values[code] = stored
    return values


def _parse_narrative(current: Submission, inputs: dict[str, str], errors: dict) -> dict:
    narrative = {}
    for section in current.schedule.form.sections.all():
        if section.kind != SectionKind.NARRATIVE:
            continue
        text = _text(inputs.get(section.code, ""))
        if len(text) > NARRATIVE_MAX:
            errors.setdefault(narrative_field(section.code), []).append(
                gettext("%(section)s: dài quá %(max)s ký tự") % {"section": section.title,
                                                               "max": format_number(NARRATIVE_MAX)})
        narrative[section.code] = text
    return narrative


def _completeness_errors(current: Submission) -> dict[str, list[str]]:
    """What must be filled before a report may be sent."""
    errors: dict[str, list[str]] = {}
    for section in current.schedule.form.sections.all():
        if section.kind == SectionKind.NARRATIVE:
            if section.required and not current.narrative.get(section.code):
                errors.setdefault(narrative_field(section.code), []).append(
                    gettext("Phần “%(section)s” không được để trống khi gửi báo cáo.") % {"section": section.title})
            continue
        for code in section.figure_codes:
            stored = current.values.get(code) or {}
            if stored.get("value") is None:
                errors.setdefault(figure_field(code), []).append(
                    gettext("%(label)s: chưa nhập số liệu (ghi 0 nếu không có).") % {"label": figures.get(code).label})
            elif (stored.get("prefilled") is not None and not stored.get("note")
                  and Decimal(str(stored["value"])) != Decimal(str(stored["prefilled"]))):
                errors.setdefault(note_field(code), []).append(
                    gettext("%(label)s: đã sửa số liệu điền sẵn nhưng chưa ghi lý do.")
                    % {"label": figures.get(code).label})
    return errors


@transaction.atomic
def submission_save(*, actor, submission: Submission, expected_version: int | None,
                    figures_input: dict[str, tuple[str, str]] | None = None,
                    narrative_input: dict[str, str] | None = None, doc_number: str = "", signer_title: str = "",
                    signer_name: str = "", files=(), submit: bool = False, check_complete: bool = False,
                    now: dt.datetime | None = None, source: str = "web") -> Submission:
    """Save the unit's edits (a draft, or a returned report being corrected), optionally sending
    it in the same step. ``check_complete`` (the page's "Gửi báo cáo" before the confirmation)
    saves only if the report could be sent. Every problem is reported at once and nothing is
    written."""
    _check_submitter(actor, submission.organisation)
    current = _lock(submission)
    _check_version(current, expected_version)
    if not current.is_editable:
        raise ValidationError(_locked_message(current), code="locked")
    errors: dict[str, list[str]] = {}
    values = _parse_figures(current, figures_input or {}, errors)
    narrative = _parse_narrative(current, narrative_input or {}, errors)
    files = list(files or [])
    if files and not current.schedule.form.allow_attachments:
        errors.setdefault("attachments", []).append(gettext("Biểu mẫu này không nhận tệp đính kèm."))
    for upload in files:
        try:
            uploads.check_upload(upload)
        except uploads.UploadRejected as exc:
            errors.setdefault("attachments", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    before = snapshot(current)
    current.values, current.narrative = values, narrative
    current.doc_number, current.signer_title, current.signer_name = (nfc(doc_number)[:60], nfc(signer_title)[:150],
                                                                     nfc(signer_name)[:150])
    if submit or check_complete:
        problems = _completeness_errors(current)
        if problems:
            raise ValidationError(problems)
    if submit:
        _move(current, SubmissionStatus.SUBMITTED, actor=actor, at=now or timezone.now())
    stored = uploads.store_uploads(files, folder=UPLOAD_FOLDER) if files else []
    try:
        for item in stored:
            attachment = SubmissionAttachment.objects.create(
                submission=current, uploaded_by=actor if getattr(actor, "pk", None) else None, **item.fields())
            audit_record(actor=actor, action=AuditAction.CREATE, instance=attachment, source=source,
                         note=f"Đính kèm vào báo cáo #{current.pk}")
        _save(current, actor=actor, before=before, source=source,
              note="Gửi báo cáo" if submit else "Lưu nháp")
    except BaseException:
        uploads.delete_stored([s.name for s in stored])
        raise
    return current


@transaction.atomic
def submission_submit(*, actor, submission: Submission, expected_version: int | None,
                      now: dt.datetime | None = None, source: str = "web") -> Submission:
    """Send the report as it is stored (draft → submitted, or returned → submitted again)."""
    _check_submitter(actor, submission.organisation)
    current = _lock(submission)
    _check_version(current, expected_version)
    Submission.pipeline.check(current, SubmissionStatus.SUBMITTED)
    problems = _completeness_errors(current)
    if problems:
        raise ValidationError(problems)
    before = snapshot(current)
    _move(current, SubmissionStatus.SUBMITTED, actor=actor, at=now or timezone.now())
    return _save(current, actor=actor, before=before, source=source, note="Gửi báo cáo")


@transaction.atomic
def submission_accept(*, actor, submission: Submission, expected_version: int | None, comment: str = "",
                      now: dt.datetime | None = None, source: str = "web") -> Submission:
    _check_reviewer(actor, submission)
    current = _lock(submission)
    _check_version(current, expected_version)
    before = snapshot(current)
    at = now or timezone.now()
    _move(current, SubmissionStatus.ACCEPTED, actor=actor, comment=_text(comment), at=at)
    _save(current, actor=actor, before=before, source=source, note="Tiếp nhận báo cáo")
    signals.report_accepted.send(sender=Submission, submission=current, actor=actor, at=at)
    return current


def submission_problems(submission: Submission) -> dict[str, list[str]]:
    """What must still be filled before the report may be sent (empty: ready to send)."""
    return _completeness_errors(submission)


@transaction.atomic
def submission_recall(*, actor, submission: Submission, expected_version: int | None,
                      now: dt.datetime | None = None, source: str = "web") -> Submission:
    """The unit takes back a report it sent, before the secretariat accepts or returns it: the
    report is a draft again and may be corrected and sent anew."""
    _check_submitter(actor, submission.organisation)
    current = _lock(submission)
    _check_version(current, expected_version)
    if current.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(_recall_refused(current), code="bad_move")
    before = snapshot(current)
    _move(current, SubmissionStatus.DRAFT, actor=actor, at=now or timezone.now())
    return _save(current, actor=actor, before=before, source=source, note="Thu hồi báo cáo")


def _recall_refused(current: Submission) -> str:
    if current.status == SubmissionStatus.ACCEPTED:
        return gettext("Báo cáo đã được tiếp nhận nên không thu hồi được nữa.")
    if current.status == SubmissionStatus.RETURNED:
        return gettext("Báo cáo đã bị trả lại: đơn vị sửa và gửi lại, không cần thu hồi.")
    return gettext("Báo cáo chưa gửi nên không có gì để thu hồi.")


@dataclass
class BulkResult:
    done: list[Submission] = field(default_factory=list)


@transaction.atomic
def submissions_bulk_review(*, actor, items: list[tuple[int, int]], action: str, comment: str = "",
                            now: dt.datetime | None = None, source: str = "web") -> BulkResult:
    """Accept (``action="accept"``) or return (``"return"``, with one reason for all) several
    reports at once, from the board. ``items`` are (report id, version the page showed). All or
    nothing: a report someone changed since the page was loaded, one out of the person's
    reach, or one that cannot make the move stops the whole batch, and every such problem is
    reported at once."""
    if action not in ("accept", "return"):
        raise ValidationError(gettext("Thao tác không hợp lệ."))
    if not items:
        raise ValidationError(gettext("Chưa chọn báo cáo nào."))
    comment = _text(comment)
    if action == "return" and not comment:
        raise ValidationError({"comment": [gettext("Trả lại báo cáo phải ghi rõ lý do, để đơn vị biết cần sửa gì.")]},
                              code="comment_required")
    at = now or timezone.now()
    visible = selectors.submissions_visible_to(actor) if actor is not SYSTEM else Submission.objects.all()
    wanted = dict(items)
    found = {s.pk: s for s in visible.filter(pk__in=list(wanted))}
    problems: list[str] = []
    if len(found) != len(wanted):
        problems.append(gettext("%(n)d báo cáo không tìm thấy (có thể đã bị xoá hoặc ngoài phạm vi của bạn).")
                        % {"n": len(wanted) - len(found)})
    locked = {s.pk: s for s in Submission.objects.select_for_update(of=("self",))
              .select_related("organisation__unit", "schedule__issuer__unit", "schedule__form", "updated_by")
              .filter(pk__in=list(found)).order_by("pk")}
    to = SubmissionStatus.ACCEPTED if action == "accept" else SubmissionStatus.RETURNED
    for pk in sorted(locked, key=lambda k: locked[k].organisation.name_sort):
        current = locked[pk]
        name = current.organisation.name
        if actor is not SYSTEM and not selectors.can_review(actor, current):
            problems.append(gettext("%(org)s: bạn không có quyền tiếp nhận hoặc trả lại báo cáo này.") % {"org": name})
        elif current.version != int(wanted[pk]):
            problems.append(gettext("%(org)s: báo cáo vừa được thay đổi (hiện là “%(status)s”) sau khi bạn mở "
                                    "trang; hãy tải lại trang rồi chọn lại.")
                            % {"org": name, "status": _status_label(current.status)})
        elif not Submission.pipeline.can(current, to):
            problems.append(f"{name}: " + " ".join(_refuse_move(current, to).messages))
    if problems:
        raise ValidationError(problems, code="bulk_refused")
    result = BulkResult()
    for pk in sorted(locked):
        current = locked[pk]
        before = snapshot(current)
        _move(current, to, actor=actor, comment=comment, at=at)
        _save(current, actor=actor, before=before, source=source,
              note=("Tiếp nhận báo cáo (xử lý nhiều báo cáo)" if action == "accept"
                    else f"Trả lại (xử lý nhiều báo cáo): {comment}"[:500]))
        if action == "accept":
            signals.report_accepted.send(sender=Submission, submission=current, actor=actor, at=at)
        result.done.append(current)
    return result


@transaction.atomic
def submission_return(*, actor, submission: Submission, expected_version: int | None, comment: str,
                      now: dt.datetime | None = None, source: str = "web") -> Submission:
    _check_reviewer(actor, submission)
    current = _lock(submission)
    _check_version(current, expected_version)
    comment = _text(comment)
    Submission.pipeline.check(current, SubmissionStatus.RETURNED)
    if not comment:
        raise ValidationError({"comment": [gettext("Trả lại báo cáo phải ghi rõ lý do, để đơn vị biết cần sửa gì.")]},
                              code="comment_required")
    before = snapshot(current)
    _move(current, SubmissionStatus.RETURNED, actor=actor, comment=comment, at=now or timezone.now())
    return _save(current, actor=actor, before=before, source=source, note=f"Trả lại: {comment}"[:500])


@transaction.atomic
def attachment_delete(*, actor, attachment: SubmissionAttachment, expected_version: int | None,
                      source: str = "web") -> Submission:
    submission = attachment.submission
    _check_submitter(actor, submission.organisation)
    current = _lock(submission)
    _check_version(current, expected_version)
    if not current.is_editable:
        raise ValidationError(_locked_message(current), code="locked")
    name = attachment.stored_name
    audit_record(actor=actor, action=AuditAction.DELETE, instance=attachment, source=source,
                 note=f"Xoá tệp khỏi báo cáo #{current.pk}")
    attachment.delete()
    transaction.on_commit(lambda: uploads.delete_stored(name))
    return _save(current, actor=actor, before=snapshot(current), source=source,
                 note=f"Xoá tệp đính kèm “{attachment.original_name}”")


# --- explanation requests ------------------------------------------------------------------

@dataclass
class ExplanationResult:
    request: ReportSchedule
    created: bool
    added: list[Organisation] = field(default_factory=list)
    already: int = 0


def _check_can_issue(actor, schedule: ReportSchedule) -> None:
    if actor is SYSTEM:
        return
    if scoping.can(actor, roles.REPORT_REVIEW, schedule.issuer.unit):
        return
    if scoping.can(actor, roles.REPORT_VIEW, schedule.issuer.unit):
        raise PermissionDenied(gettext("Bạn không có quyền yêu cầu giải trình cho báo cáo này."))
    raise Http404("Không tìm thấy báo cáo định kỳ")


@transaction.atomic
def explanation_request_create(*, actor, schedule: ReportSchedule, period: Period, due_date: dt.date,
                               today: dt.date | None = None, now: dt.datetime | None = None,
                               source: str = "web") -> ExplanationResult:
    """One step: ask every organisation that reported late or not at all for ``period`` to send
    an explanation report (báo cáo giải trình) by ``due_date``. Asking again adds only the
    organisations not yet asked; the first request's deadline stands."""
    _check_can_issue(actor, schedule)
    today = today or today_vn()
    now = now or timezone.now()
    if schedule.is_one_off:
        raise ValidationError(gettext("Chỉ yêu cầu giải trình cho báo cáo định kỳ."))
    due = schedule.due_date_for(period)
    if due is None:
        raise ValidationError(gettext("“%(schedule)s” không yêu cầu báo cáo cho %(period)s.")
                              % {"schedule": schedule.name, "period": period.label()})
    if now < deadline_end(due):
        raise ValidationError(gettext("Chưa hết hạn %(schedule)s %(period)s (hạn %(due)s), "
                                      "nên chưa thể yêu cầu giải trình.")
                              % {"schedule": schedule.name, "period": period.label(), "due": format_date(due)})
    if due_date < today:
        raise ValidationError({"due_date": [gettext("Hạn gửi giải trình phải từ hôm nay (%(today)s) trở đi.")
                                             % {"today": format_date(today)}]})
    rows = selectors.compliance(user=actor, period=period, schedule=schedule, now=now)
    wanted = [r.organisation for r in rows if r.status in (selectors.LATE, selectors.MISSING)]
    if actor is not SYSTEM:
        review = scoping.scope_for(actor, roles.REPORT_REVIEW)
        wanted = [o for o in wanted if review.covers_path(o.unit.path)]
    if not wanted:
        raise ValidationError(gettext("Không có đơn vị nào trễ hạn hoặc chưa gửi %(schedule)s %(period)s.")
                              % {"schedule": schedule.name, "period": period.label()})
    request = schedule.explanation_requests.filter(period_code=period.code()).order_by("pk").first()
    created = request is None
    if created:
        request = ReportSchedule.objects.create(
            name=f"Báo cáo giải trình việc chậm, không gửi {_lower_first(schedule.name)} {_lower_first(period.label())}",
            kind=ScheduleKind.ONE_OFF, form=defaults.explanation_form(), issuer=schedule.issuer,
            due_date=due_date, period_code=period.code(), explains=schedule,
            description=f"Yêu cầu các đơn vị trễ hạn hoặc chưa gửi {schedule.name} {period.label()} "
                        f"(hạn {format_date(due)}) giải trình.",
        )
        audit_record(actor=actor, action=AuditAction.CREATE, instance=request, source=source)
    asked = set(request.obligations.filter(organisation__isnull=False).values_list("organisation_id", flat=True))
    added = [o for o in wanted if o.pk not in asked]
    Obligation.objects.bulk_create([
        Obligation(schedule=request, organisation=o,
                   note="Chưa gửi báo cáo" if next(r for r in rows if r.organisation.pk == o.pk).status == selectors.MISSING
                   else "Gửi báo cáo trễ hạn")
        for o in added
    ])
    if added:
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=request, source=source,
                     note=f"Yêu cầu {len(added)} đơn vị giải trình: " + "; ".join(o.name for o in added)[:400])
        _mail_explanation_request(request, added)
    return ExplanationResult(request=request, created=created, added=added, already=len(wanted) - len(added))


# --- e-mail ---------------------------------------------------------------------------------

def _site_url(path: str) -> str:
    return f"{getattr(settings, 'VUONLEN_SITE_URL', '').rstrip('/')}{path}"


def organisation_addresses(organisation_ids) -> dict[int, list[str]]:
    """E-mail addresses per organisation: its own, and those of the people who act for it."""
    ids = set(organisation_ids)
    found: dict[int, set[str]] = {pk: set() for pk in ids}
    orgs = list(Organisation.objects.filter(pk__in=ids).values_list("pk", "email", "unit_id"))
    by_unit: dict[int, list[int]] = {}
    for pk, email, unit_id in orgs:
        if email:
            found[pk].add(email.lower())
        by_unit.setdefault(unit_id, []).append(pk)
    submit_roles = [role for role, perms in roles.ROLE_PERMISSIONS.items() if roles.REPORT_SUBMIT in perms]
    today = today_vn()
    assignments = (RoleAssignment.objects.filter(role__in=submit_roles, is_active=True, user__is_active=True)
                   .filter(Q(organisation__in=ids) | Q(organisation__isnull=True, unit__in=list(by_unit)))
                   .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
                   .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
                   .exclude(user__email="").values_list("organisation_id", "unit_id", "user__email"))
    for org_id, unit_id, email in assignments:
        targets = [org_id] if org_id else by_unit.get(unit_id, [])
        for target in targets:
            found[target].add(email.lower())
    return {pk: sorted(addresses) for pk, addresses in found.items()}


def _send_after_commit(messages: list[tuple[str, str, list[str]]]) -> None:
    def send():
        for subject, body, recipients in messages:
            try:
                send_mail(subject, body, None, recipients)
            except Exception:  # one bad address must not stop the others; the log keeps no address
                log.exception("reporting mail failed (%d recipients)", len(recipients))

    if messages:
        transaction.on_commit(send)


def _mail_explanation_request(request: ReportSchedule, organisations: list[Organisation]) -> None:
    addresses = organisation_addresses(o.pk for o in organisations)
    link = _site_url(reverse("reporting:my_reports"))
    messages = []
    for org in organisations:
        if not addresses.get(org.pk):
            continue
        with translation.override(settings.LANGUAGE_CODE):  # for the unit, not in the sender's interface language
            subject, body = _explanation_mail(request, org, link)
        messages.append((subject, body, addresses[org.pk]))
    _send_after_commit(messages)


def _explanation_mail(request: ReportSchedule, org: Organisation, link: str) -> tuple[str, str]:
    subject = gettext("[Vươn Lên] Yêu cầu báo cáo giải trình — hạn %(due)s") % {"due": format_date(request.due_date)}
    body = gettext("Kính gửi %(org)s,\n\n%(issuer)s đề nghị đơn vị gửi “%(report)s” trước hết ngày %(due)s.\n\n"
                   "Lập và gửi báo cáo tại: %(link)s\n\nThư này do hệ thống Vươn Lên gửi tự động.") % {
        "org": org.name, "issuer": request.issuer.name, "report": request.name,
        "due": format_date(request.due_date), "link": link}
    return subject, body


# --- reminders ------------------------------------------------------------------------------

def reminder_days_before() -> int:
    return int(getattr(settings, "VUONLEN_REPORT_REMINDER_DAYS", DEFAULT_REMINDER_DAYS))


def _reminder_mail(kind: str, schedule: ReportSchedule, period: Period, due: dt.date, org: Organisation,
                   today: dt.date) -> tuple[str, str]:
    link = _site_url(reverse("reporting:my_reports"))
    what = f"{schedule.name} {period.label()}" if not schedule.is_one_off else schedule.name
    if kind == ReminderKind.DUE_DAY:
        subject = gettext("[Vươn Lên] Hôm nay hết hạn: %(what)s") % {"what": what}
        when = gettext("Hôm nay (%(due)s) là ngày cuối cùng") % {"due": format_date(due)}
    else:
        subject = gettext("[Vươn Lên] Nhắc hạn: %(what)s — hạn %(due)s") % {"what": what, "due": format_date(due)}
        when = gettext("Còn %(days)s ngày, hạn chót là hết ngày %(due)s") % {"days": (due - today).days,
                                                                          "due": format_date(due)}
    body = gettext("Kính gửi %(org)s,\n\nĐơn vị chưa gửi “%(what)s” cho %(issuer)s. %(when)s "
                   "(tính theo giờ Việt Nam).\n\n"
                   "Lập và gửi báo cáo tại: %(link)s\n\nThư này do hệ thống Vươn Lên gửi tự động; "
                   "nếu đơn vị đã gửi báo cáo, xin bỏ qua thư này.") % {
        "org": org.name, "what": what, "issuer": schedule.issuer.name, "when": when, "link": link}
    return subject, body


@transaction.atomic
def reminders_send(*, today: dt.date | None = None, days_before: int | None = None) -> list[ReminderSent]:
    """E-mail the organisations that have not sent a report due within ``days_before`` days
    (one "before" reminder) or due today (one "on the day" reminder). Each reminder is recorded
    before it is sent, under a unique key, so re-runs and parallel runs never send it twice;
    the mails leave after the records are committed."""
    today = today or today_vn()
    days_before = reminder_days_before() if days_before is None else days_before
    horizon = today + dt.timedelta(days=days_before)
    sent: list[ReminderSent] = []
    messages = []
    schedules = ReportSchedule.objects.filter(is_active=True).select_related("issuer__unit").prefetch_related("obligations")
    for schedule in schedules:
        for period in schedule.periods_between(today.year - 1, horizon.year):
            due = schedule.due_date_for(period)
            if due is None or not today <= due <= horizon:
                continue
            kind = ReminderKind.DUE_DAY if due == today else ReminderKind.BEFORE
            orgs = list(selectors.obligated_organisations(schedule, period))
            done = set(Submission.objects.filter(schedule=schedule, period_code=period.code(),
                                                 submitted_at__isnull=False).values_list("organisation_id", flat=True))
            pending = [o for o in orgs if o.pk not in done]
            addresses = organisation_addresses(o.pk for o in pending)
            for org in pending:
                if not addresses.get(org.pk):
                    continue
                try:
                    with transaction.atomic():
                        record = ReminderSent.objects.create(
                            schedule=schedule, organisation=org, period_code=period.code(), kind=kind, due_date=due,
                            sent_on=today, recipients=addresses[org.pk])
                except IntegrityError:
                    continue  # already sent
                with translation.override(settings.LANGUAGE_CODE):  # the unit reads the site language
                    subject, body = _reminder_mail(kind, schedule, period, due, org, today)
                messages.append((subject, body, addresses[org.pk]))
                sent.append(record)
    if sent:
        audit_record(actor=SYSTEM, action=AuditAction.CREATE, source="command", object_repr="Thư nhắc hạn báo cáo",
                     note=f"Gửi {len(sent)} thư nhắc hạn báo cáo ngày {format_date(today)}")
    _send_after_commit(messages)
    return sent
