"""Handing units their targets, and checking that the targets handed down add up.

Who hands a target: the steering secretariat of the level above (``roles.TARGET_SET`` over the
unit's parent: a district's secretariat hands its communes their targets, the province its
districts); an administrator (``roles.INDICATOR_DEFINE``) may set any target in their scope,
the province's own included. Everyone else who can see the unit reads it (403 on a write);
outside the reader's area the unit does not exist (404).

``cascade`` answers the question the district asks after letter 92-CV/BCĐ: do the targets it
handed its communes, taken together, reach the target the province handed it? A percentage
is combined the way the figures themselves are (``models`` docstring): each commune's target
weighted by its denominator — the number of households it counts — never a plain average.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.campaign.models import Phase
from vuonlen.core.audit import audit_record, snapshot
from vuonlen.core.formats import format_datetime, format_number, parse_number
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.core.text import nfc
from vuonlen.geo.models import AdministrativeUnit, Level

from .models import Direction, Indicator, Measure, Rollup, Target

RATE_MEASURES = {Measure.PERCENT, Measure.POINTS_A_YEAR}
WHOLE_MEASURES = {Measure.COUNT, Measure.VND}
MAX_VALUE = Decimal("1e16")
CENT = Decimal("0.01")
STALE_MESSAGE = gettext_lazy("Chỉ tiêu này vừa được người khác sửa sau khi bạn mở trang; những gì bạn nhập chưa "
                              "được lưu. Hãy xem mức đang lưu rồi lưu lại.")
LEVEL_NAMES = {Level.PROVINCE: gettext_lazy("tỉnh"), Level.DISTRICT: gettext_lazy("huyện"),
               Level.COMMUNE: gettext_lazy("xã"), Level.VILLAGE: gettext_lazy("thôn")}
UNIT_SUFFIX = {Measure.PERCENT: "%", Measure.POINTS_A_YEAR: " điểm %", Measure.VND: " đồng", Measure.COUNT: ""}


class Stale(ValidationError):
    """Someone saved the record after the person opened it: the page answers 409 and keeps what
    they typed."""


# --- numbers as people read them ----------------------------------------------------------------

def plain_number(value, max_decimals: int = 2) -> str:
    """75 → '75', 67.5 → '67,5', 1500000 → '1.500.000': as many decimals as the value has."""
    if value is None:
        return ""
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-max_decimals), rounding=ROUND_HALF_UP).normalize()
    decimals = max(0, -number.as_tuple().exponent)
    return format_number(number, decimals)


def show(measure: str, value, decimals: int | None = None) -> str:
    """A value with its unit: 81,1% · 6,0 điểm % · 12 · 1.500.000 đồng; '' for none."""
    if value is None:
        return ""
    if decimals is None:
        text = plain_number(value)
    else:
        text = format_number(Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP),
                             decimals)
    return text + UNIT_SUFFIX.get(measure, "")


# --- units and years ----------------------------------------------------------------------------

def exists_in(unit: AdministrativeUnit, year: int) -> bool:
    """The unit existed on 1 January of ``year`` (2025 belongs to the old units, 2026 to the new)."""
    day = dt.date(year, 1, 1)
    return (unit.valid_from is None or unit.valid_from <= day) and (unit.valid_to is None or unit.valid_to >= day)


def children_in(unit: AdministrativeUnit, year: int) -> list[AdministrativeUnit]:
    """The units directly below ``unit`` that existed in ``year``, in Vietnamese order."""
    return [child for child in AdministrativeUnit.objects.filter(parent=unit).order_by("name_sort")
            if exists_in(child, year)]


def phase_years(indicator: Indicator) -> list[tuple[int, int]]:
    return sorted((p.start_year, p.end_year) for p in indicator.phases.all())


def phase_of_year(year: int) -> Phase | None:
    return Phase.objects.filter(start_year__lte=year, end_year__gte=year).first()


def default_year() -> int:
    """This year when a phase covers it, else the last year of the latest phase before it."""
    today = today_vn().year
    if phase_of_year(today) is not None:
        return today
    last = Phase.objects.filter(end_year__lt=today).order_by("-end_year").first()
    return last.end_year if last is not None else today


def indicators_for(level: int, year: int) -> list[Indicator]:
    """Active indicators set at ``level`` whose phases include ``year``, in the plan's order."""
    return [i for i in Indicator.objects.filter(is_active=True, phases__start_year__lte=year,
                                                phases__end_year__gte=year).distinct().prefetch_related("phases")
            if not i.levels or level in i.levels]


