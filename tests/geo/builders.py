"""Spreadsheets and CSV files as a person would make them, built in memory for the tests."""

from __future__ import annotations

import csv
import io
import unicodedata

import openpyxl

HEADER = ["Mã xã", "Tên thôn", "Loại"]
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def xlsx(rows, *, title: str | None = None, merge_title: bool = True) -> bytes:
    """A workbook whose first sheet holds ``rows`` (row 1 first); an optional title merged
    across A1:C1 with an empty row 2, as commune staff usually lay out a list."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title is not None:
        sheet.append([title])
        if merge_title:
            sheet.merge_cells("A1:C1")
        sheet.append([])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(rows, delimiter: str = ",") -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def to_cp1258(text: str) -> bytes:
    """Encode Vietnamese as Windows does in code page 1258.

    The code page has the letters ă â ê ô ơ ư đ and some accented vowels precomposed but
    writes most tones as a separate combining mark, so a letter the code page lacks is
    split into base letter + tone mark. Plain NFD would fail (no combining circumflex).
    """
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(p for p in parts if p in _TONES)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONES))
        out.append(base.encode("cp1258") + tones.encode("cp1258"))
    return b"".join(out)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)
