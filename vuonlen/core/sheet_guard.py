"""No file takes the system down: the limits every import checks before any parser runs, and
the parsing itself in a child process that may die without taking the caller with it.

Before parsing (cheap, from the file's own bookkeeping, nothing inflated):
- the file's size (``VUONLEN_MAX_IMPORT_BYTES``);
- for the zip-based formats (.xlsx, .ods) the central directory: how many parts, and how big
  they say they are once inflated (``VUONLEN_IMPORT_MAX_INFLATED_BYTES``) — a zip bomb of
  1.5 GB in under 1 MB is refused here in milliseconds;
- for .xlsx, the used range each sheet declares in its ``<dimension ref="A1:…"/>``: rows
  (the import's own limit), columns (``VUONLEN_IMPORT_MAX_COLUMNS``) and cells
  (``VUONLEN_IMPORT_MAX_CELLS``) — a sparse sheet ending at XFD250000 is refused here.

Then the parse runs in a child (``core.sheet_child``, a fresh interpreter), under a
memory cap (``VUONLEN_IMPORT_MEMORY_BYTES``) and a time limit
(``VUONLEN_IMPORT_PARSE_SECONDS``): a file that lies in its bookkeeping, or that makes the
native reader abort, kills only the child, and the caller gets ``FileUnreadable`` with a
Vietnamese message. A job runner marks its job failed with that message.
"""

from __future__ import annotations

import io
import logging
import math
import os
import pickle
import re
import select
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from . import sheet_child
from .formats import format_number

logger = logging.getLogger(__name__)

DEFAULT_MAX_INFLATED_BYTES = 300 * 1024 * 1024
DEFAULT_MAX_COLUMNS = 500
DEFAULT_MAX_CELLS = 6_000_000
DEFAULT_MEMORY_BYTES = 1536 * 1024 * 1024
DEFAULT_PARSE_SECONDS = 120
MAX_ZIP_PARTS = 10_000
MAX_FRAME_BYTES = 512 * 1024 * 1024
_DIMENSION_HEAD = 64 * 1024
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?"')


class FileRejected(Exception):
    """The file cannot be read as a table at all."""


class FileUnreadable(FileRejected):
    """The parser died, ran out of memory or time on this file: the system is fine, the file is
    not readable. Its message is Vietnamese and names the file."""


@dataclass(frozen=True)
class Limits:
    inflated_bytes: int
    columns: int
    cells: int
    memory_bytes: int
    parse_seconds: float

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            inflated_bytes=int(getattr(settings, "VUONLEN_IMPORT_MAX_INFLATED_BYTES", DEFAULT_MAX_INFLATED_BYTES)),
            columns=int(getattr(settings, "VUONLEN_IMPORT_MAX_COLUMNS", DEFAULT_MAX_COLUMNS)),
            cells=int(getattr(settings, "VUONLEN_IMPORT_MAX_CELLS", DEFAULT_MAX_CELLS)),
            memory_bytes=int(getattr(settings, "VUONLEN_IMPORT_MEMORY_BYTES", DEFAULT_MEMORY_BYTES)),
            parse_seconds=float(getattr(settings, "VUONLEN_IMPORT_PARSE_SECONDS", DEFAULT_PARSE_SECONDS)),
        )


def invalid(filename: str) -> FileRejected:
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return FileRejected(_("Tệp không phải bảng tính %(extension)s hợp lệ") % {"extension": extension})


