"""The five official summary tables of a year's poverty review (biểu tổng hợp kết quả rà soát),
for any commune, district or province, in either era, any year.

| code | table |
|------|-------|
| 01 | Tổng hợp kết quả rà soát hộ nghèo, hộ cận nghèo, hộ làm nông, lâm, ngư nghiệp có mức sống trung bình |
| 02 | Tổng hợp diễn biến hộ nghèo |
| 03 | Tổng hợp diễn biến hộ cận nghèo |
| 04 | Phân tích các chỉ số thiếu hụt dịch vụ xã hội cơ bản của hộ nghèo |
| 05 | Phân tích tỷ lệ các chỉ số thiếu hụt dịch vụ xã hội cơ bản của hộ nghèo |

One class per table (code, title, unit, year, ``rows()``), and the screen (``html()``) and
the .xlsx sheet (``write_sheet()``) both draw the same rows, so they never disagree. The
tables of one unit and year share a ``ReviewReport``: the unit's layout (districts and
communes), and the figures, fetched once per kind with grouped queries per commune
(about seven queries for all five tables, whatever the size of the province).

Figures are counted per commune and summed upward; a rate is computed on each row from its
own summed numerator and denominator (never an average of rates), and a zero denominator
gives None, shown as "-". Only the households the reader may see are counted
(``selectors.households_visible_to``: a mentor's tables count their own households); a unit outside the reader's scope is "not found".
See docs/official-tables.md for every column.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, Q, Sum, TextField
from django.db.models.functions import Cast
from django.http import Http404
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from vuonlen.accounts import roles, scoping
from vuonlen.core.formats import format_number
from vuonlen.core.periods import today_vn
from vuonlen.documents.excel import AdministrativeSheet, Column, ColumnGroup, header_grid, leaves, new_workbook
from vuonlen.geo.models import AdministrativeUnit, Era, Level, UnitLineage, UnitType

from . import movements, year_standards
from .models import PopulationBase
from .selectors import reviews_visible_to

TABLE_CODES = ("01", "02", "03", "04", "05")
AVERAGE = "average"
HOUSEHOLDS_LABEL, PERSONS_LABEL = "Hộ", "Nhân khẩu"


# --- the unit's layout --------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    """A detail row: one commune (a new commune with its predecessors) and the communes whose
    reviews it sums."""

    number: str
    name: str
    unit_id: int
    sources: tuple[int, ...]
    optional: bool = False  # shown only when it has figures (a new commune's own records)


@dataclass(frozen=True)
class Section:
    """A district with its communes; ``number`` empty when the unit has no districts."""

    number: str
    name: str
    unit_id: int | None
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Layout:
    unit: AdministrativeUnit
    sections: tuple[Section, ...]
    grouped: bool  # subtotal rows per district
    predecessors: tuple[str, ...] = ()  # a post-2025 commune: the old communes it gathers

    @property
    def sources(self) -> list[int]:
        return sorted({s for section in self.sections for line in section.lines for s in line.sources})


def _predecessors(unit_ids: Iterable[int]) -> dict[int, list[AdministrativeUnit]]:
    found: dict[int, list[AdministrativeUnit]] = {}
    links = (UnitLineage.objects.filter(new_unit_id__in=list(unit_ids), old_unit__level=Level.COMMUNE)
             .select_related("old_unit").order_by("old_unit__code"))
    for link in links:
        found.setdefault(link.new_unit_id, []).append(link.old_unit)
    return found


def _commune_lines(communes: Sequence[AdministrativeUnit], prefix: str = "") -> tuple[Line, ...]:
    """One line per commune; a post-2025 commune also sums the old communes merged into it."""
    new = [c.pk for c in communes if c.era == Era.POST_2025]
    before = _predecessors(new) if new else {}
    return tuple(Line(f"{prefix}{i}", c.name, c.pk, (c.pk, *(o.pk for o in before.get(c.pk, ()))))
                 for i, c in enumerate(communes, start=1))


def layout_for(unit: AdministrativeUnit) -> Layout:
    """How a unit's table is laid out (see ``movements.source_communes`` for the data behind).

    - a pre-2025 province: its districts (subtotals), each with its communes, in code order;
    - a district, or a post-2025 province (no districts): its communes;
    - a pre-2025 commune: itself;
    - a post-2025 commune: one line per old commune merged into it, and one for what was
      recorded against the new commune itself when there is any.
    """
    children = AdministrativeUnit.objects.filter(parent=unit).order_by("code")
    if unit.level == Level.PROVINCE:
        districts = list(children.filter(level=Level.DISTRICT))
        if districts:
            communes = list(AdministrativeUnit.objects.filter(parent__in=districts, level=Level.COMMUNE)
                            .order_by("code"))
            sections = tuple(Section(str(i), d.name, d.pk,
                                     _commune_lines([c for c in communes if c.parent_id == d.pk], f"{i}."))
                             for i, d in enumerate(districts, start=1))
            return Layout(unit, sections, grouped=True)
        return Layout(unit, (Section("", unit.name, unit.pk, _commune_lines(list(children.filter(
            level=Level.COMMUNE)))),), grouped=False)
    if unit.level == Level.DISTRICT:
        return Layout(unit, (Section("", unit.name, unit.pk, _commune_lines(list(children.filter(
            level=Level.COMMUNE)))),), grouped=False)
    if unit.level != Level.COMMUNE:
        raise Http404("Biểu rà soát lập cho xã, huyện hoặc tỉnh")
    if unit.era == Era.POST_2025:
        old = _predecessors([unit.pk]).get(unit.pk, [])
        lines = [Line(str(i), c.name, c.pk, (c.pk,)) for i, c in enumerate(old, start=1)]
        lines.append(Line(str(len(lines) + 1), f"{unit.name} (ghi trực tiếp cho đơn vị mới)", unit.pk,
                          (unit.pk,), optional=bool(old)))
        return Layout(unit, (Section("", unit.name, unit.pk, tuple(lines)),), grouped=False,
                      predecessors=tuple(c.name for c in old))
    return Layout(unit, (Section("", unit.name, unit.pk, (Line("1", unit.name, unit.pk, (unit.pk,)),)),),
                  grouped=False)


# --- the figures, per commune ---------------------------------------------------------------

def _reviews_for(user, year: int, communes: list[int]):
    """Current reviews of ``year`` in these communes, of households the reader may see."""
    return reviews_visible_to(user).filter(year=year, is_current=True, commune_id__in=communes)


def summary_by_commune(*, year: int, communes: list[int], user) -> dict[int, Counter]:
    """Table 01's counts per commune: population base, and poor / near-poor households and
    persons of the year's current reviews, and — as the form asks — only the households living
    from farming, forestry or fishery (``Review.farming``) among those of average living
    standard; ``average_unknown_h`` counts average households whose livelihood is not recorded."""
    figures: dict[int, Counter] = {}
    aggregates = {}
    conditions = ((Q(status=movements.POOR), "poor"), (Q(status=movements.NEAR_POOR), "near"),
                  (Q(status=AVERAGE, farming=True), "average"))
    for condition, key in conditions:
        aggregates[f"{key}_h"] = Count("pk", filter=condition)
        aggregates[f"{key}_p"] = Sum("persons", filter=condition)
    aggregates["average_unknown_h"] = Count("pk", filter=Q(status=AVERAGE, farming__isnull=True))
    rows = (_reviews_for(user, year, communes).filter(status__in=(movements.POOR, movements.NEAR_POOR, AVERAGE))
            .values("commune_id").order_by().annotate(**aggregates))
    for row in rows:
        commune = row.pop("commune_id")
        figures[commune] = Counter({k: v or 0 for k, v in row.items()})
    bases = (PopulationBase.objects.filter(year=year, commune_id__in=communes)
             .values_list("commune_id", "households_total", "persons_total"))
    for commune, households, persons in bases:
        figures.setdefault(commune, Counter()).update({"households_total": households, "persons_total": persons})
    return figures


def deprivations_by_commune(*, year: int, communes: list[int], user,
                            codes: Sequence[str] | None = None) -> dict[int, Counter]:
    """Tables 04–05: poor households per commune, and how many lack each indicator of the
    year's standard (``Review.lacking``).

    The JSON list is matched as text ('"code"' inside '["a", "b"]'), which every database
    does the same way, so one grouped query counts every indicator at once.
    """
    if codes is None:
        codes = year_standards.standard_for(year).indicator_codes
    aggregates = {"poor_h": Count("pk")}
    for code in codes:
        aggregates[f"lack_{code}"] = Count("pk", filter=Q(lacking_text__contains=f'"{code}"'))
    rows = (_reviews_for(user, year, communes).filter(status=movements.POOR)
            .annotate(lacking_text=Cast("lacking", TextField()))
            .values("commune_id").order_by().annotate(**aggregates))
    return {row.pop("commune_id"): Counter({k: v or 0 for k, v in row.items()}) for row in rows}


def _movement_counts(m: movements.Movements) -> Counter:
    counts = Counter()
    for kind, flow in ((movements.POOR, m.poor), (movements.NEAR_POOR, m.near_poor)):
        for i in range(9):
            counts[f"{kind}_h{i + 1}"] = flow.households[i]
            counts[f"{kind}_p{i + 1}"] = flow.persons[i]
    return counts


# --- rows ---------------------------------------------------------------------------------------

@dataclass
class TableRow:
    """A row as drawn: ``values`` maps each column key to text, a count, a rate, or None ("-").

    Tables 02–03 draw each unit on two rows (households, persons): the first has
    ``block_size`` 2 and the second ``continued`` True, so the number and name span both.
    """

    kind: str  # "total" | "subtotal" | "detail"
    number: str
    name: str
    unit_id: int | None
    values: dict
    block_size: int = 1
    continued: bool = False


def rate(numerator: int, denominator: int) -> float | None:
    """numerator / denominator × 100, or None (shown "-") when there is no denominator."""
    return numerator * 100 / denominator if denominator else None


def _sum(counters: Iterable[Counter]) -> Counter:
    total = Counter()
    for counter in counters:
        total.update(counter)
    return total


def short_place(unit: AdministrativeUnit) -> str:
    """"Kon Tum" for "Tỉnh Kon Tum" or "Thành phố Kon Tum": the place of the date line."""
    for label in sorted((str(label) for _, label in UnitType.choices), key=len, reverse=True):
        if unit.name.startswith(label + " "):
            return unit.name[len(label) + 1:]
    return unit.name


# --- the report: one unit and year, five tables --------------------------------------------

class ReviewReport:
    """The five tables of one unit and year, for one reader (``scoping.SYSTEM``: every household)."""

    def __init__(self, *, unit: AdministrativeUnit, year: int, user, on: dt.date | None = None):
        self.unit = unit
        self.year = year
        self.user = user
        self.on = on or today_vn()
        self.standard = year_standards.standard_for(year)  # ValueError for a year without a standard
        self.layout = layout_for(unit)

    @cached_property
    def sources(self) -> list[int]:
        return self.layout.sources

    def _kept(self, kind: str, compute, *extra) -> dict[int, Counter]:
        """``compute()``'s per-commune counts, kept in the shared cache (issue 17: table 01 of a
        province was ≈ 70 ms of the database on every view) under the versions of what they are
        counted from — the households and reviews (``figures_cache.REGISTRY``), the tree
        (``geo.versions``) — and the reader's area, so readers of the same area share them.
        A mentor's tables count their own households, which follow their assignments: never
        kept."""
        from vuonlen.accounts.roles import Role
        from vuonlen.geo.versions import units_version
        from vuonlen.indicators import figures_cache

        if not scoping.is_system(self.user) and Role.MENTOR in scoping.roles_of(self.user):
            return compute()
        area = scoping.scope_without(self.user, roles.HOUSEHOLD_VIEW, Role.MENTOR)
        digest = hashlib.sha1("|".join(["*" if area.everything else ",".join(area.paths),
                                         ",".join(map(str, self.sources)), *map(str, extra)]).encode()).hexdigest()
        return figures_cache.cached(("official", kind, self.year, units_version(), digest), compute,
                                    topics=(figures_cache.REGISTRY,))

    @cached_property
    def summary(self) -> dict[int, Counter]:
        return self._kept("summary", lambda: summary_by_commune(year=self.year, communes=self.sources,
                                                                user=self.user))

    @cached_property
    def movements(self) -> dict[int, Counter]:
        by_commune = movements.commune_movements(year=self.year, communes=self.sources, user=self.user)
        return {commune: _movement_counts(m) for commune, m in by_commune.items()}

    @cached_property
    def deprivations(self) -> dict[int, Counter]:
        codes = self.standard.indicator_codes
        return self._kept("deprivations", lambda: deprivations_by_commune(year=self.year, communes=self.sources,
                                                                          user=self.user, codes=codes), *codes)

    def table(self, code: str) -> OfficialTable:
        try:
            return TABLES[code](self)
        except KeyError:
            raise Http404("Không có biểu này") from None

    def tables(self) -> list[OfficialTable]:
        return [TABLES[code](self) for code in TABLE_CODES]

    @property
    def era_label(self) -> str:
        return "trước 01/7/2025" if self.unit.era == Era.PRE_2025 else "từ 01/7/2025"

    def workbook(self, codes: Sequence[str] = TABLE_CODES):
        """The tables as one workbook, a sheet each."""
        workbook = new_workbook()
        for code in codes:
            self.table(code).write_sheet(workbook)
        return workbook


def report_for(user, *, unit_pk, year: int) -> ReviewReport:
    """The tables of a unit in the reader's scope; a unit outside it (or a village) is 404."""
    unit = scoping.get_unit_or_404(user, unit_pk, roles.HOUSEHOLD_VIEW)
    if unit.level not in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        raise Http404("Biểu rà soát lập cho xã, huyện hoặc tỉnh")
    return ReviewReport(unit=unit, year=year, user=user)


