"""The document register: number pattern, uniqueness, dates, files; task deadlines."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.models import AuditLog
from vuonlen.directives import services
from vuonlen.directives.models import DeadlineKind, Document, Task

from .conftest import day


@pytest.mark.parametrize("number", ["103-TB/BCĐ", "87-TB/BCĐ", "92-CV/BCĐ", "12/TB-UBND", "30/2020/NĐ-CP",
                                    "07/CTrPH-UBND-UBMTTQ", "26-KH/HU", "133-KH/TU", "01/QĐ-UBND"])
def test_real_numbers_are_accepted(number):
    assert services.number_problem(number) is None


@pytest.mark.parametrize("number", ["", "TB/BCĐ", "103", "103-", "103-TB/", "0-TB/BCĐ", "abc-TB/BCĐ",
                                    "103_TB/BCĐ", "103-TB//BCĐ", "103-/BCĐ"])
def test_malformed_numbers_are_refused_in_vietnamese(number):
    assert services.number_problem(number)


def test_number_is_normalised(world):
    doc = world.document(number=" Số: 103 - TB/BCĐ ")
    assert doc.number == "103-TB/BCĐ"


def test_register_writes_audit_row(world):
    doc = world.document()
    assert AuditLog.objects.filter(object_id=str(doc.pk), action="create", object_repr__contains="103-TB/BCĐ").exists()


def test_number_unique_per_issuer_and_year(world):
    world.document()
    with pytest.raises(ValidationError) as exc:
        world.document(number="103-tb/bcđ", date="20/9/2023")
    assert "đã có văn bản số 103-tb/bcđ trong năm 2023" in exc.value.message_dict["number"][0]
    # Another issuer, or the next year (numbering restarts on 1 January): allowed.
    world.document(issuer=world.other_bcd)
    world.document(date="10/7/2024")
    assert Document.objects.count() == 3


def test_every_error_at_once(world):
    with pytest.raises(ValidationError) as exc:
        services.document_register(actor=SYSTEM, issuer=world.bcd, number="sai", kind="khac", date=None, title="",
                                   period="2023-Q9")
    assert set(exc.value.message_dict) == {"number", "kind", "date", "title", "period"}
    assert not Document.objects.exists()


def test_follows_must_be_earlier(world):
    later = world.document(number="120-TB/BCĐ", date="1/10/2023")
    with pytest.raises(ValidationError) as exc:
        world.document(follows=later)
    assert "sau ngày của văn bản này" in exc.value.message_dict["follows"][0]


def test_deadline_before_document_date_is_refused(world):
    doc = world.document()
    with pytest.raises(ValidationError) as exc:
        world.task(doc, world.farmers, deadline="11/7/2023")
    assert exc.value.message_dict["deadline"] == [
        "Thời hạn (11/07/2023) trước ngày ban hành văn bản (12/07/2023). Hãy kiểm tra lại thời hạn."]
    with pytest.raises(ValidationError) as exc:
        world.task(doc, world.farmers, deadline="1/6/2023", kind=DeadlineKind.MONTH)
    assert "tháng 6/2023" in exc.value.message_dict["deadline"][0]
    assert not Task.objects.exists()
    # The document's own day, and its own month, are fine.
    world.task(doc, world.farmers, deadline="12/7/2023")
    world.task(doc, world.farmers, deadline="1/7/2023", kind=DeadlineKind.MONTH)


def test_month_deadline_is_kept_as_month_end_and_shown_as_written(world):
    doc = world.document()
    task = world.task(doc, world.people, deadline="5/8/2023", kind=DeadlineKind.MONTH)
    assert task.deadline == day("31/8/2023")
    assert task.deadline_label == "trong tháng 8/2023"
    dated = world.task(doc, world.people, deadline="7/9/2023")
    assert dated.deadline_label == "trước ngày 07/9/2023"
    ongoing = world.task(doc, world.people, deadline=None, kind=DeadlineKind.NONE)
    assert ongoing.deadline is None and ongoing.deadline_label == "thường xuyên"


def test_missing_deadline_and_lead(world):
    doc = world.document()
    with pytest.raises(ValidationError) as exc:
        services.task_create(actor=SYSTEM, document=doc, lead=None, text="", deadline_kind=DeadlineKind.DATE)
    assert set(exc.value.message_dict) == {"text", "lead", "deadline"}


def test_assignee_outside_issuer_area_is_refused(world):
    doc = world.document()
    with pytest.raises(ValidationError) as exc:
        world.task(doc, world.farmers, coordinating=[world.other_farmers])
    assert "không thuộc địa bàn" in exc.value.message_dict["coordinating"][0]


def test_document_file_wrong_type_or_size_is_refused(world, settings):
    exe = SimpleUploadedFile("thong-bao.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError) as exc:
        world.document(files=[exe])
    assert "tệp chương trình" in exc.value.message_dict["files"][0]
    settings.VUONLEN_MAX_UPLOAD_BYTES = 100
    big = SimpleUploadedFile("thong-bao.pdf", b"%PDF-1.4\n" + b"0" * 200)
    with pytest.raises(ValidationError) as exc:
        world.document(files=[big])
    assert "vượt giới hạn" in exc.value.message_dict["files"][0]
    assert not Document.objects.exists()


def test_document_file_is_stored_with_its_name(world):
    doc = world.document(files=[SimpleUploadedFile("103-TB-BCD.pdf", b"%PDF-1.4\n%%EOF\n")])
    stored = doc.files.get()
    assert stored.original_name == "103-tb-bcd.pdf" or stored.original_name == "103-TB-BCD.pdf"
    assert stored.stored_name.startswith("directives/documents/")


def test_document_update_checks_version_and_task_deadlines(world):
    doc = world.document()
    world.task(doc, world.farmers, deadline="20/7/2023")
    with pytest.raises(ValidationError) as exc:
        services.document_update(actor=SYSTEM, document=doc, expected_version=doc.version, date=day("25/7/2023"))
    assert "thời hạn trước ngày 25/07/2023" in exc.value.message_dict["date"][0]
    services.document_update(actor=SYSTEM, document=doc, expected_version=doc.version, title="Tiêu đề mới")
    with pytest.raises(ValidationError) as exc:
        services.document_update(actor=SYSTEM, document=doc, expected_version=doc.version, title="Cũ")
    assert "vừa được người khác sửa" in exc.value.messages[0]
