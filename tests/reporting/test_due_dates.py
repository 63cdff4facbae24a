"""The due-date rule of every schedule kind, and the on-time boundary in Vietnam's time."""

import datetime as dt

import pytest

from vuonlen.core.periods import Period, PeriodKind
from vuonlen.reporting.models import ReportSchedule, ScheduleKind
from vuonlen.reporting.selectors import LATE, MISSING, NOT_DUE, ON_TIME, row_status

from .conftest import Q1, Q2, Q3, Q4, vn

UTC = dt.UTC


def _schedule(**fields) -> ReportSchedule:
    return ReportSchedule(name="x", **fields)


@pytest.mark.parametrize(("period", "due"), [
    (Q1, dt.date(2023, 3, 7)), (Q2, dt.date(2023, 6, 7)), (Q3, dt.date(2023, 9, 7)), (Q4, dt.date(2023, 12, 7)),
    (Period(2024, PeriodKind.QUARTER, 1), dt.date(2024, 3, 7)),
])
def test_quarterly_default_is_the_7th_of_the_quarters_last_month(period, due):
    assert _schedule(kind=ScheduleKind.QUARTERLY).due_date_for(period) == due


def test_rule_is_configurable_per_schedule():
    # The 15th of the month after the quarter.
    after = _schedule(kind=ScheduleKind.QUARTERLY, due_day=15, due_offset_months=1)
    assert [after.due_date_for(q) for q in (Q1, Q2, Q3, Q4)] == [
        dt.date(2023, 4, 15), dt.date(2023, 7, 15), dt.date(2023, 10, 15), dt.date(2024, 1, 15)]
    # The 31st is cut to the month's last day (February, June).
    end = _schedule(kind=ScheduleKind.QUARTERLY, due_day=31, due_offset_months=-1)
    assert end.due_date_for(Q1) == dt.date(2023, 2, 28)
    assert end.due_date_for(Q3) == dt.date(2023, 8, 31)
    assert end.describe_rule() == "Đến hết ngày 31 của tháng cuối kỳ -1 tháng"
    assert _schedule(kind=ScheduleKind.QUARTERLY).describe_rule() == "Đến hết ngày 07 của tháng cuối kỳ"


def test_half_yearly_yearly_and_one_off():
    half = _schedule(kind=ScheduleKind.HALF_YEARLY, due_day=15)
    assert half.due_date_for(Period(2023, PeriodKind.HALF, 1)) == dt.date(2023, 6, 15)
    assert half.due_date_for(Period(2023, PeriodKind.HALF, 2)) == dt.date(2023, 12, 15)
    assert half.due_date_for(Q2) is None  # a half-yearly report asks nothing for a quarter
    yearly = _schedule(kind=ScheduleKind.YEARLY, due_day=10, due_offset_months=1)
    assert yearly.due_date_for(Period(2023, PeriodKind.YEAR)) == dt.date(2024, 1, 10)
    once = _schedule(kind=ScheduleKind.ONE_OFF, due_date=dt.date(2023, 7, 20), period_code="2023-Q2")
    assert once.due_date_for(Q2) == dt.date(2023, 7, 20)
    assert once.due_date_for(Q3) is None
    assert once.periods_between(2023, 2023) == [Q2]
    no_period = _schedule(kind=ScheduleKind.ONE_OFF, due_date=dt.date(2023, 7, 31))
    assert no_period.one_off_period() == Period(2023, PeriodKind.YEAR)


def test_active_years_and_inactive_schedules():
    schedule = _schedule(kind=ScheduleKind.QUARTERLY, year_from=2023, year_to=2024)
    assert schedule.due_date_for(Period(2022, PeriodKind.QUARTER, 4)) is None
    assert schedule.due_date_for(Period(2025, PeriodKind.QUARTER, 1)) is None
    assert len(schedule.periods_between(2022, 2025)) == 8
    schedule.is_active = False
    assert schedule.due_date_for(Q2) is None


@pytest.mark.parametrize(("submitted_at", "expected"), [
    (vn(2023, 6, 7, 23, 59, 59), ON_TIME),
    (vn(2023, 6, 7, 23, 59), ON_TIME),
    (vn(2023, 6, 8, 0, 0), LATE),
    # The same instants written in UTC: 16:59:59Z is 23:59:59 in Vietnam, 17:00Z is midnight.
    (dt.datetime(2023, 6, 7, 16, 59, 59, tzinfo=UTC), ON_TIME),
    (dt.datetime(2023, 6, 7, 17, 0, 0, tzinfo=UTC), LATE),
    # A UTC date still "07/06" but already the 8th in Vietnam.
    (dt.datetime(2023, 6, 7, 18, 30, tzinfo=UTC), LATE),
])
def test_on_time_boundary_is_midnight_in_vietnam(submitted_at, expected):
    class Sent:
        pass

    sub = Sent()
    sub.submitted_at = submitted_at
    assert row_status(sub, dt.date(2023, 6, 7), now=vn(2023, 7, 1)) == expected


def test_nothing_sent_is_not_due_until_midnight_then_missing():
    due = dt.date(2023, 6, 7)
    assert row_status(None, due, now=vn(2023, 6, 7, 23, 59, 59)) == NOT_DUE
    assert row_status(None, due, now=vn(2023, 6, 8, 0, 0)) == MISSING
