"""Vietnamese number and date formats: 1.500.000 and 07/06/2023, both ways."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from .text import nfc


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


def parse_date(value) -> dt.date:
    """Read a real date cell, '07/06/2023', '7-6-2023' or ISO '2023-06-07'."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
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