# --- the tables ---------------------------------------------------------------------------------

class OfficialTable:
    """What every table shares: rows from the layout, the HTML partial and the .xlsx sheet.

    A subclass names its figures (``source``: an attribute of the report holding per-commune
    counters), its header (``columns()``) and how a row's values follow from its summed
    counts (``values()``); ``paired`` tables draw households and persons on two rows.
    """

    code = ""
    title = ""
    sheet_title = ""
    source = ""
    paired = False
    unit_note = "Đơn vị tính: hộ, người"

    def __init__(self, report: ReviewReport):
        self.report = report

    # shared facts
    @property
    def unit(self) -> AdministrativeUnit:
        return self.report.unit

    @property
    def year(self) -> int:
        return self.report.year

    def subtitle(self) -> list[str]:
        unit = self.unit
        return [f"{unit.name} ({self.report.era_label}) - Năm {self.year}",
                f"(Chuẩn nghèo theo {self.report.standard.short_name_vi})"]

    def notes(self) -> list[str]:
        notes = []
        if self.report.layout.predecessors:
            notes.append(f"Số liệu của {self.unit.name} gồm số liệu ghi cho các đơn vị trước sắp xếp: "
                         f"{', '.join(self.report.layout.predecessors)}.")
        if not scoping.is_system(self.report.user):
            notes.append("Chỉ gồm các hộ thuộc phạm vi theo dõi của người lập biểu.")
        return notes

    def columns(self) -> list:
        raise NotImplementedError

    def values(self, counts: Counter) -> list[dict]:
        """One dict per drawn row (two for paired tables), from a row's summed counts."""
        raise NotImplementedError

    def _lead_columns(self) -> list[Column]:
        lead = [Column("number", "TT", "A", "text", 6), Column("name", "Phường/Xã", "B", "text", 26)]
        if self.paired:
            lead.append(Column("part", "Phân tổ", "C", "text", 10))
        return lead

    # rows
    def _counts(self, sources: Iterable[int]) -> Counter:
        figures = getattr(self.report, self.source)
        return _sum(figures.get(s, Counter()) for s in sources)

    def _emit(self, out: list[TableRow], kind: str, number: str, name: str, unit_id, counts: Counter) -> None:
        drawn = self.values(counts)
        for index, values in enumerate(drawn):
            values = {"number": number if index == 0 else "", "name": name if index == 0 else "", **values}
            out.append(TableRow(kind, number, name, unit_id, values, block_size=len(drawn) if index == 0 else 1,
                                continued=index > 0))

    @cached_property
    def _rows(self) -> list[TableRow]:
        layout = self.report.layout
        sections = []
        for section in layout.sections:
            lines = [(line, self._counts(line.sources)) for line in section.lines]
            lines = [(line, counts) for line, counts in lines if not line.optional or any(counts.values())]
            sections.append((section, lines, _sum(c for _, c in lines)))
        out: list[TableRow] = []
        self._emit(out, "total", "", "Tổng cộng", self.unit.pk, _sum(s[2] for s in sections))
        for section, lines, subtotal in sections:
            if layout.grouped:
                self._emit(out, "subtotal", section.number, section.name, section.unit_id, subtotal)
            for line, counts in lines:
                self._emit(out, "detail", line.number, line.name, line.unit_id, counts)
        return out

    def rows(self) -> list[TableRow]:
        """The total, then per district its subtotal and communes (or the communes)."""
        return self._rows

    # screen
    def html(self) -> SafeString:
        """The table as an HTML partial (households/official_table.html)."""
        columns = leaves(self.columns())
        body = []
        for row in self.rows():
            cells = []
            for column in columns:
                if row.continued and column.key in ("number", "name"):
                    continue
                value = row.values.get(column.key)
                span = row.block_size if column.key in ("number", "name") else 1
                if column.kind == "text":
                    text, css = value or "", "text-start" if column.key == "name" else "text-center"
                elif value is None:
                    text, css = "-", "text-center"
                else:
                    text, css = format_number(value, 2 if column.kind == "rate" else 0), "text-end"
                # Each cell's markup here rather than in the template's loop: a province's table
                # has thousands of cells, and the template engine spent most of the page on them.
                tag, scope = ("th", ' scope="row"') if column.key == "name" else ("td", "")
                rowspan = f' rowspan="{span}"' if span > 1 else ""
                cells.append(f'<{tag}{scope} class="{css}"{rowspan}>{escape(text)}</{tag}>')
            body.append({"kind": row.kind, "cells": mark_safe("".join(cells)), "continued": row.continued})
        # Narrow header cells for the short text columns (TT, Phân tổ): the name column and the
        # figures share the width.
        narrow = {i for i, c in enumerate(columns) if c.kind == "text" and c.key != "name"}
        header = [[{"label": cell.label, "rowspan": cell.rowspan, "colspan": cell.colspan,
                    "css": "vl-narrow" if cell.colspan == 1 and cell.column in narrow else
                    ("vl-name" if cell.colspan == 1 and columns[cell.column].key == "name" else "")}
                   for cell in cells] for cells in header_grid(self.columns())]
        return render_to_string("households/official_table.html", {
            "table": self, "header": header, "numbers": [c.number for c in columns],
            "body": body, "subtitle": self.subtitle(), "notes": self.notes(),
        })

    # file
    def write_sheet(self, workbook) -> AdministrativeSheet:
        columns = self.columns()
        sheet = AdministrativeSheet(
            workbook.create_sheet(self.sheet_title), columns=columns, title=self.title,
            issuer=self.unit.name, subtitle=self.subtitle(), place=short_place(self.unit), date=self.report.on,
            unit_note=self.unit_note, freeze_columns=3 if self.paired else 2)
        keys = [c.key for c in leaves(columns)]
        block: list[list] = []
        kind = "detail"
        for row in self.rows():
            if not row.continued and block:
                sheet.add_block(block, style=kind, merge_columns=(0, 1))
                block = []
            kind = row.kind
            block.append([row.values.get(k) for k in keys])
        if block:
            sheet.add_block(block, style=kind, merge_columns=(0, 1))
        sheet.finish(notes=self.notes(), signatures=("NGƯỜI LẬP BIỂU\n(Ký, ghi rõ họ tên)",
                                                     "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n(Ký tên, đóng dấu)"))
        return sheet


