"""Cleaning and checking of household, member and review data, one record at a time.

Used by the services (forms, API) and by the Excel import row by row, so everything here is
plain Python: no database query, every lookup is a module-level dictionary or passed in.
Each function returns *all* problems at once as ``(field, Vietnamese message)`` pairs, the
field being the model field's name so that callers can map it to a form field or a column.

Labels are matched on their folded form (``core.text.fold``: lower case, no diacritics,
đ→d), so "Nữ", "nu", "NỮ" and an NFD-encoded "Nữ" from an old spreadsheet all read the same.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from vuonlen.core.formats import parse_date, parse_number
from vuonlen.core.text import fold, nfc
from vuonlen.core.years import YEAR_MAX, YEAR_MIN

from . import ethnicity
from .models import Area, EducationLevel, JoinReason, LeaveReason, Relation, ReviewKind, SchoolStatus, Sex

Problem = tuple[str, str]

CITIZEN_ID_LENGTH = 12
# Province codes of the place of birth registration (Thông tư 59/2021/TT-BCA, Phụ lục I):
# 001 Hà Nội … 096 Cà Mau. Not every number in the range is in use; the law may add codes,
# so the whole range is accepted rather than a list that would go stale.
PROVINCE_CODE_MIN, PROVINCE_CODE_MAX = 1, 96
# The 4th digit codes sex and century of birth (Thông tư 59/2021/TT-BCA, Điều 7):
# 20th century male 0 / female 1, 21st 2 / 3, 22nd 4 / 5, 23rd 6 / 7, 24th 8 / 9.
_CENTURY_START = {0: 1900, 1: 2000, 2: 2100, 3: 2200, 4: 2300}

NAME_MAX = 150
CODE_MAX = 30
PHONE_MAX = 20
ADDRESS_MAX = 300
OCCUPATION_MAX = 150
EARLIEST_BIRTH_YEAR = 1900

_PHONE = re.compile(r"^\+?[0-9 .\-()]{6,20}$")
_DIGITS = re.compile(r"\D")
_ID_SEPARATORS = re.compile(r"[\s.\-]")


def mask_citizen_id(value: str | None) -> str:
    """"********1234": the last four digits are enough to tell people apart on a list."""
    if not value:
        return ""
    value = str(value)
    return "*" * max(len(value) - 4, 0) + value[-4:]


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    """Spreadsheet cells come as int/float too: 1001 for a code typed without quotes."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(value)


# --- label tables -----------------------------------------------------------------------------

