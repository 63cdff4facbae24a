"""What every registry service shares: the scope checks, the messages, the row lock, the
household's own history line, units and area, and the building of persons."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext, gettext_lazy

from vuonlen.accounts import roles, scoping
from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.core.text import fold, nfc, sort_key
from vuonlen.core.versioning import stale_message_lazy
from vuonlen.geo.models import URBAN_TYPES, AdministrativeUnit, Level

from .. import validation
from ..models import (
    Area,
    Household,
    Membership,
    Person,
    Review,
)

STALE_MESSAGE = stale_message_lazy(gettext_lazy("Hộ này"))
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
            gettext("Kết quả rà soát năm %(year)s của %(name)s đã được công nhận trước khi sắp xếp đơn vị hành chính: đơn vị kế thừa chỉ được xem, không đính chính.") % {"year": review.year, "name": review.household.unit.name})


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


def _touch(household: Household) -> None:
    """Its members changed, none of its own fields: the version moves so an open edit form of
    the household is refused as stale."""
    _mark_changed(household)
    household.save(update_fields=["version", "updated_at"])


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
    raise ValidationError({"unit": [gettext("Hộ gia đình phải thuộc một xã hoặc một thôn")]})


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


def _head_name_fields(name: str) -> dict[str, str]:
    """The head's name with its search and sort keys, as the household stores them."""
    name = nfc(name)
    return {"head_name": name, "head_search": fold(name), "head_sort": sort_key(name)}


def _set_head_name(household: Household, name: str) -> None:
    for field, value in _head_name_fields(name).items():
        setattr(household, field, value)


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
