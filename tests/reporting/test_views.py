"""The pages as people use them: scope (404 outside), the edit page and its concurrency guard,
the review, the board, the calendar, attachments and the Word file."""

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.periods import Period, PeriodKind
from vuonlen.reporting import calendar, services
from vuonlen.reporting.models import Submission, SubmissionAttachment
from vuonlen.reporting.models import SubmissionStatus as S

from . import files
from .conftest import Q2, vn
from .factories import NARRATIVE, SubmissionFactory, figures_input

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    html = response.content.decode()
    start, end = html.find("<main"), html.rfind("</main>")
    return html[start:end]


def _login(client, user):
    client.force_login(user)
    return client


def _edit_data(sub, *, submit=False, **overrides):
    data = {"version": sub.version, "doc_number": "", "signer_title": "", "signer_name": ""}
    for code, (value, note) in figures_input(sub).items():
        data[f"fig_{code}"], data[f"note_{code}"] = value, note
    for code, text in NARRATIVE.items():
        data[f"nar_{code}"] = text
    data.update(overrides)
    data["submit" if submit else "save"] = "1"
    if submit:
        data["xac-nhan"] = "1"  # the confirmation page is tested on its own (test_care.py)
    return data


@pytest.fixture
def report(world):
    """The farmers' union's Q2 report, sent, with an attachment."""
    sub = SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2)
    return services.submission_save(actor=SYSTEM, submission=sub, expected_version=sub.version,
                                    figures_input=figures_input(sub), narrative_input=NARRATIVE,
                                    files=[files.pdf("bien-ban-hop.pdf")], submit=True, now=vn(2023, 6, 6))


# --- scope ---------------------------------------------------------------------------------

def test_an_organisation_sees_only_its_own_reports(client, world, report):
    youth_report = SubmissionFactory(schedule=world.schedule, organisation=world.youth, period=Q2,
                                     sent_at=vn(2023, 6, 1))
    attachment = report.attachments.get()
    _login(client, world.youth_user)
    assert client.get(reverse("reporting:detail", args=[youth_report.pk])).status_code == 200
    for name, args in (("reporting:detail", [report.pk]), ("reporting:edit", [report.pk]),
                       ("reporting:docx", [report.pk]), ("reporting:attachment", [attachment.pk])):
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.post(reverse("reporting:review", args=[report.pk]),
                       {"action": "accept", "version": report.version}).status_code == 404
    assert client.post(reverse("reporting:attachment_delete", args=[attachment.pk]),
                       {"version": report.version}).status_code == 404
    assert client.get(reverse("reporting:start", args=[world.farmers.pk, world.schedule.pk, "2023-Q3"])).status_code \
        == 404
    # Lists: the board and "my reports" show only its own row.
    board = _main(client.get(reverse("reporting:board"), {"ky": "2023-Q2"}))
    assert world.youth.name in board and world.farmers.name not in board
    assert world.farmers.name not in _main(client.get(reverse("reporting:my_reports")))
    assert client.get(reverse("reporting:list")).status_code == 200
    assert world.farmers.name not in _main(client.get(reverse("reporting:list")))


def test_a_secretariat_sees_its_level_and_below(client, world, report):
    commune_report = SubmissionFactory(schedule=world.schedule, organisation=world.bcd_x, period=Q2,
                                       sent_at=vn(2023, 6, 1))
    _login(client, world.secretariat)
    listing = _main(client.get(reverse("reporting:list")))
    assert world.farmers.name in listing and world.bcd_x.name in listing
    for pk in (report.pk, commune_report.pk):
        assert client.get(reverse("reporting:detail", args=[pk])).status_code == 200
        assert client.get(reverse("reporting:docx", args=[pk])).status_code == 200
    assert client.get(reverse("reporting:attachment", args=[report.attachments.get().pk])).status_code == 200
    # The secretariat reviews, it does not edit a unit's report.
    assert client.get(reverse("reporting:edit", args=[report.pk])).status_code == 404
    _login(client, world.other_secretariat)
    assert world.farmers.name not in _main(client.get(reverse("reporting:list")))
    for name, args in (("reporting:detail", [report.pk]), ("reporting:docx", [report.pk]),
                       ("reporting:attachment", [report.attachments.get().pk])):
        assert client.get(reverse(name, args=args)).status_code == 404
    assert world.farmers.name not in _main(client.get(reverse("reporting:board"), {"ky": "2023-Q2"}))


