"""Handing units their targets: ``set_target``, ``save_targets`` (a grid, a spreadsheet),
``clear_target``.

Who hands a target: the steering secretariat of the level above (``roles.TARGET_SET`` over the
unit's parent); an administrator (``roles.INDICATOR_DEFINE``) may set any target in their scope
(``selectors.may_set_target``). Everyone else who can see the unit reads it (403 on a write);
outside the reader's area the unit does not exist (404). Every problem of every target is found
before anything is written; a version that no longer matches raises ``Stale``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vuonlen.accounts import roles, scoping
from vuonlen.core.audit import audit_record, snapshot
from vuonlen.core.formats import format_datetime
from vuonlen.core.models import AuditAction
from vuonlen.core.text import nfc
from vuonlen.geo.models import AdministrativeUnit

from ..definitions import _fail
from ..models import Indicator, Target
from ..selectors import exists_in, may_set_target, phase_years
from ..values import LEVEL_NAMES, clean_value, show

STALE_MESSAGE = gettext_lazy("Chỉ tiêu này vừa được người khác sửa sau khi bạn mở trang; những gì bạn nhập chưa "
                              "được lưu. Hãy xem mức đang lưu rồi lưu lại.")


class Stale(ValidationError):
    """Someone saved the record after the person opened it: the page answers 409 and keeps what
    they typed."""

def require_target_right(actor, unit: AdministrativeUnit) -> None:
    """404 outside the reader's area; 403 for a unit they see but may not hand targets to."""
    if may_set_target(actor, unit):
        return
    if scoping.can(actor, roles.INDICATOR_VIEW, unit) or scoping.can(actor, roles.UNIT_VIEW, unit):
        raise PermissionDenied(_("Chỉ Thường trực Ban Chỉ đạo cấp trên giao chỉ tiêu cho đơn vị này"))
    raise Http404(_("Không tìm thấy"))


def clean_target(*, indicator: Indicator | None, unit: AdministrativeUnit | None, year: Any, value: Any,
                 document: str | None = "", phase_end: bool = False) -> tuple[dict, list[tuple[str, str]]]:
    """Every problem of one target at once, as (field, message); the cleaned fields."""
    problems: list[tuple[str, str]] = []
    cleaned: dict[str, Any] = {}
    if indicator is None:
        problems.append(("indicator", _("Hãy chọn chỉ tiêu")))
    elif not indicator.is_active:
        problems.append(("indicator", _("Chỉ tiêu %(code)s đã ngừng sử dụng") % {"code": indicator.code}))
    elif unit is not None and indicator.levels and unit.level not in indicator.levels:
        problems.append(("indicator", _("Chỉ tiêu “%(name)s” không giao cho cấp %(level)s") % {
            "name": indicator.short_name, "level": LEVEL_NAMES.get(unit.level, unit.level)}))
    if unit is None:
        problems.append(("unit", _("Hãy chọn đơn vị")))
    try:
        year = int(year) if year not in (None, "") else None
    except (TypeError, ValueError):
        problems.append(("year", _("“%(year)s” không phải là năm") % {"year": year}))
        year = None
    else:
        if year is None:
            problems.append(("year", _("Hãy nhập năm")))
    if year is not None:
        if unit is not None and not exists_in(unit, year):
            problems.append(("year", _("Năm %(year)s, %(unit)s chưa có hoặc không còn (sắp xếp đơn vị hành chính)")
                              % {"year": year, "unit": unit.name}))
        if indicator is not None:
            spans = phase_years(indicator)
            if not spans:
                problems.append(("year", _("Chỉ tiêu “%(name)s” chưa thuộc giai đoạn nào")
                                 % {"name": indicator.short_name}))
            elif not any(start <= year <= end for start, end in spans):
                shown = ", ".join(f"{start}–{end}" for start, end in spans)
                problems.append(("year", _("Năm %(year)s không thuộc giai đoạn của chỉ tiêu “%(name)s” (%(phases)s)")
                                 % {"year": year, "name": indicator.short_name, "phases": shown}))
            elif phase_end and not any(end == year for _start, end in spans):
                problems.append(("phase_end", _("Chỉ tiêu cuối giai đoạn phải giao cho năm cuối của giai đoạn")))
    if indicator is not None:
        cleaned["value"], messages = clean_value(indicator, value)
        problems += [("value", m) for m in messages]
    document = nfc(document or "")
    if len(document) > 120:
        problems.append(("document", _("Số, ký hiệu văn bản giao dài quá 120 ký tự")))
    cleaned.update(year=year, document=document, phase_end=bool(phase_end))
    return cleaned, problems

