"""The review file: a year's review results, each classified under the year's standard."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from vuonlen.accounts import roles
from vuonlen.core import spreadsheets
from vuonlen.core.audit import audit_created_rows, audit_updated_many, snapshot
from vuonlen.core.bulk import insert_rows
from vuonlen.core.formats import parse_date
from vuonlen.core.spreadsheets import Column
from vuonlen.core.text import nfc
from vuonlen.geo.models import Era

from .. import validation
from ..models import Household, Membership, Review, ReviewKind
from .common import (
    COMMUNE_COLUMN,
    COMMUNE_HEADER,
    NOT_FOUND_COMMUNE,
    Checker,
    ImportResult,
    Phase,
    Progress,
    Sheet,
    _chunks,
    _file_error,
    _is_blank,
    _Reporter,
    _sorted,
    _Units,
    read_sheet,
    without_cyclic_gc,
    write_all_or_nothing,
)

# =============================================================================================
# A year's review results
# =============================================================================================

class R:
    """Column headers of the review file; one more column per indicator of the year's standard,
    headed by the indicator's Vietnamese name (its code is accepted too)."""

    COMMUNE = COMMUNE_HEADER
    CODE = "Mã hộ"
    HEAD = "Chủ hộ"
    INCOME = "Thu nhập bình quân (đồng/người/tháng)"
    SCORE_A = "Điểm A"
    KIND = "Loại rà soát"
    REVIEWED_ON = "Ngày rà soát"
    DECISION_NUMBER = "Số quyết định công nhận"
    DECISION_DATE = "Ngày quyết định"
    FARMING = "Hộ làm nông, lâm, ngư, diêm nghiệp (có/không)"


_REVIEW_BEFORE = (
    COMMUNE_COLUMN,
    Column.of(R.CODE, "ma so ho", prefixes=("ma ho",)),
    Column.of(R.HEAD, "ho ten chu ho", "ten chu ho", prefixes=("chu ho", "ho ten chu ho"), required=False),
    Column.of(R.INCOME, "thu nhap", "thu nhap binh quan", "thu nhap binh quan dau nguoi",
              prefixes=("thu nhap",), required=False),
    Column.of(R.SCORE_A, "diem a", "tong diem a", prefixes=("diem a",), required=False),
    Column.of(R.FARMING, "lam nong lam ngu nghiep", "ho lam nong lam ngu nghiep", "nong lam ngu nghiep",
              prefixes=("ho lam nong", "lam nong", "nong lam ngu"), required=False),
)
_REVIEW_AFTER = (
    Column.of(R.KIND, "loai", "hinh thuc ra soat", prefixes=("loai ra soat",), required=False),
    Column.of(R.REVIEWED_ON, "ngay ra soat", prefixes=("ngay ra soat",), required=False),
    Column.of(R.DECISION_NUMBER, "so quyet dinh", "so qd", prefixes=("so quyet dinh", "so qd"), required=False),
    Column.of(R.DECISION_DATE, "ngay qd", prefixes=("ngay quyet dinh", "ngay qd"), required=False),
)


def _indicators(year: int):
    from ..year_standards import standard_for

    return standard_for(year).indicators


def review_columns_for(year: int) -> tuple[Column, ...]:
    """The review file's columns for ``year``, in the template's order. Every indicator column
    is required: a missing one would silently read as "not lacking" and change the status."""
    indicators = tuple(Column.of(i.name_vi, i.code) for i in _indicators(year))
    return (*_REVIEW_BEFORE, *indicators, *_REVIEW_AFTER)


def _review_order(year: int) -> dict[str, int]:
    return {c.name: i for i, c in enumerate(review_columns_for(year))}


@dataclass(slots=True)
class _ReviewRow:
    row: int
    commune_code: str
    code: str
    cleaned: dict[str, Any]
    decision_number: str
    decision_date: dt.date | None
    household: Household | None = None
    persons: int = 0
    existing: Review | None = None
    result: Any = None
    bad: bool = False  # a problem in the row itself: not classified, so its errors are not repeated


_REVIEW_FIELD_COLUMNS = {"income_per_capita": R.INCOME, "score_a": R.SCORE_A, "kind": R.KIND,
                         "reviewed_on": R.REVIEWED_ON, "farming": R.FARMING, "year": ""}
_LINE_PROBLEM_COLUMNS = {"income": R.INCOME, "score_a": R.SCORE_A, "lacking": "", "lacking_count": ""}


