"""The switch-over of organisations and role assignments when units are abolished (1 July 2025).

For each organisation, and each role assignment placed directly on a unit, that sits on a unit
which has ended, ``switchover_proposals`` proposes where it continues: a commune's body → the
new commune its commune went into (a village's → the village it continued as, else its commune's
successor); a province's → the new province; a district's → ended by default, or continued under
the new province or one of the new communes its communes went into, as the administrator decides.

``switchover_apply`` does it in one audited transaction. A continued organisation is a **new
record** on the new unit (``continues`` → the old one, valid from the switch date); the old one is
ended (inactive, valid until its unit's end), so reports and history stay under the old unit.
Role assignments on an ended organisation or unit are ended on that date with ``keeps_history``
(the person still reads the old area's history, read-only); a continued one gets a new assignment
from the switch date. Applied twice, it changes nothing: only active, not-yet-ended records are
touched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.core.text import fold
from vuonlen.core.versioning import model_update
from vuonlen.geo.models import REFORM_DATE, AdministrativeUnit, Level

from . import roles, scoping
from .models import Organisation, RoleAssignment

END = ""  # the choice "end it"


@dataclass
class Proposal:
    kind: str  # "organisation" | "assignment"
    record: Organisation | RoleAssignment
    unit: AdministrativeUnit
    proposed: AdministrativeUnit | None
    choices: list[AdministrativeUnit] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{'org' if self.kind == 'organisation' else 'ra'}-{self.record.pk}"


def _successors(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    return list(AdministrativeUnit.objects.filter(predecessor_links__old_unit=unit).order_by("level", "name_sort"))


def _choices_and_default(unit: AdministrativeUnit) -> tuple[list[AdministrativeUnit], AdministrativeUnit | None]:
    if unit.level == Level.VILLAGE:
        heirs = _successors(unit) or _successors(unit.parent)
        return heirs, heirs[0] if len(heirs) == 1 else None
    if unit.level in (Level.COMMUNE, Level.PROVINCE):
        heirs = _successors(unit)
        return heirs, heirs[0] if len(heirs) == 1 else None
    # A district: ended unless the administrator continues it under the province or a commune.
    province = unit.parent
    provinces = _successors(province) if province else []
    communes = list(AdministrativeUnit.objects.filter(
        predecessor_links__old_unit__parent=unit, level=Level.COMMUNE).distinct().order_by("name_sort"))
    return [*provinces, *communes], None


def _ended_q(day: dt.date, prefix: str) -> Q:
    return Q(**{f"{prefix}valid_to__isnull": False, f"{prefix}valid_to__lt": day})


def _check(actor) -> scoping.Scope:
    if not scoping.can(actor, roles.ACCOUNT_MANAGE):
        raise PermissionDenied(gettext("Bạn không có quyền chuyển đổi tổ chức và tài khoản"))
    return scoping.scope_for(actor, roles.ACCOUNT_MANAGE)


def switchover_proposals(*, actor, today: dt.date | None = None) -> list[Proposal]:
    """What is still placed on an ended unit within the administrator's area, with a proposal each."""
    scope = _check(actor)
    today = today or today_vn()
    proposals = []
    cache: dict[int, tuple] = {}
    orgs = (Organisation.objects.filter(_ended_q(today, "unit__"), scope.q("unit"), is_active=True,
                                        valid_to__isnull=True)
            .select_related("unit__parent").order_by("unit__level", "unit__name_sort", "name_sort"))
    for org in orgs:
        choices, default = cache.setdefault(org.unit_id, _choices_and_default(org.unit))
        proposals.append(Proposal("organisation", org, org.unit, default, choices))
    assignments = (RoleAssignment.objects.filter(_ended_q(today, "unit__"), scope.q("unit"), is_active=True,
                                                 valid_to__isnull=True, unit__isnull=False)
                   .select_related("unit__parent", "user").order_by("unit__level", "unit__name_sort", "user__username"))
    for assignment in assignments:
        choices, default = cache.setdefault(assignment.unit_id, _choices_and_default(assignment.unit))
        proposals.append(Proposal("assignment", assignment, assignment.unit, default, choices))
    return proposals


@dataclass
class SwitchResult:
    continued_organisations: int = 0
    ended_organisations: int = 0
    continued_assignments: int = 0
    ended_assignments: int = 0

    def __str__(self) -> str:
        return (f"{self.continued_organisations} tổ chức chuyển sang đơn vị mới, {self.ended_organisations} tổ chức "
                f"kết thúc; {self.continued_assignments} phân quyền chuyển, {self.ended_assignments} phân quyền kết thúc")

    @property
    def changed(self) -> bool:
        return any((self.continued_organisations, self.ended_organisations,
                    self.continued_assignments, self.ended_assignments))


