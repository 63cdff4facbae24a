"""The dashboard's tables and the households behind a number as .xlsx (the shared
administrative layout of ``documents.excel``), drawn from the same objects as the page so the
screen and the file never disagree."""

from __future__ import annotations

from collections.abc import Sequence

from vuonlen.campaign import selectors as campaign
from vuonlen.core.formats import format_date, format_number
from vuonlen.core.periods import today_vn
from vuonlen.geo.models import AdministrativeUnit

from ..models import Measure
from .formatting import WORST, record_date, rounded
from .viewmodel import Dashboard, Figure, HouseholdsBehind, meets_words

# --- the files ------------------------------------------------------------------------------

ALL_TABLES = "all"
TABLE_TITLES = {
    "cards": "Kết quả so với chỉ tiêu",
    "behind": "Đơn vị chậm tiến độ",
    "ranking": "Xếp hạng đơn vị",
    "trend": "Xu hướng qua các năm",
    "poverty": "Diễn biến hộ nghèo, cận nghèo DTTS",
    "coverage": "Người phụ trách hộ",
}
TABLES = tuple(TABLE_TITLES)
SHEET_NAMES = {"cards": "Chỉ tiêu", "behind": "Chậm tiến độ", "ranking": "Xếp hạng", "trend": "Xu hướng",
               "poverty": "Diễn biến nghèo", "coverage": "Người phụ trách", "households": "Danh sách hộ"}
ONE_DECIMAL = "#,##0.0"
SIGNATURES = ("NGƯỜI LẬP BIỂU\n(Ký, ghi rõ họ tên)", "TM. BAN CHỈ ĐẠO")


def _sheet(workbook, unit: AdministrativeUnit, key: str, title: str, columns, subtitle: Sequence[str]):
    from vuonlen.documents.excel import AdministrativeSheet
    from vuonlen.households.official_tables import short_place

    return AdministrativeSheet(workbook.create_sheet(SHEET_NAMES[key]), columns=columns, title=title.upper(),
                               issuer_parent="BAN CHỈ ĐẠO CUỘC VẬN ĐỘNG", issuer=unit.name,
                               subtitle=list(subtitle), place=short_place(unit), date=today_vn())


def _one_decimal(sheet, keys: Sequence[str], first_row: int) -> None:
    """Rates with one decimal, as the page prints them (the shared layout gives two)."""
    for index, column in enumerate(sheet.columns, start=1):
        if column.key in keys:
            for row in range(first_row, sheet.row):
                cell = sheet.sheet.cell(row=row, column=index)
                if isinstance(cell.value, (int, float)):
                    cell.number_format = ONE_DECIMAL


def _period_line(board: Dashboard) -> str:
    return f"{board.unit.name} — năm {board.period.year}, số liệu đến ngày {format_date(board.period.cutoff)}"


def _figure_cells(figure: Figure) -> list:
    ratio = figure.has_ratio
    return [figure.row.numerator if ratio or figure.indicator.measure != Measure.PERCENT else None,
            figure.row.denominator if ratio else None, figure.value_cell, figure.target_cell,
            figure.target_kind_label if figure.row.target is not None else "", figure.share_cell,
            figure.status_label]


def _figure_columns():
    from vuonlen.documents.excel import Column

    return [Column("numerator", "Tử số", "1", "count", 11), Column("denominator", "Mẫu số", "2", "count", 11),
            Column("actual", "Kết quả", "3", "rate", 10), Column("target", "Chỉ tiêu", "4", "rate", 10),
            Column("target_kind", "Loại chỉ tiêu", "5", "text", 16),
            Column("share", "% chỉ tiêu đạt được", "6", "rate", 11), Column("status", "Đánh giá", "7", "text", 15)]


RATE_KEYS = ("actual", "target", "share", "rate", "change", "percent")


def _write_cards(workbook, board: Dashboard) -> None:
    from vuonlen.documents.excel import Column

    columns = [Column("number", "TT", "A", "text", 5), Column("name", "Chỉ tiêu", "B", "text", 42),
               *_figure_columns()]
    sheet = _sheet(workbook, board.unit, "cards", TABLE_TITLES["cards"], columns,
                   [_period_line(board), f"Đánh giá tiến độ: lệch không quá {format_number(100 * board.band, 0)}% "
                                         "so với mức cần đạt tại ngày số liệu là đúng tiến độ"])
    first = sheet.row
    sheet.add_block([[str(i), f.indicator.name, *_figure_cells(f)] for i, f in enumerate(board.cards, start=1)])
    _one_decimal(sheet, RATE_KEYS, first)
    sheet.finish(notes=["Tỷ lệ = tổng tử số / tổng mẫu số của các đơn vị trực thuộc (không lấy bình quân các tỷ lệ)."],
                 signatures=SIGNATURES)


