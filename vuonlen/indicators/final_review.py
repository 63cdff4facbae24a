"""The final review of a phase (tổng kết giai đoạn): every indicator of the phase, per unit,
against its target for the phase's last year — baseline, target, result, achieved or not, and
where each figure comes from. Shown on screen, written to ``.xlsx`` (``core.xlsx``) and ``.docx``
(``documents.word``, Decree 30/2020 layout) from the same lines, so the three never disagree.

Units: the chosen unit and the units directly below it. A unit that existed in the phase's last
year (Kon Tum province, its districts and communes for 2021–2025) is read on its own figures and
targets. A unit created later (the new Quảng Ngãi, code 51, and its 96 communes since
1 July 2025) reads its predecessors through lineage: the stored roll-ups of a new unit already
add the old units merged into it, and its target is the predecessors' targets combined the way
the figures combine (rates weighted by the households each counts, counts added) when every
predecessor had one, else the plan's target of the phase.

The baseline is the figure of the phase's base year (``selectors.phase_base``: the first year
under the phase's own poverty standard — 2021 for 2021–2025). The average fall (6% a year) is
worked out from the base year to the last year, both under the same standard.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from vuonlen.campaign.models import Phase
from vuonlen.core import spreadsheets, xlsx
from vuonlen.core.formats import format_date, format_number
from vuonlen.geo.models import AdministrativeUnit

from . import evaluation, selectors
from .models import Direction, Indicator, Measure, Source, Target
from .selectors import children_in, exists_in, latest_denominators
from .tree import Tree
from .values import LEVEL_NAMES, show

ACHIEVED, NOT_ACHIEVED, NO_DATA, NO_TARGET = "achieved", "not_achieved", "no_data", "no_target"
STATUS_LABELS = {
    ACHIEVED: gettext_lazy("Đạt"),
    NOT_ACHIEVED: gettext_lazy("Không đạt"),
    NO_DATA: gettext_lazy("Chưa có số liệu"),
    NO_TARGET: gettext_lazy("Chưa có chỉ tiêu"),
}
STATUS_CSS = {ACHIEVED: "text-bg-success", NOT_ACHIEVED: "text-bg-danger", NO_DATA: "text-bg-secondary",
              NO_TARGET: "text-bg-light border"}
STATUS_SIGNS = {ACHIEVED: "✓", NOT_ACHIEVED: "✗", NO_DATA: "?", NO_TARGET: "–"}
STATUS_FILLS = {ACHIEVED: "C6EFCE", NOT_ACHIEVED: "FFC7CE"}
NUMBER_FORMATS = {Measure.PERCENT: '0.0"%"', Measure.POINTS_A_YEAR: "0.00", Measure.COUNT: "#,##0",
                  Measure.VND: "#,##0"}


def _decimals(measure: str) -> int:
    return {Measure.PERCENT: 1, Measure.POINTS_A_YEAR: 2}.get(measure, 0)


def _show(measure: str, value: float | None) -> str:
    return show(measure, value, _decimals(measure)) if value is not None else "–"


@dataclass
class Line:
    unit: AdministrativeUnit
    indicator: Indicator
    baseline: float | None
    baseline_measure: str
    baseline_source: str
    target: float | None
    target_source: str
    result: float | None
    result_source: str
    status: str

    @property
    def baseline_text(self) -> str:
        return _show(self.baseline_measure, self.baseline)

    @property
    def target_text(self) -> str:
        return _show(self.indicator.measure, self.target)

    @property
    def result_text(self) -> str:
        return _show(self.indicator.measure, self.result)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def status_class(self) -> str:
        return STATUS_CSS[self.status]

    @property
    def status_sign(self) -> str:
        return STATUS_SIGNS[self.status]


def _met(result: float, target: float, direction: str) -> bool:
    eps = 1e-9
    return result <= target + eps if direction == Direction.DOWN else result >= target - eps


class FinalReview:
    """The final review of ``phase`` for ``unit`` and the units directly below it."""

    def __init__(self, unit: AdministrativeUnit, phase: Phase):
        self.unit, self.phase = unit, phase
        self.year = phase.end_year
        self.engine = evaluation.Evaluation(cutoff=dt.date(self.year, 12, 31),
                                            indicators=selectors.phase_indicators(phase))
        self.goals = selectors.goals_of(phase)
        self.base = self.engine.base
        self.tree = Tree.load()

    @property
    def title(self) -> str:
        return _("Tổng kết giai đoạn %(years)s") % {"years": f"{self.phase.start_year}–{self.phase.end_year}"}

    def is_new_era(self, unit: AdministrativeUnit) -> bool:
        """Created after the phase's last year began: reads its predecessors."""
        return not exists_in(unit, self.year)

    def units(self) -> list[AdministrativeUnit]:
        year = self.year if not self.is_new_era(self.unit) else max(self.year + 1, (self.unit.valid_from or
                                                                                    dt.date(self.year, 1, 1)).year)
        return [self.unit, *children_in(self.unit, year)]

    def predecessors(self, unit_id: int) -> list[int]:
        return list(self.tree.predecessors.get(unit_id, ()))

    def _names(self, ids) -> dict[int, str]:
        return dict(AdministrativeUnit.objects.filter(pk__in=list(ids)).values_list("pk", "name"))

    # --- the figures ---------------------------------------------------------------------------
    def lines(self) -> list[Line]:
        if hasattr(self, "_lines"):
            return self._lines
        units = self.units()
        unit_ids = [u.pk for u in units]
        old_ids = {u.pk: self.predecessors(u.pk) for u in units if self.is_new_era(u)}
        every_old = {pk for found in old_ids.values() for pk in found}
        names = self._names(every_old)
        years = {self.year}
        if self.base.year is not None:
            years.add(self.base.year)
        figures = self.engine.figures([*unit_ids, *every_old], years)
        targets = {(t.unit_id, t.indicator_id): t for t in Target.objects.filter(
            unit_id__in=[*unit_ids, *every_old], year=self.year)}
        labels = _source_labels()
        weights = self._weights(every_old)
        lines = []
        for unit in units:
            level = unit.level
            predecessors = old_ids.get(unit.pk)
            for indicator in self.engine.indicators:
                if indicator.levels and level not in indicator.levels:
                    continue
                lines.append(self._line(unit, indicator, figures, targets, labels, predecessors, names, weights))
        self._lines = lines
        return lines

    def _weights(self, old_ids) -> dict[tuple[int, int], tuple[int, int]]:
        """Households each predecessor counts in the last year (the weights of its rate targets)."""
        if not old_ids:
            return {}
        ids = [i.pk for i in self.engine.indicators] + [i.pk for i in self.engine._by_code.values()]
        return latest_denominators(set(ids), old_ids, self.year)

    def _rate(self, indicator: Indicator, figures, unit_id: int, year: int | None) -> float | None:
        if year is None:
            return None
        return self.engine._value(indicator, figures, unit_id, year, self.base.year)[0]

    def _line(self, unit, indicator, figures, targets, labels, predecessors, names, weights) -> Line:
        base_year, year = self.base.year, self.year
        merged = ""
        if predecessors:
            merged = _(" — gộp số liệu của các đơn vị cũ: %(names)s") % {
                "names": ", ".join(sorted(names.get(p, "") for p in predecessors))}
        standard = self.base.standard_title
        if indicator.is_derived:
            rate_indicator = self.engine._by_code.get(indicator.base_code)
            baseline = (evaluation.value_of(rate_indicator, figures.get((unit.pk, base_year, indicator.base_code)))
                        if rate_indicator and base_year else None)
            last = (evaluation.value_of(rate_indicator, figures.get((unit.pk, year, indicator.base_code)))
                    if rate_indicator else None)
            result = evaluation.annual_fall({base_year: baseline, year: last}, year, base_year)
            baseline_measure = Measure.PERCENT
            rate_name = rate_indicator.short_name if rate_indicator else indicator.base_code
            baseline_source = _("%(name)s năm gốc %(year)s (%(standard)s)") % {
                "name": rate_name, "year": base_year or "–", "standard": standard}
            if result is not None:
                result_source = _("(%(first)s − %(last)s) ÷ %(n)s năm, từ năm gốc %(base)s đến %(year)s") % {
                    "first": _show(Measure.PERCENT, baseline), "last": _show(Measure.PERCENT, last),
                    "n": year - base_year, "base": base_year, "year": year}
            else:
                result_source = _("Thiếu tỷ lệ năm gốc %(base)s hoặc năm %(year)s") % {"base": base_year or "–",
                                                                                     "year": year}
            result_source += merged
        else:
            baseline_measure = indicator.measure
            baseline = self._rate(indicator, figures, unit.pk, base_year)
            result = self._rate(indicator, figures, unit.pk, year)
            label = labels.get(indicator.code, "")
            standard_note = f" ({standard})" if indicator.formula.startswith("reviews:") else ""
            baseline_source = _("%(label)s, năm gốc %(year)s%(standard)s") % {
                "label": label, "year": base_year or "–", "standard": standard_note}
            result_source = _("%(label)s, năm %(year)s") % {"label": label, "year": year}
            cell = figures.get((unit.pk, year, indicator.code))
            if cell and indicator.measure == Measure.PERCENT:
                result_source += f" ({format_number(cell[0])}/{format_number(cell[1])})"
            result_source += merged
        target, target_source = self._target(unit, indicator, targets, predecessors, names, weights)
        if target is None:
            status = NO_TARGET
        elif result is None:
            status = NO_DATA
        else:
            status = ACHIEVED if _met(result, target, indicator.direction) else NOT_ACHIEVED
        return Line(unit=unit, indicator=indicator, baseline=baseline, baseline_measure=baseline_measure,
                    baseline_source=str(baseline_source), target=target, target_source=str(target_source),
                    result=result, result_source=str(result_source), status=status)

    def _target(self, unit, indicator, targets, predecessors, names, weights) -> tuple[float | None, str]:
        year = self.year
        own = targets.get((unit.pk, indicator.pk))
        if own is not None:
            kind = _("cuối giai đoạn") if own.phase_end else _("năm %(year)s") % {"year": year}
            text = _("Chỉ tiêu giao %(kind)s") % {"kind": kind}
            if own.document:
                text += _(" (văn bản %(doc)s)") % {"doc": own.document}
            return float(own.value), text
        if predecessors:
            found = [targets.get((p, indicator.pk)) for p in predecessors]
            if all(t is not None for t in found):
                values = [float(t.value) for t in found]
                listed = ", ".join(sorted(names.get(p, "") for p in predecessors))
                if indicator.measure in (Measure.COUNT, Measure.VND):
                    return sum(values), _("Cộng chỉ tiêu năm %(year)s của các đơn vị cũ: %(names)s") % {
                        "year": year, "names": listed}
                weight_id = self.engine._by_code[indicator.base_code].pk if (
                    indicator.is_derived and indicator.base_code in self.engine._by_code) else indicator.pk
                counted = [weights.get((weight_id, p), (0, 0))[0] for p in predecessors]
                if sum(counted):
                    combined = sum(v * w for v, w in zip(values, counted)) / sum(counted)
                    return combined, _("Chỉ tiêu năm %(year)s của các đơn vị cũ (%(names)s), bình quân theo số hộ "
                                       "của từng đơn vị") % {"year": year, "names": listed}
                return sum(values) / len(values), _("Chỉ tiêu năm %(year)s của các đơn vị cũ (%(names)s), bình "
                                                    "quân cộng (chưa có số hộ để tính theo trọng số)") % {
                    "year": year, "names": listed}
        planned = selectors.plan_target(indicator, self.phase, self.goals, self.engine.members)
        if planned is not None:
            return float(planned), _("Mục tiêu kế hoạch giai đoạn %(years)s") % {
                "years": f"{self.phase.start_year}–{self.phase.end_year}"}
        return None, ""

    # --- summaries ---------------------------------------------------------------------------
    def groups(self) -> list[tuple[AdministrativeUnit, list[Line]]]:
        grouped: dict[int, list[Line]] = {}
        for line in self.lines():
            grouped.setdefault(line.unit.pk, []).append(line)
        return [(u, grouped[u.pk]) for u in self.units() if u.pk in grouped]

    def counts(self, unit: AdministrativeUnit | None = None) -> dict[str, int]:
        found = {status: 0 for status in STATUS_LABELS}
        for line in self.lines():
            if unit is None or line.unit.pk == unit.pk:
                found[line.status] += 1
        return found

    def unit_note(self, unit: AdministrativeUnit) -> str:
        if not self.is_new_era(unit):
            return ""
        ids = self.predecessors(unit.pk)
        if not ids:
            return _("Đơn vị mới, chưa có đơn vị cũ nào được ghi nhận nhập vào")
        names = self._names(ids)
        return _("Đơn vị thành lập từ 01/7/2025; số liệu giai đoạn là của các đơn vị cũ nhập vào: %(names)s") % {
            "names": ", ".join(sorted(names.values()))}

    def describe(self) -> str:
        return _("%(unit)s · giai đoạn %(years)s · số liệu gốc năm %(base)s, kết quả năm %(year)s") % {
            "unit": self.unit.name, "years": f"{self.phase.start_year}–{self.phase.end_year}",
            "base": self.base.year or "–", "year": self.year}

    # --- the files -----------------------------------------------------------------------------
    def columns(self) -> list[str]:
        return [_("Đơn vị"), _("Cấp"), _("Mã chỉ tiêu"), _("Chỉ tiêu"),
                _("Số liệu gốc (năm %(year)s)") % {"year": self.base.year or "–"}, _("Nguồn số liệu gốc"),
                _("Chỉ tiêu năm %(year)s") % {"year": self.year}, _("Nguồn chỉ tiêu"),
                _("Kết quả năm %(year)s") % {"year": self.year}, _("Nguồn kết quả"), _("Đánh giá")]

    def xlsx(self) -> bytes:
        workbook = xlsx.new_workbook()
        sheet = workbook.active
        sheet.title = _("Tổng kết")
        sheet.append([f"{self.title}: {self.unit.name}"])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([self.describe()])
        sheet.append([str(self.base.describe())])
        sheet.append([])
        sheet.append(self.columns())
        spreadsheets.bold_row(sheet, sheet.max_row)
        header = sheet.max_row
        for line in self.lines():
            sheet.append([line.unit.name, str(LEVEL_NAMES.get(line.unit.level, "")), line.indicator.code,
                          line.indicator.short_name, _round(line.baseline), line.baseline_source,
                          _round(line.target), line.target_source, _round(line.result), line.result_source,
                          line.status_label])
            at = sheet.max_row
            sheet.cell(at, 5).number_format = NUMBER_FORMATS.get(line.baseline_measure, "General")
            for column in (7, 9):
                sheet.cell(at, column).number_format = NUMBER_FORMATS.get(line.indicator.measure, "General")
            for column in (6, 8, 10):
                sheet.cell(at, column).alignment = Alignment(wrap_text=True, vertical="top")
            fill = STATUS_FILLS.get(line.status)
            if fill:
                sheet.cell(at, 11).fill = PatternFill("solid", fgColor=fill)
        for index, width in enumerate([28, 8, 14, 34, 12, 36, 12, 36, 12, 40, 16], start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = sheet.cell(header + 1, 1)
        return spreadsheets.workbook_bytes(workbook)

    def docx(self, *, today: dt.date) -> bytes:
        from vuonlen.documents.word import AdministrativeDocument, bold

        years = f"{self.phase.start_year}–{self.phase.end_year}"
        doc = AdministrativeDocument(
            issuer_parent=_("BAN CHỈ ĐẠO CUỘC VẬN ĐỘNG"), issuer=self.unit.name.upper(), number="",
            place=self.unit.name, date=today, title=_("BÁO CÁO"),
            subtitle=_("Tổng kết thực hiện các chỉ tiêu của Cuộc vận động giai đoạn %(years)s") % {"years": years},
            party=True)
        doc.paragraph(_("Căn cứ kết quả rà soát, đánh giá và số liệu các đơn vị báo cáo, Ban Chỉ đạo tổng kết việc "
                        "thực hiện các chỉ tiêu giai đoạn %(years)s như sau:") % {"years": years})
        doc.paragraph(str(self.base.describe()) + ".")
        headers = [_("Chỉ tiêu"), _("Gốc %(year)s") % {"year": self.base.year or "–"},
                   _("Chỉ tiêu %(year)s") % {"year": self.year}, _("Kết quả %(year)s") % {"year": self.year},
                   _("Đánh giá")]
        for unit, lines in self.groups():
            counts = self.counts(unit)
            doc.heading(bold(unit.name))
            note = self.unit_note(unit)
            if note:
                doc.paragraph(note + ".")
            doc.paragraph(_("Đạt %(a)s, không đạt %(n)s, chưa có số liệu %(d)s, chưa có chỉ tiêu %(t)s.") % {
                "a": counts[ACHIEVED], "n": counts[NOT_ACHIEVED], "d": counts[NO_DATA], "t": counts[NO_TARGET]})
            doc.table(headers, [[line.indicator.short_name, line.baseline_text, line.target_text, line.result_text,
                                 line.status_label] for line in lines],
                      widths_mm=[70, 24, 26, 26, 24], align=["left", "right", "right", "right", "center"], size=11)
        doc.recipients([_("Như trên"), _("Lưu VT")])
        doc.signature(_("T/M BAN CHỈ ĐẠO"), _("TRƯỞNG BAN"))
        doc.appendix(_("Nguồn số liệu"), _("(Nguồn của từng số liệu trong báo cáo)"))
        doc.table([_("Đơn vị"), _("Chỉ tiêu"), _("Số liệu gốc"), _("Chỉ tiêu"), _("Kết quả")],
                  [[line.unit.name, line.indicator.code, line.baseline_source, line.target_source or "–",
                    line.result_source] for line in self.lines()],
                  widths_mm=[28, 22, 40, 40, 40], size=9)
        return doc.to_bytes()


def _round(value, digits: int = 2):
    return round(value, digits) if isinstance(value, float) else value


def _source_labels() -> dict[str, str]:
    from .definitions import formulas

    labels = {f.code: f.label for f in formulas()}
    found = {}
    for indicator in Indicator.objects.all():
        if indicator.source == Source.ENTERED:
            found[indicator.code] = str(_("Số liệu đơn vị nhập"))
        else:
            found[indicator.code] = labels.get(indicator.formula, indicator.formula)
    return found


__all__ = ["FinalReview", "Line", "STATUS_LABELS", "ACHIEVED", "NOT_ACHIEVED", "NO_DATA", "NO_TARGET", "format_date"]
