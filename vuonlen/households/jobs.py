"""Imports as background jobs: the page hands the file over and shows the progress.

A job row (``ImportJob``) carries everything the worker needs, the file included, so the
task's only argument is the job's id and any worker on any machine can run it. The task
framework is Django's (``django.tasks``); which backend runs it is a setting (``TASKS``):
the database backend and its worker (`vuonlen db_worker`) in real use, the immediate backend
in the tests, where the job has finished when ``import_job_start`` returns.

A job never stays "running" without a worker. The worker holds a lease on the job
(``lease_expires_at``), renewed by a heartbeat (every progress write, and a thread every quarter
of the lease); a worker killed or frozen stops renewing it. ``import_jobs_reap`` fails every
running job whose lease has expired, with a message saying nothing was written (the import
writes in one transaction, which died with the worker); the worker calls it when it starts and
every lease while it runs, and the job pages call ``import_job_reap_if_dead`` before showing a
running job. A job failed for the system's sake keeps its file for ``VUONLEN_JOB_RETRY_DAYS``,
so that its sender can retry it (``import_job_retry``).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from vuonlen.accounts.scoping import SYSTEM
from vuonlen.core.audit import audit_record
from vuonlen.core.dbretry import is_transient, retry_on_lock
from vuonlen.core.models import AuditAction
from vuonlen.core.spreadsheets import FileUnreadable, RowError, errors_xlsx

from . import imports
from .models import ImportJob, ImportKind, ImportStatus

logger = logging.getLogger(__name__)

# Stored with the job in Vietnamese whoever's request stored it; the page translates it for its reader.
DIED_MESSAGE = gettext_noop("Tiến trình xử lý đã dừng giữa chừng; không có dữ liệu nào được ghi. Hãy thử lại.")
ERROR_MESSAGE = gettext_noop(
    "Lỗi hệ thống khi nhập tệp; không có dữ liệu nào được ghi. Hãy thử lại hoặc báo quản trị hệ thống.")
NOT_RETRYABLE = _("Lần nhập này không thử lại được nữa: tệp không còn được giữ. Hãy nhập lại tệp.")


class JobLost(Exception):
    """The job is no longer this worker's (its lease expired and it was failed): stop before writing."""


def _lease() -> timedelta:
    return timedelta(seconds=settings.VUONLEN_JOB_LEASE_SECONDS)


def _write_grace() -> timedelta:
    """How long the lease is stretched before the import's one write transaction. SQLite has a
    single writer: while the import writes, the heartbeat cannot, so the lease must cover the
    whole write. PostgreSQL's heartbeat goes on writing beside it."""
    if connection.vendor == "sqlite":
        return max(_lease(), timedelta(seconds=settings.VUONLEN_JOB_WRITE_GRACE_SECONDS))
    return _lease()


def _enqueue(job: ImportJob) -> ImportJob:
    result = run_import_job.enqueue(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def import_job_start(*, actor, kind: str, data: bytes, filename: str, year: int | None = None,
                     era: str = "pre2025") -> ImportJob:
    """Keep the file in a new job and queue it. The job is committed before it is queued, so a
    worker polling the queue always finds it."""
    job = ImportJob.objects.create(kind=kind, created_by=actor, filename=filename[:255], year=year, era=era,
                                   upload=data)
    return _enqueue(job)


def import_job_retry(*, actor, job: ImportJob) -> ImportJob:
    """Queue a failed job's kept file again, as a new job of the same sender, kind, year and era
    (so it runs in the sender's scope, as the first did). The failed job hands its file over and
    can no longer be retried; the retry is audited on the new job."""
    with transaction.atomic():
        old = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not old.retryable:
            raise ValidationError(str(NOT_RETRYABLE))
        new = ImportJob.objects.create(kind=old.kind, created_by=old.created_by, filename=old.filename,
                                       year=old.year, era=old.era, upload=bytes(old.upload), retry_of=old)
        ImportJob.objects.filter(pk=old.pk).update(upload=b"", retry_until=None)
        audit_record(actor=actor, action=AuditAction.CREATE, instance=new,
                     after={"kind": new.kind, "filename": new.filename, "year": new.year, "era": new.era,
                            "retry_of": old.pk},
                     note=f"Thử lại lần nhập #{old.pk}")
    return _enqueue(new)


def _dead_jobs(now: datetime):
    """Running on an expired lease; or, left running before leases existed, started a lease ago."""
    return ImportJob.objects.filter(
        Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True, started_at__lt=now - _lease()),
        status=ImportStatus.RUNNING)


