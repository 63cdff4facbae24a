"""Every write to the registry: households, members and their periods, splits and merges, the
population base, and the yearly reviews with their recognition and corrections.

Each service is keyword-only and atomic; it cleans its input (``validation``), checks that
the actor may edit the unit (out of scope → 404, read-only → 403), validates everything at
once (``ValidationError`` with field → messages), writes, and audits in the same transaction.
``actor=SYSTEM`` (``accounts.scoping.SYSTEM``) is the system (commands, demo data) and skips the scope check.

Audit rows never carry a name or an ID number in ``object_repr`` or ``note`` (``str()`` of
these models is "Hộ <code>", "Nhân khẩu #<id>"); ``core.audit.snapshot`` masks citizen IDs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import audit_record, snapshot
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.core.text import fold, nfc, sort_key
from vuonlen.core.versioning import check_version, stale_message
from vuonlen.geo.models import URBAN_TYPES, AdministrativeUnit, Level
from vuonlen.indicators import rollups

from . import ethnicity, validation, year_standards
from .models import (
    Area, Household, HouseholdEnd, JoinReason, LeaveReason, Membership, Person, PopulationBase,
    PovertyLineSetting, Relation, Review, ReviewKind,
)

STALE_MESSAGE = stale_message("Hộ này")
RECOGNISED_MESSAGE = ("Kết quả rà soát năm {year} đã được công nhận nên không sửa được; "
                      "hãy dùng “Đính chính” và ghi rõ lý do.")


# --- scope ------------------------------------------------------------------------------------

def check_can_edit(*, actor, unit: AdministrativeUnit) -> None:
    """Out of scope → 404 (the household does not exist for them); in scope but read-only → 403."""
    scoping.require(actor, roles.HOUSEHOLD_EDIT, unit, seen_with=roles.HOUSEHOLD_VIEW,
                    message="Bạn chỉ có quyền xem hộ gia đình ở đơn vị này")


def check_recognised_writable(*, actor, review: Review) -> None:
    """A recognised year of an old unit is read-only for a person who reaches it only through the
    lineage (a new commune reading its predecessors' history): 403, with why."""
    if review.recognised and scoping.through_lineage_only(actor, roles.HOUSEHOLD_EDIT, review.household.unit):
        raise PermissionDenied(
            f"Kết quả rà soát năm {review.year} của {review.household.unit.name} đã được công nhận trước khi "
            "sắp xếp đơn vị hành chính: đơn vị kế thừa chỉ được xem, không đính chính.")


def can_edit(user, unit: AdministrativeUnit) -> bool:
    return scoping.can(user, roles.HOUSEHOLD_EDIT, unit)


def _fail(problems: Iterable[tuple[str, str]]) -> None:
    errors = validation.errors_by_field(problems)
    if errors:
        raise ValidationError(errors)


def _lock(household: Household) -> Household:
    """Re-read under a row lock: membership changes, reviews and edits of one household take turns."""
    return Household.objects.select_for_update(of=("self",)).select_related("commune", "unit").get(pk=household.pk)


def _mark_changed(household: Household) -> None:
    household.version += 1


def _household_event(*, actor, household: Household, note: str, source: str) -> None:
    """A line on the household's own history for a change made to its members or reviews, so
    that its history page tells the whole story (the details are on the member/review rows).
    Notes name records by number only, never a person."""
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=household, before={}, after={}, note=note,
                 source=source)


def _status_label(status: str) -> str:
    from vuonlen.poverty import STATUS_LABELS_VI

    return next((label for code, label in STATUS_LABELS_VI.items() if str(code) == status), status)


# --- units and area ---------------------------------------------------------------------------

def commune_of(unit: AdministrativeUnit) -> AdministrativeUnit:
    """The commune of a household placed at ``unit`` (a commune, or a village in it)."""
    if unit.level == Level.COMMUNE:
        return unit
    if unit.level == Level.VILLAGE and unit.parent_id:
        return unit.parent
    raise ValidationError({"unit": ["Hộ gia đình phải thuộc một xã hoặc một thôn"]})


def area_for(unit: AdministrativeUnit, commune: AdministrativeUnit) -> str:
    """Urban for phường, thị trấn and tổ dân phố (the unit types the law counts as urban), else rural."""
    if unit.unit_type in URBAN_TYPES or commune.unit_type in URBAN_TYPES:
        return Area.URBAN
    return Area.RURAL


