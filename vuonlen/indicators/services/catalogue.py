"""The catalogue and a phase's indicator set: ``indicator_define``, ``indicator_set_active``
(administrator); ``phase_set_save``, ``phase_set_copy``, ``phase_indicator_add`` (the province
secretariat and the administrator), and the older ``phase_indicators_set`` (the catalogue page's
tick boxes, administrator)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from vuonlen.accounts import roles, scoping
from vuonlen.campaign.models import Phase
from vuonlen.core.audit import audit_record, snapshot
from vuonlen.core.models import AuditAction
from vuonlen.core.text import nfc
from vuonlen.core.versioning import check_version, stale_message

from .. import selectors
from ..definitions import STALE_MESSAGE, _fail, _recompute_after_commit, clean_indicator, require_define
from ..models import Indicator, PhaseGoal, Target
from ..values import clean_value

DOCUMENT_MAX = 120


# --- the catalogue ------------------------------------------------------------------------------

def _define(*, actor, data: dict[str, Any], phases: Sequence[Phase], source: str) -> Indicator:
    cleaned, problems = clean_indicator(data)
    _fail(problems)
    indicator = Indicator.objects.create(**cleaned)
    indicator.phases.set(phases)
    audit_record(actor=actor, action=AuditAction.CREATE, instance=indicator, source=source,
                 after={**snapshot(indicator), "phases": sorted(p.code for p in phases)})
    _recompute_after_commit(indicator)
    return indicator


@transaction.atomic
def indicator_define(*, actor, data: dict[str, Any], phases: Sequence[Phase] = (), source: str = "web") -> Indicator:
    require_define(actor)
    return _define(actor=actor, data=data, phases=phases, source=source)


@transaction.atomic
def indicator_set_active(*, actor, indicator: Indicator, active: bool, expected_version: int | None = None,
                         source: str = "web") -> Indicator:
    """Take an indicator out of use (its targets and figures stay, for the record) or back in."""
    require_define(actor)
    current = Indicator.objects.select_for_update(of=("self",)).get(pk=indicator.pk)
    if expected_version is not None:
        check_version(current, expected_version, message=STALE_MESSAGE)
    if current.is_active == active:
        return current
    if not active:
        users = Indicator.objects.filter(is_active=True, formula=f"annual_fall:{current.code}")
        if users.exists():
            names = ", ".join(i.code for i in users)
            raise ValidationError({NON_FIELD_ERRORS: [
                _("Chỉ tiêu %(codes)s được tính từ chỉ tiêu này; hãy ngừng chỉ tiêu đó trước") % {"codes": names}]})
    before = snapshot(current)
    current.is_active = active
    current.version += 1
    current.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=current, before=before, source=source,
                 note="Dùng lại chỉ tiêu" if active else "Ngừng sử dụng chỉ tiêu")
    if active:
        _recompute_after_commit(current)
    return current


@transaction.atomic
def phase_indicators_set(*, actor, phase: Phase, indicators: Sequence[Indicator], source: str = "web") -> bool:
    """The indicator set of ``phase`` (checked on the catalogue page). Returns whether it changed."""
    require_define(actor)
    phase = Phase.objects.select_for_update(of=("self",)).get(pk=phase.pk)
    before = sorted(phase.indicators.values_list("code", flat=True))
    after = sorted({i.code for i in indicators})
    if before == after:
        return False
    phase.indicators.set(indicators)
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=phase, source=source,
                 before={"indicators": before}, after={"indicators": after},
                 note="Bộ chỉ tiêu của giai đoạn")
    return True


# --- a phase's indicator set, managed by the province secretariat ---------------------------------

def require_phase_manager(actor) -> None:
    """The province secretariat and the administrator manage a phase's set; a reader of the
    indicators who is neither gets 403, anyone else 404."""
    if selectors.may_manage_phase_sets(actor):
        return
    if actor is not None and scoping.can(actor, roles.INDICATOR_VIEW):
        raise PermissionDenied(_("Chỉ Thường trực Ban Chỉ đạo tỉnh quản lý bộ chỉ tiêu của giai đoạn"))
    raise Http404(_("Không tìm thấy"))


def phase_stale_message() -> str:
    return stale_message(_("Bộ chỉ tiêu của giai đoạn này"))


@dataclass
class PhaseRow:
    """One line of the phase set form: whether the indicator is in the set, and its plan target
    over the phase (blank: none — units are then held only to the targets they are handed)."""

    indicator: Indicator
    included: bool
    goal: Any = None
    document: str = ""

    @property
    def key(self) -> str:
        return f"i-{self.indicator.pk}"


@dataclass
class PhaseSetResult:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    goals_changed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.goals_changed)

    def summary(self) -> str:
        if not self.changed:
            return _("không có gì thay đổi")
        parts = []
        if self.added:
            parts.append(_("thêm %(codes)s") % {"codes": ", ".join(self.added)})
        if self.removed:
            parts.append(_("bỏ %(codes)s") % {"codes": ", ".join(self.removed)})
        if self.goals_changed:
            parts.append(_("%(n)s mục tiêu giai đoạn được lưu") % {"n": self.goals_changed})
        return "; ".join(parts)


def _blank(value: Any) -> bool:
    return value is None or str(value).strip() == ""


def _targets_in(phase: Phase, indicator: Indicator) -> int:
    return Target.objects.filter(indicator=indicator, year__gte=phase.start_year, year__lte=phase.end_year).count()


def clean_phase_rows(phase: Phase, rows: Sequence[PhaseRow]) -> tuple[dict[int, tuple], list[tuple[str, str]]]:
    """Every problem of the form at once, as (key, message); the cleaned goals by indicator."""
    problems: list[tuple[str, str]] = []
    current = set(phase.indicators.values_list("pk", flat=True))
    chosen = {row.indicator.pk for row in rows if row.included}
    chosen_codes = {row.indicator.code for row in rows if row.included}
    cleaned: dict[int, tuple] = {}
    for row in rows:
        indicator = row.indicator
        document = nfc(row.document or "").strip()
        if len(document) > DOCUMENT_MAX:
            problems.append((row.key, _("Số hiệu văn bản dài quá %(n)s ký tự") % {"n": DOCUMENT_MAX}))
        if not row.included:
            if not _blank(row.goal):
                problems.append((row.key, _("%(code)s không thuộc bộ chỉ tiêu của giai đoạn: hãy chọn chỉ tiêu hoặc "
                                            "xoá mục tiêu") % {"code": indicator.code}))
            if indicator.pk in current:
                used = _targets_in(phase, indicator)
                if used:
                    problems.append((row.key, _("%(code)s đã được giao %(n)s chỉ tiêu cho các đơn vị trong giai đoạn: "
                                                "không bỏ khỏi bộ được (hãy thu hồi các chỉ tiêu đó trước)")
                                     % {"code": indicator.code, "n": used}))
            continue
        if indicator.pk not in current and not indicator.is_active:
            problems.append((row.key, _("%(code)s đang ngừng sử dụng: không thêm vào giai đoạn được")
                             % {"code": indicator.code}))
        if indicator.is_derived and indicator.base_code not in chosen_codes:
            problems.append((row.key, _("%(code)s được tính từ chỉ tiêu %(base)s: hãy chọn cả chỉ tiêu đó")
                             % {"code": indicator.code, "base": indicator.base_code}))
        if _blank(row.goal):
            cleaned[indicator.pk] = (None, document)
            continue
        value, messages = clean_value(indicator, row.goal)
        problems += [(row.key, f"{indicator.code}: {m}") for m in messages]
        cleaned[indicator.pk] = (value, document)
    if not chosen:
        problems.append((NON_FIELD_ERRORS, _("Bộ chỉ tiêu của giai đoạn cần ít nhất một chỉ tiêu")))
    return cleaned, problems


@transaction.atomic
def phase_set_save(*, actor, phase: Phase, rows: Sequence[PhaseRow], expected_version: int | None = None,
                   source: str = "web") -> PhaseSetResult:
    """The phase's indicator set and the plan target of each indicator in it, saved together:
    every problem first, nothing written while any remains. Indicators not in ``rows`` are left
    as they are. One audit row for the set (``{"indicators": [before, after]}``) and one per
    goal created, changed or removed."""
    require_phase_manager(actor)
    phase = Phase.objects.select_for_update(of=("self",)).get(pk=phase.pk)
    if expected_version is not None:
        check_version(phase, expected_version, message=phase_stale_message())
    cleaned, problems = clean_phase_rows(phase, rows)
    _fail(problems)
    result = PhaseSetResult()
    before = sorted(phase.indicators.values_list("code", flat=True))
    members = set(phase.indicators.values_list("pk", flat=True))
    for row in rows:
        if row.included and row.indicator.pk not in members:
            phase.indicators.add(row.indicator)
            result.added.append(row.indicator.code)
        elif not row.included and row.indicator.pk in members:
            phase.indicators.remove(row.indicator)
            result.removed.append(row.indicator.code)
    goals = selectors.goals_of(phase)
    for row in rows:
        goal = goals.get(row.indicator.pk)
        value, document = cleaned.get(row.indicator.pk, (None, ""))
        if value is None:
            if goal is not None:
                audit_record(actor=actor, action=AuditAction.DELETE, instance=goal, before=snapshot(goal),
                             source=source, note="Bỏ mục tiêu giai đoạn")
                goal.delete()
                result.goals_changed += 1
            continue
        if goal is None:
            goal = PhaseGoal.objects.create(phase=phase, indicator=row.indicator, value=value, document=document)
            audit_record(actor=actor, action=AuditAction.CREATE, instance=goal, after=snapshot(goal), source=source,
                         note="Mục tiêu giai đoạn")
            result.goals_changed += 1
        elif goal.value != value or goal.document != document:
            old = snapshot(goal)
            goal.value, goal.document = value, document
            goal.version += 1
            goal.save()
            audit_record(actor=actor, action=AuditAction.UPDATE, instance=goal, before=old, after=snapshot(goal),
                         source=source, note="Mục tiêu giai đoạn")
            result.goals_changed += 1
    if result.added or result.removed:
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=phase, source=source,
                     before={"indicators": before},
                     after={"indicators": sorted(phase.indicators.values_list("code", flat=True))},
                     note="Bộ chỉ tiêu của giai đoạn")
    if result.changed:
        phase.version += 1
        phase.save(update_fields=["version", "updated_at"])
    return result


@transaction.atomic
def phase_set_copy(*, actor, phase: Phase, source_phase: Phase | None = None, source: str = "web") -> PhaseSetResult:
    """Put the previous phase's indicators (those still in use) into ``phase``. Their plan
    targets are not carried over: the new phase's are the province's to enter."""
    require_phase_manager(actor)
    source_phase = source_phase or selectors.previous_phase(phase)
    if source_phase is None or source_phase.pk == phase.pk:
        raise ValidationError({NON_FIELD_ERRORS: [_("Không có giai đoạn trước để chép bộ chỉ tiêu")]})
    phase = Phase.objects.select_for_update(of=("self",)).get(pk=phase.pk)
    before = sorted(phase.indicators.values_list("code", flat=True))
    members = set(phase.indicators.values_list("pk", flat=True))
    result = PhaseSetResult()
    for indicator in selectors.phase_indicators(source_phase):
        if indicator.pk not in members:
            phase.indicators.add(indicator)
            result.added.append(indicator.code)
    if result.added:
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=phase, source=source,
                     before={"indicators": before},
                     after={"indicators": sorted(phase.indicators.values_list("code", flat=True))},
                     note=f"Chép bộ chỉ tiêu của giai đoạn {source_phase.start_year}–{source_phase.end_year}")
        phase.version += 1
        phase.save(update_fields=["version", "updated_at"])
    return result


@transaction.atomic
def phase_indicator_add(*, actor, phase: Phase, data: dict[str, Any], goal: Any = None, document: str = "",
                        source: str = "web") -> Indicator:
    """A new indicator of ``phase`` (in the catalogue too), with its plan target over the phase.
    Every problem of the indicator and of the target at once."""
    require_phase_manager(actor)
    cleaned, problems = clean_indicator(data)
    value = None
    if not _blank(goal):
        if cleaned["measure"]:
            value, messages = clean_value(Indicator(measure=cleaned["measure"]), goal)
            problems += [("goal", m) for m in messages]
    document = nfc(document or "").strip()
    if len(document) > DOCUMENT_MAX:
        problems.append(("goal_document", _("Số hiệu văn bản dài quá %(n)s ký tự") % {"n": DOCUMENT_MAX}))
    _fail(problems)
    indicator = _define(actor=actor, data=data, phases=[phase], source=source)
    if value is not None:
        made = PhaseGoal.objects.create(phase=phase, indicator=indicator, value=value, document=document)
        audit_record(actor=actor, action=AuditAction.CREATE, instance=made, after=snapshot(made), source=source,
                     note="Mục tiêu giai đoạn")
    phase.version += 1
    phase.save(update_fields=["version", "updated_at"])
    return indicator


__all__ = ["indicator_define", "indicator_set_active", "phase_indicators_set", "require_phase_manager", "PhaseRow",
           "PhaseSetResult", "phase_set_save", "phase_set_copy", "phase_indicator_add", "phase_stale_message",
           "clean_phase_rows", "DOCUMENT_MAX"]
