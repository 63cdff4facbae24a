"""Closing the loop (issue 13, items 1 and 2): a report fulfils a task; the draft notice groups
carried tasks, renews their deadlines, never lists its issuer as a unit that did not report;
the preview is editable and gives .docx and PDF."""

from __future__ import annotations

import io
import shutil
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document as read_docx

from tests import factories
from tests.reporting.factories import ObligationFactory, ScheduleFactory, SubmissionFactory
from vuonlen.accounts.models import OrgKind
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.models import AuditLog
from vuonlen.core.pipeline import TransitionRefused, transition
from vuonlen.directives import services
from vuonlen.directives.models import DeadlineKind, Task, TaskState, TaskStatus, TaskUpdate
from vuonlen.geo.models import AdministrativeUnit, Level
from vuonlen.reporting import defaults
from vuonlen.reporting import services as reporting
from vuonlen.reporting.models import ScheduleKind

from .conftest import at, day
from .factories import TaskFactory

EXPLAIN = {"ly-do": "Cán bộ phụ trách đi công tác.", "khac-phuc": "Đã phân công cán bộ dự phòng."}


def _text(content: bytes) -> str:
    doc = read_docx(io.BytesIO(content))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


@pytest.fixture
def explanation(world):
    """The explanation request of 103 (due 20/7/2023) to Hội Nông dân and Hội LHPN."""
    request = ScheduleFactory(
        name="Báo cáo giải trình việc chậm gửi báo cáo quý II/2023", kind=ScheduleKind.ONE_OFF,
        form=defaults.explanation_form(), issuer=world.bcd, due_date=day("20/7/2023"), period_code="2023-Q2",
        year_from=None)
    for org in (world.farmers, world.women):
        ObligationFactory(schedule=request, organisation=org)
    n103 = world.document()
    tasks = [TaskFactory(document=n103, lead=org, text="Có báo cáo giải trình gửi về Ban Chỉ đạo",
                         deadline=day("20/7/2023")) for org in (world.farmers, world.women)]
    return SimpleNamespace(request=request, n103=n103, farmers_task=tasks[0], women_task=tasks[1])


def _send(world, request, org, when):
    return SubmissionFactory(schedule=request, organisation=org, period=request.one_off_period(), narrative=EXPLAIN,
                             started_at=when, sent_at=when)


def test_accepting_the_report_closes_the_task_on_time_by_when_it_was_sent(world, explanation):
    for task in (explanation.farmers_task, explanation.women_task):
        task.refresh_from_db()
        services.task_link_report(actor=world.secretary, task=task, schedule=explanation.request,
                                  expected_version=task.version)
    sent = _send(world, explanation.request, world.farmers, at("19/7/2023", 16))
    explanation.farmers_task.refresh_from_db()
    assert explanation.farmers_task.state == TaskState.NOT_STARTED  # sent is not yet accepted
    reporting.submission_accept(actor=world.secretary, submission=sent, expected_version=sent.version,
                                now=at("24/7/2023", 8))
    task = Task.objects.get(pk=explanation.farmers_task.pk)
    assert task.state == TaskState.DONE and task.completed_at == at("19/7/2023", 16)
    assert task.status(at("1/8/2023")) == TaskStatus.DONE_ON_TIME  # accepted after the deadline: still on time
    event = task.updates.get()
    assert (event.from_state, event.state, event.submission_id) == (TaskState.NOT_STARTED, TaskState.DONE, sent.pk)
    assert "19/07/2023" in event.progress and event.author == world.secretary
    assert AuditLog.objects.filter(object_id=str(task.pk), note__contains=f"báo cáo #{sent.pk}").exists()
    # Hội LHPN sends after the deadline: accepted, its task is done late.
    late = _send(world, explanation.request, world.women, at("21/7/2023", 0, 0))
    reporting.submission_accept(actor=world.secretary, submission=late, expected_version=late.version)
    assert Task.objects.get(pk=explanation.women_task.pk).status() == TaskStatus.DONE_LATE


def test_linking_after_acceptance_closes_at_once_and_the_next_notice_drops_it(world, explanation):
    sent = _send(world, explanation.request, world.farmers, at("19/7/2023", 16))
    reporting.submission_accept(actor=world.secretary, submission=sent, expected_version=sent.version,
                                now=at("20/7/2023", 9))
    task = explanation.farmers_task
    task.refresh_from_db()
    services.task_link_report(actor=world.secretary, task=task, schedule=explanation.request,
                              expected_version=task.version)
    task.refresh_from_db()
    assert task.status() == TaskStatus.DONE_ON_TIME
    # The next notice lists Hội LHPN's explanation as overdue, not Hội Nông dân's.
    n_next = world.document(number="130-TB/BCĐ", date="10/10/2023", follows=explanation.n103)
    body = _text(services.notice_draft_export(actor=world.secretary, document=n_next)[0])
    unfinished = body[body.index("Các nhiệm vụ chưa hoàn thành đúng hạn"):]
    assert "Hội Liên hiệp Phụ nữ huyện Kon Rẫy: Có báo cáo giải trình" in unfinished
    assert "Hội Nông dân huyện Kon Rẫy" not in unfinished.split("Nơi nhận")[0]


