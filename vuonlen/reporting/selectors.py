"""Every read of the reporting room, through the reader's scope.

Who sees which report:
- an organisation's own people (``REPORT_SUBMIT``: a reporting unit, or a commune officer for
  the organisations at their commune) see only that organisation's reports;
- the secretariat and viewers (``REPORT_VIEW``) see the reports of organisations whose unit
  lies in their area — their level and below;
- anything else does not exist for them (404).

``compliance`` is the interface other rooms use (the directives room lists the units that did
not report on time in its conclusion notice)::

    compliance(user=..., period=Period(2023, PeriodKind.QUARTER, 2)) -> list[ComplianceRow]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.models import Organisation, organisation_valid_on_q
from vuonlen.core.periods import VN_TZ, Period, PeriodKind, deadline_end, is_on_time, today_vn
from vuonlen.core.text import fold
from vuonlen.geo.models import AdministrativeUnit, Level

from .models import (
    Obligation,
    ReportSchedule,
    Submission,
    SubmissionAttachment,
    SubmissionStatus,
)

ON_TIME, LATE, MISSING, NOT_DUE = "on_time", "late", "missing", "not_due"
OLDER_SHOWN = 40  # reports sent more than a year ago, still listed on "Báo cáo của tôi"
STATUS_LABELS = {ON_TIME: gettext_lazy("Đúng hạn"), LATE: gettext_lazy("Trễ hạn"), MISSING: gettext_lazy("Chưa báo cáo"),
                 NOT_DUE: gettext_lazy("Chưa đến hạn")}
STATUS_BADGES = {ON_TIME: "text-bg-success", LATE: "text-bg-warning", MISSING: "text-bg-danger",
                 NOT_DUE: "text-bg-secondary"}


# --- who may do what ----------------------------------------------------------------------

def acting_organisation_ids(user) -> frozenset[int]:
    """The organisations whose reports this person fills and sends."""
    return scoping.acting_organisation_ids(user, roles.REPORT_SUBMIT)


def can_submit_for(user, organisation: Organisation) -> bool:
    return organisation.pk in acting_organisation_ids(user)


def can_review(user, submission: Submission) -> bool:
    """The secretariat whose area holds both the reporting organisation and the body that asked
    for the report (a district secretariat does not accept reports owed to the province)."""
    scope = scoping.scope_for(user, roles.REPORT_REVIEW)
    return (scope.covers_path(submission.organisation.unit.path)
            and scope.covers_path(submission.schedule.issuer.unit.path))


def can_view_area(user) -> bool:
    return scoping.can(user, roles.REPORT_VIEW)


def _area(user) -> scoping.Scope:
    """The area whose reports ``user`` reads (``SYSTEM``: everything; ``None``: nothing)."""
    return scoping.scope_for(user, roles.REPORT_VIEW)


def _visible_org_q(user, prefix: str = "") -> Q:
    """Organisations whose reports ``user`` may read (``prefix`` for a related lookup)."""
    area = scoping.scope_for(user, roles.REPORT_VIEW)
    own = Q(**{f"{prefix}pk__in": list(acting_organisation_ids(user)
                                       | scoping.history_organisation_ids(user, roles.REPORT_SUBMIT))})
    if area.everything:
        return Q()
    if area.empty:
        return own
    return area.q(f"{prefix}unit") | own


def _org_visible(user, organisation: Organisation) -> bool:
    return (organisation.pk in acting_organisation_ids(user)
            or scoping.scope_for(user, roles.REPORT_VIEW).covers_path(organisation.unit.path))


# --- submissions --------------------------------------------------------------------------

def submissions_visible_to(user, *, period_code: str = "", status: str = "", schedule_id: int | None = None,
                           search: str = "", level: int | None = None) -> QuerySet[Submission]:
    qs = Submission.objects.select_related("organisation__unit", "schedule__issuer__unit").filter(
        _visible_org_q(user, "organisation__"))
    if period_code:
        qs = qs.filter(period_code=period_code)
    if status:
        qs = qs.filter(status=status)
    if schedule_id:
        qs = qs.filter(schedule_id=schedule_id)
    if level:
        qs = qs.filter(organisation__unit__level=level)
    if search:
        qs = qs.filter(organisation__name_search__contains=fold(search))
    return qs.order_by("-period_code", "organisation__unit__level", "organisation__name_sort", "pk")


def submission_for_user_or_404(user, pk) -> Submission:
    try:
        return submissions_visible_to(user).select_related("schedule__form", "updated_by").get(pk=pk)
    except (Submission.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy báo cáo") from None


def attachment_for_user_or_404(user, pk) -> SubmissionAttachment:
    try:
        attachment = SubmissionAttachment.objects.select_related("submission").get(pk=pk)
    except (SubmissionAttachment.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy tệp") from None
    submission_for_user_or_404(user, attachment.submission_id)  # the owning report must be visible
    return attachment


def submission_events(submission: Submission):
    return submission.events.select_related("actor").order_by("at", "pk")


@dataclass
class SectionView:
    """A form section with the report's current content, for the detail page and the .docx."""

    code: str
    kind: str
    title: str
    help_text: str
    required: bool
    figures: list[dict] = field(default_factory=list)
    text: str = ""


