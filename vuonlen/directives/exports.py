"""The overdue tasks for the briefing, as .xlsx (``core.xlsx`` through ``documents.excel``) and
.docx (``documents.word``): each task written once with every unit it was given to."""

from __future__ import annotations

import datetime as dt

from vuonlen.core import xlsx
from vuonlen.core.formats import format_date
from vuonlen.documents.excel import AdministrativeSheet, Column, new_workbook
from vuonlen.documents.word import AdministrativeDocument

from .notice import addressee_label
from .selectors import OverdueItem

HEADERS = ["STT", "Nhiệm vụ", "Văn bản giao", "Cơ quan, đơn vị", "Thời hạn", "Số ngày quá hạn"]


def _rows(items: list[OverdueItem], area) -> list[list]:
    rows = []
    for index, item in enumerate(items, 1):
        names = addressee_label(item.organisations, area) if area is not None else ", ".join(
            o.name for o in item.organisations)
        document = item.task.document
        rows.append([str(index), item.task.text, f"{document.number} ({format_date(document.date)})", names,
                     item.task.deadline_label, item.days])
    return rows


def overdue_xlsx(items: list[OverdueItem], *, on: dt.date, issuer_name: str = "", area=None) -> bytes:
    workbook = new_workbook()
    columns = [Column("stt", "STT", "A", "text", 6), Column("text", "Nhiệm vụ", "B", "text", 60),
               Column("doc", "Văn bản giao", "C", "text", 20), Column("orgs", "Cơ quan, đơn vị", "D", "text", 40),
               Column("deadline", "Thời hạn", "1", "text", 18), Column("days", "Số ngày quá hạn", "2", "count", 10)]
    sheet = AdministrativeSheet(workbook.create_sheet("Nhiem vu qua han"), columns=columns,
                                title="CÁC NHIỆM VỤ QUÁ HẠN, CHƯA HOÀN THÀNH", issuer=issuer_name, issuer_parent="",
                                subtitle=[f"Tính đến ngày {format_date(on)}"], date=on)
    rows = _rows(items, area)
    sheet.add_block(rows or [["", "Không có nhiệm vụ quá hạn.", "", "", "", None]])
    sheet.finish(notes=["Thời hạn tính đến hết ngày (giờ Việt Nam). Nhiệm vụ đã chuyển tiếp được tính một lần, "
                        "theo văn bản mới nhất."])
    return xlsx.workbook_bytes(workbook)


def overdue_docx(items: list[OverdueItem], *, on: dt.date, issuer=None, area=None) -> bytes:
    doc = AdministrativeDocument(
        issuer_parent=issuer.parent.name if issuer is not None and issuer.parent_id else "",
        issuer=issuer.name if issuer is not None else "", number="", place="", date=on, title="DANH SÁCH",
        subtitle=f"Các nhiệm vụ quá hạn, chưa hoàn thành (tính đến ngày {format_date(on)})")
    if items:
        doc.table(HEADERS, [[str(v) for v in row] for row in _rows(items, area)],
                  widths_mm=[10, 65, 25, 40, 20, 15])
    else:
        doc.paragraph("Không có nhiệm vụ quá hạn.")
    return doc.to_bytes()
