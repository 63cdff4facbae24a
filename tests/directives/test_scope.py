"""Scope: an organisation sees only its own tasks (and the documents assigning them); a
secretariat its level and below; everything else is 404 — in list, detail, update, file
download and the .docx draft."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vuonlen.directives import selectors
from vuonlen.directives.models import TaskState

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def records(world):
    doc = world.document(files=[SimpleUploadedFile("tb.pdf", PDF)])
    mine = world.task(doc, world.farmers, text="Nhiệm vụ của Hội Nông dân")
    theirs = world.task(doc, world.women, text="Nhiệm vụ của Hội Phụ nữ")
    commune_doc = world.document(number="15-TB/BCĐ", issuer=world.commune_bcd, date="20/7/2023")
    commune_task = world.task(commune_doc, world.commune_bcd, text="Nhiệm vụ cấp xã")
    other_doc = world.document(number="55-TB/BCĐ", issuer=world.other_bcd,
                               files=[SimpleUploadedFile("kp.pdf", PDF)])
    other_task = world.task(other_doc, world.other_farmers, text="Nhiệm vụ huyện Kon Plông")
    for task, org in ((mine, world.farmers), (theirs, world.women), (other_task, world.other_farmers)):
        world.report(task, org, state=TaskState.IN_PROGRESS, text="Tiến độ",
                     files=[SimpleUploadedFile("minh-chung.pdf", PDF)])
    return dict(doc=doc, mine=mine, theirs=theirs, commune_doc=commune_doc, commune_task=commune_task,
                other_doc=other_doc, other_task=other_task)


def _login(client, user):
    client.force_login(user)


def test_reporting_unit_sees_only_its_own_tasks(world, records):
    user = world.farmer_user
    assert list(selectors.tasks_visible_to(user)) == [records["mine"]]
    assert list(selectors.documents_visible_to(user)) == [records["doc"]]
    assert [t.pk for t in selectors.my_tasks(user)] == [records["mine"].pk]
    assert list(selectors.document_tasks(user, records["doc"])) == [records["mine"]]


def test_secretariat_sees_its_level_and_below(world, records):
    tasks = set(selectors.tasks_visible_to(world.secretary))
    assert tasks == {records["mine"], records["theirs"], records["commune_task"]}
    assert set(selectors.documents_visible_to(world.secretary)) == {records["doc"], records["commune_doc"]}
    province = set(selectors.tasks_visible_to(world.province_secretary))
    assert records["other_task"] in province and records["mine"] in province
    assert set(selectors.tasks_visible_to(world.other_secretary)) == {records["other_task"]}


def test_commune_officer_acts_for_the_organisations_of_the_commune(world, records):
    assert list(selectors.tasks_visible_to(world.commune_officer)) == [records["commune_task"]]


def test_pages_of_other_organisations_are_not_found(client, world, records):
    _login(client, world.farmer_user)
    mine, theirs, other = records["mine"], records["theirs"], records["other_task"]
    response = client.get(reverse("directives:my_tasks"))
    assert mine.text in response.content.decode() and theirs.text not in response.content.decode()
    assert client.get(reverse("directives:task_detail", args=[mine.pk])).status_code == 200
    evidence_mine = mine.updates.get().evidence.get()
    assert client.get(reverse("directives:evidence_file", args=[evidence_mine.pk])).status_code == 200
    for task in (theirs, other):
        evidence = task.updates.get().evidence.get()
        assert client.get(reverse("directives:task_detail", args=[task.pk])).status_code == 404
        assert client.post(reverse("directives:task_update", args=[task.pk]),
                           {"state": "done", "progress": "x", "version": task.version}).status_code == 404
        assert client.get(reverse("directives:evidence_file", args=[evidence.pk])).status_code == 404
    # The document assigning my task is visible; the other district's is not, nor its file.
    assert client.get(reverse("directives:document_detail", args=[records["doc"].pk])).status_code == 200
    assert client.get(reverse("directives:document_detail", args=[records["other_doc"].pk])).status_code == 404
    assert client.get(reverse("directives:document_file",
                              args=[records["other_doc"].files.get().pk])).status_code == 404
    assert client.get(reverse("directives:document_file", args=[records["doc"].files.get().pk])).status_code == 200
    # The draft notice is the secretariat's: 404 for a reporting unit.
    assert client.get(reverse("directives:notice_docx", args=[records["doc"].pk])).status_code == 404
    listing = client.get(reverse("directives:document_list")).content.decode()
    assert "103-TB/BCĐ" in listing and "55-TB/BCĐ" not in listing and "15-TB/BCĐ" not in listing
    assert theirs.text not in client.get(reverse("directives:document_detail",
                                                 args=[records["doc"].pk])).content.decode()


def test_secretariat_of_another_district_gets_404(client, world, records):
    _login(client, world.other_secretary)
    doc = records["doc"]
    assert client.get(reverse("directives:document_detail", args=[doc.pk])).status_code == 404
    assert client.get(reverse("directives:notice_docx", args=[doc.pk])).status_code == 404
    assert client.get(reverse("directives:task_create", args=[doc.pk])).status_code == 404
    assert client.post(reverse("directives:carry_over", args=[doc.pk]), {}).status_code == 404
    assert client.get(reverse("directives:document_file", args=[doc.files.get().pk])).status_code == 404
    assert client.get(reverse("directives:task_detail", args=[records["mine"].pk])).status_code == 404
    assert "103-TB/BCĐ" not in client.get(reverse("directives:document_list")).content.decode()


def test_viewer_reads_the_area_but_drafts_nothing(client, world, records):
    _login(client, world.viewer)
    assert client.get(reverse("directives:document_detail", args=[records["doc"].pk])).status_code == 200
    assert client.get(reverse("directives:notice_docx", args=[records["doc"].pk])).status_code == 404
    page = client.get(reverse("directives:task_detail", args=[records["mine"].pk])).content.decode()
    assert "Cập nhật tiến độ" not in page


def test_signed_out_is_sent_to_login(client, records):
    response = client.get(reverse("directives:my_tasks"))
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_history_page_follows_the_task_scope(client, world, records):
    _login(client, world.farmer_user)
    ok = client.get(reverse("core:history", args=["directives", "task", records["mine"].pk]))
    hidden = client.get(reverse("core:history", args=["directives", "task", records["theirs"].pk]))
    assert ok.status_code == 200 and hidden.status_code == 404
