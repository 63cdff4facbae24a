"""Each person's inbox: what they have to act on, collected from the other rooms.

**Materialised, not computed on read.** What a person owes is spread over reporting (every
schedule × period × organisation), directives and the campaign; computing it costs a number of
queries that grows with the schedules, far too much for a badge on every page. So the collector
(``vuonlen messages collect``, run every few minutes or hourly) asks each room's own selectors —
``reporting.selectors.my_reports``, ``directives.selectors.my_tasks``,
``households.selectors.households_for_mentor`` — and writes one row per event and person under
a unique key: running it again, or after a crash, adds nothing. An event that no longer holds
(the report was sent, the task done, the household visited, the person moved) is marked
resolved. The page then reads one table, and re-checks each item's record through that
entity's access function — one query per kind of record, whatever the number of items — so an
item never shows a record its reader has lost since the last collection.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import operator
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Max, Q, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vuonlen.accounts import roles
from vuonlen.core.formats import format_date
from vuonlen.core.periods import today_vn

from .models import Channel, ContactPreference, InboxItem, InboxKind
from .outbox import message_enqueue

log = logging.getLogger("vuonlen.messaging")

NOT_VISITED_DAYS = 90
OBLIGATION_KINDS = frozenset({InboxKind.REPORT_DUE, InboxKind.REPORT_OVERDUE, InboxKind.EXPLANATION})


def due_soon_days() -> int:
    return int(getattr(settings, "MESSAGING_DUE_SOON_DAYS", 7))


@dataclass(frozen=True)
class Event:
    kind: str
    key: str
    ref_id: int
    title: str
    url: str
    due_date: dt.date | None = None


# --- what each room says the person has to do ------------------------------------------------

def _report_events(user, today: dt.date, now: dt.datetime) -> list[Event]:
    from vuonlen.reporting.models import SubmissionEvent, SubmissionStatus
    from vuonlen.reporting.selectors import my_reports

    owed = [o for o in my_reports(user, today=today, now=now) if o.needs_action]
    returned = [o.submission for o in owed if o.submission and o.submission.status == SubmissionStatus.RETURNED]
    last_return = dict(SubmissionEvent.objects.filter(submission__in=returned, to_status=SubmissionStatus.RETURNED)
                       .values("submission_id").annotate(last=Max("pk")).values_list("submission_id", "last"))
    soon = today + dt.timedelta(days=due_soon_days())
    events = []
    for o in owed:
        what = f"{o.schedule.name} {o.period.label()} — {o.organisation.name}"
        sub = o.submission
        if sub is not None and sub.status == SubmissionStatus.RETURNED:
            events.append(Event(InboxKind.REPORT_RETURNED, f"report_returned:{sub.pk}:{last_return.get(sub.pk, 0)}",
                                sub.pk, what, reverse("reporting:edit", args=[sub.pk]), o.due_date))
            continue
        if o.schedule.explains_id:
            kind = InboxKind.EXPLANATION
        elif o.due_date < today:
            kind = InboxKind.REPORT_OVERDUE
        elif o.due_date <= soon:
            kind = InboxKind.REPORT_DUE
        else:
            continue
        # Starting a report is a POST from "Báo cáo của tôi"; a draft opens directly.
        url = reverse("reporting:edit", args=[sub.pk]) if sub is not None else reverse("reporting:my_reports")
        events.append(Event(kind, f"{kind}:{o.schedule.pk}:{o.period.code()}:{o.organisation.pk}",
                            o.organisation.pk, what, url, o.due_date))
    return events


def _task_events(user, today: dt.date, now: dt.datetime) -> list[Event]:
    from vuonlen.directives.models import TaskStatus
    from vuonlen.directives.selectors import my_tasks

    soon = today + dt.timedelta(days=due_soon_days())
    events = []
    for task in my_tasks(user, open_only=True):
        if task.deadline is None:
            continue
        if task.computed_status == TaskStatus.OVERDUE:
            kind = InboxKind.TASK_OVERDUE
        elif task.deadline <= soon:
            kind = InboxKind.TASK_DUE
        else:
            continue
        title = f"{task} ({task.document.number})" if getattr(task.document, "number", "") else str(task)
        events.append(Event(kind, f"{kind}:{task.pk}:{task.deadline.isoformat()}", task.pk, title,
                            reverse("directives:task_detail", args=[task.pk]), task.deadline))
    return events


def _visit_events(user, today: dt.date) -> list[Event]:
    """The mentor's households with no visit (by anyone) for 90 days, counted from the visit or,
    when there was none, from the day the household was given to this mentor."""
    from vuonlen.campaign.models import HouseholdGroup, MentorAssignment
    from vuonlen.campaign.selectors import active_on
    from vuonlen.households.selectors import households_for_mentor

    households = list(households_for_mentor(user, today).annotate(last_visit=Max("campaign_visits__visited_on"))
                      .only("pk", "code", "head_name"))
    if not households:
        return []
    mine = MentorAssignment.objects.filter(active_on(today), mentor=user)
    since: dict[int, dt.date] = {}
    for hh_id, started in mine.filter(household__isnull=False).values_list("household_id", "started_on"):
        since[hh_id] = min(started, since.get(hh_id, started))
    groups = dict(mine.filter(group__isnull=False).values_list("group_id", "started_on"))
    for group_id, hh_id in HouseholdGroup.households.through.objects.filter(
            householdgroup_id__in=groups).values_list("householdgroup_id", "household_id"):
        since[hh_id] = min(groups[group_id], since.get(hh_id, groups[group_id]))
    limit = today - dt.timedelta(days=NOT_VISITED_DAYS)
    events = []
    for hh in households:
        reference = hh.last_visit or since.get(hh.pk, today)
        if reference > limit:
            continue
        events.append(Event(InboxKind.NOT_VISITED, f"not_visited:{hh.pk}:{hh.last_visit or 'none'}", hh.pk,
                            f"{hh.code} — {hh.head_name}", reverse("campaign:household", args=[hh.pk]),
                            reference + dt.timedelta(days=NOT_VISITED_DAYS)))
    return events


def events_for(user, *, today: dt.date | None = None, now: dt.datetime | None = None) -> list[Event]:
    today = today or today_vn()
    now = now or timezone.now()
    return [*_report_events(user, today, now), *_task_events(user, today, now), *_visit_events(user, today)]


# --- collection ------------------------------------------------------------------------------

@dataclass
class CollectResult:
    people: int = 0
    created: int = 0
    resolved: int = 0
    queued: int = 0


def _address(user, preference: ContactPreference | None) -> tuple[str, str]:
    if preference is None or preference.channel == Channel.NONE:
        return "", ""
    address = {Channel.EMAIL: user.email, Channel.SMS: preference.phone,
               Channel.ZALO: preference.zalo_user_id}.get(preference.channel, "")
    return (preference.channel, address) if address else ("", "")


def notice_text(item: InboxItem) -> tuple[str, str]:
    """Subject and text sent outside the system: the kind of item, its deadline and the link,
    never the record's name (a household's, an organisation's): SMS and Zalo pass through third
    parties."""
    label = InboxKind(item.kind).label
    subject = _("[Vươn Lên] %(label)s") % {"label": label}
    due = _(" (hạn %(date)s)") % {"date": format_date(item.due_date)} if item.due_date else ""
    link = f"{getattr(settings, 'VUONLEN_SITE_URL', '').rstrip('/')}{reverse('messaging:inbox')}"
    body = _("Vươn Lên: bạn có việc mới trong hộp thư — %(label)s%(due)s. Xem tại %(link)s") % {
        "label": label, "due": due, "link": link}
    return subject, body


def collect_for(user, *, today: dt.date | None = None, now: dt.datetime | None = None,
                result: CollectResult | None = None) -> CollectResult:
    """Bring ``user``'s inbox up to date; each new item queues one message on their channel."""
    now = now or timezone.now()
    result = result or CollectResult()
    events = {e.key: e for e in events_for(user, today=today, now=now)}
    preference = ContactPreference.objects.filter(user=user).first()
    channel, address = _address(user, preference)
    existing = set(InboxItem.objects.filter(user=user, key__in=list(events)).values_list("key", flat=True))
    for key, event in events.items():
        if key in existing:
            continue
        try:
            with transaction.atomic():  # the item and its message together, or neither
                item = InboxItem.objects.create(user=user, kind=event.kind, key=key, ref_id=event.ref_id,
                                                title=event.title[:400], url=event.url, due_date=event.due_date,
                                                created_at=now)
                if channel:
                    subject, body = notice_text(item)
                    _, queued = message_enqueue(key=f"inbox:{item.pk}", channel=channel, recipient=address,
                                                subject=subject, body=body, user=user)
                    result.queued += int(queued)
        except IntegrityError:  # a collector running at the same time wrote it first
            continue
        result.created += 1
    open_items = InboxItem.objects.filter(user=user, resolved_at__isnull=True)
    result.resolved += open_items.exclude(key__in=list(events)).update(resolved_at=now)
    InboxItem.objects.filter(user=user, key__in=list(events), resolved_at__isnull=False).update(resolved_at=None)
    result.people += 1
    return result


