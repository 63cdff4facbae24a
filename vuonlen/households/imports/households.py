"""The household file: households with their members, one row per person (see the package)."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext

from vuonlen.accounts import roles
from vuonlen.core import spreadsheets
from vuonlen.core.audit import Created, Related, audit_created_in_database, audit_record
from vuonlen.core.audit import column as record_column
from vuonlen.core.bulk import insert_rows
from vuonlen.core.formats import excel_serial_date, year_typed_into_date_cell
from vuonlen.core.models import AuditAction
from vuonlen.core.spreadsheets import Column, FileRejected, FileUnreadable, RowError
from vuonlen.core.text import fold, nfc, sort_key
from vuonlen.geo.models import AdministrativeUnit, Era
from vuonlen.indicators import figures_cache

from .. import ethnicity, validation
from ..models import Household, JoinReason, Membership, Person, Relation
from ..names import names_text
from .common import (
    COMMUNE_COLUMN,
    COMMUNE_HEADER,
    NOT_FOUND_COMMUNE,
    Checker,
    ImportResult,
    Phase,
    Progress,
    Sheet,
    Writer,
    _chunks,
    _file_error,
    _is_blank,
    _Reporter,
    _sorted,
    _Units,
    read_sheet,
    rows_with,
    sqlite_write_cache,
    without_cyclic_gc,
)

logger = logging.getLogger(__name__)

# =============================================================================================
# Households with their members
# =============================================================================================

class H:
    """Column headers of the household file, as the template writes them."""

    COMMUNE = COMMUNE_HEADER
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
    COMMUNE_COLUMN,
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
# The member's cells as ``clean_person`` reads them, the birth column aside (see ``_birth``).
_MEMBER_CELLS = tuple((f, col) for f, col in _PERSON_COLUMNS.items() if f not in ("birth_date", "birth_year"))
_HOUSEHOLD_FIELD_COLUMNS = {"code": H.CODE, "area": H.AREA, "phone": H.PHONE, "address": H.ADDRESS,
                            "notes": H.NOTES}


@dataclass(slots=True)
class _Member:
    row: int
    raw: dict[str, Any]
    cleaned: dict[str, Any] = field(default_factory=dict)
    first_citizen_id: bool = False  # the first row of the file with this member's ID number


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


# Households per chunk: checked by the import's thread while the chunk before is written.
CHUNK_HOUSEHOLDS = 2_000

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


class _HouseholdChecker(Checker):
    def __init__(self, actor, era: str, positions: dict[str, int], report: _Reporter):
        super().__init__(actor, era, positions, report)
        self.households = 0  # blocks read so far
        self.done = 0  # rows read so far
        # The errors of each pass, apart: put together in the order one pass after the other
        # made them (``all_errors``), whatever thread found them when.
        self.place_errors: list[RowError] = []
        self.in_file_errors: list[RowError] = []
        self.existing_errors: list[RowError] = []
        self._first_citizen_id: dict[str, int] = {}  # ID number → row of its first appearance
        # ID numbers found in the registry, by their first row in the file: which of them are
        # errors is known only once every household identical to the registry's is known.
        self._registry_hits: list[tuple[str, int, _Member]] = []
        self._allowed: set[int] = set()  # people of households identical to the registry's
        self.unchanged = 0
        self.written_households: set[int] = set()

    def all_errors(self) -> list[RowError]:
        registry = []
        for cid, person_id, member in self._registry_hits:
            if person_id not in self._allowed:
                registry.append(RowError(member.row, H.CITIZEN_ID, f"Số định danh {validation.mask_citizen_id(cid)} "
                                                                   "đã có trong sổ hộ (của một người khác)"))
        return [*self.errors, *self.place_errors, *self.in_file_errors, *self.existing_errors, *registry]

    def has_errors(self) -> bool:
        """Any error found so far (a registry hit counts: see ``_citizen_ids_in_registry``)."""
        return bool(self.errors or self.place_errors or self.in_file_errors or self.existing_errors
                    or any(person_id not in self._allowed for _, person_id, _ in self._registry_hits))

    # --- pass 1: rows into households ------------------------------------------------------

    def parse(self, sheet: Sheet, size: int = CHUNK_HOUSEHOLDS) -> Iterator[list[_Block]]:
        """The file's households, checked on their own, in chunks of ``size`` in the file's order
        (the last one shorter). Across chunks: a household's rows apart in the file, and ID
        numbers repeated in the file (``_citizen_ids_in_file``), are found as in one pass."""
        get = sheet.reader()
        seen: dict[tuple[str, str], int] = {}
        current: _Block | None = None
        total = sheet.total
        closed: list[_Block] = []
        for done, row_number, cells in sheet.data():
            self.done = done
            if not done % 1024:
                total = sheet.total  # estimated while the file is still being read
            values = get(cells)
            if all(_is_blank(v) for v in values.values()):
                continue
            code = spreadsheets.cell_text(values.get(H.CODE))
            commune_code = spreadsheets.code_text(values.get(H.COMMUNE))
            starts = code and (current is None or code != current.code
                               or (commune_code and commune_code != current.commune_code))
            if starts:
                if current is not None:
                    self._close(current)
                    closed.append(current)
                    if len(closed) >= size:
                        self._citizen_ids_in_file(closed)
                        yield closed
                        closed = []
                current = _Block(row_number, commune_code, code)
                self.households += 1
                key = (commune_code, code)
                if commune_code and key in seen:
                    current.duplicate = True
                    self.error(row_number, H.CODE, gettext("Hộ mã %(code)s của xã mã %(commune)s đã có ở dòng %(row)s; "
                                                           "các dòng của một hộ phải liền nhau")
                               % {"code": code, "commune": commune_code, "row": seen[key]})
                else:
                    seen.setdefault(key, row_number)
            elif current is None:
                self.error(row_number, H.CODE, gettext("Thiếu mã hộ"))
                continue
            self._household_cells(current, row_number, values)
            member = {f: values.get(col) for f, col in _MEMBER_CELLS}
            member.update(_birth(values.get(H.BIRTH)))
            current.members.append(_Member(row_number, member))
            self.report(done, total, Phase.CHECK)
        if current is not None:
            self._close(current)
            closed.append(current)
        if closed:
            self._citizen_ids_in_file(closed)
            yield closed

    def _household_cells(self, block: _Block, row: int, values: dict[str, Any]) -> None:
        for column in _HOUSEHOLD_CELLS:
            raw = values.get(column)
            if raw is None or raw == "":
                continue  # most rows: a member's row leaves the household's cells blank
            text = spreadsheets.code_text(raw) if column == H.COMMUNE else spreadsheets.cell_text(raw)
            if not text:
                continue
            if column not in block.cells:
                block.cells[column] = (row, text)
                if column == H.COMMUNE and not block.commune_code:
                    block.commune_code = text
            elif block.cells[column][1] != text:
                first_row, first = block.cells[column]
                self.error(row, column, gettext("“%(text)s” khác với “%(first)s” ở dòng %(row)s của cùng hộ %(code)s")
                           % {"text": text[:40], "first": first[:40], "row": first_row, "code": block.code})

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
            self.error(heads[0].row, H.ETHNICITY, gettext("Thiếu dân tộc của chủ hộ"))
            head_ethnicity = ""
        for member in block.members:
            if member.cleaned.get("ethnicity") == _AS_HEAD:
                member.cleaned["ethnicity"] = head_ethnicity
        if not relation_problem:
            # Only the head count: repeated ID numbers are checked across the whole file.
            problems = validation.check_members([{"relation": m.cleaned.get("relation")} for m in block.members])
            for _, message in problems:
                row = heads[1].row if len(heads) > 1 else block.row
                self.error(row, H.RELATION, gettext("Hộ %(code)s: %(problem)s") % {"code": block.code, "problem": message})
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

    def resolve(self, blocks: list[_Block], units: _Units) -> None:
        """A chunk of households against the units and the registry (on the import's connection,
        in the writer's thread: its errors go to lists of their own, not to the parse's)."""
        for block in blocks:
            self._place(block, units)
        placed = [b for b in blocks if b.commune is not None and not b.duplicate]
        existing = self._existing_households(placed)
        self._allowed.update(*existing.values())
        self._citizen_ids_in_registry(blocks)

    @staticmethod
    def _error(errors: list[RowError], row: int | None, column: str, message: str) -> None:
        errors.append(RowError(row, column, message))

    def _place(self, block: _Block, units: _Units) -> None:
        row = block.cell_row(H.COMMUNE)
        if not block.commune_code:
            self._error(self.place_errors, block.row, H.COMMUNE, gettext("Thiếu mã xã"))
            return
        commune = units.communes.get(block.commune_code)
        # Missing and out of scope read the same: the message reveals nothing outside the scope.
        if commune is None or not units.can(roles.HOUSEHOLD_VIEW, commune):
            self._error(self.place_errors, row, H.COMMUNE, NOT_FOUND_COMMUNE % {"code": block.commune_code[:30]})
            return
        unit = commune
        village_text = block.cell(H.VILLAGE)
        if village_text:
            unit = units.village(commune, village_text)
            if unit is None:
                self._error(self.place_errors, block.cell_row(H.VILLAGE), H.VILLAGE,
                           f"Không tìm thấy thôn “{village_text[:40]}” của {commune.name}")
                return
        if not units.can(roles.HOUSEHOLD_EDIT, unit):
            self._error(self.place_errors, row, H.COMMUNE, gettext("Bạn không có quyền nhập hộ cho %(unit)s") % {"unit": unit.name})
            return
        block.commune, block.unit = commune, unit

    def _citizen_ids_in_file(self, blocks: list[_Block]) -> None:
        first = self._first_citizen_id
        for block in blocks:
            for member in block.members:
                cid = member.cleaned.get("citizen_id")
                if not cid:
                    continue
                if cid in first:
                    self.in_file_errors.append(RowError(
                        member.row, H.CITIZEN_ID,
                        gettext("Số định danh cá nhân trùng với dòng %(row)s") % {"row": first[cid]}))
                else:
                    first[cid] = member.row
                    member.first_citizen_id = True

    def _existing_households(self, blocks: list[_Block]) -> dict[int, set[int]]:
        """Mark blocks identical to a household already in the registry; report the others.
        Returns the person ids of each identical household (their ID numbers are theirs).
        Read as plain values: a re-import of 30,000 households must not build 160,000 instances."""
        by_key = {(b.commune.pk, b.code): b for b in blocks}
        found = _households_at(sorted(by_key))
        # Not the households this import has just written (a code twice in the file, its commune
        # cell apart from the first row: the write meets the unique key, as in one pass).
        found = [h for h in found if (h["commune_id"], h["code"]) in by_key and h["id"] not in self.written_households]
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
                self._error(self.existing_errors, block.row, H.CODE,
                           f"{block.commune.name} đã có hộ mã {block.code} với thông tin khác "
                           f"({', '.join(differences)}); "
                           "nhập tệp không sửa hộ đã có: hãy sửa trên trang của hộ hoặc bỏ hộ này khỏi tệp")
            else:
                block.existing_id = household["id"]
                identical[household["id"]] = {person_id for person_id, _ in rows}
        return identical

    def _citizen_ids_in_registry(self, blocks: list[_Block]) -> None:
        """ID numbers first seen in this chunk that the registry has. Those of a person in a
        household identical to the file's are not errors, even one found in a later chunk: kept
        until the end (``all_errors``); meanwhile they stop the writes (``has_errors``)."""
        wanted = {}
        for block in blocks:
            for member in block.members:
                if member.first_citizen_id:
                    wanted[member.cleaned["citizen_id"]] = member
        for cid, person_id in rows_with(Person, "citizen_id", sorted(wanted), "id"):
            self._registry_hits.append((cid, person_id, wanted[cid]))

    # --- writing ---------------------------------------------------------------------------


_PERSON_FIELDS = ("full_name", "sex", "birth_date", "birth_year", "ethnicity", "citizen_id", "health_insurance",
                  "school_status", "education_level", "occupation")
_HOUSEHOLD_VALUES = ("id", "commune_id", "code", "unit_id", "head_name", "ethnicity", "area", "phone", "address",
                     "notes", "ended_on")


def _households_at(keys: list[tuple[int, str]]) -> list[dict[str, Any]]:
    """The registry's households at these (commune id, code) pairs, as dicts of
    ``_HOUSEHOLD_VALUES``: one probe of the (commune, code) unique index per pair, in plain SQL.
    (``commune_id IN (…) AND code IN (…)`` probed every commune with every code: 200,000 probes
    for a chunk of 2,000 households over a province's 100 communes; the ORM also prepared each
    code through the field.)"""
    quote = connection.ops.quote_name
    columns = ", ".join(f"h.{quote(c)}" for c in _HOUSEHOLD_VALUES)
    table = quote(Household._meta.db_table)
    found: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT {columns} FROM unnest(%s::bigint[], %s::text[]) AS k (commune_id, code) "
                           f"JOIN {table} h ON h.commune_id = k.commune_id AND h.code = k.code",
                           [[c for c, _ in keys], [code for _, code in keys]])
            found = cursor.fetchall()
        else:
            for chunk in _chunks(keys):
                # CROSS JOIN: SQLite reads the pairs first and probes the index with each.
                cursor.execute(f"SELECT {columns} FROM (VALUES {', '.join(['(%s, %s)'] * len(chunk))}) AS k "
                               f"CROSS JOIN {table} h ON h.commune_id = k.column1 AND h.code = k.column2",
                               [value for pair in chunk for value in pair])
                found += cursor.fetchall()
    households = [dict(zip(_HOUSEHOLD_VALUES, row)) for row in found]
    for household in households:
        if isinstance(household["ended_on"], str):  # SQLite gives a date as its text
            household["ended_on"] = dt.date.fromisoformat(household["ended_on"])
    return households


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
    from ..services import area_for

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


def _write_households(*, actor, blocks: list[_Block], filename: str, written: set[int]) -> dict[str, int]:
    """Households, then people, then memberships, each in multi-row INSERTs (``core.bulk``),
    with their audit rows: the ORM's bulk_create would spend most of the import's time here."""
    created_by = actor.pk if getattr(actor, "pk", None) else None
    figures_cache.registry_changed()  # the lists' counts kept between pages, once this commits
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
            "names_search": names_text(keys(m.cleaned["full_name"])[0] for m in block.members),
            "area": c.get("area") or _area_for(block.unit, block.commune), "area_overridden": bool(c.get("area")),
            "ethnicity": head.cleaned["ethnicity"],
            "is_ethnic_minority": ethnicity.is_minority(head.cleaned["ethnicity"]),
            "phone": c.get("phone", ""), "address": c.get("address", ""), "notes": c.get("notes", ""),
            "started_on": c.get("started_on"), "created_by_id": created_by,
        })
    household_ids = insert_rows(Household, household_rows)
    written.update(household_ids)

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
    for household_id, block in zip(household_ids, blocks):
        for member in block.members:
            membership_rows.append({
                "household_id": household_id, "person_id": next(people), "relation": member.cleaned["relation"],
                "started_on": member.cleaned.get("started_on"),
                "start_reason": member.cleaned.get("start_reason") or JoinReason.FOUNDING,
            })
    membership_ids = insert_rows(Membership, membership_rows)

    # One statement for the audit rows, made by the database from the rows just written (with
    # what str() of each instance says: never a person's name, see the models).
    audit_created_in_database(actor=actor, note=f"Nhập từ tệp {filename}", records=[
        Created(Household, household_ids, ("Hộ ", record_column("code"))),
        Created(Person, person_ids, ("Nhân khẩu #", record_column("id"))),
        Created(Membership, membership_ids,
                ("Nhân khẩu #", record_column("person"), " trong Hộ ", Related("household", "code"))),
    ])
    return {"households": len(household_ids), "persons": len(person_ids)}


class _Rollback(Exception):
    """The file has errors: the transaction's writes are undone."""


