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


def test_excel_serial_numbers_in_date_columns_are_dates():
    import datetime as dt

    from vuonlen.core.formats import excel_serial_date, parse_date, year_typed_into_date_cell

    assert parse_date(31205) == parse_date(31205.0) == dt.date(1985, 6, 7)
    assert parse_date(45000) == dt.date(2023, 3, 15)
    assert excel_serial_date(1985) is None and excel_serial_date(True) is None and excel_serial_date("31205") is None
    # A year typed into a date-formatted cell: day 1985 is 07/06/1905.
    assert year_typed_into_date_cell(dt.date(1905, 6, 7)) == 1985
    assert year_typed_into_date_cell(dt.datetime(1905, 6, 7)) == 1985
    assert year_typed_into_date_cell(dt.date(1985, 6, 7)) is None
    assert year_typed_into_date_cell(dt.date(1906, 1, 1)) is None


def test_a_numbering_row_is_told_from_data():
    from vuonlen.core.spreadsheets import is_numbering_row

    assert is_numbering_row(["(1)", "(2)", "(3)"])
    assert is_numbering_row([1.0, 2.0, 3.0, None])
    assert is_numbering_row(["A", "B", "1", "2", "3", "4=3/1*100"])
    assert not is_numbering_row(["23281", "12", "1500000"])
    assert not is_numbering_row(["1", "Nguyễn Văn A"])
    assert not is_numbering_row([1, 1, 0, 1])
    assert not is_numbering_row(["x", "x"])
    assert not is_numbering_row(["(1)"])