def collect(*, users=None, today: dt.date | None = None, now: dt.datetime | None = None) -> CollectResult:
    """Every active account's inbox (or ``users``'). Idempotent."""
    from django.contrib.auth import get_user_model

    now = now or timezone.now()
    result = CollectResult()
    people = users if users is not None else get_user_model().objects.filter(is_active=True).order_by("pk")
    for user in people:
        collect_for(user, today=today, now=now, result=result)
    log.info("inbox collected: %d people, %d new items, %d resolved, %d messages queued",
             result.people, result.created, result.resolved, result.queued)
    return result


# --- reads -----------------------------------------------------------------------------------

def inbox_items_for(user) -> QuerySet[InboxItem]:
    """The access function for inbox items: a person's own, nobody else's."""
    if not getattr(user, "is_authenticated", False):
        return InboxItem.objects.none()
    return InboxItem.objects.filter(user=user)


def get_item_for_user_or_404(user, pk) -> InboxItem:
    try:
        return inbox_items_for(user).get(pk=pk)
    except (InboxItem.DoesNotExist, ValueError, TypeError):
        raise Http404("Không tìm thấy") from None


_GROUP_KINDS = {
    "obligation": tuple(OBLIGATION_KINDS),
    "submission": (InboxKind.REPORT_RETURNED,),
    "task": (InboxKind.TASK_DUE, InboxKind.TASK_OVERDUE),
    "household": (InboxKind.NOT_VISITED,),
}