def _check_code_free(*, commune: AdministrativeUnit, code: str, exclude_pk: int | None = None) -> list:
    if not code:
        return []
    qs = Household.objects.filter(commune=commune, code=code)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        return [("code", f"{commune.name} đã có hộ mã “{code}”")]
    return []


def _check_ids_free(ids: Sequence[str], *, field: str = "citizen_id", exclude_person: int | None = None) -> list:
    ids = [i for i in ids if i]
    if not ids:
        return []
    qs = Person.objects.filter(citizen_id__in=ids)
    if exclude_person is not None:
        qs = qs.exclude(pk=exclude_person)
    return [(field, f"Số định danh {validation.mask_citizen_id(cid)} đã có trong sổ hộ")
            for cid in qs.values_list("citizen_id", flat=True)]


def _set_head_name(household: Household, name: str) -> None:
    household.head_name = nfc(name)
    household.head_search = fold(household.head_name)
    household.head_sort = sort_key(household.head_name)


# --- people -----------------------------------------------------------------------------------

_PERSON_FIELDS = ("full_name", "sex", "birth_date", "birth_year", "ethnicity", "citizen_id", "health_insurance",
                  "school_status", "education_level", "occupation", "died_on")


def _new_person(cleaned: Mapping[str, Any]) -> Person:
    person = Person(**{f: cleaned.get(f) for f in _PERSON_FIELDS if cleaned.get(f) is not None})
    person.full_name = nfc(person.full_name)
    person.name_search = fold(person.full_name)
    person.name_sort = sort_key(person.full_name)
    return person


def _clean_members(members: Sequence[Mapping[str, Any]], *, default_ethnicity: str,
                   prefix: str = "members") -> tuple[list[dict], list[tuple[str, str]]]:
    """Each member cleaned; problems keyed "members.<i>.<field>" so a form can show them in place."""
    cleaned_members, problems = [], []
    for i, raw in enumerate(members):
        cleaned, member_problems = validation.clean_person(raw, default_ethnicity=default_ethnicity,
                                                           today=today_vn())
        cleaned_members.append(cleaned)
        problems += [(f"{prefix}.{i}.{field}", message) for field, message in member_problems]
    return cleaned_members, problems


def _audit_person_joined(*, actor, person: Person, membership: Membership, source: str, created: bool) -> None:
    if created:
        audit_record(actor=actor, action=AuditAction.CREATE, instance=person, source=source)
    audit_record(actor=actor, action=AuditAction.CREATE, instance=membership, source=source)


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
        raise ValidationError({"code": [f"{commune.name} đã có hộ mã “{cleaned['code']}”"]}) from None
    audit_record(actor=actor, action=AuditAction.CREATE, instance=obj, source=source)
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
            problems.append(("unit", "Chỉ chuyển được sang thôn trong cùng xã; hộ chuyển xã thì kết thúc "
                                     "ở xã cũ và lập hộ mới ở xã mới"))
    problems += _check_code_free(commune=current.commune, code=cleaned["code"], exclude_pk=current.pk)
    if current.ended_on and cleaned["started_on"] and cleaned["started_on"] > current.ended_on:
        problems.append(("started_on", "Ngày lập sổ sau ngày kết thúc của hộ"))
    _fail(problems)

    before = snapshot(current)
    for field in _EDITABLE:
        setattr(current, field, cleaned[field])
    current.is_ethnic_minority = ethnicity.is_minority(current.ethnicity)
    current.unit = new_unit
    current.area_overridden = bool(cleaned["area"])
    current.area = cleaned["area"] or area_for(new_unit, current.commune)
    after = snapshot(current)
    if after == before:
        return current
    _mark_changed(current)
    current.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=current, before=before, after=after,
                 source=source)
    return current


def _open_memberships(household: Household, on: dt.date | None = None):
    """Memberships open on ``on`` (today's open ones when None)."""
    qs = Membership.objects.filter(household=household)
    if on is None:
        return qs.filter(ended_on__isnull=True)
    return qs.filter(Q(started_on__isnull=True) | Q(started_on__lte=on)).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on))


def _has_open_head(household: Household) -> bool:
    return _open_memberships(household).filter(relation=Relation.HEAD).exists()


