"""factory_boy factories for directives: documents (notices, conclusions), the tasks taken from
them and the progress reported on a task. They create through the services as the system, so
each keeps the numbering, deadline and scope rules, the task's status and the audit."""

from __future__ import annotations

import datetime as dt

import factory

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.directives import services
from vuonlen.directives.models import DeadlineKind, Document, DocumentKind, ExpectedOutput, Task, TaskState, TaskUpdate


class DocumentFactory(factory.Factory):
    """Notice 103-TB/BCĐ of 12/7/2023 (the conclusions of the quarter's review meeting); give
    its ``issuer``."""

    class Meta:
        model = Document

    number = "103-TB/BCĐ"
    kind = DocumentKind.NOTICE
    date = dt.date(2023, 7, 12)
    title = "kết luận Hội nghị giao ban Ban Chỉ đạo Cuộc vận động huyện định kỳ quý II/2023"

    @classmethod
    def _create(cls, model_class, *, actor=SYSTEM, **kwargs):
        return services.document_register(actor=actor, **kwargs)


class TaskFactory(factory.Factory):
    """A task of ``document`` for ``lead``: report back by 31/7/2023."""

    class Meta:
        model = Task

    text = "Rà soát, báo cáo các mô hình"
    expected_output = ExpectedOutput.REPORT
    deadline_kind = DeadlineKind.DATE
    deadline = dt.date(2023, 7, 31)

    @classmethod
    def _create(cls, model_class, *, actor=SYSTEM, **kwargs):
        return services.task_create(actor=actor, **kwargs)


class TaskUpdateFactory(factory.Factory):
    """``organisation`` reports ``task`` done ("Đã hoàn thành"), now unless ``at`` is given; the
    task is read afresh so the update never meets a stale version."""

    class Meta:
        model = TaskUpdate

    progress = "Đã hoàn thành"
    state = TaskState.DONE
    at = None
    files = ()

    @classmethod
    def _create(cls, model_class, *, task, actor=SYSTEM, files=(), **kwargs):
        task.refresh_from_db()
        return services.task_report_progress(actor=actor, task=task, expected_version=task.version,
                                             files=list(files), **kwargs)