class ReviewSummaryTable(OfficialTable):
    code = "01"
    title = "TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO, HỘ LÀM NÔNG, LÂM, NGƯ NGHIỆP CÓ MỨC SỐNG TRUNG BÌNH"
    sheet_title = "01 Tổng hợp rà soát"
    source = "summary"
    unit_note = "Đơn vị tính: hộ, người, %"

    def columns(self) -> list:
        def pair(label, unit_label, count_no, base_no, key):
            rate_no = f"{int(count_no) + 1}={count_no}/{base_no}*100"
            return ColumnGroup(label, (Column(f"{key}", unit_label, count_no, "count", 9),
                                       Column(f"{key}_rate", "Tỷ lệ (%)", rate_no, "rate", 9)))
        return [
            *self._lead_columns(),
            ColumnGroup("Tổng số hộ dân cư (tại thời điểm rà soát)", (
                Column("households_total", "Số hộ", "1", "count", 10),
                Column("persons_total", "Nhân khẩu", "2", "count", 11))),
            ColumnGroup("Kết quả rà soát về hộ", (
                pair("Tổng số hộ nghèo", "Số hộ", "3", "1", "poor_h"),
                pair("Tổng số hộ cận nghèo", "Số hộ", "5", "1", "near_h"),
                pair("Tổng số hộ làm nông, lâm, ngư nghiệp có mức sống trung bình", "Số hộ", "7", "1",
                     "average_h"))),
            ColumnGroup("Kết quả rà soát về khẩu", (
                pair("Tổng số khẩu nghèo", "Số khẩu", "9", "2", "poor_p"),
                pair("Tổng số khẩu cận nghèo", "Số khẩu", "11", "2", "near_p"),
                pair("Tổng số khẩu của hộ làm nông, lâm, ngư nghiệp có mức sống trung bình", "Số khẩu", "13", "2",
                     "average_p"))),
        ]

    def values(self, counts: Counter) -> list[dict]:
        households, persons = counts["households_total"], counts["persons_total"]
        values = {"households_total": households, "persons_total": persons}
        for key in ("poor", "near", "average"):
            values[f"{key}_h"] = counts[f"{key}_h"]
            values[f"{key}_h_rate"] = rate(counts[f"{key}_h"], households)
            values[f"{key}_p"] = counts[f"{key}_p"]
            values[f"{key}_p_rate"] = rate(counts[f"{key}_p"], persons)
        return [values]

    def notes(self) -> list[str]:
        notes = [*super().notes(),
                 "Tỷ lệ = số hộ (khẩu) / tổng số hộ (khẩu) dân cư × 100; tổng số hộ dân cư lấy từ dân số nền của năm. "
                 "Dấu “-”: chưa có dân số nền nên không tính được tỷ lệ.",
                 "Cột 7 và 13 chỉ đếm hộ có mức sống trung bình làm nông nghiệp, lâm nghiệp, ngư nghiệp (và diêm "
                 "nghiệp) (Quyết định 24/2021/QĐ-TTg)."]
        unknown = sum(counts["average_unknown_h"] for counts in self.report.summary.values())
        if unknown:
            notes.append(f"Có {format_number(unknown)} hộ có mức sống trung bình chưa ghi có làm nông, lâm, ngư "
                         "nghiệp hay không: chưa được đếm vào cột 7 và 13.")
        return notes


