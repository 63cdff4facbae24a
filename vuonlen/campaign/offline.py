"""The offline mentor app's data: what the phone keeps (the mentor's own households, the visit
topics, the assessment form) and the sending of its queue.

Each queued item carries the UUID the phone gave it; the services store it (unique) so a send
repeated after a lost answer finds the record already made and writes nothing new. Every item
goes through the same services as the pages (scope, validation, audit), one transaction each,
and gets its own answer: ``saved``, ``invalid`` (the errors, in Vietnamese), ``conflict`` (the
server's copy changed since the phone read it, or the household ended: the mentor chooses) or
``not_found`` (not a household of theirs any more: same answer as one that never existed).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from vuonlen.core.periods import today_vn
from vuonlen.core.versioning import StaleVersion

from . import selectors, services
from .models import CRITERIA, CRITERIA_FIELDS, Assessment, Visit

SOURCE = "offline"
MAX_ITEMS = 20
MAX_PHOTO_BYTES = 3 * 1024 * 1024
MAX_AGE_DAYS = 7  # the phone shows no data older than this, and fetches it again


class BadRequest(ValueError):
    """The body is not what the app sends: refused whole, nothing written."""


# --- what the phone keeps ----------------------------------------------------------------------

def _assessment_data(assessment: Assessment) -> dict[str, Any]:
    data = {field: getattr(assessment, field) for field in CRITERIA_FIELDS}
    data.update(id=assessment.pk, year=assessment.year, version=assessment.version,
                assessed_on=assessment.assessed_on.isoformat(), told_topics=list(assessment.told_topics),
                note=assessment.note)
    return data


def app_data(user) -> dict[str, Any]:
    """The mentor's own households ("Hộ tôi phụ trách") with this year's and last year's
    assessments (their versions, for editing offline), the topics and the form's definition."""
    from vuonlen.outreach.models import Topic

    from .forms import CRITERIA_GROUPS

    today = today_vn()
    years = [today.year, today.year - 1]
    households = selectors.my_households(user)
    by_household: dict[int, dict[str, Any]] = {}
    for assessment in selectors.assessments_visible_to(user).filter(household__in=[h.pk for h in households],
                                                                     year__in=years):
        by_household.setdefault(assessment.household_id, {})[str(assessment.year)] = _assessment_data(assessment)
    handbook = [(t.number, f"{t.number}. {t.name}") for t in Topic.objects.filter(is_active=True).order_by("number")]
    return {
        "user": {"id": user.pk, "name": user.get_full_name() or user.get_username()},
        "fetched_at": timezone.now().isoformat(),
        "max_age_days": MAX_AGE_DAYS,
        "today": today.isoformat(),
        "years": years,
        "households": [{
            "id": h.pk, "code": h.code, "head_name": h.head_name, "village": h.unit.name,
            "last_visit": h.last_visit.isoformat() if h.last_visit else None,
            "assessments": by_household.get(h.pk, {}),
        } for h in households],
        "visit_topics": [[code, str(label)] for code, label in services.VISIT_TOPICS],
        "criteria": [[code, str(label)] for code, label in CRITERIA],
        "criteria_groups": [[str(label), list(codes)] for label, codes in CRITERIA_GROUPS],
        "handbook_topics": handbook or [[n, str(n)] for n in range(1, 11)],
    }


# --- sending the queue ---------------------------------------------------------------------------