def submission_sections(submission: Submission) -> list[SectionView]:
    from . import figures as figure_registry

    views = []
    for section in submission.schedule.form.sections.all():
        view = SectionView(code=section.code, kind=section.kind, title=section.title, help_text=section.help_text,
                           required=section.required)
        if section.kind == "figures":
            for code in section.figure_codes:
                stored = submission.values.get(code, {})
                figure = figure_registry.get(code)
                view.figures.append({
                    "code": code, "label": figure.label, "unit_label": figure.unit_label,
                    "prefilled": stored.get("prefilled"), "value": stored.get("value"),
                    "note": stored.get("note", ""), "source": stored.get("source", ""),
                    "changed": stored.get("prefilled") is not None and stored.get("value") != stored.get("prefilled"),
                })
        else:
            view.text = submission.narrative.get(section.code, "")
        views.append(view)
    return views


# --- obligations ---------------------------------------------------------------------------

def obligated_organisations(schedule: ReportSchedule, period: Period | None = None) -> QuerySet[Organisation]:
    """The organisations that owe ``schedule`` (see ``Obligation`` for the rules) for ``period``:
    those that existed, on a unit that existed, on the day it is owed (``owed_on``: the due date) —
    an abolished unit's organisations owe nothing due after its end, a new commune's nothing due
    before the switch. Without ``period``: the active ones."""
    on = schedule.owed_on(period) if period is not None else None
    if period is not None and on is None:
        return Organisation.objects.none()
    valid = organisation_valid_on_q(on) if on is not None else Q(is_active=True)
    return _obligated_any_day(schedule).filter(valid)


def _obligated_any_day(schedule: ReportSchedule) -> QuerySet[Organisation]:
    """The organisations ``schedule``'s obligations name, whenever they existed."""
    obligations = list(schedule.obligations.all())
    include = Q(pk__in=[])
    exclude_rule: Q | None = None
    for ob in obligations:
        if ob.organisation_id:
            continue
        criterion = Q()
        if ob.org_kind:
            criterion &= Q(kind=ob.org_kind)
        if ob.unit_level:
            criterion &= Q(unit__level=ob.unit_level)
        if ob.exclude:
            exclude_rule = criterion if exclude_rule is None else exclude_rule | criterion
        else:
            include |= criterion
    by_rule = Q(unit__path__startswith=schedule.issuer.unit.path) & include
    if exclude_rule is not None:
        by_rule &= ~exclude_rule
    added = [ob.organisation_id for ob in obligations if ob.organisation_id and not ob.exclude]
    removed = [ob.organisation_id for ob in obligations if ob.organisation_id and ob.exclude]
    return (Organisation.objects.filter(by_rule | Q(pk__in=added))
            .exclude(pk__in=[*removed, schedule.issuer_id]).select_related("unit"))