def test_people_without_the_room_get_404_and_no_menu_entry(client, world):
    _login(client, world.mentor)
    assert client.get(reverse("reporting:home")).status_code == 404
    assert client.get(reverse("reporting:board")).status_code == 404
    assert 'href="/bao-cao-dinh-ky/"' not in client.get("/").content.decode()
    _login(client, world.farmers_user)
    assert 'href="/bao-cao-dinh-ky/"' in client.get("/").content.decode()
    assert client.get(reverse("reporting:home"))["Location"] == reverse("reporting:my_reports")
    _login(client, world.secretariat)
    assert client.get(reverse("reporting:home"))["Location"] == reverse("reporting:board")


def test_pages_need_a_login(client, world):
    response = client.get(reverse("reporting:my_reports"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# --- the unit fills and sends ---------------------------------------------------------------

def test_unit_starts_fills_and_sends_a_report(client, world):
    _login(client, world.farmers_user)
    # Kon Rẫy ended on 30/06/2025: today (2026) its union owes nothing more; its 2023 reports
    # are still started from the board's period.
    page = _main(client.get(reverse("reporting:my_reports")))
    assert "Lập báo cáo" not in page
    start_url = reverse("reporting:start", args=[world.farmers.pk, world.schedule.pk, "2023-Q2"])
    assert "Lập báo cáo" in _main(client.get(start_url))
    assert Submission.objects.count() == 0  # a GET writes nothing
    response = client.post(start_url)
    sub = Submission.objects.get()
    assert response["Location"] == reverse("reporting:edit", args=[sub.pk])
    edit = client.get(response["Location"])
    html = _main(edit)
    assert 'name="version"' in html and 'value="1"' in html and "Hệ thống điền sẵn" in html
    assert f'data-prefilled="{sub.values["villages"]["prefilled"]}"' in html
    # Save a draft with a file, then send.
    data = _edit_data(sub, attachments=[files.pdf("bien-ban.pdf")])
    response = client.post(reverse("reporting:edit", args=[sub.pk]), data)
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.status == S.DRAFT and sub.attachments.get().original_name == "bien-ban.pdf"
    response = client.post(reverse("reporting:edit", args=[sub.pk]), _edit_data(sub, submit=True), follow=True)
    assert "Đã gửi báo cáo" in response.content.decode()
    sub.refresh_from_db()
    assert sub.status == S.SUBMITTED and sub.submitted_at is not None
    # Sent: the edit page now leads to the read-only page.
    assert client.get(reverse("reporting:edit", args=[sub.pk]))["Location"] == reverse("reporting:detail", args=[sub.pk])


def test_changed_figure_without_note_is_shown_on_the_field_and_keeps_the_text(client, world):
    sub = SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2)
    _login(client, world.farmers_user)
    data = _edit_data(sub, submit=True, fig_villages="999", **{"nar_ket-qua": "Nội dung riêng của tôi"})
    response = client.post(reverse("reporting:edit", args=[sub.pk]), data)
    html = _main(response)
    assert response.status_code == 200
    assert "hãy ghi rõ lý do sửa vào ô ghi chú" in html
    assert "Nội dung riêng của tôi" in html and 'value="999"' in html
    assert Submission.objects.get(pk=sub.pk).status == S.DRAFT


def test_bad_attachment_is_refused_and_nothing_is_saved(client, world):
    sub = SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2)
    _login(client, world.farmers_user)
    data = _edit_data(sub, attachments=[files.exe("bao-cao.pdf")], **{"nar_ket-qua": "Đừng mất"})
    response = client.post(reverse("reporting:edit", args=[sub.pk]), data)
    html = _main(response)
    assert "đây là tệp chương trình" in html and "Đừng mất" in html
    assert "Tệp bạn đã chọn chưa được tải lên" in html
    sub.refresh_from_db()
    assert sub.version == 1 and sub.narrative == {} and not SubmissionAttachment.objects.exists()


# --- two people at once ---------------------------------------------------------------------