def _visible_refs_query(user, kind_group: str):
    """The records of one kind the reader may see, as a subquery (or a set of ids) for a filter."""
    if kind_group == "obligation":
        from vuonlen.reporting.selectors import acting_organisation_ids

        return list(acting_organisation_ids(user))
    if kind_group == "submission":
        from vuonlen.reporting.selectors import submissions_visible_to

        qs = submissions_visible_to(user)
    elif kind_group == "task":
        from vuonlen.directives.selectors import tasks_visible_to

        qs = tasks_visible_to(user)
    else:
        from vuonlen.households.selectors import households_visible_to

        qs = households_visible_to(user, roles.CAMPAIGN_VIEW)
    return qs.order_by().values("pk")


def _visible_refs(user, kind_group: str, ids: set[int]) -> set[int]:
    visible = _visible_refs_query(user, kind_group)
    if isinstance(visible, list):
        return ids & set(visible)
    return set(visible.filter(pk__in=ids).values_list("pk", flat=True))


def _group(kind: str) -> str:
    return next((group for group, kinds in _GROUP_KINDS.items() if kind in kinds), "household")


def still_visible(user, items: list[InboxItem]) -> list[InboxItem]:
    """Items whose record the reader may still see, through each entity's access function."""
    wanted: dict[str, set[int]] = {}
    for item in items:
        wanted.setdefault(_group(item.kind), set()).add(item.ref_id)
    allowed = {group: _visible_refs(user, group, ids) for group, ids in wanted.items()}
    return [item for item in items if item.ref_id in allowed[_group(item.kind)]]


PER_PAGE = 50


def open_items_query(user, *, unread_only: bool = False) -> QuerySet[InboxItem]:
    """What the person still has to do, unread first, then nearest deadline (none last)."""
    qs = inbox_items_for(user).filter(resolved_at__isnull=True)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    is_read = Case(When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.order_by(is_read, F("due_date").asc(nulls_last=True), "-pk")


def prepare(user, items) -> list[InboxItem]:
    """One page of items: those whose record the reader may still see, with their kind's label
    computed once per kind (``get_kind_display`` resolves every lazy choice on each call)."""
    items = still_visible(user, list(items))
    labels = {value: str(label) for value, label in InboxKind.choices}
    for item in items:
        item.kind_label = labels.get(item.kind, item.kind)
    return items


def open_items(user, *, unread_only: bool = False, limit: int = 1000) -> list[InboxItem]:
    return prepare(user, open_items_query(user, unread_only=unread_only)[:limit])


def unread_count(user) -> int:
    """The badge's number: unread open items whose record the reader may still see — the same
    re-check as the page (``still_visible``), in one COUNT with a subquery per kind of record that
    the person has items of, so a household the mentor lost since the last collection is not
    counted."""
    unread = inbox_items_for(user).filter(resolved_at__isnull=True, read_at__isnull=True)
    kinds = set(unread.order_by().values_list("kind", flat=True).distinct())
    if not kinds:
        return 0
    visible = [Q(kind__in=group_kinds, ref_id__in=_visible_refs_query(user, group))
               for group, group_kinds in _GROUP_KINDS.items() if kinds.intersection(group_kinds)]
    return unread.filter(functools.reduce(operator.or_, visible)).count()