def _owing(schedule: ReportSchedule, period: Period, owed: dict) -> list[Organisation]:
    """``obligated_organisations(schedule, period)``, the schedule's organisations read once for
    every period of a page (``owed``: a dict the caller keeps for the page): each period keeps
    those that existed on its day (``Organisation.is_valid_on``: the rule the
    query filters with, in Python). The board reads five periods (issue 17)."""
    on = schedule.owed_on(period)
    if on is None:
        return []
    if schedule.pk not in owed:
        # The first clause of every day's filter (``organisation_valid_on_q``); the rest is per day.
        owed[schedule.pk] = list(_obligated_any_day(schedule).filter(Q(is_active=True) | Q(valid_to__isnull=False)))
    return [org for org in owed[schedule.pk] if org.is_valid_on(on)]


def _relevant_schedules(user, *, include_inactive: bool = False) -> list[ReportSchedule]:
    """Schedules that may concern the person: issued within, above or below their area, or
    naming one of their organisations."""
    qs = ReportSchedule.objects.select_related("issuer__unit", "form", "explains").prefetch_related("obligations")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    area = _area(user)
    if area.everything:
        return list(qs.order_by("pk"))
    # Their own organisations' schedules too — including those they reported for until a switch-over
    # ended the assignment (read only: listing what was sent).
    acting = acting_organisation_ids(user) | scoping.history_organisation_ids(user, roles.REPORT_SUBMIT)
    paths = list(area.paths)
    paths += list(Organisation.objects.filter(pk__in=acting).values_list("unit__path", flat=True))
    if not paths:
        return []
    named = set(qs.filter(obligations__organisation__in=acting).values_list("pk", flat=True)) if acting else set()
    return [s for s in qs.order_by("pk")
            if s.pk in named or any(s.issuer.unit.path.startswith(p) or p.startswith(s.issuer.unit.path)
                                    for p in paths)]


def schedule_for_user_or_404(user, pk) -> ReportSchedule:
    for schedule in _relevant_schedules(user, include_inactive=True):
        if str(schedule.pk) == str(pk):
            return schedule
    raise Http404("Không tìm thấy báo cáo định kỳ")


def relevant_schedules(user) -> list[ReportSchedule]:
    """The active schedules that may concern the person (read once, filtered per period)."""
    return _relevant_schedules(user)


def schedules_for_period(user, period: Period, *, relevant: list[ReportSchedule] | None = None
                         ) -> list[ReportSchedule]:
    """The schedules due in ``period`` that concern the person; ``relevant`` passes
    ``_relevant_schedules(user)`` already read (the board reads it once for five periods)."""
    relevant = _relevant_schedules(user) if relevant is None else relevant
    return [s for s in relevant if s.due_date_for(period) is not None]


# --- compliance ----------------------------------------------------------------------------

def row_status(submission: Submission | None, due: dt.date, now: dt.datetime) -> str:
    if submission is not None and submission.submitted_at is not None:
        return ON_TIME if is_on_time(submission.submitted_at, due) else LATE
    return NOT_DUE if now < deadline_end(due) else MISSING


@dataclass
class ComplianceRow:
    organisation: Organisation
    schedule: ReportSchedule
    period: Period
    due_date: dt.date
    status: str  # "on_time" | "late" | "missing" | "not_due"
    submitted_at: dt.datetime | None
    submission: Submission | None = None

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def badge(self) -> str:
        return STATUS_BADGES[self.status]

    @property
    def submission_status(self) -> str:
        return self.submission.status if self.submission else ""

    @property
    def days_late(self) -> int:
        if self.status != LATE:
            return 0
        return (self.submitted_at.astimezone(VN_TZ).date() - self.due_date).days