def test_two_secretaries_editing_at_once_never_overwrite(client, world):
    sub = SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2)
    loaded = sub.version
    # The first saves...
    _login(client, world.farmers_user)
    first = _edit_data(sub, **{"nar_ket-qua": "Bản của chị Nhi"})
    assert client.post(reverse("reporting:edit", args=[sub.pk]), first).status_code == 302
    # ... the second, on a page loaded before, is refused with a message and keeps her text.
    _login(client, world.farmers_user2)
    second = _edit_data(sub, **{"nar_ket-qua": "Bản của anh Blong", "version": loaded})
    response = client.post(reverse("reporting:edit", args=[sub.pk]), second)
    html = _main(response)
    assert response.status_code == 409
    assert "Báo cáo vừa được lưu bởi Y Nhi lúc" in html and "CHƯA được lưu" in html
    assert "Bản của anh Blong" in html  # nothing lost: her text is in the form again
    assert "Bản của chị Nhi" in html    # and the newest saved version is shown beside it
    sub.refresh_from_db()
    assert sub.narrative["ket-qua"] == "Bản của chị Nhi" and sub.version == loaded + 1
    # The re-shown form carries the new version: saving again is a conscious choice, and works.
    assert re.search(rf'name="version" value="{loaded + 1}"', html)
    second["version"] = loaded + 1
    assert client.post(reverse("reporting:edit", args=[sub.pk]), second).status_code == 302
    sub.refresh_from_db()
    assert sub.narrative["ket-qua"] == "Bản của anh Blong"


def test_saving_after_the_report_was_sent_by_someone_else(client, world):
    sub = SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2)
    loaded = sub.version
    services.submission_save(actor=world.farmers_user, submission=sub, expected_version=loaded,
                             figures_input=figures_input(sub), narrative_input=NARRATIVE, submit=True)
    _login(client, world.farmers_user2)
    response = client.post(reverse("reporting:edit", args=[sub.pk]),
                           _edit_data(sub, **{"nar_ton-tai": "Ý của tôi", "version": loaded}))
    html = _main(response)
    assert response.status_code == 409
    assert "vừa được gửi báo cáo bởi Y Nhi" in html and "Ý của tôi" in html
    assert "Báo cáo không còn sửa được" in html


def test_two_reviewers_at_once(client, world, report):
    loaded = report.version
    services.submission_accept(actor=world.secretariat, submission=report, expected_version=loaded)
    _login(client, world.secretariat2)
    response = client.post(reverse("reporting:review", args=[report.pk]),
                           {"action": "return", "comment": "Thiếu phụ lục", "version": loaded})
    html = _main(response)
    assert response.status_code == 409
    assert "vừa được tiếp nhận bởi Thường trực huyện" in html and "Thiếu phụ lục" in html
    assert Submission.objects.get(pk=report.pk).status == S.ACCEPTED


def test_review_page_accepts_and_returns(client, world, report):
    _login(client, world.secretariat)
    page = _main(client.get(reverse("reporting:detail", args=[report.pk])))
    assert "Xem xét báo cáo" in page and "bien-ban-hop.pdf" in page
    response = client.post(reverse("reporting:review", args=[report.pk]),
                           {"action": "return", "comment": "", "version": report.version})
    assert "phải ghi rõ lý do" in _main(response)
    response = client.post(reverse("reporting:review", args=[report.pk]),
                           {"action": "return", "comment": "Bổ sung số liệu", "version": report.version}, follow=True)
    assert "Đã trả lại báo cáo" in response.content.decode()
    # The unit sees the reason where it edits.
    _login(client, world.farmers_user)
    edit = _main(client.get(reverse("reporting:edit", args=[report.pk])))
    assert "Báo cáo bị trả lại" in edit and "Bổ sung số liệu" in edit and "Gửi lại báo cáo" in edit


