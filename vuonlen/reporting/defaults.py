"""The two forms every installation needs: the quarterly campaign report and the explanation
report (báo cáo giải trình). Created on first use, so a fresh database needs no fixture;
administrators may change their sections afterwards in the admin."""

from __future__ import annotations

from django.db import transaction

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import audit_record
from vuonlen.core.models import AuditAction

from .models import FormSection, ReportForm, SectionKind

QUARTERLY_FORM = "bao-cao-quy-cuoc-van-dong"
EXPLANATION_FORM = "bao-cao-giai-trinh"

_FORMS = {
    QUARTERLY_FORM: (
        "Báo cáo kết quả thực hiện Cuộc vận động",
        "Số liệu điền sẵn từ dữ liệu của hệ thống cho địa bàn của đơn vị; nếu sửa một số liệu, "
        "ghi rõ lý do vào ô ghi chú bên cạnh.",
        [
            ("so-lieu", SectionKind.FIGURES, "Số liệu chủ yếu", "",
             ["villages", "organisations", "poor_households", "near_poor_households", "propaganda_sessions",
              "propaganda_participants", "models_active", "households_escaped"], False),
            ("ket-qua", SectionKind.NARRATIVE, "Kết quả thực hiện",
             "Công tác tuyên truyền, vận động; mô hình; hỗ trợ hộ nghèo; kết quả nổi bật trong kỳ.", [], True),
            ("ton-tai", SectionKind.NARRATIVE, "Tồn tại, hạn chế và nguyên nhân", "", [], True),
            ("de-xuat", SectionKind.NARRATIVE, "Phương hướng, đề xuất, kiến nghị", "", [], False),
        ],
    ),
    EXPLANATION_FORM: (
        "Báo cáo giải trình",
        "Giải trình việc chậm hoặc không gửi báo cáo định kỳ theo quy định.",
        [
            ("ly-do", SectionKind.NARRATIVE, "Lý do chậm hoặc không gửi báo cáo", "", [], True),
            ("khac-phuc", SectionKind.NARRATIVE, "Biện pháp chấn chỉnh, khắc phục", "", [], True),
        ],
    ),
}


@transaction.atomic
def ensure_form(code: str) -> ReportForm:
    form = ReportForm.objects.filter(code=code).first()
    if form is not None:
        return form
    name, description, sections = _FORMS[code]
    form = ReportForm.objects.create(code=code, name=name, description=description)
    FormSection.objects.bulk_create([
        FormSection(form=form, position=i, code=s_code, kind=kind, title=title, help_text=help_text,
                    figure_codes=figure_codes, required=required)
        for i, (s_code, kind, title, help_text, figure_codes, required) in enumerate(sections, start=1)
    ])
    audit_record(actor=SYSTEM, action=AuditAction.CREATE, instance=form, source="system",
                 note="Biểu mẫu mặc định")
    return form


def quarterly_form() -> ReportForm:
    return ensure_form(QUARTERLY_FORM)


def explanation_form() -> ReportForm:
    return ensure_form(EXPLANATION_FORM)
