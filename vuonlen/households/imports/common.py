"""What the household and the review imports share: the result, the phases and the progress
reporter, the file read and its header located, the checker's frame, the units of the file read
once, chunked queries, and the one write transaction."""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils.translation import gettext_lazy

from vuonlen.accounts import scoping
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core import spreadsheets
from vuonlen.core.audit import audit_record
from vuonlen.core.formats import format_number
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.core.spreadsheets import Column, FileRejected, FileUnreadable, RowError
from vuonlen.core.text import fold
from vuonlen.geo.models import AdministrativeUnit, Level

logger = logging.getLogger(__name__)

MAX_ROWS = 300_000
_CHUNK = 2_000  # codes per IN (…) query: well inside SQLite's and PostgreSQL's limits
NOT_FOUND_COMMUNE = gettext_lazy("Không tìm thấy xã mã %(code)s trong phạm vi của bạn")

Progress = Callable[[int, int, str], None]  # (done, total, phase)


class Phase:
    READ = "read"
    CHECK = "check"
    WRITE = "write"


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """One Vietnamese sentence: what was created, what was already there."""
        if self.errors:
            return f"Tệp có {format_number(len(self.errors))} lỗi; chưa ghi gì vào sổ."
        parts = [f"{format_number(self.counts[key])} {label}" for key, label in _COUNT_LABELS
                 if self.counts.get(key)]
        unchanged = self.counts.get("unchanged", 0)
        if not parts:
            return "Không có thay đổi: mọi dòng trong tệp đã có trong sổ."
        text = "Đã thêm " + ", ".join(parts)
        if self.counts.get("superseded"):
            text += f" (thay {format_number(self.counts['superseded'])} kết quả chưa công nhận)"
        if unchanged:
            text += f"; {format_number(unchanged)} hộ không có thay đổi"
        return text + "."


_COUNT_LABELS = (("households", "hộ"), ("persons", "nhân khẩu"), ("reviews", "kết quả rà soát"))


