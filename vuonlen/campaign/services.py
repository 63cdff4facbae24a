"""Every write of the campaign room: mentor assignments, visits, assessments, phases.

As in the registry: keyword-only, atomic, the actor's scope checked (out of scope → 404, in
scope without the right → 403), every problem reported at once as field → messages, audited
in the same transaction. ``actor=SYSTEM`` (``accounts.scoping.SYSTEM``) is the system (demo, commands).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.models import Organisation
from vuonlen.accounts.roles import Role
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core import uploads
from vuonlen.core.audit import audit_record, snapshot
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.core.text import nfc
from vuonlen.core.versioning import check_version, model_update, stale_message, stale_message_lazy
from vuonlen.core.years import FIRST_YEAR  # noqa: F401 (indicators still import it from here)
from vuonlen.households.models import Household
from vuonlen.households.validation import clean_multiline, errors_by_field
from vuonlen.indicators import rollups

from . import selectors
from .models import CRITERIA_FIELDS, Assessment, HouseholdGroup, MentorAssignment, Phase, Visit, VisitPhoto

STALE_MESSAGE = stale_message_lazy(gettext_lazy("Đánh giá này"))
# Quick-pick topics of the visit form: what mentors talk about most (Sổ tay's themes in short).
VISIT_TOPICS = (
    ("production", gettext_lazy("Chọn mô hình sản xuất")),
    ("technique", gettext_lazy("Kỹ thuật trồng trọt, chăn nuôi")),
    ("loan", gettext_lazy("Vay vốn ưu đãi")),
    ("saving", gettext_lazy("Chi tiêu, tiết kiệm")),
    ("schooling", gettext_lazy("Cho con đi học")),
    ("health", gettext_lazy("Vệ sinh, sức khoẻ")),
    ("customs", gettext_lazy("Bỏ hủ tục")),
    ("cooperative", gettext_lazy("Vào tổ hợp tác, HTX")),
)
VISIT_TOPIC_CODES = {code for code, _label in VISIT_TOPICS}
CADRE_ROLES = (Role.MENTOR, Role.COMMUNE_OFFICER, Role.SECRETARIAT, Role.REPORTING_UNIT)


def _fail(problems: Iterable[tuple[str, str]]) -> None:
    errors = errors_by_field(problems)
    if errors:
        raise ValidationError(errors)


def _check(actor, perm: str, household: Household) -> None:
    """Out of the reader's campaign view → 404; visible but not theirs to change → 403."""
    if actor is SYSTEM or selectors.can_act_on(actor, perm, household):
        return  # the usual case asks the scope once; only a refusal asks which answer it is
    if not selectors.households_visible_to(actor).filter(pk=household.pk).exists():
        raise Http404("Không tìm thấy")
    raise PermissionDenied(gettext("Bạn không có quyền này với hộ này"))


def _text(value: Any, max_length: int | None = None) -> str:
    text = clean_multiline(value) if value is not None else ""
    return text[:max_length] if max_length else text


# --- mentors ---------------------------------------------------------------------------------

def is_cadre(user, on: dt.date | None = None) -> bool:
    """A mentor must hold the mentor role or be a cadre account (any working role but viewer)."""
    return scoping.active_assignments(user, on).filter(role__in=CADRE_ROLES).exists()


def _overlaps(qs, started_on: dt.date, ended_on: dt.date | None):
    qs = qs.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=started_on))
    if ended_on is not None:
        qs = qs.filter(started_on__lte=ended_on)
    return qs


