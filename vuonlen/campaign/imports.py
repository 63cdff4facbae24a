"""Excel import of a year's household assessments.

The registry imports' rules (``vuonlen.households.imports``): the whole file is read and every
row checked (``services.clean_assessment``, the form's rules); every problem comes back at once
with its row and column; nothing is written unless the file is clean; then every new
assessment goes in with one statement, one audit row each and one IMPORT row for the file.
Re-importing the same file changes nothing (rows equal to the stored assessment count as
unchanged); a row that differs from a stored assessment is an error — edits are made on the
household's page, where the version check protects them.
"""

from __future__ import annotations

from collections import Counter
from typing import BinaryIO

from django.db import IntegrityError, transaction

from vuonlen.accounts import roles
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core import spreadsheets, xlsx
from vuonlen.core.audit import audit_created_rows, audit_record
from vuonlen.core.bulk import insert_rows
from vuonlen.core.formats import format_number, parse_date
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.core.spreadsheets import Column, FileRejected, RowError
from vuonlen.core.text import fold, nfc
from vuonlen.geo.models import AdministrativeUnit, Era, Level
from vuonlen.households.imports import ImportResult as _RegistryResult
from vuonlen.households.models import Household

from . import selectors, services
from .models import CRITERIA, CRITERIA_FIELDS, Assessment

MAX_ROWS = 100_000


class ImportResult(_RegistryResult):
    def summary(self) -> str:
        if self.errors:
            return f"Tệp có {format_number(len(self.errors))} lỗi; chưa ghi gì."
        made, unchanged = self.counts.get("assessments", 0), self.counts.get("unchanged", 0)
        if not made:
            return "Không có thay đổi: mọi dòng trong tệp đã có."
        text = f"Đã thêm {format_number(made)} đánh giá hộ"
        return text + (f"; {format_number(unchanged)} hộ không có thay đổi." if unchanged else ".")
COMMUNE, CODE, HEAD, DATE, TOPICS, NOTE = ("Mã xã", "Mã hộ", "Chủ hộ", "Ngày đánh giá",
                                           "Nội dung Sổ tay đã tuyên truyền", "Ghi chú")
CRITERIA_HEADERS = {code: str(label) for code, label in CRITERIA}
COLUMNS = (
    Column.of(COMMUNE, "ma don vi", "ma dvhc", prefixes=("ma xa",)),
    Column.of(CODE, "ma so ho", prefixes=("ma ho",)),
    Column.of(HEAD, "ho ten chu ho", "ten chu ho", prefixes=("chu ho",), required=False),
    Column.of(DATE, prefixes=("ngay danh gia",)),
    Column.of(TOPICS, "noi dung so tay", prefixes=("noi dung so tay",), required=False),
    *(Column.of(label, code) for code, label in CRITERIA_HEADERS.items()),
    Column.of(NOTE, required=False),
)
_ORDER = {c.name: i for i, c in enumerate(COLUMNS)}
_YES = {"x", "co", "1", "yes", "true", "dat", "v", "✓", "✔"}
_NO = {"", "khong", "0", "no", "false", "chua", "-"}


def _bool(value) -> bool | None:
    if isinstance(value, bool):
        return value
    key = fold(spreadsheets.cell_text(value)).strip()
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None


def _topics(value) -> list[str]:
    text = spreadsheets.cell_text(value)
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def template_xlsx() -> bytes:

    workbook = xlsx.new_workbook()
    sheet = workbook.active
    sheet.title = "Đánh giá hộ"
    sheet.append([c.name for c in COLUMNS])
    spreadsheets.bold_row(sheet, 1)
    sheet.append(["23485", "23485-00001", "A Blong", "20/11/2024", "1, 2, 5", "x", "x", "x", "", "x", "", "", "",
                  "x", "", "", ""])
    guide = workbook.create_sheet("Hướng dẫn")
    guide.append(["Các cột tiêu chí: ghi “x” (hoặc “Có”) nếu hộ đạt, để trống (hoặc “Không”) nếu chưa đạt."])
    guide.append(["Nội dung Sổ tay: số thứ tự các nội dung (1–10), cách nhau bằng dấu phẩy."])
    return spreadsheets.workbook_bytes(workbook)


