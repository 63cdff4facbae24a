"""The audit trail: every service and admin write calls ``audit_record`` in its transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditAction, AuditLog

# Derived columns that only mirror another field; listing them would double every change.
_SKIP_FIELDS = {"name_search", "name_sort", "head_search", "head_sort", "updated_at", "created_at", "version",
                "path", "password"}
# Identity numbers are kept in the log only by their last four digits: the log is read long after
# and by people who need to know that a number changed, not the number (Nghị định 13/2023/NĐ-CP).
_MASKED_FIELDS = {"citizen_id"}


def mask_digits(value: Any) -> Any:
    if not value:
        return value
    text = str(value)
    return "*" * max(len(text) - 4, 0) + text[-4:]


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The instance's concrete field values, as JSON-friendly data (FKs by id)."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in _SKIP_FIELDS or field.primary_key:
            continue
        value = _plain(getattr(instance, field.attname))
        data[field.name] = mask_digits(value) if field.name in _MASKED_FIELDS else value
    return data


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, list[Any]]:
    before = before or {}
    after = after or {}
    changes = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            changes[key] = [old, new]
    return changes


def _row(*, actor, action, instance, before, after, note, source, object_repr) -> AuditLog:
    return AuditLog(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "hệ thống",
        action=action,
        content_type=ContentType.objects.get_for_model(instance) if instance is not None else None,
        object_id=str(instance.pk) if instance is not None and instance.pk is not None else "",
        object_repr=(object_repr if object_repr is not None else str(instance) if instance is not None else "")[:300],
        changes=diff(before, after),
        note=note[:500],
        source=source,
    )


def audit_created_many(*, actor, instances, source: str = "import", note: str = "") -> int:
    """One CREATE row per saved instance (all of one model), through ``audit_created_rows``."""
    instances = list(instances)
    if not instances:
        return 0
    names = {obj.pk: str(obj) for obj in instances}
    rows = [(obj.pk, {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}) for obj in instances]
    return audit_created_rows(actor=actor, model=type(instances[0]), rows=rows,
                              describe=lambda pk, _row: names[pk], source=source, note=note)


def audit_created_rows(*, actor, model: type[models.Model], rows, describe, source: str = "import",
                       note: str = "") -> int:
    """One CREATE row per record written by ``core.bulk.insert_rows``, without model instances.

    ``rows`` are (primary key, the dict inserted, by attname); ``describe(pk, row)`` gives what
    ``str()`` of the instance would (no personal names: see the models' ``__str__``). The
    changes are what ``snapshot`` and ``diff`` make for a new instance: every field that is set.
    Built for imports of 100,000s of rows: the per-field work is decided once per model.
    """
    from .bulk import insert_rows

    fields = sorted((f for f in model._meta.concrete_fields if f.name not in _SKIP_FIELDS and not f.primary_key),
                    key=lambda f: f.name)
    plain_types = {"DateField", "DateTimeField", "DecimalField", "UUIDField", "JSONField"}
    spec = [(f.name, f.attname, f.get_default(), f.get_internal_type() in plain_types, f.name in _MASKED_FIELDS)
            for f in fields]
    content_type_id = ContentType.objects.get_for_model(model).pk
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    actor_name = getattr(actor, "username", "") or "hệ thống"
    action = AuditAction.CREATE.value
    note = note[:500]
    dumps = json.JSONEncoder(ensure_ascii=False).encode

    def audit_rows():
        for pk, row in rows:
            changes = {}
            for name, attname, default, needs_plain, masked in spec:
                value = row.get(attname, default)
                if value is None:
                    continue
                if needs_plain:
                    value = _plain(value)
                changes[name] = [None, mask_digits(value) if masked else value]
            yield {"actor_id": actor_id, "actor_name": actor_name, "action": action,
                   "content_type_id": content_type_id, "object_id": str(pk),
                   "object_repr": describe(pk, row)[:300], "changes": dumps(changes),
                   "note": note, "source": source}

    insert_rows(AuditLog, audit_rows(), returning=False, raw=("changes",))
    return len(rows)


def audit_updated_many(*, actor, changes, source: str = "import", note: str = "") -> int:
    """One UPDATE row per (instance, before, after) in ``changes`` (snapshots), written with
    ``core.bulk.insert_rows``: an import may change 30,000 households' status at once."""
    from .bulk import insert_rows

    actor_id = actor.pk if getattr(actor, "pk", None) else None
    actor_name = getattr(actor, "username", "") or "hệ thống"
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    note = note[:500]
    rows = [{"actor_id": actor_id, "actor_name": actor_name, "action": AuditAction.UPDATE.value,
             "content_type_id": ContentType.objects.get_for_model(obj).pk, "object_id": str(obj.pk),
             "object_repr": str(obj)[:300], "changes": dumps(diff(before, after)), "note": note, "source": source}
            for obj, before, after in changes]
    insert_rows(AuditLog, rows, returning=False, raw=("changes",))
    return len(rows)


def audit_record(
    *,
    actor,
    action: str,
    instance: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    source: str = "web",
    object_repr: str | None = None,
) -> AuditLog:
    if action == AuditAction.CREATE and after is None and instance is not None:
        after = snapshot(instance)
    if action == AuditAction.DELETE and before is None and instance is not None:
        before = snapshot(instance)
    if action == AuditAction.UPDATE and after is None and instance is not None:
        after = snapshot(instance)
    row = _row(actor=actor, action=action, instance=instance, before=before, after=after, note=note,
               source=source, object_repr=object_repr)
    row.save()
    return row


def history_for(instance: models.Model):
    return AuditLog.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=str(instance.pk)
    ).select_related("actor")