class _DynamicsTable(OfficialTable):
    source = "movements"
    paired = True
    kind = ""
    labels: tuple[str, ...] = ()

    def subtitle(self) -> list[str]:
        unit = self.unit
        return [f"{unit.name} ({self.report.era_label}) - Từ kết quả rà soát năm {self.year - 1} (đầu kỳ) "
                f"đến năm {self.year} (cuối kỳ)",
                f"(Chuẩn nghèo năm {self.year} theo {self.report.standard.short_name_vi})"]

    def values(self, counts: Counter) -> list[dict]:
        return [{"part": part, **{f"c{i}": counts[f"{self.kind}_{letter}{i}"] for i in range(1, 10)}}
                for part, letter in ((HOUSEHOLDS_LABEL, "h"), (PERSONS_LABEL, "p"))]

    def _number_columns(self, *groups) -> list:
        return [*self._lead_columns(), *groups]


class PoorDynamicsTable(_DynamicsTable):
    code = "02"
    title = "TỔNG HỢP DIỄN BIẾN HỘ NGHÈO"
    sheet_title = "02 Diễn biến hộ nghèo"
    kind = movements.POOR

    def columns(self) -> list:
        return self._number_columns(
            Column("c1", "Tổng số hộ nghèo đầu kỳ", "1", "count", 10),
            ColumnGroup("Diễn biến giảm số hộ nghèo", (
                ColumnGroup("Số hộ thoát nghèo", (
                    Column("c2", "Trở thành hộ cận nghèo", "2", "count", 10),
                    Column("c3", "Vượt chuẩn cận nghèo", "3", "count", 10))),
                Column("c4", "Số hộ khác: thay đổi nhân khẩu, hộ nghèo đơn thân chết, chuyển đi nơi khác, tách, "
                       "nhập với hộ khác", "4", "count", 14))),
            ColumnGroup("Diễn biến tăng số hộ nghèo", (
                Column("c5", "Số hộ cận nghèo trở thành hộ nghèo", "5", "count", 10),
                ColumnGroup("Số hộ nghèo bổ sung trong năm", (
                    Column("c6", "Tái nghèo", "6", "count", 9),
                    Column("c7", "Phát sinh mới", "7", "count", 9))),
                Column("c8", "Số hộ khác: thay đổi nhân khẩu, chuyển đến, tách hộ", "8", "count", 13))),
            Column("c9", "Tổng số hộ nghèo cuối kỳ", "9=1-2-3-4+5+6+7+8", "count", 14),
        )


