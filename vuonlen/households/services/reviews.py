"""Yearly reviews: record under the year's standard, recognise, correct."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext

from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.core.text import nfc
from vuonlen.core.versioning import model_update
from vuonlen.indicators import rollups

from .. import validation, year_standards
from ..models import (
    Household,
    PovertyLineSetting,
    Review,
    ReviewKind,
)
from ._shared import (
    RECOGNISED_MESSAGE,
    _fail,
    _household_event,
    _lock,
    _status_label,
    check_can_edit,
    check_recognised_writable,
)
from .members import _open_memberships

# --- reviews ----------------------------------------------------------------------------------

def indicator_names(year: int) -> dict[str, str]:
    """Indicator code → Vietnamese name for the standard of ``year`` ({} if the year has none)."""
    standard = year_standards.standard_or_none(year)
    return {i.code: i.name_vi for i in standard.indicators} if standard is not None else {}


def lines_for(standard_code: str, area: str) -> dict[str, int]:
    """The administrator's values for lines our sources do not give (``PovertyLineSetting``),
    as ``poverty.classify(lines=…)`` takes them for one area."""
    return {kind: int(value) for kind, value in PovertyLineSetting.objects.filter(
        standard=standard_code, area=area).values_list("kind", "value")}


def _standard_code(year: int) -> str | None:
    standard = year_standards.standard_or_none(year)
    return standard.code if standard is not None else None


# classify() names its arguments; the review's fields are named after the model.
_CLASSIFY_FIELDS = {"income": "income_per_capita", "lacking_count": "lacking"}


def _classify(*, year: int, area: str, income, score_a, lacking: list[str]):
    """The status under the year's standard, with the administrator's lines; errors as ValidationError."""
    from vuonlen import poverty

    code = _standard_code(year)
    if code is None:
        raise ValidationError({"year": [gettext("Chưa có chuẩn nghèo áp dụng cho năm %(year)s") % {"year": year}]})
    lines = lines_for(code, area)
    try:
        return year_standards.classify(year=year, area=area, income=income, score_a=score_a, lacking=lacking,
                                       lines=lines or None)
    except poverty.InvalidClassification as exc:
        _fail((_CLASSIFY_FIELDS.get(f, f), message) for f, message in exc.problems)
        raise


def _json_ready(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_json_ready(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value.value if hasattr(value, "value") and not isinstance(value, bool) else value
    return str(getattr(value, "code", None) or getattr(value, "value", None) or value)


def apply_classification(review: Review, result) -> None:
    review.standard = str(getattr(result.standard, "code", result.standard))
    review.status = str(getattr(result.status, "value", result.status))
    review.lacking = [str(code) for code in (result.lacking or [])]
    review.lacking_count = result.lacking_count or 0
    review.score_b = result.score_b or 0
    data = result.as_dict() if hasattr(result, "as_dict") else {}
    data = _json_ready(data)
    data.setdefault("explanation_vi", list(getattr(result, "explanation_vi", []) or []))
    review.explanation = data


def _review_input(*, year: int, income_per_capita, score_a, lacking, kind: str, reviewed_on,
                  farming=None) -> tuple[dict, list]:
    data = {"income_per_capita": income_per_capita, "score_a": score_a, "lacking": lacking, "kind": kind,
            "reviewed_on": reviewed_on, "farming": farming}
    return validation.clean_review(data, indicators=indicator_names(year) or None, year=year)


def _persons_on(household: Household, on: dt.date) -> int:
    return _open_memberships(household, on).count()


@transaction.atomic
def review_record(*, actor, household: Household, year: int, income_per_capita: Any = None, score_a: Any = None,
                  lacking: Iterable[str] | str | None = (), kind: str = ReviewKind.PERIODIC,
                  reviewed_on: dt.date | None = None, farming: Any = None, source: str = "web") -> Review:
    """Record a household's review for ``year`` under that year's standard.

    Snapshots the commune, unit, area, ethnic-minority flag and the persons in the household
    on the review date, so later moves never change past tables. An earlier unrecognised
    review of the same year is superseded (kept, no longer current); a recognised one is
    frozen and can only be corrected (``review_correct``).
    """
    check_can_edit(actor=actor, unit=household.unit)
    current = _lock(household)
    cleaned, problems = _review_input(year=year, income_per_capita=income_per_capita, score_a=score_a,
                                      lacking=lacking, kind=kind, reviewed_on=reviewed_on, farming=farming)
    on = cleaned["reviewed_on"] or today_vn()
    if cleaned["reviewed_on"] and cleaned["reviewed_on"] > today_vn():
        problems.append(("reviewed_on", gettext("Ngày rà soát ở tương lai")))
    existing = Review.objects.select_for_update().filter(household=current, year=year, is_current=True).first()
    if existing is not None and existing.recognised:
        problems.append((NON_FIELD_ERRORS, RECOGNISED_MESSAGE.format(year=year)))
    if current.ended_on and current.ended_on <= on:
        problems.append((NON_FIELD_ERRORS, gettext("Hộ đã kết thúc ngày %(ended_on)s") % {"ended_on": format(current.ended_on, '%d/%m/%Y')}))
    persons = _persons_on(current, on)
    if persons == 0 and not current.ended_on:
        problems.append((NON_FIELD_ERRORS, gettext("Hộ không có nhân khẩu nào vào ngày %(on)s") % {"on": format(on, '%d/%m/%Y')}))
    _fail(problems)
    result = _classify(year=year, area=current.area, income=cleaned["income_per_capita"],
                       score_a=cleaned["score_a"], lacking=cleaned["lacking"])

    if existing is not None:
        model_update(actor=actor, instance=existing, data={"is_current": False}, source=source,
                     note="Thay bằng kết quả rà soát mới")
    review = Review(
        household=current, year=year, kind=cleaned["kind"], reviewed_on=cleaned["reviewed_on"],
        commune=current.commune, unit=current.unit, area=current.area,
        is_ethnic_minority=current.is_ethnic_minority, persons=persons,
        income_per_capita=cleaned["income_per_capita"], score_a=cleaned["score_a"], supersedes=existing,
        farming=cleaned["farming"],
    )
    apply_classification(review, result)
    review.save()
    audit_record(actor=actor, action=AuditAction.CREATE, instance=review, source=source)
    rollups.schedule(rollups.touched(review, *([existing] if existing is not None else [])))
    _household_event(actor=actor, household=current, source=source,
                     note=f"Rà soát năm {year}: {_status_label(review.status)}")
    return review


def _refresh_current_status(*, actor, household: Household, source: str) -> None:
    """Household.current_status = the status of its latest recognised current review."""
    latest = (Review.objects.filter(household=household, is_current=True, recognised=True)
              .order_by("-year").values_list("status", "year").first())
    status, year = latest if latest else ("", None)
    if (household.current_status, household.current_status_year) == (status, year):
        return
    model_update(actor=actor, instance=household, data={"current_status": status, "current_status_year": year},
                 source=source, note="Cập nhật tình trạng theo kết quả được công nhận")


def _check_decision(*, number: str, date: dt.date | None, review: Review, problems: list) -> None:
    if not number:
        problems.append(("decision_number", gettext("Thiếu số quyết định công nhận")))
    elif len(number) > 60:
        problems.append(("decision_number", gettext("Số quyết định dài quá 60 ký tự")))
    if date is None:
        problems.append(("decision_date", gettext("Thiếu ngày quyết định")))
    else:
        if date > today_vn():
            problems.append(("decision_date", gettext("Ngày quyết định ở tương lai")))
        if review.reviewed_on and date < review.reviewed_on:
            problems.append(("decision_date", gettext("Ngày quyết định trước ngày rà soát")))


@transaction.atomic
def review_recognise(*, actor, review: Review, decision_number: str, decision_date: dt.date | None,
                     source: str = "web") -> Review:
    """The commune's decision recognises the review: from now on it is frozen."""
    check_can_edit(actor=actor, unit=review.household.unit)
    household = _lock(review.household)
    review = Review.objects.select_for_update().get(pk=review.pk)
    problems: list[tuple[str, str]] = []
    if not review.is_current:
        problems.append((NON_FIELD_ERRORS, gettext("Kết quả này đã được thay bằng kết quả khác")))
    if review.recognised:
        problems.append((NON_FIELD_ERRORS, gettext("Kết quả này đã được công nhận")))
    number = nfc(decision_number)
    _check_decision(number=number, date=decision_date, review=review, problems=problems)
    _fail(problems)
    model_update(actor=actor, instance=review, source=source, note="Công nhận kết quả rà soát",
                 data={"recognised": True, "decision_number": number, "decision_date": decision_date})
    rollups.schedule(rollups.touched(review))
    _household_event(actor=actor, household=household, source=source,
                     note=f"Công nhận kết quả rà soát năm {review.year} (quyết định {number})")
    _refresh_current_status(actor=actor, household=household, source=source)
    return review