class _ReviewChecker(Checker):
    def __init__(self, actor, era: str, year: int, positions: dict[str, int], report: _Reporter):
        super().__init__(actor, era, positions, report)
        self.year = year
        self.rows: list[_ReviewRow] = []
        self.skipped = 0
        indicators = _indicators(year)
        self.indicator_names = {i.code: i.name_vi for i in indicators}
        self.indicator_columns = [(i.code, i.name_vi) for i in indicators]
        self.first_indicator = indicators[0].name_vi if indicators else ""

    def parse(self, sheet: Sheet) -> None:
        get = sheet.reader()
        seen: dict[tuple[str, str], int] = {}
        review_cells = [name for name in self.positions if name not in (R.COMMUNE, R.CODE, R.HEAD)]
        total = sheet.total
        for done, row, cells in sheet.data():
            values = get(cells)
            self.report(done, total, Phase.CHECK)
            commune_code = spreadsheets.code_text(values.get(R.COMMUNE))
            code = spreadsheets.cell_text(values.get(R.CODE))
            if all(_is_blank(values.get(name)) for name in review_cells):
                # A pre-filled household without figures: not reviewed in this file.
                if commune_code or code:
                    self.skipped += 1
                continue
            self._row(row, values, commune_code, code, seen)

    def _row(self, row: int, values: dict[str, Any], commune_code: str, code: str,
             seen: dict[tuple[str, str], int]) -> None:
        errors_before = len(self.errors)
        if not commune_code:
            self.error(row, R.COMMUNE, gettext("Thiếu mã xã"))
        if not code:
            self.error(row, R.CODE, gettext("Thiếu mã hộ"))
        lacking = []
        for indicator_code, name in self.indicator_columns:
            try:
                if validation.parse_bool(values.get(name)):
                    lacking.append(indicator_code)
            except ValueError:
                text = spreadsheets.cell_text(values.get(name))
                self.error(row, name, gettext("Chỉ đánh “x” (thiếu hụt) hoặc để trống, không nhận “%(text)s”")
                           % {"text": text[:20]})
        data = {"income_per_capita": values.get(R.INCOME), "score_a": values.get(R.SCORE_A), "lacking": lacking,
                "kind": values.get(R.KIND), "reviewed_on": values.get(R.REVIEWED_ON),
                "farming": values.get(R.FARMING)}
        cleaned, problems = validation.clean_review(data, indicators=self.indicator_names, year=self.year)
        for field_name, message in problems:
            self.error(row, _REVIEW_FIELD_COLUMNS.get(field_name, self.first_indicator), message)
        reviewed_on = cleaned.get("reviewed_on")
        if reviewed_on and reviewed_on > self.today:
            self.error(row, R.REVIEWED_ON, gettext("Ngày rà soát ở tương lai"))
        number, date = self._decision(row, values, reviewed_on)
        key = (commune_code, code)
        if commune_code and code:
            if key in seen:
                self.error(row, R.CODE, gettext("Hộ mã %(code)s của xã mã %(commune)s đã có ở dòng %(row)s")
                           % {"code": code, "commune": commune_code, "row": seen[key]})
                return
            seen[key] = row
        self.rows.append(_ReviewRow(row, commune_code, code, cleaned, number, date,
                                    bad=len(self.errors) > errors_before))

    def _decision(self, row: int, values: dict[str, Any], reviewed_on) -> tuple[str, dt.date | None]:
        number = spreadsheets.cell_text(values.get(R.DECISION_NUMBER))
        raw_date = values.get(R.DECISION_DATE)
        date = None
        if not _is_blank(raw_date):
            try:
                date = parse_date(raw_date)
            except ValueError as exc:
                self.error(row, R.DECISION_DATE, gettext("Ngày quyết định: %(error)s") % {"error": exc})
                return number, None
        if len(number) > 60:
            self.error(row, R.DECISION_NUMBER, gettext("Số quyết định dài quá 60 ký tự"))
        if number and date is None and _is_blank(raw_date):
            self.error(row, R.DECISION_DATE, gettext("Thiếu ngày quyết định (có số quyết định)"))
        if date and not number:
            self.error(row, R.DECISION_NUMBER, gettext("Thiếu số quyết định công nhận (có ngày quyết định)"))
        if date and date > self.today:
            self.error(row, R.DECISION_DATE, gettext("Ngày quyết định ở tương lai"))
        if date and reviewed_on and date < reviewed_on:
            self.error(row, R.DECISION_DATE, gettext("Ngày quyết định trước ngày rà soát"))
        return number, date

    # --- against the registry ----------------------------------------------------------------

    def resolve(self) -> None:
        from ..services import RECOGNISED_MESSAGE

        units = _Units(self.actor, self.era, (r.commune_code for r in self.rows))
        wanted: dict[int, list[_ReviewRow]] = defaultdict(list)
        for item in self.rows:
            commune = units.communes.get(item.commune_code)
            if commune is None or not units.can(roles.HOUSEHOLD_VIEW, commune):
                if item.commune_code:
                    self.error(item.row, R.COMMUNE, NOT_FOUND_COMMUNE % {"code": item.commune_code[:30]})
                continue
            if item.code:
                wanted[commune.pk].append(item)
        households = self._households(wanted)
        for commune_id, items in wanted.items():
            for item in items:
                household = households.get((commune_id, item.code))
                if household is None or not units.can(roles.HOUSEHOLD_VIEW, household.unit):
                    self.error(item.row, R.CODE, gettext("Không tìm thấy hộ mã %(code)s của xã mã %(commune)s "
                                                         "trong phạm vi của bạn")
                               % {"code": item.code[:30], "commune": item.commune_code})
                elif not units.can(roles.HOUSEHOLD_EDIT, household.unit):
                    self.error(item.row, R.CODE, gettext("Bạn chỉ có quyền xem hộ mã %(code)s, không ghi được kết quả")
                               % {"code": item.code})
                else:
                    item.household = household
        found = [item for item in self.rows if item.household is not None]
        self._persons(found)
        existing = self._existing_reviews(found)
        for item in found:
            household = item.household
            on = item.cleaned.get("reviewed_on") or self.today
            if household.ended_on and household.ended_on <= on:
                self.error(item.row, R.CODE, gettext("Hộ mã %(code)s đã kết thúc ngày %(date)s")
                           % {"code": item.code, "date": household.ended_on.strftime("%d/%m/%Y")})
                continue
            if item.persons == 0:
                self.error(item.row, R.CODE, gettext("Hộ mã %(code)s không có nhân khẩu nào vào ngày %(date)s")
                           % {"code": item.code, "date": on.strftime("%d/%m/%Y")})
                continue
            item.existing = existing.get(household.pk)
            if item.bad:
                continue
            if item.existing is not None and not self._same(item, item.existing) and item.existing.recognised:
                self.error(item.row, R.CODE, f"Hộ mã {item.code}: " + RECOGNISED_MESSAGE.format(year=self.year))
                continue
            self._classify(item)

    def _households(self, wanted: dict[int, list[_ReviewRow]]) -> dict[tuple[int, str], Household]:
        found: dict[tuple[int, str], Household] = {}
        for commune_id, items in wanted.items():
            for chunk in _chunks(sorted({i.code for i in items})):
                for household in (Household.objects.filter(commune_id=commune_id, code__in=chunk)
                                  .select_related("unit")):
                    found[(commune_id, household.code)] = household
        return found

    def _persons(self, items: list[_ReviewRow]) -> None:
        """Members on each review's date, as ``services.review_record`` counts them."""
        by_household = {item.household.pk: item for item in items}
        periods: dict[int, list[tuple]] = defaultdict(list)
        for chunk in _chunks(sorted(by_household)):
            for household_id, started, ended in Membership.objects.filter(household_id__in=chunk).values_list(
                    "household_id", "started_on", "ended_on"):
                periods[household_id].append((started, ended))
        for household_id, item in by_household.items():
            on = item.cleaned.get("reviewed_on") or self.today
            item.persons = sum(1 for started, ended in periods[household_id]
                               if (started is None or started <= on) and (ended is None or ended > on))

    def _existing_reviews(self, items: list[_ReviewRow]) -> dict[int, Review]:
        existing: dict[int, Review] = {}
        for chunk in _chunks(sorted(item.household.pk for item in items)):
            for review in Review.objects.filter(household_id__in=chunk, year=self.year, is_current=True):
                existing[review.household_id] = review
        return existing

    def _same(self, item: _ReviewRow, review: Review) -> bool:
        c = item.cleaned
        income = c.get("income_per_capita")
        return (
            (review.income_per_capita is None and income is None
             or review.income_per_capita is not None and income is not None and review.income_per_capita == income)
            and review.score_a == c.get("score_a")
            and sorted(review.lacking or []) == sorted(c.get("lacking") or [])
            and review.kind == (c.get("kind") or ReviewKind.PERIODIC)
            and review.farming == c.get("farming")
            and review.reviewed_on == c.get("reviewed_on")
            and review.decision_number == item.decision_number
            and review.decision_date == item.decision_date
            and review.recognised == bool(item.decision_number and item.decision_date)
        )

    def _classify(self, item: _ReviewRow) -> None:
        from vuonlen import poverty

        if item.existing is not None and self._same(item, item.existing):
            return
        area = item.household.area
        c = item.cleaned
        try:
            overrides, standards = self._rules()
            item.result = poverty.classify(year=self.year, area=area, income=c.get("income_per_capita"),
                                           score_a=c.get("score_a"), lacking=c.get("lacking") or [],
                                           lines=self._lines(area) or None, overrides=overrides, standards=standards)
        except poverty.InvalidClassification as exc:
            for field_name, message in exc.problems:
                self.error(item.row, _LINE_PROBLEM_COLUMNS.get(field_name, R.INCOME) or self.first_indicator, message)

    def _lines(self, area: str) -> dict:
        """The administrator's figures for lines the law's text in our sources lacks (once per area)."""
        from ..services import lines_for

        cache = self.__dict__.setdefault("_line_cache", {})
        if area not in cache:
            from ..year_standards import standard_for

            cache[area] = lines_for(standard_for(self.year).code, area)
        return cache[area]

    def _rules(self) -> tuple[dict, dict]:
        """The administrator's year → standard rule and indicator lists, read once per import."""
        if "_year_rules" not in self.__dict__:
            from ..year_standards import effective_standards, year_overrides

            self.__dict__["_year_rules"] = (year_overrides(), effective_standards())
        return self.__dict__["_year_rules"]


