"""The worker behind ``spona worker``: django-tasks-db's database worker, made to survive.

- **A child process per task**, under a memory limit (``RLIMIT_AS``) and a time limit (the
  worker kills it with SIGKILL at the deadline). A hostile or broken job (a zip bomb, a
  runaway loop) can only kill its own child: the worker fails the job with a plain message
  in its owner's language and takes the next task, so one user's file never stops the queue.
- **A heartbeat** (``WorkerProcess.seen_at``). A worker killed outright (SIGKILL, a machine
  gone) cannot clean up after itself, so every worker fails the tasks that a worker which
  stopped beating left "running": a job never looks "running" forever.
- **Several workers** on one machine or many share the queue: a task is claimed with
  ``SELECT ... FOR UPDATE SKIP LOCKED`` (PostgreSQL) or in an exclusive transaction (SQLite),
  as django-tasks-db does, so no task runs twice.
- **Periodic sweeps** (``spona.jobs.schedule``): at each heartbeat a worker queues the sweeps
  whose time has come; one conditional UPDATE per sweep makes sure only one worker does, once
  a period.

A worker asked to stop (SIGTERM, Ctrl-C) lets the running task finish; the child ignores
those signals, so that a service manager stopping the whole group does not cut a job short.
"""

import contextlib
import ctypes
import logging
import os
import random
import resource
import select
import signal
import socket
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NoReturn

from django.conf import settings
from django.db import DatabaseError, OperationalError, close_old_connections, connections
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django.utils.functional import Promise
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from spona.jobs import schedule, services
from spona.jobs.models import WorkerProcess

logger = logging.getLogger(__name__)

#: a worker that has not beaten for this many heartbeats is taken for dead
STALE_BEATS = 6
_PR_SET_PDEATHSIG = 1


class TaskStoppedError(Exception):
    """Recorded on a task that did not end by itself (operators read it; users read the job)."""


@dataclass(frozen=True)
class Limits:
    memory_bytes: int
    seconds: float