@transaction.atomic
def member_add(*, actor, household: Household, person: Mapping[str, Any] | None = None,
               existing_person: Person | None = None, relation: str | None = None,
               reason: str = JoinReason.BIRTH, started_on: dt.date | None = None,
               source: str = "web") -> Membership:
    """A person joins ``household`` (born, married in, moved in).

    Either ``person`` (a dict for ``validation.clean_person``; a new person) or
    ``existing_person`` (someone already in the registry whose previous membership has ended,
    e.g. married out of another household). ``relation`` overrides the dict's.
    """
    check_can_edit(actor=actor, unit=household.unit)
    current = _lock(household)
    problems: list[tuple[str, str]] = []
    if current.ended_on:
        problems.append((NON_FIELD_ERRORS, "Hộ đã kết thúc, không thêm được nhân khẩu"))
    if reason not in JoinReason.values or reason in (JoinReason.FOUNDING, JoinReason.SPLIT, JoinReason.MERGE):
        # Founding, split and merge memberships are made by their own services.
        problems.append(("reason", "Lý do vào hộ phải là sinh, kết hôn hoặc chuyển đến"))
    if started_on is None:
        problems.append(("started_on", "Thiếu ngày vào hộ"))
    elif started_on > today_vn():
        problems.append(("started_on", "Ngày vào hộ ở tương lai"))
    if (person is None) == (existing_person is None):
        raise ValueError("member_add needs exactly one of person / existing_person")
    if existing_person is not None:
        _check_existing_person_visible(actor=actor, person=existing_person)
        cleaned = {"relation": relation or ""}
        if not cleaned["relation"]:
            problems.append(("relation", "Thiếu quan hệ với chủ hộ"))
        elif cleaned["relation"] not in Relation.values:
            problems.append(("relation", "Quan hệ với chủ hộ không hợp lệ"))
        if Membership.objects.filter(person=existing_person, ended_on__isnull=True).exists():
            problems.append((NON_FIELD_ERRORS, "Người này đang là nhân khẩu của một hộ; hãy cho ra khỏi hộ cũ trước"))
    else:
        data = dict(person)
        if relation:
            data["relation"] = relation
        cleaned, person_problems = validation.clean_person(data, default_ethnicity=current.ethnicity,
                                                           today=today_vn())
        problems += person_problems
        problems += _check_ids_free([cleaned["citizen_id"]] if cleaned["citizen_id"] else [])
        if cleaned.get("died_on"):
            problems.append(("died_on", "Không thêm người đã mất vào hộ"))
        if reason == JoinReason.BIRTH and cleaned.get("birth_date") and started_on and \
                started_on < cleaned["birth_date"]:
            problems.append(("started_on", "Ngày vào hộ trước ngày sinh"))
    if cleaned.get("relation") == Relation.HEAD and _has_open_head(current):
        problems.append(("relation", "Hộ đã có chủ hộ; người mới không thể là chủ hộ"))
    _fail(problems)

    created = existing_person is None
    member = existing_person if existing_person is not None else _new_person(cleaned)
    if created:
        member.save()
    membership = Membership.objects.create(household=current, person=member, relation=cleaned["relation"],
                                           started_on=started_on, start_reason=reason)
    if cleaned["relation"] == Relation.HEAD:
        _set_head_name(current, member.full_name)
    _mark_changed(current)
    current.save()
    _audit_person_joined(actor=actor, person=member, membership=membership, source=source, created=created)
    _household_event(actor=actor, household=current, source=source,
                     note=f"Thêm {member} ({JoinReason(reason).label})")
    return membership


def _check_existing_person_visible(*, actor, person: Person) -> None:
    """A person is visible through the households they have been in."""
    if actor is SYSTEM:
        return
    units = AdministrativeUnit.objects.filter(
        pk__in=Membership.objects.filter(person=person).values("household__unit"))
    if not any(scoping.can(actor, roles.HOUSEHOLD_EDIT, unit) for unit in units):
        raise Http404("Không tìm thấy")


