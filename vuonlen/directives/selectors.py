"""Reads of documents and tasks, always through the reader's scope.

Two ways to see a task:
- as an assignee: the tasks assigned to the organisations one acts for
  (``scoping.acting_organisation_ids`` with ``DIRECTIVE_VIEW``), and the documents that assign
  them — a reporting unit sees only its own work, not its whole district's;
- over an area (``DIRECTIVE_VIEW_AREA``: secretariat, leaders, administrators): the documents
  issued by organisations of the area and the tasks assigned to its organisations, i.e. the
  person's level and below.
Anything else is "not found" (404), never "forbidden".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from vuonlen.accounts import roles, scoping
from vuonlen.accounts.models import Organisation
from vuonlen.core.periods import today_vn
from vuonlen.core.text import sort_key

from .models import (
    Document,
    DocumentFile,
    Task,
    TaskAssignment,
    TaskEvidence,
    TaskState,
    TaskStatus,
    TaskUpdate,
)


def _not_found():
    from django.http import Http404

    return Http404("Không tìm thấy")


def my_organisation_ids(user) -> frozenset[int]:
    """The organisations whose tasks the person sees as their own."""
    return scoping.acting_organisation_ids(user, roles.DIRECTIVE_VIEW)


def updatable_organisation_ids(user) -> frozenset[int]:
    """The organisations the person may report task progress for."""
    return scoping.acting_organisation_ids(user, roles.TASK_UPDATE)


def _area_q(user, unit_field: str) -> Q | None:
    """The filter for "placed in the person's area", or None when they read no area."""
    scope = scoping.scope_for(user, roles.DIRECTIVE_VIEW_AREA)
    if scope.empty:
        return None
    return scope.q(unit_field)


def _reads_everything(user) -> bool:
    """``SYSTEM`` (demo, commands) reads everything, as a superuser does; ``None`` nothing."""
    return scoping.scope_for(user, roles.DIRECTIVE_VIEW_AREA).everything


def _task_filter(user) -> Q:
    """Which tasks the person may see, as one filter (Exists subqueries: no duplicate rows)."""
    if _reads_everything(user):
        return Q()
    query = Q(pk__in=[])
    own = my_organisation_ids(user)
    if own:
        query |= Q(Exists(TaskAssignment.objects.filter(task=OuterRef("pk"), organisation_id__in=own)))
    area = _area_q(user, "organisation__unit")
    if area is not None:
        query |= Q(Exists(TaskAssignment.objects.filter(area, task=OuterRef("pk"))))
        query |= _area_q(user, "document__issuer__unit")
    return query


def tasks_visible_to(user) -> QuerySet[Task]:
    if not getattr(user, "is_authenticated", False):
        return Task.objects.none()
    return Task.objects.filter(_task_filter(user))


def documents_visible_to(user) -> QuerySet[Document]:
    """Documents issued in the person's area, and those assigning a task they may see."""
    if not getattr(user, "is_authenticated", False):
        return Document.objects.none()
    if _reads_everything(user):
        return Document.objects.all()
    query = Q(Exists(tasks_visible_to(user).filter(document=OuterRef("pk"))))
    area = _area_q(user, "issuer__unit")
    if area is not None:
        query |= area
    return Document.objects.filter(query)


def _with_task_relations(qs: QuerySet[Task]) -> QuerySet[Task]:
    return qs.select_related("document__issuer", "carried_from__document").prefetch_related(
        Prefetch("assignments", queryset=TaskAssignment.objects.select_related("organisation__unit")),
        Prefetch("carried_into", queryset=Task.objects.select_related("document")),
    )


def document_list(user, *, search: str = "", kind: str = "", year: int | None = None) -> QuerySet[Document]:
    qs = documents_visible_to(user).select_related("issuer__unit", "follows")
    if search:
        qs = qs.filter(Q(number_key__contains=search.strip().upper()) | Q(title__icontains=search.strip()))
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(year=year)
    visible_tasks = tasks_visible_to(user)
    return qs.annotate(
        task_count=Count("tasks", filter=Q(tasks__in=visible_tasks), distinct=True),
    ).order_by("-date", "-pk")


def get_document_for_user_or_404(user, pk) -> Document:
    try:
        return documents_visible_to(user).select_related("issuer__unit", "follows__issuer").get(pk=pk)
    except (Document.DoesNotExist, ValueError, TypeError):
        raise _not_found() from None


def get_document_for_manager_or_404(user, pk) -> Document:
    """A document the person may edit: issued in their ``DIRECTIVE_MANAGE`` area."""
    document = get_document_for_user_or_404(user, pk)
    if not scoping.can(user, roles.DIRECTIVE_MANAGE, document.issuer.unit):
        raise _not_found()
    return document