def _table(choices, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Folded value and folded Vietnamese label → value, plus synonyms people write."""
    table: dict[str, str] = {}
    for value, label in choices:
        # Plain str values: choice enums would leak into JSON and audit rows as their repr.
        table[fold(str(value))] = str(value)
        table[fold(str(label))] = str(value)
    for synonym, value in (extra or {}).items():
        table[fold(synonym)] = str(value)
    return table


SEX_LABELS = _table(Sex.choices, {"nam giới": Sex.MALE, "nữ giới": Sex.FEMALE, "male": Sex.MALE,
                                  "female": Sex.FEMALE, "m": Sex.MALE, "f": Sex.FEMALE, "1": Sex.MALE,
                                  "2": Sex.FEMALE})
RELATION_LABELS = _table(Relation.choices, {
    "chủ hộ": Relation.HEAD, "ch": Relation.HEAD, "vợ": Relation.SPOUSE, "chồng": Relation.SPOUSE,
    "vợ chồng": Relation.SPOUSE, "con đẻ": Relation.CHILD, "con nuôi": Relation.CHILD,
    "con trai": Relation.CHILD, "con gái": Relation.CHILD, "cha": Relation.PARENT, "mẹ": Relation.PARENT,
    "bố": Relation.PARENT, "cha mẹ": Relation.PARENT, "bố mẹ": Relation.PARENT, "ông": Relation.GRANDPARENT,
    "bà": Relation.GRANDPARENT, "ông bà": Relation.GRANDPARENT, "cháu nội": Relation.GRANDCHILD,
    "cháu ngoại": Relation.GRANDCHILD, "anh": Relation.SIBLING, "chị": Relation.SIBLING, "em": Relation.SIBLING,
    "anh chị em": Relation.SIBLING, "con dâu": Relation.CHILD_IN_LAW, "con rể": Relation.CHILD_IN_LAW,
    "con dâu con rể": Relation.CHILD_IN_LAW, "khác": Relation.OTHER,
})
SCHOOL_LABELS = _table(SchoolStatus.choices, {
    "chưa đến tuổi": SchoolStatus.NOT_YET, "đang học": SchoolStatus.ATTENDING, "đi học": SchoolStatus.ATTENDING,
    "bỏ học": SchoolStatus.DROPPED_OUT, "chưa đi học": SchoolStatus.NEVER, "không đi học": SchoolStatus.NEVER,
    "thôi học": SchoolStatus.FINISHED, "đã học xong": SchoolStatus.FINISHED,
})
EDUCATION_LABELS = _table(EducationLevel.choices, {
    "không": EducationLevel.NONE, "không biết chữ": EducationLevel.NONE, "mù chữ": EducationLevel.NONE,
    "cấp 1": EducationLevel.PRIMARY, "cấp 2": EducationLevel.LOWER_SECONDARY, "thcs": EducationLevel.LOWER_SECONDARY,
    "cấp 3": EducationLevel.UPPER_SECONDARY, "thpt": EducationLevel.UPPER_SECONDARY,
    "trung cấp": EducationLevel.VOCATIONAL, "cao đẳng nghề": EducationLevel.VOCATIONAL,
    "sơ cấp nghề": EducationLevel.VOCATIONAL, "cao đẳng": EducationLevel.HIGHER, "đại học": EducationLevel.HIGHER,
    "sau đại học": EducationLevel.HIGHER,
})
AREA_LABELS = _table(Area.choices, {"đô thị": Area.URBAN, "nt": Area.RURAL, "tt": Area.URBAN})
REVIEW_KIND_LABELS = _table(ReviewKind.choices, {"định kỳ": ReviewKind.PERIODIC, "thường xuyên": ReviewKind.REGULAR,
                                                 "hằng năm": ReviewKind.PERIODIC, "hàng tháng": ReviewKind.REGULAR})
JOIN_REASON_LABELS = _table(JoinReason.choices, {"lập sổ": JoinReason.FOUNDING, "chuyển về": JoinReason.MOVED_IN})
LEAVE_REASON_LABELS = _table(LeaveReason.choices, {"mất": LeaveReason.DEATH, "qua đời": LeaveReason.DEATH,
                                                   "chuyển khẩu": LeaveReason.MOVED_OUT})
# Ethnic groups by 2-digit code ("5" is "05"), by name, and by names written without spaces or
# in the older spellings seen on commune lists.
ETHNICITY_LABELS = _table(ethnicity.ETHNIC_GROUPS, {
    **{name.replace(" ", ""): code for code, name in ethnicity.ETHNIC_GROUPS},
    "xê đăng": "14", "sê đăng": "14", "xo dang": "14", "bahnar": "13", "bana": "13", "gie trieng": "27",
    "giẻ": "27", "triêng": "27", "jrai": "10", "giarai": "10", "h're": "19", "h'rê": "19", "ro mam": "54",
    "h'mông": "08", "mông": "08", "khmer": "05", "ê-đê": "12", "m'nông": "20", "kinh (việt)": "01", "việt": "01",
})
TRUE_WORDS = {fold(w) for w in ("có", "x", "v", "1", "true", "yes", "đúng", "rồi", "có thẻ", "✓", "✔")}
FALSE_WORDS = {fold(w) for w in ("không", "0", "false", "no", "chưa", "k", "ko", "-", "không có")}


_CHOICES: dict[tuple[int, str], str | None] = {}


def lookup_choice(table: Mapping[str, str], value: Any) -> str | None:
    """The choice value for a label, or None if unknown. Also accepts "5" for ethnic code "05".

    Remembered per (table, text): an import reads "Nam", "Con", "Xơ Đăng" hundreds of
    thousands of times. The tables are this module's constants, so their ids are stable."""
    if not isinstance(value, str):
        return _lookup_choice(table, value)
    key = (id(table), value)
    try:
        return _CHOICES[key]
    except KeyError:
        pass
    found = _lookup_choice(table, value)
    if len(_CHOICES) < 1 << 16:
        _CHOICES[key] = found
    return found


def _lookup_choice(table: Mapping[str, str], value: Any) -> str | None:
    key = fold(_text(value))
    if key in table:
        return table[key]
    compact = key.replace("/", " ").replace("-", " ").replace(",", " ")
    compact = " ".join(compact.split())
    if compact in table:
        return table[compact]
    if key.isdigit() and len(key) == 1 and f"0{key}" in table:
        return table[f"0{key}"]
    return None


# Text already read by ``parse_bool`` → its answer ("Có" is read 130,000 times by an import).
_BOOLS: dict[str, bool | None] = {}


def parse_bool(value: Any) -> bool | None:
    """"có" / "x" / "1" → True, "không" / "0" → False, blank → None; anything else raises."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return _BOOLS[value]
        except KeyError:
            pass
    if _is_blank(value):
        return None
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    key = fold(_text(value))
    if key in TRUE_WORDS:
        found = True
    elif key in FALSE_WORDS:
        found = False
    else:
        raise ValueError(gettext("“%(value)s” không phải có/không") % {"value": _text(value)})
    if isinstance(value, str) and len(_BOOLS) < 1 << 12:
        _BOOLS[value] = found
    return found


# --- citizen ID -------------------------------------------------------------------------------

def normalise_citizen_id(value: Any) -> str:
    """Digits only as typed: spaces and dots removed; a number cell keeps its leading zeros."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return value  # digits only, as most are: nothing to take out (``nfc`` and the ``sub`` keep it)
    if _is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        # Excel drops leading zeros from a number cell; a citizen ID always has 12 digits.
        return str(value).zfill(CITIZEN_ID_LENGTH)
    return _ID_SEPARATORS.sub("", nfc(value))


def validate_citizen_id(value: Any, *, birth_year: int | None = None, sex: str | None = None,
                        field: str = "citizen_id") -> list[Problem]:
    """Check a 12-digit personal identification number (số định danh cá nhân).

    Structure (Nghị định 137/2015/NĐ-CP, Điều 7; Thông tư 59/2021/TT-BCA, Điều 7): 3 digits the
    province of birth registration, 1 digit sex and century of birth, 2 digits the last two
    digits of the birth year, 6 random digits. When the birth year (and sex) are known they
    must agree with digits 4–6. A blank value is not a problem here; it is optional.
    """
    text = normalise_citizen_id(value)
    if not text:
        return []
    if not text.isdigit() or not text.isascii():
        return [(field, gettext("Số định danh cá nhân chỉ gồm chữ số"))]
    if len(text) != CITIZEN_ID_LENGTH:
        return [(field, gettext("Số định danh cá nhân phải có đúng 12 chữ số (đang có %(n)s)") % {"n": len(text)})]
    problems: list[Problem] = []
    province = int(text[:3])
    if not PROVINCE_CODE_MIN <= province <= PROVINCE_CODE_MAX:
        problems.append((field, gettext("Ba số đầu “%(digits)s” không phải mã tỉnh nơi đăng ký khai sinh (001–096)")
                         % {"digits": text[:3]}))
    code = int(text[3])
    year_from_id = _CENTURY_START[code // 2] + int(text[4:6])
    if birth_year is not None:
        if year_from_id % 100 != birth_year % 100:
            problems.append((field, gettext("Số thứ 5–6 “%(digits)s” không khớp năm sinh %(year)s")
                                     % {"digits": text[4:6], "year": birth_year}))
        elif year_from_id != birth_year:
            problems.append((field, gettext("Số thứ 4 “%(digit)s” (mã thế kỷ) không khớp năm sinh %(year)s")
                                     % {"digit": text[3], "year": birth_year}))
    if sex in (Sex.MALE, Sex.FEMALE):
        id_sex = Sex.MALE if code % 2 == 0 else Sex.FEMALE
        if id_sex != sex:
            problems.append((field, gettext("Số thứ 4 “%(digit)s” (mã giới tính) không khớp giới tính %(sex)s")
                             % {"digit": text[3], "sex": gettext("Nam") if sex == Sex.MALE else gettext("Nữ")}))
    return problems


class _Label:
    """Field labels in messages, translated only when a message is made: an import checks
    130,000 people, and a gettext per label per person was a third of its time."""

    CODE = gettext_lazy("mã hộ")
    ETHNICITY = gettext_lazy("dân tộc")
    AREA = gettext_lazy("khu vực (nông thôn/thành thị)")
    PHONE = gettext_lazy("điện thoại")
    ADDRESS = gettext_lazy("địa chỉ")
    STARTED_ON = gettext_lazy("ngày lập sổ")
    HEAD_NAME = gettext_lazy("tên chủ hộ")
    FULL_NAME = gettext_lazy("họ và tên")
    SEX = gettext_lazy("giới tính (Nam/Nữ)")
    RELATION = gettext_lazy("quan hệ với chủ hộ")
    BIRTH_DATE = gettext_lazy("ngày sinh")
    BIRTH_YEAR = gettext_lazy("năm sinh")
    INSURANCE = gettext_lazy("thẻ BHYT")
    SCHOOL = gettext_lazy("tình trạng đi học")
    EDUCATION = gettext_lazy("trình độ học vấn")
    OCCUPATION = gettext_lazy("việc làm")
    JOINED_ON = gettext_lazy("ngày vào hộ")
    JOIN_REASON = gettext_lazy("lý do vào hộ")
    DIED_ON = gettext_lazy("ngày mất")
    REVIEW_YEAR = gettext_lazy("năm rà soát")
    INCOME = gettext_lazy("thu nhập bình quân")
    SCORE_A = gettext_lazy("điểm A")
    REVIEW_KIND = gettext_lazy("loại rà soát")
    FARMING = gettext_lazy("hộ làm nông, lâm, ngư, diêm nghiệp")
    REVIEWED_ON = gettext_lazy("ngày rà soát")


# --- small field readers ----------------------------------------------------------------------

class _Collector:
    """Collects the cleaned values and the problems of one record."""

    def __init__(self, data: Mapping[str, Any]):
        self.data = data
        self.cleaned: dict[str, Any] = {}
        self.problems: list[Problem] = []

    def add(self, field: str, message: str) -> None:
        self.problems.append((field, message))

    def raw(self, field: str) -> Any:
        return self.data.get(field)

    def text(self, field: str, *, label: str, required: bool = False, max_length: int | None = None) -> str:
        value = _text(self.raw(field))
        if required and not value:
            self.add(field, gettext("Thiếu %(label)s") % {"label": label})
        elif max_length and len(value) > max_length:
            self.add(field, gettext("%(label)s dài quá %(max)s ký tự") % {"label": label.capitalize(), "max": max_length})
        self.cleaned[field] = value
        return value

    def choice(self, field: str, table: Mapping[str, str], *, label: str, required: bool = False,
               default: str = "") -> str:
        value = self.raw(field)
        if _is_blank(value):
            if required and not default:
                self.add(field, gettext("Thiếu %(label)s") % {"label": label})
            self.cleaned[field] = str(default)
            return str(default)
        found = lookup_choice(table, value)
        if found is None:
            self.add(field, gettext("Không hiểu %(label)s “%(value)s”") % {"label": label, "value": _text(value)})
            self.cleaned[field] = default
            return default
        self.cleaned[field] = found
        return found

    def date(self, field: str, *, label: str, required: bool = False) -> dt.date | None:
        value = self.raw(field)
        if _is_blank(value):
            if required:
                self.add(field, gettext("Thiếu %(label)s") % {"label": label})
            self.cleaned[field] = None
            return None
        try:
            parsed = parse_date(value)
        except ValueError as exc:
            self.add(field, f"{label.capitalize()}: {exc}")
            parsed = None
        self.cleaned[field] = parsed
        return parsed

    def boolean(self, field: str, *, label: str, default: bool | None = False) -> bool | None:
        value = self.raw(field)
        try:
            parsed = parse_bool(value)
        except ValueError as exc:
            self.add(field, f"{label.capitalize()}: {exc}")
            parsed = None
        self.cleaned[field] = default if parsed is None else parsed
        return self.cleaned[field]

    def number(self, field: str, *, label: str, required: bool = False, minimum: Decimal | int | None = 0,
               maximum: Decimal | int | None = None, integer: bool = False) -> Decimal | None:
        value = self.raw(field)
        if _is_blank(value):
            if required:
                self.add(field, gettext("Thiếu %(label)s") % {"label": label})
            self.cleaned[field] = None
            return None
        try:
            parsed = parse_number(value)
        except ValueError as exc:
            self.add(field, f"{label.capitalize()}: {exc}")
            self.cleaned[field] = None
            return None
        if not parsed.is_finite():
            self.add(field, gettext("%(label)s không hợp lệ") % {"label": label.capitalize()})
            parsed = None
        elif integer and parsed != parsed.to_integral_value():
            self.add(field, gettext("%(label)s phải là số nguyên") % {"label": label.capitalize()})
            parsed = None
        elif minimum is not None and parsed < minimum:
            self.add(field, gettext("%(label)s không được nhỏ hơn %(min)s") % {"label": label.capitalize(), "min": minimum})
            parsed = None
        elif maximum is not None and parsed > maximum:
            self.add(field, gettext("%(label)s không được lớn hơn %(max)s") % {"label": label.capitalize(), "max": maximum})
            parsed = None
        self.cleaned[field] = parsed
        return parsed


# --- households -------------------------------------------------------------------------------

def clean_household(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Normalise and check a household's own fields.

    Keys read (all optional in ``data`` except where said): ``code`` (required), ``ethnicity``
    (required; name or 2-digit code), ``area`` (blank = from the unit type), ``phone``,
    ``address``, ``notes``, ``started_on``, ``head_name``. Units (``commune``, ``unit``) are
    resolved by the caller through the actor's scope and passed through unchanged.
    """
    c = _Collector(data)
    code = c.text("code", label=_Label.CODE, required=True, max_length=CODE_MAX)
    if isinstance(data.get("code"), float) and not float(data["code"]).is_integer():
        c.add("code", gettext("Mã hộ không hợp lệ"))
    if code and any(ch.isspace() for ch in code):
        # Codes are matched exactly on re-import; an inner space would make two codes look alike.
        c.add("code", gettext("Mã hộ không được chứa dấu cách"))
    c.choice("ethnicity", ETHNICITY_LABELS, label=_Label.ETHNICITY, required=True)
    c.choice("area", AREA_LABELS, label=_Label.AREA)
    phone = c.text("phone", label=_Label.PHONE, max_length=PHONE_MAX)
    if phone and not _PHONE.match(phone):
        c.add("phone", gettext("Số điện thoại “%(phone)s” không hợp lệ") % {"phone": phone})
    c.text("address", label=_Label.ADDRESS, max_length=ADDRESS_MAX)
    c.cleaned["notes"] = clean_multiline(data.get("notes"))
    c.date("started_on", label=_Label.STARTED_ON)
    if "head_name" in data:
        c.text("head_name", label=_Label.HEAD_NAME, max_length=NAME_MAX)
    for key in ("commune", "unit"):
        if key in data:
            c.cleaned[key] = data[key]
    return c.cleaned, c.problems


# --- people -----------------------------------------------------------------------------------

def clean_person(data: Mapping[str, Any], *, default_ethnicity: str = "",
                 today: dt.date | None = None) -> tuple[dict[str, Any], list[Problem]]:
    """Normalise and check one member.

    Keys: ``full_name``, ``sex``, ``relation`` (required); ``birth_date`` or ``birth_year``
    (one of them required; a date fills the year, both must agree); ``ethnicity`` (name or
    code; blank takes ``default_ethnicity``, usually the household's); ``citizen_id``;
    ``health_insurance`` (có/không); ``school_status``; ``education_level``; ``occupation``;
    ``started_on`` and ``start_reason`` (membership), ``died_on``.
    """
    today = today or dt.date.today()
    c = _Collector(data)
    c.text("full_name", label=_Label.FULL_NAME, required=True, max_length=NAME_MAX)
    sex = c.choice("sex", SEX_LABELS, label=_Label.SEX, required=True)
    c.choice("relation", RELATION_LABELS, label=_Label.RELATION, required=True)
    c.choice("ethnicity", ETHNICITY_LABELS, label=_Label.ETHNICITY, required=True, default=default_ethnicity)

    birth_date = c.date("birth_date", label=_Label.BIRTH_DATE)
    year_value = data.get("birth_year")
    birth_year: int | None = None
    if isinstance(year_value, (dt.date, dt.datetime)):
        # A year column that Excel turned into a date: take its year.
        birth_year = year_value.year
    elif not _is_blank(year_value):
        parsed = c.number("birth_year", label=_Label.BIRTH_YEAR, integer=True)
        birth_year = int(parsed) if parsed is not None else None
        if parsed is None:
            c.cleaned["birth_year"] = None
    if birth_date is not None:
        if birth_year is not None and birth_year != birth_date.year:
            c.add("birth_year", gettext("Năm sinh %(year)s không khớp ngày sinh %(date)s")
                  % {"year": birth_year, "date": birth_date.strftime("%d/%m/%Y")})
        birth_year = birth_date.year
        if birth_date > today:
            c.add("birth_date", gettext("Ngày sinh ở tương lai"))
    if birth_year is not None and not EARLIEST_BIRTH_YEAR <= birth_year <= today.year:
        c.add("birth_year", gettext("Năm sinh %(year)s không hợp lệ") % {"year": birth_year})
    if birth_year is None and birth_date is None and not any(field == "birth_year" for field, _ in c.problems) \
            and not any(field == "birth_date" for field, _ in c.problems):
        c.add("birth_year", gettext("Thiếu năm sinh hoặc ngày sinh"))
    c.cleaned["birth_year"] = birth_year

    citizen_id = normalise_citizen_id(data.get("citizen_id"))
    c.problems.extend(validate_citizen_id(citizen_id, birth_year=birth_year, sex=sex or None))
    c.cleaned["citizen_id"] = citizen_id or None

    c.boolean("health_insurance", label=_Label.INSURANCE)
    c.choice("school_status", SCHOOL_LABELS, label=_Label.SCHOOL)
    c.choice("education_level", EDUCATION_LABELS, label=_Label.EDUCATION)
    c.text("occupation", label=_Label.OCCUPATION, max_length=OCCUPATION_MAX)
    started = c.date("started_on", label=_Label.JOINED_ON)
    c.choice("start_reason", JOIN_REASON_LABELS, label=_Label.JOIN_REASON, default=JoinReason.FOUNDING)
    died = c.date("died_on", label=_Label.DIED_ON)
    if started and started > today:
        c.add("started_on", gettext("Ngày vào hộ ở tương lai"))
    if died and birth_date and died < birth_date:
        c.add("died_on", gettext("Ngày mất trước ngày sinh"))
    return c.cleaned, c.problems


def check_members(members: Iterable[Mapping[str, Any]]) -> list[Problem]:
    """Checks across a household's cleaned members: exactly one head, no ID twice."""
    problems: list[Problem] = []
    members = list(members)
    heads = [m for m in members if m.get("relation") == Relation.HEAD]
    if not members:
        problems.append(("members", gettext("Hộ phải có ít nhất một nhân khẩu")))
    elif len(heads) == 0:
        problems.append(("members", gettext("Hộ chưa có chủ hộ (quan hệ “Chủ hộ”)")))
    elif len(heads) > 1:
        problems.append(("members", gettext("Hộ có %(n)s người là chủ hộ; chỉ được một") % {"n": len(heads)}))
    seen: set[str] = set()
    for member in members:
        cid = member.get("citizen_id")
        if cid:
            if cid in seen:
                problems.append(("members", gettext("Số định danh %(id)s bị lặp trong hộ") % {"id": mask_citizen_id(cid)}))
            seen.add(cid)
    return problems


# --- reviews ----------------------------------------------------------------------------------

def periodic_window(year: int) -> tuple[dt.date, dt.date]:
    """The periodic review runs from 1 September to 14 December (Thông tư 07/2021/TT-BLĐTBXH, Điều 4)."""
    return dt.date(year, 9, 1), dt.date(year, 12, 14)


def clean_review(data: Mapping[str, Any], *, indicators: Mapping[str, str] | None = None,
                 year: int | None = None) -> tuple[dict[str, Any], list[Problem]]:
    """Normalise and check one review's input.

    Keys: ``year`` (or the ``year`` argument), ``income_per_capita`` (VND/person/month) or
    ``score_a`` (one required), ``lacking`` (a list of indicator codes, or text "code, code"
    or their Vietnamese names), ``kind`` (periodic/regular; default periodic), ``reviewed_on``,
    ``farming`` (có/không/blank: lives from farming, forestry, fishery or salt-making).
    ``indicators`` maps each indicator code of that year's standard to its Vietnamese name
    (``{i.code: i.name_vi for i in standard_for_year(year).indicators}``); without it the
    codes are not checked.
    """
    c = _Collector(data)
    if year is None:
        parsed = c.number("year", label=_Label.REVIEW_YEAR, required=True, integer=True, minimum=YEAR_MIN, maximum=YEAR_MAX)
        year = int(parsed) if parsed is not None else None
    c.cleaned["year"] = year
    income = c.number("income_per_capita", label=_Label.INCOME, maximum=Decimal(10) ** 12)
    score = c.number("score_a", label=_Label.SCORE_A, integer=True, maximum=1000)
    c.cleaned["score_a"] = int(score) if score is not None else None
    if income is None and score is None and not any(f in ("income_per_capita", "score_a") for f, _ in c.problems):
        c.add("income_per_capita", gettext("Thiếu thu nhập bình quân hoặc điểm A"))
    if income is not None and score is not None:
        c.add("score_a", gettext("Chỉ nhập một trong hai: thu nhập bình quân hoặc điểm A"))
    c.cleaned["lacking"] = _lacking_codes(c, data.get("lacking"), indicators)
    kind = c.choice("kind", REVIEW_KIND_LABELS, label=_Label.REVIEW_KIND, default=ReviewKind.PERIODIC)
    c.boolean("farming", label=_Label.FARMING, default=None)
    reviewed_on = c.date("reviewed_on", label=_Label.REVIEWED_ON)
    if year is not None and reviewed_on is not None:
        problems = review_date_problems(kind=kind, year=year, reviewed_on=reviewed_on)
        c.problems.extend(problems)
    return c.cleaned, c.problems


def review_date_problems(*, kind: str, year: int, reviewed_on: dt.date) -> list[Problem]:
    if kind == ReviewKind.PERIODIC:
        start, end = periodic_window(year)
        if not start <= reviewed_on <= end:
            return [("reviewed_on", gettext("Rà soát định kỳ năm %(year)s phải trong khoảng %(start)s–%(end)s")
                     % {"year": year, "start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")})]
    elif reviewed_on.year != year:
        return [("reviewed_on", gettext("Ngày rà soát %(date)s không thuộc năm %(year)s")
                 % {"date": reviewed_on.strftime("%d/%m/%Y"), "year": year})]
    return []


def _lacking_codes(c: _Collector, value: Any, indicators: Mapping[str, str] | None) -> list[str]:
    if _is_blank(value):
        return []
    items = [v for v in re.split(r"[,;\n]", _text(value))] if isinstance(value, str) else list(value)
    by_fold: dict[str, str] = {}
    if indicators:
        for code, name in indicators.items():
            by_fold[fold(code)] = code
            by_fold[fold(name)] = code
    codes: list[str] = []
    for item in items:
        text = _text(item)
        if not text:
            continue
        code = by_fold.get(fold(text)) if indicators else text
        if code is None:
            c.add("lacking", gettext("Không có chỉ số thiếu hụt “%(text)s” trong chuẩn nghèo của năm này") % {"text": text})
        elif code not in codes:
            codes.append(code)
    return codes


def errors_by_field(problems: Iterable[Problem]) -> dict[str, list[str]]:
    """The shape Django's ValidationError takes: field → messages, order kept."""
    grouped: dict[str, list[str]] = {}
    for field, message in problems:
        grouped.setdefault(field, []).append(message)
    return grouped


def clean_multiline(value: Any) -> str:
    """NFC and trimmed like ``nfc``, but keeping line breaks (notes are often several lines)."""
    if _is_blank(value):
        return ""
    lines = [nfc(line) for line in str(value).strip().splitlines()]
    return "\n".join(lines)


def digits_only(value: Any) -> str:
    return _DIGITS.sub("", _text(value))