def _end_household_if_empty(*, actor, household: Household, on: dt.date, reason: str, source: str) -> None:
    if _open_memberships(household).exists():
        return
    before = snapshot(household)
    household.ended_on = on
    household.end_reason = HouseholdEnd.DIED_OUT if reason == LeaveReason.DEATH else HouseholdEnd.MOVED_AWAY
    _mark_changed(household)
    household.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=household, before=before, source=source,
                 note="Hộ không còn nhân khẩu")


@transaction.atomic
def membership_end(*, actor, membership: Membership, reason: str, ended_on: dt.date | None,
                   new_head: Membership | None = None, source: str = "web") -> Membership:
    """A person leaves (died, married out, moved out). Nothing is deleted: the membership gets an
    end date and reason. A head who leaves while others stay must name the new head."""
    household = membership.household
    check_can_edit(actor=actor, unit=household.unit)
    current = _lock(household)
    membership = Membership.objects.select_for_update(of=("self",)).select_related("person").get(pk=membership.pk)
    problems: list[tuple[str, str]] = []
    if membership.household_id != current.pk:
        raise Http404("Không tìm thấy")
    if membership.ended_on:
        problems.append((NON_FIELD_ERRORS, "Người này đã ra khỏi hộ từ trước"))
    if reason not in (LeaveReason.DEATH, LeaveReason.MARRIAGE, LeaveReason.MOVED_OUT):
        problems.append(("reason", "Lý do phải là chết, kết hôn hoặc chuyển đi (tách, nhập hộ có chức năng riêng)"))
    if ended_on is None:
        problems.append(("ended_on", "Thiếu ngày ra khỏi hộ"))
    else:
        if ended_on > today_vn():
            problems.append(("ended_on", "Ngày ra khỏi hộ ở tương lai"))
        if membership.started_on and ended_on < membership.started_on:
            problems.append(("ended_on", "Ngày ra khỏi hộ trước ngày vào hộ"))
    others = _open_memberships(current).exclude(pk=membership.pk)
    if membership.relation == Relation.HEAD and others.exists():
        if new_head is None:
            problems.append(("new_head", "Chủ hộ ra khỏi hộ: hãy chọn chủ hộ mới trong số nhân khẩu còn lại"))
        elif not others.filter(pk=new_head.pk).exists():
            problems.append(("new_head", "Chủ hộ mới phải là nhân khẩu đang ở trong hộ"))
    elif new_head is not None and membership.relation != Relation.HEAD:
        problems.append(("new_head", "Chỉ chọn chủ hộ mới khi chủ hộ ra khỏi hộ"))
    _fail(problems)

    before = snapshot(membership)
    membership.ended_on, membership.end_reason = ended_on, reason
    membership.version += 1
    membership.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=membership, before=before, source=source)
    if reason == LeaveReason.DEATH and membership.person.died_on is None:
        person_before = snapshot(membership.person)
        membership.person.died_on = ended_on
        membership.person.save(update_fields=["died_on", "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=membership.person, before=person_before,
                     source=source)
    _household_event(actor=actor, household=current, source=source,
                     note=f"{membership.person} ra khỏi hộ ({LeaveReason(reason).label})")
    if membership.relation == Relation.HEAD and new_head is not None:
        _make_head(actor=actor, household=current, membership=new_head, source=source)
    _end_household_if_empty(actor=actor, household=current, on=ended_on, reason=reason, source=source)
    return membership


def _make_head(*, actor, household: Household, membership: Membership, source: str) -> None:
    membership = Membership.objects.select_related("person").get(pk=membership.pk)
    before_membership = snapshot(membership)
    membership.relation = Relation.HEAD
    membership.version += 1
    membership.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=membership, before=before_membership,
                 source=source, note="Chủ hộ mới")
    before = snapshot(household)
    _set_head_name(household, membership.person.full_name)
    _mark_changed(household)
    household.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=household, before=before, source=source,
                 note="Đổi chủ hộ")


def _memberships_of(household: Household, memberships: Iterable[Membership | int]) -> list[Membership]:
    ids = [m.pk if isinstance(m, Membership) else int(m) for m in memberships]
    found = list(Membership.objects.select_for_update(of=("self",)).select_related("person")
                 .filter(pk__in=ids, household=household, ended_on__isnull=True))
    if len(found) != len(set(ids)):
        raise ValidationError({"members": ["Chỉ chọn được nhân khẩu đang ở trong hộ"]})
    return found


