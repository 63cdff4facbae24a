"""Vietnamese number and date formats: 1.500.000 and 07/06/2023, both ways."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from .text import nfc

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def format_number(value, decimals: int = 0) -> str:
    """1500000 → '1.500.000'; 12.5 with decimals=1 → '12,5'; None → '-'."""
    if value is None:
        return "-"
    quantised = f"{Decimal(str(value)):,.{decimals}f}"
    return quantised.replace(",", "_").replace(".", ",").replace("_", ".")


def format_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y")


def format_datetime(value: dt.datetime | None, *, seconds: bool = False) -> str:
    """The one way a moment is written: '14:30 07/06/2023' (with seconds '14:30:05 07/06/2023'),
    in Vietnam's time whatever the server's zone."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(VN_TZ)
    return value.strftime("%H:%M:%S %d/%m/%Y" if seconds else "%H:%M %d/%m/%Y")


_GROUPED_DOT = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
_GROUPED_COMMA = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_number(value) -> Decimal:
    """Read '1.500.000', '1,500,000', '1500000', '12,5' or a real number cell.

    Raises ValueError with a Vietnamese message when the text is not a number.
    """
    if isinstance(value, bool):
        raise ValueError("Không phải là số")
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    text = nfc(value).replace(" ", "").replace("\u00a0", "")
    if not text:
        raise ValueError("Thiếu số")
    if _GROUPED_DOT.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif _GROUPED_COMMA.match(text):
        text = text.replace(",", "")
    elif text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{value}” không phải là số hợp lệ") from None


_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


# Excel counts days from 30/12/1899 (its day 60, 29/02/1900, never existed, so from 01/03/1900 on
# the count is plain). A number above 3000 in a date column is such a count: a date typed into a
# cell left as "General" is stored as the number (31205 is 07/06/1985); no year is that large.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIAL_MIN = 3000
EXCEL_SERIAL_MAX = 2958465  # 31/12/9999


def excel_serial_date(value) -> dt.date | None:
    """The date an Excel serial number stands for, or None when ``value`` is not one."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    if not EXCEL_SERIAL_MIN < value <= EXCEL_SERIAL_MAX:
        return None
    return _EXCEL_EPOCH + dt.timedelta(days=int(value))


def excel_serial(day: dt.date) -> int:
    """Excel's number for ``day`` (from 01/03/1900 on)."""
    return (day - _EXCEL_EPOCH).days


def year_typed_into_date_cell(value) -> int | None:
    """The year an officer typed into a cell formatted as a date: Excel keeps 1985 as day 1985,
    shown as 07/06/1905. A date between 1900 and 1905 whose Excel number is a plausible year
    (1900–2100) is that year; nobody alive was born then."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date) or not 1900 <= value.year <= 1905 or value < dt.date(1900, 3, 1):
        return None
    serial = excel_serial(value)
    return serial if 1900 <= serial <= 2100 else None


def parse_date(value) -> dt.date:
    """Read a real date cell, an Excel serial number (a date in an unformatted cell),
    '07/06/2023', '7-6-2023' or ISO '2023-06-07'."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if (serial := excel_serial_date(value)) is not None:
        return serial
    text = nfc(value)
    if m := _DATE.match(text):
        day, month, year = (int(g) for g in m.groups())
    elif m := _ISO.match(text):
        year, month, day = (int(g) for g in m.groups())
    else:
        raise ValueError(f"“{text}” không phải ngày hợp lệ (dạng dd/mm/yyyy)")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"Ngày “{text}” không tồn tại") from None


def parse_vnd(value, *, allow_zero: bool = False) -> int:
    """A sum of money in whole đồng from '1.500.000', '1,500,000', '1500000' or a number cell.

    Raises ValueError with a Vietnamese message: not a number, not whole đồng, negative, or
    zero when ``allow_zero`` is false (a gift of nothing is a typing error).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("Chưa nhập số tiền")
    number = parse_number(value)
    if number != number.to_integral_value():
        raise ValueError(f"“{value}” không phải số đồng chẵn")
    if number < 0 or (number == 0 and not allow_zero):
        raise ValueError("Số tiền phải lớn hơn 0" if not allow_zero else "Số tiền không được âm")
    if number >= 10**15:
        raise ValueError(f"Số tiền “{value}” quá lớn")
    return int(number)