class NearPoorDynamicsTable(_DynamicsTable):
    code = "03"
    title = "TỔNG HỢP DIỄN BIẾN HỘ CẬN NGHÈO"
    sheet_title = "03 Diễn biến hộ cận nghèo"
    kind = movements.NEAR_POOR

    def columns(self) -> list:
        return self._number_columns(
            Column("c1", "Tổng số hộ cận nghèo đầu kỳ", "1", "count", 10),
            ColumnGroup("Diễn biến giảm số hộ cận nghèo", (
                Column("c2", "Số hộ thoát cận nghèo", "2", "count", 10),
                Column("c3", "Số hộ cận nghèo trở thành hộ nghèo", "3", "count", 10),
                Column("c4", "Số hộ khác: thay đổi nhân khẩu, hộ chết, chuyển đi nơi khác, tách, nhập với hộ khác",
                       "4", "count", 14))),
            ColumnGroup("Diễn biến tăng số hộ cận nghèo", (
                Column("c5", "Số hộ nghèo trở thành hộ cận nghèo", "5", "count", 10),
                ColumnGroup("Số hộ cận nghèo bổ sung trong năm", (
                    Column("c6", "Tái cận nghèo", "6", "count", 9),
                    Column("c7", "Phát sinh mới", "7", "count", 9))),
                Column("c8", "Số hộ khác: thay đổi nhân khẩu, chuyển đến, tách hộ", "8", "count", 13))),
            Column("c9", "Tổng số hộ cận nghèo cuối kỳ", "9=1-2-3-4+5+6+7+8", "count", 14),
        )