def _write_reviews(*, actor, checker: _ReviewChecker, filename: str) -> dict[str, int]:
    from ..services import apply_classification  # the same snapshot of a result as a form's review

    items = [item for item in checker.rows if item.result is not None]
    note = f"Nhập từ tệp {filename}"[:500]
    superseded = [item.existing for item in items if item.existing is not None]
    if superseded:
        befores = [snapshot(review) for review in superseded]
        now = timezone.now()
        for chunk in _chunks([r.pk for r in superseded]):
            Review.objects.filter(pk__in=chunk).update(is_current=False, version=F("version") + 1, updated_at=now)
        for review in superseded:
            review.is_current, review.version = False, review.version + 1
        audit_updated_many(actor=actor, source="import", note="Thay bằng kết quả rà soát mới; " + note,
                           changes=[(r, before, snapshot(r)) for r, before in zip(superseded, befores)])
    reviews = []
    for item in items:
        household = item.household
        recognised = bool(item.decision_number and item.decision_date)
        review = Review(
            household=household, year=checker.year, kind=item.cleaned.get("kind") or ReviewKind.PERIODIC,
            reviewed_on=item.cleaned.get("reviewed_on"), commune_id=household.commune_id, unit_id=household.unit_id,
            area=household.area, is_ethnic_minority=household.is_ethnic_minority, persons=item.persons,
            income_per_capita=item.cleaned.get("income_per_capita"), score_a=item.cleaned.get("score_a"),
            decision_number=item.decision_number if recognised else "",
            decision_date=item.decision_date if recognised else None, recognised=recognised,
            supersedes=item.existing, farming=item.cleaned.get("farming"),
        )
        apply_classification(review, item.result)
        reviews.append(review)
    # Written as plain rows (core.bulk): the ORM's bulk_create of 30,000 reviews takes seconds.
    fields = [f.attname for f in Review._meta.concrete_fields
              if not f.primary_key and not getattr(f, "auto_now", False) and not getattr(f, "auto_now_add", False)]
    rows = [{name: getattr(review, name) for name in fields} for review in reviews]
    ids = insert_rows(Review, rows)
    for review, pk in zip(reviews, ids):
        review.pk = pk
    # Rows written without save(): tell the indicator roll-ups which units and years changed.
    from vuonlen.indicators import rollups

    rollups.schedule(rollups.touched(*reviews, *superseded))
    audit_created_rows(actor=actor, model=Review, rows=list(zip(ids, rows)), note=note,
                       describe=lambda pk, row: f"Rà soát {row['year']} của hộ #{row['household_id']}")
    status_changes = _refresh_statuses(reviews)
    if status_changes:
        audit_updated_many(actor=actor, source="import", changes=status_changes,
                           note="Cập nhật tình trạng theo kết quả được công nhận; " + note)
    return {"reviews": len(reviews), "superseded": len(superseded)}


