"""Every write of the models room: validate, check scope, write, audit — in one transaction.

Bad input raises ``ValidationError`` with every problem at once, keyed by form field, in
Vietnamese, and writes nothing (files included). Out of the person's scope raises ``Http404``;
in scope but without the right raises ``PermissionDenied``. ``actor=SYSTEM`` (``accounts.scoping.SYSTEM``) is the system
(demo, commands).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
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
from vuonlen.core.periods import today_vn
from vuonlen.core.pipeline import transition
from vuonlen.core.text import fold, nfc
from vuonlen.core.versioning import check_version, stale_message_lazy
from vuonlen.geo.models import AdministrativeUnit, Level
from vuonlen.indicators import rollups

from . import selectors
from .models import (
    TRANSITIONS,
    Exemplar,
    Fund,
    FundSource,
    Initiative,
    InitiativeFile,
    InitiativeLevel,
    InitiativeReview,
    Kind,
    Participation,
    Showcase,
    Status,
    StatusChange,
)

FILE_FOLDER = "initiatives"
PHOTO_KINDS = frozenset({"jpg", "png"})
FILE_KINDS = uploads.DOCUMENT_KINDS
# Which unit level a model of each level is built at: the building organisation's level.
LEVEL_OF_UNIT = {Level.PROVINCE: InitiativeLevel.PROVINCE, Level.DISTRICT: InitiativeLevel.DISTRICT,
                 Level.COMMUNE: InitiativeLevel.COMMUNE}
MIN_YEAR = 2000
STALE_MESSAGE = stale_message_lazy(gettext_lazy("Mô hình này"))


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _add(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _require(actor, perm: str, unit: AdministrativeUnit, message: str) -> None:
    """Out of the person's area: not found; in the area without the right: refused."""
    scoping.require(actor, perm, unit, seen_with=roles.INITIATIVE_VIEW, message=message)


def _require_manage(actor, unit: AdministrativeUnit) -> None:
    _require(actor, roles.INITIATIVE_MANAGE, unit, gettext("Bạn không có quyền quản lý mô hình ở địa bàn này"))


def _check_year(year, errors: dict, field: str = "start_year") -> None:
    this_year = today_vn().year
    if year is None:
        _add(errors, field, gettext("Chưa nhập năm"))
    elif not (MIN_YEAR <= int(year) <= this_year + 1):
        _add(errors, field, gettext("Năm %(year)s không hợp lệ (từ %(min)s đến %(max)s)")
             % {"year": year, "min": MIN_YEAR, "max": this_year + 1})


def _pilot_clash(organisation, year, exclude_pk=None) -> bool:
    qs = Initiative.objects.filter(organisation=organisation, start_year=year, is_pilot=True)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def _pilot_message(organisation, year) -> str:
    return gettext("%(org)s đã đăng ký mô hình điểm năm %(year)s; mỗi đơn vị chỉ đăng ký một mô hình "
                   "làm điểm mỗi năm") % {"org": organisation.name, "year": year}


# --- models: create, edit ----------------------------------------------------------------------

