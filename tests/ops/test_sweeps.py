"""The safety nets run by themselves (issue 13, acceptance 3): real ``spona worker`` processes,
started as a deployment starts them, find an overdue referral, an overdue task and an overdue
protocol step in the database and send their reminders, without anyone running ``spona
reminders``; two workers run each sweep once a period."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from spona.accounts.models import Role
from spona.cases.models import Referral
from spona.cases.services import case_open_for_presumed_victim, referral_send
from spona.conferences.models import Task
from spona.inbox.models import DutyNotice, Notification
from spona.institutions.models import InstitutionType
from spona.jobs.models import SweepRun
from spona.jobs.schedule import SWEEPS
from spona.screening.models import ProtocolStep, Screening
from spona.screening.services import catalogue_load_default
from tests.factories import InstitutionFactory, PersonFactory, UserFactory
from tests.ops.processes import needs_postgresql, running, spona_env, wait_for

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]

WORKER = ["-m", "spona.cli", "worker", "--no-reload", "--interval", "0.2"]
FAST = {"WORKER_HEARTBEAT_SECONDS": "0.5", "SWEEP_INTERVAL_MINUTES": "60"}


@pytest.fixture
def overdue(municipality):
    """A referral, a task and a protocol step, each past its deadline, none reminded; made
    with the immediate backend, so no deferred reminder waits in the queue: only a sweep can
    send them."""
    csr = InstitutionFactory(
        type=InstitutionType.SOCIAL_WELFARE, municipality=municipality, duty_email="d@csr.invalid"
    )
    police = InstitutionFactory(
        type=InstitutionType.POLICE, municipality=municipality, duty_email="d@police.invalid"
    )
    manager = UserFactory(role=Role.CASE_MANAGER, institution=csr, language="en")
    inspector = UserFactory(role=Role.CASE_MANAGER, institution=police)
    person = PersonFactory(registered_by=manager)
    case = case_open_for_presumed_victim(user=manager, person=person, is_child=False, origin={})
    referral_send(user=manager, case=case, to=police, reason="Заштита", urgency="urgent")
    Referral.objects.update(due_at=timezone.now() - timedelta(minutes=1))
    Task.objects.create(
        title="Посета",
        owner_institution=police,
        due_on=timezone.localdate() - timedelta(days=2),
        created_by=manager,
    )
    screening = Screening.objects.create(
        institution=csr, screened_by=manager, person=person, catalogue=catalogue_load_default()
    )
    ProtocolStep.objects.create(
        screening=screening, code="police_now", due_at=timezone.now() - timedelta(minutes=1)
    )
    assert not DBTaskResult.objects.exists()  # nothing queued: the test settings run at once
    return {"manager": manager, "inspector": inspector}


def _reminded() -> set[str]:
    kinds = {"referral_overdue", "referral_waiting", "task_overdue", "protocol_step_overdue"}
    return set(Notification.objects.filter(kind__in=kinds).values_list("kind", flat=True))


def test_the_worker_sends_overdue_reminders_without_anyone_running_spona_reminders(
    overdue,
) -> None:
    with running(WORKER, spona_env(**FAST)) as worker:
        wait_for(lambda: len(_reminded()) == 4, timeout=90, what="the four reminders")
        wait_for(
            lambda: SweepRun.objects.filter(finished_at__isnull=False).count() == len(SWEEPS),
            what="every sweep to finish",
        )
        unsent = DutyNotice.objects.filter(emailed_at__isnull=True)
        wait_for(lambda: not unsent.exists(), what="the duty e-mails to go out")
        assert worker.poll() is None
    assert _reminded() == {
        "referral_overdue",
        "referral_waiting",
        "task_overdue",
        "protocol_step_overdue",
    }
    duty = sorted(
        DutyNotice.objects.exclude(kind="referral_received").values_list("address", "kind")
    )
    assert duty == [
        ("d@csr.invalid", "protocol_step_overdue"),
        ("d@csr.invalid", "referral_waiting"),
        ("d@police.invalid", "referral_overdue"),
        ("d@police.invalid", "task_overdue"),
    ]
    next_runs = SweepRun.objects.values_list("next_run_at", flat=True)
    assert all(at > timezone.now() + timedelta(minutes=55) for at in next_runs)


def test_two_workers_run_each_sweep_once_a_period(overdue) -> None:
    env = spona_env(**FAST)
    with running(WORKER, env), running(WORKER, env):
        wait_for(lambda: len(_reminded()) == 4, timeout=90, what="the four reminders")
        wait_for(
            lambda: SweepRun.objects.filter(finished_at__isnull=False).count() == len(SWEEPS),
            what="every sweep to finish",
        )
        # both workers beat a few more times in the period: nobody queues a sweep again
        beats = DBTaskResult.objects.filter(task_path__endswith="run_sweep")
        wait_for(lambda: beats.count() >= len(SWEEPS), what="the sweeps in the queue")
        time.sleep(3)
    assert DBTaskResult.objects.filter(task_path__endswith="run_sweep").count() == len(SWEEPS)
    assert Notification.objects.filter(kind="referral_overdue").count() == 1
