"""Background import jobs outlive their worker: a worker killed mid-import leaves nothing written
and a job that is failed (not "running") once its lease expires, with a Vietnamese message and a
retry; an exception in the work fails the job; the worker survives a locked database.

The first and last tests run the real worker (`vuonlen db_worker`) as a separate process against
the test database: PostgreSQL's directly, SQLite's (in memory) copied to a file and back."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.db import OperationalError, connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SqliteWrapper
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from vuonlen.core.audit import history_for
from vuonlen.core.dbretry import retry_on_lock
from vuonlen.households import imports, jobs
from vuonlen.households.models import Household, ImportJob, ImportStatus

from .test_imports import A, person, xlsx

DIED = "Tiến trình xử lý đã dừng giữa chừng; không có dữ liệu nào được ghi. Hãy thử lại."
RETRY_BUTTON = "Thử lại với cùng tệp"
LEASE = 2.0  # seconds, for the worker processes and this process alike
VUONLEN = Path(sys.executable).parent / "vuonlen"


def wait_for(condition, *, timeout: float, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"not reached in {timeout} s")


def households_file(n: int, prefix: str) -> bytes:
    return xlsx([person(f"{prefix}-{i}", A, name="A Bình") for i in range(n)])


def running_job(actor, *, lease_left: float, upload: bytes = b"tep") -> ImportJob:
    now = timezone.now()
    return ImportJob.objects.create(kind="households", created_by=actor, filename="ho.xlsx", status="running",
                                    phase="check", done=10, total=100, started_at=now - dt.timedelta(minutes=5),
                                    lease_expires_at=now + dt.timedelta(seconds=lease_left), upload=upload)


# --- the lease, seen from the pages and the reaper ---------------------------------------------------

@pytest.mark.django_db
def test_a_job_whose_lease_expired_shows_failed_with_a_retry(client, officer_a):
    job = running_job(officer_a, lease_left=-1)
    client.force_login(officer_a)
    body = client.get(reverse("household_imports:progress", args=[job.pk])).content.decode()
    assert DIED in body and RETRY_BUTTON in body
    assert 'hx-trigger="every 1s"' not in body  # no longer polling a dead job
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.finished_at and job.retryable
    assert bytes(job.upload) == b"tep"  # kept for the retry
    audit = history_for(job).get()
    assert audit.actor is None and audit.source == "worker" and audit.changes["status"] == ["running", "failed"]


@pytest.mark.django_db
def test_a_job_with_a_live_lease_stays_running(client, officer_a):
    job = running_job(officer_a, lease_left=60)
    client.force_login(officer_a)
    body = client.get(reverse("household_imports:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in body and DIED not in body
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.RUNNING


@pytest.mark.django_db
def test_the_recent_list_shows_a_dead_job_as_failed(client, officer_a):
    running_job(officer_a, lease_left=-1)
    client.force_login(officer_a)
    body = client.get(reverse("household_imports:start")).content.decode()
    assert "Không nhập được" in body and "Đang chạy" not in body


@pytest.mark.django_db
def test_reaper_fails_expired_jobs_only_and_forgets_old_files(officer_a):
    dead, alive = running_job(officer_a, lease_left=-1), running_job(officer_a, lease_left=60)
    old = ImportJob.objects.create(kind="households", created_by=officer_a, filename="cu.xlsx", status="failed",
                                   upload=b"tep", retry_until=timezone.now() - dt.timedelta(seconds=1))
    assert jobs.import_jobs_reap() == 1
    dead.refresh_from_db(), alive.refresh_from_db(), old.refresh_from_db()
    assert dead.status == ImportStatus.FAILED and dead.errors == [[None, "", DIED]]
    assert alive.status == ImportStatus.RUNNING
    assert bytes(old.upload) == b"" and not old.retryable  # personal data not kept past the retry time
    assert jobs.import_jobs_reap() == 0
    # A job left running before leases existed (no lease) counts from its start.
    old_legacy, new_legacy = running_job(officer_a, lease_left=0), running_job(officer_a, lease_left=0)
    ImportJob.objects.filter(pk__in=[old_legacy.pk, new_legacy.pk]).update(lease_expires_at=None)
    ImportJob.objects.filter(pk=new_legacy.pk).update(started_at=timezone.now() - dt.timedelta(seconds=30))
    assert jobs.import_jobs_reap() == 1  # the lease is 120 s: started 5 minutes ago is dead, 30 s ago is not
    assert ImportJob.objects.get(pk=old_legacy.pk).status == ImportStatus.FAILED
    assert ImportJob.objects.get(pk=new_legacy.pk).status == ImportStatus.RUNNING


@pytest.mark.django_db(transaction=True)
def test_the_worker_reaps_dead_jobs_when_it_starts(officer_a, settings):
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = running_job(officer_a, lease_left=-1)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and job.errors[0][2] == DIED


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_renews_the_lease_while_the_work_goes_on(officer_a, settings):
    """Transactional: the heartbeat is a thread with its own connection, as in the worker."""
    settings.VUONLEN_JOB_LEASE_SECONDS = 0.4  # a beat every 0.1 s
    job = running_job(officer_a, lease_left=0.4)
    with jobs._Heartbeat(job.pk) as beat:
        time.sleep(1.2)  # three leases without a progress write: only the heartbeat kept it
        job.refresh_from_db()
        assert job.lease_expires_at > timezone.now()
        assert jobs.import_jobs_reap() == 0
    assert not beat.thread.is_alive()
    time.sleep(0.6)
    assert jobs.import_jobs_reap() == 1  # no beat any more: the lease ran out


@pytest.mark.django_db
def test_the_write_phase_gets_a_longer_lease_on_sqlite(officer_a, settings):
    """SQLite's one writer: while the import writes, no heartbeat can, so the lease covers the write."""
    settings.VUONLEN_JOB_LEASE_SECONDS, settings.VUONLEN_JOB_WRITE_GRACE_SECONDS = 120, 600
    job = running_job(officer_a, lease_left=10)
    jobs._progress_writer(job.pk)(0, 0, imports.Phase.WRITE)
    job.refresh_from_db()
    left = (job.lease_expires_at - timezone.now()).total_seconds()
    assert (590 < left <= 600) if connection.vendor == "sqlite" else (110 < left <= 120)