def _who(target: Target) -> str:
    user = target.set_by
    name = (getattr(user, "full_name", "") or getattr(user, "username", "")) if user else ""
    return name or _("người khác")


def stale_message(indicator: Indicator, unit: AdministrativeUnit, current: Target | None) -> str:
    if current is None:
        return _("%(name)s – %(unit)s: chỉ tiêu vừa bị người khác xoá sau khi bạn mở trang; những gì bạn nhập "
                 "chưa được lưu.") % {"name": indicator.short_name, "unit": unit.name}
    when = format_datetime(current.updated_at)
    return _("%(name)s – %(unit)s: chỉ tiêu vừa được %(who)s lưu lúc %(when)s (hiện là %(value)s), sau khi bạn mở "
             "trang; những gì bạn nhập chưa được lưu nhưng vẫn còn nguyên: hãy xem rồi lưu lại.") % {
        "name": indicator.short_name, "unit": unit.name, "who": _who(current), "when": when,
        "value": show(indicator.measure, current.value)}


def _is_stale(current: Target | None, expected_version: int | None) -> bool:
    """``expected_version``: None = not checked; 0 = there was no target when the page opened."""
    if expected_version is None:
        return False
    return (current.version if current is not None else 0) != int(expected_version)


# --- writing ------------------------------------------------------------------------------------

@dataclass
class TargetInput:
    """One target to set (or, with ``value`` blank and ``clear_if_blank``, to clear). ``key``
    names it in the errors (a grid cell, a spreadsheet row)."""

    indicator: Indicator
    unit: AdministrativeUnit
    year: int
    value: Any
    document: str = ""
    phase_end: bool = False
    expected_version: int | None = None
    clear_if_blank: bool = False
    key: str = ""


@dataclass
class SaveResult:
    created: list[Target] = field(default_factory=list)
    updated: list[Target] = field(default_factory=list)
    cleared: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return len(self.created) + len(self.updated) + self.cleared

    def summary(self) -> str:
        if not self.changed:
            return _("Không có thay đổi.")
        parts = []
        if self.created:
            parts.append(_("giao mới %(n)s") % {"n": len(self.created)})
        if self.updated:
            parts.append(_("sửa %(n)s") % {"n": len(self.updated)})
        if self.cleared:
            parts.append(_("xoá %(n)s") % {"n": self.cleared})
        return _("Đã lưu chỉ tiêu: %(parts)s.") % {"parts": ", ".join(parts)}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _write(actor, item: TargetInput, current: Target | None, cleaned: dict, source: str, note: str,
           result: SaveResult) -> None:
    setter = actor if getattr(actor, "pk", None) else None
    if current is None:
        try:
            with transaction.atomic():
                target = Target.objects.create(indicator=item.indicator, unit=item.unit, year=cleaned["year"],
                                               value=cleaned["value"], document=cleaned["document"],
                                               phase_end=cleaned["phase_end"], set_by=setter)
        except IntegrityError:
            # Someone handed the same target at the same moment (the page said "none yet"): on
            # PostgreSQL the row lock cannot cover a row that did not exist, the unique key does.
            theirs = (Target.objects.select_related("set_by")
                      .filter(indicator=item.indicator, unit=item.unit, year=cleaned["year"]).first())
            if theirs is None:
                raise
            raise Stale({item.key or NON_FIELD_ERRORS: [stale_message(item.indicator, item.unit, theirs)]}) from None
        audit_record(actor=actor, action=AuditAction.CREATE, instance=target, source=source, note=note)
        result.created.append(target)
        return
    if (current.value == cleaned["value"] and current.document == cleaned["document"]
            and current.phase_end == cleaned["phase_end"]):
        result.unchanged += 1
        return
    before = snapshot(current)
    current.value, current.document, current.phase_end = cleaned["value"], cleaned["document"], cleaned["phase_end"]
    current.set_by = setter or current.set_by
    current.version += 1
    current.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=current, before=before, source=source, note=note)
    result.updated.append(current)


