"""Writes: convening a conference, recording its minutes and decisions, and the tasks the
decisions create (complete, cancel, reassign). Every write is audited; on a case, the case
timeline records conferences and tasks; reminders are scheduled in ``reminders``."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.cases.models import Case, CaseEventKind
from spona.cases.services import timeline_add
from spona.conferences import reminders
from spona.conferences.access import (
    CONFERENCE_CONVENE,
    CONFERENCE_RUN,
    TASK_CANCEL,
    TASK_CHANGE,
    TASK_COMPLETE,
    may_own_task,
)
from spona.conferences.forms import NOT_IN_INSTITUTION, OUTSIDE_CONSENT
from spona.conferences.models import (
    Conference,
    ConferenceStatus,
    Decision,
    Task,
    TaskStatus,
)
from spona.conferences.selectors import invitees, task_owners
from spona.core.locking import save_versioned
from spona.inbox.kinds import NotificationKind
from spona.inbox.services import notify
from spona.institutions.models import Institution, Municipality
from spona.policy import Permission, require

NOT_PLANNED = _("Only a planned conference can be cancelled.")
CANCELLED = _("This conference was cancelled.")
NO_PARTICIPANTS = _("Invite at least one institution.")


def _case_event(case: Case | None, user: User, kind: CaseEventKind, **details: Any) -> None:
    """A line on the case timeline, when the conference or task is on a case."""
    if case is not None:
        timeline_add(case=case, kind=kind, user=user, **details)


# --- conferences ------------------------------------------------------------------------


@transaction.atomic
def conference_convene(
    *,
    user: User,
    case: Case | None,
    topic: str,
    phase: str,
    held_on: datetime,
    participants: Iterable[Institution],
    agenda: str = "",
) -> Conference:
    """Plan a conference on a case (its municipality) or a local topic (the convener's), and
    invite the participants' case managers, supervisors and coordinators."""
    home = user.institution.municipality if user.institution else None
    if case is None and home is None:
        raise PermissionDenied  # a national institution has no local topics
    subject: Case | Municipality | None = case if case is not None else home
    require(user, CONFERENCE_CONVENE, subject)
    assert user.institution is not None  # noqa: S101 - the policy requires an institution
    invited = list(participants)
    if not invited:
        raise ValidationError({"participants": NO_PARTICIPANTS})
    conference = Conference.objects.create(
        case=case,
        municipality=case.municipality if case is not None and case.municipality else home,
        topic=topic,
        phase=phase,
        held_on=held_on,
        agenda=agenda,
        convened_by_institution=user.institution,
        convened_by=user,
    )
    conference.participants.set(invited)
    details = {"phase": phase, "participants": sorted(i.pk for i in invited)}
    audit(AuditAction.CREATE, conference, user=user, details=details)
    _case_event(case, user, CaseEventKind.CONFERENCE, conference=conference.code, status="planned")
    notify(
        recipients=invitees(conference),
        kind=NotificationKind.CONFERENCE_INVITATION,
        params={
            "date": held_on,
            "institution": user.institution.name,
            "topic": f"{conference.code} · {case.code}" if case else conference.code,
        },
        link=reverse("conferences:conference_detail", args=[conference.code]),
    )
    return conference


@transaction.atomic
def conference_record(
    *,
    user: User,
    conference: Conference,
    expected_version: int,
    minutes: str,
    decisions: Iterable[str] = (),
) -> list[Decision]:
    """Write the minutes and add the decisions taken; the conference is then held.

    Minutes may be corrected later (a stale copy is refused); decisions are only added, since
    tasks hang on them.
    """
    require(user, CONFERENCE_RUN, conference)
    if conference.status == ConferenceStatus.CANCELLED:
        raise ValidationError(CANCELLED)
    first = conference.status == ConferenceStatus.PLANNED
    conference.minutes, conference.status = minutes, ConferenceStatus.HELD
    save_versioned(conference, expected_version=expected_version, fields=["minutes", "status"])
    start = conference.decisions.count()
    added = [
        Decision.objects.create(conference=conference, text=text.strip(), order=start + number)
        for number, text in enumerate((t for t in decisions if t.strip()), start=1)
    ]
    audit(
        AuditAction.UPDATE,
        conference,
        user=user,
        details={"fields": ["minutes", "status"], "decisions_added": len(added)},
    )
    if first:
        _case_event(
            conference.case,
            user,
            CaseEventKind.CONFERENCE,
            conference=conference.code,
            status="held",
            decisions=len(added),
        )
    return added


@transaction.atomic
def conference_cancel(*, user: User, conference: Conference, expected_version: int) -> Conference:
    """Call off a planned conference; the invited institutions are told."""
    require(user, CONFERENCE_RUN, conference)
    if conference.status != ConferenceStatus.PLANNED:
        raise ValidationError(NOT_PLANNED)
    conference.status = ConferenceStatus.CANCELLED
    save_versioned(conference, expected_version=expected_version, fields=["status"])
    audit(AuditAction.UPDATE, conference, user=user, details={"status": "cancelled"})
    _case_event(
        conference.case,
        user,
        CaseEventKind.CONFERENCE,
        conference=conference.code,
        status="cancelled",
    )
    notify(
        recipients=invitees(conference),
        kind=NotificationKind.CONFERENCE_CANCELLED,
        params={"date": conference.held_on, "topic": conference.code},
        link=reverse("conferences:conference_detail", args=[conference.code]),
    )
    return conference


# --- tasks --------------------------------------------------------------------------------


def _check_owner(
    owner_institution: Institution, owner_user: User | None, case: Case | None = None
) -> None:
    if not may_own_task(owner_institution, case):
        raise ValidationError({"owner_institution": OUTSIDE_CONSENT})
    if owner_user is not None and owner_user.institution_id != owner_institution.pk:
        raise ValidationError({"owner_user": NOT_IN_INSTITUTION})


def _tell_owners(task: Task) -> None:
    notify(
        recipients=task_owners(task),
        kind=NotificationKind.TASK_ASSIGNED,
        params={
            "task": task.code,
            "institution": task.owner_institution.name,
            "due": task.due_on,
        },
        link=reverse("conferences:task_detail", args=[task.code]),
    )


@transaction.atomic
def task_create(
    *,
    user: User,
    decision: Decision,
    title: str,
    owner_institution: Institution,
    due_on: date,
    owner_user: User | None = None,
    details: str = "",
) -> Task:
    """A task that carries out a decision; its owner is told, its reminders are queued."""
    conference = decision.conference
    require(user, CONFERENCE_RUN, conference)
    _check_owner(owner_institution, owner_user, conference.case)
    task = Task.objects.create(
        title=title,
        details=details,
        owner_institution=owner_institution,
        owner_user=owner_user,
        due_on=due_on,
        created_by=user,
        conference=conference,
        decision=decision,
        case=conference.case,
    )
    audit(
        AuditAction.CREATE,
        task,
        user=user,
        details={"conference": conference.code, "owner": owner_institution.pk},
    )
    _case_event(task.case, user, CaseEventKind.TASK_CREATED, task=task.code)
    _tell_owners(task)
    reminders.schedule(task)
    return task


def _close(
    user: User, task: Task, expected_version: int, permission: Permission[Task], status: str
) -> Task:
    require(user, permission, task)
    task.status = status
    task.done_at = timezone.now()
    save_versioned(task, expected_version=expected_version, fields=["status", "done_at"])
    audit(AuditAction.UPDATE, task, user=user, details={"status": status})
    return task


@transaction.atomic
def task_complete(*, user: User, task: Task, expected_version: int) -> Task:
    _close(user, task, expected_version, TASK_COMPLETE, TaskStatus.DONE)
    _case_event(task.case, user, CaseEventKind.TASK_DONE, task=task.code)
    return task


@transaction.atomic
def task_cancel(*, user: User, task: Task, expected_version: int) -> Task:
    return _close(user, task, expected_version, TASK_CANCEL, TaskStatus.CANCELLED)


@transaction.atomic
def task_reassign(
    *,
    user: User,
    task: Task,
    expected_version: int,
    owner_institution: Institution,
    owner_user: User | None,
    due_on: date,
) -> Task:
    """Give the task to another owner or move its due date. A new owner is told; a new due
    date clears the reminder stamps and queues fresh reminders (the old ones find the date
    moved and do nothing)."""
    require(user, TASK_CHANGE, task)
    _check_owner(owner_institution, owner_user, task.case)
    new_owner = (owner_institution.pk, getattr(owner_user, "pk", None)) != (
        task.owner_institution_id,
        task.owner_user_id,
    )
    moved = due_on != task.due_on
    task.owner_institution, task.owner_user, task.due_on = owner_institution, owner_user, due_on
    fields = ["owner_institution", "owner_user", "due_on"]
    if moved:
        task.reminded_before_at = task.reminded_after_at = None
        fields += ["reminded_before_at", "reminded_after_at"]
    save_versioned(task, expected_version=expected_version, fields=fields)
    audit(
        AuditAction.UPDATE,
        task,
        user=user,
        details={"owner": owner_institution.pk, "owner_changed": new_owner, "due_moved": moved},
    )
    if new_owner:
        _tell_owners(task)
    if moved:
        reminders.schedule(task)
    return task
