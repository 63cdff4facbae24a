"""Plans and organisations' households in and out of .xlsx (core/xlsx.py, core/spreadsheets.py)."""

from __future__ import annotations

from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vuonlen.core import spreadsheets, xlsx
from vuonlen.core.spreadsheets import Column, FileRejected, RowError
from vuonlen.core.text import nfc

from . import services

CODE, MEMBER = "Mã hộ", "Hội viên"
MEMBER_COLUMNS = (Column.of(CODE, "ma so ho", prefixes=("ma ho",)),
                  Column.of(MEMBER, "doan vien", "hoi vien, doan vien", prefixes=("hoi vien",), required=False))


def plans_xlsx(plans) -> bytes:
    workbook = xlsx.new_workbook()
    sheet = workbook.active
    sheet.title = _("Kế hoạch giúp hộ")
    sheet.append([_("Năm"), _("Mã hộ"), _("Chủ hộ"), _("Thôn"), _("Xã"), _("Nguyên nhân nghèo"), _("Mục tiêu"),
                  _("Giải pháp"), _("Mô hình sản xuất"), _("Vốn vay (đồng)"), _("Tổ chức giúp đỡ"),
                  _("Người phụ trách"), _("Kết quả"), _("Lý do")])
    spreadsheets.bold_row(sheet, 1)
    for plan in plans.prefetch_related("causes"):
        household = plan.household
        sheet.append([plan.year, household.code, household.head_name, household.unit.name,
                      household.unit.parent.name if household.unit.parent_id else "",
                      "; ".join(c.name for c in plan.causes.all()), plan.get_goal_display(),
                      "; ".join(plan.solution_labels()), plan.production_model, plan.loan_vnd,
                      plan.support_organisation.name if plan.support_organisation else "",
                      (plan.mentor.full_name or plan.mentor.username) if plan.mentor else "",
                      plan.get_outcome_display(), plan.outcome_reason])
    return xlsx.workbook_bytes(workbook)


def organisations_xlsx(rows, year: int) -> bytes:
    workbook = xlsx.new_workbook()
    sheet = workbook.active
    sheet.title = _("Tổ chức đoàn thể")
    sheet.append([_("Tổ chức"), _("Địa bàn"), _("Hộ hội viên nghèo, cận nghèo"), _("Hộ nghèo"), _("Hộ cận nghèo"),
                  _("Hộ có kế hoạch năm %(y)s") % {"y": year}, _("Mục tiêu thoát nghèo"),
                  _("Kết quả báo cáo"), _("Thoát nghèo theo kế hoạch hộ")])
    spreadsheets.bold_row(sheet, 1)
    for row in rows:
        sheet.append([row.organisation.name, row.organisation.unit.name, row.listed, row.poor, row.near_poor,
                      row.with_plan, row.target if row.target is not None else "",
                      row.reported if row.reported is not None else "", row.achieved_by_plans])
    return xlsx.workbook_bytes(workbook)


def members_xlsx(links, plans: dict) -> bytes:
    workbook = xlsx.new_workbook()
    sheet = workbook.active
    sheet.title = _("Hộ hội viên")
    sheet.append([CODE, MEMBER, _("Chủ hộ"), _("Thôn"), _("Tình trạng"), _("Theo dõi từ năm"), _("Mục tiêu"),
                  _("Kết quả")])
    spreadsheets.bold_row(sheet, 1)
    for link in links:
        plan = plans.get(link.household_id)
        sheet.append([link.household.code, link.member_name, link.household.head_name, link.household.unit.name,
                      {"poor": _("Nghèo"), "near_poor": _("Cận nghèo")}.get(link.household.current_status,
                                                                           link.household.current_status),
                      link.since_year, plan.get_goal_display() if plan else "",
                      plan.get_outcome_display() if plan else ""])
    return xlsx.workbook_bytes(workbook)


def import_members(*, actor, organisation, file: BinaryIO | bytes, filename: str, since_year) -> tuple[int, list[RowError]]:
    """Read the list, then add it through ``services.org_households_add`` (all or nothing);
    each refusal is put back on the row and column of the code it names."""
    try:
        rows = spreadsheets.read_table(file, nfc(filename), columns=MEMBER_COLUMNS, max_rows=5_000)
        header_index, positions = spreadsheets.locate_header(rows, MEMBER_COLUMNS)
    except FileRejected as exc:
        return 0, [RowError(None, "", str(exc))]
    check = spreadsheets.RowChecker(positions)
    codes, names, row_of = [], {}, {}
    for number, row in check.data_rows(rows, header_index):
        code = spreadsheets.cell_text(check.cell(row, CODE))
        if not code:
            check.error(number, CODE, _("Thiếu mã hộ"))
            continue
        if code in row_of:
            check.error(number, CODE, _("Mã hộ %(code)s đã có ở dòng %(row)s") % {"code": code, "row": row_of[code]})
            continue
        row_of[code] = number
        codes.append(code)
        names[code] = spreadsheets.cell_text(check.cell(row, MEMBER))
    if not codes and not check.errors:
        return 0, [RowError(None, "", _("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề"))]
    if check.errors:
        return 0, check.errors
    try:
        made = services.org_households_add(actor=actor, organisation=organisation, codes=codes,
                                           since_year=since_year, member_names=names, source="import")
    except ValidationError as exc:
        errors = []
        for field, messages in exc.message_dict.items():
            for message in messages:
                code = next((c for c in codes if f" {c} " in f" {message} "), None)
                errors.append(RowError(row_of.get(code), CODE if code else field, message))
        return 0, sorted(errors, key=lambda e: e.row or 0)
    return len(made), []