def _write_ranking(workbook, board: Dashboard) -> None:
    from vuonlen.documents.excel import Column

    if board.ranking_indicator is None:
        return
    columns = [Column("rank", "Hạng", "A", "text", 6), Column("name", board.children_label or "Đơn vị", "B", "text", 30),
               *_figure_columns()]
    order = "từ thấp đến cao" if board.order == WORST else "từ cao đến thấp"
    sheet = _sheet(workbook, board.unit, "ranking", TABLE_TITLES["ranking"], columns,
                   [_period_line(board), f"Chỉ tiêu: {board.ranking_indicator.name}",
                    f"Xếp theo % chỉ tiêu đạt được, {order}"])
    first = sheet.row
    sheet.add_block([["" if r.rank is None else str(r.rank), r.figure.unit_name, *_figure_cells(r.figure)]
                     for r in board.ranking] or [["", "Không có đơn vị", *[None] * 7]])
    _one_decimal(sheet, RATE_KEYS, first)
    sheet.finish(signatures=SIGNATURES)


def _write_behind(workbook, board: Dashboard) -> None:
    from vuonlen.documents.excel import Column

    columns = [Column("number", "TT", "A", "text", 5), Column("unit", "Đơn vị", "B", "text", 26),
               Column("indicator", "Chỉ tiêu", "C", "text", 34), Column("actual", "Kết quả", "1", "rate", 10),
               Column("expected", "Mức cần đạt tại ngày số liệu", "2", "rate", 13),
               Column("target", "Chỉ tiêu", "3", "rate", 10),
               Column("share", "% chỉ tiêu đạt được", "4", "rate", 11)]
    sheet = _sheet(workbook, board.unit, "behind", TABLE_TITLES["behind"], columns, [_period_line(board)])
    first = sheet.row
    rows = [[str(i), f.unit_name, f.indicator.short_name, f.value_cell,
             rounded(f.indicator.measure, f.row.expected), f.target_cell, f.share_cell]
            for i, f in enumerate(board.behind, start=1)]
    sheet.add_block(rows or [["", "Không có đơn vị chậm tiến độ", "", None, None, None, None]])
    _one_decimal(sheet, RATE_KEYS, first)
    sheet.finish(signatures=SIGNATURES)


def _write_trend(workbook, board: Dashboard) -> None:
    from vuonlen.documents.excel import Column

    columns = [Column("number", "TT", "A", "text", 5), Column("name", "Chỉ tiêu", "B", "text", 40),
               *[Column(f"y{year}", f"Năm {year}", str(i), "rate", 10)
                 for i, year in enumerate(board.trend_years, start=1)]]
    sheet = _sheet(workbook, board.unit, "trend", TABLE_TITLES["trend"], columns, [_period_line(board)])
    first = sheet.row
    sheet.add_block([[str(i), f"{line.indicator.short_name} ({line.indicator.get_measure_display()})", *line.cells]
                     for i, line in enumerate(board.trend, start=1)])
    for index, line in enumerate(board.trend):
        decimals = line.indicator.measure in (Measure.PERCENT, Measure.POINTS_A_YEAR)
        for column in range(3, 3 + len(board.trend_years)):
            cell = sheet.sheet.cell(row=first + index, column=column)
            if isinstance(cell.value, (int, float)):
                cell.number_format = ONE_DECIMAL if decimals else "#,##0"
    sheet.finish(signatures=SIGNATURES)


