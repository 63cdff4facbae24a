"""The part of reading a spreadsheet that runs in a child process (see ``core.sheet_guard``).

A native reader can abort the whole process on a hostile file (python-calamine panics on a
sparse sheet whose used range ends at XFD250000, and inflates a zip bomb into gigabytes), so
the parsing runs here, in a process forked from a small server that imported only this module,
under a memory cap (``RLIMIT_AS``) and a CPU-time cap. If the reader dies, only this process
dies; the caller sees the pipe close and says so in Vietnamese.

Kept free of Django and of the project's other modules, so the fork server stays small.

The talk over the pipe, one sheet at a time, mirrors how the caller picks the sheet:
child → ("head", first rows) ; caller → True (send the whole sheet) or False (next sheet);
child → ("rows", rows) | ("end",) when no sheet is left | ("too_many", height, width) |
("invalid",) when the reader refuses the file as a spreadsheet.
"""

from __future__ import annotations

import io
import os
import resource

HEAD_ROWS = 10


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
    # A panic's backtrace would only fill the worker's log; its one-line reason is enough.
    os.environ["RUST_BACKTRACE"] = "0"


def parse(conn, data: bytes, max_rows: int, max_cells: int, memory_bytes: int, cpu_seconds: int) -> None:
    """Read ``data`` (.xlsx, .xls or .ods) sheet by sheet and answer the caller over ``conn``."""
    _cap(memory_bytes, cpu_seconds)
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        count = len(workbook.sheet_names)
    except Exception:  # noqa: BLE001 - calamine raises its own, zip and XML errors alike
        conn.send(("invalid",))
        return
    del data
    for index in range(count):
        try:
            sheet = workbook.get_sheet_by_index(index)
        except Exception:  # noqa: BLE001
            conn.send(("invalid",))
            return
        if sheet.height > max_rows + 1 or sheet.height * sheet.width > max_cells:
            conn.send(("too_many", sheet.height, sheet.width))
            return
        # skip_empty_area=False keeps row 1 as row 1, so errors name the rows the person sees.
        try:
            rows = sheet.to_python(skip_empty_area=False)
        except Exception:  # noqa: BLE001
            conn.send(("invalid",))
            return
        conn.send(("head", rows[:HEAD_ROWS]))
        if conn.recv():
            conn.send(("rows", rows))
            return
        del rows, sheet
    conn.send(("end",))
