"""Inserting many rows fast: multi-row INSERT … RETURNING from plain dicts.

``Model.objects.bulk_create`` builds a model instance per row and prepares every value through
the field machinery: for an import of 130,000 people that is most of the time spent (about
10 µs a value, against well under 1 µs for the database itself). This writes the same rows
from dicts keyed by column attribute name, converting only the values whose type needs it
(dates, datetimes, JSON), and returns the new primary keys in order, on SQLite (3.35+) and
PostgreSQL alike. On PostgreSQL the rows go by ``COPY`` (psycopg's copy), their keys drawn from
the table's sequence beforehand when the caller wants them. No signals, no ``save()``: the
caller supplies every derived value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any

from django.db import connection, models
from django.utils import timezone

# Parameters per statement on SQLite (its limit is 32,766).
MAX_PARAMS = 30_000
# Rows per statement on PostgreSQL, where each column goes as one array (see ``_insert_unnest``).
UNNEST_ROWS = 50_000


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    ops = connection.ops
    internal = field.get_internal_type()
    if internal == "DateTimeField":
        return ops.adapt_datetimefield_value
    if internal == "DateField":
        return ops.adapt_datefield_value
    if internal == "JSONField":
        return lambda value: field.get_db_prep_save(value, connection)
    if internal == "DecimalField":
        return lambda value: ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    return None


def _defaults(fields: Sequence[models.Field]) -> dict[str, Any]:
    now = timezone.now()
    defaults = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        else:
            # The field's default, or what Django stores without one ('' for text, else NULL).
            # One value for every row: callable defaults (list, dict) are never mutated here.
            defaults[field.attname] = field.get_default()
    return defaults


def insert_rows(model: type[models.Model], rows: Iterable[dict[str, Any]], *, returning: bool = True,
                raw: Iterable[str] = ()) -> list:
    """Insert ``rows`` (dicts by attname; missing columns take the field default, ``auto_now``
    columns the present time) and return the new primary keys in the rows' order.

    Columns named in ``raw`` hold values already in the database's form (a JSON column's
    text, say), passed on untouched.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in fields]
    defaults = _defaults(fields)
    raw = set(raw)
    converters = [(index, conv) for index, conv in ((i, _converter(f)) for i, f in enumerate(fields))
                  if conv and names[index] not in raw]
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "
    tail = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
    batch = max(1, MAX_PARAMS // len(fields))
    converted_defaults = {}
    for index, conv in converters:
        value = defaults[names[index]]
        converted_defaults[index] = conv(value) if value is not None else None

    if connection.vendor == "postgresql":
        return _insert_unnest(model, fields, names, defaults, converters, converted_defaults, rows, returning)

    values_of = _row_values(names, defaults, converters, converted_defaults)
    # Straight to sqlite3, with its own "?" placeholders: Django's cursor rewrites every "%s" of
    # the statement with a regular expression (4 ms for one of 30,000 parameters, 0.6 s of an
    # import of 130,000 people, holding the GIL its checking thread wants). Errors are still
    # Django's (``wrap_database_errors``), as a caller catching IntegrityError expects.
    per_row = "(" + ", ".join(["?"] * len(fields)) + ")"
    ids: list = []
    params: list = []
    count = 0

    def flush() -> None:
        nonlocal params, count
        if not count:
            return
        connection.ensure_connection()
        with connection.wrap_database_errors:
            cursor = connection.connection.cursor()
            try:
                cursor.execute(head + ", ".join([per_row] * count) + tail, params)
                if returning:
                    ids.extend(row[0] for row in cursor.fetchall())
            finally:
                cursor.close()
        params, count = [], 0

    for row in rows:
        params.extend(values_of(row))
        count += 1
        if count >= batch:
            flush()
    flush()
    return ids


def _row_values(names, defaults, converters, converted_defaults) -> Callable[[dict[str, Any]], list]:
    """A function from a row (a dict by attname) to its values in ``names``' order: a column the
    row leaves out takes its default (already in the database's form), a value given is
    converted where its type needs it (dates, JSON…). Most of the work is in C (a dict merge and
    ``itemgetter``): it runs once per row of a 130,000-row import."""
    base = {name: converted_defaults[index] if index in converted_defaults else defaults[name]
            for index, name in enumerate(names)}
    converting = [(index, names[index], conv) for index, conv in converters]
    pick = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))

    def values_of(row: dict[str, Any]) -> list:
        values = list(pick({**base, **row}))
        for index, name, conv in converting:
            if name in row:
                value = values[index]
                if value is not None:
                    values[index] = conv(value)
        return values

    return values_of


