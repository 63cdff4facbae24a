"""Households: register, edit, split, merge, end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction
from vuonlen.core.versioning import check_version, model_update
from vuonlen.geo.models import AdministrativeUnit

from .. import ethnicity, names, validation
from ..models import (
    Household,
    HouseholdEnd,
    JoinReason,
    LeaveReason,
    Membership,
    Relation,
)
from ._shared import (
    STALE_MESSAGE,
    _audit_person_joined,
    _check_code_free,
    _check_ids_free,
    _clean_members,
    _fail,
    _household_event,
    _lock,
    _new_person,
    _set_head_name,
    _touch,
    area_for,
    check_can_edit,
    commune_of,
)
from .members import _check_move_date, _make_head, _memberships_of, _move, _open_memberships

# --- households -------------------------------------------------------------------------------

@transaction.atomic
def household_register(*, actor, unit: AdministrativeUnit, household: Mapping[str, Any],
                       members: Sequence[Mapping[str, Any]], area: str | None = None,
                       source: str = "web") -> Household:
    """A new household at ``unit`` (commune or village) with its members, one of them the head.

    ``household``: code, ethnicity, phone, address, notes, started_on (see
    ``validation.clean_household``); ``members``: dicts for ``validation.clean_person``.
    ``area`` overrides the area that follows from the unit type.
    """
    check_can_edit(actor=actor, unit=unit)
    commune = commune_of(unit)
    data = dict(household)
    if area:
        data["area"] = area
    cleaned, problems = validation.clean_household(data)
    cleaned_members, member_problems = _clean_members(members, default_ethnicity=cleaned["ethnicity"])
    problems += member_problems
    problems += validation.check_members(cleaned_members)
    problems += _check_code_free(commune=commune, code=cleaned["code"])
    problems += [(f"members.{i}.citizen_id", message)
                 for i, m in enumerate(cleaned_members)
                 for _, message in _check_ids_free([m["citizen_id"]] if m.get("citizen_id") else [])]
    _fail(problems)

    started_on = cleaned["started_on"]
    obj = Household(
        commune=commune, unit=unit, code=cleaned["code"], ethnicity=cleaned["ethnicity"],
        is_ethnic_minority=ethnicity.is_minority(cleaned["ethnicity"]),
        area=cleaned["area"] or area_for(unit, commune), area_overridden=bool(cleaned["area"]),
        phone=cleaned["phone"], address=cleaned["address"], notes=cleaned["notes"], started_on=started_on,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    head = next(m for m in cleaned_members if m["relation"] == Relation.HEAD)
    _set_head_name(obj, head["full_name"])
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:  # another officer saved the same code a moment ago
        raise ValidationError({"code": [gettext("%(name)s đã có hộ mã “%(v2)s”") % {"name": commune.name, "v2": cleaned['code']}]}) from None
    audit_record(actor=actor, action=AuditAction.CREATE, instance=obj, source=source)
    with names.batched():  # the household's names column written once, after every member
        for cleaned_member in cleaned_members:
            person = _new_person(cleaned_member)
            person.save()
            membership = Membership.objects.create(
                household=obj, person=person, relation=cleaned_member["relation"],
                started_on=cleaned_member["started_on"] or started_on,
                start_reason=cleaned_member["start_reason"] or JoinReason.FOUNDING,
            )
            _audit_person_joined(actor=actor, person=person, membership=membership, source=source, created=True)
    return obj


_EDITABLE = ("code", "ethnicity", "phone", "address", "notes", "started_on")


@transaction.atomic
def household_update(*, actor, household: Household, data: Mapping[str, Any], expected_version: int,
                     unit: AdministrativeUnit | None = None, area: str | None = None,
                     source: str = "web") -> Household:
    """Change a household's own fields. ``unit`` may move it to another village of the same
    commune; ``area`` "" goes back to the area of the unit type, a value overrides it.
    A different ``expected_version`` than the stored one means someone saved in between."""
    check_can_edit(actor=actor, unit=household.unit)
    current = _lock(household)
    check_version(current, expected_version, message=STALE_MESSAGE)
    merged = {field: getattr(current, field) for field in _EDITABLE}
    merged.update({k: v for k, v in data.items() if k in _EDITABLE})
    merged["area"] = area or ""
    cleaned, problems = validation.clean_household(merged)
    new_unit = unit or current.unit
    if unit is not None and unit.pk != current.unit_id:
        check_can_edit(actor=actor, unit=unit)
        if commune_of(unit).pk != current.commune_id:
            problems.append(("unit", gettext("Chỉ chuyển được sang thôn trong cùng xã; hộ chuyển xã thì kết thúc "
                                     "ở xã cũ và lập hộ mới ở xã mới")))
    problems += _check_code_free(commune=current.commune, code=cleaned["code"], exclude_pk=current.pk)
    if current.ended_on and cleaned["started_on"] and cleaned["started_on"] > current.ended_on:
        problems.append(("started_on", gettext("Ngày lập sổ sau ngày kết thúc của hộ")))
    _fail(problems)

    model_update(actor=actor, instance=current, source=source, data={
        **{field: cleaned[field] for field in _EDITABLE},
        "is_ethnic_minority": ethnicity.is_minority(cleaned["ethnicity"]),
        "unit": new_unit,
        "area_overridden": bool(cleaned["area"]),
        "area": cleaned["area"] or area_for(new_unit, current.commune),
    })
    return current




@transaction.atomic
def household_split(*, actor, household: Household, members: Sequence[Membership | int], new_head: Membership | int,
                    code: str, on: dt.date | None, unit: AdministrativeUnit | None = None,
                    remaining_head: Membership | int | None = None, relations: Mapping[int, str] | None = None,
                    phone: str = "", address: str = "", source: str = "web") -> Household:
    """Some members leave ``household`` to form a new one (tách hộ).

    Their memberships end with reason "split" and new ones start in the new household with
    reason "split"; the new household records ``split_from``. ``new_head`` (one of ``members``)
    heads the new household; if the old head leaves, ``remaining_head`` names the old
    household's new head. ``relations`` maps old membership id → relation to the new head.
    """
    check_can_edit(actor=actor, unit=household.unit)
    current = _lock(household)
    target_unit = unit or current.unit
    if unit is not None:
        check_can_edit(actor=actor, unit=unit)
    problems: list[tuple[str, str]] = []
    if current.ended_on:
        raise ValidationError({NON_FIELD_ERRORS: [gettext("Hộ đã kết thúc, không tách được")]})
    moving = _memberships_of(current, members)
    new_head_pk = new_head.pk if isinstance(new_head, Membership) else new_head
    remaining_pk = remaining_head.pk if isinstance(remaining_head, Membership) else remaining_head
    staying = list(_open_memberships(current).exclude(pk__in=[m.pk for m in moving]))
    if not moving:
        problems.append(("members", gettext("Chọn ít nhất một nhân khẩu tách sang hộ mới")))
    if not staying:
        problems.append(("members", gettext("Phải còn ít nhất một nhân khẩu ở lại hộ cũ (nếu cả hộ chuyển đi, hãy sửa hộ)")))
    if new_head_pk not in {m.pk for m in moving}:
        problems.append(("new_head", gettext("Chủ hộ mới phải là một trong các nhân khẩu tách ra")))
    old_head_moves = any(m.relation == Relation.HEAD for m in moving)
    if old_head_moves and staying and remaining_pk not in {m.pk for m in staying}:
        problems.append(("remaining_head", gettext("Chủ hộ cũ tách đi: hãy chọn chủ hộ mới cho hộ cũ trong số người ở lại")))
    commune = commune_of(target_unit)
    if commune.pk != current.commune_id:
        problems.append(("unit", gettext("Hộ tách ra phải ở cùng xã")))
    cleaned, household_problems = validation.clean_household({
        "code": code, "ethnicity": current.ethnicity, "phone": phone, "address": address})
    problems += [p for p in household_problems if p[0] != "ethnicity"]
    problems += _check_code_free(commune=commune, code=cleaned["code"])
    _check_move_date(on, moving, problems)
    for relation in (relations or {}).values():
        if relation not in Relation.values or relation == Relation.HEAD:
            problems.append(("relations", gettext("Quan hệ với chủ hộ mới không hợp lệ")))
    _fail(problems)

    new = Household(
        commune=commune, unit=target_unit, code=cleaned["code"], ethnicity=current.ethnicity,
        is_ethnic_minority=current.is_ethnic_minority, area=current.area if current.area_overridden
        else area_for(target_unit, commune), area_overridden=current.area_overridden,
        phone=cleaned["phone"], address=cleaned["address"], started_on=on, split_from=current,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    head_person = next(m.person for m in moving if m.pk == new_head_pk)
    _set_head_name(new, head_person.full_name)
    new.save()
    audit_record(actor=actor, action=AuditAction.CREATE, instance=new, source=source,
                 note=f"Tách từ {current}")
    _move(actor=actor, memberships=moving, to=new, on=on, leave=LeaveReason.SPLIT, join=JoinReason.SPLIT,
          relations=relations or {}, head_pk=new_head_pk, source=source)
    if old_head_moves:
        _make_head(actor=actor, household=current,
                   membership=next(m for m in staying if m.pk == remaining_pk), source=source)
    else:
        _touch(current)
    _household_event(actor=actor, household=current, source=source,
                     note=f"Tách {len(moving)} nhân khẩu sang {new}")
    return new


@transaction.atomic
def household_merge(*, actor, household: Household, into: Household, on: dt.date | None,
                    relations: Mapping[int, str] | None = None, source: str = "web") -> Household:
    """``household`` joins ``into`` (nhập hộ): its members' periods end with reason "merge" and
    new ones start in ``into``; ``household`` ends with ``merged_into``. ``into`` keeps its head;
    ``relations`` maps the moving membership ids to their relation to that head."""
    check_can_edit(actor=actor, unit=household.unit)
    check_can_edit(actor=actor, unit=into.unit)
    # Lock in id order so that two merges in opposite directions cannot deadlock.
    first, second = sorted([household, into], key=lambda h: h.pk)
    locked = {first.pk: _lock(first), second.pk: _lock(second)}
    source_household, target = locked[household.pk], locked[into.pk]
    problems: list[tuple[str, str]] = []
    if source_household.pk == target.pk:
        problems.append(("into", gettext("Không nhập hộ vào chính nó")))
    if source_household.ended_on:
        problems.append((NON_FIELD_ERRORS, gettext("Hộ đã kết thúc, không nhập được")))
    if target.ended_on:
        problems.append(("into", gettext("Hộ nhận đã kết thúc")))
    moving = list(_open_memberships(source_household).select_related("person").select_for_update(of=("self",)))
    _check_move_date(on, moving, problems)
    for relation in (relations or {}).values():
        if relation not in Relation.values or relation == Relation.HEAD:
            problems.append(("relations", gettext("Quan hệ với chủ hộ nhận không hợp lệ")))
    _fail(problems)

    _move(actor=actor, memberships=moving, to=target, on=on, leave=LeaveReason.MERGE, join=JoinReason.MERGE,
          relations=relations or {}, head_pk=None, source=source)
    model_update(actor=actor, instance=source_household, source=source, note=f"Nhập vào {target}",
                 data={"ended_on": on, "end_reason": HouseholdEnd.MERGED, "merged_into": target})
    _touch(target)
    _household_event(actor=actor, household=target, source=source,
                     note=f"Nhận {len(moving)} nhân khẩu từ {source_household}")
    return target


@transaction.atomic
def household_end(*, actor, household: Household, reason: str, on: dt.date | None,
                  source: str = "web") -> Household:
    """The whole household moves away or dies out: every open membership ends with it."""
    check_can_edit(actor=actor, unit=household.unit)
    current = _lock(household)
    problems: list[tuple[str, str]] = []
    if current.ended_on:
        problems.append((NON_FIELD_ERRORS, gettext("Hộ đã kết thúc từ trước")))
    if reason not in (HouseholdEnd.DIED_OUT, HouseholdEnd.MOVED_AWAY):
        problems.append(("reason", gettext("Lý do phải là chuyển đi nơi khác hoặc không còn người")))
    open_members = list(_open_memberships(current).select_for_update())
    _check_move_date(on, open_members, problems)
    _fail(problems)
    leave = LeaveReason.DEATH if reason == HouseholdEnd.DIED_OUT else LeaveReason.MOVED_OUT
    for membership in open_members:
        model_update(actor=actor, instance=membership, data={"ended_on": on, "end_reason": leave}, source=source)
    model_update(actor=actor, instance=current, data={"ended_on": on, "end_reason": reason}, source=source)
    return current
