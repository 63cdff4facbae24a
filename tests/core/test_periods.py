import datetime as dt

import pytest

from vuonlen.core.periods import QUARTERLY_BEFORE_7TH, VN_TZ, DueRule, Period, PeriodKind, deadline_end, is_on_time


@pytest.mark.parametrize(
    ("quarter", "due"),
    [(1, dt.date(2023, 3, 7)), (2, dt.date(2023, 6, 7)), (3, dt.date(2023, 9, 7)), (4, dt.date(2023, 12, 7))],
)
def test_quarterly_reports_are_due_on_the_7th_of_the_quarters_last_month(quarter, due):
    assert QUARTERLY_BEFORE_7TH.due_date(Period(2023, PeriodKind.QUARTER, quarter)) == due


def test_on_time_boundary_is_midnight_in_vietnam():
    due = dt.date(2023, 6, 7)
    assert is_on_time(dt.datetime(2023, 6, 7, 23, 59, 59, tzinfo=VN_TZ), due)
    assert not is_on_time(dt.datetime(2023, 6, 8, 0, 0, tzinfo=VN_TZ), due)
    # 17:30 UTC on the 7th is 00:30 on the 8th in Vietnam: late.
    assert not is_on_time(dt.datetime(2023, 6, 7, 17, 30, tzinfo=dt.UTC), due)
    assert deadline_end(due) == dt.datetime(2023, 6, 8, tzinfo=VN_TZ)


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        is_on_time(dt.datetime(2023, 6, 7, 12, 0), dt.date(2023, 6, 7))


def test_periods_have_bounds_labels_and_codes():
    q2 = Period(2023, PeriodKind.QUARTER, 2)
    assert (q2.start, q2.end) == (dt.date(2023, 4, 1), dt.date(2023, 6, 30))
    assert q2.label() == "Quý II/2023"
    assert Period.parse(q2.code()) == q2
    h2 = Period(2024, PeriodKind.HALF, 2)
    assert (h2.start, h2.end, h2.label()) == (dt.date(2024, 7, 1), dt.date(2024, 12, 31), "6 tháng cuối năm 2024")
    assert Period(2024, PeriodKind.MONTH, 2).end == dt.date(2024, 2, 29)
    assert Period(2023, PeriodKind.QUARTER, 4).next() == Period(2024, PeriodKind.QUARTER, 1)
    assert Period.containing(dt.date(2023, 8, 15), PeriodKind.QUARTER) == Period(2023, PeriodKind.QUARTER, 3)


def test_rules_can_point_to_the_month_after_and_clip_to_month_end():
    yearly_by_jan_15 = DueRule(day=15, offset_months=1)
    assert yearly_by_jan_15.due_date(Period(2023, PeriodKind.YEAR)) == dt.date(2024, 1, 15)
    assert DueRule(day=31).due_date(Period(2023, PeriodKind.QUARTER, 2)) == dt.date(2023, 6, 30)


def test_bad_periods_are_refused():
    with pytest.raises(ValueError):
        Period(2023, PeriodKind.QUARTER, 5)