def test_attachment_download_and_delete(client, world):
    sub = SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2)
    sub = services.submission_save(actor=SYSTEM, submission=sub, expected_version=sub.version,
                                   figures_input=figures_input(sub), narrative_input=NARRATIVE,
                                   files=[files.pdf("Biên bản họp.pdf")])
    attachment = sub.attachments.get()
    _login(client, world.farmers_user)
    response = client.get(reverse("reporting:attachment", args=[attachment.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and "Bi%C3%AAn" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    response = client.post(reverse("reporting:attachment_delete", args=[attachment.pk]), {"version": sub.version})
    assert response.status_code == 302 and not SubmissionAttachment.objects.exists()


# --- board, calendar, Word ------------------------------------------------------------------

def test_board_shows_counts_and_requests_explanations(client, world):
    SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2, sent_at=vn(2023, 6, 7, 23, 59))
    SubmissionFactory(schedule=world.schedule, organisation=world.youth, period=Q2, sent_at=vn(2023, 6, 8, 0, 0))
    _login(client, world.secretariat)
    response = client.get(reverse("reporting:board"), {"ky": "2023-Q2"})
    html = _main(response)
    assert 'data-testid="expected">5<' in html and 'data-testid="on-time">1<' in html
    assert 'data-testid="late">1<' in html and 'data-testid="missing">3<' in html
    assert "Yêu cầu giải trình" in html
    response = client.get(reverse("reporting:board"), {"ky": "2023-Q2", "cap": "3"})
    assert 'data-testid="expected">2<' in _main(response)
    due = (dt.date.today() + dt.timedelta(days=10)).strftime("%d/%m/%Y")
    response = client.post(reverse("reporting:explanation_request"),
                           {"schedule": world.schedule.pk, "period": "2023-Q2", "due_date": due}, follow=True)
    html = response.content.decode()
    assert "Đã yêu cầu 4 đơn vị gửi báo cáo giải trình" in html
    assert "Báo cáo giải trình việc chậm, không gửi báo cáo quý Cuộc vận động quý II/2023" in html
    # A viewer sees the board but is not offered the button.
    _login(client, world.viewer)
    assert "Yêu cầu giải trình</button>" not in _main(client.get(reverse("reporting:board"), {"ky": "2023-Q2"}))


def test_board_and_list_query_counts_do_not_grow_with_reports(client, world):
    _login(client, world.secretariat)
    SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2, sent_at=vn(2023, 6, 1))
    client.get(reverse("reporting:list"))  # the scope panel, cached from the first page on
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reporting:board"), {"ky": "2023-Q2"})
    with CaptureQueriesContext(connection) as few_list:
        client.get(reverse("reporting:list"))
    for org in (world.youth, world.agency, world.bcd_x, world.bcd_y):
        SubmissionFactory(schedule=world.schedule, organisation=org, period=Q2, sent_at=vn(2023, 6, 1))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("reporting:board"), {"ky": "2023-Q2"})
    with CaptureQueriesContext(connection) as many_list:
        client.get(reverse("reporting:list"))
    assert len(many) == len(few)
    assert len(many_list) == len(few_list)


def test_calendar_lists_due_dates_and_takes_other_rooms_providers(client, world):
    def tasks(user, start, end):
        return [(dt.date(2023, 6, 20), "Hạn nhiệm vụ: rà soát mô hình", "/nhiem-vu/1/", "task")]

    calendar.register_provider(tasks)
    try:
        _login(client, world.farmers_user)
        html = _main(client.get(reverse("reporting:calendar"), {"thang": "2023-06"}))
        assert "Tháng 06/2023" in html
        assert "Báo cáo quý Cuộc vận động Quý II/2023 — Hội Nông dân huyện Kon Rẫy" in html
        assert "07/06/2023" in html and "Hạn nhiệm vụ: rà soát mô hình" in html
        _login(client, world.secretariat)
        html = _main(client.get(reverse("reporting:calendar"), {"thang": "2023-06"}))
        assert f"?ky=2023-Q2&amp;bao-cao={world.schedule.pk}" in html
        assert _main(client.get(reverse("reporting:calendar"), {"thang": "rác"})).count("Tháng ") >= 1
    finally:
        calendar._providers.remove(tasks)