def compliance(*, user, period: Period, unit: AdministrativeUnit | None = None,
               schedule: ReportSchedule | None = None, level: int | None = None, kind: str = "",
               include_one_off: bool = False, now: dt.datetime | None = None,
               relevant: list[ReportSchedule] | None = None, owed: dict | None = None) -> list[ComplianceRow]:
    """Per organisation that owes a report for ``period``: its due date and whether it reported on
    time, late, not at all, or is not due yet. Only organisations the person may see (``user``
    None: all, for the system's own use); ``unit`` narrows to an area, ``level`` to organisations
    at a unit level, ``kind`` to a kind, ``schedule`` to one report. Without ``schedule``, the
    period's recurring reports; ``include_one_off`` adds the one-off requests that concern the
    period (such as its explanation requests). ``owed``: a dict kept across the periods of one
    page, so each schedule's organisations are read once (``_owing``)."""
    now = now or timezone.now()
    schedules = [schedule] if schedule is not None else schedules_for_period(user, period, relevant=relevant)
    area = _area(user)
    acting = acting_organisation_ids(user)
    pairs: list[tuple[ReportSchedule, Organisation, dt.date]] = []
    for sched in schedules:
        due = sched.due_date_for(period)
        if due is None or (schedule is None and sched.is_one_off and not include_one_off):
            continue
        if owed is None:
            orgs = obligated_organisations(sched, period)
            if unit is not None:
                orgs = orgs.filter(unit__path__startswith=unit.path)
            if level:
                orgs = orgs.filter(unit__level=level)
            if kind:
                orgs = orgs.filter(kind=kind)
        else:  # the same filters, on the organisations read once for the page
            orgs = [org for org in _owing(sched, period, owed)
                    if (unit is None or org.unit.path.startswith(unit.path))
                    and (not level or org.unit.level == level) and (not kind or org.kind == kind)]
        for org in orgs:
            if org.pk in acting or area.covers_path(org.unit.path):
                pairs.append((sched, org, due))
    if not pairs:
        return []
    codes = {s.one_off_period().code() if s.is_one_off else period.code() for s, _, _ in pairs}
    submissions = {
        (sub.schedule_id, sub.organisation_id): sub
        for sub in Submission.objects.filter(schedule__in={s.pk for s, _, _ in pairs}, period_code__in=codes,
                                             organisation__in={o.pk for _, o, _ in pairs})
        # The board needs a report's state, not its figures and text: decoding their JSON was
        # a third of the board's time (issue 17; the repeat offenders read five periods).
        .defer("values", "narrative")
    }
    rows = []
    for sched, org, due in pairs:
        sub = submissions.get((sched.pk, org.pk))
        rows.append(ComplianceRow(organisation=org, schedule=sched, period=period, due_date=due,
                                  status=row_status(sub, due, now), submitted_at=sub.submitted_at if sub else None,
                                  submission=sub))
    rows.sort(key=lambda r: (r.schedule.is_one_off, r.schedule.pk, r.organisation.unit.level,
                             r.organisation.unit.name_sort, r.organisation.name_sort))
    return rows


@dataclass
class ComplianceCounts:
    label: str = ""
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    not_due: int = 0

    def add(self, status: str) -> None:
        self.expected += 1
        setattr(self, status, getattr(self, status) + 1)

    @property
    def reported(self) -> int:
        return self.on_time + self.late

    @property
    def on_time_percent(self) -> int:
        due = self.expected - self.not_due
        return round(100 * self.on_time / due) if due else 0


def compliance_counts(rows: list[ComplianceRow]) -> tuple[ComplianceCounts, list[ComplianceCounts]]:
    """The totals, and the totals per unit level (province, district, commune)."""
    total = ComplianceCounts(label=gettext("Tổng số"))
    by_level: dict[int, ComplianceCounts] = {}
    for row in rows:
        total.add(row.status)
        lvl = row.organisation.unit.level
        by_level.setdefault(lvl, ComplianceCounts(
            label=gettext("Cấp %(level)s") % {"level": Level(lvl).label.lower()})).add(row.status)
    return total, [by_level[k] for k in sorted(by_level)]


