"""The deadline calendar: every due date in the person's scope, from every room that has one.

Rooms add their deadlines with a provider::

    from vuonlen.reporting import calendar

    def task_deadlines(user, start: date, end: date) -> list[tuple[date, str, str, str]]:
        return [(task.deadline, f"Hạn nhiệm vụ: {task.title}", task_url, "task") for task in ...]

    calendar.register_provider(task_deadlines)   # in the room's AppConfig.ready()

A provider returns (date, title, url, kind) tuples for ``start <= date <= end`` (both
inclusive), reading through its own scoped selectors; ``kind`` picks the colour and the legend
("report", "task", ...). A provider that fails is logged and skipped: one room's bug must not
take the whole calendar down.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

log = logging.getLogger(__name__)

Provider = Callable[[object, dt.date, dt.date], list[tuple[dt.date, str, str, str]]]

_providers: list[Provider] = []

KIND_LABELS = {"report": "Hạn báo cáo", "explanation": "Hạn giải trình", "task": "Hạn nhiệm vụ"}
KIND_BADGES = {"report": "text-bg-primary", "explanation": "text-bg-warning", "task": "text-bg-success"}


def register_provider(fn: Provider) -> None:
    """Add a source of deadlines (idempotent: registering the same function twice is harmless)."""
    if fn not in _providers:
        _providers.append(fn)


def providers() -> list[Provider]:
    return list(_providers)


@dataclass(frozen=True)
class Entry:
    date: dt.date
    title: str
    url: str
    kind: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def badge(self) -> str:
        return KIND_BADGES.get(self.kind, "text-bg-secondary")


def entries(user, start: dt.date, end: dt.date) -> list[Entry]:
    found: list[Entry] = []
    for provider in _providers:
        try:
            items = provider(user, start, end)
        except Exception:
            log.exception("calendar provider %s failed", getattr(provider, "__name__", provider))
            continue
        for day, title, url, kind in items:
            if start <= day <= end:
                found.append(Entry(day, title, url, kind))
    found.sort(key=lambda e: (e.date, e.kind, e.title))
    return found


@dataclass
class Month:
    year: int
    month: int
    weeks: list[list[tuple[dt.date, bool, list[Entry]]]]  # (day, in this month, entries)
    entries: list[Entry]

    @property
    def label(self) -> str:
        return f"Tháng {self.month:02d}/{self.year}"

    @property
    def previous(self) -> str:
        return f"{self.year - 1}-12" if self.month == 1 else f"{self.year}-{self.month - 1:02d}"

    @property
    def next(self) -> str:
        return f"{self.year + 1}-01" if self.month == 12 else f"{self.year}-{self.month + 1:02d}"


def month(user, year: int, month_number: int) -> Month:
    """A month grid (weeks from Monday, as Vietnamese calendars print them) with its deadlines."""
    grid = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month_number)
    start, end = grid[0][0], grid[-1][-1]
    found = entries(user, start, end)
    by_day: dict[dt.date, list[Entry]] = defaultdict(list)
    for entry in found:
        by_day[entry.date].append(entry)
    weeks = [[(day, day.month == month_number, by_day.get(day, [])) for day in week] for week in grid]
    return Month(year=year, month=month_number, weeks=weeks,
                 entries=[e for e in found if e.date.month == month_number and e.date.year == year])


# --- the reporting room's own deadlines ------------------------------------------------------

def report_deadlines(user, start: dt.date, end: dt.date) -> list[tuple[dt.date, str, str, str]]:
    """Report due dates: one line per report a person's organisation owes, and for the
    secretariat one line per report and period of its area (linking to the compliance board)."""
    from . import selectors

    items: list[tuple[dt.date, str, str, str]] = []
    acting = selectors.acting_organisation_ids(user)
    area_reader = selectors.can_view_area(user)
    for schedule in selectors._relevant_schedules(user):
        kind = "explanation" if schedule.explains_id else "report"
        for period in schedule.periods_between(start.year - 1, end.year):
            due = schedule.due_date_for(period)
            if due is None or not start <= due <= end:
                continue
            what = schedule.name if schedule.is_one_off else f"{schedule.name} {period.label()}"
            if area_reader:
                url = f"{reverse('reporting:board')}?ky={period.code()}&bao-cao={schedule.pk}"
                items.append((due, what, url, kind))
            elif acting:
                owed = selectors.obligated_organisations(schedule, period).filter(pk__in=acting)
                for org in owed:
                    url = reverse("reporting:start", args=[org.pk, schedule.pk, period.code()])
                    items.append((due, f"{what} — {org.name}", url, kind))
    return items