# --- whatever goes wrong in the work, the job ends failed ----------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("fault, message", [
    (MemoryError, jobs.ERROR_MESSAGE),  # e.g. what a reader raises on a file too big for it
    (RuntimeError, jobs.ERROR_MESSAGE),  # e.g. the parser's child process killed
    (SystemExit, jobs.DIED_MESSAGE),  # the worker stopped by a second SIGTERM mid-task
])
def test_an_exception_in_the_work_fails_the_job(client, officer_a, commune_a, monkeypatch, fault, message):
    def crash(**kwargs):
        kwargs["progress"](0, 0, imports.Phase.READ)
        raise fault("boom")

    monkeypatch.setattr(imports, "import_households", crash)
    # The immediate backend (the tests') records the task failed; the job must say so too.
    job = jobs.import_job_start(actor=officer_a, kind="households", data=households_file(1, "X"),
                                filename="ho.xlsx")
    assert job.status == ImportStatus.FAILED and job.errors == [[None, "", str(message)]]
    assert job.retryable and not Household.objects.filter(code__startswith="X-").exists()
    client.force_login(officer_a)
    body = client.get(reverse("household_imports:job", args=[job.pk])).content.decode()
    assert str(message) in body and RETRY_BUTTON in body


@pytest.mark.django_db
def test_a_worker_whose_job_was_failed_stops_before_writing(officer_a, commune_a, monkeypatch):
    """A worker that comes back after its lease expired (frozen, cut off) finds its job failed at
    its next progress write and stops: it never writes behind the page's back."""
    real = imports.import_households

    def frozen_then_back(**kwargs):
        ImportJob.objects.update(lease_expires_at=timezone.now() - dt.timedelta(seconds=1))
        jobs.import_jobs_reap()  # what a page or another worker does meanwhile
        return real(**kwargs)

    monkeypatch.setattr(imports, "import_households", frozen_then_back)
    job = jobs.import_job_start(actor=officer_a, kind="households", data=households_file(3, "F"), filename="ho.xlsx")
    assert job.status == ImportStatus.FAILED and job.errors[0][2] == DIED
    assert not Household.objects.filter(code__startswith="F-").exists()


