"""No file takes the system down, through every way a file comes in: the command line, the web
upload (a background job), and the village, assessment and target imports. A zip bomb and a
sparse sheet ending at XFD250000 end quickly with a Vietnamese message; nothing is written."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tests import factories
from tests.spreadsheet_files import sparse_xlsx, zip_bomb_xlsx
from vuonlen.campaign.imports import import_assessments
from vuonlen.core.models import AuditLog
from vuonlen.geo.imports import village_import
from vuonlen.households import imports
from vuonlen.households.models import Household, ImportJob, ImportStatus, Person
from vuonlen.indicators.target_imports import import_targets

pytestmark = pytest.mark.django_db

HEADER = list(imports.HOUSEHOLD_TEMPLATE_COLUMNS)
BOMB_MESSAGE = "khi giải nén lên tới 1.536 MB, vượt giới hạn 300 MB"
SPARSE_MESSAGE = "dùng tới cột XFD (16.384 cột), vượt giới hạn 500 cột"
HIDDEN_MESSAGE = "không đọc được: trình đọc bảng tính bị dừng đột ngột"


@pytest.fixture(scope="module")
def bomb():
    return zip_bomb_xlsx(HEADER)


def written():
    return Household.objects.count(), Person.objects.count(), AuditLog.objects.count()


@pytest.mark.parametrize("kind", ["bomb", "sparse", "hidden"])
def test_the_command_line_import_ends_quickly_with_the_message(tmp_path, commune_a, capsys, bomb, kind):
    data, message = {"bomb": (bomb, BOMB_MESSAGE), "sparse": (sparse_xlsx(HEADER), SPARSE_MESSAGE),
                     "hidden": (sparse_xlsx(HEADER, declare=False), HIDDEN_MESSAGE)}[kind]
    path = tmp_path / "ho.xlsx"
    path.write_bytes(data)
    before = written()
    start = time.monotonic()
    with pytest.raises(CommandError) as caught:
        call_command("import", "households", str(path), verbosity=0)
    seconds = time.monotonic() - start
    assert message in str(caught.value) + capsys.readouterr().out
    assert seconds < 10
    assert written() == before


def _upload(client, data: bytes):
    response = client.post(reverse("household_imports:start"), {
        "kind": "households", "era": "pre2025",
        "file": SimpleUploadedFile("ho.xlsx", data, content_type="application/octet-stream")})
    assert response.status_code == 302
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1])), response["Location"]


def test_a_web_upload_of_a_bomb_ends_with_the_message(client, officer_a, bomb):
    client.force_login(officer_a)
    before = written()
    job, url = _upload(client, bomb)
    assert job.status == ImportStatus.DONE and job.error_count == 1
    assert BOMB_MESSAGE in job.errors[0][2]
    assert BOMB_MESSAGE in client.get(url).content.decode()
    assert written() == before


def test_a_web_upload_that_kills_the_parser_fails_the_job_with_the_message(client, officer_a):
    client.force_login(officer_a)
    before = written()
    job, url = _upload(client, sparse_xlsx(HEADER, declare=False))
    # The worker (here the request itself, with the immediate backend) lives on; the job failed.
    assert job.status == ImportStatus.FAILED and job.finished_at is not None
    assert HIDDEN_MESSAGE in job.errors[0][2] and job.upload == b""
    page = client.get(url).content.decode()
    assert "Tệp “ho.xlsx” không đọc được" in page
    assert written() == before
    # The next import works.
    good, _ = _upload(client, _small_file())
    assert good.status == ImportStatus.DONE and good.error_count == 0


def _small_file() -> bytes:
    import io

    import openpyxl

    from .test_imports import A, person

    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(person("L-1", A))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("importer", ["villages", "assessments", "targets", "reviews"])
def test_every_other_import_refuses_the_bomb_and_the_sparse_sheet(commune_a, bomb, importer):
    admin = factories.make_user(is_superuser=True)
    run = {
        "villages": lambda data: village_import(actor=admin, file=data, filename="thon.xlsx"),
        "assessments": lambda data: import_assessments(actor=admin, file=data, filename="dg.xlsx", year=2024),
        "targets": lambda data: import_targets(actor=admin, file=data, filename="ct.xlsx"),
        "reviews": lambda data: imports.import_reviews(actor=admin, file=data, filename="rs.xlsx", year=2023),
    }[importer]
    before = written()
    for data, message in ((bomb, BOMB_MESSAGE), (sparse_xlsx(["Mã xã"], "XFD19000"), SPARSE_MESSAGE)):
        start = time.monotonic()
        result = run(data)
        assert [e.row for e in result.errors] == [None]
        assert message in result.errors[0].message
        assert time.monotonic() - start < 5
    hidden = sparse_xlsx(["Mã xã"], "XFD19000", declare=False)
    if importer == "reviews":  # like households: a dead parser fails the job (see the test above)
        with pytest.raises(imports.FileUnreadable, match=HIDDEN_MESSAGE):
            run(hidden)
    else:
        assert HIDDEN_MESSAGE in run(hidden).errors[0].message
    assert written() == before