def _validate_initiative(*, name, kind, level, organisation, unit, villages, start_year, is_pilot,
                         replicated_from, exclude_pk=None) -> dict:
    errors: dict[str, list[str]] = {}
    if not name:
        _add(errors, "name", gettext("Chưa nhập tên mô hình"))
    elif len(name) > 200:
        _add(errors, "name", gettext("Tên mô hình quá dài (tối đa 200 ký tự)"))
    if kind not in Kind.values:
        _add(errors, "kind", gettext("Chưa chọn loại mô hình"))
    if level not in InitiativeLevel.values:
        _add(errors, "level", gettext("Chưa chọn cấp xây dựng"))
    if organisation is None:
        _add(errors, "organisation", gettext("Chưa chọn đơn vị xây dựng"))
    if unit is None:
        _add(errors, "unit", gettext("Chưa chọn địa bàn"))
    elif unit.level == Level.VILLAGE:
        _add(errors, "unit", gettext("Địa bàn là xã (hoặc huyện, tỉnh); thôn, làng chọn ở mục “Thôn, làng”"))
    _check_year(start_year, errors)
    if organisation is not None and level in InitiativeLevel.values:
        expected = LEVEL_OF_UNIT.get(organisation.unit.level)
        if expected and expected != level:
            _add(errors, "level", gettext("%(org)s là đơn vị %(expected)s, không xây dựng mô hình %(level)s") % {
                "org": organisation.name, "expected": InitiativeLevel(expected).label.lower(),
                "level": InitiativeLevel(level).label.lower()})
    if unit is not None:
        for village in villages:
            if village.level != Level.VILLAGE or not village.path.startswith(unit.path):
                _add(errors, "villages", gettext("%(village)s không phải thôn, làng thuộc %(unit)s")
                     % {"village": village.name, "unit": unit.name})
    if is_pilot and organisation is not None and start_year and _pilot_clash(organisation, start_year, exclude_pk):
        _add(errors, "is_pilot", _pilot_message(organisation, start_year))
    if replicated_from is not None and replicated_from.status != Status.EFFECTIVE:
        _add(errors, "replicated_from", gettext("Chỉ nhân rộng mô hình đã được đánh giá hiệu quả; “%(name)s” "
                                                "đang ở tình trạng “%(status)s”")
             % {"name": replicated_from.name, "status": replicated_from.get_status_display()})
    return errors


@transaction.atomic
def initiative_create(*, actor, name: str, kind: str, organisation: Organisation | None,
                      unit: AdministrativeUnit | None, start_year: int | None, level: str = "",
                      villages: Iterable[AdministrativeUnit] = (), is_pilot: bool = False,
                      replicated_from: Initiative | None = None, description: str = "",
                      source: str = "web") -> Initiative:
    if unit is not None:
        _require_manage(actor, unit)
    if replicated_from is not None and actor is not SYSTEM:
        # The original must be one the person may read (or one the public page shows).
        visible = selectors.initiatives_visible_to(actor) | selectors.showcase_initiatives()
        if not visible.filter(pk=replicated_from.pk).exists():
            raise Http404("Không tìm thấy")
    name, description, villages = nfc(name), nfc(description), list(villages)
    if not level and organisation is not None:
        level = LEVEL_OF_UNIT.get(organisation.unit.level, "")
    errors = _validate_initiative(name=name, kind=kind, level=level, organisation=organisation, unit=unit,
                                  villages=villages, start_year=start_year, is_pilot=is_pilot,
                                  replicated_from=replicated_from)
    if errors:
        raise ValidationError(errors)
    initiative = Initiative(kind=kind, level=level, organisation=organisation, unit=unit, start_year=start_year,
                            is_pilot=is_pilot, replicated_from=replicated_from, description=description,
                            status=Status.BEING_BUILT, status_changed_at=timezone.now(), created_by=_actor(actor))
    initiative.set_name(name)
    try:
        with transaction.atomic():
            initiative.save()
    except IntegrityError:  # another pilot registered a moment ago
        raise ValidationError({"is_pilot": [_pilot_message(organisation, start_year)]}) from None
    initiative.villages.set(villages)
    StatusChange.objects.create(initiative=initiative, from_status="", to_status=Status.BEING_BUILT,
                                actor=_actor(actor), comment="Đăng ký mô hình")
    audit_record(actor=actor, action=AuditAction.CREATE, instance=initiative, source=source,
                 note=f"Nhân rộng từ {replicated_from}" if replicated_from else "")
    rollups.schedule(rollups.touched(initiative))
    return initiative