def _refresh_statuses(reviews: list[Review]) -> list[tuple[Household, dict, dict]]:
    """Household.current_status follows its latest recognised review, as ``services`` keeps it.
    One UPDATE per (status, year) and chunk of households, whatever their number."""
    changes = []
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    for review in reviews:
        household = review.household
        if not review.recognised:
            continue
        if household.current_status_year is not None and household.current_status_year > review.year:
            continue
        if (household.current_status, household.current_status_year) == (review.status, review.year):
            continue
        before = snapshot(household)
        household.current_status, household.current_status_year = review.status, review.year
        household.version += 1
        changes.append((household, before, snapshot(household)))
        groups[(review.status, review.year)].append(household.pk)
    now = timezone.now()
    for (status, year), household_ids in groups.items():
        for chunk in _chunks(household_ids):
            Household.objects.filter(pk__in=chunk).update(current_status=status, current_status_year=year,
                                                          version=F("version") + 1, updated_at=now)
    return changes


def _review_note(counts: dict[str, int], year: int, filename: str) -> str:
    note = f"Nhập {counts['reviews']} kết quả rà soát năm {year} từ tệp {filename}"
    if counts.get("superseded"):
        note += f"; thay {counts['superseded']} kết quả chưa công nhận"
    if counts.get("unchanged"):
        note += f"; {counts['unchanged']} hộ không có thay đổi"
    return note[:500]