def _move(*, actor, memberships: Sequence[Membership], to: Household, on: dt.date, leave: str, join: str,
          relations: Mapping[int, str], head_pk: int | None, source: str) -> None:
    """End each membership with ``leave`` and open one in ``to`` with ``join``, same person."""
    for old in memberships:
        before = snapshot(old)
        old.ended_on, old.end_reason = on, leave
        old.version += 1
        old.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=old, before=before, source=source)
    # The open-membership constraint is per person: the old periods are closed above first.
    for old in memberships:
        if old.pk == head_pk:
            relation = Relation.HEAD
        else:
            relation = relations.get(old.pk) or (Relation.OTHER if old.relation == Relation.HEAD else old.relation)
        new = Membership.objects.create(household=to, person=old.person, relation=relation, started_on=on,
                                        start_reason=join)
        audit_record(actor=actor, action=AuditAction.CREATE, instance=new, source=source)


def _check_move_date(on: dt.date | None, memberships: Iterable[Membership], problems: list) -> None:
    if on is None:
        problems.append(("on", "Thiếu ngày"))
        return
    if on > today_vn():
        problems.append(("on", "Ngày ở tương lai"))
    if any(m.started_on and m.started_on > on for m in memberships):
        problems.append(("on", "Ngày tách/nhập trước ngày vào hộ của một nhân khẩu"))


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
        raise ValidationError({NON_FIELD_ERRORS: ["Hộ đã kết thúc, không tách được"]})
    moving = _memberships_of(current, members)
    new_head_pk = new_head.pk if isinstance(new_head, Membership) else new_head
    remaining_pk = remaining_head.pk if isinstance(remaining_head, Membership) else remaining_head
    staying = list(_open_memberships(current).exclude(pk__in=[m.pk for m in moving]))
    if not moving:
        problems.append(("members", "Chọn ít nhất một nhân khẩu tách sang hộ mới"))
    if not staying:
        problems.append(("members", "Phải còn ít nhất một nhân khẩu ở lại hộ cũ (nếu cả hộ chuyển đi, hãy sửa hộ)"))
    if new_head_pk not in {m.pk for m in moving}:
        problems.append(("new_head", "Chủ hộ mới phải là một trong các nhân khẩu tách ra"))
    old_head_moves = any(m.relation == Relation.HEAD for m in moving)
    if old_head_moves and staying and remaining_pk not in {m.pk for m in staying}:
        problems.append(("remaining_head", "Chủ hộ cũ tách đi: hãy chọn chủ hộ mới cho hộ cũ trong số người ở lại"))
    commune = commune_of(target_unit)
    if commune.pk != current.commune_id:
        problems.append(("unit", "Hộ tách ra phải ở cùng xã"))
    cleaned, household_problems = validation.clean_household({
        "code": code, "ethnicity": current.ethnicity, "phone": phone, "address": address})
    problems += [p for p in household_problems if p[0] != "ethnicity"]
    problems += _check_code_free(commune=commune, code=cleaned["code"])
    _check_move_date(on, moving, problems)
    for pk, relation in (relations or {}).items():
        if relation not in Relation.values or relation == Relation.HEAD:
            problems.append(("relations", "Quan hệ với chủ hộ mới không hợp lệ"))
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
        _mark_changed(current)
        current.save(update_fields=["version", "updated_at"])
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
        problems.append(("into", "Không nhập hộ vào chính nó"))
    if source_household.ended_on:
        problems.append((NON_FIELD_ERRORS, "Hộ đã kết thúc, không nhập được"))
    if target.ended_on:
        problems.append(("into", "Hộ nhận đã kết thúc"))
    moving = list(_open_memberships(source_household).select_related("person").select_for_update(of=("self",)))
    _check_move_date(on, moving, problems)
    for pk, relation in (relations or {}).items():
        if relation not in Relation.values or relation == Relation.HEAD:
            problems.append(("relations", "Quan hệ với chủ hộ nhận không hợp lệ"))
    _fail(problems)

    _move(actor=actor, memberships=moving, to=target, on=on, leave=LeaveReason.MERGE, join=JoinReason.MERGE,
          relations=relations or {}, head_pk=None, source=source)
    before = snapshot(source_household)
    source_household.ended_on, source_household.end_reason = on, HouseholdEnd.MERGED
    source_household.merged_into = target
    _mark_changed(source_household)
    source_household.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=source_household, before=before,
                 source=source, note=f"Nhập vào {target}")
    _mark_changed(target)
    target.save(update_fields=["version", "updated_at"])
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
        problems.append((NON_FIELD_ERRORS, "Hộ đã kết thúc từ trước"))
    if reason not in (HouseholdEnd.DIED_OUT, HouseholdEnd.MOVED_AWAY):
        problems.append(("reason", "Lý do phải là chuyển đi nơi khác hoặc không còn người"))
    open_members = list(_open_memberships(current).select_for_update())
    _check_move_date(on, open_members, problems)
    _fail(problems)
    leave = LeaveReason.DEATH if reason == HouseholdEnd.DIED_OUT else LeaveReason.MOVED_OUT
    for membership in open_members:
        before = snapshot(membership)
        membership.ended_on, membership.end_reason = on, leave
        membership.version += 1
        membership.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=membership, before=before, source=source)
    before = snapshot(current)
    current.ended_on, current.end_reason = on, reason
    _mark_changed(current)
    current.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=current, before=before, source=source)
    return current


