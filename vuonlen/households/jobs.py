"""Imports as background jobs: the page hands the file over and shows the progress.

A job row (``ImportJob``) carries everything the worker needs, the file included, so the
task's only argument is the job's id and any worker on any machine can run it. The task
framework is Django's (``django.tasks``); which backend runs it is a setting (``TASKS``):
the database backend and its worker (`vuonlen db_worker`) in real use, the immediate backend
in the tests, where the job has finished when ``import_job_start`` returns.
"""

from __future__ import annotations

import logging
import time

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from vuonlen.core.spreadsheets import FileUnreadable, RowError, errors_xlsx

from . import imports
from .models import ImportJob, ImportKind, ImportStatus

logger = logging.getLogger(__name__)


def import_job_start(*, actor, kind: str, data: bytes, filename: str, year: int | None = None,
                     era: str = "pre2025") -> ImportJob:
    """Keep the file in a new job and queue it. The job is committed before it is queued, so a
    worker polling the queue always finds it."""
    job = ImportJob.objects.create(kind=kind, created_by=actor, filename=filename[:255], year=year, era=era,
                                   upload=data)
    result = run_import_job.enqueue(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def _progress_writer(job_id: int):
    """Progress goes to the job row, at most a few times a second (see ``imports._Reporter``)."""

    def write(done: int, total: int, phase: str) -> None:
        ImportJob.objects.filter(pk=job_id).update(done=done, total=total, phase=phase)

    return write


def _run(job: ImportJob) -> imports.ImportResult:
    from vuonlen.accounts.scoping import forget_scope

    actor = job.created_by
    forget_scope(actor)  # today's roles, not the ones cached when the job was queued
    data = bytes(job.upload)
    progress = _progress_writer(job.pk)
    if job.kind == ImportKind.REVIEWS:
        return imports.import_reviews(actor=actor, file=data, filename=job.filename, year=job.year, era=job.era,
                                      progress=progress)
    return imports.import_households(actor=actor, file=data, filename=job.filename, era=job.era,
                                     progress=progress)


@task()
def run_import_job(job_id: int) -> dict:
    """Run one queued import; whatever happens, the job ends done or failed, its file emptied."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), phase=imports.Phase.READ)
    if not claimed:
        return {"skipped": True}  # already run (a task retried after a worker restart)
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    start = time.monotonic()
    try:
        result = _run(job)
    except FileUnreadable as exc:
        # The parser died on the file in its child process; the worker lives on. Failed, with why.
        logger.warning("import job %s: file unreadable", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED, finished_at=timezone.now(), upload=b"", phase="",
            errors=[[None, "", str(exc)]], error_count=1)
        return {"failed": True}
    except Exception:
        logger.exception("import job %s failed", job_id)
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.FAILED, finished_at=timezone.now(), upload=b"",
            errors=[[None, "", "Lỗi hệ thống khi nhập tệp; chưa ghi gì. Hãy báo quản trị hệ thống."]],
            error_count=1)
        raise
    errors = [[e.row, e.column, e.message] for e in result.errors]
    with transaction.atomic():
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportStatus.DONE, finished_at=timezone.now(), upload=b"", phase="",
            counts={**result.counts, "seconds": round(time.monotonic() - start, 1)},
            errors=errors, error_count=len(errors))
    logger.info("import job %s done: %s errors, counts %s", job_id, len(errors), result.counts)
    return {"errors": len(errors), **{k: v for k, v in result.counts.items() if isinstance(v, int)}}


def job_result(job: ImportJob) -> imports.ImportResult:
    return imports.ImportResult(errors=[RowError(*e) for e in job.errors], counts=dict(job.counts or {}))


def job_errors_xlsx(job: ImportJob) -> bytes:
    return errors_xlsx(RowError(*e) for e in job.errors)
