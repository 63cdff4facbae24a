"""The part of reading a spreadsheet that runs in a child process (see ``core.sheet_guard``).

A native reader can abort the whole process on a hostile file (python-calamine panics on a
sparse sheet whose used range ends at XFD250000, and inflates a zip bomb into gigabytes), so
the parsing runs here, in a fresh interpreter started as ``python sheet_child.py``, under a
memory cap (``RLIMIT_AS``) and a CPU-time cap. If the reader dies, only this process dies; the
caller sees the pipe close and says so in Vietnamese.

Free of Django and of the project's other modules: the interpreter starts in a few tens of
milliseconds and imports nothing but python-calamine.

The talk over stdin/stdout is a series of frames (8-byte length, then a pickle), one sheet at a
time, mirroring how the caller picks the sheet:
caller → (data, max_rows, max_cells, memory_bytes, cpu_seconds);
child → ("head", first rows) ; caller → True (send the whole sheet) or False (next sheet);
child → ("rows", some rows, share of the sheet read)… ("done",) | ("end",) when no sheet is left |
("too_many", height, width) | ("invalid",) when the reader refuses the file as a spreadsheet.

An .xlsx sheet is read in pieces (``_xlsx_pieces``): its XML is inflated a few megabytes at a
time, cut at a row's end, and each piece is given to calamine as a sheet of its own, so the
first rows reach the caller while the rest is still being read (a 30,000-household file's first
rows after 0.05 s instead of 1.8 s). calamine still reads every cell: dates, numbers, shared
strings, styles are its own. Where the XML does not have the expected shape, the sheet is read
whole, as .xls and .ods always are.
"""

from __future__ import annotations

import io
import os
import pickle
import posixpath
import re
import resource
import struct
import sys
import zipfile
from xml.etree import ElementTree

HEAD_ROWS = 10
CHUNK_ROWS = 5_000
FIRST_PIECE_BYTES = 1 << 20  # of a sheet's XML: the first rows come quickly…
MAX_PIECE_BYTES = 8 << 20  # …then pieces double up to this (calamine reads shared strings per piece)
_LENGTH = struct.Struct("<Q")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PACKAGE = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData(\s[^>]*)?>")
_ROOT = re.compile(rb"<((?:\w+:)?worksheet)[\s>]")
_DIMENSION_TAG = re.compile(rb"<(?:\w+:)?dimension\b[^>]*/>")
_EMPTY_SHEET = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData/></worksheet>")


def _vm_size() -> int:
    """Bytes of address space this process already holds (the cap is added on top)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _cap(memory_bytes: int, cpu_seconds: int) -> None:
    limit = _vm_size() + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


class Channel:
    """Frames over a pair of binary streams."""

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer

    def send(self, value) -> None:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self.writer.write(_LENGTH.pack(len(data)))
        self.writer.write(data)
        self.writer.flush()

    def recv(self):
        head = self.reader.read(_LENGTH.size)
        if len(head) < _LENGTH.size:
            raise EOFError
        size = _LENGTH.unpack(head)[0]
        data = self.reader.read(size)
        if len(data) < size:
            raise EOFError
        return pickle.loads(data)


class _TooMany(Exception):
    def __init__(self, height: int, width: int):
        super().__init__(height, width)
        self.height, self.width = height, width


def _xlsx_part(archive: zipfile.ZipFile, name: str) -> str | None:
    """The zip part that holds the .xlsx sheet called ``name``, or None (another format, or a
    workbook laid out otherwise: the sheet is then read whole)."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relationships = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    ids = [sheet.get(_RELATIONSHIP) for sheet in workbook.iter(f"{_MAIN}sheet") if sheet.get("name") == name]
    if len(ids) != 1 or not ids[0]:
        return None
    targets = [r.get("Target") or "" for r in relationships.iter(_PACKAGE) if r.get("Id") == ids[0]]
    if len(targets) != 1:
        return None
    target = targets[0]
    part = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    try:
        archive.getinfo(part)
    except KeyError:
        return None
    return part