def _insert_unnest(model, fields, names, defaults, converters, converted_defaults, rows, returning) -> list:
    """PostgreSQL: ``INSERT … SELECT * FROM unnest(col1[], col2[], …) RETURNING id``, one array
    per column. A statement with 30,000 placeholders costs psycopg seconds to parse on the
    client; one with a placeholder per column costs nothing. (Django's own bulk_create does
    the same on PostgreSQL; the rows come back in the arrays' order.)"""
    quote = connection.ops.quote_name
    # %b: each array travels in binary, with no quoting or escaping of its 100,000 elements.
    casts = ", ".join(f"%b::{f.db_type(connection)}[]" for f in fields)
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"SELECT * FROM unnest({casts})")
    if returning:
        sql += f" RETURNING {quote(model._meta.pk.column)}"
    if not returning:
        return _copy(model, fields, names, defaults, converters, converted_defaults, rows)
    if model._meta.pk.get_internal_type() in {"AutoField", "BigAutoField"}:
        return _copy_with_ids(model, fields, names, defaults, converters, converted_defaults, rows)
    ids: list = []
    columns: list[list] = [[] for _ in fields]
    count = 0

    def flush() -> None:
        nonlocal columns, count
        if not count:
            return
        import psycopg

        connection.ensure_connection()
        # A server-side-binding cursor on Django's own connection (so: in its transaction);
        # Django's cursors bind on the client, quoting every element into the SQL text.
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, columns)
            if returning:
                ids.extend(row[0] for row in cursor.fetchall())
        columns, count = [[] for _ in fields], 0

    values_of = _row_values(names, defaults, converters, converted_defaults)
    for row in rows:
        for column, value in zip(columns, values_of(row)):
            column.append(value)
        count += 1
        if count >= UNNEST_ROWS:
            flush()
    flush()
    return ids


def _copy_with_ids(model, fields, names, defaults, converters, converted_defaults, rows) -> list:
    """PostgreSQL, keys wanted: the keys are drawn from the table's sequence first (one
    ``nextval`` query for all the rows), then the rows go by ``COPY`` with their keys — the
    server's bulk-load path instead of an INSERT, and the keys known without RETURNING."""
    import psycopg

    rows = list(rows)
    if not rows:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        # The sequence looked up once: ``nextval(pg_get_serial_sequence(…))`` would look it up
        # again for every row (0.4 s of the server's time for 130,000 keys, against 0.08 s).
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, len(rows)])
        ids = [row[0] for row in cursor.fetchall()]
    key_field = model._meta.pk
    _copy(model, [key_field, *fields], [key_field.attname, *names], {key_field.attname: None, **defaults},
          [(index + 1, conv) for index, conv in converters],
          {index + 1: value for index, value in converted_defaults.items()},
          ({**row, key_field.attname: pk_value} for row, pk_value in zip(rows, ids)))
    return ids


def _copy(model, fields, names, defaults, converters, converted_defaults, rows) -> list:
    """PostgreSQL, when no keys are wanted back (audit rows): ``COPY … FROM STDIN``, the
    server's own bulk-load path."""
    import psycopg

    quote = connection.ops.quote_name
    statement = (f"COPY {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
                 "FROM STDIN")
    connection.ensure_connection()
    # Dates and instants go as their ISO text, which the server reads as it reads psycopg's:
    # psycopg renders a datetime with a time zone in 1.2 µs, and every row carries two
    # (``created_at``, ``updated_at``, the same instant): 0.7 s of the writer's time for an
    # import's 290,000 rows. The converted defaults are rendered once; a date given in a row is
    # rendered by ``isoformat`` after its converter. Raw columns are left as they are.
    converted_defaults = {index: _iso(value) for index, value in converted_defaults.items()}
    converters = [(index, _then_iso(conv)) for index, conv in converters]
    with psycopg.Cursor(connection.connection) as cursor, cursor.copy(statement) as copy:
        values_of = _row_values(names, defaults, converters, converted_defaults)
        for row in rows:
            copy.write_row(values_of(row))
    return []


def _iso(value: Any) -> Any:
    """A date or datetime as ISO text (what ``COPY`` reads back as the same value); any other
    value as it is."""
    return value.isoformat() if isinstance(value, dt.date) else value  # a datetime is a date


def _then_iso(conv: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        return _iso(conv(value))

    return convert


def analyze(*models: type[models.Model]) -> None:
    """PostgreSQL: statistics for tables just bulk-loaded, before anything queries them (SQLite:
    nothing to do). Until autovacuum comes by, the planner guesses, and guesses badly: a table of
    units loaded a moment before is taken for one row, so "any review under these units?" became
    a nested loop over the units with a full scan of 178,000 reviews inside each (3.3 s, and
    47 s of a demo build, issue 17). ANALYZE runs in the caller's transaction and sees its rows."""
    if connection.vendor != "postgresql" or not models:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(quote(model._meta.db_table) for model in models))