# --- retry ------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_retry_queues_the_same_file_again_audited(client, officer_a, commune_a):
    failed = ImportJob.objects.create(kind="households", created_by=officer_a, filename="ho.xlsx", status="failed",
                                      upload=households_file(2, "R"),
                                      retry_until=timezone.now() + dt.timedelta(days=1))
    client.force_login(officer_a)
    assert client.get(reverse("household_imports:retry", args=[failed.pk])).status_code == 405
    response = client.post(reverse("household_imports:retry", args=[failed.pk]))
    retry = ImportJob.objects.get(retry_of=failed)
    assert response.status_code == 302 and response["Location"] == reverse("household_imports:job", args=[retry.pk])
    # The immediate backend (the tests') has run it: the file imports this time.
    assert retry.status == ImportStatus.DONE and retry.counts["households"] == 2
    assert (retry.created_by, retry.kind, retry.era) == (officer_a, "households", "pre2025")
    assert Household.objects.filter(code__startswith="R-").count() == 2
    failed.refresh_from_db()
    assert bytes(failed.upload) == b"" and not failed.retryable  # handed over, once
    body = client.get(reverse("household_imports:job", args=[failed.pk])).content.decode()
    assert RETRY_BUTTON not in body and reverse("household_imports:job", args=[retry.pk]) in body
    audit = history_for(retry).get()
    assert audit.action == "create" and audit.actor == officer_a and audit.note == f"Thử lại lần nhập #{failed.pk}"
    # A second retry of the same failed job is refused, in Vietnamese, and queues nothing.
    response = client.post(reverse("household_imports:retry", args=[failed.pk]), follow=True)
    assert "không thử lại được nữa" in response.content.decode()
    assert ImportJob.objects.filter(retry_of=failed).count() == 1


@pytest.mark.django_db
def test_another_persons_failed_job_cannot_be_retried(client, officer_a, officer_b, mentor_a):
    failed = ImportJob.objects.create(kind="households", created_by=officer_a, filename="ho.xlsx", status="failed",
                                      upload=b"tep", retry_until=timezone.now() + dt.timedelta(days=1))
    client.force_login(officer_b)  # another commune's officer: the job does not exist
    assert client.post(reverse("household_imports:retry", args=[failed.pk])).status_code == 404
    client.force_login(mentor_a)  # same commune, no right to import
    assert client.post(reverse("household_imports:retry", args=[failed.pk])).status_code == 403
    assert not ImportJob.objects.filter(retry_of=failed).exists() and bytes(
        ImportJob.objects.get(pk=failed.pk).upload) == b"tep"


# --- the lock-retry helper, against a real lock ------------------------------------------------------

def _sqlite_file(tmp_path) -> Path:
    path = tmp_path / "locks.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY, status TEXT)")
        setup.execute("INSERT INTO jobs VALUES (1, 'running')")
    return path


@pytest.fixture
def unblocked(django_db_blocker):
    """These tests open their own SQLite file, not the test database."""
    with django_db_blocker.unblock():
        yield


def _django_sqlite(path: Path) -> SqliteWrapper:
    """A Django connection (so errors are Django's OperationalError) that waits 0.1 s for a lock."""
    return SqliteWrapper({"NAME": str(path), "OPTIONS": {"timeout": 0.1}, "TIME_ZONE": None, "CONN_MAX_AGE": 0,
                          "CONN_HEALTH_CHECKS": False, "AUTOCOMMIT": True, "ATOMIC_REQUESTS": False, "TEST": {}},
                         alias="lock-test")


def _hold_write_lock(path: Path, seconds: float) -> threading.Thread:
    holder = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE jobs SET status = 'held'")

    def release():
        time.sleep(seconds)
        holder.execute("ROLLBACK")
        holder.close()

    thread = threading.Thread(target=release)
    thread.start()
    return thread


