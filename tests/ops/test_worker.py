"""The worker survives: each job runs in its own process under a memory and time limit, a job
whose process or worker died ends failed with a plain message, the queue goes on, and two
workers never run a job twice. Real ``spona worker`` processes against the test database."""

import base64
import os
import signal

import pytest
from django_tasks_db.models import DBTaskResult

from spona.accounts.models import Role, User
from spona.institutions.models import InstitutionType
from spona.jobs.models import Job, JobStatus
from spona.jobs.services import job_start
from spona.prevention.imports import JOB_KIND
from spona.prevention.models import AggregateCount, Settlement
from spona.prevention.services import default_groups
from tests.factories import InstitutionFactory, UserFactory
from tests.ops.processes import children, needs_postgresql, running, spona_env, wait_for
from tests.test_uploads import GOOD, csv_bytes, zip_bomb

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


# Issue 14 (hardening): hostile uploads and a killed worker, with the real worker ----------------

BOMB_UNPACKS_MB = 150


def _counts_import(user: User, content: bytes, name: str = "counts.csv") -> Job:
    """A counts import as the service queues it, or as an older version queued it (the
    file never went through today's checks at the edge)."""
    payload = {
        "name": name,
        "content": base64.b64encode(content).decode(),
        "institution": user.institution_id,
        "language": "en",
    }
    return job_start(kind=JOB_KIND, owner=user, payload=payload)


@pytest.fixture
def two_users(municipality) -> tuple[User, User]:
    Settlement.objects.create(municipality=municipality, name="Пирот")
    default_groups(municipality)
    return tuple(  # type: ignore[return-value]
        UserFactory(
            role=Role.CASE_MANAGER,
            institution=InstitutionFactory(
                type=InstitutionType.SOCIAL_WELFARE, municipality=municipality
            ),
        )
        for _ in range(2)
    )


def test_finding_02_zip_bomb_in_the_queue_fails_plainly_and_other_users_jobs_run(
    two_users,
) -> None:
    """The probe's attack on the real worker: a zip bomb in the queue. Checked again in the
    job, it is refused before anything unpacks; with the checks turned off, the job's memory
    or time limit stops it. Either way it ends failed with a plain message, the worker stays
    up and the next user's import lands."""
    mallory, alice = two_users
    bomb = zip_bomb(unpacked_mb=BOMB_UNPACKS_MB)
    refused = _counts_import(mallory, bomb, "counts.xlsx")
    good = _counts_import(alice, csv_bytes(GOOD))
    with running(WORKER, spona_env(**FAST)) as worker:
        wait_for(lambda: ended(good), what="the next user's import")
        assert worker.poll() is None
    refused.refresh_from_db()
    assert refused.status == JobStatus.FAILED
    assert refused.errors[0].startswith("The workbook unpacks to much more than its size")
    assert "content" not in refused.payload
    assert Job.objects.get(pk=good.pk).status == JobStatus.SUCCEEDED

    unchecked = {
        "XLSX_MAX_UNCOMPRESSED_MB": "100000",
        "XLSX_MAX_COMPRESSION_RATIO": "1000000",
        "UPLOAD_MAX_ROWS": "100000000",
    }
    stopped = _counts_import(mallory, bomb, "counts.xlsx")
    after = _counts_import(alice, csv_bytes([["70939", "Пирот", "women-20-30", "2024", "3"]]))
    with running(WORKER, spona_env(**FAST, **unchecked)) as worker:
        wait_for(lambda: ended(after), timeout=120, what="the import after the bomb")
        assert worker.poll() is None
    stopped.refresh_from_db()
    assert stopped.status == JobStatus.FAILED
    assert stopped.errors[0].startswith(("The job needed more memory", "The job took longer"))
    assert "content" not in stopped.payload
    assert Job.objects.get(pk=after.pk).status == JobStatus.SUCCEEDED
    assert AggregateCount.objects.filter(institution=mallory.institution).count() == 0
    assert AggregateCount.objects.filter(institution=alice.institution).count() == 2


def test_acceptance_3_worker_killed_with_sigkill_mid_job_fails_it_and_the_queue_goes_on(
    two_users,
) -> None:
    """SIGKILL to the worker while a job runs: the job is failed with a plain message by the
    next worker (never "running" forever), its upload is dropped, and the queue goes on with
    another user's import."""
    mallory, alice = two_users
    victim = start(mallory, "test.sleep", seconds=60, content="QUJD")
    waiting = _counts_import(alice, csv_bytes(GOOD))
    with running(WORKER, spona_env(**FAST)) as first:
        wait_for(lambda: Job.objects.get(pk=victim.pk).status == JobStatus.RUNNING)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    assert Job.objects.get(pk=waiting.pk).status == JobStatus.QUEUED

    with running(WORKER, spona_env(**FAST)):
        wait_for(lambda: ended(victim), what="the killed worker's job to end")
        wait_for(lambda: ended(waiting), what="the queue to go on")
    victim.refresh_from_db()
    assert (victim.status, victim.errors) == (JobStatus.FAILED, [STOPPED])
    assert "content" not in victim.payload
    assert Job.objects.get(pk=waiting.pk).status == JobStatus.SUCCEEDED
    assert AggregateCount.objects.get().count == 12
