"""Village surveys from a spreadsheet: one row per village and year.

Columns: the commune's code, the village's name (as in the registry; with or without
diacritics), the year, who surveyed and when, the counts, the flags, the economy, and one
column per cause of the catalogue (its name as header) with the number of households. The
whole file is checked first (the page's rules, ``services.clean_survey``); every problem comes
back at once with its row and column, and nothing is written unless the file is clean. A
village and year already surveyed is an error: corrections are made on the survey's page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from vuonlen.accounts import roles, scoping
from vuonlen.core import spreadsheets, xlsx
from vuonlen.core.audit import audit_record
from vuonlen.core.formats import parse_date
from vuonlen.core.models import AuditAction
from vuonlen.core.spreadsheets import Column, FileRejected, RowError
from vuonlen.core.text import fold, nfc
from vuonlen.geo.models import AdministrativeUnit, Era, Level

from . import services
from .models import MarketAccess, PovertyCause, SurveyCause, VillageSurvey

MAX_ROWS = 5_000
COMMUNE, VILLAGE, YEAR, BY, ON = "Mã xã", "Tên thôn", "Năm", "Người khảo sát", "Ngày khảo sát"
TOTAL, POOR, NEAR = "Tổng số hộ", "Số hộ nghèo", "Số hộ cận nghèo"
DIFFICULT, NTM = "Thôn đặc biệt khó khăn", "Xây dựng nông thôn mới"
CROPS, LIVESTOCK, LAND, MARKET = "Cây trồng chính", "Vật nuôi chính", "Đất sản xuất (ha)", "Tiếp cận thị trường"
SITUATION, CUSTOMS, NOTES = "Tình hình chung", "Phong tục cần xoá bỏ", "Ghi chú"
BASE_COLUMNS = (
    Column.of(COMMUNE, "ma don vi", prefixes=("ma xa",)),
    Column.of(VILLAGE, "thon", "ten thon, lang", prefixes=("ten thon",)),
    Column.of(YEAR, "nam khao sat"),
    Column.of(BY, prefixes=("nguoi khao sat",)),
    Column.of(ON, prefixes=("ngay khao sat",)),
    Column.of(TOTAL, required=False), Column.of(POOR, required=False), Column.of(NEAR, required=False),
    Column.of(DIFFICULT, prefixes=("thon dac biet kho khan", "dac biet kho khan"), required=False),
    Column.of(NTM, prefixes=("xay dung nong thon moi", "nong thon moi"), required=False),
    Column.of(CROPS, required=False), Column.of(LIVESTOCK, required=False),
    Column.of(LAND, prefixes=("dat san xuat",), required=False), Column.of(MARKET, required=False),
    Column.of(SITUATION, required=False), Column.of(CUSTOMS, prefixes=("phong tuc",), required=False),
    Column.of(NOTES, required=False),
)
FIELD_COLUMNS = {"village": VILLAGE, "year": YEAR, "surveyed_by": BY, "surveyed_on": ON, "households_total": TOTAL,
                 "poor_households": POOR, "near_poor_households": NEAR, "main_crops": CROPS,
                 "main_livestock": LIVESTOCK, "farmland_ha": LAND, "market_access": MARKET, "situation": SITUATION,
                 "customs_to_drop": CUSTOMS, "notes": NOTES}
_YES = {"x", "co", "1", "yes", "true", "v", "✓"}
_NO = {"", "khong", "0", "no", "false", "-"}


def _market_values() -> dict[str, str]:
    return {fold(str(label)).split(" (")[0]: value for value, label in MarketAccess.choices} | \
        {value: value for value in MarketAccess.values}


def columns(causes: list[PovertyCause]) -> tuple[Column, ...]:
    return BASE_COLUMNS + tuple(Column.of(c.name, c.code, required=False) for c in causes)


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def template_xlsx() -> bytes:
    causes = list(PovertyCause.objects.filter(is_active=True).order_by("order", "code"))
    workbook = xlsx.new_workbook()
    sheet = workbook.active
    sheet.title = "Khảo sát thôn"
    sheet.append([c.name for c in columns(causes)])
    spreadsheets.bold_row(sheet, 1)
    sheet.append(["23485", "Thôn 4", 2026, "Nguyễn Văn A", "15/03/2026", 120, 40, 15, "x", "", "Lúa, sắn, cà phê",
                  "Bò, heo", "85,5", "Khó khăn", "Đường vào thôn lầy lội mùa mưa", "Tảo hôn", ""]
                 + [5 if i < 3 else "" for i in range(len(causes))])
    guide = workbook.create_sheet("Hướng dẫn")
    guide.append(["Mỗi dòng một thôn, một năm. Mã xã: mã của xã (thời kỳ chọn khi nhập). Tên thôn như trong danh "
                  "mục thôn (có dấu hay không dấu đều được)."])
    guide.append(["Thôn đặc biệt khó khăn, Xây dựng nông thôn mới: ghi “x” nếu có."])
    guide.append(["Tiếp cận thị trường: " + ", ".join(str(label) for _v, label in MarketAccess.choices)])
    guide.append(["Các cột nguyên nhân (theo danh mục): số hộ nghèo vì nguyên nhân đó."])
    return spreadsheets.workbook_bytes(workbook)


def _int(value) -> int | None | str:
    text = spreadsheets.cell_text(value).replace(".", "").replace(" ", "")
    if not text:
        return None
    if isinstance(value, float) and not value.is_integer():
        return "bad"
    try:
        return int(text)
    except ValueError:
        return "bad"


def _flag(value) -> bool | None:
    if isinstance(value, bool):
        return value
    key = fold(spreadsheets.cell_text(value)).strip()
    return True if key in _YES else False if key in _NO else None


def import_surveys(*, actor, file: BinaryIO | bytes, filename: str, era: str = Era.POST_2025) -> ImportResult:
    """Check the whole file, then write every survey in one transaction (or nothing)."""
    causes = list(PovertyCause.objects.filter(is_active=True).order_by("order", "code"))
    cols = columns(causes)
    try:
        rows = spreadsheets.read_table(file, nfc(filename), columns=cols, max_rows=MAX_ROWS)
        header_index, positions = spreadsheets.locate_header(rows, cols)
    except FileRejected as exc:
        return ImportResult(errors=[RowError(None, "", str(exc))])
    check = spreadsheets.RowChecker(positions)
    parsed = []
    for number, row in check.data_rows(rows, header_index):
        commune_code = spreadsheets.code_text(check.cell(row, COMMUNE))
        village_name = spreadsheets.cell_text(check.cell(row, VILLAGE))
        if not commune_code:
            check.error(number, COMMUNE, _("Thiếu mã xã"))
        if not village_name:
            check.error(number, VILLAGE, _("Thiếu tên thôn"))
        data: dict = {}
        year = _int(check.cell(row, YEAR))
        if year in (None, "bad"):
            check.error(number, YEAR, _("“%(v)s” không phải năm") % {"v": spreadsheets.cell_text(check.cell(row, YEAR))})
            year = None
        raw_date = check.cell(row, ON)
        try:
            data["surveyed_on"] = parse_date(raw_date) if spreadsheets.cell_text(raw_date) else None
        except (ValueError, TypeError):
            check.error(number, ON, _("“%(v)s” không phải ngày (dd/mm/yyyy)") % {"v": spreadsheets.cell_text(raw_date)})
            data["surveyed_on"] = None
            data["_bad_date"] = True
        for name, header in ((n, FIELD_COLUMNS[n]) for n in services.COUNT_FIELDS):
            value = _int(check.cell(row, header))
            data[name] = -1 if value == "bad" else value
        for name, header in (("especially_difficult", DIFFICULT), ("new_rural_area", NTM)):
            value = _flag(check.cell(row, header))
            if value is None:
                check.error(number, header, _("Ghi “x” nếu có, để trống nếu không"))
            data[name] = bool(value)
        for name in ("surveyed_by", "main_crops", "main_livestock", "situation", "customs_to_drop", "notes"):
            data[name] = spreadsheets.cell_text(check.cell(row, FIELD_COLUMNS[name]))
        land = spreadsheets.cell_text(check.cell(row, LAND)).replace(",", ".")
        data["farmland_ha"] = land or None
        market = fold(spreadsheets.cell_text(check.cell(row, MARKET)))
        if market:
            value = _market_values().get(market) or next((v for k, v in _market_values().items()
                                                          if k.startswith(market)), None)
            if value is None:
                check.error(number, MARKET, _("“%(v)s” không hiểu; ghi một trong: %(list)s") % {
                    "v": spreadsheets.cell_text(check.cell(row, MARKET)),
                    "list": ", ".join(str(label) for _v, label in MarketAccess.choices)})
            data["market_access"] = value or ""
        cause_counts: dict[int, int] = {}
        for cause in causes:
            value = _int(check.cell(row, cause.name))
            if value == "bad":
                check.error(number, cause.name, _("Số hộ phải là số nguyên không âm"))
            elif value:
                cause_counts[cause.pk] = value
        parsed.append((number, commune_code, village_name, year, data, cause_counts))
    if not parsed and not check.errors:
        return ImportResult(errors=[RowError(None, "", _("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề"))])
    communes = {u.code: u for u in AdministrativeUnit.objects.filter(
        era=era, level=Level.COMMUNE, code__in={p[1] for p in parsed if p[1]})}
    villages: dict[tuple[int, str], AdministrativeUnit] = {}
    for village in AdministrativeUnit.objects.filter(level=Level.VILLAGE, parent__in=communes.values()):
        villages[(village.parent_id, village.name_search)] = village
    seen = Counter((p[1], fold(p[2]), p[3]) for p in parsed)
    existing = set(VillageSurvey.objects.filter(village__in=villages.values()).values_list("village_id", "year"))
    ready = []
    cause_names = {c.pk: c.name for c in causes}
    for number, commune_code, village_name, year, data, cause_counts in parsed:
        commune = communes.get(commune_code)
        if commune_code and commune is None:
            check.error(number, COMMUNE, _("Không tìm thấy xã mã %(code)s") % {"code": commune_code})
            continue
        if commune is None or not village_name:
            continue
        village = villages.get((commune.pk, fold(village_name)))
        if village is None or (actor is not scoping.SYSTEM and not scoping.can(actor, roles.SURVEY_EDIT, village)):
            check.error(number, VILLAGE, _("Không tìm thấy thôn “%(name)s” của %(commune)s trong phạm vi bạn được "
                                           "nhập khảo sát") % {"name": village_name, "commune": commune.name})
            continue
        if seen[(commune_code, fold(village_name), year)] > 1:
            check.error(number, VILLAGE, _("Thôn “%(name)s” năm %(year)s có nhiều dòng trong tệp")
                        % {"name": village_name, "year": year})
            continue
        if year is not None and (village.pk, year) in existing:
            check.error(number, YEAR, _("%(name)s đã có khảo sát năm %(year)s; hãy sửa trên trang khảo sát")
                        % {"name": village.name, "year": year})
            continue
        cleaned, problems = services.clean_survey(data, village=village, year=year, causes=cause_counts)
        for name, messages in problems.items():
            if name == "surveyed_on" and data.get("_bad_date"):
                continue
            if name == "year" and year is None:
                continue
            column = FIELD_COLUMNS.get(name, "")
            if name.startswith("cause_"):
                column = cause_names.get(int(name[6:]), "")
            for message in messages:
                check.error(number, column, message)
        if not problems:
            ready.append((village, year, cleaned))
    if check.errors:
        return ImportResult(errors=sorted(check.errors, key=lambda e: (e.row or 0, e.column)))
    with transaction.atomic():
        for village, year, cleaned in ready:
            counts = cleaned.pop("causes")
            survey = VillageSurvey.objects.create(village=village, year=year,
                                                  created_by=actor if getattr(actor, "pk", None) else None, **cleaned)
            SurveyCause.objects.bulk_create([SurveyCause(survey=survey, cause_id=k, households=v)
                                             for k, v in counts.items()])
            audit_record(actor=actor, action=AuditAction.CREATE, instance=survey, source="import",
                         note=nfc(filename)[:200])
    return ImportResult(created=len(ready))