def can_manage(user, document: Document | None = None) -> bool:
    if document is None:
        return scoping.can(user, roles.DIRECTIVE_MANAGE)
    return scoping.can(user, roles.DIRECTIVE_MANAGE, document.issuer.unit)


def get_task_for_user_or_404(user, pk) -> Task:
    try:
        return _with_task_relations(tasks_visible_to(user)).get(pk=pk)
    except (Task.DoesNotExist, ValueError, TypeError):
        raise _not_found() from None


def document_tasks(user, document: Document) -> list[Task]:
    """The document's tasks the person may see, in the document's order."""
    return list(_with_task_relations(tasks_visible_to(user).filter(document=document)).order_by("position", "pk"))


def document_files(document: Document) -> list[DocumentFile]:
    return list(document.files.all())


def get_document_file_for_user_or_404(user, pk) -> DocumentFile:
    try:
        return DocumentFile.objects.select_related("document").get(
            pk=pk, document__in=documents_visible_to(user))
    except (DocumentFile.DoesNotExist, ValueError, TypeError):
        raise _not_found() from None


def get_evidence_for_user_or_404(user, pk) -> TaskEvidence:
    try:
        return TaskEvidence.objects.select_related("update__task").get(
            pk=pk, update__task__in=tasks_visible_to(user))
    except (TaskEvidence.DoesNotExist, ValueError, TypeError):
        raise _not_found() from None


def task_updates(task: Task) -> list[TaskUpdate]:
    return list(task.updates.select_related("organisation", "author").prefetch_related("evidence"))


def my_tasks(user, *, status: str = "", open_only: bool = False) -> list[Task]:
    """Tasks assigned to the person's own organisations, nearest deadline first (no deadline last)."""
    own = my_organisation_ids(user)
    if not own:
        return []
    qs = Task.objects.filter(Exists(TaskAssignment.objects.filter(task=OuterRef("pk"), organisation_id__in=own)))
    if open_only:
        qs = qs.exclude(state=TaskState.DONE)
    tasks = list(_with_task_relations(qs).order_by("deadline", "document__date", "position", "pk"))
    tasks.sort(key=lambda t: (t.deadline is None, t.deadline or dt.date.max))
    now = timezone.now()
    updatable = updatable_organisation_ids(user)
    for task in tasks:
        assignments = list(task.assignments.all())
        task.computed_status = task.status(now)
        task.can_update = bool({a.organisation_id for a in assignments} & updatable)
        task.my_role = "Chủ trì" if any(a.is_lead and a.organisation_id in own for a in assignments) else "Phối hợp"
        task.lead_name = next((a.organisation.name for a in assignments if a.is_lead), "")
    if status:
        tasks = [t for t in tasks if t.computed_status == status]
    return tasks


@dataclass
class CarryCandidate:
    task: Task
    status: TaskStatus
    carried: Task | None  # its copy in this document, once carried


def carry_over_candidates(user, document: Document) -> list[CarryCandidate]:
    """The unfinished tasks of the document this one follows, each with its copy here if it was
    carried already. Only tasks the person may see are listed."""
    if document.follows_id is None:
        return []
    previous = _with_task_relations(tasks_visible_to(user).filter(document_id=document.follows_id)
                                    .exclude(state=TaskState.DONE)).order_by("position", "pk")
    copies = {t.carried_from_id: t for t in Task.objects.filter(document=document, carried_from__isnull=False)}
    now = timezone.now()
    return [CarryCandidate(task=t, status=t.status(now), carried=copies.get(t.pk)) for t in previous]


@dataclass
class CarryGroup:
    """Candidates written as one item of the notice: the same text and deadline given
    separately to several units (a task with coordinating units is its own group)."""

    candidates: list[CarryCandidate]

    @property
    def first(self) -> Task:
        return self.candidates[0].task

    @property
    def organisations(self) -> list[Organisation]:
        return [a.organisation for c in self.candidates for a in c.task.assignments.all()]

    @property
    def standing(self) -> bool:
        return self.first.deadline_kind == "none"

    @property
    def task_ids(self) -> list[int]:
        return [c.task.pk for c in self.candidates]


def carry_groups(candidates: list[CarryCandidate]) -> list[CarryGroup]:
    groups: dict[tuple, CarryGroup] = {}
    for candidate in candidates:
        task = candidate.task
        assignments = list(task.assignments.all())
        key = (("task", task.pk) if any(not a.is_lead for a in assignments)
               else ("text", task.text, task.deadline_kind, task.deadline, candidate.status))
        groups.setdefault(key, CarryGroup([])).candidates.append(candidate)
    return list(groups.values())