def _cut(buffer: bytes, row_end: bytes, numbered_row: re.Pattern) -> int | None:
    """Where ``buffer`` can be cut: after the last row's end that a row with its number follows
    (a row without ``r="…"`` takes its number from the row before, so it never starts a piece)."""
    end = len(buffer)
    while (found := buffer.rfind(row_end, 0, end)) >= 0:
        after = found + len(row_end)
        if numbered_row.match(buffer, after):
            return after
        end = found
    return None


def _xlsx_pieces(archive: zipfile.ZipFile, part: str, index: int, max_rows: int):
    """The sheet in ``part`` as (rows, share of its XML read), piece by piece, with the same rows
    and columns as the whole sheet read at once (``skip_empty_area=False``: row 1 is row 1); or
    None when its XML does not begin as expected (the caller reads it whole)."""
    from python_calamine import CalamineWorkbook

    stream = archive.open(part)
    pending = stream.read(FIRST_PIECE_BYTES)
    opening, root = _SHEET_DATA.search(pending), _ROOT.search(pending)
    if opening is None or root is None or root.start() > opening.start():
        stream.close()
        return None
    prefix = opening.group(1) or b""
    numbered_row = re.compile(rb"\s*<" + re.escape(prefix) + rb"row\s[^>]*?\br\s*=\s*[\"']")
    if not numbered_row.match(pending, opening.end()):
        stream.close()
        return None
    # The declared range would be each piece's range: calamine takes the cells' own.
    head = _DIMENSION_TAG.sub(b"", pending[:opening.end()])
    closing = b"</" + prefix + b"sheetData></" + root.group(1) + b">"
    row_end = b"</" + prefix + b"row>"
    pending = pending[opening.end():]
    # The rest of the workbook, once: its other sheets emptied (they are not read here).
    base = io.BytesIO()
    with zipfile.ZipFile(base, "w") as mini:
        for info in archive.infolist():
            if info.filename == part:
                continue
            other_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            mini.writestr(info.filename, _EMPTY_SHEET if other_sheet else archive.read(info))
    base = base.getvalue()
    size = max(1, archive.getinfo(part).file_size)

    def pieces():
        nonlocal pending
        read, emitted, block_size, ended = len(pending) + opening.end(), 0, FIRST_PIECE_BYTES, False
        with stream:
            while True:
                ended = ended or read >= size  # everything read: the rest is the last piece
                cut = None if ended else _cut(pending, row_end, numbered_row)
                if cut is None and not ended:
                    block_size = min(block_size * 2, MAX_PIECE_BYTES)
                    block = stream.read(block_size)
                    read += len(block)
                    if block:
                        pending += block
                        continue
                    ended = True
                if ended:
                    xml, pending = head + pending, b""
                else:
                    xml, pending = head + pending[:cut] + closing, pending[cut:]
                workbook_bytes = io.BytesIO(base)
                with zipfile.ZipFile(workbook_bytes, "a") as mini:
                    mini.writestr(part, xml)
                del xml
                workbook_bytes.seek(0)
                sheet = CalamineWorkbook.from_filelike(workbook_bytes).get_sheet_by_index(index)
                start = sheet.start
                rows: list[list] = []
                if start is not None:
                    top, left = start
                    if top < emitted:
                        raise ValueError("rows out of order")
                    if top + sheet.height > max_rows + 1:
                        raise _TooMany(top + sheet.height, left + sheet.width)
                    rows = sheet.to_python(skip_empty_area=True)
                    if left:
                        rows = [[""] * left + row for row in rows]
                    if top > emitted:  # empty rows before this piece's first cell, as read whole
                        width = len(rows[0]) if rows else 0
                        rows[:0] = [[""] * width for _ in range(top - emitted)]
                    emitted = top + sheet.height
                # The share of the sheet's XML in the pieces so far (rows / share: the sheet's rows).
                yield rows, min(1.0, (read - len(pending)) / size)
                if ended:
                    return

    return pieces()