@transaction.atomic
def mentor_assign(*, actor, mentor, households: Sequence[Household] = (), group: HouseholdGroup | None = None,
                  started_on: dt.date | None, ended_on: dt.date | None = None, reason: str = "",
                  organisation: Organisation | None = None, source: str = "web") -> list[MentorAssignment]:
    """Give ``mentor`` each of ``households`` (one assignment each) or ``group``, from
    ``started_on``. A household has one mentor at a time: an overlapping assignment is refused."""
    targets = [("household", h, h.unit) for h in households]
    if group is not None:
        targets.append(("group", group, group.unit))
    for _kind, _obj, unit in targets:
        if actor is not SYSTEM and not scoping.can(actor, roles.MENTOR_ASSIGN, unit):
            if scoping.can(actor, roles.CAMPAIGN_VIEW, unit) and not selectors.is_mentor_only(actor):
                raise PermissionDenied(gettext("Bạn không có quyền phân công người phụ trách hộ ở đơn vị này"))
            raise Http404("Không tìm thấy")
    problems: list[tuple[str, str]] = []
    if not targets:
        problems.append(("households", gettext("Hãy chọn ít nhất một hộ hoặc một nhóm hộ")))
    if mentor is None:
        problems.append(("mentor", gettext("Hãy chọn người phụ trách")))
    elif not mentor.is_active or not is_cadre(mentor):
        problems.append(("mentor", gettext("Tài khoản “%(mentor)s” không phải cán bộ, đảng viên có vai trò phụ trách hộ") % {"mentor": mentor}))
    if started_on is None:
        problems.append(("started_on", gettext("Hãy nhập ngày bắt đầu phụ trách")))
    elif ended_on is not None and ended_on < started_on:
        problems.append(("ended_on", gettext("Ngày kết thúc trước ngày bắt đầu")))
    if organisation is not None and mentor is not None and organisation.pk not in {
            a.organisation_id for a in scoping.active_assignments(mentor)} and actor is not SYSTEM \
            and not scoping.can(actor, roles.MENTOR_ASSIGN, organisation.unit):
        problems.append(("organisation", gettext("Tổ chức không thuộc phạm vi của bạn")))
    if started_on is not None:
        for kind, obj, _unit in targets:
            if kind == "household":
                if obj.ended_on is not None:
                    problems.append(("households", gettext("%(obj)s đã kết thúc theo dõi") % {"obj": obj}))
                    continue
                busy = _overlaps(MentorAssignment.objects.filter(household=obj), started_on, ended_on).first()
            else:
                busy = _overlaps(MentorAssignment.objects.filter(group=obj), started_on, ended_on).first()
            if busy is not None:
                problems.append(("households", gettext("%(obj)s đang có người phụ trách (%(mentor)s) từ ngày %(started_on)s; hãy kết thúc phân công đó trước") % {"obj": obj, "mentor": busy.mentor, "started_on": format(busy.started_on, '%d/%m/%Y')}))
    _fail(problems)
    made = []
    for kind, obj, unit in targets:
        assignment = MentorAssignment.objects.create(
            mentor=mentor, organisation=organisation, unit=unit, started_on=started_on, ended_on=ended_on,
            reason=_text(reason, 500), created_by=actor if getattr(actor, "pk", None) else None,
            **{kind: obj})
        audit_record(actor=actor, action=AuditAction.CREATE, instance=assignment, source=source)
        made.append(assignment)
    return made


@transaction.atomic
def mentor_assignment_end(*, actor, assignment: MentorAssignment, ended_on: dt.date | None, reason: str = "",
                          expected_version: int | None = None, source: str = "web") -> MentorAssignment:
    if actor is not SYSTEM:
        selectors.get_assignment_for_user_or_404(actor, assignment.pk)
        if not scoping.can(actor, roles.MENTOR_ASSIGN, assignment.unit) or selectors.is_mentor_only(actor):
            raise PermissionDenied(gettext("Bạn không có quyền kết thúc phân công này"))
    current = MentorAssignment.objects.select_for_update().get(pk=assignment.pk)
    problems = []
    if expected_version is not None:
        check_version(current, expected_version, message=stale_message(gettext("Phân công này")))
    if current.ended_on is not None:
        problems.append((NON_FIELD_ERRORS, gettext("Phân công đã kết thúc ngày %(ended_on)s") % {"ended_on": format(current.ended_on, '%d/%m/%Y')}))
    if ended_on is None:
        problems.append(("ended_on", gettext("Hãy nhập ngày kết thúc")))
    elif ended_on < current.started_on:
        problems.append(("ended_on", gettext("Ngày kết thúc trước ngày bắt đầu phụ trách")))
    if not nfc(reason or ""):
        problems.append(("reason", gettext("Hãy ghi lý do kết thúc")))
    _fail(problems)
    model_update(actor=actor, instance=current, data={"ended_on": ended_on, "end_reason": _text(reason, 500)},
                 source=source)
    return current