@transaction.atomic
def initiative_update(*, actor, initiative: Initiative, name: str, kind: str, description: str = "",
                      villages: Iterable[AdministrativeUnit] = (), is_pilot: bool = False,
                      start_year: int | None = None, expected_version: int | None = None,
                      source: str = "web") -> Initiative:
    """Change a model's own fields. ``expected_version`` is the version the edit page was opened
    with: a different stored one means someone saved in between, and nothing is overwritten
    (None: not checked, for the system)."""
    _require_manage(actor, initiative.unit)
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if expected_version is not None:
        check_version(initiative, expected_version, message=STALE_MESSAGE)
    before = snapshot(initiative)
    name, description, villages = nfc(name), nfc(description), list(villages)
    start_year = start_year or initiative.start_year
    errors = _validate_initiative(name=name, kind=kind, level=initiative.level, organisation=initiative.organisation,
                                  unit=initiative.unit, villages=villages, start_year=start_year, is_pilot=is_pilot,
                                  replicated_from=None, exclude_pk=initiative.pk)
    if errors:
        raise ValidationError(errors)
    initiative.set_name(name)
    initiative.kind, initiative.description, initiative.is_pilot = kind, description, is_pilot
    initiative.start_year = start_year
    initiative.version += 1
    try:
        with transaction.atomic():
            initiative.save()
    except IntegrityError:
        raise ValidationError({"is_pilot": [_pilot_message(initiative.organisation, start_year)]}) from None
    initiative.villages.set(villages)
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=initiative, before=before, source=source)
    # A later start year takes the model out of the years before it: those refresh too.
    rollups.schedule(rollups.touched(initiative) + [(initiative.unit_id, year, "model") for year in range(
        min(before.get("start_year") or initiative.start_year, initiative.start_year), initiative.start_year)])
    return initiative


# --- the lifecycle -----------------------------------------------------------------------------

def _move_problems(initiative: Initiative, to_status: str, *, comment: str, direction: str,
                   deadline: dt.date | None, converted_into: Initiative | None) -> dict:
    errors: dict[str, list[str]] = {}
    if to_status not in Status.values:
        _add(errors, "to_status", gettext("Tình trạng mới không hợp lệ"))
        return errors
    current = Status(initiative.status)
    target = Status(to_status)
    if target not in TRANSITIONS[current]:
        if not TRANSITIONS[current]:
            msg = gettext("Mô hình đã “%(status)s”, không chuyển sang tình trạng khác được nữa") % {
                "status": current.label.lower()}
        else:
            allowed = ", ".join(f"“{Status(s).label}”" for s in sorted(TRANSITIONS[current]))
            msg = gettext("Không chuyển được từ “%(old)s” sang “%(new)s”. "
                          "Từ tình trạng này chỉ chuyển được sang: %(allowed)s") % {
                "old": current.label, "new": target.label, "allowed": allowed}
        _add(errors, "to_status", msg)
        return errors
    if target in (Status.EFFECTIVE, Status.INEFFECTIVE) and not initiative.reviews.exists():
        _add(errors, "to_status", gettext("Chưa có kỳ đánh giá nào: hãy ghi kết quả đánh giá mô hình trước khi "
                                          "kết luận hiệu quả hay chưa hiệu quả"))
    if target == Status.INEFFECTIVE:
        if not direction:
            _add(errors, "conversion_direction", gettext("Mô hình chưa hiệu quả phải có hướng chuyển đổi"))
        if deadline is None:
            _add(errors, "conversion_deadline", gettext("Mô hình chưa hiệu quả phải có thời hạn chuyển đổi"))
        elif deadline < today_vn():
            _add(errors, "conversion_deadline", gettext("Thời hạn chuyển đổi %(date)s đã qua")
                 % {"date": format_date(deadline)})
    if target == Status.CONVERTED:
        if not initiative.conversion_direction:
            _add(errors, "to_status", gettext("Chưa có kế hoạch chuyển đổi"))
        if converted_into is not None and converted_into.pk == initiative.pk:
            _add(errors, "converted_into", gettext("Mô hình không chuyển đổi thành chính nó"))
    if target == Status.CLOSED and not comment:
        _add(errors, "comment", gettext("Hãy ghi lý do dừng mô hình"))
    return errors


