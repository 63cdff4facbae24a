"""Reads of the audit log, for the audit screens."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .formats import format_date, format_datetime
from .models import AuditAction, AuditLog
from .periods import VN_TZ


def audit_entries(
    *,
    account: str = "",
    action: str = "",
    content_type: ContentType | None = None,
    object_id: str = "",
    text: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditLog]:
    """The log, newest first, narrowed by the filters given. Dates are whole days in
    Vietnam's time zone, ``date_to`` included."""
    qs = AuditLog.objects.select_related("content_type")
    if account:
        qs = qs.filter(actor_name__icontains=account)
    if action:
        qs = qs.filter(action=action)
    if content_type is not None:
        qs = qs.filter(content_type=content_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
        if content_type is None:
            # Through the (content type, record, time) index, once per type: the record number
            # has no index of its own (see ``AuditLog.object_id``).
            qs = qs.filter(content_type__in=ContentType.objects.values("pk"))
    if text:
        qs = qs.filter(Q(object_repr__icontains=text) | Q(note__icontains=text))
    # Bounds as instants (not ``at__date``) so the index on ``at`` is used.
    if date_from:
        qs = qs.filter(at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=VN_TZ))
    if date_to:
        qs = qs.filter(at__lt=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=VN_TZ))
    return qs.order_by("-at", "-id")


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: Any  # None: no value (shown as ∅)
    after: Any


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _readable(field, value: Any, names: dict) -> Any:
    """A stored JSON value as an officer reads it: choice labels, related records by name,
    dd/mm/yyyy dates, Có/Không."""
    if value is None or value == "":
        return None
    if value is True:
        return _("Có")
    if value is False:
        return _("Không")
    if field is None:
        return value
    if field.many_to_one or field.one_to_one:
        return names.get((field.related_model, str(value)), f"#{value}")
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    try:
        if isinstance(field, models.DateTimeField):
            return format_datetime(dt.datetime.fromisoformat(value))
        if isinstance(field, models.DateField):
            return format_date(dt.date.fromisoformat(value))
    except (TypeError, ValueError):
        pass
    return value


def _pairs(entry: AuditLog):
    for name, pair in (entry.changes or {}).items():
        before, after = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        yield name, before, after


def with_change_rows(entries: list[AuditLog]) -> list[AuditLog]:
    """Sets ``entry.change_rows`` (a list of FieldChange) on each entry of one page.

    Related records are named with one query per related model for the whole page, not per
    row. Fields whose value did not really change (None → "") are left out, and a creation
    lists only the new values, a deletion only the old ones.
    """
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        for name, before, after in _pairs(entry):
            field = _field(model, name)
            if field is not None and (field.many_to_one or field.one_to_one):
                wanted[field.related_model] |= {str(v) for v in (before, after) if v not in (None, "")}
    names = {}
    for related, ids in wanted.items():
        for pk, obj in related._base_manager.in_bulk(list(ids)).items():
            names[(related, str(pk))] = str(obj)
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        rows = []
        for name, before, after in _pairs(entry):
            field = _field(model, name)
            old, new = _readable(field, before, names), _readable(field, after, names)
            if old == new:
                continue
            if entry.action == AuditAction.CREATE:
                old = None
            label = str(field.verbose_name) if field is not None else name
            rows.append(FieldChange(label=label, before=old, after=new))
        entry.change_rows = rows
    return entries


def audited_content_types() -> QuerySet[ContentType]:
    """The data types the log can hold: this project's models (not Django's own tables)."""
    from django.apps import apps

    labels = [config.label for config in apps.get_app_configs() if config.name.startswith("vuonlen.")]
    return ContentType.objects.filter(app_label__in=labels).order_by("app_label", "model")
