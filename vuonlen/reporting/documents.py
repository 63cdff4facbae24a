"""A unit's report as a Word document in the administrative layout (Nghị định 30/2020/NĐ-CP,
through ``vuonlen.documents.word``): issuing body, number, place and date, title, the figures
as a table, the narrative parts, "Nơi nhận" and the signature block."""

from __future__ import annotations

from vuonlen.core.formats import format_number
from vuonlen.core.periods import VN_TZ, today_vn
from vuonlen.documents.word import AdministrativeDocument
from vuonlen.geo.models import Level

from .models import Submission
from .selectors import submission_sections


_CAMPAIGN = ("Cuộc vận động “Làm thay đổi nếp nghĩ, cách làm của đồng bào DTTS, làm cho đồng bào DTTS "
             "vươn lên thoát nghèo bền vững”")


def _lower_first(text: str) -> str:
    """"Quý II/2023" → "quý II/2023": the numerals keep their capitals."""
    return text[:1].lower() + text[1:]


def _place(organisation) -> str:
    """The place name of the date line: "Kon Rẫy" for an organisation of Huyện Kon Rẫy."""
    name = organisation.unit.name
    for prefix in ("Thành phố ", "Thị xã ", "Thị trấn ", "Huyện ", "Tỉnh ", "Phường ", "Xã "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _issuer_parent(organisation) -> str:
    if organisation.parent_id:
        return organisation.parent.name
    unit = organisation.unit
    if unit.level == Level.PROVINCE:
        return ""
    return unit.name


def _document_date(submission: Submission):
    moment = submission.last_submitted_at or submission.submitted_at
    return moment.astimezone(VN_TZ).date() if moment else today_vn()


def _value(figure: dict) -> str:
    return "" if figure["value"] is None else format_number(figure["value"], 0 if isinstance(figure["value"], int) else 1)


def report_docx(submission: Submission) -> bytes:
    org = submission.organisation
    period = submission.period
    short = org.short_name or "".join(word[0] for word in org.name.split() if word[:1].isupper())
    number = submission.doc_number or f"      /BC-{short}"
    title = "BÁO CÁO"
    if submission.schedule.is_one_off:
        subtitle = _lower_first(submission.schedule.name)
        if subtitle.startswith("báo cáo "):
            subtitle = subtitle[len("báo cáo "):]
    else:
        subtitle = f"Kết quả thực hiện {_CAMPAIGN}\n{_lower_first(period.label())}"
    doc = AdministrativeDocument(issuer_parent=_issuer_parent(org), issuer=org.name, number=number,
                                 place=_place(org), date=_document_date(submission), title=title, subtitle=subtitle,
                                 roman_headings=True)
    issuer = submission.schedule.issuer.name
    if submission.schedule.is_one_off:
        doc.paragraph(f"Thực hiện yêu cầu của {issuer}, {org.name} báo cáo như sau:")
    else:
        doc.paragraph(f"Thực hiện chế độ báo cáo định kỳ theo yêu cầu của {issuer}, {org.name} báo cáo kết quả "
                      f"thực hiện Cuộc vận động {_lower_first(period.label())} như sau:")
    for section in submission_sections(submission):
        if section.kind != "figures" and not section.text and not section.required:
            continue  # an optional part left empty is left out, not printed as "(no content)"
        doc.heading(section.title.upper() if section.kind == "figures" else section.title, level=1)
        if section.kind == "figures":
            rows = []
            for index, figure in enumerate(section.figures, start=1):
                note = figure["note"]
                if figure["changed"]:
                    note = f"Hệ thống: {format_number(figure['prefilled'])}. {note}".strip()
                rows.append([str(index), figure["label"], figure["unit_label"], _value(figure), note])
            doc.table(["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Ghi chú"], rows,
                      widths_mm=[12, 70, 22, 20, 41], align=["center", "left", "center", "right", "left"])
        else:
            paragraphs = [p.strip() for p in section.text.split("\n") if p.strip()] or ["(Không có nội dung)"]
            for text in paragraphs:
                if text.startswith("-"):
                    doc.bullet(text)
                else:
                    doc.paragraph(text)
    attachments = list(submission.attachments.all())
    if attachments:
        doc.paragraph("Tài liệu gửi kèm: " + "; ".join(a.original_name for a in attachments) + ".", italic=True)
    doc.paragraph(f"Trên đây là báo cáo của {org.name}./.")
    doc.recipients([f"{submission.schedule.issuer.name} (b/c),", "Lưu VT."])
    doc.signature(f"T/M {org.name}", submission.signer_title, submission.signer_name)
    return doc.to_bytes()


def report_filename(submission: Submission) -> str:
    period = submission.period.code()
    return f"bao-cao-{period}-{submission.organisation.pk}.docx"