@without_cyclic_gc
def import_households(*, actor, file: BinaryIO | bytes, filename: str, era: str = Era.PRE_2025,
                      progress: Progress | None = None) -> ImportResult:
    """Check the whole household file; write every household and member only if no row has a problem.

    Commune codes are read in ``era`` (by default before 1 July 2025, the campaign's data period).
    ``progress(done, total, phase)`` is called now and then while the file is checked and written.

    The checks and the writes overlap: the file is checked in chunks of ``CHUNK_HOUSEHOLDS``
    households, and while this thread checks a chunk a writer thread (``common.Writer``, on this
    connection, in the one transaction) checks the chunk before against the units and the
    registry and writes it, so that the database works while Python checks. A problem in any row
    stops the writes; the checks go on to the file's end so that every error is reported; then
    everything written is rolled back. Nothing is committed unless the whole file is good.
    """
    report = _Reporter(progress)
    filename = nfc(filename)
    report(0, 0, Phase.READ, force=True)
    # Read as it comes: the checks (and the writes) begin with the file's first rows.
    sheet = read_sheet(file, filename, HOUSEHOLD_COLUMNS, stream=True)
    if isinstance(sheet, ImportResult):
        return sheet
    try:
        return _check_and_write(actor, era, filename, sheet, report)
    except FileUnreadable:
        raise
    except FileRejected as exc:  # a limit met while the file was read: nothing was committed
        return _file_error(str(exc))
    finally:
        sheet.close()