def test_a_report_of_another_schedule_or_unit_closes_nothing(world, explanation):
    other = ScheduleFactory(
        name="Báo cáo khác", kind=ScheduleKind.ONE_OFF, form=defaults.explanation_form(), issuer=world.bcd,
        due_date=day("20/7/2023"), period_code="2023-Q2", year_from=None)
    ObligationFactory(schedule=other, organisation=world.farmers)
    task = explanation.farmers_task
    task.refresh_from_db()
    services.task_link_report(actor=world.secretary, task=task, schedule=explanation.request,
                              expected_version=task.version)
    sent = _send(world, other, world.farmers, at("19/7/2023"))
    reporting.submission_accept(actor=world.secretary, submission=sent, expected_version=sent.version)
    women = _send(world, explanation.request, world.women, at("19/7/2023"))
    reporting.submission_accept(actor=world.secretary, submission=women, expected_version=women.version)
    task.refresh_from_db()
    assert task.state == TaskState.NOT_STARTED


def test_linking_is_for_the_secretariat_and_respects_the_version(world, explanation):
    from django.core.exceptions import PermissionDenied

    task = explanation.farmers_task
    task.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.task_link_report(actor=world.viewer, task=task, schedule=explanation.request,
                                  expected_version=task.version)
    with pytest.raises(ValidationError) as exc:
        services.task_link_report(actor=world.secretary, task=task, schedule=explanation.request,
                                  expected_version=task.version - 1)
    assert "vừa được người khác cập nhật" in exc.value.messages[0]
    task.refresh_from_db()
    assert task.report_schedule is None


def test_task_pipeline_refuses_a_step_back_and_writes_the_event_row(world, explanation):
    task = Task.objects.get(pk=explanation.farmers_task.pk)
    world.report(task, world.farmers, when=at("18/7/2023"))
    task.refresh_from_db()
    assert Task.pipeline.allowed(TaskState.DONE) == (TaskState.DONE,)
    with pytest.raises(TransitionRefused):
        transition(task, TaskState.IN_PROGRESS, actor=SYSTEM, organisation=world.farmers, progress="x")
    assert TaskUpdate.objects.filter(task=task).count() == 1
    assert TaskUpdate.objects.get(task=task).from_state == TaskState.NOT_STARTED


@pytest.fixture
def thirteen(world):
    """Notice 87 gave one task separately to 13 units; none did it; 103 follows 87."""
    communes = list(AdministrativeUnit.objects.filter(path__startswith=world.district.path, level=Level.COMMUNE)
                    .order_by("code"))
    assert len(communes) == 7  # Kon Rẫy: six communes and the township
    units = [world.front, world.people, world.farmers, world.women]
    units += [factories.make_org(world.district, OrgKind.AGENCY, f"Phòng {name} huyện Kon Rẫy")
              for name in ("Dân tộc", "Nông nghiệp")]
    units += [factories.make_org(c, OrgKind.STEERING_COMMITTEE, f"Ban Chỉ đạo Cuộc vận động {c.name.lower()}")
              if c.pk != world.commune.pk else world.commune_bcd for c in communes]
    n87 = world.document(number="87-TB/BCĐ", date="30/3/2023", period="2023-Q1")
    tasks = [TaskFactory(document=n87, lead=org, text="Xây dựng Kế hoạch thực hiện Cuộc vận động năm 2023",
                         deadline=day("20/4/2023")) for org in units]
    standing = world.task(n87, world.front, text="Theo dõi, đôn đốc thường xuyên", deadline=None, kind="none")
    n103 = world.document(follows=n87, period="2023-Q2")
    return SimpleNamespace(n87=n87, n103=n103, tasks=tasks, units=units, standing=standing)


