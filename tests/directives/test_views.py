"""The pages: register a document, add tasks, carry over, report progress — as a person would."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vuonlen.directives.models import DeadlineKind, Document, Task, TaskState, TaskUpdate

from .conftest import at, day

PDF = b"%PDF-1.4\n%%EOF\n"


def test_room_in_navigation_for_every_role(client, world):
    for user in (world.farmer_user, world.secretary, world.viewer, world.commune_officer):
        client.force_login(user)
        html = client.get("/").content.decode()
        assert 'href="/chi-dao/"' in html and ">Chỉ đạo<" in html
    client.force_login(world.farmer_user)
    assert client.get("/chi-dao/")["Location"] == reverse("directives:my_tasks")
    client.force_login(world.secretary)
    assert client.get("/chi-dao/")["Location"] == reverse("directives:document_list")


def test_secretariat_registers_a_document_with_its_file(client, world):
    client.force_login(world.secretary)
    assert client.get(reverse("directives:document_create")).status_code == 200
    response = client.post(reverse("directives:document_create"), {
        "issuer": world.bcd.pk, "number": "103-TB/BCĐ", "kind": "thong_bao", "date": "12/07/2023",
        "title": "kết luận Hội nghị giao ban quý II/2023", "period": "2023-Q2", "place": "Kon Rẫy",
        "signer_authority": "PHÓ BÍ THƯ TT HUYỆN ỦY\r\nkiêm", "files": [SimpleUploadedFile("tb103.pdf", PDF)],
    })
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("directives:document_detail",
                                                                           args=[document.pk])
    assert document.files.count() == 1 and document.signer_authority == "PHÓ BÍ THƯ TT HUYỆN ỦY\nkiêm"
    # Same number again: the form comes back with the message on the field.
    again = client.post(reverse("directives:document_create"), {
        "issuer": world.bcd.pk, "number": "103-TB/BCĐ", "kind": "thong_bao", "date": "13/07/2023", "title": "x"})
    assert again.status_code == 200 and "đã có văn bản số 103-TB/BCĐ trong năm 2023" in again.content.decode()
    bad = client.post(reverse("directives:document_create"), {
        "issuer": world.bcd.pk, "number": "TB 103", "kind": "thong_bao", "date": "13/07/2023", "title": "x",
        "files": [SimpleUploadedFile("virus.pdf", b"MZ\x90")]}).content.decode()
    assert "không đúng dạng số, ký hiệu văn bản" in bad and "tệp chương trình" in bad


def test_issuer_choices_stay_in_scope(client, world):
    client.force_login(world.secretary)
    response = client.post(reverse("directives:document_create"), {
        "issuer": world.other_bcd.pk, "number": "5-TB/BCĐ", "kind": "thong_bao", "date": "13/07/2023",
        "title": "x"})
    assert response.status_code == 200 and not Document.objects.exists()


def test_reporting_unit_cannot_open_the_register_form(client, world):
    client.force_login(world.farmer_user)
    assert client.get(reverse("directives:document_create")).status_code == 404


def test_tasks_added_by_date_month_and_separately(client, world):
    document = world.document()
    client.force_login(world.secretary)
    url = reverse("directives:task_create", args=[document.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": "Hoàn thiện mô hình nhà vườn, tổ chức tham quan", "lead": world.people.pk,
                                 "coordinating": [world.commune_bcd.pk], "expected_output": "event",
                                 "deadline_kind": "month", "deadline_month": "8/2023"})
    assert response.status_code == 302
    garden = Task.objects.get()
    assert garden.deadline == day("31/8/2023") and garden.deadline_label == "trong tháng 8/2023"
    assert [(a.organisation, a.is_lead) for a in garden.assignments.all()] == [(world.people, True),
                                                                              (world.commune_bcd, False)]
    client.post(url, {"text": "Rà soát hội viên DTTS nghèo", "lead": world.farmers.pk,
                      "coordinating": [world.women.pk], "separately": "on", "expected_output": "list",
                      "deadline_kind": "date", "deadline_date": "31/07/2023"})
    separate = Task.objects.filter(text="Rà soát hội viên DTTS nghèo")
    assert separate.count() == 2 and all(t.assignments.get().is_lead for t in separate)
    early = client.post(url, {"text": "Sớm quá", "lead": world.farmers.pk, "expected_output": "report",
                              "deadline_kind": "date", "deadline_date": "01/07/2023"}).content.decode()
    assert "Thời hạn (01/07/2023) trước ngày ban hành văn bản (12/07/2023)" in early
    bad_month = client.post(url, {"text": "x", "lead": world.farmers.pk, "expected_output": "report",
                                  "deadline_kind": "month", "deadline_month": "13/2023"}).content.decode()
    assert "Tháng phải có dạng tháng/năm" in bad_month
    assert Task.objects.count() == 3


def test_carry_over_groups_tasks_and_renews_their_deadline(client, world):
    """The panel lists a task given to two unions once, with both; its passed deadline must be
    renewed (every problem named, nothing carried), then one click carries the group."""
    n87 = world.document(number="87-TB/BCĐ", date="30/3/2023")
    pair = [world.task(n87, org, text="Rà soát hội viên nghèo", deadline="30/4/2023")
            for org in (world.women, world.farmers)]
    standing = world.task(n87, world.people, text="Tuyên truyền thường xuyên", deadline=None, kind="none")
    n103 = world.document(follows=n87)
    client.force_login(world.secretary)
    page = client.get(reverse("directives:document_detail", args=[n103.pk])).content.decode()
    assert "Nhiệm vụ chưa hoàn thành của 87-TB/BCĐ" in page
    assert page.count('data-testid="carry-group"') == 2  # the pair as one group, and the standing one
    assert 'name="g0-chon" class="form-check-input" id="id_g0-chon" checked' in page
    assert 'name="g1-chon" class="form-check-input" id="id_g1-chon">' in page  # standing: not ticked
    refused = client.post(reverse("directives:carry_over", args=[n103.pk]),
                          {"g0-chon": "on", "g0-kieu": "date", "g0-han": "", "g1-kieu": "none"}, follow=True)
    text = refused.content.decode()
    assert "thời hạn cũ (trước ngày 30/4/2023) đã qua" in text and not n103.tasks.exists()
    response = client.post(reverse("directives:carry_over", args=[n103.pk]),
                           {"g0-chon": "on", "g0-kieu": "date", "g0-han": "31/08/2023", "g1-kieu": "none"})
    assert response.status_code == 302
    copies = list(n103.tasks.order_by("pk"))
    assert [c.carried_from for c in copies] == pair and {c.deadline_label for c in copies} == {"trước ngày 31/8/2023"}
    assert not n103.tasks.filter(carried_from=standing).exists()
    page = client.get(reverse("directives:document_detail", args=[n103.pk])).content.decode()
    assert "Đã chuyển tiếp" in page and "Chuyển tiếp</span> từ" in page


def test_update_form_posts_progress_with_evidence_and_refuses_stale_version(client, world):
    document = world.document()
    task = world.task(document, world.farmers, coordinating=[world.women], deadline="31/7/2023")
    client.force_login(world.farmer_user)
    page = client.get(reverse("directives:task_detail", args=[task.pk])).content.decode()
    assert "Cập nhật tiến độ" in page and 'name="version" value="1"' in page
    url = reverse("directives:task_update", args=[task.pk])
    response = client.post(url, {"state": "in_progress", "progress": "Đã rà soát 3/6 mô hình", "version": 1,
                                 "files": [SimpleUploadedFile("bien-ban.pdf", PDF)]})
    assert response.status_code == 302
    update = TaskUpdate.objects.get()
    assert update.evidence.count() == 1
    # Someone else loaded version 1 too and sends it now: refused, with the reason.
    client.force_login(world.women_user)
    stale = client.post(url, {"state": "done", "progress": "Xong", "version": 1})
    assert stale.status_code == 400 and "vừa được người khác cập nhật" in stale.content.decode()
    assert TaskUpdate.objects.count() == 1
    bad = client.post(url, {"state": "done", "progress": "Xong", "version": 2,
                            "files": [SimpleUploadedFile("anh.gif", b"GIF89a")]})
    assert bad.status_code == 400 and "Chỉ nhận" in bad.content.decode()
    task.refresh_from_db()
    assert task.state == TaskState.IN_PROGRESS
    evidence = update.evidence.get()
    download = client.get(reverse("directives:evidence_file", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_my_tasks_lists_deadlines_and_status(client, world, django_assert_max_num_queries):
    document = world.document()
    for i in range(5):
        world.task(document, world.farmers, text=f"Nhiệm vụ {i}", deadline="31/7/2023")
    world.task(document, world.farmers, text="Trong tháng", deadline="1/8/2023", kind=DeadlineKind.MONTH)
    done = world.task(document, world.farmers, text="Đã xong", deadline="31/7/2023")
    world.report(done, world.farmers, when=at("30/7/2023"))
    client.force_login(world.farmer_user)
    with django_assert_max_num_queries(20):
        html = client.get(reverse("directives:my_tasks")).content.decode()
    assert "trong tháng 8/2023" in html and "trước ngày 31/7/2023" in html
    assert "Quá hạn" in html and "Hoàn thành đúng hạn" in html
    only_done = client.get(reverse("directives:my_tasks") + "?trang-thai=done_on_time").content.decode()
    assert "Đã xong" in only_done and "Nhiệm vụ 0" not in only_done


def test_document_list_counts_queries(client, world, django_assert_max_num_queries):
    for n in range(8):
        doc = world.document(number=f"{n + 1}-TB/BCĐ")
        world.task(doc, world.farmers)
    client.force_login(world.secretary)
    with django_assert_max_num_queries(15):
        html = client.get(reverse("directives:document_list")).content.decode()
    assert "8-TB/BCĐ" in html
    with django_assert_max_num_queries(25):
        client.get(reverse("directives:document_detail", args=[doc.pk]))


def test_calendar_provider_lists_open_task_deadlines(world):
    from vuonlen.directives.integration import task_deadlines

    document = world.document()
    open_task = world.task(document, world.farmers, deadline="31/7/2023")
    done = world.task(document, world.farmers, deadline="25/7/2023")
    world.report(done, world.farmers, when=at("24/7/2023"))
    world.task(document, world.women, deadline="20/7/2023")
    entries = task_deadlines(world.farmer_user, dt.date(2023, 7, 1), dt.date(2023, 7, 31))
    assert [(d, kind) for d, _title, _url, kind in entries] == [(day("31/7/2023"), "task")]
    assert "103-TB/BCĐ" in entries[0][1] and entries[0][2] == reverse("directives:task_detail", args=[open_task.pk])
    from vuonlen.reporting import calendar

    assert task_deadlines in calendar.providers()


def test_secretariat_edits_the_register_entry_without_overwriting(client, world):
    document = world.document()
    client.force_login(world.secretary)
    url = reverse("directives:document_edit", args=[document.pk])
    page = client.get(url).content.decode()
    assert "Sửa thông tin văn bản 103-TB/BCĐ" in page and 'name="files"' not in page
    data = {"issuer": world.bcd.pk, "number": "103-TB/BCĐ", "kind": "thong_bao", "date": "12/07/2023",
            "title": "kết luận Hội nghị giao ban quý II/2023 (sửa)", "period": "2023-Q2", "version": 1}
    assert client.post(url, data).status_code == 302
    document.refresh_from_db()
    assert document.title.endswith("(sửa)") and document.period == "2023-Q2" and document.version == 2
    stale = client.post(url, {**data, "title": "bản cũ"})
    assert stale.status_code == 200 and "vừa được người khác sửa" in stale.content.decode()
    client.force_login(world.farmer_user)
    assert client.get(url).status_code == 404