# --- population base --------------------------------------------------------------------------

@transaction.atomic
def population_base_set(*, actor, commune: AdministrativeUnit, year: int, households_total: Any,
                        persons_total: Any, em_households_total: Any = None, em_persons_total: Any = None,
                        source_note: str = "", source: str = "web") -> PopulationBase:
    """Enter or replace a commune's totals for a year (the denominators of every rate)."""
    check_can_edit(actor=actor, unit=commune)
    data = {"households_total": households_total, "persons_total": persons_total,
            "em_households_total": em_households_total, "em_persons_total": em_persons_total, "year": year}
    c = validation._Collector(data)
    c.number("year", label="năm", required=True, integer=True, minimum=2000, maximum=2100)
    c.number("households_total", label="tổng số hộ", required=True, integer=True, maximum=10_000_000)
    c.number("persons_total", label="tổng số nhân khẩu", required=True, integer=True, maximum=100_000_000)
    c.number("em_households_total", label="số hộ DTTS", integer=True, maximum=10_000_000)
    c.number("em_persons_total", label="số nhân khẩu DTTS", integer=True, maximum=100_000_000)
    problems = list(c.problems)
    if commune.level != Level.COMMUNE:
        problems.append((NON_FIELD_ERRORS, "Dân số nền chỉ nhập cho đơn vị cấp xã"))
    v = {k: (int(val) if isinstance(val, Decimal) else val) for k, val in c.cleaned.items()}
    if v["households_total"] is not None and v["persons_total"] is not None and v["persons_total"] < v["households_total"]:
        problems.append(("persons_total", "Số nhân khẩu không thể ít hơn số hộ"))
    if v["em_households_total"] is not None and v["households_total"] is not None \
            and v["em_households_total"] > v["households_total"]:
        problems.append(("em_households_total", "Số hộ DTTS lớn hơn tổng số hộ"))
    if v["em_persons_total"] is not None and v["persons_total"] is not None \
            and v["em_persons_total"] > v["persons_total"]:
        problems.append(("em_persons_total", "Số nhân khẩu DTTS lớn hơn tổng số nhân khẩu"))
    if v["em_persons_total"] is not None and v["em_households_total"] is not None \
            and v["em_persons_total"] < v["em_households_total"]:
        problems.append(("em_persons_total", "Số nhân khẩu DTTS không thể ít hơn số hộ DTTS"))
    _fail(problems)
    fields = {"households_total": v["households_total"], "persons_total": v["persons_total"],
              "em_households_total": v["em_households_total"], "em_persons_total": v["em_persons_total"],
              "source": nfc(source_note)[:100]}
    existing = PopulationBase.objects.select_for_update().filter(commune=commune, year=v["year"]).first()
    if existing is None:
        base = PopulationBase.objects.create(commune=commune, year=v["year"], **fields)
        audit_record(actor=actor, action=AuditAction.CREATE, instance=base, source=source)
        rollups.schedule(rollups.touched(base))
        return base
    before = snapshot(existing)
    for key, value in fields.items():
        setattr(existing, key, value)
    if snapshot(existing) == before:
        return existing
    existing.version += 1
    existing.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=existing, before=before, source=source)
    rollups.schedule(rollups.touched(existing))
    return existing


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
        raise ValidationError({"year": [f"Chưa có chuẩn nghèo áp dụng cho năm {year}"]})
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
        problems.append(("reviewed_on", "Ngày rà soát ở tương lai"))
    existing = Review.objects.select_for_update().filter(household=current, year=year, is_current=True).first()
    if existing is not None and existing.recognised:
        problems.append((NON_FIELD_ERRORS, RECOGNISED_MESSAGE.format(year=year)))
    if current.ended_on and current.ended_on <= on:
        problems.append((NON_FIELD_ERRORS, f"Hộ đã kết thúc ngày {current.ended_on:%d/%m/%Y}"))
    persons = _persons_on(current, on)
    if persons == 0 and not current.ended_on:
        problems.append((NON_FIELD_ERRORS, f"Hộ không có nhân khẩu nào vào ngày {on:%d/%m/%Y}"))
    _fail(problems)
    result = _classify(year=year, area=current.area, income=cleaned["income_per_capita"],
                       score_a=cleaned["score_a"], lacking=cleaned["lacking"])

    if existing is not None:
        before = snapshot(existing)
        existing.is_current = False
        existing.version += 1
        existing.save(update_fields=["is_current", "version", "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=existing, before=before, source=source,
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
    before = snapshot(household)
    household.current_status, household.current_status_year = status, year
    _mark_changed(household)
    household.save(update_fields=["current_status", "current_status_year", "version", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=household, before=before, source=source,
                 note="Cập nhật tình trạng theo kết quả được công nhận")


def _check_decision(*, number: str, date: dt.date | None, review: Review, problems: list) -> None:
    if not number:
        problems.append(("decision_number", "Thiếu số quyết định công nhận"))
    elif len(number) > 60:
        problems.append(("decision_number", "Số quyết định dài quá 60 ký tự"))
    if date is None:
        problems.append(("decision_date", "Thiếu ngày quyết định"))
    else:
        if date > today_vn():
            problems.append(("decision_date", "Ngày quyết định ở tương lai"))
        if review.reviewed_on and date < review.reviewed_on:
            problems.append(("decision_date", "Ngày quyết định trước ngày rà soát"))


@transaction.atomic
def review_recognise(*, actor, review: Review, decision_number: str, decision_date: dt.date | None,
                     source: str = "web") -> Review:
    """The commune's decision recognises the review: from now on it is frozen."""
    check_can_edit(actor=actor, unit=review.household.unit)
    household = _lock(review.household)
    review = Review.objects.select_for_update().get(pk=review.pk)
    problems: list[tuple[str, str]] = []
    if not review.is_current:
        problems.append((NON_FIELD_ERRORS, "Kết quả này đã được thay bằng kết quả khác"))
    if review.recognised:
        problems.append((NON_FIELD_ERRORS, "Kết quả này đã được công nhận"))
    number = nfc(decision_number)
    _check_decision(number=number, date=decision_date, review=review, problems=problems)
    _fail(problems)
    before = snapshot(review)
    review.recognised = True
    review.decision_number, review.decision_date = number, decision_date
    review.version += 1
    review.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=review, before=before, source=source,
                 note="Công nhận kết quả rà soát")
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
        problems.append((NON_FIELD_ERRORS, "Chỉ đính chính được kết quả hiện hành"))
    if not reason:
        problems.append(("reason", "Thiếu lý do đính chính"))
    elif len(reason) > 500:
        problems.append(("reason", "Lý do dài quá 500 ký tự"))
    if persons is not None and not 1 <= persons <= 100:
        problems.append(("persons", "Số nhân khẩu phải từ 1 đến 100"))
    number = nfc(decision_number) if decision_number else old.decision_number
    date = decision_date or old.decision_date
    if old.recognised and (decision_number or decision_date):
        _check_decision(number=number, date=date, review=old, problems=problems)
    _fail(problems)
    result = _classify(year=old.year, area=old.area, income=cleaned["income_per_capita"],
                       score_a=cleaned["score_a"], lacking=cleaned["lacking"])

    before = snapshot(old)
    old.is_current = False
    old.version += 1
    old.save(update_fields=["is_current", "version", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=old, before=before, source=source,
                 note="Được đính chính")
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
