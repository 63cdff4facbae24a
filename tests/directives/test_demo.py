"""The demo: notices 87 and 103 with the tasks of seed 001, progress, overdue work, carry-over."""

from __future__ import annotations

from vuonlen.core.demo import DemoContext
from vuonlen.directives.models import DeadlineKind, Document, Task, TaskStatus, TaskUpdate

from .conftest import day


def _run():
    from vuonlen.accounts import demo as accounts_demo
    from vuonlen.directives import demo

    ctx = DemoContext(seed=2021, say=lambda _m: None)
    accounts_demo.run(ctx)
    demo.run(ctx)


def test_demo_notices_follow_seed_001(kontum):
    _run()
    n87 = Document.objects.get(number="87-TB/BCĐ")
    n103 = Document.objects.get(number="103-TB/BCĐ")
    assert n103.follows == n87 and n103.date == day("12/7/2023") and n103.period_label == "Quý II/2023"
    assert n103.party_layout and n103.issuer.name == "Ban Chỉ đạo Cuộc vận động huyện Kon Rẫy"
    tasks = list(n103.tasks.prefetch_related("assignments__organisation"))
    labels = {t.deadline_label for t in tasks}
    assert {"trước ngày 31/7/2023", "trước ngày 20/7/2023", "trong tháng 8/2023", "trước ngày 07/9/2023",
            "thường xuyên"} <= labels
    garden = next(t for t in tasks if "Nhà vườn kiểu mẫu" in t.text)
    assert garden.deadline_kind == DeadlineKind.MONTH and garden.deadline == day("31/8/2023")
    assert [a.organisation.name for a in garden.assignments.all() if a.is_lead] == ["Ủy ban nhân dân huyện Kon Rẫy"]
    unions = {a.organisation.name for t in tasks if "hội viên, đoàn viên DTTS nghèo" in t.text
              for a in t.assignments.all()}
    assert unions == {"Hội Nông dân huyện Kon Rẫy", "Hội Liên hiệp Phụ nữ huyện Kon Rẫy", "Huyện đoàn huyện Kon Rẫy",
                      "Hội Cựu chiến binh huyện Kon Rẫy"}
    assert any(a.organisation.name == "Ban Dân vận Huyện ủy Kon Rẫy" for t in tasks for a in t.assignments.all())
    carried = [t for t in tasks if t.carried_from_id]
    assert carried and all(t.carried_from.document == n87 for t in carried)
    statuses = {t.current_status for t in tasks}
    assert {TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE, TaskStatus.OVERDUE} <= statuses
    assert TaskUpdate.objects.filter(evidence__isnull=False).exists()


def test_demo_is_idempotent(kontum):
    _run()
    counts = (Document.objects.count(), Task.objects.count(), TaskUpdate.objects.count())
    _run()
    assert (Document.objects.count(), Task.objects.count(), TaskUpdate.objects.count()) == counts


def test_demo_explanations_close_their_tasks(kontum):
    """With the reporting demo first, item 1's explanation tasks are linked to the explanation
    request: an explanation sent and accepted closes its task, on time when sent by 20/7/2023."""
    from vuonlen.accounts import demo as accounts_demo
    from vuonlen.core.periods import deadline_end
    from vuonlen.directives import demo
    from vuonlen.reporting import demo as reporting_demo
    from vuonlen.reporting.models import Submission, SubmissionStatus

    ctx = DemoContext(seed=2021, say=lambda _m: None)
    accounts_demo.run(ctx)
    reporting_demo.run(ctx)
    demo.run(ctx)
    linked = list(Task.objects.filter(report_schedule__isnull=False, document__number="103-TB/BCĐ")
                  .prefetch_related("assignments"))
    assert linked and all(t.deadline == day("20/7/2023") for t in linked)
    closed = [t for t in linked if t.updates.filter(submission__isnull=False).exists()]
    assert closed and len(closed) < len(linked)  # one in four never explained
    for task in closed:
        sub = task.updates.get(submission__isnull=False).submission
        assert sub.status == SubmissionStatus.ACCEPTED
        on_time = sub.submitted_at < deadline_end(day("20/7/2023"))
        assert task.current_status == (TaskStatus.DONE_ON_TIME if on_time else TaskStatus.DONE_LATE)
    lead_orgs = {a.organisation_id for t in linked for a in t.assignments.all()}
    accepted = set(Submission.objects.filter(schedule=linked[0].report_schedule, status=SubmissionStatus.ACCEPTED,
                                             organisation_id__in=lead_orgs).values_list("organisation_id", flat=True))
    assert {a.organisation_id for t in closed for a in t.assignments.all()} == accepted