def previous_period(period: Period) -> Period:
    count = {PeriodKind.YEAR: 1, PeriodKind.HALF: 2, PeriodKind.QUARTER: 4, PeriodKind.MONTH: 12}[period.kind]
    if period.index > 1:
        return Period(period.year, period.kind, period.index - 1)
    return Period(period.year - 1, period.kind, count)


@dataclass
class OffenderRow:
    organisation: Organisation
    late: int = 0
    missing: int = 0
    history: list[tuple[Period, str]] = field(default_factory=list)  # oldest first

    @property
    def times(self) -> int:
        return self.late + self.missing


def repeat_offenders(*, user, period: Period, count: int = 4, unit: AdministrativeUnit | None = None,
                     level: int | None = None, kind: str = "", min_times: int = 2,
                     now: dt.datetime | None = None, relevant: list[ReportSchedule] | None = None,
                     owed: dict | None = None, current: list[ComplianceRow] | None = None) -> list[OffenderRow]:
    """Who was late or silent at least ``min_times`` in the ``count`` periods ending with
    ``period`` (recurring reports only), the worst first. ``current``: ``compliance``'s rows for
    ``period`` with the same filters, already read by the caller (the board: one period's
    submissions fewer to read)."""
    periods = [period]
    while len(periods) < count:
        periods.append(previous_period(periods[-1]))
    periods.reverse()
    offenders: dict[int, OffenderRow] = {}
    relevant = _relevant_schedules(user) if relevant is None else relevant  # once for every period
    owed = {} if owed is None else owed  # each schedule's organisations, once for every period
    for p in periods:
        worst: dict[int, str] = {}
        rows = current if current is not None and p == period else compliance(
            user=user, period=p, unit=unit, level=level, kind=kind, include_one_off=False, now=now,
            relevant=relevant, owed=owed)
        for row in rows:
            previous = worst.get(row.organisation.pk)
            rank = {MISSING: 3, LATE: 2, NOT_DUE: 1, ON_TIME: 0}
            if previous is None or rank[row.status] > rank[previous]:
                worst[row.organisation.pk] = row.status
            offenders.setdefault(row.organisation.pk, OffenderRow(organisation=row.organisation))
        for org_pk, status in worst.items():
            entry = offenders[org_pk]
            entry.history.append((p, status))
            if status == LATE:
                entry.late += 1
            elif status == MISSING:
                entry.missing += 1
    rows = [o for o in offenders.values() if o.times >= min_times]
    rows.sort(key=lambda o: (-o.times, -o.missing, o.organisation.name_sort))
    return rows


def explanation_requests_for(schedule: ReportSchedule, period: Period) -> list[ReportSchedule]:
    return list(schedule.explanation_requests.filter(period_code=period.code())
                .annotate(asked=Count("obligations")).order_by("pk"))


def not_yet_asked(rows: list[ComplianceRow], requests: list[ReportSchedule]) -> list[ComplianceRow]:
    """The late and missing rows whose organisation has not been asked to explain yet."""
    asked = set(Obligation.objects.filter(schedule__in=requests, organisation__isnull=False)
                .values_list("organisation_id", flat=True)) if requests else set()
    return [r for r in rows if r.status in (LATE, MISSING) and not r.schedule.is_one_off
            and r.organisation.pk not in asked]


# --- what a unit owes ---------------------------------------------------------------------

@dataclass
class OwedReport:
    organisation: Organisation
    schedule: ReportSchedule
    period: Period
    due_date: dt.date
    status: str
    submission: Submission | None

    @property
    def status_label(self) -> str:
        if self.submission is not None:
            return self.submission.get_status_display()
        return gettext("Quá hạn, chưa gửi") if self.status == MISSING else str(STATUS_LABELS[self.status])

    @property
    def overdue(self) -> bool:
        """A draft or returned report whose deadline has passed (nothing sent yet)."""
        return self.status == MISSING and self.submission is not None

    @property
    def badge(self) -> str:
        if self.submission is None:
            return STATUS_BADGES[self.status]
        return {
            SubmissionStatus.DRAFT: "text-bg-light border", SubmissionStatus.SUBMITTED: "text-bg-info",
            SubmissionStatus.RETURNED: "text-bg-danger", SubmissionStatus.ACCEPTED: "text-bg-success",
        }[self.submission.status]

    @property
    def needs_action(self) -> bool:
        return self.submission is None or self.submission.is_editable

    @property
    def timing_label(self) -> str:
        return str(STATUS_LABELS[self.status])


