"""Members and their periods in a household: join, leave, a new head, moves between households."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import audit_record, snapshot
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.core.versioning import model_update
from vuonlen.geo.models import AdministrativeUnit

from .. import names, validation
from ..models import (
    Household,
    HouseholdEnd,
    JoinReason,
    LeaveReason,
    Membership,
    Person,
    Relation,
)
from ._shared import (
    _audit_person_joined,
    _check_ids_free,
    _fail,
    _head_name_fields,
    _household_event,
    _lock,
    _mark_changed,
    _new_person,
    _set_head_name,
    check_can_edit,
)


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
        problems.append((NON_FIELD_ERRORS, gettext("Hộ đã kết thúc, không thêm được nhân khẩu")))
    if reason not in JoinReason.values or reason in (JoinReason.FOUNDING, JoinReason.SPLIT, JoinReason.MERGE):
        # Founding, split and merge memberships are made by their own services.
        problems.append(("reason", gettext("Lý do vào hộ phải là sinh, kết hôn hoặc chuyển đến")))
    if started_on is None:
        problems.append(("started_on", gettext("Thiếu ngày vào hộ")))
    elif started_on > today_vn():
        problems.append(("started_on", gettext("Ngày vào hộ ở tương lai")))
    if (person is None) == (existing_person is None):
        raise ValueError("member_add needs exactly one of person / existing_person")
    if existing_person is not None:
        _check_existing_person_visible(actor=actor, person=existing_person)
        cleaned = {"relation": relation or ""}
        if not cleaned["relation"]:
            problems.append(("relation", gettext("Thiếu quan hệ với chủ hộ")))
        elif cleaned["relation"] not in Relation.values:
            problems.append(("relation", gettext("Quan hệ với chủ hộ không hợp lệ")))
        if Membership.objects.filter(person=existing_person, ended_on__isnull=True).exists():
            problems.append((NON_FIELD_ERRORS, gettext("Người này đang là nhân khẩu của một hộ; hãy cho ra khỏi hộ cũ trước")))
    else:
        data = dict(person)
        if relation:
            data["relation"] = relation
        cleaned, person_problems = validation.clean_person(data, default_ethnicity=current.ethnicity,
                                                           today=today_vn())
        problems += person_problems
        problems += _check_ids_free([cleaned["citizen_id"]] if cleaned["citizen_id"] else [])
        if cleaned.get("died_on"):
            problems.append(("died_on", gettext("Không thêm người đã mất vào hộ")))
        if reason == JoinReason.BIRTH and cleaned.get("birth_date") and started_on and \
                started_on < cleaned["birth_date"]:
            problems.append(("started_on", gettext("Ngày vào hộ trước ngày sinh")))
    if cleaned.get("relation") == Relation.HEAD and _has_open_head(current):
        problems.append(("relation", gettext("Hộ đã có chủ hộ; người mới không thể là chủ hộ")))
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
    end_reason = HouseholdEnd.DIED_OUT if reason == LeaveReason.DEATH else HouseholdEnd.MOVED_AWAY
    model_update(actor=actor, instance=household, data={"ended_on": on, "end_reason": end_reason},
                 source=source, note="Hộ không còn nhân khẩu")


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
        problems.append((NON_FIELD_ERRORS, gettext("Người này đã ra khỏi hộ từ trước")))
    if reason not in (LeaveReason.DEATH, LeaveReason.MARRIAGE, LeaveReason.MOVED_OUT):
        problems.append(("reason", gettext("Lý do phải là chết, kết hôn hoặc chuyển đi (tách, nhập hộ có chức năng riêng)")))
    if ended_on is None:
        problems.append(("ended_on", gettext("Thiếu ngày ra khỏi hộ")))
    else:
        if ended_on > today_vn():
            problems.append(("ended_on", gettext("Ngày ra khỏi hộ ở tương lai")))
        if membership.started_on and ended_on < membership.started_on:
            problems.append(("ended_on", gettext("Ngày ra khỏi hộ trước ngày vào hộ")))
    others = _open_memberships(current).exclude(pk=membership.pk)
    if membership.relation == Relation.HEAD and others.exists():
        if new_head is None:
            problems.append(("new_head", gettext("Chủ hộ ra khỏi hộ: hãy chọn chủ hộ mới trong số nhân khẩu còn lại")))
        elif not others.filter(pk=new_head.pk).exists():
            problems.append(("new_head", gettext("Chủ hộ mới phải là nhân khẩu đang ở trong hộ")))
    elif new_head is not None and membership.relation != Relation.HEAD:
        problems.append(("new_head", gettext("Chỉ chọn chủ hộ mới khi chủ hộ ra khỏi hộ")))
    _fail(problems)

    model_update(actor=actor, instance=membership, data={"ended_on": ended_on, "end_reason": reason}, source=source)
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
    model_update(actor=actor, instance=membership, data={"relation": Relation.HEAD}, source=source,
                 note="Chủ hộ mới")
    model_update(actor=actor, instance=household, data=_head_name_fields(membership.person.full_name),
                 source=source, note="Đổi chủ hộ")


def _memberships_of(household: Household, memberships: Iterable[Membership | int]) -> list[Membership]:
    ids = [m.pk if isinstance(m, Membership) else int(m) for m in memberships]
    found = list(Membership.objects.select_for_update(of=("self",)).select_related("person")
                 .filter(pk__in=ids, household=household, ended_on__isnull=True))
    if len(found) != len(set(ids)):
        raise ValidationError({"members": [gettext("Chỉ chọn được nhân khẩu đang ở trong hộ")]})
    return found


def _move(*, actor, memberships: Sequence[Membership], to: Household, on: dt.date, leave: str, join: str,
          relations: Mapping[int, str], head_pk: int | None, source: str) -> None:
    """End each membership with ``leave`` and open one in ``to`` with ``join``, same person.
    Both households' names columns are written once, at the end (``names.batched``)."""
    with names.batched():
        for old in memberships:
            model_update(actor=actor, instance=old, data={"ended_on": on, "end_reason": leave}, source=source)
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
        problems.append(("on", gettext("Thiếu ngày")))
        return
    if on > today_vn():
        problems.append(("on", gettext("Ngày ở tương lai")))
    if any(m.started_on and m.started_on > on for m in memberships):
        problems.append(("on", gettext("Ngày tách/nhập trước ngày vào hộ của một nhân khẩu")))
