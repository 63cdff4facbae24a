"""Every write of village surveys: validate (every problem at once), check scope, write, audit.

Bad input raises ``ValidationError`` keyed by form field and writes nothing (files included);
outside the area ``Http404``; in the area without the right ``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vuonlen.accounts import roles, scoping
from vuonlen.core import uploads
from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.core.text import nfc
from vuonlen.core.versioning import lock_version, model_update, stale_message
from vuonlen.geo.models import AdministrativeUnit, Level

from .models import MarketAccess, PovertyCause, SurveyCause, SurveyFile, VillageSurvey

FILE_FOLDER = "surveys/files"
FILE_KINDS = uploads.DOCUMENT_KINDS
YEAR_MIN = 2015
TEXT_FIELDS = ("situation", "thinking_and_working", "customs_to_drop", "notes")
LINE_FIELDS = {"main_crops": 300, "main_livestock": 300, "land_note": 300, "market_note": 300, "surveyed_by": 200}
COUNT_FIELDS = ("households_total", "poor_households", "near_poor_households")


def stale() -> str:
    return stale_message(_("Bản khảo sát này"))


def _add(errors: dict, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _require_edit(actor, village: AdministrativeUnit) -> None:
    scoping.require(actor, roles.SURVEY_EDIT, village, seen_with=roles.SURVEY_VIEW,
                    message=_("Bạn không có quyền nhập khảo sát cho thôn này"))


def clean_survey(data: Mapping, *, village: AdministrativeUnit | None, year, today: dt.date | None = None,
                 causes: Mapping[int, int] | None = None) -> tuple[dict, dict[str, list[str]]]:
    """The survey's fields, cleaned, and every problem (by field). Shared by the page and the
    import, so both apply the same rules."""
    today = today or today_vn()
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    if village is None:
        _add(errors, "village", _("Chưa chọn thôn, làng"))
    elif village.level != Level.VILLAGE:
        _add(errors, "village", _("%(name)s không phải thôn, làng") % {"name": village.name})
    if not isinstance(year, int) or not YEAR_MIN <= year <= today.year + 1:
        _add(errors, "year", _("Năm phải từ %(low)s đến %(high)s") % {"low": YEAR_MIN, "high": today.year + 1})
    elif village is not None and village.level == Level.VILLAGE:
        valid_from, valid_to = village.valid_from, village.valid_to
        if (valid_to and year > valid_to.year) or (valid_from and year < valid_from.year):
            _add(errors, "year", _("Thôn %(name)s không còn (hoặc chưa có) trong năm %(year)s: hãy chọn thôn "
                                   "của thời kỳ đó") % {"name": village.name, "year": year})
    for name in TEXT_FIELDS:  # multi-line: NFC with the line breaks kept (``nfc`` collapses them)
        cleaned[name] = unicodedata.normalize("NFC", str(data.get(name) or "")).replace("\r\n", "\n").strip()
    for name, limit in LINE_FIELDS.items():
        value = nfc(data.get(name) or "").strip()
        if len(value) > limit:
            _add(errors, name, _("Dài quá %(n)s ký tự") % {"n": limit})
        cleaned[name] = value[:limit]
    if not cleaned["surveyed_by"]:
        _add(errors, "surveyed_by", _("Chưa nhập người khảo sát"))
    surveyed_on = data.get("surveyed_on")
    if surveyed_on is None:
        _add(errors, "surveyed_on", _("Chưa nhập ngày khảo sát"))
    elif surveyed_on > today:
        _add(errors, "surveyed_on", _("Ngày khảo sát ở tương lai"))
    cleaned["surveyed_on"] = surveyed_on
    for name in COUNT_FIELDS:
        value = data.get(name)
        if value in ("", None):
            cleaned[name] = None
            continue
        if not isinstance(value, int) or value < 0:
            _add(errors, name, _("Phải là số nguyên không âm"))
            value = None
        cleaned[name] = value
    total = cleaned.get("households_total")
    poor, near = cleaned.get("poor_households") or 0, cleaned.get("near_poor_households") or 0
    if total is not None and poor + near > total:
        _add(errors, "poor_households", _("Số hộ nghèo và cận nghèo (%(n)s) lớn hơn tổng số hộ (%(total)s)")
             % {"n": poor + near, "total": total})
    farmland = data.get("farmland_ha")
    if farmland in ("", None):
        cleaned["farmland_ha"] = None
    else:
        try:
            farmland = Decimal(str(farmland))
            if farmland < 0 or farmland >= Decimal("100000000"):
                raise InvalidOperation
            cleaned["farmland_ha"] = farmland.quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            _add(errors, "farmland_ha", _("Diện tích đất không hợp lệ"))
            cleaned["farmland_ha"] = None
    market = data.get("market_access") or ""
    if market and market not in MarketAccess.values:
        _add(errors, "market_access", _("Mức tiếp cận thị trường không hợp lệ"))
    cleaned["market_access"] = market
    cleaned["especially_difficult"] = bool(data.get("especially_difficult"))
    cleaned["new_rural_area"] = bool(data.get("new_rural_area"))
    counts: dict[int, int] = {}
    if causes:
        known = {c.pk: c for c in PovertyCause.objects.filter(pk__in=list(causes))}
        for cause_id, value in causes.items():
            if value in (None, "", 0):
                continue
            cause = known.get(cause_id)
            if cause is None:
                _add(errors, "causes", _("Không có nguyên nhân mã %(id)s trong danh mục") % {"id": cause_id})
            elif not isinstance(value, int) or value < 0:
                _add(errors, f"cause_{cause_id}", _("“%(name)s”: số hộ phải là số nguyên không âm")
                     % {"name": cause.name})
            elif total is not None and value > total:
                _add(errors, f"cause_{cause_id}", _("“%(name)s”: %(n)s hộ, nhiều hơn tổng số hộ (%(total)s)")
                     % {"name": cause.name, "n": value, "total": total})
            else:
                counts[cause_id] = value
    cleaned["causes"] = counts
    return cleaned, errors


def _write_causes(survey: VillageSurvey, counts: Mapping[int, int]) -> dict:
    before = {str(r.cause_id): r.households for r in survey.cause_counts.all()}
    survey.cause_counts.all().delete()
    SurveyCause.objects.bulk_create([SurveyCause(survey=survey, cause_id=k, households=v) for k, v in counts.items()])
    after = {str(k): v for k, v in counts.items()}
    return {} if before == after else {"causes": [before, after]}


def _check_files(files: Sequence, errors: dict) -> None:
    for upload in files:
        try:
            uploads.check_upload(upload, kinds=FILE_KINDS)
        except uploads.UploadRejected as exc:
            for message in exc.messages:
                _add(errors, "files", message)


def _attach(actor, survey: VillageSurvey, files: Sequence, source: str) -> list[SurveyFile]:
    stored = uploads.store_uploads(list(files), folder=FILE_FOLDER, kinds=FILE_KINDS) if files else []
    made = []
    try:
        for item in stored:
            record = SurveyFile.objects.create(survey=survey, uploaded_by=actor if getattr(actor, "pk", None) else None,
                                               **item.fields())
            audit_record(actor=actor, action=AuditAction.CREATE, instance=record, source=source, note=str(survey))
            made.append(record)
    except BaseException:
        uploads.delete_stored([s.name for s in stored])
        raise
    return made


@transaction.atomic
def survey_create(*, actor, village: AdministrativeUnit | None, year, data: Mapping,
                  causes: Mapping[int, int] | None = None, files: Sequence = (), source: str = "web") -> VillageSurvey:
    if village is not None:
        _require_edit(actor, village)
    cleaned, errors = clean_survey(data, village=village, year=year, causes=causes)
    if village is not None and isinstance(year, int) and VillageSurvey.objects.filter(village=village,
                                                                                      year=year).exists():
        _add(errors, "year", _("%(village)s đã có khảo sát năm %(year)s; hãy sửa bản đã có")
             % {"village": village.name, "year": year})
    _check_files(files, errors)
    if errors:
        raise ValidationError(errors)
    counts = cleaned.pop("causes")
    survey = VillageSurvey.objects.create(village=village, year=year, created_by=actor if getattr(actor, "pk", None)
                                          else None, **cleaned)
    SurveyCause.objects.bulk_create([SurveyCause(survey=survey, cause_id=k, households=v) for k, v in counts.items()])
    audit_record(actor=actor, action=AuditAction.CREATE, instance=survey, source=source,
                 note=_("Nguyên nhân: %(n)s loại") % {"n": len(counts)})
    _attach(actor, survey, files, source)
    return survey


@transaction.atomic
def survey_update(*, actor, survey: VillageSurvey, expected_version: int | None, data: Mapping,
                  causes: Mapping[int, int] | None = None, files: Sequence = (), source: str = "web") -> VillageSurvey:
    """Correct a survey (the village and year stay). A stale version is refused."""
    _require_edit(actor, survey.village)
    current = lock_version(VillageSurvey.objects.select_related("village"), survey.pk, expected_version,
                           message=stale())
    cleaned, errors = clean_survey(data, village=current.village, year=current.year, causes=causes)
    _check_files(files, errors)
    if errors:
        raise ValidationError(errors)
    counts = cleaned.pop("causes")
    changed_causes = _write_causes(current, counts)
    changed = model_update(actor=actor, instance=current, data=cleaned, source=source)
    if changed_causes:
        if not changed:
            current.version += 1
            current.save(update_fields=["version", "updated_at"])
        before, after = changed_causes["causes"]
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=current, source=source,
                     before={"cause_counts": before}, after={"cause_counts": after},
                     note=_("Sửa số hộ theo nguyên nhân"))
    _attach(actor, current, files, source)
    return current


@transaction.atomic
def survey_attach_files(*, actor, survey: VillageSurvey, files: Sequence, source: str = "web") -> list[SurveyFile]:
    _require_edit(actor, survey.village)
    errors: dict[str, list[str]] = {}
    if not files:
        _add(errors, "files", _("Chưa chọn tệp nào"))
    _check_files(files, errors)
    if errors:
        raise ValidationError(errors)
    return _attach(actor, survey, files, source)
