"""Periodic sweeps: the safety nets the worker runs by itself, every ``SWEEP_INTERVAL_MINUTES``.

An app registers its sweep when it is ready (``periodic("referral reminders", sweep)`` in its
``apps.py``), so this app imports none of them. A sweep is a function without arguments that
does what is due and has not been done (a reminder a stopped worker missed) and returns how
many things it did; it must be safe to run at any time, and twice.

Every worker looks at the schedule once a heartbeat (``due``). A sweep whose time has come is
claimed through its ``SweepRun`` row by one conditional UPDATE (``next_run_at <= now`` becomes
``now + interval``): however many workers look, on however many machines, only one claims it
in a period. The claimer queues ``run_sweep`` as an ordinary task, so the sweep runs in a
child process under the job limits, like any task, on whichever worker takes it.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from spona.jobs.models import SweepRun

logger = logging.getLogger(__name__)

#: name -> the sweep; filled by the apps when they are ready
SWEEPS: dict[str, Callable[[], int]] = {}


def periodic(name: str, sweep: Callable[[], int]) -> None:
    """Have the worker run ``sweep`` every ``SWEEP_INTERVAL_MINUTES``."""
    SWEEPS[name] = sweep


def interval() -> timedelta:
    return timedelta(minutes=settings.SWEEP_INTERVAL_MINUTES)


def claim(name: str, now: datetime) -> bool:
    """Take this period's run of ``name`` if no one has: True for exactly one caller."""
    SweepRun.objects.bulk_create(
        [SweepRun(name=name, next_run_at=now)], ignore_conflicts=True
    )  # the first run is due at once
    return bool(
        SweepRun.objects.filter(name=name, next_run_at__lte=now).update(
            next_run_at=now + interval(), claimed_at=now
        )
    )


def due(now: datetime | None = None) -> list[str]:
    """Claim every sweep whose time has come and queue it; returns the names queued."""
    now = now or timezone.now()
    waiting = set(SweepRun.objects.filter(next_run_at__gt=now).values_list("name", flat=True))
    queued = [name for name in SWEEPS if name not in waiting and claim(name, now)]
    for name in queued:
        run_sweep.enqueue(name)
    return queued


@task()
def run_sweep(name: str) -> int:
    """Run one sweep (in the worker) and record what it did."""
    done = SWEEPS[name]()
    SweepRun.objects.filter(name=name).update(finished_at=timezone.now(), result=done)
    logger.info("sweep %s: %s done", name, done)
    return done


def run_all() -> dict[str, int]:
    """Every sweep, now, in this process (``spona reminders``)."""
    return {name: sweep() for name, sweep in SWEEPS.items()}
