"""Task statuses against the deadline, in Asia/Ho_Chi_Minh, at the boundary."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from vuonlen.directives.models import DeadlineKind, TaskState, TaskStatus, compute_status

from .conftest import at, day


def status(state, deadline, completed=None, now=None):
    return compute_status(state=state, deadline=day(deadline) if deadline else None, completed_at=completed,
                          now=now or at("1/1/2030"))


def test_done_at_2359_on_the_day_is_on_time_and_at_midnight_is_late():
    assert status(TaskState.DONE, "31/7/2023", at("31/7/2023", 23, 59)) == TaskStatus.DONE_ON_TIME
    assert status(TaskState.DONE, "31/7/2023", at("1/8/2023", 0, 0)) == TaskStatus.DONE_LATE


def test_utc_instants_are_read_in_vietnam():
    # 16:59 UTC on 31/7 is 23:59 in Vietnam: on time; 17:00 UTC is 00:00 on 1/8: late.
    utc = dt.UTC
    assert status(TaskState.DONE, "31/7/2023", dt.datetime(2023, 7, 31, 16, 59, tzinfo=utc)) == TaskStatus.DONE_ON_TIME
    assert status(TaskState.DONE, "31/7/2023", dt.datetime(2023, 7, 31, 17, 0, tzinfo=utc)) == TaskStatus.DONE_LATE


def test_overdue_starts_at_midnight_after_the_deadline_day():
    assert status(TaskState.IN_PROGRESS, "31/7/2023", now=at("31/7/2023", 23, 59)) == TaskStatus.IN_PROGRESS
    assert status(TaskState.NOT_STARTED, "31/7/2023", now=at("31/7/2023", 23, 59)) == TaskStatus.NOT_STARTED
    assert status(TaskState.IN_PROGRESS, "31/7/2023", now=at("1/8/2023", 0, 0)) == TaskStatus.OVERDUE
    assert status(TaskState.NOT_STARTED, "31/7/2023", now=at("1/8/2023", 0, 0)) == TaskStatus.OVERDUE


def test_tasks_without_deadline_are_never_late():
    assert status(TaskState.NOT_STARTED, None) == TaskStatus.NOT_STARTED
    assert status(TaskState.DONE, None, at("1/1/2029")) == TaskStatus.DONE_ON_TIME


def test_month_deadline_through_the_service(world):
    """"Trong tháng 8/2023": done 31/8 23:59 on time, 1/9 00:00 late."""
    doc = world.document()
    on_time = world.task(doc, world.people, deadline="1/8/2023", kind=DeadlineKind.MONTH)
    late = world.task(doc, world.farmers, deadline="15/8/2023", kind=DeadlineKind.MONTH)
    world.report(on_time, world.people, when=at("31/8/2023", 23, 59))
    world.report(late, world.farmers, when=at("1/9/2023", 0, 0))
    on_time.refresh_from_db()
    late.refresh_from_db()
    assert on_time.current_status == TaskStatus.DONE_ON_TIME and on_time.finished_late is False
    assert late.current_status == TaskStatus.DONE_LATE and late.finished_late is True


def test_date_deadline_through_the_service(world):
    doc = world.document()
    a = world.task(doc, world.farmers, deadline="31/7/2023")
    b = world.task(doc, world.women, deadline="31/7/2023")
    world.report(a, world.farmers, when=at("31/7/2023", 23, 59))
    world.report(b, world.women, when=at("1/8/2023", 0, 0))
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.current_status, b.current_status) == (TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE)


def test_completion_time_is_kept_on_later_updates(world):
    doc = world.document()
    task = world.task(doc, world.farmers, deadline="31/7/2023")
    world.report(task, world.farmers, when=at("30/7/2023"))
    world.report(task, world.farmers, when=at("5/8/2023"), text="Bổ sung minh chứng")
    task.refresh_from_db()
    assert task.completed_at == at("30/7/2023") and task.current_status == TaskStatus.DONE_ON_TIME


@pytest.mark.parametrize("state", [TaskState.IN_PROGRESS, TaskState.NOT_STARTED])
def test_open_task_with_past_deadline_is_overdue_now(world, state):
    doc = world.document()
    task = world.task(doc, world.farmers, deadline="31/7/2023")
    if state == TaskState.IN_PROGRESS:
        world.report(task, world.farmers, state=TaskState.IN_PROGRESS, when=at("20/7/2023"))
    task.refresh_from_db()
    assert task.status(timezone.now()) == TaskStatus.OVERDUE