def _write_poverty(workbook, board: Dashboard) -> None:
    from vuonlen.documents.excel import Column

    columns = [Column("year", "Năm", "A", "text", 8), Column("poor", "Hộ nghèo DTTS", "1", "count", 12),
               Column("near", "Hộ cận nghèo DTTS", "2", "count", 12),
               Column("total", "Cộng hộ nghèo, cận nghèo", "3=1+2", "count", 13),
               Column("base", "Tổng số hộ DTTS (dân số nền)", "4", "count", 14),
               Column("rate", "Tỷ lệ hộ nghèo, cận nghèo (%)", "5=3/4*100", "rate", 13),
               Column("change", "Tăng (+), giảm (−) so với năm trước (điểm %)", "6", "rate", 16)]
    sheet = _sheet(workbook, board.unit, "poverty", TABLE_TITLES["poverty"], columns,
                   [f"{board.unit.name}, năm {board.trend_years[0]}–{board.trend_years[-1]}"])
    first = sheet.row
    sheet.add_block([[str(p.year), p.poor, p.near_poor, p.total, p.em_households, rounded(Measure.PERCENT, p.rate),
                      p.change] for p in board.poverty])
    _one_decimal(sheet, RATE_KEYS, first)
    sheet.finish(notes=["Theo kết quả rà soát hằng năm (bản hiện hành) của hộ đồng bào dân tộc thiểu số."],
                 signatures=SIGNATURES)


def _write_coverage(workbook, board: Dashboard) -> None:
    from vuonlen.documents.excel import Column

    c = board.coverage
    columns = [Column("number", "TT", "A", "text", 5), Column("name", "Nội dung", "B", "text", 48),
               Column("count", "Số hộ", "1", "count", 12), Column("percent", "Tỷ lệ (%)", "2", "rate", 11)]
    sheet = _sheet(workbook, board.unit, "coverage", TABLE_TITLES["coverage"], columns,
                   [f"{board.unit.name}, ngày {format_date(c.on)}"])
    first = sheet.row
    sheet.add_block([
        ["1", "Hộ nghèo, cận nghèo DTTS đang theo dõi", c.households, None],
        ["2", "Có người phụ trách", c.with_mentor, rounded(Measure.PERCENT, c.mentor_percent)],
        ["3", f"Được thăm trong {campaign.RECENT_DAYS} ngày qua", c.visited_recent,
         rounded(Measure.PERCENT, c.visited_percent)],
        ["4", f"Số lần thăm trong {campaign.RECENT_DAYS} ngày qua", c.visits_recent, None],
    ])
    _one_decimal(sheet, RATE_KEYS, first)
    sheet.finish(signatures=SIGNATURES)


_WRITERS = {"cards": _write_cards, "behind": _write_behind, "ranking": _write_ranking, "trend": _write_trend,
            "poverty": _write_poverty, "coverage": _write_coverage}


def dashboard_workbook(board: Dashboard, table: str = ALL_TABLES):
    """The dashboard's tables as sheets (one, or all of them)."""
    from vuonlen.documents.excel import new_workbook

    workbook = new_workbook()
    for key in (TABLES if table == ALL_TABLES else (table,)):
        if key in ("behind", "ranking") and not board.children_label:
            continue
        _WRITERS[key](workbook, board)
    if not workbook.sheetnames:
        workbook.create_sheet("Trống")
    return workbook


def households_workbook(behind: HouseholdsBehind, meets: str):
    """The list as the page shows it (no ID numbers, no phone), every row, one sheet."""
    from vuonlen.documents.excel import Column, new_workbook
    from vuonlen.households.templatetags.households import status_label

    workbook = new_workbook()
    columns = [Column("number", "STT", "A", "text", 6), Column("head", "Chủ hộ", "B", "text", 26),
               Column("code", "Mã hộ", "C", "text", 14), Column("village", "Thôn", "D", "text", 20),
               Column("commune", "Xã", "E", "text", 22),
               Column("status", f"Tình trạng năm {behind.period.year}", "F", "text", 14),
               Column("meets", behind.meets_label, "G", "text", 18),
               Column("date", behind.record_label, "H", "text", 12)]
    sheet = _sheet(workbook, behind.unit, "households", "Danh sách hộ theo chỉ tiêu", columns, [
        f"Chỉ tiêu: {behind.indicator.name}",
        f"{behind.unit.name} — năm {behind.period.year}, số liệu đến ngày {format_date(behind.period.cutoff)}; "
        f"{meets_words(behind, meets)}"])
    rows = []
    for index, record in enumerate(behind.records.iterator(chunk_size=2000), start=1):
        household = record.household
        rows.append([str(index), household.head_name, household.code,
                     household.unit.name if household.unit_id != household.commune_id else "",
                     household.commune.name, status_label(record.year_status) if record.year_status else "",
                     ("Đạt" if record.meets else "Chưa đạt") if behind.split else "Có", record_date(record)])
    sheet.add_block(rows or [["", "Không có hộ", "", "", "", "", "", ""]])
    sheet.finish(signatures=SIGNATURES)
    return workbook
