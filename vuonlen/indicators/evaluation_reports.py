"""The evaluation as tables: "Đánh giá kết quả" (a unit and its children) and "Đơn vị chậm
tiến độ" (every unit below a unit that is behind), each shown on screen and written to .xlsx
from the same lines, so the page and the file never disagree. The numbers are the engine's
(``evaluation.Evaluation``); this module only chooses the units and formats.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from vuonlen.core import spreadsheets, xlsx
from vuonlen.core.formats import format_date, format_number
from vuonlen.geo.models import AdministrativeUnit

from . import evaluation
from .models import Measure
from .selectors import children_in
from .tree import Tree
from .values import LEVEL_NAMES, show

STATUS_CLASSES = evaluation.STATUS_CSS  # the dashboard's colours, so a status looks the same everywhere
STATUS_FILLS = {evaluation.ACHIEVED: "C6EFCE", evaluation.ON_TRACK: "DDEBF7", evaluation.BEHIND: "FFC7CE"}
TARGET_KINDS = {"year": gettext_lazy("năm"), "phase": gettext_lazy("cuối giai đoạn"),
                "default": gettext_lazy("mặc định của kế hoạch"), "": ""}
# Excel number formats per measure (the reader's Excel shows its own decimal mark).
NUMBER_FORMATS = {Measure.PERCENT: '0.0"%"', Measure.POINTS_A_YEAR: '0.0', Measure.COUNT: "#,##0",
                  Measure.VND: "#,##0"}


def decimals_of(measure: str) -> int:
    return 1 if measure in (Measure.PERCENT, Measure.POINTS_A_YEAR) else 0


@dataclass
class Line:
    """One unit and indicator at the cut-off, with everything the page and the file print."""

    unit: AdministrativeUnit
    row: evaluation.Row

    @property
    def indicator(self):
        return self.row.indicator

    @property
    def measure(self) -> str:
        return self.row.indicator.measure

    def _show(self, value) -> str:
        return show(self.measure, value, decimals_of(self.measure)) if value is not None else "–"

    @property
    def actual_text(self) -> str:
        return self._show(self.row.actual)

    @property
    def fraction_text(self) -> str:
        row = self.row
        if row.numerator is None:
            return ""
        if self.measure == Measure.PERCENT:
            return f"{format_number(row.numerator)}/{format_number(row.denominator)}"
        return format_number(row.numerator)

    @property
    def target_text(self) -> str:
        return show(self.measure, self.row.target) if self.row.target is not None else "–"

    @property
    def target_kind(self) -> str:
        return str(TARGET_KINDS.get(self.row.target_kind, ""))

    @property
    def expected_text(self) -> str:
        return self._show(self.row.expected)

    @property
    def share_text(self) -> str:
        return f"{format_number(self.row.share, 1)}%" if self.row.share is not None else "–"

    @property
    def status(self) -> str:
        return self.row.status

    @property
    def status_label(self) -> str:
        return self.row.status_label

    @property
    def status_class(self) -> str:
        return STATUS_CLASSES[self.row.status]

    @property
    def level_name(self) -> str:
        return str(LEVEL_NAMES.get(self.unit.level, ""))

    @property
    def parent_name(self) -> str:
        return self.unit.parent.name if self.unit.parent_id else ""


def _units_in_order(ids: list[int]) -> dict[int, AdministrativeUnit]:
    return AdministrativeUnit.objects.select_related("parent").in_bulk(ids)


class EvaluationReport:
    """``unit`` and its children at ``cutoff`` with ``band``."""

    title = gettext_lazy("Đánh giá kết quả thực hiện chỉ tiêu")

    def __init__(self, unit: AdministrativeUnit, *, cutoff: dt.date, band: float):
        self.unit, self.cutoff, self.band = unit, cutoff, band
        self.engine = evaluation.Evaluation(cutoff=cutoff, band=band)

    def units(self) -> list[AdministrativeUnit]:
        return [self.unit, *children_in(self.unit, self.cutoff.year)]

    def lines(self) -> list[Line]:
        if not hasattr(self, "_lines"):
            units = self.units()
            by_id = {u.pk: u for u in units}
            rows = self.engine.rows([u.pk for u in units], levels={u.pk: u.level for u in units})
            self._lines = [Line(by_id[r.unit_id], r) for r in rows]
        return self._lines

    def groups(self) -> list[tuple[AdministrativeUnit, list[Line]]]:
        """The lines unit by unit, in the units' order (the page's table bodies)."""
        grouped: dict[int, list[Line]] = {}
        for line in self.lines():
            grouped.setdefault(line.unit.pk, []).append(line)
        return [(u, grouped[u.pk]) for u in self.units() if u.pk in grouped]

    def counts(self) -> dict[str, int]:
        found = {status: 0 for status in evaluation.STATUS_LABELS}
        for line in self.lines():
            found[line.status] += 1
        return found

    def describe(self) -> str:
        return _("%(unit)s · mốc đánh giá %(date)s · biên độ %(band)s%%") % {
            "unit": self.unit.name, "date": format_date(self.cutoff),
            "band": format_number(Decimal(str(self.band * 100)).normalize(), _band_decimals(self.band))}

    # --- the file --------------------------------------------------------------------------------
    columns = [gettext_lazy("Đơn vị"), gettext_lazy("Cấp"), gettext_lazy("Mã chỉ tiêu"), gettext_lazy("Chỉ tiêu"),
               gettext_lazy("Thực hiện"), gettext_lazy("Tử số"), gettext_lazy("Mẫu số"), gettext_lazy("Chỉ tiêu giao"),
               gettext_lazy("Loại chỉ tiêu"), gettext_lazy("Theo lộ trình"), gettext_lazy("% so với chỉ tiêu"),
               gettext_lazy("Tình trạng"), gettext_lazy("Ghi chú")]

    def xlsx_lines(self) -> list[Line]:
        return self.lines()

    def xlsx(self) -> bytes:
        workbook = xlsx.new_workbook()
        sheet = workbook.active
        sheet.title = _("Đánh giá")
        sheet.append([str(self.title)])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([self.describe()])
        sheet.append([])
        sheet.append([str(c) for c in self.columns])
        spreadsheets.bold_row(sheet, sheet.max_row)
        header = sheet.max_row
        for line in self.xlsx_lines():
            row = line.row
            measure = line.measure
            sheet.append([line.unit.name, line.level_name, line.indicator.code, line.indicator.short_name,
                          _round(row.actual), row.numerator, row.denominator if measure == Measure.PERCENT else None,
                          _round(row.target), line.target_kind, _round(row.expected),
                          _round(row.share, 1), line.status_label, row.base_note or None])
            at = sheet.max_row
            for column in (5, 8, 10):
                sheet.cell(at, column).number_format = NUMBER_FORMATS.get(measure, "General")
            for column in (6, 7):
                sheet.cell(at, column).number_format = "#,##0"
            sheet.cell(at, 11).number_format = '0.0"%"'
            fill = STATUS_FILLS.get(row.status)
            if fill:
                sheet.cell(at, 12).fill = PatternFill("solid", fgColor=fill)
        for index, width in enumerate([30, 8, 14, 36, 12, 10, 10, 12, 18, 12, 14, 20, 40], start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = sheet.cell(header + 1, 1)
        return spreadsheets.workbook_bytes(workbook)


def _round(value, digits: int = 2):
    return round(value, digits) if isinstance(value, float) else value


def _band_decimals(band: float) -> int:
    return 0 if float(band * 100).is_integer() else 1


class BehindReport(EvaluationReport):
    """Every unit below ``unit`` (down to ``max_level``) whose status is behind, worst first."""

    title = gettext_lazy("Đơn vị chậm tiến độ")
    columns = [gettext_lazy("Đơn vị"), gettext_lazy("Cấp"), gettext_lazy("Thuộc"), gettext_lazy("Mã chỉ tiêu"),
               gettext_lazy("Chỉ tiêu"), gettext_lazy("Thực hiện"), gettext_lazy("Chỉ tiêu giao"),
               gettext_lazy("Loại chỉ tiêu"), gettext_lazy("Theo lộ trình"), gettext_lazy("% so với chỉ tiêu"),
               gettext_lazy("Tình trạng")]

    def __init__(self, unit: AdministrativeUnit, *, cutoff: dt.date, band: float, level: int | None = None):
        super().__init__(unit, cutoff=cutoff, band=band)
        self.level = level

    def units(self) -> list[AdministrativeUnit]:
        tree = Tree.load()
        day = dt.date(self.cutoff.year, 1, 1)
        ids = [u for u in tree.descendants(self.unit.pk)
               if (self.level is None or tree.level[u] == self.level)
               and (tree.valid_from[u] is None or tree.valid_from[u] <= day)
               and (tree.valid_to[u] is None or tree.valid_to[u] >= day)]
        by_id = _units_in_order(ids)
        return sorted(by_id.values(), key=lambda u: (u.level, u.path))

    def lines(self) -> list[Line]:
        if not hasattr(self, "_lines"):
            units = self.units()
            by_id = {u.pk: u for u in units}
            rows = self.engine.rows([u.pk for u in units], levels={u.pk: u.level for u in units})
            self._lines = [Line(by_id[r.unit_id], r) for r in evaluation.behind(rows)]
        return self._lines

    def xlsx(self) -> bytes:
        workbook = xlsx.new_workbook()
        sheet = workbook.active
        sheet.title = _("Chậm tiến độ")
        sheet.append([_("%(title)s: các đơn vị thuộc %(unit)s") % {"title": self.title, "unit": self.unit.name}])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([self.describe()])
        sheet.append([])
        sheet.append([str(c) for c in self.columns])
        spreadsheets.bold_row(sheet, sheet.max_row)
        header = sheet.max_row
        for line in self.lines():
            row = line.row
            sheet.append([line.unit.name, line.level_name, line.parent_name, line.indicator.code,
                          line.indicator.short_name, _round(row.actual), _round(row.target), line.target_kind,
                          _round(row.expected), _round(row.share, 1), line.status_label])
            at = sheet.max_row
            for column in (6, 7, 9):
                sheet.cell(at, column).number_format = NUMBER_FORMATS.get(line.measure, "General")
            sheet.cell(at, 10).number_format = '0.0"%"'
        for index, width in enumerate([30, 8, 26, 14, 36, 12, 12, 18, 12, 14, 16], start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = sheet.cell(header + 1, 1)
        return spreadsheets.workbook_bytes(workbook)


__all__ = ["EvaluationReport", "BehindReport", "Line", "STATUS_CLASSES"]
