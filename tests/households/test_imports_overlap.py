"""The household import checks a chunk of the file while the chunk before is written, in the one
transaction (``imports.households.CHUNK_HOUSEHOLDS``): what the officer sees must not depend on
where the chunks fall. Chunks of two households here, so that every file spans several."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.spreadsheet_files import without_dimension
from vuonlen.core.models import AuditLog
from vuonlen.households.imports import H
from vuonlen.households.imports import households as household_imports

from .test_imports import A, counts, person, run, xlsx

pytestmark = pytest.mark.django_db


def bad_file() -> bytes:
    return xlsx([
        person("C-1", A, citizen_id="062080000111"),
        person("C-2", A, citizen_id="062080000222"),
        person("C-3", A),  # a good household, in the second chunk, that must not stay written
        person("C-4", A, sex="?"),  # a bad cell in the second chunk
        person("C-5", A),
        person("C-1", A, name="Y Lan", sex="Nữ"),  # a code met again three chunks later
        person("C-7", A, citizen_id="062080000111"),  # the first chunk's ID number, again
        person("C-8", "99999"),  # a commune nobody has, in the last chunk
    ])


def test_errors_of_every_chunk_are_reported_and_nothing_is_written(officer_a, commune_a, monkeypatch):
    before = counts()
    whole = run(officer_a, bad_file())  # one chunk: the checks all done before any write
    monkeypatch.setattr(household_imports, "CHUNK_HOUSEHOLDS", 2)
    chunked = run(officer_a, bad_file())
    assert [(e.row, e.column, e.message) for e in chunked.errors] == [
        (e.row, e.column, e.message) for e in whole.errors]
    assert {(e.row, e.column) for e in chunked.errors} == {
        (7, H.SEX), (9, H.CODE), (10, H.CITIZEN_ID), (11, H.COMMUNE)}
    assert "trùng với dòng 4" in next(e.message for e in chunked.errors if e.column == H.CITIZEN_ID)
    assert counts() == before  # the first chunk had been written, and was rolled back


def test_a_file_in_many_chunks_is_written_whole_with_its_audit_rows(officer_a, commune_a, monkeypatch):
    monkeypatch.setattr(household_imports, "CHUNK_HOUSEHOLDS", 2)
    rows = []
    for n in range(7):
        rows += [person(f"M-{n}", A, name=f"A Số {n}", citizen_id=f"06208000{n:04d}"),
                 person(f"M-{n}", A, name=f"Y Vợ {n}", sex="Nữ", relation="Vợ/chồng", ethnicity="")]
    before = counts()
    result = run(officer_a, xlsx(rows))
    assert result.ok, result.errors
    assert result.counts == {"households": 7, "persons": 14, "unchanged": 0}
    households, persons, memberships, reviews, audit = (a - b for a, b in zip(counts(), before))
    assert (households, persons, memberships, reviews) == (7, 14, 14, 0)
    assert audit == 7 + 14 + 14 + 1  # a row per record, one for the file
    assert AuditLog.objects.filter(object_repr__startswith="Hộ M-").count() == 7

    again = run(officer_a, xlsx(rows))  # every chunk recognised: nothing written
    assert again.ok and again.counts == {"households": 0, "persons": 0, "unchanged": 7}
    assert counts()[:3] == tuple(a + b for a, b in zip(before[:3], (7, 14, 14)))


def test_an_id_number_of_the_registry_in_an_early_chunk_is_reported_as_in_one_pass(officer_a, commune_a,
                                                                                   monkeypatch):
    assert run(officer_a, xlsx([person("R-1", A, citizen_id="062080000999")])).ok
    rows = [person("R-2", A, citizen_id="062080000999"), person("R-3", A), person("R-4", A),
            person("R-1", A, citizen_id="062080000999")]  # the registry's household, identical, last
    whole = run(officer_a, xlsx(rows))
    monkeypatch.setattr(household_imports, "CHUNK_HOUSEHOLDS", 1)
    chunked = run(officer_a, xlsx(rows))
    assert not chunked.ok
    assert [(e.row, e.column, e.message) for e in chunked.errors] == [
        (e.row, e.column, e.message) for e in whole.errors]


def test_a_file_over_the_row_limit_found_while_it_is_written_is_refused_whole(officer_a, commune_a, monkeypatch):
    # The file is read while it is checked and written (``core.sheet_child`` reads an .xlsx in
    # pieces of a megabyte and more). A file that does not declare its size, whose rows pass the
    # limit only in a later piece, is refused when that piece comes: every chunk already written
    # is rolled back, and the officer gets the limit's message, not a half import.
    from vuonlen.households.imports import common

    monkeypatch.setattr(household_imports, "CHUNK_HOUSEHOLDS", 50)
    monkeypatch.setattr(common, "MAX_ROWS", 2_000)
    rows = [person(f"L-{n}", A, name=f"A Số {n}", address="Thôn Kon Rơ Wang, xã Đăk Tờ Re " * 2, notes="x" * 200)
            for n in range(2_400)]
    data = without_dimension(xlsx(rows))
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert len(sheet) > 2 * 1024 * 1024 and b"<dimension" not in sheet  # more than the first pieces
    before = counts()
    seen = []
    result = run(officer_a, data, progress=lambda done, total, phase: seen.append((done, total, phase)))
    assert [(e.row, e.message) for e in result.errors] == [(None, "Tệp có quá nhiều dòng: tối đa 2.000 dòng mỗi lần nhập")]
    assert counts() == before
    assert any(done > 50 for done, _, phase in seen if phase == "check")  # it had begun the checks