def my_reports(user, *, today: dt.date | None = None, now: dt.datetime | None = None) -> list[OwedReport]:
    """What the person's organisation(s) owe: reports due from a year ago to the coming months,
    those to do first (nearest deadline first), then those sent (newest first)."""
    today = today or today_vn()
    now = now or timezone.now()
    acting = acting_organisation_ids(user)
    # Organisations the person reported for until the 1 July 2025 switch-over ended their assignment:
    # what they sent stays listed (read-only); nothing is owed by them any more.
    history = scoping.history_organisation_ids(user, roles.REPORT_SUBMIT) - acting
    if not acting and not history:
        return []
    owed: list[OwedReport] = []
    schedules = _relevant_schedules(user)
    pairs = []
    for schedule in schedules:
        for period in schedule.periods_between(today.year - 1, today.year + 1):
            due = schedule.due_date_for(period)
            if due is None or due < today - dt.timedelta(days=366):
                continue
            if not schedule.is_one_off and period.start > today + dt.timedelta(days=31):
                continue
            org_ids = obligated_organisations(schedule, period).filter(pk__in=acting).values_list("pk", flat=True)
            for org_id in org_ids:
                pairs.append((schedule, period, due, org_id))
    # No pairs is no reason to stop: an organisation of an abolished unit still lists what it sent.
    orgs = Organisation.objects.select_related("unit").in_bulk({p[3] for p in pairs})
    subs = {(s.schedule_id, s.period_code, s.organisation_id): s
            for s in Submission.objects.filter(organisation__in=acting | history, schedule__in=schedules)
            .select_related("organisation__unit", "schedule__issuer__unit")}
    seen = set()
    for schedule, period, due, org_id in pairs:
        sub = subs.get((schedule.pk, period.code(), org_id))
        seen.add((schedule.pk, period.code(), org_id))
        owed.append(OwedReport(organisation=orgs[org_id], schedule=schedule, period=period, due_date=due,
                               status=row_status(sub, due, now), submission=sub))
    # Reports sent before the window: kept in the list of what was sent, newest first.
    older = [s for key, s in subs.items() if key not in seen and s.submitted_at is not None]
    older.sort(key=lambda s: s.period_code, reverse=True)
    for sub in older[:OLDER_SHOWN]:
        due = sub.schedule.due_date_for(sub.period)
        if due is not None:
            owed.append(OwedReport(organisation=sub.organisation, schedule=sub.schedule, period=sub.period,
                                   due_date=due, status=row_status(sub, due, now), submission=sub))
    todo = sorted((o for o in owed if o.needs_action), key=lambda o: (o.due_date, o.organisation.name_sort))
    done = sorted((o for o in owed if not o.needs_action), key=lambda o: (o.due_date, o.organisation.name_sort),
                  reverse=True)
    return todo + done


def obligation_or_404(user, *, organisation_id, schedule_id, period_code: str):
    """(organisation, schedule, period) that the person may start a report for, or 404."""
    if int(organisation_id) not in acting_organisation_ids(user):
        raise Http404("Không tìm thấy")
    try:
        period = Period.parse(period_code)
    except (ValueError, KeyError):
        raise Http404("Kỳ báo cáo không hợp lệ") from None
    schedule = schedule_for_user_or_404(user, schedule_id)
    due = schedule.due_date_for(period)
    organisation = obligated_organisations(schedule, period).filter(pk=organisation_id).first() if due else None
    if organisation is None:
        raise Http404("Không tìm thấy")
    return organisation, schedule, period
