import datetime as dt
from decimal import Decimal

import pytest

from vuonlen.core.formats import format_date, format_number, parse_date, parse_number


def test_numbers_are_written_the_vietnamese_way():
    assert format_number(1500000) == "1.500.000"
    assert format_number(Decimal("12.5"), decimals=1) == "12,5"
    assert format_number(0) == "0"
    assert format_number(None) == "-"


def test_dates_are_written_dd_mm_yyyy():
    assert format_date(dt.date(2023, 6, 7)) == "07/06/2023"


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1.500.000", 1500000), ("1,500,000", 1500000), ("1500000", 1500000), (1500000, 1500000),
     ("12,5", Decimal("12.5")), ("2.250.000,5", Decimal("2250000.5")), (" 700 000 ", 700000)],
)
def test_numbers_are_read_in_either_grouping(raw, value):
    assert parse_number(raw) == Decimal(value)


@pytest.mark.parametrize("raw", ["", "abc", "1.5.0", True])
def test_bad_numbers_raise_a_vietnamese_message(raw):
    with pytest.raises(ValueError) as info:
        parse_number(raw)
    assert "số" in str(info.value)


@pytest.mark.parametrize(
    ("raw", "value"),
    [("07/06/2023", dt.date(2023, 6, 7)), ("7-6-2023", dt.date(2023, 6, 7)), ("2023-06-07", dt.date(2023, 6, 7)),
     (dt.datetime(2023, 6, 7, 10, 0), dt.date(2023, 6, 7)), (dt.date(2023, 6, 7), dt.date(2023, 6, 7))],
)
def test_dates_are_read_from_cells_and_text(raw, value):
    assert parse_date(raw) == value


@pytest.mark.parametrize("raw", ["31/02/2023", "2023/06", "hôm qua"])
def test_bad_dates_raise_a_vietnamese_message(raw):
    with pytest.raises(ValueError) as info:
        parse_date(raw)
    assert "Ngày" in str(info.value) or "ngày" in str(info.value)
