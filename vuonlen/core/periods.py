"""Reporting periods (year, half, quarter, month) and due-date rules, in Vietnam's time zone.

A quarterly report is due "trước ngày 07 của tháng cuối quý" (seed 001): read as the 7th
inclusive of the quarter's last month, so Q2/2023 is due 07/06/2023 and a report submitted
at 23:59 that day (Asia/Ho_Chi_Minh) is on time, one submitted at 00:00 on the 8th is late.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class PeriodKind(StrEnum):
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"


_MONTHS_PER = {PeriodKind.YEAR: 12, PeriodKind.HALF: 6, PeriodKind.QUARTER: 3, PeriodKind.MONTH: 1}
_LABEL_VI = {PeriodKind.YEAR: "Năm", PeriodKind.HALF: "6 tháng", PeriodKind.QUARTER: "Quý", PeriodKind.MONTH: "Tháng"}


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: PeriodKind
    index: int = 1  # 1..2 for halves, 1..4 for quarters, 1..12 for months

    def __post_init__(self):
        count = 12 // _MONTHS_PER[self.kind]
        if not 1 <= self.index <= count:
            raise ValueError(f"Kỳ {self.index} không hợp lệ cho loại kỳ {self.kind}")
        if not 1900 <= self.year <= 2200:
            raise ValueError(f"Năm {self.year} không hợp lệ")

    @property
    def first_month(self) -> int:
        return (self.index - 1) * _MONTHS_PER[self.kind] + 1

    @property
    def last_month(self) -> int:
        return self.first_month + _MONTHS_PER[self.kind] - 1

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def label(self) -> str:
        if self.kind is PeriodKind.YEAR:
            return f"Năm {self.year}"
        if self.kind is PeriodKind.HALF:
            return f"{'6 tháng đầu' if self.index == 1 else '6 tháng cuối'} năm {self.year}"
        roman = {1: "I", 2: "II", 3: "III", 4: "IV"}
        if self.kind is PeriodKind.QUARTER:
            return f"Quý {roman[self.index]}/{self.year}"
        return f"Tháng {self.index:02d}/{self.year}"

    def code(self) -> str:
        """Stable text form: 2023, 2023-H1, 2023-Q2, 2023-M06."""
        suffix = {PeriodKind.YEAR: "", PeriodKind.HALF: f"-H{self.index}",
                  PeriodKind.QUARTER: f"-Q{self.index}", PeriodKind.MONTH: f"-M{self.index:02d}"}
        return f"{self.year}{suffix[self.kind]}"

    @classmethod
    def parse(cls, text: str) -> Period:
        text = text.strip().upper()
        year, _, rest = text.partition("-")
        if not rest:
            return cls(int(year), PeriodKind.YEAR)
        kind = {"H": PeriodKind.HALF, "Q": PeriodKind.QUARTER, "M": PeriodKind.MONTH}[rest[0]]
        return cls(int(year), kind, int(rest[1:]))

    @classmethod
    def containing(cls, day: dt.date, kind: PeriodKind) -> Period:
        return cls(day.year, kind, (day.month - 1) // _MONTHS_PER[kind] + 1)

    def next(self) -> Period:
        count = 12 // _MONTHS_PER[self.kind]
        if self.index < count:
            return Period(self.year, self.kind, self.index + 1)
        return Period(self.year + 1, self.kind, 1)


@dataclass(frozen=True)
class DueRule:
    """Due on ``day`` of the period's last month (offset_months shifts it, e.g. +1 = month after)."""

    day: int = 7
    offset_months: int = 0

    def due_date(self, period: Period) -> dt.date:
        month_index = period.last_month - 1 + self.offset_months
        year = period.year + month_index // 12
        month = month_index % 12 + 1
        day = min(self.day, calendar.monthrange(year, month)[1])
        return dt.date(year, month, day)


QUARTERLY_BEFORE_7TH = DueRule(day=7)


def deadline_end(due: dt.date) -> dt.datetime:
    """The last instant that still counts as on time: the first moment of the next day in Vietnam."""
    return dt.datetime.combine(due + dt.timedelta(days=1), dt.time.min, tzinfo=VN_TZ)


def is_on_time(submitted_at: dt.datetime, due: dt.date) -> bool:
    if submitted_at.tzinfo is None:
        raise ValueError("submitted_at must be timezone-aware")
    return submitted_at < deadline_end(due)


def today_vn() -> dt.date:
    return dt.datetime.now(VN_TZ).date()