@transaction.atomic
def initiative_move(*, actor, initiative: Initiative, to_status: str, comment: str = "",
                    conversion_direction: str = "", conversion_deadline: dt.date | None = None,
                    converted_into: Initiative | None = None, source: str = "web") -> Initiative:
    """Move a model along its pipeline; a move the pipeline does not allow raises
    ``ValidationError`` naming the moves that are allowed."""
    _require_manage(actor, initiative.unit)
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if converted_into is not None and actor is not SYSTEM and not selectors.initiatives_visible_to(actor).filter(
            pk=converted_into.pk).exists():
        raise Http404("Không tìm thấy")
    comment, direction = nfc(comment), nfc(conversion_direction)
    errors = _move_problems(initiative, to_status, comment=comment, direction=direction,
                            deadline=conversion_deadline, converted_into=converted_into)
    if errors:
        raise ValidationError(errors)
    before = snapshot(initiative)
    from_status = initiative.status
    transition(initiative, to_status, actor=actor, comment=comment or direction)  # the StatusChange row
    initiative.status_changed_at = timezone.now()
    if to_status == Status.INEFFECTIVE:
        initiative.conversion_direction, initiative.conversion_deadline = direction, conversion_deadline
    if to_status == Status.CONVERTED and converted_into is not None:
        initiative.converted_into = converted_into
    initiative.version += 1
    initiative.save()
    rollups.schedule(rollups.touched(initiative))
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=initiative, before=before, source=source,
                 note=f"Chuyển tình trạng: {Status(from_status).label} → {Status(to_status).label}")
    if to_status not in selectors.SHOWABLE_STATUSES:
        # A model no longer running or effective leaves the public page by itself.
        _withdraw_if_shown(actor, initiative, f"Mô hình chuyển sang “{Status(to_status).label}”", source)
    return initiative


@transaction.atomic
def initiative_replicate(*, actor, original: Initiative, name: str, organisation: Organisation,
                         unit: AdministrativeUnit, start_year: int, villages: Iterable[AdministrativeUnit] = (),
                         kind: str = "", description: str = "", source: str = "web") -> Initiative:
    """A copy of an effective model elsewhere, linked to the original."""
    return initiative_create(actor=actor, name=name, kind=kind or original.kind, organisation=organisation,
                             unit=unit, start_year=start_year, villages=villages, replicated_from=original,
                             description=description or original.description, source=source)


@transaction.atomic
def initiative_convert(*, actor, initiative: Initiative, name: str, organisation: Organisation,
                       unit: AdministrativeUnit, start_year: int, villages: Iterable[AdministrativeUnit] = (),
                       kind: str = "", description: str = "", comment: str = "",
                       source: str = "web") -> Initiative:
    """Carry out an ineffective model's conversion plan: a new model (by default with the plan as
    its description) and the old one moved to "converted", linked to it — both or neither.
    Problems of the move and of the new model are reported together."""
    _require_manage(actor, initiative.unit)
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    errors = _move_problems(initiative, Status.CONVERTED, comment=nfc(comment), direction="", deadline=None,
                            converted_into=None)
    if initiative.status != Status.INEFFECTIVE:
        errors = {"to_status": [gettext("Chỉ chuyển đổi mô hình đã được đánh giá chưa hiệu quả; “%(name)s” "
                                        "đang ở tình trạng “%(status)s”")
                                % {"name": initiative.name, "status": initiative.get_status_display()}]}
    try:
        new = initiative_create(actor=actor, name=name, kind=kind or initiative.kind, organisation=organisation,
                                unit=unit, start_year=start_year, villages=villages,
                                description=description or initiative.conversion_direction, source=source)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
        raise ValidationError(errors) from None
    if errors:
        raise ValidationError(errors)
    initiative_move(actor=actor, initiative=initiative, to_status=Status.CONVERTED, converted_into=new,
                    comment=nfc(comment) or f"Chuyển đổi thành “{new.name}”", source=source)
    return new