class _DeprivationTable(OfficialTable):
    source = "deprivations"

    def _indicator_groups(self, first_number: int, kind: str) -> tuple[ColumnGroup, ...]:
        """The year's indicators under their dimensions (việc làm, y tế, giáo dục …)."""
        standard = self.report.standard
        number = first_number
        groups = []
        for dimension, dimension_name in standard.dimensions:
            children = []
            for indicator in standard.indicators:
                if indicator.dimension == dimension:
                    children.append(Column(f"lack_{indicator.code}", indicator.name_vi, str(number), kind, 10))
                    number += 1
            if children:
                groups.append(ColumnGroup(dimension_name, tuple(children)))
        return tuple(groups)

    @property
    def codes(self) -> tuple[str, ...]:
        return self.report.standard.indicator_codes

    def subtitle(self) -> list[str]:
        standard = self.report.standard
        return [f"{self.unit.name} ({self.report.era_label}) - Năm {self.year}",
                f"(Các chỉ số đo lường mức độ thiếu hụt dịch vụ xã hội cơ bản theo {standard.short_name_vi})"]


class DeprivationCountTable(_DeprivationTable):
    code = "04"
    title = "PHÂN TÍCH CÁC CHỈ SỐ THIẾU HỤT DỊCH VỤ XÃ HỘI CƠ BẢN CỦA HỘ NGHÈO"
    sheet_title = "04 Chỉ số thiếu hụt"
    unit_note = "Đơn vị tính: hộ, lượt thiếu hụt"

    def columns(self) -> list:
        last = 2 + len(self.codes)
        return [
            *self._lead_columns(),
            Column("poor_h", "Tổng số hộ nghèo", "1", "count", 10),
            Column("lack_total", "Tổng số thiếu hụt", f"2=3+…+{last}", "count", 10),
            ColumnGroup("Số hộ nghèo thiếu hụt từng chỉ số dịch vụ xã hội cơ bản", self._indicator_groups(3, "count")),
        ]

    def values(self, counts: Counter) -> list[dict]:
        values = {"poor_h": counts["poor_h"]}
        for code in self.codes:
            values[f"lack_{code}"] = counts[f"lack_{code}"]
        values["lack_total"] = sum(values[f"lack_{code}"] for code in self.codes)
        return [values]