def _date(value: Any, field: str, problems: list[tuple[str, str]]) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append((field, _("Ngày “%(value)s” không hợp lệ") % {"value": str(value)[:20]}))
        return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _photo(value: Any, problems: list[tuple[str, str]]):
    """The photo the phone resized, as base64: an upload for the service's own checks."""
    if not value:
        return None
    if not isinstance(value, Mapping) or not isinstance(value.get("data"), str):
        problems.append(("photo", _("Ảnh gửi lên không đúng dạng")))
        return None
    if len(value["data"]) > MAX_PHOTO_BYTES * 4 // 3 + 4:
        problems.append(("photo", _("Ảnh quá lớn (tối đa %(mb)s MB)") % {"mb": MAX_PHOTO_BYTES // (1024 * 1024)}))
        return None
    try:
        content = base64.b64decode(value["data"], validate=True)
    except (binascii.Error, ValueError):
        problems.append(("photo", _("Ảnh gửi lên không đọc được")))
        return None
    kind = "png" if value.get("type") == "image/png" else "jpg"
    return SimpleUploadedFile(f"anh-tham-ho.{kind}", content, content_type=f"image/{'png' if kind == 'png' else 'jpeg'}")


def _errors(exc: ValidationError, problems: list[tuple[str, str]]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field, message in problems:
        errors.setdefault(field, []).append(message)
    for field, messages in (exc.message_dict.items() if hasattr(exc, "error_dict") else
                            [(NON_FIELD_ERRORS, exc.messages)]):
        for message in messages:
            if message not in errors.get(field, []):
                errors.setdefault(field, []).append(message)
    return errors


def _send_visit(user, household, item_uuid, data: Mapping[str, Any], force: bool) -> dict[str, Any]:
    already = Visit.objects.filter(client_uuid=item_uuid, household=household).first()
    if already is not None:
        return {"status": "saved", "id": already.pk}
    problems: list[tuple[str, str]] = []
    visited_on = _date(data.get("visited_on"), "visited_on", problems)
    if household.ended_on is not None and not force:
        return {"status": "conflict", "reason": "household_ended",
                "message": _("Hộ đã kết thúc theo dõi ngày %(date)s") % {"date": f"{household.ended_on:%d/%m/%Y}"}}
    topics = data.get("topics") if isinstance(data.get("topics"), list) else []
    try:
        visit = services.visit_log(
            actor=user, household=household, visited_on=visited_on, topics=[str(t) for t in topics][:20],
            discussed=_text(data.get("discussed")), advice=_text(data.get("advice")),
            production_model=_text(data.get("production_model")), next_step=_text(data.get("next_step")),
            photo=_photo(data.get("photo"), problems) if not problems else None,
            client_uuid=item_uuid, source=SOURCE)
    except ValidationError as exc:
        return {"status": "invalid", "errors": _errors(exc, problems)}
    if problems:  # a photo that could not be read although the rest was fine: say so, keep nothing
        raise _Rollback({"status": "invalid", "errors": _errors(ValidationError([]), problems)})
    return {"status": "saved", "id": visit.pk}


class _Rollback(Exception):
    def __init__(self, result: dict[str, Any]):
        super().__init__("rollback")
        self.result = result


def _assessment_conflict(current: Assessment) -> dict[str, Any]:
    return {"status": "conflict", "reason": "assessment_changed", "server": _assessment_data(current),
            "message": _("Đánh giá năm %(year)s của hộ đã được người khác ghi hoặc sửa trong lúc bạn "
                         "ngoại tuyến") % {"year": current.year}}


def _send_assessment(user, household, item_uuid, data: Mapping[str, Any]) -> dict[str, Any]:
    already = Assessment.objects.filter(client_uuid=item_uuid, household=household).first()
    if already is not None:
        return {"status": "saved", "id": already.pk, "server": _assessment_data(already)}
    problems: list[tuple[str, str]] = []
    year = data.get("year")
    year = year if isinstance(year, int) and not isinstance(year, bool) else None
    base_version = data.get("base_version")
    base_version = base_version if isinstance(base_version, int) and not isinstance(base_version, bool) else None
    existing = Assessment.objects.filter(household=household, year=year).first() if year else None
    if existing is not None and base_version is None:  # the phone made one while someone else did too
        return _assessment_conflict(existing)
    values = {field: bool(data.get(field)) for field in CRITERIA_FIELDS}
    values.update(assessed_on=_date(data.get("assessed_on"), "assessed_on", problems),
                  told_topics=data.get("told_topics") if isinstance(data.get("told_topics"), list) else [],
                  note=_text(data.get("note")))
    try:
        assessment = services.assessment_record(actor=user, household=household, year=year, data=values,
                                                expected_version=base_version if existing else None,
                                                client_uuid=item_uuid, source=SOURCE)
    except StaleVersion:  # the service's own version check: someone saved since the phone read it
        return _assessment_conflict(Assessment.objects.get(household=household, year=year))
    except ValidationError as exc:
        return {"status": "invalid", "errors": _errors(exc, problems)}
    if problems:
        raise _Rollback({"status": "invalid", "errors": _errors(ValidationError([]), problems)})
    return {"status": "saved", "id": assessment.pk, "server": _assessment_data(assessment)}


def _send_one(user, item: Any) -> dict[str, Any]:
    from django.db import transaction

    if not isinstance(item, Mapping):
        return {"uuid": None, "status": "invalid", "errors": {NON_FIELD_ERRORS: [_("Mục gửi lên không đúng dạng")]}}
    try:
        item_uuid = uuid.UUID(str(item.get("uuid")))
    except ValueError:
        return {"uuid": item.get("uuid") if isinstance(item.get("uuid"), str) else None, "status": "invalid",
                "errors": {NON_FIELD_ERRORS: [_("Mục gửi lên thiếu mã (uuid)")]}}
    answer: dict[str, Any] = {"uuid": str(item_uuid)}
    kind = item.get("kind")
    data = item.get("data") if isinstance(item.get("data"), Mapping) else {}
    if kind not in ("visit", "assessment"):
        return answer | {"status": "invalid", "errors": {NON_FIELD_ERRORS: [_("Loại mục không rõ")]}}
    try:
        with transaction.atomic():
            household = selectors.get_household_for_user_or_404(user, item.get("household"))
            if kind == "visit":
                return answer | _send_visit(user, household, item_uuid, data, force=item.get("force") is True)
            return answer | _send_assessment(user, household, item_uuid, data)
    except _Rollback as rollback:
        return answer | rollback.result
    except (Http404, PermissionDenied):
        return answer | {"status": "not_found",
                         "message": _("Hộ này không (còn) trong danh sách hộ bạn phụ trách; không ghi được")}


def sync(user, body: Any) -> list[dict[str, Any]]:
    """Send each of the phone's items: one answer per item, in order."""
    if not isinstance(body, Mapping) or not isinstance(body.get("items"), list):
        raise BadRequest(_("Dữ liệu gửi lên phải có danh sách “items”"))
    items = body["items"]
    if len(items) > MAX_ITEMS:
        raise BadRequest(_("Mỗi lần gửi tối đa %(n)s mục") % {"n": MAX_ITEMS})
    return [_send_one(user, item) for item in items]