def test_a_failing_provider_does_not_break_the_calendar(world):
    def broken(user, start, end):
        raise RuntimeError("boom")

    calendar.register_provider(broken)
    try:
        month = calendar.month(world.farmers_user, 2023, 6)
        assert [e.date for e in month.entries] == [dt.date(2023, 6, 7)]
    finally:
        calendar._providers.remove(broken)


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def test_word_report_reads_back_with_the_administrative_layout(client, world):
    sub = SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Q2)
    prefilled = sub.values["villages"]["prefilled"]
    sub = services.submission_save(
        actor=SYSTEM, submission=sub, expected_version=sub.version,
        figures_input=figures_input(sub, villages=(str(prefilled + 2), "Thêm 2 thôn mới thành lập"),
                                    propaganda_sessions=("12", "")),
        narrative_input=NARRATIVE, doc_number="45-BC/HND", signer_title="CHỦ TỊCH", signer_name="A Thuận",
        files=[files.pdf("danh-sach.pdf")], submit=True, now=vn(2023, 6, 5, 10))
    _login(client, world.secretariat)
    response = client.get(reverse("reporting:docx", args=[sub.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="bao-cao-2023-Q2-' in response["Content-Disposition"]
    text = _docx_text(response.content)
    for expected in ("HỘI NÔNG DÂN HUYỆN KON RẪY", "Số: 45-BC/HND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "Kon Rẫy, ngày 05 tháng 6 năm 2023", "BÁO CÁO",
                     "quý II/2023", "Ban Chỉ đạo Cuộc vận động huyện Kon Rẫy",
                     "I. SỐ LIỆU CHỦ YẾU", "II. Kết quả thực hiện", "III. Tồn tại, hạn chế và nguyên nhân",
                     "Tổ chức 5 buổi tuyên truyền.", "- Duy trì 2 mô hình.", "Nơi nhận:",
                     "- Ban Chỉ đạo Cuộc vận động huyện Kon Rẫy (b/c),", "- Lưu VT.", "CHỦ TỊCH", "A Thuận",
                     "Tài liệu gửi kèm: danh-sach.pdf."):
        assert expected in text, expected
    assert f"Số thôn, làng, tổ dân phố trên địa bàn | thôn | {prefilled + 2} | Hệ thống: {prefilled}. " \
           "Thêm 2 thôn mới thành lập" in text
    assert "Số buổi tuyên truyền, vận động | buổi | 12 |" in text
    from vuonlen.core.models import AuditAction, AuditLog

    assert AuditLog.objects.filter(action=AuditAction.EXPORT, object_id=str(sub.pk)).exists()


def test_history_page_is_scoped(client, world, report):
    url = reverse("core:history", args=["reporting", "submission", report.pk])
    _login(client, world.secretariat)
    assert client.get(url).status_code == 200
    _login(client, world.youth_user)
    assert client.get(url).status_code == 404


def test_year_choices_and_default_period(client, world):
    SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Period(2023, PeriodKind.QUARTER, 3),
                      sent_at=vn(2023, 9, 1))
    _login(client, world.secretariat)
    html = _main(client.get(reverse("reporting:board")))
    assert "Chấp hành chế độ báo cáo — Quý III/2023" in html  # the newest period with reports
    assert client.get(reverse("reporting:board"), {"ky": "2023-Q9"}).status_code == 200


def test_board_offers_the_request_only_for_units_not_yet_asked(client, world):
    SubmissionFactory(schedule=world.schedule, organisation=world.youth, period=Q2, sent_at=vn(2023, 6, 9))
    _login(client, world.secretariat)
    due = (dt.date.today() + dt.timedelta(days=10)).strftime("%d/%m/%Y")
    client.post(reverse("reporting:explanation_request"),
                {"schedule": world.schedule.pk, "period": "2023-Q2", "due_date": due})
    html = _main(client.get(reverse("reporting:board"), {"ky": "2023-Q2"}))
    assert "Đã yêu cầu giải trình" in html and "5 đơn vị, hạn" in html
    assert "Yêu cầu giải trình</button>" not in html
    # The request's own table is on the board, every unit "not due" until its deadline.
    assert html.count("Chưa đến hạn") >= 5
    # A bad date is refused with a message, nothing created.
    response = client.post(reverse("reporting:explanation_request"),
                           {"schedule": world.schedule.pk, "period": "2023-Q2", "due_date": "31/02/2023"}, follow=True)
    assert "Hạn gửi giải trình" in response.content.decode()


def test_explanation_request_for_a_schedule_out_of_scope_is_404(client, world):
    _login(client, world.other_secretariat)
    response = client.post(reverse("reporting:explanation_request"),
                           {"schedule": world.schedule.pk, "period": "2023-Q2", "due_date": "20/12/2030"})
    assert response.status_code == 404