def _is_dead(job: ImportJob, now: datetime) -> bool:
    if job.status != ImportStatus.RUNNING:
        return False
    if job.lease_expires_at is None:
        return job.started_at is not None and job.started_at < now - _lease()
    return job.lease_expires_at < now


def _fail_dead(job_ids: list[int], now: datetime) -> int:
    """Fail the given jobs if they are still running on an expired lease (a worker that came
    back to life in between keeps its job), each audited as the system's doing."""
    failed = 0
    for job_id in job_ids:
        with transaction.atomic():
            done = _dead_jobs(now).filter(pk=job_id).update(
                status=ImportStatus.FAILED, finished_at=now, phase="", retry_until=_retry_until(now),
                errors=[[None, "", str(DIED_MESSAGE)]], error_count=1)
            if done:
                job = ImportJob.objects.defer("upload").get(pk=job_id)
                audit_record(actor=SYSTEM, action=AuditAction.UPDATE, instance=job, source="worker",
                             before={"status": ImportStatus.RUNNING}, after={"status": ImportStatus.FAILED},
                             note="Tiến trình xử lý đã dừng giữa chừng (hết hạn giữ việc)")
        if done:
            failed += 1
            logger.warning("import job %s failed: its worker stopped (lease expired)", job_id)
            _fail_task_result(job_id, now)
    return failed


def _fail_task_result(job_id: int, now: datetime) -> None:
    """The worker died before recording its task's end: record it, for the queue's own admin page."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    task_id = ImportJob.objects.filter(pk=job_id).values_list("task_id", flat=True).first()
    if task_id:
        DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED, finished_at=now)


def _retry_until(now: datetime) -> datetime:
    return now + timedelta(days=settings.VUONLEN_JOB_RETRY_DAYS)


def import_jobs_reap(*, now: datetime | None = None) -> int:
    """Fail every running job whose worker has stopped renewing its lease, and empty the files
    of failed jobs no longer retryable (personal data is not kept longer than needed).
    Returns how many jobs were failed. Called by the worker (start and loop) and by the pages."""
    now = now or timezone.now()
    dead = list(_dead_jobs(now).values_list("pk", flat=True))
    failed = _fail_dead(dead, now)
    ImportJob.objects.filter(status=ImportStatus.FAILED, retry_until__lt=now).update(upload=b"", retry_until=None)
    return failed


def import_job_reap_if_dead(job: ImportJob) -> ImportJob:
    """Before a page shows a running job: if its lease has expired, fail it now (so no page says
    "running" for a dead job). Reads first and writes only a dead job, so the pages' polling adds
    no write to the database while a job runs."""
    now = timezone.now()
    if _is_dead(job, now):
        try:
            retry_on_lock(lambda: _fail_dead([job.pk], now), attempts=3, what="failing a dead import job")
        except Exception:
            # The worker or the next view will do it; this page shows the state as it is.
            logger.warning("could not fail dead import job %s now", job.pk, exc_info=True)
        job.refresh_from_db(fields=["status", "finished_at", "phase", "errors", "error_count", "retry_until",
                                    "lease_expires_at"])
    return job


def _renew(job_id: int, until: datetime) -> None:
    """Extend (never shorten: the write phase's longer lease stays) a running job's lease."""
    ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING, lease_expires_at__lt=until).update(
        lease_expires_at=until)


class _Heartbeat:
    """A thread that renews the lease every quarter of it while the import works, on its own
    database connection. Not started when the task runs inside an open transaction (the immediate
    backend in a request or test): another connection could not see the job there."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"import-job-{job_id}-heartbeat", daemon=True)

    def __enter__(self):
        if not connection.in_atomic_block:
            self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join(timeout=5)

    def _beat(self) -> None:
        interval = settings.VUONLEN_JOB_LEASE_SECONDS / 4
        try:
            while not self.stop.wait(interval):
                try:
                    _renew(self.job_id, timezone.now() + _lease())
                except Exception as error:  # a locked SQLite file while the import writes: try next beat
                    if not is_transient(error):
                        logger.warning("heartbeat of import job %s failed", self.job_id, exc_info=True)
                    connections["default"].close()
        finally:
            connections.close_all()  # this thread's connections only


def _progress_writer(job_id: int):
    """Progress goes to the job row, at most a few times a second (see ``imports._Reporter``);
    each write renews the lease. Announcing the write phase stretches the lease over the one
    write transaction (see ``_write_grace``). A job failed meanwhile (lease lost) stops here,
    before anything is written."""

    def write(done: int, total: int, phase: str, write_lock: bool = False) -> None:
        now = timezone.now()
        # ``write_lock``: the household import's one transaction opens next, and on SQLite holds
        # the write lock while the rest of the file is checked and written (no progress then).
        until = now + (_write_grace() if phase == imports.Phase.WRITE or write_lock else _lease())
        try:
            updated = ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING).update(
                done=done, total=total, phase=phase, lease_expires_at=until)
        except Exception as error:
            if connection.in_atomic_block or not is_transient(error):
                raise
            logger.warning("progress of import job %s not written (%s)", job_id, error)
            return  # progress is a courtesy; the heartbeat keeps the lease
        if not updated:
            raise JobLost(f"import job {job_id} is no longer running")

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


