"""`vuonlen db_worker`: django-tasks-db's worker, made to outlive a busy database and to reap
jobs whose worker died.

The package's worker exits on most database errors met outside its polling query: a "database
is locked" while it records a task's result, or while it opens its polling transaction, ends
the process, and with it every later import. Here every transient failure (``core.dbretry``)
of the worker's own bookkeeping waits with a growing delay and goes on; only the task's own
work may fail, and it fails its task, not the worker.

The reapers (setting ``VUONLEN_WORKER_REAPERS``, e.g. ``households.jobs.import_jobs_reap``) run
when the worker starts and then once per job lease, so a job left "running" by a worker killed
earlier is failed even when nobody looks at it.
"""

from __future__ import annotations

import logging
import os
import random
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.module_loading import import_string
from django_tasks_db.management.commands import db_worker as base
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from vuonlen.core.dbretry import delays, is_transient, retry_on_lock

logger = logging.getLogger("django_tasks_db")

RECORD_ATTEMPTS = 1000  # at 10 s apart once grown: hours of a locked database before giving up


class Worker(base.Worker):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._next_reap = 0.0

    def reap(self) -> None:
        """Run the reapers if one lease has passed since the last run (and at start)."""
        if time.monotonic() < self._next_reap:
            return
        for path in settings.VUONLEN_WORKER_REAPERS:
            failed = import_string(path)()
            if failed:
                logger.warning("%s: %s job(s) whose worker had stopped marked failed", path, failed)
        self._next_reap = time.monotonic() + settings.VUONLEN_JOB_LEASE_SECONDS

    def claim_next(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)  # so that no other worker runs it
        return task_result

    def run(self) -> None:
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 (no thundering herd)
        waits = None
        while self.running:
            close_old_connections()
            try:
                self.reap()
                task_result = self.claim_next()
            except (OperationalError, InterfaceError) as error:
                if not is_transient(error):
                    raise
                waits = waits or delays(first=0.5, cap=30.0)
                wait = next(waits)
                logger.warning("Database busy or unreachable (%s); polling again in %.1f s", error, wait)
                close_old_connections()
                time.sleep(wait)
                continue
            waits = None
            if task_result is not None:
                self.run_task(task_result)
            elif self.batch:
                logger.info("No more tasks to run for worker_id=%s - exiting gracefully.", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info("Run maximum tasks (%d) on worker=%s - exiting gracefully.", self._run_tasks,
                            self.worker_id)
                return
            close_old_connections()
            if self.running and task_result is None:
                time.sleep(self.interval)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        # Recording the task's end is the worker's own write: retried, never fatal.
        set_successful, set_failed = db_task_result.set_successful, db_task_result.set_failed
        db_task_result.set_successful = lambda value: retry_on_lock(
            lambda: set_successful(value), attempts=RECORD_ATTEMPTS, what="recording a task's success")
        db_task_result.set_failed = lambda exc: retry_on_lock(
            lambda: set_failed(exc), attempts=RECORD_ATTEMPTS, what="recording a task's failure")
        super().run_task(db_task_result)


class Command(base.Command):
    help = "Run the background worker (django-tasks-db's, outliving database locks and reaping dead jobs)"
    # The system checks ask the database (JSON support) and fail on a locked SQLite file: the worker
    # must start anyway (the web server and `migrate` run the checks).
    requires_system_checks = []

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, reload, max_tasks,
               worker_id, exclude_queues, **options) -> None:
        # The package's handle(), building this module's Worker.
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning("Warning: --reload and --batch cannot be specified together. Disabling autoreload.")
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise base.CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(queue_names=queue_names, interval=interval, batch=batch, backend_name=backend_name,
                        startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id,
                        excluded_queue_names=excluded)
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the child process
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
