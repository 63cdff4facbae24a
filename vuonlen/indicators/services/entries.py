"""The figures units enter themselves (``Source.ENTERED``): ``enter_values`` (a unit's figures
for a year, together), ``enter_value`` (one).

Who: ``roles.INDICATOR_ENTER`` on the unit (the commune's officer, the secretariat above it,
the administrator); 403 to a reader of the unit, 404 outside their area. Saving goes through
the ORM, so the roll-ups refresh when the transaction commits (``signals``).

Where a figure is entered: a yes/no is answered by each commune (the district's rate counts
every commune, answered or not: ``sources``); a value indicator by the lowest level it is set
at (at most the commune, ``selectors.entry_level``), so that a district's figure is always the
sum of its communes' and nothing is counted twice. The entry form is built in
``forms.EntryForm`` / ``views_targets``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import audit_record, snapshot
from vuonlen.core.formats import format_date, parse_number
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.core.text import nfc
from vuonlen.core.years import FIRST_YEAR
from vuonlen.geo.models import AdministrativeUnit

from .. import rollups
from ..models import EnteredValue, EntryKind, Indicator, Measure, Source
from ..selectors import entry_level
from ..values import LEVEL_NAMES
from .targets import Stale


def stale_text(name: str) -> str:
    return _("%(name)s: số liệu vừa được người khác lưu sau khi bạn mở trang; những gì bạn nhập chưa được lưu nhưng "
             "vẫn còn nguyên. Hãy xem số đang lưu rồi lưu lại.") % {"name": name}



MAX_COUNT = 10**15


def require_enter(actor, unit: AdministrativeUnit) -> None:
    if actor is SYSTEM:
        return
    scoping.require(actor, roles.INDICATOR_ENTER, unit, seen_with=(roles.INDICATOR_VIEW, roles.UNIT_VIEW),
                    message=_("Bạn không có quyền nhập số liệu cho đơn vị này"))


@dataclass
class EntryInput:
    """One figure. ``answer`` for a yes/no (True, False, or None = not answered: clears a stored
    answer); ``numerator`` / ``denominator`` for a value (both blank clears it)."""

    indicator: Indicator
    answer: bool | None = None
    numerator: Any = None
    denominator: Any = None
    as_of: dt.date | None = None
    note: str = ""
    expected_version: int | None = None
    key: str = ""


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _whole(raw: Any, label: str, problems: list[str]) -> int | None:
    if _blank(raw):
        problems.append(_("Chưa nhập %(label)s") % {"label": label})
        return None
    try:
        number = parse_number(raw)
    except (ValueError, TypeError):
        problems.append(_("%(label)s: “%(raw)s” không phải là số") % {"label": label.capitalize(), "raw": raw})
        return None
    if not number.is_finite() or number != number.to_integral_value():
        problems.append(_("%(label)s phải là số nguyên") % {"label": label.capitalize()})
        return None
    if number < 0:
        problems.append(_("%(label)s không được âm") % {"label": label.capitalize()})
        return None
    if number >= MAX_COUNT:
        problems.append(_("%(label)s quá lớn") % {"label": label.capitalize()})
        return None
    return int(number)


def is_blank(item: EntryInput) -> bool:
    if item.indicator.entry_kind == EntryKind.YES_NO:
        return item.answer is None
    return _blank(item.numerator) and _blank(item.denominator)


def clean_entry(item: EntryInput, *, unit: AdministrativeUnit, year: int, today: dt.date
                ) -> tuple[dict, list[str]]:
    """Every problem of one figure at once (messages); the fields to store."""
    indicator = item.indicator
    problems: list[str] = []
    if indicator.source != Source.ENTERED:
        problems.append(_("Chỉ tiêu %(code)s được tính từ dữ liệu, không nhập tay") % {"code": indicator.code})
    elif not indicator.is_active:
        problems.append(_("Chỉ tiêu %(code)s đã ngừng sử dụng") % {"code": indicator.code})
    elif unit.level != entry_level(indicator):
        problems.append(_("Số liệu chỉ tiêu “%(name)s” do cấp %(level)s nhập") % {
            "name": indicator.short_name, "level": LEVEL_NAMES.get(entry_level(indicator), "")})
    if not FIRST_YEAR <= year <= today.year:
        problems.append(_("Năm phải từ %(first)s đến %(last)s") % {"first": FIRST_YEAR, "last": today.year})
    cleaned: dict[str, Any] = {}
    if indicator.entry_kind == EntryKind.YES_NO:
        cleaned.update(numerator=1 if item.answer else 0, denominator=1)
    else:
        numerator = _whole(item.numerator, (indicator.numerator_label or _("tử số")).lower(), problems)
        if indicator.measure == Measure.PERCENT:
            denominator = _whole(item.denominator, (indicator.denominator_label or _("mẫu số")).lower(), problems)
            if denominator == 0:
                problems.append(_("Mẫu số phải lớn hơn 0"))
            elif numerator is not None and denominator is not None and numerator > denominator:
                problems.append(_("Tử số (%(n)s) lớn hơn mẫu số (%(d)s)") % {"n": numerator, "d": denominator})
        else:
            denominator = 0
        cleaned.update(numerator=numerator, denominator=denominator)
    as_of = item.as_of
    if as_of is None:
        problems.append(_("Chưa nhập ngày của số liệu (số liệu tính đến ngày)"))
    elif as_of > today:
        problems.append(_("Ngày của số liệu (%(date)s) ở tương lai") % {"date": format_date(as_of)})
    elif not dt.date(year, 1, 1) <= as_of <= dt.date(year + 1, 3, 31):
        # A year's figure is as of a day in the year, or its final count in the first quarter after.
        problems.append(_("Ngày của số liệu phải từ 01/01/%(year)s đến 31/03/%(next)s")
                        % {"year": year, "next": year + 1})
    note = nfc(item.note or "")
    if len(note) > 500:
        problems.append(_("Ghi chú dài quá 500 ký tự"))
    cleaned.update(as_of=as_of, note=note)
    return cleaned, problems


@dataclass
class EntryResult:
    created: int = 0
    updated: int = 0
    cleared: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        if not (self.created or self.updated or self.cleared):
            return _("Không có thay đổi.")
        parts = [f"{label} {n}" for label, n in ((_("nhập mới"), self.created), (_("sửa"), self.updated),
                                                   (_("xoá"), self.cleared)) if n]
        return _("Đã lưu số liệu: %(parts)s.") % {"parts": ", ".join(parts)}


@transaction.atomic
def enter_values(*, actor, unit: AdministrativeUnit, year: int, inputs: Sequence[EntryInput],
                 source: str = "web") -> EntryResult:
    """Save a unit's figures for ``year`` together: every problem first (keyed by
    ``input.key``), nothing written unless all are clean; a stale version raises ``Stale``."""
    require_enter(actor, unit)
    today = today_vn()
    stored = {v.indicator_id: v for v in EnteredValue.objects.select_for_update(of=("self",)).filter(
        unit=unit, year=year, indicator__in=[i.indicator for i in inputs])}
    errors: dict[str, list[str]] = defaultdict(list)
    stale = False
    plan = []
    for item in inputs:
        key = item.key or NON_FIELD_ERRORS
        current = stored.get(item.indicator.pk)
        if item.expected_version is not None and (current.version if current else 0) != int(item.expected_version):
            stale = True
            errors[key].append(stale_text(item.indicator.short_name))
            continue
        if is_blank(item):
            plan.append((item, current, None))
            continue
        cleaned, problems = clean_entry(item, unit=unit, year=year, today=today)
        if problems:
            errors[key].extend(problems)
        plan.append((item, current, cleaned))
    if errors:
        raise (Stale if stale else ValidationError)(dict(errors))
    result = EntryResult()
    who = actor if getattr(actor, "pk", None) else None
    for item, current, cleaned in plan:
        if cleaned is None:
            if current is None:
                result.unchanged += 1
            else:
                audit_record(actor=actor, action=AuditAction.DELETE, instance=current, source=source,
                             note="Xoá số liệu đã nhập")
                rollups.schedule(rollups.touched(current))
                current.delete()
                result.cleared += 1
            continue
        if current is None:
            try:
                with transaction.atomic():
                    value = EnteredValue.objects.create(indicator=item.indicator, unit=unit, year=year,
                                                        entered_by=who, **cleaned)
            except IntegrityError:
                # Someone entered the same figure at the same moment (the page said "none yet"):
                # on PostgreSQL the row lock cannot cover a row that did not exist, the unique key does.
                if not EnteredValue.objects.filter(indicator=item.indicator, unit=unit, year=year).exists():
                    raise
                raise Stale({item.key or NON_FIELD_ERRORS: [stale_text(item.indicator.short_name)]}
                            ) from None
            audit_record(actor=actor, action=AuditAction.CREATE, instance=value, source=source)
            rollups.schedule(rollups.touched(value))
            result.created += 1
            continue
        before = snapshot(current)
        if all(getattr(current, name) == value for name, value in cleaned.items()):
            result.unchanged += 1
            continue
        for name, value in cleaned.items():
            setattr(current, name, value)
        current.entered_by = who or current.entered_by
        current.version += 1
        current.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=current, before=before, source=source)
        rollups.schedule(rollups.touched(current))
        result.updated += 1
    return result


def enter_value(*, actor, indicator: Indicator, unit: AdministrativeUnit, year: int, answer: bool | None = None,
                numerator: Any = None, denominator: Any = None, as_of: dt.date | None = None, note: str = "",
                expected_version: int | None = None, source: str = "web") -> EnteredValue | None:
    """One figure (see ``enter_values``); returns what is stored afterwards (None once cleared)."""
    enter_values(actor=actor, unit=unit, year=year, source=source, inputs=[EntryInput(
        indicator=indicator, answer=answer, numerator=numerator, denominator=denominator, as_of=as_of, note=note,
        expected_version=expected_version)])
    return EnteredValue.objects.filter(indicator=indicator, unit=unit, year=year).first()