def test_notice_writes_a_carried_task_once_with_its_13_units_and_the_renewed_deadline(world, thirteen):
    assert len(thirteen.units) == 13
    services.tasks_carry_over(actor=world.secretary, document=thirteen.n103, tasks=thirteen.tasks,
                              deadline_kind=DeadlineKind.DATE, deadline=day("31/8/2023"))
    body = _text(services.notice_draft_export(actor=world.secretary, document=thirteen.n103)[0])
    assert body.count("Xây dựng Kế hoạch thực hiện Cuộc vận động năm 2023") == 1
    [line] = [p for p in body.splitlines() if "Xây dựng Kế hoạch" in p]
    assert "Ban Chỉ đạo Cuộc vận động các xã, thị trấn" in line  # the seven communes' committees, collapsed
    for org in thirteen.units[:6]:
        assert org.name in line
    assert "(thời hạn trước ngày 20/4/2023) — quá hạn, chưa hoàn thành" in line
    assert line.endswith("tiếp tục thực hiện, thời hạn: trước ngày 31/8/2023.")
    # The standing instruction is not among the previous notice's unfinished tasks.
    assert "Theo dõi, đôn đốc thường xuyên" not in body


def test_no_passed_deadline_reappears_in_a_2026_notice(world, thirteen):
    n2026 = world.document(number="12-TB/BCĐ", date="15/1/2026", follows=thirteen.n87)
    with pytest.raises(ValidationError):
        services.tasks_carry_over(actor=world.secretary, document=n2026, tasks=thirteen.tasks)
    services.tasks_carry_over(actor=world.secretary, document=n2026, tasks=thirteen.tasks,
                              deadline_kind=DeadlineKind.MONTH, deadline=day("1/2/2026"))
    body = _text(services.notice_draft_export(actor=world.secretary, document=n2026)[0])
    section = body[body.index("Các nhiệm vụ chưa hoàn thành"):body.index("Đề nghị các cơ quan")]
    assert "thời hạn: trong tháng 2/2026" in section
    # The old deadline appears only as the one that was missed, never as a deadline to meet.
    assert "Thời hạn: trước ngày 20/4/2023" not in body and "tiếp tục thực hiện, thời hạn: trước ngày 20/4/2023" not in body


def test_the_issuing_committee_never_lists_itself(world, thirteen, monkeypatch):
    from vuonlen.reporting import selectors as reporting_selectors

    def compliance(*, user, period, unit=None, schedule=None):
        return [SimpleNamespace(organisation=world.bcd, status="missing"),  # asked by the province
                SimpleNamespace(organisation=world.farmers, status="missing"),
                SimpleNamespace(organisation=world.women, status="late"),
                SimpleNamespace(organisation=world.people, status="on_time")]

    monkeypatch.setattr(reporting_selectors, "compliance", compliance)
    body = _text(services.notice_draft_export(actor=world.secretary, document=thirteen.n103)[0])
    assert "Các cơ quan, đơn vị chưa gửi báo cáo: Hội Nông dân huyện Kon Rẫy." in body
    assert "Các cơ quan, đơn vị gửi báo cáo trễ hạn: Hội Liên hiệp Phụ nữ huyện Kon Rẫy." in body
    reporting_part = body[body.index("Về chế độ báo cáo"):body.index("Đề nghị các cơ quan, đơn vị nêu trên có báo cáo")]
    assert world.bcd.name not in reporting_part


def test_preview_edits_reach_the_docx(client, world, thirteen):
    services.tasks_carry_over(actor=world.secretary, document=thirteen.n103, tasks=thirteen.tasks,
                              deadline_kind=DeadlineKind.DATE, deadline=day("31/8/2023"))
    url = reverse("directives:notice_preview", args=[thirteen.n103.pk])
    client.force_login(world.secretary)
    page = client.get(url).content.decode()
    assert 'name="text-0"' in page and "Tại Hội nghị giao ban" in page and 'name="tail-' in page
    response = client.post(url, {"text-0": "Ngày 12/7/2023, Ban Chỉ đạo họp giao ban quý II/2023.",
                                 "tail-2": "trước ngày 15/9/2023.", "text-3": "", "tail-3": "",
                                 "recipients": "Thường trực Huyện ủy (b/c),\nLưu VT.",
                                 "signer_name": "Đinh Thị Mỹ Hảo", "dinh-dang": "docx"})
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml")
    body = _text(response.content)
    assert "Ngày 12/7/2023, Ban Chỉ đạo họp giao ban quý II/2023." in body and "Tại Hội nghị giao ban" not in body
    assert "tiếp tục thực hiện, thời hạn: trước ngày 15/9/2023." in body
    assert "- Thường trực Huyện ủy (b/c)," in body and "Đinh Thị Mỹ Hảo" in body
    assert AuditLog.objects.filter(action="export", object_id=str(thirteen.n103.pk), note__contains="đã chỉnh sửa").exists()
    too_long = client.post(url, {"text-0": "x" * 5001, "recipients": "y" * 5001, "dinh-dang": "docx"})
    page = too_long.content.decode()
    assert too_long.status_code == 400 and "Đoạn 1 dài quá 5.000 ký tự" in page
    assert "Nơi nhận dài quá 5.000 ký tự" in page  # every problem at once