@transaction.atomic
def group_create(*, actor, unit, name: str, households: Sequence[Household], source: str = "web") -> HouseholdGroup:
    """A group of households of one commune (the group's unit)."""
    if actor is not SYSTEM and not scoping.can(actor, roles.MENTOR_ASSIGN, unit):
        raise Http404("Không tìm thấy")
    problems = []
    if not nfc(name or ""):
        problems.append(("name", gettext("Hãy đặt tên nhóm hộ")))
    if not households:
        problems.append(("households", gettext("Nhóm hộ cần ít nhất một hộ")))
    for household in households:
        if not household.unit.path.startswith(unit.path):
            problems.append(("households", gettext("%(household)s không thuộc %(name)s") % {"household": household, "name": unit.name}))
    _fail(problems)
    group = HouseholdGroup(unit=unit)
    group.set_name(name)
    group.save()
    group.households.set(households)
    audit_record(actor=actor, action=AuditAction.CREATE, instance=group, source=source,
                 note=f"Nhóm {len(households)} hộ")
    return group


# --- visits ----------------------------------------------------------------------------------

@transaction.atomic
def visit_log(*, actor, household: Household, visited_on: dt.date | None, topics: Sequence[str] = (),
              discussed: str = "", advice: str = "", production_model: str = "", initiative=None,
              next_step: str = "", photo=None, mentor=None, client_uuid=None, source: str = "web") -> Visit:
    """A visit by ``actor`` (or, for the system, ``mentor``) to ``household``.

    ``client_uuid`` is the id the offline app gave the visit: sent again (a lost answer, a
    retry), the visit already stored is returned and nothing new is written."""
    _check(actor, roles.VISIT_LOG, household)
    if client_uuid is not None:
        already = Visit.objects.filter(client_uuid=client_uuid, household=household).first()
        if already is not None:
            return already
        if Visit.objects.filter(client_uuid=client_uuid).exists():
            raise ValidationError({NON_FIELD_ERRORS: [gettext("Mã gửi này đã dùng cho một lần thăm khác")]})
    mentor = actor if actor is not SYSTEM else mentor
    today = today_vn()
    problems: list[tuple[str, str]] = []
    if mentor is None:
        problems.append(("mentor", gettext("Chưa rõ ai đến thăm")))
    if visited_on is None:
        problems.append(("visited_on", gettext("Hãy nhập ngày thăm")))
    elif visited_on > today:
        problems.append(("visited_on", gettext("Ngày thăm ở tương lai")))
    elif visited_on.year < FIRST_YEAR:
        problems.append(("visited_on", gettext("Ngày thăm trước năm %(FIRST_YEAR)s, khi Cuộc vận động bắt đầu") % {"FIRST_YEAR": FIRST_YEAR}))
    topics = [t for t in dict.fromkeys(topics or []) if t]
    unknown = [t for t in topics if t not in VISIT_TOPIC_CODES]
    if unknown:
        problems.append(("topics", gettext("Chủ đề không có trong danh sách: %(v1)s") % {"v1": ', '.join(unknown)}))
    discussed, advice = _text(discussed), _text(advice)
    if not topics and not discussed:
        problems.append(("discussed", gettext("Hãy chọn chủ đề hoặc ghi nội dung đã trao đổi")))
    if initiative is not None and not household.unit.path.startswith(initiative.unit.path):
        problems.append(("initiative", gettext("Mô hình không ở địa bàn của hộ")))
    if photo is not None:
        try:
            uploads.check_upload(photo, kinds={"jpg", "png"})
        except uploads.UploadRejected as exc:
            problems += [("photo", m) for m in exc.messages]
    _fail(problems)
    fields = dict(
        household=household, mentor=mentor, unit=household.unit, visited_on=visited_on, topics=topics,
        discussed=discussed, advice=advice, production_model=_text(production_model, 300),
        initiative=initiative, next_step=_text(next_step, 500), client_uuid=client_uuid)
    try:
        with transaction.atomic():
            visit = Visit.objects.create(**fields)
    except IntegrityError:
        # The same send arriving twice at once: the other request stored it first.
        already = Visit.objects.filter(client_uuid=client_uuid, household=household).first() if client_uuid else None
        if already is None:
            raise
        return already
    audit_record(actor=actor, action=AuditAction.CREATE, instance=visit, source=source)
    if photo is not None:
        stored = uploads.store_upload(photo, folder="campaign/visits", kinds={"jpg", "png"})
        try:
            VisitPhoto.objects.create(visit=visit, uploaded_by=actor if getattr(actor, "pk", None) else None,
                                      **stored.fields())
        except BaseException:
            uploads.delete_stored(stored.name)
            raise
    return visit