def _clear(actor, current: Target, source: str, note: str) -> None:
    audit_record(actor=actor, action=AuditAction.DELETE, instance=current, source=source,
                 note=note or "Xoá chỉ tiêu đã giao")
    current.delete()


@transaction.atomic
def save_targets(*, actor, inputs: Sequence[TargetInput], source: str = "web", note: str = "") -> SaveResult:
    """Set many targets at once (a grid, a spreadsheet): every problem of every input is found
    first, keyed by ``input.key``; nothing is written unless all are clean. A version that no
    longer matches raises ``Stale`` (with the other problems, so the page lists them all)."""
    for item in inputs:
        require_target_right(actor, item.unit)
    keys = [(i.indicator.pk, i.unit.pk, int(i.year)) for i in inputs if i.indicator and i.unit and i.year]
    stored: dict[tuple[int, int, int], Target] = {}
    if keys:
        ids = {k[0] for k in keys}, {k[1] for k in keys}, {k[2] for k in keys}
        for target in (Target.objects.select_for_update(of=("self",)).select_related("set_by")
                       .filter(indicator_id__in=ids[0], unit_id__in=ids[1], year__in=ids[2])):
            stored[(target.indicator_id, target.unit_id, target.year)] = target
    errors: dict[str, list[str]] = defaultdict(list)
    stale = False
    plan: list[tuple[TargetInput, Target | None, dict | None]] = []
    for item in inputs:
        key = item.key or "value"
        current = stored.get((item.indicator.pk, item.unit.pk, int(item.year)))
        if _is_stale(current, item.expected_version):
            stale = True
            errors[key].append(stale_message(item.indicator, item.unit, current))
            continue
        if _blank(item.value) and item.clear_if_blank:
            plan.append((item, current, None))
            continue
        cleaned, problems = clean_target(indicator=item.indicator, unit=item.unit, year=item.year, value=item.value,
                                         document=item.document, phase_end=item.phase_end)
        for _field, message in problems:
            errors[key].append(message)
        plan.append((item, current, cleaned))
    if errors:
        raise (Stale if stale else ValidationError)(dict(errors))
    result = SaveResult()
    for item, current, cleaned in plan:
        if cleaned is None:
            if current is None:
                result.unchanged += 1
            else:
                _clear(actor, current, source, note)
                result.cleared += 1
            continue
        _write(actor, item, current, cleaned, source, note, result)
    return result


@transaction.atomic
def set_target(*, actor, indicator: Indicator, unit: AdministrativeUnit, year: Any, value: Any, document: str = "",
               phase_end: bool = False, expected_version: int | None = None, source: str = "web") -> Target:
    """Hand ``unit`` its target for ``indicator`` and ``year`` (create or change). Field errors
    come back together as field → messages; ``expected_version`` is the version the person read
    (0: there was none), anything else raises ``Stale``."""
    require_target_right(actor, unit)
    cleaned, problems = clean_target(indicator=indicator, unit=unit, year=year, value=value, document=document,
                                     phase_end=phase_end)
    current = None
    if cleaned.get("year") is not None and indicator is not None:
        current = (Target.objects.select_for_update(of=("self",)).select_related("set_by")
                   .filter(indicator=indicator, unit=unit, year=cleaned["year"]).first())
        if _is_stale(current, expected_version):
            raise Stale({NON_FIELD_ERRORS: [stale_message(indicator, unit, current)]})
    _fail(problems)
    result = SaveResult()
    _write(actor, TargetInput(indicator=indicator, unit=unit, year=cleaned["year"], value=cleaned["value"]),
           current, cleaned, source, "", result)
    return (result.created or result.updated or [current])[0]


@transaction.atomic
def clear_target(*, actor, target: Target, expected_version: int | None = None, source: str = "web") -> None:
    """Take a target back (audited, with what it was)."""
    require_target_right(actor, target.unit)
    current = Target.objects.select_for_update(of=("self",)).filter(pk=target.pk).first()
    if current is None or _is_stale(current, expected_version):
        raise Stale({NON_FIELD_ERRORS: [stale_message(target.indicator, target.unit, current)]})
    _clear(actor, current, source, "")
