"""The audit trail: every service and admin write calls ``audit_record`` in its transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditAction, AuditLog

# Derived columns that only mirror another field; listing them would double every change.
_SKIP_FIELDS = {"name_search", "name_sort", "updated_at", "created_at", "version", "path", "password"}


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
        data[field.name] = _plain(getattr(instance, field.attname))
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
    """One CREATE row per instance, written in one statement (for imports of thousands of rows)."""
    rows = [_row(actor=actor, action=AuditAction.CREATE, instance=obj, before=None, after=snapshot(obj),
                 note=note, source=source, object_repr=None) for obj in instances]
    AuditLog.objects.bulk_create(rows, batch_size=1000)
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
