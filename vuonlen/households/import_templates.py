"""The blank spreadsheets an officer downloads, fills in and imports.

Each template has the data sheet first (the importer reads the first sheet with a header),
then a guide: how to fill it in, the values each column takes, and the communes and villages
in the person's scope with their codes. Drop-downs point at those lists; they only warn on
other text, since the importer also reads the common ways of writing a value ("con trai",
"cấp 2", "Xê Đăng").
"""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from vuonlen.accounts import roles, scoping
from vuonlen.core import xlsx
from vuonlen.core.spreadsheets import workbook_bytes
from vuonlen.geo.models import AdministrativeUnit, Era, Level

from . import ethnicity
from .imports import HOUSEHOLD_TEMPLATE_COLUMNS, H, R, review_columns_for
from .models import Area, EducationLevel, Relation, SchoolStatus, Sex

HEADER_ROW = 3
DATA_ROWS = 5_000  # rows the drop-downs cover; more rows still import, without the drop-down
_HOUSEHOLD_FILL = PatternFill("solid", fgColor="DDEBF7")
_PERSON_FILL = PatternFill("solid", fgColor="E2EFDA")
_REVIEW_FILL = PatternFill("solid", fgColor="FFF2CC")
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TEXT = "@"
_DATE = "DD/MM/YYYY"

_WIDTHS = {
    H.COMMUNE: 9, H.VILLAGE: 18, H.CODE: 10, H.AREA: 12, H.PHONE: 13, H.ADDRESS: 24, H.NOTES: 18,
    H.NAME: 26, H.SEX: 9, H.BIRTH: 13, H.RELATION: 16, H.ETHNICITY: 12, H.CITIZEN_ID: 15, H.INSURANCE: 9,
    H.SCHOOL: 18, H.EDUCATION: 20, H.OCCUPATION: 18,
}
_HOUSEHOLD_SIDE = {H.COMMUNE, H.VILLAGE, H.CODE, H.AREA, H.PHONE, H.ADDRESS, H.NOTES}


def units_for_template(user, era: str = Era.PRE_2025) -> list[AdministrativeUnit]:
    """Communes (then their villages) where the person may add households, in one query."""
    units = (scoping.visible_units(user, roles.HOUSEHOLD_EDIT)
             .filter(era=era, level__in=(Level.COMMUNE, Level.VILLAGE))
             .select_related("parent").order_by("path"))
    return list(units)


def _header(sheet, columns: Iterable[str], fills: dict[str, PatternFill]) -> None:
    for index, name in enumerate(columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = _BORDER
        if name in fills:
            cell.fill = fills[name]
    sheet.row_dimensions[HEADER_ROW].height = 32
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)


def _title(sheet, text: str, hint: str, width: int) -> None:
    sheet["A1"] = text
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A2"] = hint
    sheet["A2"].font = Font(italic=True, color="555555")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)


def _list_validation(sheet, column: int, formula: str, prompt: str) -> None:
    validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                                errorStyle="warning", error="Giá trị không có trong danh mục; vẫn có thể giữ nếu đúng.",
                                errorTitle="Kiểm tra lại", promptTitle="Gợi ý", prompt=prompt[:250],
                                showInputMessage=True)
    letter = get_column_letter(column)
    validation.add(f"{letter}{HEADER_ROW + 1}:{letter}{HEADER_ROW + DATA_ROWS}")
    sheet.add_data_validation(validation)