# --- who may --------------------------------------------------------------------------------------

def may_set_target(actor, unit: AdministrativeUnit) -> bool:
    if actor is SYSTEM:
        return True
    if unit.parent_id and scoping.can(actor, roles.TARGET_SET, unit.parent):
        return True
    # The administrator of the catalogue may set any target of their scope, the top unit's too.
    return scoping.can(actor, roles.INDICATOR_DEFINE, unit) and scoping.can(actor, roles.TARGET_SET, unit)


def require_target_right(actor, unit: AdministrativeUnit) -> None:
    """404 outside the reader's area; 403 for a unit they see but may not hand targets to."""
    if may_set_target(actor, unit):
        return
    if scoping.can(actor, roles.INDICATOR_VIEW, unit) or scoping.can(actor, roles.UNIT_VIEW, unit):
        raise PermissionDenied(_("Chỉ Thường trực Ban Chỉ đạo cấp trên giao chỉ tiêu cho đơn vị này"))
    raise Http404(_("Không tìm thấy"))


# --- checking one target ------------------------------------------------------------------------

def parse_value(raw: Any) -> tuple[Decimal | None, str | None]:
    """(value, None) or (None, Vietnamese message)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, _("Chưa nhập mức chỉ tiêu")
    if isinstance(raw, Decimal):
        return raw, None
    try:
        return parse_number(raw), None
    except (ValueError, TypeError):
        return None, _("“%(raw)s” không phải là số") % {"raw": raw}


def clean_value(indicator: Indicator, raw: Any) -> tuple[Decimal | None, list[str]]:
    value, message = parse_value(raw)
    if message:
        return None, [message]
    problems = []
    if not value.is_finite():
        return None, [_("“%(raw)s” không phải là số") % {"raw": raw}]
    if abs(value) >= MAX_VALUE:
        return None, [_("Số quá lớn")]
    if value < 0:
        problems.append(_("Mức chỉ tiêu không được âm"))
    if indicator.measure in RATE_MEASURES and value > 100:
        problems.append(_("Tỷ lệ không quá 100%(unit)s (đã nhập %(value)s)") % {
            "unit": UNIT_SUFFIX[indicator.measure], "value": plain_number(value)})
    if indicator.measure in WHOLE_MEASURES and value != value.to_integral_value():
        problems.append(_("Số lượng phải là số nguyên") if indicator.measure == Measure.COUNT
                        else _("Số tiền phải là số đồng chẵn"))
    elif value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        problems.append(_("Chỉ ghi tối đa 2 chữ số thập phân"))
    return (None if problems else value.quantize(CENT)), problems


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


def _fail(problems: Iterable[tuple[str, str]]) -> None:
    grouped: dict[str, list[str]] = {}
    for name, message in problems:
        grouped.setdefault(name, []).append(message)
    if grouped:
        raise ValidationError(grouped)


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


# --- do the children's targets add up? ------------------------------------------------------------

@dataclass
class ChildTarget:
    unit: AdministrativeUnit
    target: Decimal | None
    weight: int | None = None  # the denominator the child's percentage is weighted by
    weight_year: int | None = None


@dataclass
class Cascade:
    """The parent's target against its children's targets combined, for one indicator and year.

    ``combined``: Σ targets (counts, money) or Σ(target × weight) / Σ weight (rates, weighted by
    each child's latest stored denominator); ``reaches``: True / False, or None when it cannot
    be told (no parent target, children without targets that could change the answer);
    ``gap``: how far the combined falls short of the parent's target (0 when it reaches)."""

    indicator: Indicator
    parent: AdministrativeUnit
    year: int
    parent_target: Decimal | None
    children: list[ChildTarget]
    combined: Decimal | None = None
    method: str = ""  # "weighted", "sum", "average" (rates without any denominator yet), ""
    reaches: bool | None = None
    gap: Decimal | None = None

    @property
    def missing(self) -> list[AdministrativeUnit]:
        return [c.unit for c in self.children if c.target is None]

    @property
    def applicable(self) -> bool:
        return bool(self.children)

    def verdict(self) -> str:
        measure = self.indicator.measure
        if not self.children:
            return ""
        if self.parent_target is None:
            return _("Đơn vị chưa được giao chỉ tiêu năm này")
        if self.combined is None:
            return _("Chưa giao cho %(n)s đơn vị") % {"n": len(self.missing)}
        if self.reaches:
            text = _("Đạt: cộng lại %(value)s") % {"value": show(measure, self.combined)}
        elif self.reaches is False:
            text = _("Thiếu %(gap)s: cộng lại %(value)s") % {"gap": show(measure, self.gap),
                                                             "value": show(measure, self.combined)}
        else:
            text = _("Chưa kết luận: cộng %(value)s") % {"value": show(measure, self.combined)}
        if self.missing:
            text += _("; %(n)s đơn vị chưa được giao") % {"n": len(self.missing)}
        return text


def _weight_indicator(indicator: Indicator, by_code: dict[str, Indicator]) -> Indicator | None:
    """Whose denominators weigh a rate: its own, or for an average fall its base rate's."""
    if indicator.is_derived:
        return by_code.get(indicator.base_code)
    return indicator


def latest_denominators(indicator_ids: Iterable[int], unit_ids: Iterable[int], year: int
                        ) -> dict[tuple[int, int], tuple[int, int]]:
    """{(indicator, unit): (denominator, year)}: the stored denominator of ``year``, or of the
    latest earlier year that has one."""
    found: dict[tuple[int, int], tuple[int, int]] = {}
    rows = (Rollup.objects.filter(indicator_id__in=list(indicator_ids), unit_id__in=list(unit_ids),
                                  year__lte=year, denominator__gt=0)
            .order_by("year").values_list("indicator_id", "unit_id", "year", "denominator"))
    for indicator_id, unit_id, row_year, denominator in rows:
        found[(indicator_id, unit_id)] = (denominator, row_year)  # later years overwrite earlier ones
    return found


def _combine(result: Cascade) -> None:
    given = [c for c in result.children if c.target is not None]
    up = result.indicator.direction != Direction.DOWN
    complete = len(given) == len(result.children)
    if not given:
        return
    if result.indicator.measure in RATE_MEASURES:
        weighted = [c for c in given if c.weight]
        if weighted:
            total = sum(Decimal(c.weight) for c in weighted)
            result.combined = sum(c.target * c.weight for c in weighted) / total
            result.method = "weighted"
        else:
            result.combined = sum(c.target for c in given) / len(given)
            result.method = "average"
    else:
        result.combined = sum(c.target for c in given)
        result.method = "sum"
    result.combined = result.combined.quantize(CENT, rounding=ROUND_HALF_UP)
    if result.parent_target is None:
        return
    short = (result.parent_target - result.combined) if up else (result.combined - result.parent_target)
    if complete:
        result.reaches = short <= 0
    elif result.method == "sum":
        # Targets still to come only add: a sum already past the line stays past it.
        if up and short <= 0:
            result.reaches = True
        elif not up and short > 0:
            result.reaches = False
    if result.reaches is not None:
        result.gap = max(short, Decimal(0)).quantize(CENT)


def cascades(parent: AdministrativeUnit, year: int, indicators: Sequence[Indicator] | None = None
             ) -> dict[int, Cascade]:
    """The cascade check of every indicator (default: those set at the children's level) for
    ``parent``'s children in ``year``, in three queries. Keyed by indicator id."""
    children = children_in(parent, year)
    if indicators is None:
        level = children[0].level if children else parent.level + 1
        indicators = indicators_for(level, year)
    by_code = {i.code: i for i in Indicator.objects.all()}
    targets = {(t.indicator_id, t.unit_id): t.value for t in Target.objects.filter(
        year=year, unit_id__in=[parent.pk, *(c.pk for c in children)], indicator__in=list(indicators))}
    weighing = {i.pk: _weight_indicator(i, by_code) for i in indicators if i.measure in RATE_MEASURES}
    weights = latest_denominators({w.pk for w in weighing.values() if w}, [c.pk for c in children], year)
    result: dict[int, Cascade] = {}
    for indicator in indicators:
        applies = [c for c in children if not indicator.levels or c.level in indicator.levels]
        rows = []
        for child in applies:
            weight_by = weighing.get(indicator.pk)
            weight = weights.get((weight_by.pk, child.pk)) if weight_by else None
            rows.append(ChildTarget(unit=child, target=targets.get((indicator.pk, child.pk)),
                                    weight=weight[0] if weight else None, weight_year=weight[1] if weight else None))
        check = Cascade(indicator=indicator, parent=parent, year=year,
                        parent_target=targets.get((indicator.pk, parent.pk)), children=rows)
        _combine(check)
        result[indicator.pk] = check
    return result


def cascade(parent_unit: AdministrativeUnit, indicator: Indicator, year: int) -> Cascade:
    """Do the targets ``parent_unit`` handed its children for ``indicator`` in ``year`` reach its own?"""
    return cascades(parent_unit, year, [indicator])[indicator.pk]


# --- the grid of a unit's children ----------------------------------------------------------------

@dataclass
class Cell:
    indicator: Indicator
    unit: AdministrativeUnit
    target: Target | None
    applies: bool
    editable: bool

    @property
    def name(self) -> str:
        return f"v-{self.unit.pk}-{self.indicator.pk}"

    @property
    def version_name(self) -> str:
        return f"ver-{self.unit.pk}-{self.indicator.pk}"

    @property
    def version(self) -> int:
        return self.target.version if self.target is not None else 0

    @property
    def text(self) -> str:
        """The stored value as the input shows it (Vietnamese decimals: 67,5)."""
        return plain_number(self.target.value) if self.target is not None else ""


@dataclass
class GridRow:
    unit: AdministrativeUnit
    cells: list[Cell]

    @property
    def editable(self) -> bool:
        return any(c.editable for c in self.cells)


@dataclass
class TargetGrid:
    unit: AdministrativeUnit
    year: int
    indicators: list[Indicator]
    own: GridRow
    rows: list[GridRow]
    checks: dict[int, Cascade]

    @property
    def editable(self) -> bool:
        return self.own.editable or any(r.editable for r in self.rows)

    @property
    def is_phase_end(self) -> bool:
        return any(end == self.year for i in self.indicators for _s, end in phase_years(i))

    def cells(self) -> list[Cell]:
        return [c for row in (self.own, *self.rows) for c in row.cells if c.applies]

    def documents(self) -> list[str]:
        """The letters the targets the reader may edit cite, most used first (the form's
        suggestion: the district's letter to its communes, not the province's to the district)."""
        counted: dict[str, int] = defaultdict(int)
        for cell in self.cells():
            if cell.editable and cell.target is not None and cell.target.document:
                counted[cell.target.document] += 1
        return sorted(counted, key=lambda d: -counted[d])


def target_grid(actor, unit: AdministrativeUnit, year: int) -> TargetGrid:
    """``unit``'s children × the indicators set at their level in ``year``, with ``unit``'s own
    targets on top and the cascade check of every column. Five queries."""
    children = children_in(unit, year)
    level = children[0].level if children else min(unit.level + 1, Level.VILLAGE)
    indicators = indicators_for(level, year)
    stored = {(t.unit_id, t.indicator_id): t for t in Target.objects.filter(
        year=year, unit_id__in=[unit.pk, *(c.pk for c in children)], indicator__in=indicators)}
    children_editable = bool(children) and may_set_target(actor, children[0])
    own_editable = may_set_target(actor, unit)

    def row(member: AdministrativeUnit, editable: bool) -> GridRow:
        cells = []
        for indicator in indicators:
            applies = not indicator.levels or member.level in indicator.levels
            cells.append(Cell(indicator=indicator, unit=member, target=stored.get((member.pk, indicator.pk)),
                              applies=applies, editable=editable and applies and exists_in(member, year)))
        return GridRow(unit=member, cells=cells)

    return TargetGrid(unit=unit, year=year, indicators=indicators, own=row(unit, own_editable),
                      rows=[row(child, children_editable) for child in children],
                      checks=cascades(unit, year, indicators) if children else {})