def test_retry_on_lock_waits_out_a_lock_held_by_another_connection(tmp_path, unblocked):
    path = _sqlite_file(tmp_path)
    db = _django_sqlite(path)
    tries = []

    def mark_failed():
        tries.append(time.monotonic())
        with db.cursor() as cursor:
            cursor.execute("UPDATE jobs SET status = 'failed' WHERE id = 1")

    holder = _hold_write_lock(path, 1.0)
    start = time.monotonic()
    retry_on_lock(mark_failed, using=db, attempts=20, first=0.1, cap=0.4)
    holder.join()
    db.close()
    assert len(tries) > 1 and time.monotonic() - start >= 0.9
    assert sqlite3.connect(path).execute("SELECT status FROM jobs").fetchone() == ("failed",)


def test_retry_on_lock_gives_up_after_its_attempts_and_never_retries_other_errors(tmp_path, unblocked):
    path = _sqlite_file(tmp_path)
    db = _django_sqlite(path)
    holder = _hold_write_lock(path, 2.0)
    tries = []

    def write():
        tries.append(1)
        with db.cursor() as cursor:
            cursor.execute("UPDATE jobs SET status = 'failed'")

    with pytest.raises(OperationalError, match="locked"):
        retry_on_lock(write, using=db, attempts=3, first=0.05, cap=0.05)
    assert len(tries) == 3
    holder.join()
    tries.clear()

    def broken():
        tries.append(1)
        with db.cursor() as cursor:
            cursor.execute("UPDATE no_such_table SET x = 1")

    with pytest.raises(OperationalError, match="no such table"):
        retry_on_lock(broken, using=db, attempts=3)
    assert len(tries) == 1
    db.close()


# --- real worker processes ---------------------------------------------------------------------------