def _check_and_write(actor, era: str, filename: str, sheet: Sheet, report: _Reporter) -> ImportResult:
    checker = _HouseholdChecker(actor, era, sheet.positions, report)
    units = _Units(actor, era)
    chunks = checker.parse(sheet, CHUNK_HOUSEHOLDS)
    first = next(chunks, None)
    counts = {"households": 0, "persons": 0, "unchanged": 0}
    written: set[int] = set()

    def check_and_write(blocks: list[_Block]) -> None:
        units.add(block.commune_code for block in blocks)
        checker.resolve(blocks, units)
        new = [b for b in blocks if b.existing_id is None]
        counts["unchanged"] += len(blocks) - len(new)
        if new and not checker.has_errors():
            for key, value in _write_households(actor=actor, blocks=new, filename=filename, written=written).items():
                counts[key] += value

    report.before_the_write_lock(checker.done, sheet.total, Phase.CHECK)
    try:
        with report.beside_the_write(), sqlite_write_cache(), transaction.atomic():
            if connection.vendor == "postgresql":
                # The foreign keys checked by each statement, while the checks go on, not at the commit.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            with Writer() as writer:
                if first is not None:
                    writer.submit(functools.partial(check_and_write, first))
                for blocks in chunks:
                    writer.submit(functools.partial(check_and_write, blocks))
                writer.finish()
            sheet.close()  # the file's cells are no longer needed
            if checker.households == 0 and not checker.errors:
                raise _Rollback
            if checker.has_errors():
                raise _Rollback
            if counts["households"]:
                report.checks_done()
                report(0, 0, Phase.WRITE, force=True)
                unchanged = counts["unchanged"]
                audit_record(actor=actor, action=AuditAction.IMPORT, source="import",
                             object_repr=f"Hộ gia đình: {filename}"[:300],
                             note=(f"Nhập {counts['households']} hộ, {counts['persons']} nhân khẩu từ tệp {filename}"
                                   f"{f'; {unchanged} hộ không có thay đổi' if unchanged else ''}")[:500])
    except _Rollback:
        if checker.households == 0 and not checker.errors:
            return _file_error(gettext("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề"))
        return ImportResult(errors=_sorted(checker.all_errors(), _HOUSEHOLD_ORDER))
    except IntegrityError:
        logger.warning("import rolled back on a concurrent change (%s)", filename, exc_info=True)
        # Someone registered the same code or ID number between the check and the write.
        return _file_error(gettext("Trong lúc nhập, sổ hộ vừa có thay đổi trùng với tệp (cùng mã hộ hoặc số "
                                   "định danh); chưa ghi gì: hãy nhập lại tệp để xem lỗi cụ thể"))
    return ImportResult(counts=counts)
