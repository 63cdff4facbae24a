"""Issue 13 item 5: report forms managed on the application's pages, with a preview of what a
unit will fill. Only the province's secretariat manages them; every problem at once; sections
holding sent data keep their code and stay; edits are version-checked and audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories
from vuonlen.accounts.models import OrgKind
from vuonlen.accounts.roles import Role
from vuonlen.core.models import AuditLog
from vuonlen.core.periods import Period
from vuonlen.reporting.models import FormSection, ReportForm, SectionKind

from .conftest import vn
from .factories import SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_secretariat(world):
    org = factories.make_org(world.province, OrgKind.FATHERLAND_FRONT, "Ủy ban MTTQ tỉnh")
    return factories.make_user(Role.SECRETARIAT, organisation=org, username="tt.tinh")


def _rows(sections, extra=()):
    data = {}
    rows = list(sections) + list(extra)
    for i, row in enumerate(rows):
        for key, value in row.items():
            if key == "figure_codes":
                data[f"s-{i}-figure_codes"] = value
            elif value not in (None, False):
                data[f"s-{i}-{key}"] = "on" if value is True else value
    data.update({"s-TOTAL_FORMS": str(len(rows)), "s-INITIAL_FORMS": "0", "s-MIN_NUM_FORMS": "0",
                 "s-MAX_NUM_FORMS": "1000"})
    return data


def _existing(form):
    return [{"pk": s.pk, "position": s.position, "code": s.code, "kind": s.kind, "title": s.title,
             "help_text": s.help_text, "figure_codes": s.figure_codes, "required": s.required}
            for s in form.sections.all()]


def test_only_the_province_secretariat_finds_the_forms(client, world, province_secretariat):
    client.force_login(province_secretariat)
    page = client.get(reverse("reporting:form_list")).content.decode()
    assert world.schedule.form.name in page
    assert f'href="{reverse("reporting:form_list")}"' in client.get(reverse("reporting:board")).content.decode()
    client.force_login(world.secretariat)  # a district's secretariat
    assert client.get(reverse("reporting:form_list")).status_code == 404
    assert client.get(reverse("reporting:form_edit", args=[world.schedule.form.pk])).status_code == 404
    assert f'href="{reverse("reporting:form_list")}"' not in client.get(reverse("reporting:board")).content.decode()


def test_create_a_form_reports_every_problem_at_once(client, world, province_secretariat):
    client.force_login(province_secretariat)
    bad = {"code": "Bao Cao", "name": "", **_rows([
        {"code": "ket-qua", "kind": SectionKind.NARRATIVE, "title": ""},
        {"code": "ket-qua", "kind": SectionKind.NARRATIVE, "title": "Kết quả"},
        {"code": "so-lieu", "kind": SectionKind.FIGURES, "title": "Số liệu"},
    ])}
    html = client.post(reverse("reporting:form_new"), bad).content.decode()
    for message in ("Nhập tên biểu mẫu.", "Mã biểu mẫu chỉ gồm chữ thường", "Phần 1: thiếu tiêu đề.",
                    "Phần 2: mã “ket-qua” trùng với phần 1.", "Phần 3: phần số liệu cần ít nhất một chỉ tiêu."):
        assert message in html, message
    assert not ReportForm.objects.filter(name="").exists()

    good = {"code": "bao-cao-mo-hinh", "name": "Báo cáo mô hình kém hiệu quả", "allow_attachments": "on", **_rows([
        {"code": "danh-gia", "kind": SectionKind.NARRATIVE, "title": "Đánh giá mô hình", "required": True},
        {"code": "so-lieu", "kind": SectionKind.FIGURES, "title": "Số liệu", "figure_codes": ["villages"]},
    ])}
    response = client.post(reverse("reporting:form_new"), good)
    form = ReportForm.objects.get(code="bao-cao-mo-hinh")
    assert response.status_code == 302
    assert [(s.code, s.kind, s.required) for s in form.sections.all()] == [
        ("danh-gia", SectionKind.NARRATIVE, True), ("so-lieu", SectionKind.FIGURES, False)]
    assert AuditLog.objects.filter(actor=province_secretariat, object_id=str(form.pk)).exists()


def test_sections_with_sent_data_keep_their_code_and_stay(client, world, province_secretariat):
    SubmissionFactory(schedule=world.schedule, organisation=world.farmers, period=Period.parse("2023-Q2"),
                      sent_at=vn(2023, 7, 5))
    form = world.schedule.form
    rows = _existing(form)
    narrative = next(r for r in rows if r["kind"] == SectionKind.NARRATIVE)
    narrative["code"] = "doi-ma"
    rows[-1]["DELETE"] = True
    client.force_login(province_secretariat)
    html = client.post(reverse("reporting:form_edit", args=[form.pk]),
                       {"name": form.name, "version": form.version, **_rows(rows)}).content.decode()
    assert "giữ nguyên mã và loại phần" in html and "không xoá được" in html
    assert FormSection.objects.filter(form=form).count() == len(rows)


def test_edit_titles_then_a_stale_second_editor_is_refused(client, world, province_secretariat):
    form = world.schedule.form
    rows = _existing(form)
    rows[0]["title"] = "Kết quả thực hiện trong quý"
    client.force_login(province_secretariat)
    version = form.version
    client.post(reverse("reporting:form_edit", args=[form.pk]), {"name": form.name, "version": version, **_rows(rows)})
    assert form.sections.get(pk=rows[0]["pk"]).title == "Kết quả thực hiện trong quý"
    rows[0]["title"] = "Một bản sửa cũ"
    stale = client.post(reverse("reporting:form_edit", args=[form.pk]),
                        {"name": form.name, "version": version, **_rows(rows)}).content.decode()
    assert "vừa được người khác sửa" in stale
    assert form.sections.get(pk=rows[0]["pk"]).title == "Kết quả thực hiện trong quý"


def test_preview_shows_what_a_unit_fills(client, world, province_secretariat):
    form = world.schedule.form
    client.force_login(province_secretariat)
    html = client.get(reverse("reporting:form_preview", args=[form.pk])).content.decode()
    for section in form.sections.all():
        assert section.title in html
    assert "disabled" in html and "không lưu được" in html
    with_org = client.get(reverse("reporting:form_preview", args=[form.pk]),
                          {"organisation": world.bcd_x.pk}).content.decode()
    assert world.bcd_x.name in with_org
    assert "Trang " + world.bcd_x.name + " sẽ điền cho kỳ" in with_org
    # Nonsense in the address is no organisation, not an error.
    odd = client.get(reverse("reporting:form_preview", args=[form.pk]), {"organisation": "x'1"})
    assert odd.status_code == 200 and "Chọn một đơn vị để thấy số liệu" in odd.content.decode()
