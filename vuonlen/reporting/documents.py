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



# --- the compliance board for the briefing (.xlsx and .docx) ---------------------------------

BOARD_HEADERS = ["STT", "Cơ quan, đơn vị", "Địa bàn", "Hạn gửi", "Gửi lúc", "Chấp hành", "Số ngày trễ",
                 "Xử lý"]


def _board_rows(group) -> list[list]:
    from vuonlen.core.formats import format_date

    rows = []
    for index, row in enumerate(group["rows"], 1):
        sent = row.submitted_at.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y") if row.submitted_at else ""
        rows.append([str(index), row.organisation.name, row.organisation.unit.name, format_date(row.due_date), sent,
                     row.status_label, row.days_late or None,
                     row.submission.get_status_display() if row.submission else ""])
    return rows


def _counts_line(group) -> str:
    total = group["total"]
    return (f"Phải báo cáo {total.expected}; đúng hạn {total.on_time}; trễ hạn {total.late}; "
            f"chưa báo cáo {total.missing}" + (f"; chưa đến hạn {total.not_due}" if total.not_due else ""))


def board_xlsx(period, groups) -> bytes:
    """The board as an administrative sheet: one table, each report's rows under its name."""
    from vuonlen.core import xlsx
    from vuonlen.documents.excel import AdministrativeSheet, Column, new_workbook

    workbook = new_workbook()
    columns = [Column("stt", "STT", "A", "text", 6), Column("org", "Cơ quan, đơn vị", "B", "text", 40),
               Column("unit", "Địa bàn", "C", "text", 22), Column("due", "Hạn gửi", "1", "text", 12),
               Column("sent", "Gửi lúc", "2", "text", 17), Column("status", "Chấp hành", "3", "text", 14),
               Column("late", "Số ngày trễ", "4", "count", 9), Column("review", "Xử lý", "5", "text", 14)]
    issuer = groups[0]["schedule"].issuer.name if groups else ""
    sheet = AdministrativeSheet(
        workbook.create_sheet("Chap hanh bao cao"), columns=columns,
        title=f"TÌNH HÌNH CHẤP HÀNH CHẾ ĐỘ BÁO CÁO {_lower_first(period.label()).upper()}",
        issuer=issuer, issuer_parent="", subtitle=[g["schedule"].name for g in groups][:3],
        date=today_vn(), place="")
    for group in groups:
        sheet.add_block([["", f"{group['schedule'].name} — {_counts_line(group)}", "", "", "", "", None, ""]],
                        style="subtotal")
        sheet.add_block(_board_rows(group))
    if not groups:
        sheet.add_block([["", "Không có báo cáo nào phải gửi trong kỳ.", "", "", "", "", None, ""]])
    sheet.finish(notes=["Hạn gửi tính đến hết ngày (giờ Việt Nam); báo cáo gửi lại sau khi bị trả lại vẫn tính "
                        "theo lần gửi đầu."])
    return xlsx.workbook_bytes(workbook)


def board_docx(period, groups, user) -> bytes:
    """The board as a Word annex for the briefing: counts and one table per report."""
    issuer = groups[0]["schedule"].issuer if groups else None
    doc = AdministrativeDocument(
        issuer_parent=issuer.parent.name if issuer is not None and issuer.parent_id else "",
        issuer=issuer.name if issuer is not None else "", number="", place=_place(issuer) if issuer else "",
        date=today_vn(), title="BÁO CÁO",
        subtitle=f"Tình hình chấp hành chế độ báo cáo {_lower_first(period.label())}")
    if not groups:
        doc.paragraph("Không có báo cáo nào phải gửi trong kỳ.")
    for group in groups:
        doc.heading(group["schedule"].name)
        doc.paragraph(_counts_line(group) + ".")
        doc.table(BOARD_HEADERS, [[("" if v is None else str(v)) for v in row] for row in _board_rows(group)],
                  widths_mm=[10, 45, 28, 18, 22, 18, 12, 17])
    return doc.to_bytes()