class _Checker(spreadsheets.RowChecker):
    def __init__(self, actor, year: int, era: str, positions: dict[str, int]):
        super().__init__(positions)
        self.actor, self.year, self.era = actor, year, era
        self.rows: list[tuple[int, dict]] = []
        self.today = today_vn()
        self.known_topics = services.topic_numbers()

    def parse(self, rows: list[list], header_index: int) -> None:
        for number, row in self.data_rows(rows, header_index):
            data: dict = {"_commune": spreadsheets.code_text(self.cell(row, COMMUNE)),
                          "_code": spreadsheets.cell_text(self.cell(row, CODE))}
            if not data["_commune"]:
                self.error(number, COMMUNE, "Thiếu mã xã")
            if not data["_code"]:
                self.error(number, CODE, "Thiếu mã hộ")
            raw_date = self.cell(row, DATE)
            try:
                data["assessed_on"] = parse_date(raw_date) if spreadsheets.cell_text(raw_date) else None
            except (ValueError, TypeError):
                self.error(number, DATE, f"“{spreadsheets.cell_text(raw_date)}” không phải ngày (dd/mm/yyyy)")
                data["assessed_on"] = None
                data["_bad_date"] = True
            data["told_topics"] = _topics(self.cell(row, TOPICS))
            for code in CRITERIA_FIELDS:
                header = CRITERIA_HEADERS[code]
                value = _bool(self.cell(row, header))
                if value is None:
                    self.error(number, header, f"“{spreadsheets.cell_text(self.cell(row, header))}” không hiểu: "
                                               "ghi “x” nếu đạt, để trống nếu chưa đạt")
                data[code] = bool(value)
            data["note"] = spreadsheets.cell_text(self.cell(row, NOTE))
            self.rows.append((number, data))

    def resolve(self) -> list[tuple[int, Household, dict]]:
        codes = {d["_commune"] for _n, d in self.rows if d["_commune"]}
        communes = {u.code: u for u in AdministrativeUnit.objects.filter(era=self.era, level=Level.COMMUNE,
                                                                         code__in=codes)}
        keys = {(communes[d["_commune"]].pk, d["_code"]) for _n, d in self.rows if d["_commune"] in communes}
        households = {}
        commune_ids = {k[0] for k in keys}
        for h in Household.objects.filter(commune_id__in=commune_ids, code__in={k[1] for k in keys}).select_related(
                "unit", "commune"):
            households[(h.commune_id, h.code)] = h
        visible = set()
        if self.actor is not SYSTEM:
            visible = set(selectors.households_visible_to(self.actor, roles.ASSESS)
                          .filter(pk__in=[h.pk for h in households.values()]).values_list("pk", flat=True))
        seen = Counter((d["_commune"], d["_code"]) for _n, d in self.rows)
        existing = {a.household_id: a for a in Assessment.objects.filter(
            year=self.year, household_id__in=[h.pk for h in households.values()])}
        ready = []
        for number, data in self.rows:
            commune = communes.get(data["_commune"])
            if data["_commune"] and commune is None:
                self.error(number, COMMUNE, f"Không tìm thấy xã mã {data['_commune']}")
                continue
            if commune is None or not data["_code"]:
                continue
            household = households.get((commune.pk, data["_code"]))
            allowed = household is not None and (self.actor is SYSTEM or household.pk in visible)
            if not allowed:
                self.error(number, CODE, f"Không tìm thấy hộ mã {data['_code']} của {commune.name} "
                                         "trong phạm vi bạn được đánh giá")
                continue
            duplicate = seen[(data["_commune"], data["_code"])] > 1
            if duplicate:
                self.error(number, CODE, f"Hộ mã {data['_code']} có nhiều dòng trong tệp")
            cleaned, problems = services.clean_assessment(data, year=self.year, household=household,
                                                          today=self.today, known_topics=self.known_topics)
            columns = {"assessed_on": DATE, "told_topics": TOPICS, "household": CODE, "year": CODE,
                       **{code: CRITERIA_HEADERS[code] for code in CRITERIA_FIELDS}}
            for field, message in problems:
                if field == "assessed_on" and data.get("_bad_date"):
                    continue
                self.error(number, columns.get(field, ""), message)
            if problems or duplicate:
                continue
            stored = existing.get(household.pk)
            if stored is not None:
                if all(getattr(stored, k) == v for k, v in cleaned.items()):
                    continue
                self.error(number, CODE, f"Hộ mã {data['_code']} đã có đánh giá năm {self.year} khác với tệp; "
                                         "hãy sửa trên trang của hộ")
                continue
            ready.append((number, household, cleaned))
        return ready


def import_assessments(*, actor, file: BinaryIO | bytes, filename: str, year: int,
                       era: str = Era.PRE_2025) -> ImportResult:
    filename = nfc(filename)
    try:
        rows = spreadsheets.read_table(file, filename, columns=COLUMNS, max_rows=MAX_ROWS)
        header_index, positions = spreadsheets.locate_header(rows, COLUMNS)
    except FileRejected as exc:
        return ImportResult(errors=[RowError(None, "", str(exc))])
    checker = _Checker(actor, year, era, positions)
    checker.parse(rows, header_index)
    if not checker.rows and not checker.errors:
        return ImportResult(errors=[RowError(None, "", "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề")])
    ready = checker.resolve()
    if checker.errors:
        return ImportResult(errors=sorted(checker.errors, key=lambda e: (e.row or 0, _ORDER.get(e.column, 99))))
    unchanged = len(checker.rows) - len(ready)
    if not ready:
        return ImportResult(counts={"unchanged": unchanged})
    assessor = actor.pk if getattr(actor, "pk", None) else None
    new_rows = [{"household_id": h.pk, "year": year, "commune_id": h.commune_id, "unit_id": h.unit_id,
                 "assessed_by_id": assessor, **cleaned} for _n, h, cleaned in ready]
    try:
        with transaction.atomic():
            ids = insert_rows(Assessment, new_rows)
            # Rows written without save(): tell the roll-ups which units changed.
            from vuonlen.indicators import rollups

            rollups.schedule((row["unit_id"], year, "assessment") for row in new_rows)
            audit_created_rows(actor=actor, model=Assessment, rows=list(zip(ids, new_rows)), source="import",
                               note=f"Nhập từ tệp {filename}",
                               describe=lambda pk, row: f"Đánh giá {row['year']} của hộ #{row['household_id']}")
            audit_record(actor=actor, action=AuditAction.IMPORT, source="import",
                         object_repr=f"Đánh giá hộ {year}: {filename}"[:300],
                         note=f"Nhập {len(ids)} đánh giá năm {year}; {unchanged} hộ không có thay đổi"[:500])
    except IntegrityError:
        return ImportResult(errors=[RowError(None, "", "Trong lúc nhập, một số hộ vừa được đánh giá; chưa ghi gì: "
                                                       "hãy nhập lại tệp để xem lỗi cụ thể")])
    return ImportResult(counts={"assessments": len(ids), "unchanged": unchanged})