def test_preview_is_the_secretariats_only(client, world, thirteen):
    url = reverse("directives:notice_preview", args=[thirteen.n103.pk])
    client.force_login(world.other_secretary)
    assert client.get(url).status_code == 404
    client.force_login(world.farmer_user)
    assert client.get(url).status_code in (403, 404)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium không có trên máy")
def test_pdf_from_the_preview(client, world, thirteen):
    from pypdf import PdfReader

    client.force_login(world.secretary)
    response = client.post(reverse("directives:notice_preview", args=[thirteen.n103.pk]),
                           {"signer_name": "Đinh Thị Mỹ Hảo", "dinh-dang": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "THÔNG BÁO" in text and "Đinh Thị Mỹ Hảo" in text and "Số: 103-TB/BCĐ" in text
    # The page's own font whatever the server has (core/print_fonts.py): Tinos, regular and bold.
    fonts = {str(font.get_object()["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert fonts and all("Tinos" in name for name in fonts), fonts


def test_without_a_pdf_converter_the_page_says_so(client, world, thirteen, settings):
    settings.VUONLEN_PDF_BROWSER = "no-such-browser-here"
    client.force_login(world.secretary)
    url = reverse("directives:notice_preview", args=[thirteen.n103.pk])
    page = client.get(url).content.decode()
    assert "Máy chủ chưa cài Chromium nên chưa tạo được bản PDF" in page
    response = client.post(url, {"dinh-dang": "pdf"})
    assert response.status_code == 400 and "chưa tạo được bản PDF" in response.content.decode()


def test_link_the_report_from_the_task_page(client, world, explanation):
    sent = _send(world, explanation.request, world.farmers, at("19/7/2023", 16))
    reporting.submission_accept(actor=world.secretary, submission=sent, expected_version=sent.version)
    task = explanation.farmers_task
    task.refresh_from_db()
    url = reverse("directives:task_detail", args=[task.pk])
    client.force_login(world.farmer_user)
    assert 'id="link-report"' not in client.get(url).content.decode()  # assignees do not link
    assert client.post(reverse("directives:task_link_report", args=[task.pk]),
                       {"report_schedule": explanation.request.pk, "version": task.version}).status_code == 404
    client.force_login(world.secretary)
    page = client.get(url).content.decode()
    assert 'id="link-report"' in page and explanation.request.name in page
    response = client.post(reverse("directives:task_link_report", args=[task.pk]),
                           {"report_schedule": explanation.request.pk, "version": task.version}, follow=True)
    text = response.content.decode()
    assert "báo cáo đã được tiếp nhận nên nhiệm vụ hoàn thành" in text and "Hoàn thành đúng hạn" in text
    assert reverse("reporting:detail", args=[sent.pk]) in text


def test_overdue_tasks_as_xlsx_and_docx(client, world, thirteen):
    import openpyxl

    client.force_login(world.secretary)
    page = client.get(reverse("directives:overdue")).content.decode()
    assert "Tải danh sách nhiệm vụ quá hạn (.xlsx)" in page
    response = client.get(reverse("directives:overdue_export", args=["xlsx"]))
    assert response.status_code == 200
    rows = [[c for c in row if c is not None]
            for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    task_rows = [r for r in rows if "Xây dựng Kế hoạch thực hiện Cuộc vận động năm 2023" in r]
    assert len(task_rows) == 1  # 13 units, one row
    [row] = task_rows
    assert any("Ban Chỉ đạo Cuộc vận động các xã, thị trấn" in str(c) for c in row)
    assert "trước ngày 20/4/2023" in row and any(isinstance(c, int) and c > 1000 for c in row)
    docx = client.get(reverse("directives:overdue_export", args=["docx"]))
    doc = read_docx(io.BytesIO(docx.content))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert cells.count("Xây dựng Kế hoạch thực hiện Cuộc vận động năm 2023") == 1
    assert AuditLog.objects.filter(action="export", note__contains="nhiệm vụ quá hạn").count() == 2
    # Another district's secretariat gets a file without them.
    client.force_login(world.other_secretary)
    other = client.get(reverse("directives:overdue_export", args=["xlsx"]))
    text = " ".join(str(c) for row in openpyxl.load_workbook(io.BytesIO(other.content)).active.iter_rows(values_only=True)
                    for c in row if c is not None)
    assert "Xây dựng Kế hoạch" not in text