# --- participants, funds, reviews -----------------------------------------------------------

@transaction.atomic
def participants_add(*, actor, initiative: Initiative, households: Sequence, started_on: dt.date | None,
                     source: str = "web") -> list[Participation]:
    """Add registry households; every household outside the person's scope, ended, or already
    taking part is named at once and nothing is added."""
    from vuonlen.households.selectors import households_visible_to

    _require_manage(actor, initiative.unit)
    errors: dict[str, list[str]] = {}
    if not households:
        _add(errors, "households", gettext("Chưa chọn hộ nào"))
    if started_on is None:
        _add(errors, "started_on", gettext("Chưa nhập ngày tham gia"))
    elif started_on > today_vn():
        _add(errors, "started_on", gettext("Ngày tham gia ở tương lai"))
    visible = set()
    if actor is not SYSTEM:
        visible = set(households_visible_to(actor).filter(pk__in=[h.pk for h in households])
                      .values_list("pk", flat=True))
    open_ids = set(initiative.participations.filter(ended_on__isnull=True).values_list("household_id", flat=True))
    for household in households:
        if actor is not SYSTEM and household.pk not in visible:
            _add(errors, "households", gettext("Không tìm thấy hộ %(code)s trong địa bàn của bạn")
                 % {"code": household.code})
        elif not household.is_active:
            _add(errors, "households", gettext("Hộ %(code)s đã kết thúc trong sổ hộ") % {"code": household.code})
        elif household.pk in open_ids:
            _add(errors, "households", gettext("Hộ %(code)s đang tham gia mô hình này") % {"code": household.code})
    if errors:
        raise ValidationError(errors)
    created = []
    for household in households:
        row = Participation.objects.create(initiative=initiative, household=household, started_on=started_on)
        audit_record(actor=actor, action=AuditAction.CREATE, instance=row, source=source,
                     note=f"Hộ {household.code} tham gia mô hình {initiative.pk}")
        created.append(row)
    return created


@transaction.atomic
def participant_end(*, actor, participation: Participation, ended_on: dt.date | None,
                    source: str = "web") -> Participation:
    _require_manage(actor, participation.initiative.unit)
    errors: dict[str, list[str]] = {}
    if ended_on is None:
        _add(errors, "ended_on", gettext("Chưa nhập ngày thôi tham gia"))
    elif ended_on < participation.started_on:
        _add(errors, "ended_on", gettext("Ngày thôi tham gia trước ngày tham gia (%(date)s)")
             % {"date": format_date(participation.started_on)})
    elif ended_on > today_vn():
        _add(errors, "ended_on", gettext("Ngày thôi tham gia ở tương lai"))
    if participation.ended_on:
        _add(errors, NON_FIELD_ERRORS, gettext("Hộ đã thôi tham gia từ trước"))
    if errors:
        raise ValidationError(errors)
    before = snapshot(participation)
    participation.ended_on = ended_on
    participation.save(update_fields=["ended_on"])
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=participation, before=before, source=source)
    return participation


def _amount(value) -> Decimal | None:
    try:
        return Decimal(str(value).replace(".", "").replace(" ", "")) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        return None


@transaction.atomic
def fund_add(*, actor, initiative: Initiative, source_kind: str, amount, year: int | None, note: str = "",
             source: str = "web") -> Fund:
    _require_manage(actor, initiative.unit)
    errors: dict[str, list[str]] = {}
    if source_kind not in FundSource.values:
        _add(errors, "source", gettext("Chưa chọn nguồn vốn"))
    value = _amount(amount) if amount not in (None, "") else None
    if value is None:
        _add(errors, "amount", gettext("Số tiền không hợp lệ"))
    elif value <= 0:
        _add(errors, "amount", gettext("Số tiền phải lớn hơn 0"))
    elif value != value.to_integral_value():
        _add(errors, "amount", gettext("Số tiền tính bằng đồng, không có phần lẻ"))
    _check_year(year, errors, "year")
    if year and initiative.start_year and int(year) < initiative.start_year:
        _add(errors, "year", gettext("Mô hình bắt đầu năm %(year)s, vốn không thể có trước năm đó")
             % {"year": initiative.start_year})
    if errors:
        raise ValidationError(errors)
    fund = Fund.objects.create(initiative=initiative, source=source_kind, amount=value, year=year, note=nfc(note))
    audit_record(actor=actor, action=AuditAction.CREATE, instance=fund, source=source)
    return fund