@without_cyclic_gc
def import_reviews(*, actor, file: BinaryIO | bytes, filename: str, year: int, era: str = Era.PRE_2025,
                   progress: Progress | None = None) -> ImportResult:
    """Check a year's review file; write every review only if no row has a problem.

    Each status is computed by ``poverty.classify`` under the standard of ``year``, with the
    administrator's lines (``services.lines_for``), and frozen in the review with the snapshot
    of the household (commune, unit, area, ethnic-minority flag, persons on the review date).
    """
    from ..year_standards import standard_or_none

    report = _Reporter(progress)
    filename = nfc(filename)
    if standard_or_none(year) is None:
        return _file_error(gettext("Chưa có chuẩn nghèo áp dụng cho năm %(year)s") % {"year": year})
    report(0, 0, Phase.READ, force=True)
    columns = review_columns_for(year)
    # Indicator names are matched exactly, before the prefix rules of the other columns.
    matching = tuple(sorted(columns, key=lambda c: 0 if not c.prefixes else 1))
    sheet = read_sheet(file, filename, matching)
    if isinstance(sheet, ImportResult):
        return sheet
    if R.INCOME not in sheet.positions and R.SCORE_A not in sheet.positions:
        return _file_error(gettext("Dòng tiêu đề thiếu cột: %(income)s (hoặc %(score)s)")
                           % {"income": R.INCOME, "score": R.SCORE_A})
    checker = _ReviewChecker(actor, era, year, sheet.positions, report)
    checker.parse(sheet)
    del sheet
    if not checker.rows and not checker.errors:
        if checker.skipped:
            return _file_error(gettext("Tệp chưa có kết quả rà soát nào: các dòng chỉ có mã hộ, chưa có thu nhập, "
                                       "điểm A hay chỉ số thiếu hụt"))
        return _file_error(gettext("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề"))
    checker.resolve()
    if checker.errors:
        return ImportResult(errors=_sorted(checker.errors, _review_order(year)))
    new = [item for item in checker.rows if item.result is not None]
    unchanged = len(checker.rows) - len(new)
    counts = {"reviews": 0, "superseded": 0, "unchanged": unchanged,
              "skipped": checker.skipped}
    if not new:
        return ImportResult(counts=counts)
    return write_all_or_nothing(
        actor=actor, report=report, counts=counts, what=f"Kết quả rà soát {year}: {filename}",
        write=lambda: _write_reviews(actor=actor, checker=checker, filename=filename),
        note=lambda counts: _review_note(counts, year, filename),
        conflict=gettext("Trong lúc nhập, kết quả rà soát của một số hộ vừa được người khác ghi; "
                         "chưa ghi gì: hãy nhập lại tệp để xem lỗi cụ thể"))
