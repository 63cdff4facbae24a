"""Everyday care (issue 13, item 6): confirm before sending, recall before acceptance, bulk
accept and return on the board (versions respected, all or nothing), the board as .xlsx and
.docx for the briefing."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.models import AuditLog
from vuonlen.reporting import services
from vuonlen.reporting.models import Submission, SubmissionEvent
from vuonlen.reporting.models import SubmissionStatus as S

from .conftest import Q2, vn
from .factories import NARRATIVE, SubmissionFactory, figures_input

pytestmark = pytest.mark.django_db


def _draft(world, org=None):
    sub = SubmissionFactory(schedule=world.schedule, organisation=org or world.farmers, period=Q2)
    return services.submission_save(actor=SYSTEM, submission=sub, expected_version=sub.version,
                                    figures_input=figures_input(sub), narrative_input=NARRATIVE)


def _edit_post(sub, **extra):
    data = {"version": sub.version, "doc_number": "", "signer_title": "", "signer_name": "", "submit": "1"}
    for code, (value, note) in figures_input(sub).items():
        data[f"fig_{code}"], data[f"note_{code}"] = value, note
    for code, text in NARRATIVE.items():
        data[f"nar_{code}"] = text
    data.update(extra)
    return data


def test_sending_asks_to_confirm_first(client, world):
    sub = _draft(world)
    client.force_login(world.farmers_user)
    response = client.post(reverse("reporting:edit", args=[sub.pk]), _edit_post(sub, signer_name="Y Nhi"))
    assert response.status_code == 302 and response["Location"] == reverse("reporting:confirm_submit", args=[sub.pk])
    sub.refresh_from_db()
    assert sub.status == S.DRAFT and sub.signer_name == "Y Nhi"  # saved, not sent
    page = client.get(response["Location"]).content.decode()
    assert "Xác nhận gửi báo cáo" in page and "Ban Chỉ đạo Cuộc vận động huyện Kon Rẫy" in page
    assert "Đã quá hạn: báo cáo sẽ được ghi nhận là gửi trễ hạn." in page  # Q2/2023 is long past
    assert "Tổ chức 5 buổi tuyên truyền." in page
    stale = client.post(response["Location"], {"version": sub.version - 1})
    assert stale.status_code == 409 and Submission.objects.get(pk=sub.pk).status == S.DRAFT
    done = client.post(response["Location"], {"version": sub.version})
    assert done.status_code == 302
    assert Submission.objects.get(pk=sub.pk).status == S.SUBMITTED


def test_an_incomplete_report_is_not_offered_for_confirmation(client, world):
    sub = _draft(world)
    client.force_login(world.farmers_user)
    response = client.post(reverse("reporting:edit", args=[sub.pk]), _edit_post(sub, **{"nar_ton-tai": ""}))
    assert response.status_code == 200
    assert "không được để trống khi gửi báo cáo" in response.content.decode()
    sub.refresh_from_db()
    assert sub.status == S.DRAFT and sub.narrative["ton-tai"] == NARRATIVE["ton-tai"]  # nothing written
    # A stored draft that misses a required part is sent back to the edit page, not confirmed.
    services.submission_save(actor=SYSTEM, submission=sub, expected_version=sub.version,
                             figures_input=figures_input(sub), narrative_input={**NARRATIVE, "ton-tai": ""})
    response = client.get(reverse("reporting:confirm_submit", args=[sub.pk]))
    assert response["Location"] == reverse("reporting:edit", args=[sub.pk])


def test_recall_before_acceptance(client, world):
    sub = SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2,
                            sent_at=vn(2023, 6, 8))  # late
    client.force_login(world.farmers_user)
    page = client.get(reverse("reporting:detail", args=[sub.pk])).content.decode()
    assert "Thu hồi để sửa" in page
    stale = client.post(reverse("reporting:recall", args=[sub.pk]), {"version": sub.version - 1}, follow=True)
    assert "sau khi bạn mở trang" in stale.content.decode()
    assert Submission.objects.get(pk=sub.pk).status == S.SUBMITTED
    response = client.post(reverse("reporting:recall", args=[sub.pk]), {"version": sub.version})
    assert response["Location"] == reverse("reporting:edit", args=[sub.pk])
    sub.refresh_from_db()
    assert sub.status == S.DRAFT and sub.submitted_at is None  # the withdrawn sending no longer counts
    event = sub.events.order_by("-pk").first()
    assert (event.from_status, event.to_status, event.label) == (S.SUBMITTED, S.DRAFT, "Thu hồi")
    assert AuditLog.objects.filter(object_id=str(sub.pk), note="Thu hồi báo cáo").exists()


def test_recall_is_refused_once_accepted_and_outside_the_unit(client, world):
    sub = SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2, sent_at=vn(2023, 6, 1),
                            accepted=True)
    with pytest.raises(ValidationError) as exc:
        services.submission_recall(actor=world.farmers_user, submission=sub, expected_version=sub.version)
    assert "đã được tiếp nhận nên không thu hồi được" in exc.value.messages[0]
    other = SubmissionFactory(schedule=world.schedule, organisation=world.youth, period=Q2, sent_at=vn(2023, 6, 1))
    client.force_login(world.farmers_user)
    assert client.post(reverse("reporting:recall", args=[other.pk]), {"version": other.version}).status_code == 404
    assert Submission.objects.get(pk=other.pk).status == S.SUBMITTED


def test_bulk_accept_on_the_board(client, world):
    subs = [SubmissionFactory(schedule=world.schedule, organisation=org, period=Q2,
                              sent_at=vn(2023, 6, 1)) for org in (world.farmers, world.youth, world.agency)]
    client.force_login(world.secretariat)
    page = client.get(reverse("reporting:board"), {"ky": "2023-Q2"}).content.decode()
    assert "3 báo cáo đang chờ xem xét" in page
    for sub in subs:
        assert f'value="{sub.pk}:{sub.version}"' in page
    response = client.post(reverse("reporting:bulk_review"), {
        "chon": [f"{s.pk}:{s.version}" for s in subs[:2]], "action": "accept", "next": "/bao-cao-dinh-ky/theo-doi/?ky=2023-Q2"},
        follow=True)
    assert "Đã tiếp nhận 2 báo cáo" in response.content.decode()
    assert [Submission.objects.get(pk=s.pk).status for s in subs] == [S.ACCEPTED, S.ACCEPTED, S.SUBMITTED]
    assert SubmissionEvent.objects.filter(to_status=S.ACCEPTED, actor=world.secretariat).count() == 2


def test_bulk_refuses_the_whole_batch_when_one_report_changed(world):
    farmers, youth = (SubmissionFactory(schedule=world.schedule, organisation=org, period=Q2,
                                        sent_at=vn(2023, 6, 1)) for org in (world.farmers, world.youth))
    seen = [(farmers.pk, farmers.version), (youth.pk, youth.version)]
    services.submission_recall(actor=SYSTEM, submission=youth, expected_version=youth.version)  # meanwhile
    with pytest.raises(ValidationError) as exc:
        services.submissions_bulk_review(actor=world.secretariat, items=seen, action="accept")
    [message] = exc.value.messages
    assert "Huyện đoàn Kon Rẫy" in message and "vừa được thay đổi" in message and "Nháp" in message
    assert Submission.objects.get(pk=farmers.pk).status == S.SUBMITTED  # nothing written


def test_bulk_return_needs_a_reason_and_names_every_problem(world):
    farmers = SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2, sent_at=vn(2023, 6, 1))
    accepted = SubmissionFactory(schedule=world.schedule, organisation=world.youth, period=Q2, sent_at=vn(2023, 6, 1),
                                 accepted=True)
    with pytest.raises(ValidationError) as exc:
        services.submissions_bulk_review(actor=world.secretariat, items=[(farmers.pk, farmers.version)],
                                         action="return")
    assert "phải ghi rõ lý do" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        services.submissions_bulk_review(actor=world.secretariat, action="return", comment="Thiếu số liệu",
                                         items=[(farmers.pk, farmers.version), (accepted.pk, accepted.version),
                                                (999999, 1)])
    messages = exc.value.messages
    assert any("không tìm thấy" in m for m in messages) and any("Huyện đoàn Kon Rẫy" in m for m in messages)
    result = services.submissions_bulk_review(actor=world.secretariat, action="return", comment="Thiếu số liệu",
                                              items=[(farmers.pk, farmers.version)])
    assert [s.status for s in result.done] == [S.RETURNED]


def test_bulk_review_is_the_secretariats(world):
    farmers = SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2, sent_at=vn(2023, 6, 1))
    with pytest.raises(ValidationError) as exc:
        services.submissions_bulk_review(actor=world.other_secretariat, action="accept",
                                         items=[(farmers.pk, farmers.version)])
    assert "không tìm thấy" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.submissions_bulk_review(actor=world.viewer, action="accept", items=[(farmers.pk, farmers.version)])
    assert Submission.objects.get(pk=farmers.pk).status == S.SUBMITTED


def test_board_as_xlsx_and_docx(client, world):
    SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2, sent_at=vn(2023, 6, 7, 23, 59))
    SubmissionFactory(schedule=world.schedule, organisation=world.youth, period=Q2, sent_at=vn(2023, 6, 8, 0, 0))
    client.force_login(world.secretariat)
    response = client.get(reverse("reporting:board_export", args=["xlsx"]), {"ky": "2023-Q2"})
    assert response.status_code == 200 and "chap-hanh-bao-cao-2023-Q2.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    flat = [" ".join(str(c) for c in row) for row in rows]
    assert any("TÌNH HÌNH CHẤP HÀNH CHẾ ĐỘ BÁO CÁO QUÝ II/2023" in r for r in flat)
    farmers = next(r for r in rows if "Hội Nông dân huyện Kon Rẫy" in r)
    assert "Đúng hạn" in farmers and "23:59 07/06/2023" in farmers
    youth = next(r for r in rows if "Huyện đoàn Kon Rẫy" in r)
    assert "Trễ hạn" in youth and 1 in youth
    assert any("Phải báo cáo 5; đúng hạn 1; trễ hạn 1; chưa báo cáo 3" in r for r in flat)
    response = client.get(reverse("reporting:board_export", args=["docx"]), {"ky": "2023-Q2"})
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Tình hình chấp hành chế độ báo cáo quý II/2023" in text and "Phải báo cáo 5" in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "Huyện đoàn Kon Rẫy" in cells and "Trễ hạn" in cells
    assert AuditLog.objects.filter(action="export", note__contains="bảng theo dõi báo cáo").count() == 2


def test_board_export_keeps_to_the_persons_scope(client, world):
    SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2, sent_at=vn(2023, 6, 1))
    client.force_login(world.other_secretariat)
    response = client.get(reverse("reporting:board_export", args=["xlsx"]), {"ky": "2023-Q2"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
    assert "Hội Nông dân huyện Kon Rẫy" not in text
