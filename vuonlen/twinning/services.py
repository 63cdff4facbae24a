"""Every write of the twinning room: validate, check scope, write, audit — in one transaction.

Bad input raises ``ValidationError`` with every problem at once, keyed by form field, and
writes nothing (files included). Out of the person's scope raises ``Http404``; in scope but
without the right raises ``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy

from vuonlen.accounts.models import Organisation
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core import uploads
from vuonlen.core.audit import audit_record
from vuonlen.core.formats import format_date, parse_vnd
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.core.text import nfc
from vuonlen.core.versioning import StaleVersion, lock_version, model_update, stale_message_lazy
from vuonlen.geo.models import AdministrativeUnit, Level

from . import selectors
from .models import (
    CRITERIA,
    MAX_SCORE,
    PARTNER_KINDS,
    Activity,
    ActivityKind,
    AgreementFile,
    Evaluation,
    TwinningPair,
    grade_for,
)

AGREEMENT_FOLDER = "twinning/agreements"
FILE_KINDS = uploads.DOCUMENT_KINDS


def _add(errors: dict, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _check_files(files: Sequence, errors: dict) -> None:
    for upload in files:
        try:
            uploads.check_upload(upload, kinds=FILE_KINDS)
        except uploads.UploadRejected as exc:
            for message in exc.messages:
                _add(errors, "files", message)


def _require_manage(actor, *, unit: AdministrativeUnit | None, organisation: Organisation | None) -> None:
    if actor is SYSTEM:  # the system (demo, commands)
        return
    from vuonlen.accounts import roles, scoping

    for place in (unit, organisation.unit if organisation else None):
        if place is not None and scoping.can(actor, roles.TWINNING_MANAGE, place):
            return
    if scoping.can(actor, roles.TWINNING_VIEW):
        raise PermissionDenied(gettext("Bạn không có quyền quản lý cặp kết nghĩa này"))
    raise Http404("Không tìm thấy")


def _attach(actor, pair: TwinningPair, stored: list[uploads.StoredFile], source: str) -> list[AgreementFile]:
    made = []
    for item in stored:
        record = AgreementFile.objects.create(pair=pair, uploaded_by=actor if getattr(actor, "pk", None) else None,
                                              **item.fields())
        audit_record(actor=actor, action=AuditAction.CREATE, instance=record, source=source,
                     note=f"Văn bản kết nghĩa của {pair}")
        made.append(record)
    return made


# --- pairs ----------------------------------------------------------------------------------

@transaction.atomic
def pair_create(*, actor, organisation: Organisation | None, unit: AdministrativeUnit | None,
                started_on: dt.date | None, ended_on: dt.date | None = None, agreement_number: str = "",
                content: str = "", files: Sequence = (), source: str = "web") -> TwinningPair:
    if organisation is not None or unit is not None:
        _require_manage(actor, unit=unit, organisation=organisation)
    errors: dict[str, list[str]] = {}
    if organisation is None:
        _add(errors, "organisation", gettext("Chưa chọn cơ quan, đơn vị, doanh nghiệp kết nghĩa"))
    elif organisation.kind not in PARTNER_KINDS:
        _add(errors, "organisation", gettext("%(name)s không phải cơ quan, đơn vị, doanh nghiệp có thể kết nghĩa") % {"name": organisation.name})
    elif not organisation.is_active:
        _add(errors, "organisation", gettext("%(name)s đã ngừng hoạt động") % {"name": organisation.name})
    if unit is None:
        _add(errors, "unit", gettext("Chưa chọn huyện hoặc xã kết nghĩa"))
    elif unit.level not in (Level.DISTRICT, Level.COMMUNE):
        _add(errors, "unit", gettext("%(name)s không phải huyện hay xã: chỉ kết nghĩa với huyện hoặc xã") % {"name": unit.name})
    if started_on is None:
        _add(errors, "started_on", gettext("Chưa nhập ngày bắt đầu kết nghĩa"))
    elif started_on > today_vn():
        _add(errors, "started_on", gettext("Ngày bắt đầu ở tương lai"))
    if started_on and ended_on and ended_on < started_on:
        _add(errors, "ended_on", gettext("Ngày kết thúc trước ngày bắt đầu (%(started_on)s)") % {"started_on": format_date(started_on)})
    if organisation is not None and unit is not None and started_on is not None:
        overlapping = TwinningPair.objects.filter(organisation=organisation, unit=unit)
        far = dt.date.max
        for other in overlapping:
            if other.started_on <= (ended_on or far) and started_on <= (other.ended_on or far):
                _add(errors, "unit", gettext("%(name)s đã kết nghĩa với %(name2)s từ %(started_on)s; hai thời kỳ không được chồng nhau") % {"name": organisation.name, "name2": unit.name, "started_on": format_date(other.started_on)})
                break
    _check_files(files, errors)
    if errors:
        raise ValidationError(errors)
    pair = TwinningPair.objects.create(
        organisation=organisation, unit=unit, started_on=started_on, ended_on=ended_on,
        agreement_number=nfc(agreement_number), content=(content or "").strip(),
        created_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action=AuditAction.CREATE, instance=pair, source=source)
    stored = uploads.store_uploads(list(files), folder=AGREEMENT_FOLDER, kinds=FILE_KINDS) if files else []
    try:
        _attach(actor, pair, stored, source)
    except BaseException:
        uploads.delete_stored([s.name for s in stored])
        raise
    return pair


@transaction.atomic
def pair_end(*, actor, pair: TwinningPair, ended_on: dt.date | None, source: str = "web") -> TwinningPair:
    _require_manage(actor, unit=pair.unit, organisation=pair.organisation)
    errors: dict[str, list[str]] = {}
    if ended_on is None:
        _add(errors, "ended_on", gettext("Chưa nhập ngày kết thúc"))
    elif ended_on < pair.started_on:
        _add(errors, "ended_on", gettext("Ngày kết thúc trước ngày bắt đầu (%(started_on)s)") % {"started_on": format_date(pair.started_on)})
    elif pair.activities.filter(date__gt=ended_on).exists():
        _add(errors, "ended_on", gettext("Đã có hoạt động ghi sau ngày này"))
    if errors:
        raise ValidationError(errors)
    model_update(actor=actor, instance=pair, data={"ended_on": ended_on}, source=source)
    return pair


STALE_MESSAGE = stale_message_lazy(gettext_lazy("Bản ghi này"))


@transaction.atomic
def pair_update(*, actor, pair: TwinningPair, expected_version: int, started_on: dt.date | None,
                ended_on: dt.date | None, agreement_number: str = "", content: str = "",
                source: str = "web") -> TwinningPair:
    """Correct a pair's period and agreement note. The partner and the twinned unit stay: a
    wrong pair is ended and a new one made. A different ``expected_version`` than the stored
    one means someone saved in between."""
    _require_manage(actor, unit=pair.unit, organisation=pair.organisation)
    current = lock_version(TwinningPair.objects.select_related("organisation", "unit"), pair.pk, expected_version,
                           message=STALE_MESSAGE)
    errors: dict[str, list[str]] = {}
    if started_on is None:
        _add(errors, "started_on", gettext("Chưa nhập ngày bắt đầu kết nghĩa"))
    elif started_on > today_vn():
        _add(errors, "started_on", gettext("Ngày bắt đầu ở tương lai"))
    if started_on and ended_on and ended_on < started_on:
        _add(errors, "ended_on", gettext("Ngày kết thúc trước ngày bắt đầu (%(started_on)s)") % {"started_on": format_date(started_on)})
    if started_on is not None:
        if current.activities.filter(date__lt=started_on).exists():
            _add(errors, "started_on", gettext("Đã có hoạt động ghi trước ngày này"))
        if current.evaluations.filter(year__lt=started_on.year).exists():
            _add(errors, "started_on", gettext("Đã có đánh giá năm trước năm bắt đầu này"))
    if ended_on is not None:
        if current.activities.filter(date__gt=ended_on).exists():
            _add(errors, "ended_on", gettext("Đã có hoạt động ghi sau ngày này"))
        if current.evaluations.filter(year__gt=ended_on.year).exists():
            _add(errors, "ended_on", gettext("Đã có đánh giá năm sau năm kết thúc này"))
    if started_on is not None and not errors:
        far = dt.date.max
        others = TwinningPair.objects.filter(organisation=current.organisation_id, unit=current.unit_id) \
            .exclude(pk=current.pk)
        for other in others:
            if other.started_on <= (ended_on or far) and started_on <= (other.ended_on or far):
                _add(errors, "started_on", gettext("%(name)s đã kết nghĩa với %(name2)s từ %(started_on)s; hai thời kỳ không được chồng nhau") % {"name": current.organisation.name, "name2": current.unit.name, "started_on": format_date(other.started_on)})
                break
    if errors:
        raise ValidationError(errors)
    model_update(actor=actor, instance=current, source=source, data={
        "started_on": started_on, "ended_on": ended_on, "agreement_number": nfc(agreement_number or "")[:60],
        "content": (content or "").strip()})
    return current


@transaction.atomic
def pair_attach_files(*, actor, pair: TwinningPair, files: Sequence, source: str = "web") -> list[AgreementFile]:
    _require_manage(actor, unit=pair.unit, organisation=pair.organisation)
    errors: dict[str, list[str]] = {}
    if not files:
        _add(errors, "files", gettext("Chưa chọn tệp nào"))
    _check_files(files, errors)
    if errors:
        raise ValidationError(errors)
    stored = uploads.store_uploads(list(files), folder=AGREEMENT_FOLDER, kinds=FILE_KINDS)
    try:
        return _attach(actor, pair, stored, source)
    except BaseException:
        uploads.delete_stored([s.name for s in stored])
        raise


# --- activities -----------------------------------------------------------------------------

def _households_problems(pair: TwinningPair, households: Sequence, errors: dict) -> None:
    """Beneficiary households must live in the twinned district or commune."""
    outside = [h for h in households if not h.unit.path.startswith(pair.unit.path)]
    if outside:
        codes = ", ".join(h.code for h in outside[:10])
        _add(errors, "households", gettext("%(outside)s hộ không thuộc %(name)s: %(codes)s") % {"outside": len(outside), "name": pair.unit.name, "codes": codes})


def _check_activity(errors: dict, *, pair: TwinningPair, kind, date, value_vnd, beneficiary_count, households,
                    initiative, description) -> tuple[int, int]:
    """The rules for one activity, shared by recording and correcting it."""
    if kind not in ActivityKind.values:
        _add(errors, "kind", gettext("Chưa chọn loại hoạt động"))
    if date is None:
        _add(errors, "date", gettext("Chưa nhập ngày hoạt động"))
    else:
        if date > today_vn():
            _add(errors, "date", gettext("Ngày hoạt động ở tương lai"))
        if date < pair.started_on or (pair.ended_on and date > pair.ended_on):
            period = (gettext("từ %(start)s đến %(end)s") % {"start": format_date(pair.started_on),
                                                                "end": format_date(pair.ended_on)}
                      if pair.ended_on else gettext("từ %(start)s") % {"start": format_date(pair.started_on)})
            _add(errors, "date", gettext("Ngày %(date)s nằm ngoài thời gian kết nghĩa (%(period)s)") % {"date": format_date(date), "period": period})
    value = 0
    try:
        value = parse_vnd(value_vnd if value_vnd not in (None, "") else 0, allow_zero=True)
    except ValueError as exc:
        _add(errors, "value_vnd", str(exc))
    if beneficiary_count is None:
        beneficiary_count = len(households)
    elif beneficiary_count < 0:
        _add(errors, "beneficiary_count", gettext("Số người, hộ hưởng lợi không được âm"))
    elif beneficiary_count < len(households):
        _add(errors, "beneficiary_count", gettext("Ít hơn số hộ đã chọn (%(households)s)") % {"households": len(households)})
    _households_problems(pair, households, errors)
    if initiative is not None and not initiative.unit.path.startswith(pair.unit.path):
        _add(errors, "initiative", gettext("Mô hình “%(name)s” không ở %(name2)s") % {"name": initiative.name, "name2": pair.unit.name})
    if not description:
        _add(errors, "description", gettext("Chưa nhập nội dung hoạt động"))
    return value, beneficiary_count


def _require_record(actor, pair: TwinningPair) -> None:
    if actor is not SYSTEM and not selectors.can_record_activity(actor, pair):
        if selectors.pairs_visible_to(actor).filter(pk=pair.pk).exists():
            raise PermissionDenied(gettext("Bạn không có quyền ghi hoạt động cho cặp kết nghĩa này"))
        raise Http404("Không tìm thấy")


@transaction.atomic
def activity_record(*, actor, pair: TwinningPair, kind: str, date: dt.date | None, value_vnd=0,
                    beneficiary_count: int | None = None, households: Iterable = (), initiative=None,
                    description: str = "", source: str = "web") -> Activity:
    _require_record(actor, pair)
    households = list(households)
    description = (description or "").strip()
    errors: dict[str, list[str]] = {}
    value, beneficiary_count = _check_activity(errors, pair=pair, kind=kind, date=date, value_vnd=value_vnd,
                                               beneficiary_count=beneficiary_count, households=households,
                                               initiative=initiative, description=description)
    if errors:
        raise ValidationError(errors)
    activity = Activity.objects.create(
        pair=pair, kind=kind, date=date, value_vnd=value, beneficiary_count=beneficiary_count,
        initiative=initiative, description=description, created_by=actor if getattr(actor, "pk", None) else None)
    if households:
        activity.households.set(households)
    audit_record(actor=actor, action=AuditAction.CREATE, instance=activity, source=source,
                 note=f"{pair}; {len(households)} hộ hưởng lợi" if households else str(pair))
    return activity


@transaction.atomic
def activity_update(*, actor, activity: Activity, expected_version: int, kind: str, date: dt.date | None,
                    value_vnd=0, beneficiary_count: int | None = None, description: str = "",
                    source: str = "web") -> Activity:
    """Correct an activity's kind, date, value, count and wording (same rules as recording it;
    the beneficiary households and the model stay as recorded)."""
    pair = activity.pair
    _require_record(actor, pair)
    current = lock_version(Activity.objects, activity.pk, expected_version, message=STALE_MESSAGE)
    households = list(current.households.select_related("unit"))
    description = (description or "").strip()
    errors: dict[str, list[str]] = {}
    value, count = _check_activity(errors, pair=pair, kind=kind, date=date, value_vnd=value_vnd,
                                   beneficiary_count=beneficiary_count, households=households,
                                   initiative=current.initiative, description=description)
    if errors:
        raise ValidationError(errors)
    model_update(actor=actor, instance=current, source=source, note=str(pair), data={
        "kind": kind, "date": date, "value_vnd": value, "beneficiary_count": count, "description": description})
    return current


# --- yearly evaluation ----------------------------------------------------------------------

@transaction.atomic
def evaluation_record(*, actor, pair: TwinningPair, year: int | None, scores: Mapping[str, object],
                      comment: str = "", expected_version: int | None = None, source: str = "web") -> Evaluation:
    """Record (or correct) a pair's evaluation for ``year``. Each criterion is scored 0–10;
    the total, the grade and the "only visits and gifts" flag are computed here.
    ``expected_version`` is the version of the year's evaluation when the page was opened (0: there
    was none): a different one means someone saved in between, and nothing is overwritten."""
    _require_manage(actor, unit=pair.unit, organisation=pair.organisation)
    errors: dict[str, list[str]] = {}
    if year is None:
        _add(errors, "year", gettext("Chưa chọn năm đánh giá"))
    elif year > today_vn().year:
        _add(errors, "year", gettext("Chưa thể đánh giá năm %(year)s") % {"year": year})
    elif not pair.active_in(year):
        _add(errors, "year", gettext("Năm %(year)s nằm ngoài thời gian kết nghĩa") % {"year": year})
    clean: dict[str, int] = {}
    for criterion in CRITERIA:
        raw = scores.get(criterion.value)
        if raw in (None, ""):
            _add(errors, criterion.value, gettext("Chưa chấm điểm"))
            continue
        try:
            value = int(str(raw).strip())
        except ValueError:
            _add(errors, criterion.value, gettext("“%(raw)s” không phải số nguyên") % {"raw": raw})
            continue
        if not 0 <= value <= MAX_SCORE:
            _add(errors, criterion.value, gettext("Điểm phải từ 0 đến %(MAX_SCORE)s") % {"MAX_SCORE": MAX_SCORE})
            continue
        clean[criterion.value] = value
    if errors:
        raise ValidationError(errors)
    summary = selectors.year_summary(pair, year)
    total = sum(clean.values())
    values = {**clean, "total": total, "visits_only": summary.visits_only,
              "grade": grade_for(total, visits_only=summary.visits_only), "comment": (comment or "").strip(),
              "evaluated_by": actor if getattr(actor, "pk", None) else None}
    # The pair's row lock makes evaluations of one pair take turns, a first one included (no row
    # lock can cover an evaluation that does not exist yet).
    TwinningPair.objects.select_for_update().get(pk=pair.pk)
    existing = Evaluation.objects.select_for_update().filter(pair=pair, year=year).first()
    if expected_version is not None and (existing.version if existing else 0) != int(expected_version):
        raise StaleVersion(STALE_MESSAGE)
    if existing is None:
        evaluation = Evaluation.objects.create(pair=pair, year=year, **values)
        audit_record(actor=actor, action=AuditAction.CREATE, instance=evaluation, source=source)
        return evaluation
    model_update(actor=actor, instance=existing, data=values, source=source)
    return existing
