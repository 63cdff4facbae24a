"""The cause summary as .xlsx (core/xlsx.py) and .docx (documents/word.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from vuonlen.core import spreadsheets, xlsx
from vuonlen.core.formats import format_number
from vuonlen.core.periods import today_vn
from vuonlen.documents.word import AdministrativeDocument

from .selectors import Summary


def _headers(summary: Summary) -> list[str]:
    return [_("Đơn vị"), _("Số thôn đã khảo sát"), _("Thôn đặc biệt khó khăn"), _("Thôn xây dựng NTM"),
            _("Tổng số hộ"), _("Hộ nghèo"), _("Hộ cận nghèo")] + [c.name for c in summary.causes]


def _values(row, summary: Summary) -> list:
    return [row.surveys, row.especially_difficult, row.new_rural_area, row.households_total, row.poor,
            row.near_poor] + row.cells(summary.causes)


def _title(summary: Summary) -> str:
    place = summary.unit.name if summary.unit else _("toàn phạm vi")
    return _("Tổng hợp nguyên nhân nghèo qua khảo sát thôn năm %(year)s — %(place)s") % {
        "year": summary.year, "place": place}


def summary_xlsx(summary: Summary) -> bytes:
    workbook = xlsx.new_workbook()
    sheet = workbook.active
    sheet.title = _("Nguyên nhân nghèo")
    sheet.append([_title(summary)])
    sheet.append([])
    sheet.append(_headers(summary))
    spreadsheets.bold_row(sheet, 3)
    for row in summary.rows:
        sheet.append([row.unit.name] + _values(row, summary))
    sheet.append([_("Tổng cộng")] + _values(summary.total, summary))
    spreadsheets.bold_row(sheet, sheet.max_row)
    sheet.column_dimensions["A"].width = 32
    return xlsx.workbook_bytes(workbook)


def summary_docx(summary: Summary, *, issuer: str) -> bytes:
    doc = AdministrativeDocument(issuer=issuer, place="", date=today_vn(), title=_("BÁO CÁO"),
                                 subtitle=_title(summary))
    ranked = summary.ranked_causes
    doc.paragraph(_("Đã khảo sát %(n)s thôn, trong đó %(d)s thôn đặc biệt khó khăn và %(m)s thôn đăng ký xây "
                    "dựng nông thôn mới; %(p)s hộ nghèo, %(q)s hộ cận nghèo.") % {
        "n": format_number(summary.total.surveys), "d": format_number(summary.total.especially_difficult),
        "m": format_number(summary.total.new_rural_area), "p": format_number(summary.total.poor),
        "q": format_number(summary.total.near_poor)})
    if ranked:
        doc.heading(_("Các nguyên nhân nghèo chủ yếu"))
        for cause, count in ranked:
            doc.bullet(_("%(cause)s: %(n)s hộ") % {"cause": cause.name, "n": format_number(count)})
    doc.heading(_("Số hộ theo nguyên nhân của từng đơn vị"))
    causes = [c for c, _n in ranked] or summary.causes[:5]
    headers = [_("Đơn vị"), _("Số thôn")] + [c.name for c in causes]
    rows = [[r.unit.name, format_number(r.surveys)] + [format_number(r.causes.get(c.pk, 0)) for c in causes]
            for r in summary.rows]
    rows.append([_("Tổng cộng"), format_number(summary.total.surveys)]
                + [format_number(summary.total.causes.get(c.pk, 0)) for c in causes])
    doc.table(headers, rows, size=10, align=["left"] + ["right"] * (len(headers) - 1))
    return doc.to_bytes()