# --- assessments -----------------------------------------------------------------------------

def topic_numbers() -> set[int]:
    """The handbook's contents in use (outreach.Topic); 1–10 when none are defined."""
    from vuonlen.outreach.models import Topic

    numbers = set(Topic.objects.filter(is_active=True).values_list("number", flat=True))
    return numbers or set(range(1, 11))


def clean_assessment(data: Mapping[str, Any], *, year: int | None, household: Household,
                     today: dt.date, known_topics: set[int]) -> tuple[dict, list[tuple[str, str]]]:
    """The rules shared by the form and the import: every problem at once."""
    problems: list[tuple[str, str]] = []
    cleaned: dict[str, Any] = {field: bool(data.get(field)) for field in CRITERIA_FIELDS}
    if year is None:
        problems.append(("year", gettext("Hãy chọn năm đánh giá")))
    elif not FIRST_YEAR <= year <= today.year:
        problems.append(("year", gettext("Năm đánh giá phải từ %(FIRST_YEAR)s đến %(year)s") % {"FIRST_YEAR": FIRST_YEAR, "year": today.year}))
    assessed_on = data.get("assessed_on") or None
    if assessed_on is None:
        problems.append(("assessed_on", gettext("Hãy nhập ngày đánh giá")))
    elif assessed_on > today:
        problems.append(("assessed_on", gettext("Ngày đánh giá ở tương lai")))
    elif year is not None and not year <= assessed_on.year <= year + 1:
        problems.append(("assessed_on", gettext("Ngày đánh giá phải trong năm %(year)s hoặc đầu năm %(v3)s") % {"year": year, "v3": year + 1}))
    topics: list[int] = []
    for value in data.get("told_topics") or []:
        try:
            number = int(value)
        except (TypeError, ValueError):
            problems.append(("told_topics", gettext("“%(value)s” không phải số thứ tự nội dung Sổ tay") % {"value": value}))
            continue
        if number not in known_topics:
            problems.append(("told_topics", gettext("Sổ tay không có nội dung số %(number)s") % {"number": number}))
        elif number not in topics:
            topics.append(number)
    if topics and not cleaned["told"]:
        problems.append(("told", gettext("Đã ghi nội dung Sổ tay được tuyên truyền nhưng chưa đánh dấu “được tuyên truyền”")))
    if not household.is_ethnic_minority:
        problems.append(("household", gettext("Chỉ đánh giá hộ đồng bào dân tộc thiểu số")))
    if household.ended_on is not None and year is not None and year > household.ended_on.year:
        problems.append(("year", gettext("Hộ đã kết thúc theo dõi năm %(year)s") % {"year": household.ended_on.year}))
    cleaned.update(assessed_on=assessed_on, told_topics=sorted(topics), note=_text(data.get("note")))
    return cleaned, problems


