"""The worker survives: each job runs in its own process under a memory and time limit, a job
whose process or worker died ends failed with a plain message, the queue goes on, and two
workers never run a job twice. Real ``spona worker`` processes against the test database."""

import os
import signal

import pytest
from django_tasks_db.models import DBTaskResult

from spona.accounts.models import Role, User
from spona.jobs.models import Job, JobStatus
from spona.jobs.services import job_start
from tests.factories import UserFactory
from tests.ops.processes import children, needs_postgresql, running, spona_env, wait_for

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]

WORKER = ["-m", "tests.ops.worker_with_test_jobs", "--no-reload", "--interval", "0.2"]
FAST = {
    "WORKER_HEARTBEAT_SECONDS": "0.5",
    "JOB_MEMORY_LIMIT_MB": "600",
    "JOB_TIME_LIMIT_SECONDS": "4",
}


@pytest.fixture(autouse=True)
def _database_queue(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def owner() -> User:
    return UserFactory(role=Role.SUPERVISOR)


def start(owner: User, kind: str, **payload: object) -> Job:
    return job_start(kind=kind, owner=owner, payload={"language": "en", **payload})


def ended(job: Job) -> Job | None:
    job.refresh_from_db()
    return job if job.is_finished else None


def test_a_job_over_its_memory_or_time_limit_fails_plainly_and_the_next_job_runs(owner) -> None:
    hog = start(owner, "test.hog")
    endless = start(owner, "test.sleep", seconds=600)
    after = start(owner, "test.count")
    with running(WORKER, spona_env(**FAST)) as worker:
        wait_for(lambda: ended(after), what="the job after the hostile ones")
        assert worker.poll() is None  # the worker itself is still up

    hog.refresh_from_db()
    endless.refresh_from_db()
    after.refresh_from_db()
    assert hog.status == JobStatus.FAILED
    assert hog.errors == [
        "The job needed more memory than a job may use, and was stopped; nothing was saved. "
        "If it was an import, split the file into smaller ones."
    ]
    assert endless.status == JobStatus.FAILED
    assert endless.errors == [
        "The job took longer than a job may take, and was stopped; nothing was saved. "
        "If it was an import, split the file into smaller ones."
    ]
    assert (after.status, after.done) == (JobStatus.SUCCEEDED, 1)


STOPPED = (
    "The job stopped before it finished: the background worker stopped, or the job needed more "
    "memory than a job may use. Nothing was saved; start it again, with a smaller file if it "
    "was an import."
)


def test_a_job_whose_process_is_killed_fails_and_the_same_worker_goes_on(owner) -> None:
    victim = start(owner, "test.sleep", seconds=60)
    with running(WORKER, spona_env(**FAST)) as worker:
        wait_for(lambda: Job.objects.get(pk=victim.pk).status == JobStatus.RUNNING)
        [job_process] = wait_for(lambda: children(worker.pid), what="the job's process")
        os.kill(job_process, signal.SIGKILL)
        wait_for(lambda: ended(victim), what="the killed job to end")
        after = start(owner, "test.count")
        wait_for(lambda: ended(after), what="the next job")
        assert worker.poll() is None

    victim.refresh_from_db()
    after.refresh_from_db()
    assert (victim.status, victim.errors) == (JobStatus.FAILED, [STOPPED])
    assert after.status == JobStatus.SUCCEEDED


def test_a_worker_killed_mid_job_leaves_it_failed_and_the_next_worker_goes_on(owner) -> None:
    victim = start(owner, "test.sleep", seconds=60)
    with running(WORKER, spona_env(**FAST)) as first:
        wait_for(lambda: Job.objects.get(pk=victim.pk).status == JobStatus.RUNNING)
        [job_process] = wait_for(lambda: children(first.pid), what="the job's process")
        os.kill(first.pid, signal.SIGKILL)  # no chance to clean up
        first.wait(timeout=10)
        # The job's own process goes with its worker: nothing runs unsupervised.
        wait_for(lambda: not os.path.exists(f"/proc/{job_process}/status"), what="the orphan")
    assert Job.objects.get(pk=victim.pk).status == JobStatus.RUNNING

    after = start(owner, "test.count")
    with running(WORKER, spona_env(**FAST)):  # what the service manager starts next
        wait_for(lambda: ended(after), what="the next job")
        wait_for(lambda: ended(victim), what="the dead worker's job to end")

    victim.refresh_from_db()
    assert (victim.status, victim.errors) == (JobStatus.FAILED, [STOPPED])
    assert Job.objects.get(pk=after.pk).status == JobStatus.SUCCEEDED


def test_two_workers_share_the_queue_and_never_run_a_job_twice(owner) -> None:
    jobs = [start(owner, "test.count") for _ in range(60)]
    env = spona_env(**FAST)
    with running(WORKER, env) as one, running(WORKER, env) as two:
        wait_for(lambda: all(ended(job) for job in jobs), timeout=120, what="every job to be done")
        pids = {one.pid, two.pid}

    finished = Job.objects.filter(pk__in=[job.pk for job in jobs])
    assert {job.status for job in finished} == {JobStatus.SUCCEEDED}
    assert {job.done for job in finished} == {1}  # each ran exactly once
    assert {job.result["worker"] for job in finished} == pids  # and both workers worked
    assert all(len(task.worker_ids) == 1 for task in DBTaskResult.objects.all())
