"""The draft conclusion notice (.docx), read back with python-docx."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.urls import reverse
from docx import Document as read_docx

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.models import AuditLog
from vuonlen.directives import services
from vuonlen.directives.models import DeadlineKind

from .conftest import at, day


def _text(content: bytes) -> tuple[str, list[str]]:
    doc = read_docx(io.BytesIO(content))
    cells = []
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                cells.append(cell.text)
    body = "\n".join(p.text for p in doc.paragraphs)
    return body, cells


@pytest.fixture
def notice(world, monkeypatch):
    n87 = world.document(number="87-TB/BCĐ", date="30/3/2023", period="2023-Q1")
    stuck = world.task(n87, world.women, text="Đăng ký mô hình điểm năm 2023", deadline="30/4/2023")
    n103 = world.document(follows=n87, period="2023-Q2", party_layout=True, issuer_parent_name="HUYỆN ỦY KON RẪY",
                          place="Kon Rẫy", signer_authority="T/M BAN CHỈ ĐẠO", signer_title="TRƯỞNG BAN",
                          signer_name="Đinh Thị Mỹ Hảo", recipients="BTV Huyện ủy (b/c),\nUBND huyện,\nLưu VT.")
    services.tasks_carry_over(actor=SYSTEM, document=n103, tasks=[stuck], deadline_kind="date", deadline=day("31/8/2023"))
    for org in (world.farmers, world.women):
        world.task(n103, org, text="Rà soát, thống kê hội viên DTTS nghèo, cận nghèo", deadline="31/7/2023")
    world.task(n103, world.people, text="Hoàn thiện Mô hình “Nhà vườn kiểu mẫu” và tổ chức tham quan",
               deadline="1/8/2023", kind=DeadlineKind.MONTH, coordinating=[world.commune_bcd])
    world.task(n103, world.front, text="Tham mưu theo dõi, đôn đốc các đơn vị", deadline=None, kind="none")
    reporting_selectors = pytest.importorskip("vuonlen.reporting.selectors")
    calls = []

    def fake_compliance(*, user, period, unit=None, schedule=None):
        calls.append((period.code(), unit))
        return [SimpleNamespace(organisation=world.farmers, status="on_time"),
                SimpleNamespace(organisation=world.people, status="on_time"),
                SimpleNamespace(organisation=world.women, status="late"),
                SimpleNamespace(organisation=world.commune_bcd, status="missing")]

    monkeypatch.setattr(reporting_selectors, "compliance", fake_compliance)
    n103.compliance_calls = calls
    return n103


def test_notice_text(world, notice):
    content, filename = services.notice_draft_export(actor=world.secretary, document=notice)
    assert filename == "du-thao-103-TB-BCD.docx"
    body, cells = _text(content)
    header = " ".join(cells[:2])
    assert "HUYỆN ỦY KON RẪY" in header and "BAN CHỈ ĐẠO CUỘC VẬN ĐỘNG HUYỆN KON RẪY" in header
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header and "Số 103-TB/BCĐ" in header
    assert "Kon Rẫy, ngày 12 tháng 7 năm 2023" in header
    assert "THÔNG BÁO" in body and "kết luận Hội nghị giao ban" in body and "quý II/2023" in body
    # Tasks by organisation: the same task given to two unions is one item under both names.
    assert "Giao Hội Nông dân huyện Kon Rẫy, Hội Liên hiệp Phụ nữ huyện Kon Rẫy:" in body
    assert body.count("Rà soát, thống kê hội viên DTTS nghèo, cận nghèo") == 1
    assert "Thời hạn: trước ngày 31/7/2023." in body
    assert "Giao Ủy ban nhân dân huyện Kon Rẫy:" in body and "Thời hạn: trong tháng 8/2023." in body
    assert "(phối hợp: Ban Chỉ đạo Cuộc vận động xã Đắk Tơ Lung)" in body
    assert "Giao Ủy ban MTTQ Việt Nam huyện Kon Rẫy:" in body
    # The previous notice's overdue task, carried over.
    assert "Các nhiệm vụ chưa hoàn thành đúng hạn theo Thông báo số 87-TB/BCĐ, ngày 30/03/2023" in body
    assert "Hội Liên hiệp Phụ nữ huyện Kon Rẫy: Đăng ký mô hình điểm năm 2023" in body
    assert "quá hạn, chưa hoàn thành" in body
    # Reporting: late and missing units, asked to explain.
    assert "Các cơ quan, đơn vị gửi báo cáo trễ hạn: Hội Liên hiệp Phụ nữ huyện Kon Rẫy." in body
    assert "Các cơ quan, đơn vị chưa gửi báo cáo: Ban Chỉ đạo Cuộc vận động xã Đắk Tơ Lung." in body
    assert "báo cáo giải trình" in body
    # Nơi nhận and signature side by side.
    closing = " | ".join(cells)
    assert "Nơi nhận:" in closing and "- BTV Huyện ủy (b/c)," in closing and "- Lưu VT." in closing
    assert "T/M BAN CHỈ ĐẠO" in closing and "TRƯỞNG BAN" in closing and "Đinh Thị Mỹ Hảo" in closing
    # Appendix: the units that reported on time, in Vietnamese order.
    assert "PHỤ LỤC" in body and "ĐÃ CÓ BÁO CÁO ĐỊNH KỲ QUÝ II/2023 ĐÚNG HẠN" in body
    appendix = cells[cells.index("STT"):]
    assert appendix[3:] == ["1", "Hội Nông dân huyện Kon Rẫy", "Huyện Kon Rẫy",
                            "2", "Ủy ban nhân dân huyện Kon Rẫy", "Huyện Kon Rẫy"]
    assert notice.compliance_calls == [("2023-Q2", world.district)]
    assert AuditLog.objects.filter(action="export", object_id=str(notice.pk)).exists()


def test_state_layout_and_no_reporting_data(world, notice, monkeypatch):
    from vuonlen.reporting import selectors as reporting_selectors

    def broken(**kwargs):
        raise RuntimeError("reporting is down")

    monkeypatch.setattr(reporting_selectors, "compliance", broken)
    notice.party_layout = False
    notice.save()
    body, cells = _text(services.notice_draft_export(actor=world.secretary, document=notice)[0])
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells[1] and "Độc lập - Tự do - Hạnh phúc" in cells[1]
    assert "Số: 103-TB/BCĐ" in cells[0]
    assert "Về chế độ báo cáo" not in body
    assert "(Chưa có số liệu về báo cáo định kỳ quý II/2023 trong hệ thống.)" in body


def test_previous_task_done_late_since_is_still_named_as_late(world, notice):
    stuck_copy = notice.tasks.get(carried_from__isnull=False)
    world.report(stuck_copy, world.women, when=at("15/7/2023"))
    body, _ = _text(services.notice_draft_export(actor=world.secretary, document=notice)[0])
    assert "đã hoàn thành nhưng trễ hạn" in body  # done since, but after its deadline: still named


def test_download_from_the_document_page(client, world, notice):
    client.force_login(world.secretary)
    page = client.get(reverse("directives:document_detail", args=[notice.pk])).content.decode()
    assert "Tải dự thảo thông báo (.docx)" in page
    response = client.get(reverse("directives:notice_docx", args=[notice.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert 'filename="du-thao-103-TB-BCD.docx"' in response["Content-Disposition"]
    body, _ = _text(response.content)
    assert "Giao Hội Nông dân huyện Kon Rẫy" in body