class _Reporter:
    """Calls ``progress`` at most every ``INTERVAL`` seconds: a 130,000-row file must not write
    130,000 updates to the job row."""

    INTERVAL = 0.3

    def __init__(self, progress: Progress | None):
        self.progress = progress
        self.last = 0.0

    def __call__(self, done: int, total: int, phase: str, *, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if force or now - self.last >= self.INTERVAL:
            self.last = now
            self.progress(done, total, phase)


# Both files name the commune by its code, under the same header and the same synonyms.
COMMUNE_HEADER = "Mã xã"
COMMUNE_COLUMN = Column.of(COMMUNE_HEADER, "ma don vi", "ma dvhc", "ma so xa", prefixes=("ma xa",))


@dataclass
class Sheet:
    """The file's cells (row 1 first), the header row's index and each column's position in it."""

    rows: list[list]
    header_index: int
    positions: dict[str, int]

    def reader(self) -> Callable[[list], dict[str, Any]]:
        """A function from a row's cells to {column: value} (None past the row's end): called once
        per row of a 130,000-row file, so the positions are looked up once here."""
        items = list(self.positions.items())

        def values(row: list) -> dict[str, Any]:
            width = len(row)
            return {name: row[pos] if pos < width else None for name, pos in items}

        return values

    def data(self) -> Iterable[tuple[int, int, list]]:
        """(rows read so far, spreadsheet row number, cells) of every row below the header."""
        first = self.header_index + 1
        rows = self.rows
        for index in range(first, len(rows)):
            yield index - self.header_index, index + 1, rows[index]

    @property
    def total(self) -> int:
        """How many rows lie below the header (for the progress)."""
        return len(self.rows) - self.header_index - 1


def read_sheet(file: BinaryIO | bytes, filename: str, columns: Sequence[Column]) -> Sheet | ImportResult:
    """The file read (``spreadsheets.read_table``, every limit checked) and its header located;
    a file refused (type, size, no header, a column missing) is the import's result, one error.
    ``FileUnreadable`` goes on: the parser died on the file, and the job fails with its message
    (see ``core.sheet_guard``)."""
    try:
        rows = spreadsheets.read_table(file, filename, columns=columns, max_rows=MAX_ROWS)
        header_index, positions = spreadsheets.locate_header(rows, columns)
    except FileUnreadable:
        raise
    except FileRejected as exc:
        return _file_error(str(exc))
    return Sheet(rows, header_index, positions)


class Checker(spreadsheets.RowChecker):
    """What both files' checkers hold: who imports (for the scope), the units' era, the progress,
    today's date (Vietnam's), and the errors with their row and column."""

    def __init__(self, actor, era: str, positions: dict[str, int], report: _Reporter):
        super().__init__(positions)
        self.actor = actor
        self.era = era
        self.report = report
        self.today = today_vn()


def write_all_or_nothing(*, actor, report: _Reporter, write: Callable[[], dict[str, int]], counts: dict[str, int],
                         what: str, note: Callable[[dict[str, int]], str], conflict: str) -> ImportResult:
    """Run ``write`` (the records and their audit rows) and the file's IMPORT audit row in one
    transaction, its counts added to ``counts``. A unique key taken by someone else between the
    check and the write rolls everything back: the result is then one error, ``conflict``."""
    # Inside the transaction progress could not be seen by anyone else: the phase is all there is.
    report(0, 0, Phase.WRITE, force=True)
    try:
        with sqlite_write_cache(), transaction.atomic():
            counts.update(write())
            audit_record(actor=actor, action=AuditAction.IMPORT, source="import", object_repr=what[:300],
                         note=note(counts)[:500])
    except IntegrityError:
        logger.warning("import rolled back on a concurrent change (%s)", what, exc_info=True)
        return _file_error(conflict)
    return ImportResult(counts=counts)


# SQLite's page cache while an import writes, in KiB (its default is 2,000 KiB).
SQLITE_WRITE_CACHE_KIB = 32 * 1024


@contextlib.contextmanager
def sqlite_write_cache(kib: int = SQLITE_WRITE_CACHE_KIB) -> Iterator[None]:
    """SQLite: a larger page cache for the connection while an import writes, then the size it had.

    With SQLite's 2 MB default, the pages of a province's import (130,000 people, their
    memberships, 290,000 audit rows and the indexes of all of them) spill to the WAL file while
    the transaction is still open and are read back: a fifth of the write's CPU time (measured
    in docs/imports.md, "Speed"). Setting the size back frees the pages, so the worker does not
    keep 32 MB it no longer uses. PostgreSQL: nothing (its buffers are the server's)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        with contextlib.suppress(DatabaseError):  # a broken connection has no cache left to shrink
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {before}")


def _chunks(items: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def rows_with(model, column: str, keys: list, *others: str) -> list[tuple]:
    """(key, *others) of ``model``'s rows whose ``column`` is one of ``keys``, in plain SQL: one
    query with an array on PostgreSQL, IN lists of ``_CHUNK`` on SQLite. (Django's ``__in`` passes
    every key through the field first: for the 130,000 ID numbers of a province's file that was
    most of the registry check.) Columns are named as in the table."""
    quote = connection.ops.quote_name
    select = f"SELECT {', '.join(quote(c) for c in (column, *others))} FROM {quote(model._meta.db_table)} WHERE "
    found: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(select + f"{quote(column)} = ANY(%s)", [list(keys)])
            return cursor.fetchall()
        for chunk in _chunks(keys):
            cursor.execute(select + f"{quote(column)} IN ({', '.join(['%s'] * len(chunk))})", chunk)
            found += cursor.fetchall()
    return found


def _sorted(errors: list[RowError], order: dict[str, int]) -> list[RowError]:
    return sorted(errors, key=lambda e: (e.row or 0, order.get(e.column, 99)))


def _is_blank(value) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


class _Units:
    """Communes of one era by code, and their villages by code and by folded name, in two queries."""

    def __init__(self, actor, era: str, commune_codes: Iterable[str]):
        self.actor = actor
        codes = sorted({c for c in commune_codes if c})
        self.communes: dict[str, AdministrativeUnit] = {}
        for chunk in _chunks(codes):
            for unit in AdministrativeUnit.objects.filter(era=era, level=Level.COMMUNE, code__in=chunk):
                self.communes[unit.code] = unit
        self.villages: dict[tuple[int, str], AdministrativeUnit] = {}
        for village in AdministrativeUnit.objects.filter(parent__in=list(self.communes.values()),
                                                         level=Level.VILLAGE):
            self.villages[(village.parent_id, fold(village.code))] = village
            self.villages[(village.parent_id, village.name_search)] = village
        self._can: dict[tuple[str, int], bool] = {}

    def can(self, perm: str, unit: AdministrativeUnit) -> bool:
        if self.actor is SYSTEM:
            return True  # the system (a command run without --user), as in the services
        key = (perm, unit.pk)
        if key not in self._can:
            self._can[key] = scoping.can(self.actor, perm, unit)
        return self._can[key]

    def village(self, commune: AdministrativeUnit, typed: str) -> AdministrativeUnit | None:
        return self.villages.get((commune.pk, fold(typed)))


def _file_error(message: str) -> ImportResult:
    return ImportResult(errors=[RowError(None, "", message)])


def without_cyclic_gc(function):
    """Run an import with Python's cycle collector paused (then restored as it was).

    An import allocates millions of small objects (cells, cleaned values, rows) that live to its
    end; the collector, triggered by every few hundred allocations, traverses all of them again
    and again — a fifth of a 130,000-person import's CPU time. The import makes no reference
    cycles worth collecting meanwhile; reference counting frees everything else as usual."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return wrapper