@dataclass
class OrganisationTasks:
    organisation: Organisation
    lead: list[Task] = field(default_factory=list)
    coordinating: list[Task] = field(default_factory=list)


def tasks_by_organisation(tasks: list[Task]) -> list[OrganisationTasks]:
    """Tasks grouped under each assignee, in the order organisations first appear (the
    document's own order), lead tasks before coordinating ones."""
    groups: dict[int, OrganisationTasks] = {}
    for task in tasks:
        for assignment in task.assignments.all():
            group = groups.setdefault(assignment.organisation_id, OrganisationTasks(assignment.organisation))
            (group.lead if assignment.is_lead else group.coordinating).append(task)
    return list(groups.values())


@dataclass
class OverdueRow:
    organisation: Organisation
    total: int = 0
    open: int = 0
    overdue: int = 0
    done_on_time: int = 0
    done_late: int = 0

    @property
    def late_total(self) -> int:
        return self.overdue + self.done_late


OVERDUE_SORTS = {
    "ten": lambda r: sort_key(r.organisation.name),
    "qua-han": lambda r: (-r.overdue, sort_key(r.organisation.name)),
    "tre-han": lambda r: (-r.done_late, sort_key(r.organisation.name)),
    "tong": lambda r: (-r.total, sort_key(r.organisation.name)),
    "dang-mo": lambda r: (-r.open, sort_key(r.organisation.name)),
}


def overdue_counts(user, *, on: dt.date | None = None, sort: str = "qua-han",
                   document: Document | None = None) -> list[OverdueRow]:
    """Per assignee organisation (lead or coordinating) in the person's view: tasks, open,
    overdue (not done and the deadline day has ended in Vietnam), done on time, done late.

    A task carried over into a later notice is counted once, under its newest copy.
    Set-based: one grouped query, however many tasks.
    """
    on = on or today_vn()
    tasks = tasks_visible_to(user).filter(carried_into__isnull=True)
    if document is not None:
        tasks = tasks.filter(document=document)
    done = Q(task__state=TaskState.DONE)
    rows = (
        TaskAssignment.objects.filter(task__in=tasks)
        .values("organisation_id")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=~done),
            overdue=Count("pk", filter=~done & Q(task__deadline__lt=on)),
            done_on_time=Count("pk", filter=done & ~Q(task__finished_late=True)),
            done_late=Count("pk", filter=done & Q(task__finished_late=True)),
        )
        .order_by()
    )
    rows = list(rows)
    orgs = Organisation.objects.select_related("unit").in_bulk([r["organisation_id"] for r in rows])
    result = [OverdueRow(organisation=orgs[r["organisation_id"]], total=r["total"], open=r["open"],
                         overdue=r["overdue"], done_on_time=r["done_on_time"], done_late=r["done_late"])
              for r in rows]
    result.sort(key=OVERDUE_SORTS.get(sort, OVERDUE_SORTS["qua-han"]))
    return result


@dataclass
class OverdueItem:
    """Overdue tasks written once: the same text, deadline and document for several units."""

    task: Task
    organisations: list = field(default_factory=list)
    days: int = 0


def overdue_tasks(user, *, on: dt.date | None = None) -> list[OverdueItem]:
    """The open tasks whose deadline day has ended, in the person's view, newest copy of each
    carried chain only; identical tasks given separately to several units are one item."""
    on = on or today_vn()
    tasks = (tasks_visible_to(user).filter(carried_into__isnull=True, deadline__lt=on)
             .exclude(state=TaskState.DONE).select_related("document__issuer")
             .prefetch_related("assignments__organisation__unit").order_by("deadline", "document_id", "position", "pk"))
    items: dict[tuple, OverdueItem] = {}
    for task in tasks:
        assignments = list(task.assignments.all())
        key = (("task", task.pk) if any(not a.is_lead for a in assignments)
               else (task.document_id, task.text, task.deadline))
        item = items.setdefault(key, OverdueItem(task=task, days=(on - task.deadline).days))
        for assignment in assignments:
            if assignment.organisation not in item.organisations:
                item.organisations.append(assignment.organisation)
    return list(items.values())


def tasks_due_between(user, start: dt.date, end: dt.date) -> list[Task]:
    """Open tasks the person sees whose deadline falls in [start, end] (for the calendar)."""
    return list(tasks_visible_to(user).filter(deadline__gte=start, deadline__lte=end)
                .exclude(state=TaskState.DONE).select_related("document").order_by("deadline", "pk"))


def status_counts(tasks: list[Task]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for task in tasks:
        counts[getattr(task, "computed_status", None) or task.current_status] += 1
    return dict(counts)