class SharedDatabase:
    """The test database as a separate process sees it. PostgreSQL's test database is shared as it
    is; SQLite's lives in this process's memory, so it is copied to a file for the worker
    (``push``) and back (``pull``)."""

    def __init__(self, tmp_path: Path):
        self.sqlite = connection.vendor == "sqlite"
        settings = connection.settings_dict
        if self.sqlite:
            self.path = tmp_path / "shared.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
            self.url = f"postgresql://{auth}@{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}/{settings['NAME']}"
        self.tmp_path = tmp_path
        self.workers = 0

    def push(self) -> None:
        if self.sqlite:
            connection.ensure_connection()
            with sqlite3.connect(self.path) as target:
                connection.connection.backup(target)
                target.execute("PRAGMA journal_mode=WAL")

    def pull(self) -> None:
        if self.sqlite:
            source = sqlite3.connect(self.path)
            source.backup(connection.connection)
            source.close()

    def query(self, sql: str, params=()) -> list[tuple]:
        if self.sqlite:
            with sqlite3.connect(self.path, timeout=10) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def job(self, pk: int) -> tuple:
        return self.query("SELECT status, phase, done FROM households_importjob WHERE id = %s", [pk])[0]

    def households(self, prefix: str) -> int:
        return self.query("SELECT COUNT(*) FROM households_household WHERE code LIKE %s", [f"{prefix}-%"])[0][0]

    def worker(self, **env) -> subprocess.Popen:
        environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "vuonlen.config.settings_test",
                       "VUONLEN_TESTING": "1", "TASKS_BACKEND": "database", "DATABASE_URL": self.url,
                       "VUONLEN_VAR_DIR": str(self.tmp_path), "VUONLEN_JOB_LEASE_SECONDS": str(LEASE),
                       "VUONLEN_JOB_WRITE_GRACE_SECONDS": str(LEASE), **env}
        self.workers += 1
        log = (self.tmp_path / f"worker-{self.workers}.log").open("w")  # a file: a full pipe would stall it
        process = subprocess.Popen([str(VUONLEN), "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
                                   env=environment, stdout=log, stderr=subprocess.STDOUT)
        process.log_path = Path(log.name)
        log.close()
        return process


def stop(process: subprocess.Popen) -> str:
    """Stop a worker (if still running) and return what it logged."""
    if process.poll() is None:
        process.terminate()
    process.wait(timeout=30)
    return process.log_path.read_text()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_a_failed_job_and_the_retry_imports(client, officer_a, commune_a,
                                                                               settings, tmp_path):
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.VUONLEN_JOB_LEASE_SECONDS = LEASE
    rows = 12000  # long enough a check to be caught mid-way (4,000 rows now pass it in well under a second)
    job = jobs.import_job_start(actor=officer_a, kind="households", data=households_file(rows, "K"),
                                filename="ho.xlsx")
    later = jobs.import_job_start(actor=officer_a, kind="households", data=households_file(3, "N"), filename="n.xlsx")
    shared = SharedDatabase(tmp_path)
    shared.push()

    first = shared.worker()
    try:
        wait_for(lambda: shared.job(job.pk)[:2] == ("running", "check") and shared.job(job.pk)[2] > 0, timeout=120)
    finally:
        first.kill()  # SIGKILL: no handler, no clean-up, as the kernel's OOM killer or a crash would
        first.wait(timeout=30)
    killed_at = time.monotonic()
    assert shared.job(job.pk)[0] == "running"  # the worker could not say anything
    assert shared.households("K") == 0  # the one write transaction never began or died with it
    assert shared.job(later.pk)[0] == "queued"  # behind it

    second = shared.worker()  # no page is looking: the new worker's reaper finds the dead job
    try:
        wait_for(lambda: shared.job(job.pk)[0] == "failed", timeout=LEASE + 30)
        failed_after = time.monotonic() - killed_at
        # The later import does not wait behind the dead one.
        wait_for(lambda: shared.job(later.pk)[0] == "done", timeout=60)
    finally:
        stop(second)
    assert failed_after < LEASE + 15  # the lease, plus the worker's start-up
    assert shared.households("N") == 3
    shared.pull()

    client.force_login(officer_a)
    page = client.get(reverse("household_imports:job", args=[job.pk])).content.decode()
    assert DIED in page and RETRY_BUTTON in page
    assert Household.objects.filter(code__startswith="K-").count() == 0

    response = client.post(reverse("household_imports:retry", args=[job.pk]))
    retry = ImportJob.objects.get(retry_of=job)
    assert retry.status == ImportStatus.QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    retry.refresh_from_db()
    assert retry.status == ImportStatus.DONE and retry.counts["households"] == rows
    assert Household.objects.filter(code__startswith="K-").count() == rows
    assert "Đã thêm" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_worker_outlives_a_locked_database(officer_a, commune_a, settings, tmp_path):
    """Another connection holds the write lock for a while (SQLite: the whole file; PostgreSQL:
    the task queue's table). The worker, told to wait only 0.2 s for a SQLite lock, meets
    "database is locked" again and again, waits, and runs the queued import once the lock goes."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = jobs.import_job_start(actor=officer_a, kind="households", data=households_file(2, "L"), filename="ho.xlsx")
    shared = SharedDatabase(tmp_path)
    shared.push()
    table = DBTaskResult._meta.db_table
    if shared.sqlite:
        holder = sqlite3.connect(shared.path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
    else:
        holder = psycopg.connect(shared.url)
        holder.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    worker = shared.worker(VUONLEN_SQLITE_TIMEOUT="0.2")
    try:
        if shared.sqlite:  # met the lock at least three times, and waited each time
            wait_for(lambda: worker.log_path.read_text().count("(database is locked)") >= 3, timeout=90)
        else:  # waiting for the lock
            wait_for(lambda: shared.query("SELECT COUNT(*) FROM pg_locks WHERE NOT granted AND relation = "
                                          "%s::regclass", [table])[0][0], timeout=90)
            time.sleep(1)
        assert worker.poll() is None  # still alive
        assert shared.job(job.pk)[0] == "queued"
        holder.rollback()
        holder.close()
        wait_for(lambda: shared.job(job.pk)[0] == "done", timeout=60)
        assert worker.poll() is None and shared.households("L") == 2
    finally:
        holder.close()
        output = stop(worker)
    if shared.sqlite:
        assert "Database busy or unreachable (database is locked)" in output
