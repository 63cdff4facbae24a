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
child → ("rows", some rows)… ("done",) | ("end",) when no sheet is left | ("too_many", height, width) |
("invalid",) when the reader refuses the file as a spreadsheet.
"""

from __future__ import annotations

import io
import os
import pickle
import resource
import struct
import sys

HEAD_ROWS = 10
CHUNK_ROWS = 5_000
_LENGTH = struct.Struct("<Q")


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


def parse(channel: Channel, data: bytes, max_rows: int, max_cells: int) -> None:
    """Read ``data`` (.xlsx, .xls or .ods) sheet by sheet and answer the caller."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        count = len(workbook.sheet_names)
    except Exception:  # noqa: BLE001 - calamine raises its own, zip and XML errors alike
        channel.send(("invalid",))
        return
    del data
    for index in range(count):
        try:
            sheet = workbook.get_sheet_by_index(index)
            if sheet.height > max_rows + 1 or sheet.height * sheet.width > max_cells:
                channel.send(("too_many", sheet.height, sheet.width))
                return
            # skip_empty_area=False keeps row 1 as row 1, so errors name the rows the person sees.
            rows = sheet.to_python(skip_empty_area=False)
        except MemoryError:
            raise
        except Exception:  # noqa: BLE001
            channel.send(("invalid",))
            return
        channel.send(("head", rows[:HEAD_ROWS]))
        if channel.recv():
            # In chunks, so the caller unpickles one while this process pickles the next.
            for start in range(0, len(rows), CHUNK_ROWS):
                channel.send(("rows", rows[start:start + CHUNK_ROWS]))
            channel.send(("done",))
            return
        del rows, sheet
    channel.send(("end",))


def main() -> None:
    # A panic's backtrace would only fill the worker's log; its one-line reason is enough.
    os.environ["RUST_BACKTRACE"] = "0"
    channel = Channel(sys.stdin.buffer, sys.stdout.buffer)
    data, max_rows, max_cells, memory_bytes, cpu_seconds = channel.recv()
    _cap(memory_bytes, cpu_seconds)
    parse(channel, data, max_rows, max_cells)


if __name__ == "__main__":
    main()