class DeprivationRateTable(_DeprivationTable):
    code = "05"
    title = "PHÂN TÍCH TỶ LỆ CÁC CHỈ SỐ THIẾU HỤT DỊCH VỤ XÃ HỘI CƠ BẢN CỦA HỘ NGHÈO"
    sheet_title = "05 Tỷ lệ thiếu hụt"
    unit_note = "Đơn vị tính: hộ, %"

    def columns(self) -> list:
        return [
            *self._lead_columns(),
            Column("poor_h", "Tổng số hộ nghèo", "1", "count", 10),
            ColumnGroup("Tỷ lệ hộ nghèo thiếu hụt từng chỉ số dịch vụ xã hội cơ bản (%)",
                        self._indicator_groups(2, "rate")),
        ]

    def values(self, counts: Counter) -> list[dict]:
        poor = counts["poor_h"]
        values = {"poor_h": poor}
        for code in self.codes:
            values[f"lack_{code}"] = rate(counts[f"lack_{code}"], poor)
        return [values]

    def notes(self) -> list[str]:
        return [*super().notes(), "Tỷ lệ = số hộ nghèo thiếu hụt chỉ số / tổng số hộ nghèo × 100. "
                                  "Dấu “-”: không có hộ nghèo nên không tính được tỷ lệ."]


TABLES: dict[str, type[OfficialTable]] = {
    "01": ReviewSummaryTable,
    "02": PoorDynamicsTable,
    "03": NearPoorDynamicsTable,
    "04": DeprivationCountTable,
    "05": DeprivationRateTable,
}
TABLE_TITLES = {code: cls.title for code, cls in TABLES.items()}


__all__ = [
    "Layout", "OfficialTable", "ReviewReport", "TABLES", "TABLE_CODES", "TABLE_TITLES", "TableRow", "layout_for",
    "deprivations_by_commune", "rate", "report_for", "summary_by_commune",
]
