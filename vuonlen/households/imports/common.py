"""What the household and the review imports share: the result, the phases and the progress
reporter, the file read and its header located, the checker's frame, the units of the file read
once, chunked queries, and the one write transaction."""

from __future__ import annotations

import contextlib
import functools
import gc
import inspect
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connection, connections, transaction
from django.utils import translation
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
    130,000 updates to the job row.

    While the import's transaction is open beside the checks (``beside_the_write``), progress
    cannot go through the import's connection (nobody else would see it, and it is the writer's):
    it goes through a thread with its own connection where that can work (PostgreSQL, the job not
    run inside an outer transaction), and is left out otherwise (SQLite's one writer is the
    import; a job run inside a request's or a test's transaction)."""

    INTERVAL = 0.3

    def __init__(self, progress: Progress | None):
        self.progress = progress
        self.last = 0.0
        self.side: _SideProgress | None = None
        self.muted = False
        self.nested = False

    def __call__(self, done: int, total: int, phase: str, *, force: bool = False) -> None:
        if self.progress is None:
            return
        if self.side is not None and self.side.error is not None:
            raise self.side.error  # e.g. the job was failed meanwhile (lease lost): stop, roll back
        now = time.monotonic()
        if force or now - self.last >= self.INTERVAL:
            self.last = now
            if self.side is not None:
                self.side.post(done, total, phase)
            elif not self.muted:
                self.progress(done, total, phase)

    def before_the_write_lock(self, done: int, total: int, phase: str) -> None:
        """The last progress before the import's transaction opens; the job's lease then covers a
        transaction that holds SQLite's write lock (see ``households.jobs``)."""
        if self.progress is None:
            return
        self.last = time.monotonic()
        try:
            takes_it = "write_lock" in inspect.signature(self.progress).parameters
        except (TypeError, ValueError):
            takes_it = False
        if takes_it:
            self.progress(done, total, phase, write_lock=True)
        else:  # a plain (done, total, phase) callable
            self.progress(done, total, phase)

    @contextlib.contextmanager
    def beside_the_write(self) -> Iterator[None]:
        """Progress while the import's transaction is open (called before it opens)."""
        if self.progress is None:
            yield
            return
        self.nested = connection.in_atomic_block
        if connection.vendor == "postgresql" and not self.nested:
            self.side = _SideProgress(self.progress)
            self.side.start()
        else:
            self.muted = True
        try:
            yield
            if self.side is not None:
                self.side.stop()
                if self.side.error is not None:
                    raise self.side.error
        finally:
            if self.side is not None:
                self.side.stop()
            self.side, self.muted = None, False

    def checks_done(self) -> None:
        """The writer has finished: inside an outer transaction (a job run by a request or a test)
        progress may again go through the import's connection, which everyone there shares."""
        if self.muted and self.nested:
            self.muted = False


class _SideProgress(threading.Thread):
    """Writes the latest progress on this thread's own database connection, outside the import's
    transaction, so that the job page sees it; an error (the job lost) is kept for the import to
    raise at its next progress."""

    def __init__(self, progress: Progress):
        super().__init__(name="import-progress", daemon=True)
        self.progress = progress
        self.latest: tuple[int, int, str] | None = None
        self.wake = threading.Event()
        self.done = False
        self.error: BaseException | None = None

    def post(self, done: int, total: int, phase: str) -> None:
        self.latest = (done, total, phase)
        self.wake.set()

    def stop(self) -> None:
        if self.is_alive():
            self.done = True
            self.wake.set()
            self.join(timeout=10)

    def run(self) -> None:
        try:
            while True:
                self.wake.wait()
                self.wake.clear()
                latest, self.latest = self.latest, None
                if latest is not None and self.error is None:
                    try:
                        self.progress(*latest)
                    except Exception as error:  # noqa: BLE001 - kept for the import's thread
                        self.error = error
                if self.done:
                    return
        finally:
            connections.close_all()  # this thread's own connections only