def _mb(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return format_number(megabytes, 0 if megabytes >= 10 or megabytes.is_integer() else 1)


def too_many_rows(max_rows: int) -> FileRejected:
    return FileRejected(_("Tệp có quá nhiều dòng: tối đa %(rows)s dòng mỗi lần nhập")
                        % {"rows": format_number(max_rows)})


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


# --- before parsing ------------------------------------------------------------------------------

def check_zip(data: bytes, filename: str, limits: Limits) -> zipfile.ZipFile:
    """The zip's central directory: a readable archive of a sane number of parts, whose parts
    inflate to no more than the limit."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise invalid(filename) from None
    if len(parts) > MAX_ZIP_PARTS:
        raise FileRejected(_("Tệp “%(name)s” có quá nhiều phần bên trong; không phải bảng tính thông thường")
                           % {"name": filename})
    inflated = sum(part.file_size for part in parts)
    if inflated > limits.inflated_bytes:
        raise FileRejected(
            _("Tệp “%(name)s” khi giải nén lên tới %(size)s MB, vượt giới hạn %(limit)s MB: không đọc tệp này. "
              "Hãy xoá các trang, dòng, cột thừa rồi lưu lại.")
            % {"name": filename, "size": _mb(inflated), "limit": _mb(limits.inflated_bytes)})
    return archive


def check_dimensions(archive: zipfile.ZipFile, filename: str, max_rows: int, limits: Limits) -> None:
    """Each worksheet's declared used range (``<dimension ref="A1:F200"/>``, near the top of the
    sheet's XML) within the rows, columns and cells an import reads."""
    for part in archive.infolist():
        if not (part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml")):
            continue
        try:
            with archive.open(part) as stream:
                head = stream.read(_DIMENSION_HEAD)
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
            raise invalid(filename) from None
        match = _DIMENSION.search(head)
        if match is None:
            continue  # no declaration: the child's memory cap still holds
        last_column, last_row = (match.group(3), match.group(4)) if match.group(3) else match.group(1, 2)
        rows, columns = int(last_row), _column_number(last_column)
        if rows > max_rows + sheet_child.HEAD_ROWS + 1:
            raise too_many_rows(max_rows)
        if columns > limits.columns:
            raise FileRejected(
                _("Trang tính của tệp “%(name)s” dùng tới cột %(column)s (%(count)s cột), vượt giới hạn %(limit)s "
                  "cột. Hãy xoá các cột thừa bên phải bảng rồi lưu lại.")
                % {"name": filename, "column": last_column.decode(), "count": format_number(columns),
                   "limit": format_number(limits.columns)})
        if rows * columns > limits.cells:
            raise FileRejected(
                _("Trang tính của tệp “%(name)s” có %(count)s ô, vượt giới hạn %(limit)s ô mỗi lần nhập.")
                % {"name": filename, "count": format_number(rows * columns), "limit": format_number(limits.cells)})


# --- parsing in a child ------------------------------------------------------------------------

class _Unpickler(pickle.Unpickler):
    """What the child sends is cells: lists, text, numbers, booleans, None, and dates and times.
    Nothing else is rebuilt, so even a child subverted by a hostile file cannot run code here."""

    _ALLOWED = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"), ("datetime", "timedelta")}

    def find_class(self, module, name):
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name}")


class _ChildPipe:
    """Frames (``sheet_child.Channel``) to and from the child, every read bound by the time left:
    ``seconds`` counts only the waits for the child, not the time the caller spends between two
    reads with the rows it has (an import checks and writes while the child reads on)."""

    def __init__(self, process: subprocess.Popen, seconds: float):
        self.process, self.left = process, seconds
        self.fd = process.stdout.fileno()

    def send(self, value) -> None:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self.process.stdin.write(sheet_child._LENGTH.pack(len(data)) + data)
        self.process.stdin.flush()

    def _read(self, size: int) -> bytes:
        chunks, missing = [], size
        while missing:
            if self.left <= 0:
                raise TimeoutError
            started = time.monotonic()
            ready = select.select([self.fd], [], [], self.left)[0]
            self.left -= time.monotonic() - started
            if not ready:
                raise TimeoutError
            chunk = os.read(self.fd, min(missing, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def recv(self):
        size = sheet_child._LENGTH.unpack(self._read(sheet_child._LENGTH.size))[0]
        if size > MAX_FRAME_BYTES:
            raise EOFError  # no chunk of cells is that big: the child is not itself
        return _Unpickler(io.BytesIO(self._read(size))).load()


def unreadable(filename: str, reason: str) -> FileUnreadable:
    return FileUnreadable(_("Tệp “%(name)s” không đọc được: %(reason)s. Chưa ghi gì vào sổ; hệ thống vẫn hoạt động "
                            "bình thường. Hãy mở tệp bằng Excel, xoá các dòng, cột thừa rồi lưu lại dưới dạng "
                            ".xlsx.") % {"name": filename, "reason": reason})


def rows_in_child(data: bytes, filename: str, *, max_rows: int, choose: Callable[[list[list]], bool],
                  limits: Limits) -> Iterator[tuple[list[list], float]]:
    """The rows of the first sheet whose first rows ``choose`` accepts, as (some rows, share of the
    sheet read so far) while the child reads on; or the first rows of the first sheet when none is
    accepted (so the caller can say which column is missing); nothing for a file without sheets.
    The child starts at the first ``next`` and is killed when the iterator is closed or dropped."""
    cpu_seconds = max(1, math.ceil(limits.parse_seconds) + 1)
    # Isolated (-I: no script folder, user site or PYTHON* variables on its path) and with an
    # empty environment: a child subverted by a hostile file finds no secret in its variables.
    process = subprocess.Popen([sys.executable, "-I", sheet_child.__file__], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, close_fds=True,
                               env={"LC_ALL": "C.UTF-8"})
    pipe = _ChildPipe(process, limits.parse_seconds)
    first_head: list[list] | None = None
    count = 0
    try:
        try:
            pipe.send((data, max_rows, limits.cells, limits.memory_bytes, cpu_seconds))
            while True:
                message = pipe.recv()
                kind = message[0]
                if kind == "head":
                    first_head = message[1] if first_head is None else first_head
                    pipe.send(bool(choose(message[1])))
                elif kind == "rows":
                    count += len(message[1])
                    if count > max_rows + 1:
                        raise too_many_rows(max_rows)
                    yield message[1], message[2]
                elif kind == "done":
                    return
                elif kind == "end":
                    if first_head:
                        yield first_head, 1.0
                    return
                elif kind == "too_many":
                    height, width = message[1], message[2]
                    if height > max_rows + 1:
                        raise too_many_rows(max_rows)
                    raise FileRejected(
                        _("Trang tính của tệp “%(name)s” có %(count)s ô, vượt giới hạn %(limit)s ô mỗi lần nhập.")
                        % {"name": filename, "count": format_number(height * width),
                           "limit": format_number(limits.cells)})
                else:
                    raise invalid(filename)
        except TimeoutError:
            logger.warning("spreadsheet reader killed after %s s", limits.parse_seconds)
            raise unreadable(filename, _("đọc quá %(seconds)s giây") % {
                "seconds": format_number(limits.parse_seconds, 0)}) from None
        except (EOFError, BrokenPipeError, pickle.UnpicklingError):
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                pass
            logger.warning("spreadsheet reader died (exit code %s)", process.returncode)
            raise unreadable(filename, _("trình đọc bảng tính bị dừng đột ngột (tệp hỏng, hoặc cần quá "
                                         "%(size)s MB bộ nhớ)") % {"size": _mb(limits.memory_bytes)}) from None
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            try:
                stream.close()
            except OSError:
                pass  # the child died with bytes still unread