def _whole(workbook, index: int, max_rows: int, max_cells: int):
    """The sheet read at once (.xls, .ods, an .xlsx laid out otherwise)."""
    sheet = workbook.get_sheet_by_index(index)
    if sheet.height > max_rows + 1 or sheet.height * sheet.width > max_cells:
        raise _TooMany(sheet.height, sheet.width)
    # skip_empty_area=False keeps row 1 as row 1, so errors name the rows the person sees.
    rows = sheet.to_python(skip_empty_area=False)
    del sheet
    yield rows, 1.0


def _limited(pieces, max_rows: int, max_cells: int):
    """The pieces, cut into chunks the caller unpickles while this process reads on; every limit
    checked as the rows come."""
    height = cells = width = 0
    before = 0.0
    for rows, share in pieces:
        for start in range(0, len(rows), CHUNK_ROWS):
            chunk = rows[start:start + CHUNK_ROWS]
            # The piece's share spread over its chunks, so that rows / share estimates the sheet.
            part = before + (share - before) * min(1.0, (start + CHUNK_ROWS) / len(rows))
            height += len(chunk)
            lengths = list(map(len, chunk))
            cells += sum(lengths)
            width = max(width, max(lengths, default=0))
            if height > max_rows + 1 or cells > max_cells:
                raise _TooMany(height, width)
            yield chunk, part
        before = share


def _sheet(workbook, archive: zipfile.ZipFile | None, index: int, max_rows: int, max_cells: int):
    part = None if archive is None else _xlsx_part(archive, workbook.sheet_names[index])
    pieces = None if part is None else _xlsx_pieces(archive, part, index, max_rows)
    return _limited(pieces or _whole(workbook, index, max_rows, max_cells), max_rows, max_cells)


class _Refused(Exception):
    """What to tell the caller instead of rows."""


def _next(chunks):
    """The next (rows, share), None at the end; the reader's refusal as the message to send."""
    try:
        return next(chunks, None)
    except _TooMany as error:
        raise _Refused(("too_many", error.height, error.width)) from None
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - calamine raises its own, zip and XML errors alike
        raise _Refused(("invalid",)) from None


def parse(channel: Channel, data: bytes, max_rows: int, max_cells: int) -> None:
    """Read ``data`` (.xlsx, .xls or .ods) sheet by sheet and answer the caller."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        count = len(workbook.sheet_names)
    except Exception:  # noqa: BLE001 - calamine raises its own, zip and XML errors alike
        channel.send(("invalid",))
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data)) if data.startswith(b"PK") else None
    except (zipfile.BadZipFile, OSError, ValueError):
        archive = None
    try:
        for index in range(count):
            try:
                chunks = _sheet(workbook, archive, index, max_rows, max_cells)
            except MemoryError:
                raise
            except Exception:  # noqa: BLE001
                raise _Refused(("invalid",)) from None
            taken = []
            while sum(len(rows) for rows, _ in taken) < HEAD_ROWS and (chunk := _next(chunks)) is not None:
                taken.append(chunk)
            channel.send(("head", [row for rows, _ in taken for row in rows][:HEAD_ROWS]))
            if channel.recv():
                for rows, share in taken:
                    channel.send(("rows", rows, share))
                del taken
                while (chunk := _next(chunks)) is not None:
                    channel.send(("rows", *chunk))
                channel.send(("done",))
                return
            chunks.close()
        channel.send(("end",))
    except _Refused as refusal:
        channel.send(refusal.args[0])


def main() -> None:
    # A panic's backtrace would only fill the worker's log; its one-line reason is enough.
    os.environ["RUST_BACKTRACE"] = "0"
    channel = Channel(sys.stdin.buffer, sys.stdout.buffer)
    data, max_rows, max_cells, memory_bytes, cpu_seconds = channel.recv()
    _cap(memory_bytes, cpu_seconds)
    parse(channel, data, max_rows, max_cells)


if __name__ == "__main__":
    main()