class IsolatingWorker(Worker):
    def __init__(self, *, limits: Limits, heartbeat: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.limits = limits
        self.heartbeat = heartbeat
        self._last_beat = -heartbeat

    # The loop -------------------------------------------------------------------------

    def run(self) -> None:
        logger.info("worker %s started (pid %s)", self.worker_id, os.getpid())
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 - a restarted pool does not poll in step
        try:
            while self.running:
                close_old_connections()
                try:
                    self.beat()
                    claimed, task = self._claim()
                except DatabaseError:
                    # The database is away (a restart, a fail-over): wait for it, don't die.
                    logger.warning("worker %s cannot reach the database", self.worker_id)
                    connections.close_all()
                    time.sleep(max(self.interval, 1.0))
                    continue
                if task is not None:
                    self.run_task(task)
                elif self.batch and claimed:
                    return
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    return
                if self.running and task is None:
                    time.sleep(self.interval)
        finally:
            self._sign_off()

    def _claim(self) -> tuple[bool, DBTaskResult[Any, Any] | None]:
        """The next ready task, claimed for this worker; ``(False, None)`` while SQLite is
        locked by another writer."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        try:
            with exclusive_transaction(tasks.db):
                task = tasks.get_locked()
                if task is not None:
                    task.claim(self.worker_id)
        except OperationalError as error:
            if is_locked_database_exception(error):
                return False, None
            raise
        return True, task

    # One task, in a child process -----------------------------------------------------

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        self.running_task = True
        try:
            connections.close_all()  # the child opens its own connections
            parent = os.getpid()
            pid = os.fork()
            if pid == 0:
                self._child(db_task_result, parent)
            reason = self._supervise(pid)
            if reason is not None:
                self._stopped(db_task_result, reason)
        finally:
            self.running_task = False
            self._run_tasks += 1

    def _child(self, db_task_result: DBTaskResult[Any, Any], parent: int) -> NoReturn:
        code = 1
        try:
            for name in ("SIGINT", "SIGTERM", "SIGQUIT"):
                if hasattr(signal, name):
                    signal.signal(getattr(signal, name), signal.SIG_IGN)
            _die_with(parent)
            limit = self.limits.memory_bytes
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            super().run_task(db_task_result)  # runs it and records the outcome
            code = 0
        except BaseException:
            logger.exception("task %s could not be run", db_task_result.id)
        finally:
            connections.close_all()
            os._exit(code)

    def _supervise(self, pid: int) -> tuple[Promise, str] | None:
        """Wait for the child, beating meanwhile; kill it at the time limit. Returns why the
        task did not end by itself, or None."""
        deadline = time.monotonic() + self.limits.seconds
        waiter = _ChildWaiter(pid)
        try:
            while (status := waiter.wait(min(self.heartbeat, deadline - time.monotonic()))) is None:
                if time.monotonic() >= deadline:
                    os.kill(pid, signal.SIGKILL)
                    waiter.wait(None)
                    return services.TOO_LONG, f"killed at the time limit ({self.limits.seconds}s)"
                self._beat_quietly()
        finally:
            waiter.close()
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
            return None
        if os.WIFSIGNALED(status):
            return services.STOPPED, f"its process died of {signal.strsignal(os.WTERMSIG(status))}"
        return services.STOPPED, f"its process exited with {os.WEXITSTATUS(status)}"

    def _stopped(self, db_task_result: DBTaskResult[Any, Any], reason: tuple[Promise, str]) -> None:
        """Fail a task that is still marked running, and its job, with ``reason``."""
        message, note = reason
        db_task_result.refresh_from_db()
        if db_task_result.status != TaskResultStatus.RUNNING:
            return
        logger.warning("task %s failed: %s", db_task_result.id, note)
        db_task_result.set_failed(TaskStoppedError(note))
        if db_task_result.task_path == services.run_job.module_path:
            services.job_interrupted(db_task_result.args_kwargs["args"][0], message)

    # Heartbeat and reaping ------------------------------------------------------------

    def beat(self) -> None:
        """Say this worker is alive (at most once a heartbeat), fail the tasks of workers
        that are not, and queue the periodic sweeps whose time has come."""
        if time.monotonic() - self._last_beat < self.heartbeat:
            return
        self._last_beat = time.monotonic()
        WorkerProcess.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"host": socket.gethostname(), "pid": os.getpid(), "seen_at": timezone.now()},
        )
        self.reap()
        if settings.SWEEP_INTERVAL_MINUTES > 0:
            for name in schedule.due():
                logger.info("worker %s queued the sweep %s", self.worker_id, name)

    def _beat_quietly(self) -> None:
        try:
            self.beat()
        except DatabaseError:
            logger.warning("worker %s cannot reach the database", self.worker_id)
            connections.close_all()

    def reap(self) -> None:
        stale = timezone.now() - timedelta(seconds=STALE_BEATS * self.heartbeat)
        alive = set(
            WorkerProcess.objects.filter(seen_at__gte=stale).values_list("worker_id", flat=True)
        )
        running = DBTaskResult.objects.running().filter(backend_name=self.backend_name)
        with exclusive_transaction(running.db):
            for task in running.select_for_update(skip_locked=True):
                if not task.worker_ids or task.worker_ids[-1] not in alive:
                    self._stopped(task, (services.STOPPED, "its worker stopped beating"))
        WorkerProcess.objects.filter(seen_at__lt=stale).delete()

    def _sign_off(self) -> None:
        # If the database is away, the row goes stale and the next worker's reaping deletes it.
        with contextlib.suppress(DatabaseError):
            WorkerProcess.objects.filter(worker_id=self.worker_id).delete()


class _ChildWaiter:
    """Waits for a child with a timeout: a pidfd where Linux has one, else polling."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.fd = os.pidfd_open(pid) if hasattr(os, "pidfd_open") else None

    def wait(self, timeout: float | None) -> int | None:
        if timeout is not None and timeout < 0:
            timeout = 0
        if self.fd is not None:
            ready, _, _ = select.select([self.fd], [], [], timeout)
            return os.waitpid(self.pid, 0)[1] if ready else None
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                return status
            if end is not None and time.monotonic() >= end:
                return None
            time.sleep(0.05)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)


def _die_with(parent: int) -> None:
    """Have Linux kill this child when the worker dies, so that a killed worker leaves no
    job running unsupervised (elsewhere the child finishes its task alone)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the worker died before the line above
        os._exit(1)