@transaction.atomic
def review_add(*, actor, initiative: Initiative, reviewed_on: dt.date | None, assessment: str,
               income_change_pct=None, participants_out_of_poverty: int | None = None,
               source: str = "web") -> InitiativeReview:
    """A periodic review. Participants and those out of poverty are counted from the registry
    unless given (a model whose households are not in the registry yet)."""
    _require_manage(actor, initiative.unit)
    errors: dict[str, list[str]] = {}
    if reviewed_on is None:
        _add(errors, "reviewed_on", gettext("Chưa nhập ngày đánh giá"))
    elif reviewed_on > today_vn():
        _add(errors, "reviewed_on", gettext("Ngày đánh giá ở tương lai"))
    elif reviewed_on.year < initiative.start_year:
        _add(errors, "reviewed_on", gettext("Mô hình bắt đầu năm %(year)s") % {"year": initiative.start_year})
    assessment = nfc(assessment)
    if not assessment:
        _add(errors, "assessment", gettext("Chưa nhập nhận xét, đánh giá"))
    change = None
    if income_change_pct not in (None, ""):
        try:
            change = Decimal(str(income_change_pct).replace(",", ".")).quantize(Decimal("0.1"))
            if not Decimal(-100) <= change <= Decimal(10000):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            _add(errors, "income_change_pct", gettext("Thay đổi thu nhập (%) không hợp lệ"))
    if errors:
        raise ValidationError(errors)
    participants, out = selectors.participants_out_of_poverty(initiative, reviewed_on.year)
    if participants_out_of_poverty is not None:
        out = participants_out_of_poverty
    review = InitiativeReview.objects.create(initiative=initiative, reviewed_on=reviewed_on, participants=participants,
                                             participants_out_of_poverty=out, income_change_pct=change,
                                             assessment=assessment, author=_actor(actor))
    audit_record(actor=actor, action=AuditAction.CREATE, instance=review, source=source)
    return review


# --- files -------------------------------------------------------------------------------------

@transaction.atomic
def files_attach(*, actor, initiative: Initiative, files: Sequence, caption: str = "", public: bool = False,
                 source: str = "web") -> list[InitiativeFile]:
    _require_manage(actor, initiative.unit)
    errors: dict[str, list[str]] = {}
    if not files:
        _add(errors, "files", gettext("Chưa chọn tệp nào"))
    for upload in files:
        try:
            uploads.check_upload(upload, kinds=FILE_KINDS)
        except uploads.UploadRejected as exc:
            for message in exc.messages:
                _add(errors, "files", message)
    if errors:
        raise ValidationError(errors)
    stored = uploads.store_uploads(list(files), folder=FILE_FOLDER, kinds=FILE_KINDS)
    created = []
    try:
        for item in stored:
            is_photo = item.content_type.startswith("image/")
            record = InitiativeFile.objects.create(initiative=initiative, caption=nfc(caption), is_photo=is_photo,
                                                   public=public and is_photo, uploaded_by=_actor(actor),
                                                   **item.fields())
            audit_record(actor=actor, action=AuditAction.CREATE, instance=record, source=source,
                         note=f"Tệp của mô hình {initiative.pk}")
            created.append(record)
    except BaseException:
        uploads.delete_stored([s.name for s in stored])
        raise
    return created


@transaction.atomic
def file_delete(*, actor, file: InitiativeFile, source: str = "web") -> None:
    _require_manage(actor, file.initiative.unit)
    name = file.stored_name
    audit_record(actor=actor, action=AuditAction.DELETE, instance=file, source=source)
    file.delete()
    transaction.on_commit(lambda: uploads.delete_stored(name))