@transaction.atomic
def assessment_record(*, actor, household: Household, year: int | None, data: Mapping[str, Any],
                      expected_version: int | None = None, client_uuid=None,
                      source: str = "web") -> Assessment:
    """Create the household's assessment for ``year``, or change it (``expected_version`` is the
    version the person read: anything else means someone saved in between).

    ``client_uuid`` is the id of the offline app's change: when the assessment already carries
    it, that change was applied before (a retried send) and the stored assessment is returned."""
    _check(actor, roles.ASSESS, household)
    household = Household.objects.select_for_update(of=("self",)).get(pk=household.pk)
    if client_uuid is not None:
        already = Assessment.objects.filter(client_uuid=client_uuid).first()
        if already is not None:
            if already.household_id != household.pk:
                raise ValidationError({NON_FIELD_ERRORS: [gettext("Mã gửi này đã dùng cho một đánh giá khác")]})
            return already
    cleaned, problems = clean_assessment(data, year=year, household=household, today=today_vn(),
                                         known_topics=topic_numbers())
    existing = Assessment.objects.filter(household=household, year=year).first() if year else None
    if existing is not None and expected_version is None:
        problems.append((NON_FIELD_ERRORS, gettext("Hộ đã có đánh giá năm %(year)s; hãy mở đánh giá đó để sửa") % {"year": year}))
    elif existing is not None:
        check_version(existing, expected_version, message=STALE_MESSAGE)
    elif existing is None and expected_version is not None:
        problems.append((NON_FIELD_ERRORS, gettext("Chưa có đánh giá năm %(year)s để sửa") % {"year": year}))
    _fail(problems)
    assessor = actor if getattr(actor, "pk", None) else None
    if existing is None:
        assessment = Assessment.objects.create(household=household, year=year, commune=household.commune,
                                               unit=household.unit, assessed_by=assessor, client_uuid=client_uuid,
                                               **cleaned)
        audit_record(actor=actor, action=AuditAction.CREATE, instance=assessment, source=source)
        rollups.schedule(rollups.touched(assessment))
        return assessment
    before = snapshot(existing)
    for name, value in cleaned.items():
        setattr(existing, name, value)
    after = snapshot(existing)
    if after == before:
        return existing
    if client_uuid is not None:
        existing.client_uuid = client_uuid
    if assessor is not None:  # kept otherwise (without reading the earlier assessor's row)
        existing.assessed_by = assessor
    existing.version += 1
    existing.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=existing, before=before, source=source)
    rollups.schedule(rollups.touched(existing))
    return existing


# --- phases ----------------------------------------------------------------------------------

@transaction.atomic
def phase_define(*, actor, code: str, name: str, start_year: int | None, end_year: int | None,
                 documents: Sequence[Mapping[str, str]] = (), source: str = "web") -> Phase:
    """A new phase (2026–2030 and later): administrators only."""
    if actor is not SYSTEM and not scoping.can(actor, roles.ACCOUNT_MANAGE):
        raise PermissionDenied(gettext("Chỉ quản trị hệ thống định nghĩa giai đoạn"))
    problems = []
    code, name = nfc(code or ""), nfc(name or "")
    if not code:
        problems.append(("code", gettext("Hãy nhập mã giai đoạn")))
    elif Phase.objects.filter(code=code).exists():
        problems.append(("code", gettext("Đã có giai đoạn mã “%(code)s”") % {"code": code}))
    if not name:
        problems.append(("name", gettext("Hãy nhập tên giai đoạn")))
    if start_year is None:
        problems.append(("start_year", gettext("Hãy nhập năm bắt đầu")))
    if end_year is None:
        problems.append(("end_year", gettext("Hãy nhập năm kết thúc")))
    if start_year is not None and end_year is not None:
        if end_year < start_year:
            problems.append(("end_year", gettext("Năm kết thúc trước năm bắt đầu")))
        elif Phase.objects.filter(start_year__lte=end_year, end_year__gte=start_year).exists():
            problems.append(("start_year", gettext("Giai đoạn trùng năm với một giai đoạn đã có")))
    _fail(problems)
    phase = Phase.objects.create(code=code, name=name, start_year=start_year, end_year=end_year,
                                 documents=[{k: nfc(str(v)) for k, v in d.items()} for d in documents])
    audit_record(actor=actor, action=AuditAction.CREATE, instance=phase, source=source)
    return phase
