"""No file takes the system down: the reader's limits hold before any parsing, and a parser that
dies on a file dies in its child process, leaving the caller with a Vietnamese message."""

from __future__ import annotations

import io
import os
import time

import openpyxl
import pytest

from tests.spreadsheet_files import sparse_xlsx, zip_bomb_ods, zip_bomb_xlsx
from vuonlen.core import sheet_guard, spreadsheets
from vuonlen.core.spreadsheets import Column, FileRejected, FileUnreadable

COLUMNS = [Column.of("Mã xã"), Column.of("Tên")]
HEADER = ["Mã xã", "Tên"]


def read(data: bytes, filename: str = "tep.xlsx", max_rows: int = 1000):
    return spreadsheets.read_table(data, filename, columns=COLUMNS, max_rows=max_rows)


def timed(data: bytes, filename: str = "tep.xlsx", expected=FileRejected, max_rows: int = 1000):
    start = time.monotonic()
    with pytest.raises(expected) as caught:
        read(data, filename, max_rows)
    return str(caught.value), time.monotonic() - start


def test_a_good_file_is_read_through_the_child():
    workbook = openpyxl.Workbook()
    workbook.active.title = "Hướng dẫn"
    workbook.active.append(["Cách điền"])
    sheet = workbook.create_sheet("Dữ liệu")
    sheet.append(HEADER)
    sheet.append(["23281", "Thôn 1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    # The sheet with the header is chosen, not the guide in front of it.
    assert read(buffer.getvalue()) == [["Mã xã", "Tên"], ["23281", "Thôn 1"]]


def test_a_sparse_sheet_declared_to_xfd250000_is_refused_before_parsing():
    message, seconds = timed(sparse_xlsx(HEADER), "thua.xlsx", max_rows=300_000)
    assert "dùng tới cột XFD (16.384 cột), vượt giới hạn 500 cột" in message
    assert seconds < 1


def test_a_sparse_sheet_that_hides_its_range_kills_only_the_child():
    # No <dimension>: only the native reader finds the range, and it aborts (signal 6) trying to
    # allocate 250,000 x 16,384 cells. The caller lives on and says so.
    message, seconds = timed(sparse_xlsx(HEADER, declare=False), "an.xlsx", FileUnreadable, max_rows=300_000)
    assert message.startswith("Tệp “an.xlsx” không đọc được: trình đọc bảng tính bị dừng đột ngột")
    assert "Chưa ghi gì vào sổ" in message
    assert seconds < 10
    assert read(sparse_xlsx(HEADER, "B3"), "nho.xlsx")[0] == HEADER  # and reads the next file


def test_a_zip_bomb_is_refused_from_its_central_directory():
    bomb = zip_bomb_xlsx(HEADER)
    assert len(bomb) < 2 * 1024 * 1024  # 1.5 GB of XML in under 2 MB
    message, seconds = timed(bomb, "bom.xlsx")
    assert message.startswith("Tệp “bom.xlsx” khi giải nén lên tới 1.536 MB, vượt giới hạn 300 MB")
    assert seconds < 1


@pytest.mark.parametrize("declared", [40_000, 100_000_000])
def test_a_zip_bomb_that_lies_about_its_size_is_stopped_quickly(declared):
    message, seconds = timed(zip_bomb_xlsx(HEADER, declared=declared), "bom.xlsx")
    assert "không" in message and seconds < 15


def _big_file(rows: int = 8_000) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Dữ liệu")
    sheet.append(HEADER)
    for index in range(rows):
        sheet.append(["23281", f"Thôn số {index}", index, "một đoạn chữ khá dài để chiếm bộ nhớ"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_child_reads_a_big_file_whole():
    rows = spreadsheets.read_table(_big_file(), "lon.xlsx", columns=COLUMNS, max_rows=30_000)
    assert len(rows) == 8_001 and rows[-1][:3] == ["23281", "Thôn số 7999", 7999.0]


def test_a_child_that_runs_too_long_is_killed(settings):
    settings.VUONLEN_IMPORT_PARSE_SECONDS = 0.01
    data = _big_file()
    start = time.monotonic()
    with pytest.raises(FileUnreadable, match="Tệp “lau.xlsx” không đọc được: đọc quá 0 giây"):
        spreadsheets.read_table(data, "lau.xlsx", columns=COLUMNS, max_rows=30_000)
    assert time.monotonic() - start < 5


def test_a_child_over_its_memory_cap_dies_alone(settings):
    settings.VUONLEN_IMPORT_MEMORY_BYTES = 4 * 1024 * 1024
    with pytest.raises(FileUnreadable, match="bị dừng đột ngột \\(tệp hỏng, hoặc cần quá 4 MB bộ nhớ\\)"):
        spreadsheets.read_table(_big_file(), "nang.xlsx", columns=COLUMNS, max_rows=30_000)
    settings.VUONLEN_IMPORT_MEMORY_BYTES = 512 * 1024 * 1024
    assert len(spreadsheets.read_table(_big_file(), "nang.xlsx", columns=COLUMNS, max_rows=30_000)) == 8_001


def test_what_the_child_sends_back_cannot_be_code():
    import pickle

    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    with pytest.raises(pickle.UnpicklingError):
        sheet_guard._Unpickler(io.BytesIO(pickle.dumps([Evil()]))).load()
    import datetime as dt

    cells = [["a", 1, 1.5, None, True, dt.date(2023, 6, 7), dt.datetime(2023, 6, 7, 8), dt.timedelta(hours=1)]]
    assert sheet_guard._Unpickler(io.BytesIO(pickle.dumps(cells))).load() == cells


def test_too_many_rows_columns_and_cells_are_refused(settings):
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    workbook.active["A1200"] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert "quá nhiều dòng: tối đa 1.000 dòng" in timed(buffer.getvalue())[0]
    settings.VUONLEN_IMPORT_MAX_CELLS = 100
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    workbook.active["Z10"] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert "có 260 ô, vượt giới hạn 100 ô" in timed(buffer.getvalue())[0]
    csv = ("Mã xã,Tên\n" + "1,2\n" * 60).encode()
    assert "quá nhiều ô: tối đa 100 ô" in timed(csv, "tep.csv")[0]


def test_an_ods_bomb_is_refused_too():
    message, seconds = timed(zip_bomb_ods(), "bom.ods")
    assert "khi giải nén lên tới 1.536 MB" in message and seconds < 1
