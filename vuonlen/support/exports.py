"""The ledger's totals and entries as .xlsx, from the same ``LedgerTotals`` as the page.

The detail sheet names households by their code, never by the head's name: the file leaves
the system, and the code is enough to find the household again for those allowed to.
Every export is audited.
"""

from __future__ import annotations

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from vuonlen.core import xlsx
from vuonlen.core.audit import audit_record
from vuonlen.core.formats import format_date
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.core.spreadsheets import workbook_bytes

from . import selectors

MONEY = "#,##0"
DETAIL_COLUMNS = ["STT", "Ngày", "Nguồn", "Hình thức", "Đơn vị hỗ trợ", "Đối tượng nhận", "Mã hộ", "Mô hình",
                  "Thôn, xã nhận", "Giá trị (đồng)", "Nội dung", "Thời hạn vay (tháng)", "Tình trạng trả nợ"]


def _bold(sheet, values) -> list:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _money(sheet, value: int) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = MONEY
    return cell


def _table(sheet, title: str, rows: list[selectors.TotalRow]) -> None:
    sheet.append([])
    sheet.append(_bold(sheet, [title, "Giá trị (đồng)", "Số khoản", "Số hộ"]))
    for row in rows:
        sheet.append([str(row.label), _money(sheet, row.value_vnd), row.entries, row.households])


def build_workbook(totals: selectors.LedgerTotals, entries) -> bytes:
    workbook = xlsx.new_workbook(write_only=True)
    summary = workbook.create_sheet("Tổng hợp")
    for letter, width in zip("ABCD", (58, 20, 12, 12)):
        summary.column_dimensions[letter].width = width
    title = WriteOnlyCell(summary, value="TỔNG HỢP NGUỒN LỰC HUY ĐỘNG")
    title.font = Font(bold=True, size=13)
    summary.append([title])
    summary.append([f"Lọc: {totals.filters.describe()}"])
    summary.append([f"Xuất ngày {format_date(today_vn())}"])
    summary.append([])
    summary.append(_bold(summary, ["Tổng giá trị (đồng)", "Số khoản", "Số hộ được hỗ trợ"]))
    summary.append([_money(summary, totals.value_vnd), totals.entries, totals.households])
    _table(summary, "Theo nguồn", totals.by_source)
    _table(summary, "Theo hình thức", totals.by_kind)
    _table(summary, "Theo năm", totals.by_year)
    _table(summary, f"Theo địa bàn{' thuộc ' + totals.unit_base.name if totals.unit_base else ''}", totals.by_unit)

    detail = workbook.create_sheet("Chi tiết")
    for letter, width in zip("ABCDEFGHIJKLM", (6, 11, 34, 16, 30, 14, 12, 30, 26, 16, 40, 10, 14)):
        detail.column_dimensions[letter].width = width
    detail.freeze_panes = "A2"
    detail.append(_bold(detail, DETAIL_COLUMNS))
    for number, entry in enumerate(entries, start=1):
        date = WriteOnlyCell(detail, value=entry.date)
        date.number_format = "DD/MM/YYYY"
        detail.append([
            number, date, str(entry.get_source_display()), str(entry.get_kind_display()),
            entry.giver.name if entry.giver_id else "", str(entry.get_recipient_kind_display()),
            entry.household.code if entry.household_id and entry.household_shown else "", entry.initiative.name if entry.initiative_id else "",
            entry.unit.name, _money(detail, entry.value_vnd), entry.description,
            entry.loan_term_months or "", str(entry.get_loan_status_display()) if entry.loan_status else ""])
    return workbook_bytes(workbook)


def ledger_export(*, actor, filters: selectors.LedgerFilters, source: str = "web") -> tuple[bytes, int]:
    """The reader's filtered totals and entries as .xlsx, and how many entries; audited."""
    totals = selectors.ledger_totals(actor, filters)
    entries = list(selectors.entry_list(actor, filters).select_related("unit"))
    content = build_workbook(totals, entries)
    audit_record(actor=actor, action=AuditAction.EXPORT, source=source, object_repr="Sổ nguồn lực",
                 note=f"Xuất {len(entries)} khoản ra tệp .xlsx; lọc: {filters.describe()}"[:500])
    return content, len(entries)
