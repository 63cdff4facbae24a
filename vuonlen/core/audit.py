"""The audit trail: every service and admin write calls ``audit_record`` in its transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone

from .models import AuditAction, AuditLog

# Derived columns that only mirror another field; listing them would double every change.
_SKIP_FIELDS = {"name_search", "name_sort", "head_search", "head_sort", "names_search", "updated_at", "created_at", "version",
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


@dataclass(frozen=True)
class Related:
    """In ``audit_created_in_database``'s description of a record: a column of the record its
    foreign key ``field`` points at (``Related("household", "code")``: the household's code)."""

    field: str
    column: str


@dataclass(frozen=True)
class Created:
    """Records of one model just written (by ``core.bulk.insert_rows``), for
    ``audit_created_in_database``: their keys, and what ``str()`` of each says, as parts joined
    in that order — text as written, a column name of the record, or a ``Related`` column."""

    model: type[models.Model]
    ids: Sequence[int]
    describe: tuple[str | Related | _Column, ...]


@dataclass(frozen=True)
class _Column:
    name: str


def column(name: str) -> _Column:
    """A column of the record itself, in a ``Created.describe``."""
    return _Column(name)


# Field types whose values the database turns into the same JSON ``audit_created_rows`` writes.
_SQL_JSON_TYPES = {"AutoField", "BigAutoField", "BooleanField", "CharField", "DateField", "ForeignKey",
                   "IntegerField", "BigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
                   "SmallIntegerField", "TextField", "OneToOneField"}
_IN_CHUNK = 2_000


def audit_created_in_database(*, actor, records: Sequence[Created], source: str = "import",
                              note: str = "") -> int:
    """One CREATE row per record, the same rows ``audit_created_rows`` writes, made by the
    database in one ``INSERT … SELECT`` from the records' own table rows: no JSON built in
    Python, no audit values sent over the wire. For an import of 130,000 people this was a
    quarter of the import's time.

    ``changes`` is every field that is set, as ``[null, value]``, ID numbers masked, as
    ``snapshot`` and ``diff`` make it; the keys are in name order (on PostgreSQL ``jsonb`` keeps
    its own order, as for every audit row). Models with a field type the database would write
    differently (decimals, date-times, JSON) are refused: use ``audit_created_rows``.
    """
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    actor_name = getattr(actor, "username", "") or "hệ thống"
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    selects: list[tuple[str, list]] = []  # (SELECT …, its parameters)
    total = 0
    for record in records:
        ids = list(record.ids)
        if not ids:
            continue
        total += len(ids)
        select, params = _created_select(record)
        params = [at, actor_id, actor_name, AuditAction.CREATE.value,
                  ContentType.objects.get_for_model(record.model).pk, *params, note[:500], source]
        if ids == list(range(ids[0], ids[0] + len(ids))):
            # Keys drawn in one go (a sequence, or under SQLite's write lock): the range is exactly these.
            selects.append((select + " BETWEEN %s AND %s", [*params, ids[0], ids[-1]]))
        else:
            for first in range(0, len(ids), _IN_CHUNK):
                chunk = ids[first:first + _IN_CHUNK]
                selects.append((select + f" IN ({', '.join(['%s'] * len(chunk))})", [*params, *chunk]))
    quote = connection.ops.quote_name
    columns = ("at", "actor_id", "actor_name", "action", "content_type_id", "object_id", "object_repr",
               "changes", "note", "source")
    insert = f"INSERT INTO {quote(AuditLog._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
    # One statement for an import's audit rows, unless its keys are scattered: then as many as
    # SQLite's limits want (500 SELECTs in a compound statement, 32,766 parameters).
    statements: list[list[tuple[str, list]]] = [[]]
    for select in selects:
        if statements[-1] and (len(statements[-1]) >= 100
                               or sum(len(p) for _, p in statements[-1]) + len(select[1]) > 30_000):
            statements.append([])
        statements[-1].append(select)
    with connection.cursor() as cursor:
        for part in statements:
            if part:
                cursor.execute(insert + " UNION ALL ".join(sql for sql, _ in part),
                               [value for _, params in part for value in params])
    return total


def _created_select(record: Created) -> tuple[str, list]:
    """``SELECT <the audit row's columns> FROM <table> t WHERE t.<pk>`` (the caller adds the
    keys), and the parameters of the description and the changes (the caller puts the audit
    row's own values around them: see ``audit_created_in_database``)."""
    model = record.model
    postgres = connection.vendor == "postgresql"
    quote = connection.ops.quote_name
    text = "CAST(%s AS text)" if postgres else "%s"
    describe, describe_params = [], []
    for part in record.describe:
        if isinstance(part, str):
            describe.append(text)
            describe_params.append(part)
        elif isinstance(part, _Column):
            describe.append(f"CAST(t.{quote(model._meta.get_field(part.name).column)} AS text)")
        else:
            field = model._meta.get_field(part.field)
            related = field.related_model
            describe.append(f"(SELECT CAST(r.{quote(related._meta.get_field(part.column).column)} AS text) "
                            f"FROM {quote(related._meta.db_table)} r "
                            f"WHERE r.{quote(related._meta.pk.column)} = t.{quote(field.column)})")
    fields = sorted((f for f in model._meta.concrete_fields if f.name not in _SKIP_FIELDS and not f.primary_key),
                    key=lambda f: f.name)
    # ``changes`` is written as JSON text, one ``,"name":[null,value]`` piece per field that is
    # set (a field not set is left out, as ``diff`` leaves it), the first comma cut off; on
    # PostgreSQL the text is read into ``jsonb`` once. (Building it with ``jsonb_build_object``
    # of a ``jsonb_build_array`` per field and ``jsonb_strip_nulls``, as before, cost 25% more
    # of the server's time; SQLite's ``json_object`` and merge patch a third more.)
    pieces, names = [], []
    for field in fields:
        internal = field.get_internal_type()
        if internal not in _SQL_JSON_TYPES:
            raise NotImplementedError(f"{model.__name__}.{field.name}: {internal} in an audit row made by SQL")
        col = f"t.{quote(field.column)}"
        value = col
        if field.name in _MASKED_FIELDS:  # mask_digits: the last four digits, stars before them
            stars = (f"repeat('*', greatest(length({col}) - 4, 0))" if postgres
                     else f"replace(hex(zeroblob(max(length({col}) - 4, 0))), '00', '*')")
            tail = f"right({col}, 4)" if postgres else f"substr({col}, -4)"
            value = f"CASE WHEN {col} = '' THEN {col} ELSE {stars} || {tail} END"
        if postgres:
            value = f"to_json({value})::text"
        elif internal == "BooleanField":  # stored 0/1
            value = f"CASE WHEN {col} THEN 'true' ELSE 'false' END"
        else:
            value = f"json_quote({value})"
        pieces.append(f"CASE WHEN {col} IS NULL THEN '' ELSE {text} || {value} || ']' END")
        names.append(f",{json.dumps(field.name)}:[null,")
    changes = f"'{{' || substr({' || '.join(pieces) if pieces else chr(39) * 2}, 2) || '}}'"
    if postgres:
        changes = f"CAST({changes} AS jsonb)"
    pk = f"t.{quote(model._meta.pk.column)}"
    cast = (lambda db_type: f"CAST(%s AS {db_type})") if postgres else (lambda db_type: "%s")
    at, actor, content_type = (AuditLog._meta.get_field(n).db_type(connection) for n in ("at", "actor", "content_type"))
    select = (f"SELECT {cast(at)}, {cast(actor)}, {text}, {text}, {cast(content_type)}, CAST({pk} AS text), "
              f"substr({' || '.join(describe) if describe else text}, 1, 300), {changes}, {text}, {text} "
              f"FROM {quote(model._meta.db_table)} t WHERE {pk}")
    return select, [*(describe_params if describe else [""]), *names]


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
