"""Writes for villages (thôn, làng, tổ dân phố): the only unit level users create.

Official units come from the loaders; villages have no official code, so each gets
``<commune code>-<seq>`` within its commune's era.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy

from vuonlen.accounts import roles, scoping
from vuonlen.core.audit import audit_created_many, audit_record
from vuonlen.core.models import AuditAction
from vuonlen.core.text import fold, nfc, sort_key
from vuonlen.core.versioning import check_version, model_update, stale_message_lazy

from .models import VILLAGE_TYPES, AdministrativeUnit, Level, UnitType, fill_paths
from .versions import units_changed

NAME_MAX = AdministrativeUnit._meta.get_field("name").max_length
STALE_MESSAGE = stale_message_lazy(gettext_lazy("Thôn này"))


def check_can_manage_villages(*, actor, unit: AdministrativeUnit) -> None:
    """Out of scope → 404 (the unit does not exist for them); in scope but read-only → 403."""
    scoping.require(actor, roles.UNIT_MANAGE_VILLAGES, unit,
                    message="Bạn không có quyền sửa danh sách thôn của đơn vị này")


def village_type_choices() -> list[tuple[str, str]]:
    return [(value, label) for value, label in UnitType.choices if value in VILLAGE_TYPES]


def _validate(*, commune: AdministrativeUnit, name: str, unit_type: str,
              exclude_pk: int | None = None) -> None:
    """Every problem at once, keyed by form field."""
    errors: dict[str, list[str]] = {}
    if commune.level != Level.COMMUNE:
        errors.setdefault(NON_FIELD_ERRORS, []).append(gettext("Chỉ thêm được thôn vào đơn vị cấp xã"))
    if not name:
        errors.setdefault("name", []).append(gettext("Tên thôn không được để trống"))
    elif len(name) > NAME_MAX:
        errors.setdefault("name", []).append(gettext("Tên thôn dài quá %(NAME_MAX)s ký tự") % {"NAME_MAX": NAME_MAX})
    elif _duplicate_exists(commune=commune, name=name, exclude_pk=exclude_pk):
        errors.setdefault("name", []).append(gettext("%(name)s đã có thôn “%(name2)s”") % {"name": commune.name, "name2": name})
    if unit_type not in VILLAGE_TYPES:
        errors.setdefault("unit_type", []).append(gettext("Loại phải là thôn, làng hoặc tổ dân phố"))
    if errors:
        raise ValidationError(errors)


def _duplicate_exists(*, commune: AdministrativeUnit, name: str, exclude_pk: int | None) -> bool:
    # Folded comparison: "Thôn Kon Hring" and "Thon Kon Hring" are the same village to a reader.
    qs = AdministrativeUnit.objects.filter(parent=commune, level=Level.VILLAGE, name_search=fold(name))
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def _lock(unit: AdministrativeUnit) -> AdministrativeUnit:
    """Re-read a unit under a row lock, so concurrent writers in one commune take turns."""
    return AdministrativeUnit.objects.select_for_update().get(pk=unit.pk)


def _next_code(commune: AdministrativeUnit) -> str:
    prefix = f"{commune.code}-"
    codes = AdministrativeUnit.objects.filter(
        era=commune.era, level=Level.VILLAGE, code__startswith=prefix
    ).values_list("code", flat=True)
    used = [int(code[len(prefix):]) for code in codes if code[len(prefix):].isdigit()]
    return f"{prefix}{max(used, default=0) + 1:03d}"


@transaction.atomic
def village_create(*, actor, commune: AdministrativeUnit, name: str, unit_type: str,
                   source: str = "web") -> AdministrativeUnit:
    check_can_manage_villages(actor=actor, unit=commune)
    commune = _lock(commune)
    name, unit_type = nfc(name), nfc(unit_type)
    _validate(commune=commune, name=name, unit_type=unit_type)
    village = place_village(commune, name=name, unit_type=unit_type, valid_from=commune.valid_from,
                            valid_to=commune.valid_to, origin="người dùng nhập")
    audit_record(actor=actor, action=AuditAction.CREATE, instance=village, source=source)
    return village


def place_village(commune: AdministrativeUnit, *, name: str, unit_type: str, valid_from, valid_to,
                  origin: str) -> AdministrativeUnit:
    """Save a new village under ``commune`` (locked by the caller, checks done) with the next free
    code of the commune and its place in the tree; the caller audits."""
    village = AdministrativeUnit(level=Level.VILLAGE, era=commune.era, code=_next_code(commune), unit_type=unit_type,
                                 parent=commune, valid_from=valid_from, valid_to=valid_to, source=origin)
    village.set_name(name)
    village.save()
    village.path = village.compute_path()
    AdministrativeUnit.objects.filter(pk=village.pk).update(path=village.path)
    units_changed()
    return village


class BulkDuplicate(ValidationError):
    """Raised by ``villages_create_many`` with the positions of the items that clash."""

    def __init__(self, clashes: list[tuple[int, str]]):
        super().__init__([message for _, message in clashes])
        self.clashes = clashes


@transaction.atomic
def villages_create_many(*, actor, items: list[tuple[AdministrativeUnit, str, str]],
                         source: str = "import") -> list[AdministrativeUnit]:
    """Create many villages in a few statements: the file import's write path.

    ``items`` are (commune, name, type) already validated by the caller; this re-checks, under a
    lock on the communes, that nobody added the same names meanwhile, and raises ``BulkDuplicate``
    (nothing written) if so.
    """
    communes = {commune.pk: commune for commune, _, _ in items}
    for commune in communes.values():
        check_can_manage_villages(actor=actor, unit=commune)
    locked = {u.pk: u for u in AdministrativeUnit.objects.select_for_update().filter(pk__in=communes).order_by("pk")}
    existing = AdministrativeUnit.objects.filter(parent__in=locked.keys(), level=Level.VILLAGE)
    taken = set(existing.values_list("parent_id", "name_search"))
    clashes = [(i, f"{locked[c.pk].name} đã có thôn “{nfc(name)}”")
               for i, (c, name, _) in enumerate(items) if (c.pk, fold(name)) in taken]
    if clashes:
        raise BulkDuplicate(clashes)
    next_seq: dict[int, int] = {pk: 0 for pk in locked}
    for parent_id, code in existing.values_list("parent_id", "code"):
        suffix = code.rsplit("-", 1)[-1]
        if suffix.isdigit():
            next_seq[parent_id] = max(next_seq[parent_id], int(suffix))
    villages = []
    for commune, name, unit_type in items:
        commune = locked[commune.pk]
        next_seq[commune.pk] += 1
        village = AdministrativeUnit(
            level=Level.VILLAGE, era=commune.era, code=f"{commune.code}-{next_seq[commune.pk]:03d}",
            unit_type=nfc(unit_type), parent=commune, valid_from=commune.valid_from,
            valid_to=commune.valid_to, source="người dùng nhập",
        )
        village.set_name(name)
        villages.append(village)
    AdministrativeUnit.objects.bulk_create(villages, batch_size=1000)
    fill_paths(AdministrativeUnit.objects.filter(parent__in=locked.keys(), level=Level.VILLAGE, path=""))
    for village in villages:
        village.path = f"{village.parent.path}{village.pk}/"
    audit_created_many(actor=actor, instances=villages, source=source)
    return villages


@transaction.atomic
def village_update(*, actor, village: AdministrativeUnit, name: str, unit_type: str,
                   expected_version: int, source: str = "web") -> AdministrativeUnit:
    check_can_manage_villages(actor=actor, unit=village)
    if village.level != Level.VILLAGE:
        raise Http404("Không tìm thấy")
    current = _lock(village)
    # Never overwrite a change the editor has not seen.
    check_version(current, expected_version, message=STALE_MESSAGE)
    name, unit_type = nfc(name), nfc(unit_type)
    _validate(commune=current.parent, name=name, unit_type=unit_type, exclude_pk=current.pk)
    model_update(actor=actor, instance=current, source=source, data={
        "name": name, "name_search": fold(name), "name_sort": sort_key(name), "unit_type": unit_type})
    return current


@transaction.atomic
def village_delete(*, actor, village: AdministrativeUnit, source: str = "web") -> None:
    check_can_manage_villages(actor=actor, unit=village)
    if village.level != Level.VILLAGE:
        raise Http404("Không tìm thấy")
    village = _lock(village)
    if village.children.exists():
        raise ValidationError(gettext("Không xoá được “%(name)s”: thôn còn đơn vị trực thuộc") % {"name": village.name})
    if village.organisations.exists():
        raise ValidationError(gettext("Không xoá được “%(name)s”: còn tổ chức gắn với thôn này") % {"name": village.name})
    audit_record(actor=actor, action=AuditAction.DELETE, instance=village, source=source)
    try:
        with transaction.atomic():
            village.delete()
    except (ProtectedError, RestrictedError):
        # Rooms added later (households, accounts) protect their rows; the audit row rolls back too.
        raise ValidationError(gettext("Không xoá được “%(name)s”: còn dữ liệu gắn với thôn này") % {"name": village.name}) from None