def _claim(job_id: int) -> int:
    now = timezone.now()
    return ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=now, lease_expires_at=now + _lease(), phase=imports.Phase.READ)


def _fail(job_id: int, message) -> None:
    """Whatever went wrong in the work, the job ends failed (not running), its file kept for a retry.
    Only a running job: one already failed by the reaper keeps its message."""
    now = timezone.now()
    retry_on_lock(lambda: ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING).update(
        status=ImportStatus.FAILED, finished_at=now, phase="", retry_until=_retry_until(now),
        errors=[[None, "", str(message)]], error_count=1), what="failing an import job")


@task()
def run_import_job(job_id: int) -> dict:
    """Run one queued import; whatever happens, the job ends done or failed, never "running"."""
    claimed = retry_on_lock(lambda: _claim(job_id), what="claiming an import job")
    if not claimed:
        return {"skipped": True}  # already run (a task retried after a worker restart)
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    start = time.monotonic()
    try:
        with _Heartbeat(job_id):
            result = _run(job)
    except JobLost:
        logger.warning("import job %s stopped: it was failed while running (lease expired)", job_id)
        raise
    except FileUnreadable as exc:
        # The parser died on the file in its child process; the worker lives on. Failed, with why
        # (the file names itself in the message, kept for the page; no retry would read it better).
        logger.warning("import job %s: file unreadable", job_id)
        _fail(job_id, str(exc))
        retry_on_lock(lambda: ImportJob.objects.filter(pk=job_id).update(upload=b"", retry_until=None),
                      what="dropping an unreadable file")
        return {"failed": True}
    except Exception:
        logger.exception("import job %s failed", job_id)
        _fail(job_id, ERROR_MESSAGE)
        raise
    except BaseException:
        # The worker is being stopped (a second Ctrl+C or SIGTERM): the transaction is rolled back.
        logger.warning("import job %s interrupted", job_id)
        _fail(job_id, DIED_MESSAGE)
        raise
    errors = [[e.row, e.column, e.message] for e in result.errors]

    def finish():
        # Running, or failed by the reaper while SQLite's write outlasted the lease: the data is
        # written, so the truth is "done".
        return ImportJob.objects.filter(pk=job_id, status__in=[ImportStatus.RUNNING, ImportStatus.FAILED]).update(
            status=ImportStatus.DONE, finished_at=timezone.now(), upload=b"", phase="", retry_until=None,
            counts={**result.counts, "seconds": round(time.monotonic() - start, 1)},
            errors=errors, error_count=len(errors))

    retry_on_lock(finish, what="finishing an import job")
    logger.info("import job %s done: %s errors, counts %s", job_id, len(errors), result.counts)
    return {"errors": len(errors), **{k: v for k, v in result.counts.items() if isinstance(v, int)}}


def job_result(job: ImportJob) -> imports.ImportResult:
    return imports.ImportResult(errors=[RowError(*e) for e in job.errors], counts=dict(job.counts or {}))


def job_errors_xlsx(job: ImportJob) -> bytes:
    return errors_xlsx(RowError(*e) for e in job.errors)