def _catalogue(workbook, lists: list[tuple[str, list[str]]]) -> dict[str, str]:
    """A sheet of allowed values, one list per column; returns each list's range for drop-downs."""
    sheet = workbook.create_sheet("Danh mục")
    ranges = {}
    for index, (title, values) in enumerate(lists, start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=title).font = Font(bold=True)
        for offset, value in enumerate(values, start=2):
            sheet.cell(row=offset, column=index, value=value)
        sheet.column_dimensions[letter].width = max(14, min(40, max(len(v) for v in values) + 2))
        ranges[title] = f"='Danh mục'!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _units_sheet(workbook, units: list[AdministrativeUnit]) -> str | None:
    sheet = workbook.create_sheet("Xã, thôn")
    sheet.append(["Mã xã", "Tên xã", "Huyện", "Thôn (ghi tên hoặc mã vào cột “Thôn”)", "Mã thôn"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    communes = [u for u in units if u.level == Level.COMMUNE]
    villages: dict[int, list[AdministrativeUnit]] = {}
    for unit in units:
        if unit.level == Level.VILLAGE:
            villages.setdefault(unit.parent_id, []).append(unit)
    for commune in communes:
        district = commune.parent.name if commune.parent_id and commune.parent.level == Level.DISTRICT else ""
        sheet.append([commune.code, commune.name, district, "", ""])
        for village in sorted(villages.get(commune.pk, []), key=lambda v: v.name_sort):
            sheet.append([commune.code, commune.name, district, village.name, village.code])
    for letter, width in zip("ABCDE", (9, 30, 26, 36, 12)):
        sheet.column_dimensions[letter].width = width
    if not communes:
        sheet.append(["Bạn chưa được phân công xã nào có quyền nhập hộ."])
        return None
    # A drop-down lists each commune code once: the commune rows are not contiguous, so the
    # codes are repeated in a hidden column.
    for offset, commune in enumerate(communes, start=2):
        sheet.cell(row=offset, column=7, value=commune.code)
    sheet.column_dimensions["G"].hidden = True
    return f"='Xã, thôn'!$G$2:$G${len(communes) + 1}"


def _guide(workbook, title: str, lines: list[str], example_header: list[str] | None = None,
           examples: list[list] | None = None) -> None:
    sheet = workbook.create_sheet("Hướng dẫn", 1)
    sheet.column_dimensions["A"].width = 120
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    for line in lines:
        sheet.append([line])
        sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    if example_header:
        sheet.append([])
        sheet.append(["Ví dụ (một hộ ba người):"])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.append(example_header)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in examples or []:
            sheet.append(row)
        for index in range(2, len(example_header) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 14


def household_template_xlsx(user, era: str = Era.PRE_2025) -> bytes:
    """The households-with-members template: one row per person (see ``imports``)."""
    workbook = xlsx.new_workbook()
    sheet = workbook.active
    sheet.title = "Hộ và nhân khẩu"
    columns = list(HOUSEHOLD_TEMPLATE_COLUMNS)
    _title(sheet, "DANH SÁCH HỘ GIA ĐÌNH VÀ NHÂN KHẨU",
           "Mỗi dòng một người; các dòng của một hộ liền nhau. Cột xanh dương là của hộ: ghi ở dòng đầu "
           "của hộ (các dòng sau để trống hoặc ghi giống hệt). Cột xanh lá là của từng người. "
           "Xem trang “Hướng dẫn”.", len(columns))
    fills = {c: (_HOUSEHOLD_FILL if c in _HOUSEHOLD_SIDE else _PERSON_FILL) for c in columns}
    _header(sheet, columns, fills)
    for index, name in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _WIDTHS.get(name, 14)
        if name in (H.COMMUNE, H.CODE, H.CITIZEN_ID, H.PHONE, H.BIRTH):
            # Text cells keep leading zeros of codes, ID numbers and phone numbers, and keep a birth
            # date or a bare year as typed (a date-formatted cell turns 1985 into 07/06/1905).
            for row in range(HEADER_ROW + 1, HEADER_ROW + 201):
                sheet.cell(row=row, column=index).number_format = _TEXT

    lists = [
        ("Giới tính", [str(label) for _, label in Sex.choices]),
        ("Quan hệ với chủ hộ", [str(label) for _, label in Relation.choices]),
        ("Dân tộc", [name for _, name in ethnicity.choices()]),
        ("Thẻ BHYT", ["Có", "Không"]),
        ("Tình trạng đi học", [str(label) for _, label in SchoolStatus.choices]),
        ("Trình độ học vấn", [str(label) for _, label in EducationLevel.choices]),
        ("Khu vực", [str(label) for _, label in Area.choices]),
    ]
    _guide(workbook, "CÁCH ĐIỀN DANH SÁCH HỘ VÀ NHÂN KHẨU", [
        "1. Mỗi dòng là một người. Các dòng của cùng một hộ phải liền nhau; mỗi hộ có đúng một người "
        "có quan hệ “Chủ hộ” (nên để chủ hộ ở dòng đầu).",
        "2. Cột “Mã hộ”: ghi ở dòng đầu của hộ; các dòng sau ghi lại mã hộ hoặc để trống (cũng có thể "
        "gộp ô). Mã hộ không trùng trong một xã và không có dấu cách.",
        "3. Các cột của hộ (Mã xã, Thôn, Khu vực, Điện thoại, Địa chỉ, Ghi chú) chỉ cần ghi ở dòng đầu "
        "của hộ; nếu ghi lại ở dòng sau thì phải giống hệt. Dân tộc của hộ là dân tộc của chủ hộ.",
        "4. “Mã xã”: mã 5 chữ số của xã (xem trang “Xã, thôn”). “Thôn”: tên hoặc mã thôn, để trống "
        "nếu chưa rõ thôn. “Khu vực”: để trống thì lấy theo loại đơn vị (phường, thị trấn, tổ dân phố "
        "là thành thị).",
        "5. “Ngày sinh”: ngày (07/06/1985) hoặc chỉ năm sinh (1985); ô để dạng chữ nên giữ đúng như "
        "đã gõ. “Số định danh cá nhân”: 12 chữ số (số căn cước), có thể để trống. “Dân tộc” của người trong hộ để trống thì lấy theo chủ hộ.",
        "6. Giá trị của các cột chọn (giới tính, quan hệ, dân tộc, thẻ BHYT, đi học, học vấn) xem trang "
        "“Danh mục”; có dấu hay không dấu, chữ hoa hay thường đều được.",
        "7. Khi nhập, cả tệp được kiểm tra trước: nếu có lỗi ở bất kỳ dòng nào thì chưa ghi gì, và mọi "
        "lỗi được liệt kê (dòng, cột, lý do) kèm tệp báo lỗi. Nhập lại cùng một tệp không tạo hộ trùng: "
        "hộ đã có với thông tin giống hệt được bỏ qua; hộ đã có mà thông tin khác thì báo lỗi (sửa hộ "
        "đã có trên trang của hộ).",
    ], columns, [
        ["23281", "", "KT-001", "", "0912345678", "Tổ 3", "", "A Bình", "Nam", "07/06/1985", "Chủ hộ",
         "Xơ Đăng", "062085000123", "Có", "Đã thôi học", "Tiểu học", "Làm nông"],
        ["", "", "KT-001", "", "", "", "", "Y Hoa", "Nữ", "1988", "Vợ/chồng", "", "", "Có", "Đã thôi học",
         "Trung học cơ sở", "Làm nông"],
        ["", "", "", "", "", "", "", "A Dũng", "Nam", "2015", "Con", "", "", "Có", "Đang đi học", "Tiểu học", ""],
    ])
    ranges = _catalogue(workbook, lists)
    units_range = _units_sheet(workbook, units_for_template(user, era))
    position = {name: index for index, name in enumerate(columns, start=1)}
    for title, column in (("Giới tính", H.SEX), ("Quan hệ với chủ hộ", H.RELATION), ("Dân tộc", H.ETHNICITY),
                          ("Thẻ BHYT", H.INSURANCE), ("Tình trạng đi học", H.SCHOOL),
                          ("Trình độ học vấn", H.EDUCATION), ("Khu vực", H.AREA)):
        _list_validation(sheet, position[column], ranges[title], f"Chọn trong danh sách ({title.lower()})")
    if units_range:
        _list_validation(sheet, position[H.COMMUNE], units_range, "Mã xã trong phạm vi của bạn")
    return workbook_bytes(workbook)


def _prefill_households(user, era: str, limit: int) -> list[tuple[str, str, str]]:
    """(commune code, household code, head) of the active households the person may review."""
    from .selectors import households_visible_to

    return list(households_visible_to(user, roles.HOUSEHOLD_EDIT)
                .filter(ended_on__isnull=True, commune__era=era)
                .order_by("commune__code", "head_sort", "code")
                .values_list("commune__code", "code", "head_name")[:limit])


PREFILL_LIMIT = 20_000


def review_template_xlsx(user, year: int, era: str = Era.PRE_2025, *, prefill: bool = True) -> bytes:
    """The yearly-review template: one row per household, one column per indicator of the
    year's standard. Filled in with the person's active households (up to ``PREFILL_LIMIT``)."""
    from .year_standards import standard_for

    standard = standard_for(year)
    columns = review_columns_for(year)
    names = [c.name for c in columns]
    workbook = xlsx.new_workbook()
    sheet = workbook.active
    sheet.title = f"Rà soát {year}"
    _title(sheet, f"KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO NĂM {year}",
           f"Chuẩn nghèo: {standard.short_name_vi or standard.code}. Mỗi dòng một hộ. Ghi thu nhập bình quân "
           "(đồng/người/tháng) hoặc điểm A; đánh “x” vào chỉ số hộ thiếu hụt. Dòng chưa có số liệu được bỏ qua.",
           len(names))
    indicator_names = {i.name_vi for i in standard.indicators}
    fills = {n: (_REVIEW_FILL if n in indicator_names else _HOUSEHOLD_FILL) for n in names}
    _header(sheet, names, fills)
    sheet.row_dimensions[HEADER_ROW].height = 60
    position = {name: index for index, name in enumerate(names, start=1)}
    for name, index in position.items():
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 11 if name in indicator_names else {
            R.COMMUNE: 9, R.CODE: 10, R.HEAD: 24, R.INCOME: 16, R.SCORE_A: 8, R.KIND: 14, R.REVIEWED_ON: 12,
            R.DECISION_NUMBER: 16, R.DECISION_DATE: 12, R.FARMING: 14}.get(name, 14)
    rows = _prefill_households(user, era, PREFILL_LIMIT) if prefill else []
    for offset, (commune_code, code, head) in enumerate(rows, start=HEADER_ROW + 1):
        sheet.cell(row=offset, column=position[R.COMMUNE], value=commune_code).number_format = _TEXT
        sheet.cell(row=offset, column=position[R.CODE], value=code).number_format = _TEXT
        sheet.cell(row=offset, column=position[R.HEAD], value=head)
    last = HEADER_ROW + max(len(rows), 200)
    for row in range(HEADER_ROW + 1, last + 1):
        sheet.cell(row=row, column=position[R.INCOME]).number_format = "#,##0"
        for name in (R.REVIEWED_ON, R.DECISION_DATE):
            sheet.cell(row=row, column=position[name]).number_format = _DATE

    lists = [("Chỉ số thiếu hụt", ["x"]),
             ("Loại rà soát", ["Định kỳ", "Thường xuyên"]),
             ("Có/không", ["Có", "Không"])]
    ranges = _catalogue(workbook, lists)
    catalogue = workbook["Danh mục"]
    catalogue.cell(row=1, column=4, value="Mã chỉ số").font = Font(bold=True)
    catalogue.cell(row=1, column=5, value="Chỉ số (tên cột)").font = Font(bold=True)
    catalogue.cell(row=1, column=6, value="Thiếu hụt khi").font = Font(bold=True)
    for offset, indicator in enumerate(standard.indicators, start=2):
        catalogue.cell(row=offset, column=4, value=indicator.code)
        catalogue.cell(row=offset, column=5, value=indicator.name_vi)
        catalogue.cell(row=offset, column=6, value=indicator.threshold_vi)
    catalogue.column_dimensions["E"].width = 40
    catalogue.column_dimensions["F"].width = 100
    for indicator in standard.indicators:
        _list_validation(sheet, position[indicator.name_vi], ranges["Chỉ số thiếu hụt"],
                         "Đánh “x” nếu hộ thiếu hụt chỉ số này")
    _list_validation(sheet, position[R.KIND], ranges["Loại rà soát"], "Định kỳ (01/9–14/12) hoặc thường xuyên")
    _list_validation(sheet, position[R.FARMING], ranges["Có/không"],
                     "Có nếu hộ sống bằng nông, lâm, ngư, diêm nghiệp; để trống nếu chưa rõ")
    _guide(workbook, f"CÁCH ĐIỀN KẾT QUẢ RÀ SOÁT NĂM {year}", [
        f"Chuẩn nghèo áp dụng năm {year}: {standard.title_vi}. Căn cứ: {standard.legal_reference}.",
        "1. Mỗi dòng một hộ, nhận ra bằng “Mã xã” và “Mã hộ” (như trong sổ). Cột “Chủ hộ” chỉ để đối chiếu, "
        "không được đọc khi nhập.",
        "2. Ghi “Thu nhập bình quân (đồng/người/tháng)”, ví dụ 1.450.000, hoặc “Điểm A” theo phiếu rà soát; "
        "không ghi cả hai.",
        "3. Đánh “x” (hoặc “có”) vào cột của mỗi chỉ số hộ thiếu hụt; để trống nếu không thiếu hụt. Ý nghĩa "
        "từng chỉ số xem trang “Danh mục”.",
        "4. “Loại rà soát”: định kỳ (ngày rà soát từ 01/9 đến 14/12) hoặc thường xuyên; để trống là định kỳ. "
        "Ngày ghi dạng 07/11/2023.",
        "5. “Số quyết định” và “Ngày quyết định” công nhận: ghi cả hai thì kết quả được công nhận (từ đó không "
        "sửa được, chỉ đính chính); để trống cả hai nếu chưa có quyết định.",
        "6. Kết quả (nghèo, cận nghèo, …) do phần mềm tính theo chuẩn của năm; không cần ghi.",
        f"6a. “{R.FARMING}”: “Có” nếu hộ sống bằng nông nghiệp, lâm nghiệp, ngư nghiệp hoặc diêm nghiệp, "
        "“Không” nếu không, để trống nếu chưa rõ. Biểu 01 chỉ đếm các hộ “Có” trong số hộ có mức sống "
        "trung bình (Quyết định 24/2021/QĐ-TTg).",
        "7. Cả tệp được kiểm tra trước; có lỗi thì chưa ghi gì và mọi lỗi được liệt kê. Nhập lại cùng tệp "
        "không tạo kết quả trùng. Hộ đã có kết quả chưa công nhận của năm này thì kết quả mới thay thế; "
        "đã công nhận thì báo lỗi.",
    ])
    return workbook_bytes(workbook)