class Writer(threading.Thread):
    """Runs the import's database work (callables, in order) on the import's own connection, in its
    one transaction, while the calling thread goes on checking the file: the database writes
    (sqlite3 and psycopg let go of the GIL while the database works) while Python checks.

    The calling thread must not use the connection until ``finish``. The first error stops the
    work; the rest is skipped and ``finish`` raises it, so the transaction is rolled back."""

    def __init__(self, depth: int = 2):
        super().__init__(name="import-writer", daemon=True)
        self.wrapper = connections[DEFAULT_DB_ALIAS]
        self.jobs: queue.Queue = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.language = translation.get_language()  # messages in the reader's language, as in one thread

    def __enter__(self) -> Writer:
        self.wrapper.inc_thread_sharing()
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.jobs.put(None)
        self.join()
        self.wrapper.dec_thread_sharing()

    def submit(self, job: Callable[[], None]) -> None:
        if self.error is not None:
            raise self.error
        self.jobs.put(job)

    def finish(self) -> None:
        """Wait for the work submitted so far; raise its error, if any."""
        done = threading.Event()
        self.jobs.put(done)
        while not done.wait(0.5):
            if not self.is_alive():
                break
        if self.error is not None:
            raise self.error

    def run(self) -> None:
        connections[DEFAULT_DB_ALIAS] = self.wrapper  # the import's connection, not a new one
        if self.language:
            translation.activate(self.language)
        try:
            while (job := self.jobs.get()) is not None:
                if isinstance(job, threading.Event):
                    job.set()  # ``finish``: everything before it is done
                elif self.error is None:
                    try:
                        job()
                    except BaseException as error:  # noqa: BLE001 - raised in the import's thread
                        self.error = error
        finally:
            del connections[DEFAULT_DB_ALIAS]  # this thread's end must not close the import's connection


# Both files name the commune by its code, under the same header and the same synonyms.
COMMUNE_HEADER = "Mã xã"
COMMUNE_COLUMN = Column.of(COMMUNE_HEADER, "ma don vi", "ma dvhc", "ma so xa", prefixes=("ma xa",))


@dataclass
class Sheet:
    """The file's rows (row 1 first, read as they are asked for: ``spreadsheets.Table``), the
    header row's index and each column's position in it."""

    table: spreadsheets.Table
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
        """(rows read so far, spreadsheet row number, cells) of every row below the header, while
        the file is still being read (``FileRejected`` may come from a limit met on the way)."""
        rows, index = self.table.rows, self.header_index + 1
        while True:
            end = len(rows)
            while index < end:
                yield index - self.header_index, index + 1, rows[index]
                index += 1
            if not self.table.more():
                return

    @property
    def total(self) -> int:
        """How many rows lie below the header (for the progress; estimated until the file is read)."""
        return max(0, self.table.estimated_rows() - self.header_index - 1)

    def close(self) -> None:
        """Stop reading (the child is killed) and let the rows go."""
        self.table.close()
        self.table.rows.clear()


def read_sheet(file: BinaryIO | bytes, filename: str, columns: Sequence[Column], *,
               stream: bool = False) -> Sheet | ImportResult:
    """The file read (``spreadsheets.open_table``, every limit checked) and its header located;
    a file refused (type, size, no header, a column missing) is the import's result, one error.
    ``FileUnreadable`` goes on: the parser died on the file, and the job fails with its message
    (see ``core.sheet_guard``). With ``stream``, only the rows around the header are read here;
    the rest comes as ``Sheet.data`` goes (and a limit met on the way raises from there)."""
    table = None
    try:
        table = spreadsheets.open_table(file, filename, columns=columns, max_rows=MAX_ROWS)
        table.read(spreadsheets.LOCATE_ROWS if stream else None)
        header_index, positions = spreadsheets.locate_header(table.rows, columns)
    except FileRejected as exc:
        if table is not None:
            table.close()
        if isinstance(exc, FileUnreadable):
            raise
        return _file_error(str(exc))
    return Sheet(table, header_index, positions)


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

    def __init__(self, actor, era: str, commune_codes: Iterable[str] = ()):
        self.actor = actor
        self.era = era
        self.communes: dict[str, AdministrativeUnit] = {}
        self.villages: dict[tuple[int, str], AdministrativeUnit] = {}
        self._asked: set[str] = set()
        self._can: dict[tuple[str, int], bool] = {}
        self.add(commune_codes)

    def add(self, commune_codes: Iterable[str]) -> None:
        """Read the communes of these codes not asked for yet, and their villages (a file read as
        it comes names its communes chunk by chunk)."""
        codes = sorted({c for c in commune_codes if c} - self._asked)
        if not codes:
            return
        self._asked.update(codes)
        found = []
        for chunk in _chunks(codes):
            for unit in AdministrativeUnit.objects.filter(era=self.era, level=Level.COMMUNE, code__in=chunk):
                self.communes[unit.code] = unit
                found.append(unit)
        for chunk in _chunks(found):
            for village in AdministrativeUnit.objects.filter(parent__in=chunk, level=Level.VILLAGE):
                self.villages[(village.parent_id, fold(village.code))] = village
                self.villages[(village.parent_id, village.name_search)] = village

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