# --- the public showcase -------------------------------------------------------------------

def _require_approve(actor, unit) -> None:
    _require(actor, roles.SHOWCASE_APPROVE, unit,
             gettext("Chỉ Thường trực Ban Chỉ đạo duyệt nội dung đưa lên trang công khai"))


def _names_in(text: str, initiative: Initiative) -> list[str]:
    """Household head names of the participants that appear in ``text``: the public page must
    not name anyone, and the secretariat may not notice a name in a long description."""
    folded = fold(text)
    names = set(initiative.participations.values_list("household__head_name", flat=True))
    return sorted(n for n in names if n and len(n) > 3 and fold(n) in folded)


@transaction.atomic
def showcase_approve(*, actor, initiative: Initiative, summary: str, source: str = "web") -> Showcase:
    _require_approve(actor, initiative.unit)
    summary = nfc(summary)
    errors: dict[str, list[str]] = {}
    if initiative.status not in selectors.SHOWABLE_STATUSES:
        _add(errors, NON_FIELD_ERRORS, gettext("Chỉ đưa lên trang công khai mô hình đang duy trì hoặc đã đánh giá "
                                               "hiệu quả; mô hình này “%(status)s”")
             % {"status": initiative.get_status_display().lower()})
    if not summary:
        _add(errors, "summary", gettext("Chưa nhập mô tả ngắn để công khai"))
    leaked = _names_in(f"{initiative.name} {summary}", initiative)
    if leaked:
        _add(errors, "summary", gettext("Tên hoặc mô tả có tên chủ hộ tham gia (%(names)s); trang công khai không "
                                        "được nêu tên người") % {"names": ", ".join(leaked)})
    if errors:
        raise ValidationError(errors)
    showcase, _ = Showcase.objects.select_for_update().get_or_create(initiative=initiative)
    before = snapshot(showcase)
    showcase.summary, showcase.approved = summary, True
    showcase.approved_at, showcase.approved_by = timezone.now(), _actor(actor)
    showcase.withdrawn_at = showcase.withdrawn_by = None
    showcase.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=showcase, before=before, source=source,
                 note="Duyệt đưa lên trang công khai")
    return showcase


def _withdraw_if_shown(actor, initiative: Initiative, note: str, source: str) -> None:
    showcase = Showcase.objects.filter(initiative=initiative, approved=True).first()
    if showcase is None:
        return
    before = snapshot(showcase)
    showcase.approved, showcase.withdrawn_at, showcase.withdrawn_by = False, timezone.now(), _actor(actor)
    showcase.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=showcase, before=before, source=source,
                 note=f"Gỡ khỏi trang công khai: {note}")


@transaction.atomic
def showcase_withdraw(*, actor, initiative: Initiative, reason: str = "", source: str = "web") -> None:
    _require_approve(actor, initiative.unit)
    if not Showcase.objects.filter(initiative=initiative, approved=True).exists():
        raise ValidationError({NON_FIELD_ERRORS: [gettext("Mô hình này không có trên trang công khai")]})
    _withdraw_if_shown(actor, initiative, nfc(reason) or "Thường trực BCĐ gỡ", source)


# --- exemplary households and people -----------------------------------------------------

