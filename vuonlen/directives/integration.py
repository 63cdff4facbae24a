"""Links to other rooms: history pages (core), the deadline calendar and the compliance of
periodic reports (reporting). Reporting sits below directives (a notice reports on it), so it is
imported plainly: every room is always installed.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.urls import reverse

logger = logging.getLogger(__name__)


def connect() -> None:
    from vuonlen.core import history

    from . import selectors

    history.register("directives.document", lambda user, pk: selectors.get_document_for_user_or_404(user, pk))
    history.register("directives.task", lambda user, pk: selectors.get_task_for_user_or_404(user, pk))
    from vuonlen.reporting import calendar
    from vuonlen.reporting.signals import report_accepted

    # Reporting knows nothing of tasks: it announces an accepted report, directives closes the tasks.
    report_accepted.connect(close_tasks_on_acceptance, dispatch_uid="directives.close_tasks_on_acceptance")
    calendar.register_provider(task_deadlines)


def close_tasks_on_acceptance(sender, *, submission, actor, at, **kwargs) -> None:
    """A report was accepted: close the tasks it fulfils (same transaction)."""
    from . import services

    services.tasks_close_by_report(submission=submission, actor=actor, at=at)


def task_deadlines(user, start: dt.date, end: dt.date) -> list[tuple[dt.date, str, str, str]]:
    """Calendar entries (date, title, url, kind) for the open tasks the person sees."""
    from . import selectors

    entries = []
    for task in selectors.tasks_due_between(user, start, end):
        text = task.text if len(task.text) <= 90 else task.text[:89] + "…"
        title = f"{task.document.number}: {text}"  # the calendar itself says "Hạn nhiệm vụ" and the day
        entries.append((task.deadline, title, reverse("directives:task_detail", args=[task.pk]), "task"))
    return entries


@dataclass(frozen=True)
class ComplianceSummary:
    """Who reported for a period, as the notice needs it; ``available`` is False when the
    period is unknown or the reporting room failed, and the notice then says nothing of it."""

    available: bool
    on_time: list  # organisations
    late: list
    missing: list
    expected: int = 0  # organisations that owed a report for the period

    @property
    def has_data(self) -> bool:
        return self.available and self.expected > 0


def compliance_for(user, period, unit=None) -> ComplianceSummary:
    from vuonlen.reporting import selectors as reporting_selectors

    if period is None:
        return ComplianceSummary(False, [], [], [])
    try:
        rows = list(reporting_selectors.compliance(user=user, period=period, unit=unit))
    except Exception:  # a draft notice must still come out if the reporting room misbehaves
        logger.exception("reporting.selectors.compliance failed for period %s", period)
        return ComplianceSummary(False, [], [], [])
    on_time, late, missing = {}, {}, {}
    for row in rows:
        status = getattr(row, "status", "")
        org = getattr(row, "organisation", None)
        if org is None:
            continue
        bucket = {"on_time": on_time, "late": late, "missing": missing}.get(status)
        if bucket is not None:
            bucket.setdefault(org.pk, org)
    # An organisation late or missing on any schedule did not report properly for the period.
    for pk in list(on_time):
        if pk in late or pk in missing:
            del on_time[pk]
    for pk in list(late):
        if pk in missing:
            del late[pk]
    from vuonlen.core.text import vi_sorted

    def ordered(bucket):
        return vi_sorted(bucket.values(), key=lambda o: o.name)

    expected = len({getattr(row, "organisation", None).pk for row in rows if getattr(row, "organisation", None)})
    return ComplianceSummary(True, ordered(on_time), ordered(late), ordered(missing), expected)