@transaction.atomic
def review_correct(*, actor, review: Review, reason: str, income_per_capita: Any = None, score_a: Any = None,
                   lacking: Iterable[str] | str | None = (), kind: str | None = None,
                   reviewed_on: dt.date | None = None, persons: int | None = None,
                   decision_number: str | None = None, decision_date: dt.date | None = None,
                   farming: Any = None, source: str = "web") -> Review:
    """A correction: a new review that supersedes ``review`` (kept, no longer current), with a reason.

    The snapshot (commune, unit, area, ethnic-minority flag) is the corrected review's; the
    persons count may be corrected too. A correction of a recognised review stays recognised,
    under the same decision unless a new one is given.
    """
    check_can_edit(actor=actor, unit=review.household.unit)
    check_recognised_writable(actor=actor, review=review)
    household = _lock(review.household)
    old = Review.objects.select_for_update().get(pk=review.pk)
    kind = kind or old.kind
    cleaned, problems = _review_input(year=old.year, income_per_capita=income_per_capita, score_a=score_a,
                                      lacking=lacking, kind=kind, reviewed_on=reviewed_on or old.reviewed_on,
                                      farming=farming)
    reason = nfc(reason)
    if not old.is_current:
        problems.append((NON_FIELD_ERRORS, gettext("Chỉ đính chính được kết quả hiện hành")))
    if not reason:
        problems.append(("reason", gettext("Thiếu lý do đính chính")))
    elif len(reason) > 500:
        problems.append(("reason", gettext("Lý do dài quá 500 ký tự")))
    if persons is not None and not 1 <= persons <= 100:
        problems.append(("persons", gettext("Số nhân khẩu phải từ 1 đến 100")))
    number = nfc(decision_number) if decision_number else old.decision_number
    date = decision_date or old.decision_date
    if old.recognised and (decision_number or decision_date):
        _check_decision(number=number, date=date, review=old, problems=problems)
    _fail(problems)
    result = _classify(year=old.year, area=old.area, income=cleaned["income_per_capita"],
                       score_a=cleaned["score_a"], lacking=cleaned["lacking"])

    model_update(actor=actor, instance=old, data={"is_current": False}, source=source, note="Được đính chính")
    new = Review(
        household=household, year=old.year, kind=cleaned["kind"], reviewed_on=cleaned["reviewed_on"],
        commune_id=old.commune_id, unit_id=old.unit_id, area=old.area, is_ethnic_minority=old.is_ethnic_minority,
        persons=persons or old.persons, income_per_capita=cleaned["income_per_capita"], score_a=cleaned["score_a"],
        recognised=old.recognised, decision_number=number if old.recognised else "",
        decision_date=date if old.recognised else None, supersedes=old, correction_reason=reason,
        farming=old.farming if cleaned["farming"] is None else cleaned["farming"],
    )
    apply_classification(new, result)
    new.save()
    audit_record(actor=actor, action=AuditAction.CREATE, instance=new, source=source, note="Đính chính")
    rollups.schedule(rollups.touched(old, new))
    _household_event(actor=actor, household=household, source=source,
                     note=f"Đính chính kết quả rà soát năm {old.year}: {_status_label(new.status)}")
    if new.recognised:
        _refresh_current_status(actor=actor, household=household, source=source)
    return new
