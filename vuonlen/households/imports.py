"""Excel import of households with their members, and of a year's review results.

Both imports read the whole file, check every row, and report every problem at once (the
row as the spreadsheet numbers it, the column by its header, a Vietnamese message). Nothing
is written unless the whole file is clean; then everything is written in one transaction,
with one audit row per record created and one IMPORT row for the file.

Re-importing a file changes nothing: a household (or a review) already in the registry with
the same data is recognised and counted as "không có thay đổi". Different data for a code
already in the registry is *not* an update:

* households: an error naming what differs. Members come and go with a reason and a date
  (birth, marriage, moving), which a list of names cannot say; those changes are made on the
  household's page.
* reviews: the same rule as ``services.review_record`` — a review of that year that is not
  yet recognised is superseded by the new one (kept, no longer current); a recognised one is
  frozen, so the row is an error (corrections need a reason, on the household's page).

The household file has one row per person (see ``docs/imports.md``): "Mã hộ" groups the rows
of a household, which sit together; the household's own columns (commune, village, area,
phone, address, notes) are read from the first row that has them, and later rows may leave
them blank (or merged) or repeat them unchanged.

Rows are checked with ``validation`` (the rules of the forms), and the registry is read in
a handful of set-wise queries whatever the file's size: no query per row.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Callable, Iterable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core import spreadsheets
from vuonlen.core.audit import audit_created_rows, audit_record, audit_updated_many, snapshot
from vuonlen.core.bulk import insert_rows
from vuonlen.core.formats import excel_serial_date, format_number, parse_date, year_typed_into_date_cell
from vuonlen.core.models import AuditAction
from vuonlen.core.periods import today_vn
from vuonlen.core.spreadsheets import (  # noqa: F401 - re-exported
    Column, FileRejected, FileUnreadable, RowError, errors_xlsx)
from vuonlen.core.text import fold, nfc, sort_key
from vuonlen.geo.models import AdministrativeUnit, Era, Level

from . import ethnicity, validation
from .models import Household, JoinReason, Membership, Person, Relation, Review, ReviewKind

logger = logging.getLogger(__name__)

MAX_ROWS = 300_000
_CHUNK = 2_000  # codes per IN (…) query: well inside SQLite's and PostgreSQL's limits
NOT_FOUND_COMMUNE = "Không tìm thấy xã mã {code} trong phạm vi của bạn"

Progress = Callable[[int, int, str], None]  # (done, total, phase)


class Phase:
    READ = "read"
    CHECK = "check"
    WRITE = "write"


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """One Vietnamese sentence: what was created, what was already there."""
        if self.errors:
            return f"Tệp có {format_number(len(self.errors))} lỗi; chưa ghi gì vào sổ."
        parts = [f"{format_number(self.counts[key])} {label}" for key, label in _COUNT_LABELS
                 if self.counts.get(key)]
        unchanged = self.counts.get("unchanged", 0)
        if not parts:
            return "Không có thay đổi: mọi dòng trong tệp đã có trong sổ."
        text = "Đã thêm " + ", ".join(parts)
        if self.counts.get("superseded"):
            text += f" (thay {format_number(self.counts['superseded'])} kết quả chưa công nhận)"
        if unchanged:
            text += f"; {format_number(unchanged)} hộ không có thay đổi"
        return text + "."


_COUNT_LABELS = (("households", "hộ"), ("persons", "nhân khẩu"), ("reviews", "kết quả rà soát"))


class _Reporter:
    """Calls ``progress`` at most every ``INTERVAL`` seconds: a 130,000-row file must not write
    130,000 updates to the job row."""

    INTERVAL = 0.3

    def __init__(self, progress: Progress | None):
        self.progress = progress
        self.last = 0.0

    def __call__(self, done: int, total: int, phase: str, *, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if force or now - self.last >= self.INTERVAL:
            self.last = now
            self.progress(done, total, phase)


def _chunks(items: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _sorted(errors: list[RowError], order: dict[str, int]) -> list[RowError]:
    return sorted(errors, key=lambda e: (e.row or 0, order.get(e.column, 99)))


def _is_blank(value) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


class _Units:
    """Communes of one era by code, and their villages by code and by folded name, in two queries."""

    def __init__(self, actor, era: str, commune_codes: Iterable[str]):
        self.actor = actor
        codes = sorted({c for c in commune_codes if c})
        self.communes: dict[str, AdministrativeUnit] = {}
        for chunk in _chunks(codes):
            for unit in AdministrativeUnit.objects.filter(era=era, level=Level.COMMUNE, code__in=chunk):
                self.communes[unit.code] = unit
        self.villages: dict[tuple[int, str], AdministrativeUnit] = {}
        for village in AdministrativeUnit.objects.filter(parent__in=list(self.communes.values()),
                                                         level=Level.VILLAGE):
            self.villages[(village.parent_id, fold(village.code))] = village
            self.villages[(village.parent_id, village.name_search)] = village
        self._can: dict[tuple[str, int], bool] = {}

    def can(self, perm: str, unit: AdministrativeUnit) -> bool:
        if self.actor is SYSTEM:
            return True  # the system (a command run without --user), as in the services
        key = (perm, unit.pk)
        if key not in self._can:
            self._can[key] = scoping.can(self.actor, perm, unit)
        return self._can[key]

    def village(self, commune: AdministrativeUnit, typed: str) -> AdministrativeUnit | None:
        return self.villages.get((commune.pk, fold(typed)))


# =============================================================================================
# Households with their members
# =============================================================================================

class H:
    """Column headers of the household file, as the template writes them."""

    COMMUNE = "Mã xã"
    VILLAGE = "Thôn"
    CODE = "Mã hộ"
    AREA = "Khu vực"
    PHONE = "Điện thoại"
    ADDRESS = "Địa chỉ"
    NOTES = "Ghi chú"
    NAME = "Họ và tên"
    SEX = "Giới tính"
    BIRTH = "Ngày sinh"
    RELATION = "Quan hệ với chủ hộ"
    ETHNICITY = "Dân tộc"
    CITIZEN_ID = "Số định danh cá nhân"
    INSURANCE = "Thẻ BHYT"
    SCHOOL = "Tình trạng đi học"
    EDUCATION = "Trình độ học vấn"
    OCCUPATION = "Việc làm"


HOUSEHOLD_COLUMNS = (
    Column.of(H.COMMUNE, "ma don vi", "ma dvhc", "ma so xa", prefixes=("ma xa",)),
    Column.of(H.CODE, "ma so ho", "so hieu ho", prefixes=("ma ho",)),
    Column.of(H.VILLAGE, "thon lang", "thon to", "ma thon", "ten thon", prefixes=("thon",), required=False),
    Column.of(H.AREA, "nong thon thanh thi", prefixes=("khu vuc",), required=False),
    Column.of(H.PHONE, "so dien thoai", "dt", "sdt", prefixes=("dien thoai",), required=False),
    Column.of(H.ADDRESS, prefixes=("dia chi",), required=False),
    Column.of(H.NOTES, prefixes=("ghi chu",), required=False),
    Column.of(H.NAME, "ho ten", "ten", prefixes=("ho va ten", "ho ten")),
    Column.of(H.SEX, "gioi", "nam nu", prefixes=("gioi tinh",)),
    Column.of(H.BIRTH, "nam sinh", "ngay thang nam sinh", prefixes=("ngay sinh", "nam sinh", "ngay thang nam sinh")),
    Column.of(H.RELATION, "quan he", "quan he chu ho", prefixes=("quan he",)),
    Column.of(H.ETHNICITY, "dan toc", prefixes=("dan toc",)),
    Column.of(H.CITIZEN_ID, "so dinh danh", "cccd", "so cccd", "can cuoc", "so can cuoc", "ma dinh danh",
              prefixes=("so dinh danh", "cccd", "so cccd", "can cuoc", "so can cuoc"), required=False),
    Column.of(H.INSURANCE, "bhyt", "bao hiem y te", "the bao hiem y te", prefixes=("the bhyt", "bhyt", "bao hiem"),
              required=False),
    Column.of(H.SCHOOL, "di hoc", prefixes=("tinh trang di hoc",), required=False),
    Column.of(H.EDUCATION, "hoc van", "trinh do", prefixes=("trinh do hoc van", "trinh do van hoa"), required=False),
    Column.of(H.OCCUPATION, "nghe nghiep", prefixes=("viec lam", "nghe nghiep"), required=False),
)
_HOUSEHOLD_ORDER = {name: i for i, name in enumerate(
    (H.COMMUNE, H.VILLAGE, H.CODE, H.AREA, H.PHONE, H.ADDRESS, H.NOTES, H.NAME, H.SEX, H.BIRTH, H.RELATION,
     H.ETHNICITY, H.CITIZEN_ID, H.INSURANCE, H.SCHOOL, H.EDUCATION, H.OCCUPATION))}
HOUSEHOLD_TEMPLATE_COLUMNS = tuple(_HOUSEHOLD_ORDER)

# Household columns read once per household; person fields of ``validation`` by column.
_HOUSEHOLD_CELLS = (H.COMMUNE, H.VILLAGE, H.AREA, H.PHONE, H.ADDRESS, H.NOTES)
_PERSON_COLUMNS = {
    "full_name": H.NAME, "sex": H.SEX, "birth_date": H.BIRTH, "birth_year": H.BIRTH, "relation": H.RELATION,
    "ethnicity": H.ETHNICITY, "citizen_id": H.CITIZEN_ID, "health_insurance": H.INSURANCE,
    "school_status": H.SCHOOL, "education_level": H.EDUCATION, "occupation": H.OCCUPATION,
}
_HOUSEHOLD_FIELD_COLUMNS = {"code": H.CODE, "area": H.AREA, "phone": H.PHONE, "address": H.ADDRESS,
                            "notes": H.NOTES}


@dataclass(slots=True)
class _Member:
    row: int
    raw: dict[str, Any]
    cleaned: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class _Block:
    """The rows of one household in the file."""

    row: int
    commune_code: str
    code: str
    cells: dict[str, tuple[int, str]] = field(default_factory=dict)  # column → (row, text) first given
    members: list[_Member] = field(default_factory=list)
    cleaned: dict[str, Any] = field(default_factory=dict)
    commune: AdministrativeUnit | None = None
    unit: AdministrativeUnit | None = None
    duplicate: bool = False
    existing_id: int | None = None  # an identical household already in the registry

    def cell(self, column: str) -> str:
        return self.cells.get(column, (0, ""))[1]

    def cell_row(self, column: str) -> int:
        return self.cells.get(column, (self.row, ""))[0]


# Stands for "as the head's" in a member's blank ethnicity until the head's is known.
_AS_HEAD = "=chủ hộ"


def _birth(value) -> dict[str, Any]:
    """One column takes a date (a real cell or "07/06/2023") or a year alone (1985).

    What the officer typed is kept whatever the cell's format: a year typed into a cell
    formatted as a date (stored as day 1985, 07/06/1905) is the year 1985, and a date typed into
    an unformatted cell (stored as Excel's number, 31205) is the date 07/06/1985."""
    if isinstance(value, (dt.date, dt.datetime)):
        year = year_typed_into_date_cell(value)
        return {"birth_year": year} if year is not None else {"birth_date": value}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        serial = excel_serial_date(value)
        return {"birth_date": serial} if serial is not None else {"birth_year": value}
    text = spreadsheets.cell_text(value)
    if text.isdigit() and len(text) == 4:
        return {"birth_year": text}
    return {"birth_date": text} if text else {}


class _HouseholdChecker:
    def __init__(self, actor, era: str, positions: dict[str, int], report: _Reporter):
        self.actor = actor
        self.era = era
        self.positions = positions
        self.report = report
        self.errors: list[RowError] = []
        self.blocks: list[_Block] = []
        self.today = today_vn()

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    # --- pass 1: rows into households ------------------------------------------------------

    def parse(self, rows: list[list], header_index: int) -> None:
        get = self._getter()
        seen: dict[tuple[str, str], int] = {}
        current: _Block | None = None
        total = len(rows) - header_index - 1
        for index in range(header_index + 1, len(rows)):
            row_number = index + 1
            values = get(rows[index])
            if all(_is_blank(v) for v in values.values()):
                continue
            code = spreadsheets.cell_text(values.get(H.CODE))
            commune_code = spreadsheets.code_text(values.get(H.COMMUNE))
            starts = code and (current is None or code != current.code
                               or (commune_code and commune_code != current.commune_code))
            if starts:
                if current is not None:
                    self._close(current)
                current = _Block(row_number, commune_code, code)
                self.blocks.append(current)
                key = (commune_code, code)
                if commune_code and key in seen:
                    current.duplicate = True
                    self.error(row_number, H.CODE, f"Hộ mã {code} của xã mã {commune_code} đã có ở dòng "
                                                   f"{seen[key]}; các dòng của một hộ phải liền nhau")
                else:
                    seen.setdefault(key, row_number)
            elif current is None:
                self.error(row_number, H.CODE, "Thiếu mã hộ")
                continue
            self._household_cells(current, row_number, values)
            member = {f: values.get(col) for f, col in _PERSON_COLUMNS.items() if f not in ("birth_date", "birth_year")}
            member.update(_birth(values.get(H.BIRTH)))
            current.members.append(_Member(row_number, member))
            self.report(index - header_index, total, Phase.CHECK)
        if current is not None:
            self._close(current)

    def _getter(self) -> Callable[[list], dict[str, Any]]:
        items = list(self.positions.items())

        def get(row: list) -> dict[str, Any]:
            width = len(row)
            return {name: row[pos] if pos < width else None for name, pos in items}

        return get

    def _household_cells(self, block: _Block, row: int, values: dict[str, Any]) -> None:
        for column in _HOUSEHOLD_CELLS:
            if column not in values:
                continue
            raw = values[column]
            text = spreadsheets.code_text(raw) if column == H.COMMUNE else spreadsheets.cell_text(raw)
            if not text:
                continue
            if column not in block.cells:
                block.cells[column] = (row, text)
                if column == H.COMMUNE and not block.commune_code:
                    block.commune_code = text
            elif block.cells[column][1] != text:
                first_row, first = block.cells[column]
                self.error(row, column, f"“{text[:40]}” khác với “{first[:40]}” ở dòng {first_row} của cùng hộ "
                                        f"{block.code}")

    def _close(self, block: _Block) -> None:
        """Clean the members and the household. A member's blank ethnicity is the head's."""
        relation_problem = False
        for member in block.members:
            cleaned, problems = validation.clean_person(member.raw, default_ethnicity=_AS_HEAD, today=self.today)
            member.cleaned = cleaned
            member.raw = None  # a 130,000-row file: keep only the cleaned values
            for field_name, message in problems:
                relation_problem |= field_name == "relation"
                self.error(member.row, _PERSON_COLUMNS.get(field_name, H.NAME), message)
        heads = [m for m in block.members if m.cleaned.get("relation") == Relation.HEAD]
        head_ethnicity = heads[0].cleaned.get("ethnicity", "") if heads else ""
        if head_ethnicity == _AS_HEAD:
            self.error(heads[0].row, H.ETHNICITY, "Thiếu dân tộc của chủ hộ")
            head_ethnicity = ""
        for member in block.members:
            if member.cleaned.get("ethnicity") == _AS_HEAD:
                member.cleaned["ethnicity"] = head_ethnicity
        if not relation_problem:
            # Only the head count: repeated ID numbers are checked across the whole file.
            problems = validation.check_members([{"relation": m.cleaned.get("relation")} for m in block.members])
            for _, message in problems:
                row = heads[1].row if len(heads) > 1 else block.row
                self.error(row, H.RELATION, f"Hộ {block.code}: {message}")
        head = next((m for m in block.members if m.cleaned.get("relation") == Relation.HEAD), None)
        data = {"code": block.code, "ethnicity": head.cleaned.get("ethnicity") if head else "",
                "area": block.cell(H.AREA), "phone": block.cell(H.PHONE), "address": block.cell(H.ADDRESS),
                "notes": block.cell(H.NOTES), "head_name": head.cleaned.get("full_name", "") if head else ""}
        cleaned, problems = validation.clean_household(data)
        block.cleaned = cleaned
        for field_name, message in problems:
            column = _HOUSEHOLD_FIELD_COLUMNS.get(field_name)
            if column is None:
                continue  # ethnicity and head name are the head's: reported on the head's row
            self.error(block.cell_row(column) if column != H.CODE else block.row, column, message)

    # --- pass 2: against the units and the registry ------------------------------------------

    def resolve(self) -> None:
        units = _Units(self.actor, self.era, (b.commune_code for b in self.blocks))
        for block in self.blocks:
            self._place(block, units)
        placed = [b for b in self.blocks if b.commune is not None and not b.duplicate]
        self._citizen_ids_in_file()
        existing = self._existing_households(placed)
        self._citizen_ids_in_registry(existing)

    def _place(self, block: _Block, units: _Units) -> None:
        row = block.cell_row(H.COMMUNE)
        if not block.commune_code:
            self.error(block.row, H.COMMUNE, "Thiếu mã xã")
            return
        commune = units.communes.get(block.commune_code)
        # Missing and out of scope read the same: the message reveals nothing outside the scope.
        if commune is None or not units.can(roles.HOUSEHOLD_VIEW, commune):
            self.error(row, H.COMMUNE, NOT_FOUND_COMMUNE.format(code=block.commune_code[:30]))
            return
        unit = commune
        village_text = block.cell(H.VILLAGE)
        if village_text:
            unit = units.village(commune, village_text)
            if unit is None:
                self.error(block.cell_row(H.VILLAGE), H.VILLAGE,
                           f"Không tìm thấy thôn “{village_text[:40]}” của {commune.name}")
                return
        if not units.can(roles.HOUSEHOLD_EDIT, unit):
            self.error(row, H.COMMUNE, f"Bạn không có quyền nhập hộ cho {unit.name}")
            return
        block.commune, block.unit = commune, unit

    def _citizen_ids_in_file(self) -> None:
        first: dict[str, int] = {}
        for block in self.blocks:
            for member in block.members:
                cid = member.cleaned.get("citizen_id")
                if not cid:
                    continue
                if cid in first:
                    self.error(member.row, H.CITIZEN_ID, f"Số định danh cá nhân trùng với dòng {first[cid]}")
                else:
                    first[cid] = member.row

    def _existing_households(self, blocks: list[_Block]) -> dict[int, set[int]]:
        """Mark blocks identical to a household already in the registry; report the others.
        Returns the person ids of each identical household (their ID numbers are theirs).
        Read as plain values: a re-import of 30,000 households must not build 160,000 instances."""
        by_key = {(b.commune.pk, b.code): b for b in blocks}
        codes = sorted({b.code for b in blocks})
        commune_ids = sorted({b.commune.pk for b in blocks})
        found: list[dict[str, Any]] = []
        for chunk in _chunks(codes):
            found += Household.objects.filter(commune_id__in=commune_ids, code__in=chunk).values(*_HOUSEHOLD_VALUES)
        found = [h for h in found if (h["commune_id"], h["code"]) in by_key]
        members: dict[int, list[tuple]] = defaultdict(list)
        for chunk in _chunks([h["id"] for h in found]):
            for household_id, person_id, *values in (
                    Membership.objects.filter(household_id__in=chunk, ended_on__isnull=True)
                    .values_list("household_id", "person_id", "relation", *(f"person__{f}" for f in _PERSON_FIELDS))):
                members[household_id].append((person_id, tuple(values)))
        identical: dict[int, set[int]] = {}
        for household in found:
            block = by_key[(household["commune_id"], household["code"])]
            rows = members[household["id"]]
            differences = _differences(block, household, [values for _, values in rows])
            if differences:
                self.error(block.row, H.CODE,
                           f"{block.commune.name} đã có hộ mã {block.code} với thông tin khác "
                           f"({', '.join(differences)}); "
                           "nhập tệp không sửa hộ đã có: hãy sửa trên trang của hộ hoặc bỏ hộ này khỏi tệp")
            else:
                block.existing_id = household["id"]
                identical[household["id"]] = {person_id for person_id, _ in rows}
        return identical

    def _citizen_ids_in_registry(self, identical: dict[int, set[int]]) -> None:
        wanted = {}
        for block in self.blocks:
            for member in block.members:
                cid = member.cleaned.get("citizen_id")
                if cid:
                    wanted.setdefault(cid, (block, member))
        allowed = set().union(*identical.values()) if identical else set()
        for chunk in _chunks(sorted(wanted)):
            for cid, person_id in Person.objects.filter(citizen_id__in=chunk).values_list("citizen_id", "pk"):
                if person_id in allowed:
                    continue
                block, member = wanted[cid]
                self.error(member.row, H.CITIZEN_ID,
                           f"Số định danh {validation.mask_citizen_id(cid)} đã có trong sổ hộ (của một người khác)")

    # --- writing ---------------------------------------------------------------------------

    def new_blocks(self) -> list[_Block]:
        return [b for b in self.blocks if b.existing_id is None]


_PERSON_FIELDS = ("full_name", "sex", "birth_date", "birth_year", "ethnicity", "citizen_id", "health_insurance",
                  "school_status", "education_level", "occupation")
_HOUSEHOLD_VALUES = ("id", "commune_id", "code", "unit_id", "head_name", "ethnicity", "area", "phone", "address",
                     "notes", "ended_on")


def _cleaned_person_values(member: _Member) -> tuple:
    """A member of the file as (relation, *the person's fields), as the registry stores them."""
    c = member.cleaned
    values = [c.get("relation")]
    for f in _PERSON_FIELDS:
        value = c.get(f)
        if value is None and f in ("school_status", "education_level", "occupation"):
            value = ""
        elif f == "birth_year" and value is not None:
            value = int(value)
        elif f == "health_insurance":
            value = bool(value)
        values.append(value)
    return tuple(values)


def _differences(block: _Block, household: dict[str, Any], members: list[tuple]) -> list[str]:
    """What differs between the file's household and the registry's, in the officer's words."""
    c = block.cleaned
    area = c.get("area") or _area_for(block.unit, block.commune)
    head = next((m for m in block.members if m.cleaned.get("relation") == Relation.HEAD), None)
    checks = [
        ("thôn", household["unit_id"] == block.unit.pk),
        ("chủ hộ", head is not None and household["head_name"] == head.cleaned.get("full_name")),
        ("dân tộc", household["ethnicity"] == (head.cleaned.get("ethnicity") if head else "")),
        ("khu vực", household["area"] == area),
        ("điện thoại", household["phone"] == c.get("phone", "")),
        ("địa chỉ", household["address"] == c.get("address", "")),
        ("ghi chú", household["notes"] == c.get("notes", "")),
    ]
    differences = [label for label, same in checks if not same]
    if household["ended_on"] is not None:
        differences.insert(0, f"hộ đã kết thúc ngày {household['ended_on']:%d/%m/%Y}")
    if len(members) != len(block.members):
        differences.append(f"số nhân khẩu {len(members)} trong sổ, {len(block.members)} trong tệp")
    elif Counter(members) != Counter(_cleaned_person_values(m) for m in block.members):
        differences.append("thông tin nhân khẩu")
    return differences


def _area_for(unit: AdministrativeUnit, commune: AdministrativeUnit) -> str:
    from .services import area_for

    return area_for(unit, commune)


class _Keys:
    """Search and sort keys of names, each worked out once per import (names repeat)."""

    def __init__(self):
        self.cache: dict[str, tuple[str, str]] = {}

    def __call__(self, name: str) -> tuple[str, str]:
        keys = self.cache.get(name)
        if keys is None:
            keys = self.cache[name] = (fold(name), sort_key(name))
        return keys


def _write_households(*, actor, blocks: list[_Block], filename: str) -> dict[str, int]:
    """Households, then people, then memberships, each in multi-row INSERTs (``core.bulk``),
    with their audit rows: the ORM's bulk_create would spend most of the import's time here."""
    created_by = actor.pk if getattr(actor, "pk", None) else None
    keys = _Keys()
    household_rows = []
    for block in blocks:
        c = block.cleaned
        head = next(m for m in block.members if m.cleaned["relation"] == Relation.HEAD)
        head_name = head.cleaned["full_name"]
        search, sort = keys(head_name)
        household_rows.append({
            "commune_id": block.commune.pk, "unit_id": block.unit.pk, "code": c["code"], "head_name": head_name,
            "head_search": search, "head_sort": sort,
            "area": c.get("area") or _area_for(block.unit, block.commune), "area_overridden": bool(c.get("area")),
            "ethnicity": head.cleaned["ethnicity"],
            "is_ethnic_minority": ethnicity.is_minority(head.cleaned["ethnicity"]),
            "phone": c.get("phone", ""), "address": c.get("address", ""), "notes": c.get("notes", ""),
            "started_on": c.get("started_on"), "created_by_id": created_by,
        })
    household_ids = insert_rows(Household, household_rows)

    person_rows = []
    for block in blocks:
        for member in block.members:
            c = member.cleaned
            search, sort = keys(c["full_name"])
            person_rows.append({
                "full_name": c["full_name"], "name_search": search, "name_sort": sort, "sex": c["sex"],
                "birth_date": c.get("birth_date"), "birth_year": c.get("birth_year"), "ethnicity": c["ethnicity"],
                "citizen_id": c.get("citizen_id") or None, "health_insurance": bool(c.get("health_insurance")),
                "school_status": c.get("school_status") or "", "education_level": c.get("education_level") or "",
                "occupation": c.get("occupation") or "",
            })
    person_ids = insert_rows(Person, person_rows)

    membership_rows = []
    people = iter(person_ids)
    codes = {}
    for household_id, block in zip(household_ids, blocks):
        codes[household_id] = block.code
        for member in block.members:
            membership_rows.append({
                "household_id": household_id, "person_id": next(people), "relation": member.cleaned["relation"],
                "started_on": member.cleaned.get("started_on"),
                "start_reason": member.cleaned.get("start_reason") or JoinReason.FOUNDING,
            })
    membership_ids = insert_rows(Membership, membership_rows)

    # What str() of each instance says: never a person's name (see the models).
    note = f"Nhập từ tệp {filename}"
    audit_created_rows(actor=actor, model=Household, rows=list(zip(household_ids, household_rows)), note=note,
                       describe=lambda pk, row: f"Hộ {row['code']}")
    audit_created_rows(actor=actor, model=Person, rows=list(zip(person_ids, person_rows)), note=note,
                       describe=lambda pk, row: f"Nhân khẩu #{pk}")
    audit_created_rows(actor=actor, model=Membership, rows=list(zip(membership_ids, membership_rows)), note=note,
                       describe=lambda pk, row: f"Nhân khẩu #{row['person_id']} trong Hộ {codes[row['household_id']]}")
    return {"households": len(household_ids), "persons": len(person_ids)}


def _file_error(message: str) -> ImportResult:
    return ImportResult(errors=[RowError(None, "", message)])


def import_households(*, actor, file: BinaryIO | bytes, filename: str, era: str = Era.PRE_2025,
                      progress: Progress | None = None) -> ImportResult:
    """Check the whole household file; write every household and member only if no row has a problem.

    Commune codes are read in ``era`` (by default before 1 July 2025, the campaign's data period).
    ``progress(done, total, phase)`` is called now and then while the file is checked and written.
    """
    report = _Reporter(progress)
    filename = nfc(filename)
    report(0, 0, Phase.READ, force=True)
    try:
        rows = spreadsheets.read_table(file, filename, columns=HOUSEHOLD_COLUMNS, max_rows=MAX_ROWS)
        header_index, positions = spreadsheets.locate_header(rows, HOUSEHOLD_COLUMNS)
    except FileUnreadable:
        raise  # the parser died on the file: the job fails with the message (see core.sheet_guard)
    except FileRejected as exc:
        return _file_error(str(exc))
    checker = _HouseholdChecker(actor, era, positions, report)
    checker.parse(rows, header_index)
    del rows  # the file's cells are no longer needed: only the checked values go on
    if not checker.blocks and not checker.errors:
        return _file_error("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề")
    checker.resolve()
    if checker.errors:
        return ImportResult(errors=_sorted(checker.errors, _HOUSEHOLD_ORDER))
    blocks = checker.new_blocks()
    unchanged = len(checker.blocks) - len(blocks)
    counts = {"households": 0, "persons": 0, "unchanged": unchanged}
    if not blocks:
        return ImportResult(counts=counts)
    # Inside the transaction progress could not be seen by anyone else: the phase is all there is.
    report(0, 0, Phase.WRITE, force=True)
    try:
        with transaction.atomic():
            counts.update(_write_households(actor=actor, blocks=blocks, filename=filename))
            audit_record(actor=actor, action=AuditAction.IMPORT, source="import",
                         object_repr=f"Hộ gia đình: {filename}"[:300],
                         note=(f"Nhập {counts['households']} hộ, {counts['persons']} nhân khẩu từ tệp {filename}"
                               f"{f'; {unchanged} hộ không có thay đổi' if unchanged else ''}")[:500])
    except IntegrityError:
        # Someone registered the same code or ID number between the check and the write.
        logger.warning("household import rolled back on a concurrent change", exc_info=True)
        return _file_error("Trong lúc nhập, sổ hộ vừa có thay đổi trùng với tệp (cùng mã hộ hoặc số định danh); "
                           "chưa ghi gì: hãy nhập lại tệp để xem lỗi cụ thể")
    return ImportResult(counts=counts)


# =============================================================================================
# A year's review results
# =============================================================================================

class R:
    """Column headers of the review file; one more column per indicator of the year's standard,
    headed by the indicator's Vietnamese name (its code is accepted too)."""

    COMMUNE = "Mã xã"
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
    Column.of(R.COMMUNE, "ma don vi", "ma dvhc", "ma so xa", prefixes=("ma xa",)),
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
    from .year_standards import standard_for

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


class _ReviewChecker:
    def __init__(self, actor, era: str, year: int, positions: dict[str, int], report: _Reporter):
        self.actor = actor
        self.era = era
        self.year = year
        self.positions = positions
        self.report = report
        self.errors: list[RowError] = []
        self.rows: list[_ReviewRow] = []
        self.skipped = 0
        self.today = today_vn()
        indicators = _indicators(year)
        self.indicator_names = {i.code: i.name_vi for i in indicators}
        self.indicator_columns = [(i.code, i.name_vi) for i in indicators]
        self.first_indicator = indicators[0].name_vi if indicators else ""

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    def parse(self, rows: list[list], header_index: int) -> None:
        items = list(self.positions.items())
        seen: dict[tuple[str, str], int] = {}
        review_cells = [name for name in self.positions if name not in (R.COMMUNE, R.CODE, R.HEAD)]
        total = len(rows) - header_index - 1
        for index in range(header_index + 1, len(rows)):
            raw_row = rows[index]
            width = len(raw_row)
            values = {name: raw_row[pos] if pos < width else None for name, pos in items}
            row = index + 1
            self.report(index - header_index, total, Phase.CHECK)
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
            self.error(row, R.COMMUNE, "Thiếu mã xã")
        if not code:
            self.error(row, R.CODE, "Thiếu mã hộ")
        lacking = []
        for indicator_code, name in self.indicator_columns:
            try:
                if validation.parse_bool(values.get(name)):
                    lacking.append(indicator_code)
            except ValueError:
                text = spreadsheets.cell_text(values.get(name))
                self.error(row, name, f"Chỉ đánh “x” (thiếu hụt) hoặc để trống, không nhận “{text[:20]}”")
        data = {"income_per_capita": values.get(R.INCOME), "score_a": values.get(R.SCORE_A), "lacking": lacking,
                "kind": values.get(R.KIND), "reviewed_on": values.get(R.REVIEWED_ON),
                "farming": values.get(R.FARMING)}
        cleaned, problems = validation.clean_review(data, indicators=self.indicator_names, year=self.year)
        for field_name, message in problems:
            self.error(row, _REVIEW_FIELD_COLUMNS.get(field_name, self.first_indicator), message)
        reviewed_on = cleaned.get("reviewed_on")
        if reviewed_on and reviewed_on > self.today:
            self.error(row, R.REVIEWED_ON, "Ngày rà soát ở tương lai")
        number, date = self._decision(row, values, reviewed_on)
        key = (commune_code, code)
        if commune_code and code:
            if key in seen:
                self.error(row, R.CODE, f"Hộ mã {code} của xã mã {commune_code} đã có ở dòng {seen[key]}")
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
                self.error(row, R.DECISION_DATE, f"Ngày quyết định: {exc}")
                return number, None
        if len(number) > 60:
            self.error(row, R.DECISION_NUMBER, "Số quyết định dài quá 60 ký tự")
        if number and date is None and _is_blank(raw_date):
            self.error(row, R.DECISION_DATE, "Thiếu ngày quyết định (có số quyết định)")
        if date and not number:
            self.error(row, R.DECISION_NUMBER, "Thiếu số quyết định công nhận (có ngày quyết định)")
        if date and date > self.today:
            self.error(row, R.DECISION_DATE, "Ngày quyết định ở tương lai")
        if date and reviewed_on and date < reviewed_on:
            self.error(row, R.DECISION_DATE, "Ngày quyết định trước ngày rà soát")
        return number, date

    # --- against the registry ----------------------------------------------------------------

    def resolve(self) -> None:
        from .services import RECOGNISED_MESSAGE

        units = _Units(self.actor, self.era, (r.commune_code for r in self.rows))
        wanted: dict[int, list[_ReviewRow]] = defaultdict(list)
        for item in self.rows:
            commune = units.communes.get(item.commune_code)
            if commune is None or not units.can(roles.HOUSEHOLD_VIEW, commune):
                if item.commune_code:
                    self.error(item.row, R.COMMUNE, NOT_FOUND_COMMUNE.format(code=item.commune_code[:30]))
                continue
            if item.code:
                wanted[commune.pk].append(item)
        households = self._households(wanted)
        for commune_id, items in wanted.items():
            for item in items:
                household = households.get((commune_id, item.code))
                if household is None or not units.can(roles.HOUSEHOLD_VIEW, household.unit):
                    self.error(item.row, R.CODE, f"Không tìm thấy hộ mã {item.code[:30]} của xã mã "
                                                 f"{item.commune_code} trong phạm vi của bạn")
                elif not units.can(roles.HOUSEHOLD_EDIT, household.unit):
                    self.error(item.row, R.CODE, f"Bạn chỉ có quyền xem hộ mã {item.code}, không ghi được kết quả")
                else:
                    item.household = household
        found = [item for item in self.rows if item.household is not None]
        self._persons(found)
        existing = self._existing_reviews(found)
        for item in found:
            household = item.household
            on = item.cleaned.get("reviewed_on") or self.today
            if household.ended_on and household.ended_on <= on:
                self.error(item.row, R.CODE, f"Hộ mã {item.code} đã kết thúc ngày {household.ended_on:%d/%m/%Y}")
                continue
            if item.persons == 0:
                self.error(item.row, R.CODE, f"Hộ mã {item.code} không có nhân khẩu nào vào ngày {on:%d/%m/%Y}")
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
        from .services import lines_for

        cache = self.__dict__.setdefault("_line_cache", {})
        if area not in cache:
            from .year_standards import standard_for

            cache[area] = lines_for(standard_for(self.year).code, area)
        return cache[area]

    def _rules(self) -> tuple[dict, dict]:
        """The administrator's year → standard rule and indicator lists, read once per import."""
        if "_year_rules" not in self.__dict__:
            from .year_standards import effective_standards, year_overrides

            self.__dict__["_year_rules"] = (year_overrides(), effective_standards())
        return self.__dict__["_year_rules"]


def _write_reviews(*, actor, checker: _ReviewChecker, filename: str) -> dict[str, int]:
    from .services import apply_classification  # the same snapshot of a result as a form's review

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

    rollups.schedule([(r.unit_id, r.year) for r in reviews] + [(r.unit_id, r.year) for r in superseded])
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


def import_reviews(*, actor, file: BinaryIO | bytes, filename: str, year: int, era: str = Era.PRE_2025,
                   progress: Progress | None = None) -> ImportResult:
    """Check a year's review file; write every review only if no row has a problem.

    Each status is computed by ``poverty.classify`` under the standard of ``year``, with the
    administrator's lines (``services.lines_for``), and frozen in the review with the snapshot
    of the household (commune, unit, area, ethnic-minority flag, persons on the review date).
    """
    from .year_standards import standard_or_none

    report = _Reporter(progress)
    filename = nfc(filename)
    if standard_or_none(year) is None:
        return _file_error(f"Chưa có chuẩn nghèo áp dụng cho năm {year}")
    report(0, 0, Phase.READ, force=True)
    columns = review_columns_for(year)
    # Indicator names are matched exactly, before the prefix rules of the other columns.
    matching = tuple(sorted(columns, key=lambda c: 0 if not c.prefixes else 1))
    try:
        rows = spreadsheets.read_table(file, filename, columns=matching, max_rows=MAX_ROWS)
        header_index, positions = spreadsheets.locate_header(rows, matching)
    except FileUnreadable:
        raise  # the parser died on the file: the job fails with the message (see core.sheet_guard)
    except FileRejected as exc:
        return _file_error(str(exc))
    if R.INCOME not in positions and R.SCORE_A not in positions:
        return _file_error(f"Dòng tiêu đề thiếu cột: {R.INCOME} (hoặc {R.SCORE_A})")
    checker = _ReviewChecker(actor, era, year, positions, report)
    checker.parse(rows, header_index)
    del rows
    if not checker.rows and not checker.errors:
        if checker.skipped:
            return _file_error("Tệp chưa có kết quả rà soát nào: các dòng chỉ có mã hộ, chưa có thu nhập, "
                               "điểm A hay chỉ số thiếu hụt")
        return _file_error("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề")
    checker.resolve()
    if checker.errors:
        return ImportResult(errors=_sorted(checker.errors, _review_order(year)))
    new = [item for item in checker.rows if item.result is not None]
    unchanged = len(checker.rows) - len(new)
    counts = {"reviews": 0, "superseded": 0, "unchanged": unchanged,
              "skipped": checker.skipped}
    if not new:
        return ImportResult(counts=counts)
    report(0, 0, Phase.WRITE, force=True)
    try:
        with transaction.atomic():
            counts.update(_write_reviews(actor=actor, checker=checker, filename=filename))
            audit_record(actor=actor, action=AuditAction.IMPORT, source="import",
                         object_repr=f"Kết quả rà soát {year}: {filename}"[:300],
                         note=_review_note(counts, year, filename))
    except IntegrityError:
        logger.warning("review import rolled back on a concurrent change", exc_info=True)
        return _file_error("Trong lúc nhập, kết quả rà soát của một số hộ vừa được người khác ghi; chưa ghi gì: "
                           "hãy nhập lại tệp để xem lỗi cụ thể")
    return ImportResult(counts=counts)