@transaction.atomic
def exemplar_create(*, actor, commune: AdministrativeUnit | None, year: int | None, story: str,
                    household=None, display_name: str = "", consent_to_publish: bool = False,
                    publish_name: bool = False, initiative: Initiative | None = None, photo=None,
                    source: str = "web") -> Exemplar:
    from vuonlen.households.selectors import households_visible_to

    errors: dict[str, list[str]] = {}
    if commune is None or commune.level != Level.COMMUNE:
        _add(errors, "commune", gettext("Gương điển hình do xã chọn: hãy chọn xã"))
        raise ValidationError(errors)
    _require_manage(actor, commune)
    display_name, story = nfc(display_name), nfc(story)
    if household is not None:
        if actor is not SYSTEM and not households_visible_to(actor).filter(pk=household.pk).exists():
            _add(errors, "household", gettext("Không tìm thấy hộ này trong địa bàn của bạn"))
        elif household.commune_id != commune.pk:
            _add(errors, "household", gettext("Hộ %(code)s không thuộc %(commune)s")
                 % {"code": household.code, "commune": commune.name})
    if household is None and not display_name:
        _add(errors, "display_name", gettext("Chọn một hộ trong sổ hộ hoặc nhập tên người, hộ điển hình"))
    if not story:
        _add(errors, "story", gettext("Chưa nhập câu chuyện"))
    elif len(story) > 4000:
        _add(errors, "story", gettext("Câu chuyện quá dài (tối đa 4.000 ký tự)"))
    _check_year(year, errors, "year")
    if publish_name and not consent_to_publish:
        _add(errors, "publish_name", gettext("Chỉ nêu tên khi gia đình đã đồng ý công khai"))
    if publish_name and not display_name:
        _add(errors, "display_name", gettext("Đồng ý nêu tên thì hãy nhập tên sẽ hiển thị"))
    if initiative is not None and actor is not SYSTEM and not selectors.initiatives_visible_to(actor).filter(
            pk=initiative.pk).exists():
        _add(errors, "initiative", gettext("Không tìm thấy mô hình này"))
    if photo is not None:
        try:
            uploads.check_upload(photo, kinds=PHOTO_KINDS)
        except uploads.UploadRejected as exc:
            for message in exc.messages:
                _add(errors, "photo", message)
    if errors:
        raise ValidationError(errors)
    stored = uploads.store_upload(photo, folder=f"{FILE_FOLDER}/exemplars", kinds=PHOTO_KINDS) if photo else None
    try:
        exemplar = Exemplar.objects.create(
            commune=commune, household=household, display_name=display_name, initiative=initiative, year=year,
            story=story, consent_to_publish=consent_to_publish, publish_name=publish_name,
            photo_name=stored.name if stored else "", photo_original=stored.original_name if stored else "",
            photo_type=stored.content_type if stored else "", created_by=_actor(actor))
        audit_record(actor=actor, action=AuditAction.CREATE, instance=exemplar, source=source)
    except BaseException:
        if stored:
            uploads.delete_stored(stored.name)
        raise
    return exemplar


@transaction.atomic
def exemplar_set_consent(*, actor, exemplar: Exemplar, consent_to_publish: bool, publish_name: bool,
                         source: str = "web") -> Exemplar:
    _require_manage(actor, exemplar.commune)
    if publish_name and not consent_to_publish:
        raise ValidationError({"publish_name": [gettext("Chỉ nêu tên khi gia đình đã đồng ý công khai")]})
    before = snapshot(exemplar)
    exemplar.consent_to_publish, exemplar.publish_name = consent_to_publish, publish_name
    if not consent_to_publish:
        # Consent withdrawn: off the public page at once, whatever was approved.
        exemplar.approved_at = exemplar.approved_by = None
    exemplar.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=exemplar, before=before, source=source)
    return exemplar


@transaction.atomic
def exemplar_approve(*, actor, exemplar: Exemplar, approve: bool = True, source: str = "web") -> Exemplar:
    _require_approve(actor, exemplar.commune)
    if approve and not exemplar.consent_to_publish:
        raise ValidationError({NON_FIELD_ERRORS: [gettext("Gia đình chưa đồng ý công khai: không đưa câu chuyện "
                                                          "lên trang công khai được")]})
    before = snapshot(exemplar)
    exemplar.approved_at = timezone.now() if approve else None
    exemplar.approved_by = _actor(actor) if approve else None
    exemplar.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=exemplar, before=before, source=source,
                 note="Duyệt công khai" if approve else "Gỡ khỏi trang công khai")
    return exemplar
