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


def _abort(conn, *args):
    os.abort()


def _sleep(conn, *args):
    time.sleep(60)


def _allocate(conn, data, max_rows, max_cells, memory_bytes, cpu_seconds):
    from vuonlen.core import sheet_child

    sheet_child._cap(memory_bytes, cpu_seconds)
    hog = [bytearray(64 * 1024 * 1024) for _ in range(100)]  # 6.4 GB, far over the cap
    conn.send(("rows", [[len(hog)]]))


def _child_read(target, **limits):
    settings = {**sheet_guard.Limits.from_settings().__dict__, **limits}
    return sheet_guard.parse_in_child(b"PK", "hong.xlsx", max_rows=10, choose=lambda head: True,
                                      limits=sheet_guard.Limits(**settings), target=target)


def test_a_child_that_aborts_gives_the_clear_error_and_the_caller_survives():
    with pytest.raises(FileUnreadable, match="Tệp “hong.xlsx” không đọc được: trình đọc bảng tính bị dừng đột ngột"):
        _child_read(_abort)
    assert os.getpid()  # still here


def test_a_child_that_runs_too_long_is_killed():
    start = time.monotonic()
    with pytest.raises(FileUnreadable, match="đọc quá 1 giây"):
        _child_read(_sleep, parse_seconds=1)
    assert time.monotonic() - start < 5


def test_a_child_over_its_memory_cap_dies_alone():
    with pytest.raises(FileUnreadable, match="cần quá 256 MB bộ nhớ"):
        _child_read(_allocate, memory_bytes=256 * 1024 * 1024)


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