def _end_assignment(actor, assignment: RoleAssignment, end: dt.date, result: SwitchResult) -> None:
    model_update(actor=actor, instance=assignment, data={"valid_to": end, "keeps_history": True},
                 source="switchover", note="Kết thúc do sắp xếp đơn vị hành chính; giữ quyền xem lịch sử")
    result.ended_assignments += 1


def _place(unit: AdministrativeUnit) -> str:
    return unit.name[0].lower() + unit.name[1:]


def _new_name(org: Organisation, target: AdministrativeUnit) -> str:
    """"Ban Chỉ đạo Cuộc vận động xã Đắk Tơ Lung" → "… xã Đăk Kôi": a name that ends with its old
    unit's name takes the new unit's."""
    old = _place(org.unit)
    if org.name.endswith(old):
        return org.name[: -len(old)] + _place(target)
    return org.name


@transaction.atomic
def switchover_apply(*, actor, decisions: dict[str, str], switch_date: dt.date = REFORM_DATE,
                     today: dt.date | None = None) -> SwitchResult:
    """Apply the administrator's choices (``decisions``: proposal key → new unit pk, or "" to end;
    a key left out takes the proposal). Everything or nothing; audited; idempotent."""
    proposals = switchover_proposals(actor=actor, today=today)
    targets: dict[str, AdministrativeUnit | None] = {}
    errors = []
    for p in proposals:
        chosen = decisions.get(p.key)
        if chosen is None:
            targets[p.key] = p.proposed
        elif chosen == END:
            targets[p.key] = None
        else:
            match = [u for u in p.choices if str(u.pk) == str(chosen)]
            if not match:
                errors.append(f"{p.record}: đơn vị được chọn không kế thừa {p.unit.name}")
            targets[p.key] = match[0] if match else None
    if errors:
        raise ValidationError(errors)
    # Lock what is about to change, then re-read: a second administrator applying at the same
    # time finds it already done and changes nothing.
    org_ids = [p.record.pk for p in proposals if p.kind == "organisation"]
    ra_ids = [p.record.pk for p in proposals if p.kind == "assignment"]
    live_orgs = set(Organisation.objects.select_for_update().filter(pk__in=org_ids, is_active=True,
                                                                   valid_to__isnull=True).values_list("pk", flat=True))
    live_ras = set(RoleAssignment.objects.select_for_update().filter(pk__in=ra_ids, is_active=True,
                                                                    valid_to__isnull=True).values_list("pk", flat=True))
    result = SwitchResult()
    for p in proposals:
        target = targets[p.key]
        end = p.unit.valid_to
        if p.kind == "organisation":
            if p.record.pk not in live_orgs:
                continue
            _switch_organisation(actor, p.record, target, end, switch_date, result)
        elif p.record.pk in live_ras:
            _end_assignment(actor, p.record, end, result)
            if target is not None:
                _continue_assignment(actor, p.record, target=target, organisation=None,
                                     switch_date=switch_date, result=result)
    if result.changed:
        audit_record(actor=actor, action=AuditAction.UPDATE, source="switchover",
                     object_repr="Chuyển đổi tổ chức và tài khoản sang đơn vị mới", note=str(result))
    return result


def _continue_assignment(actor, old: RoleAssignment, *, target, organisation, switch_date, result) -> None:
    new = RoleAssignment.objects.create(user=old.user, role=old.role, unit=target, organisation=organisation,
                                        valid_from=switch_date)
    audit_record(actor=actor, action=AuditAction.CREATE, instance=new, source="switchover",
                 note=f"Tiếp tục phân quyền #{old.pk} sau sắp xếp đơn vị hành chính")
    scoping.forget_scope(old.user)
    result.continued_assignments += 1


def _switch_organisation(actor, org: Organisation, target, end, switch_date, result: SwitchResult) -> None:
    new = None
    if target is not None:
        name = _new_name(org, target)
        # Five wards' committees merged into one ward make one committee: the first creates it,
        # the others continue into it.
        new = Organisation.objects.filter(unit=target, name_search=fold(name), is_active=True).first()
        if new is None:
            new = Organisation(kind=org.kind, unit=target, short_name=org.short_name, email=org.email,
                               valid_from=switch_date, continues=org)
            new.set_name(name)
            new.save()
            audit_record(actor=actor, action=AuditAction.CREATE, instance=new, source="switchover",
                         note=f"Kế thừa {org.name} ({org.unit.name})")
        result.continued_organisations += 1
    else:
        result.ended_organisations += 1
    model_update(actor=actor, instance=org, data={"is_active": False, "valid_to": end}, source="switchover",
                 note=f"Kết thúc ngày {end:%d/%m/%Y} do sắp xếp đơn vị hành chính"
                      + (f"; tiếp tục là {new.name} ({target.name})" if new else ""))
    for assignment in org.assignments.filter(is_active=True, valid_to__isnull=True).select_related("user"):
        _end_assignment(actor, assignment, end, result)
        if new is not None:
            _continue_assignment(actor, assignment, target=None, organisation=new, switch_date=switch_date,
                                 result=result)
