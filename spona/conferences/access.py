"""Who sees conferences and tasks, and who runs them.

A case conference: the case team, the convener and the invited institutions; its minutes are
case details, shared within consent. A local conference: also every institution of its
municipality. The coordinator sees all of its municipality's conferences (a case appears by its
pseudonymous code only). A task: its person and institution, its creator, whoever sees its
conference or case.

What a case conference says (topic, agenda, decisions, tasks) is case details too: it follows
the case's consent scope at every read (the lead institution, the institutions whose type the
person consented to share case details with, break-glass). Others that see the meeting (the
invited, the coordinator) see its code, date, case code and participants only, and a task about
a case goes to, and is seen by, only an institution within that scope. Local meetings are not
about a person and are unchanged.
"""

from typing import Any

from django.db.models import Q, QuerySet

from spona.accounts.models import User
from spona.cases.access import (
    consent_scope,
    consented_cases,
    in_own_team,
    shares,
    team_cases,
)
from spona.cases.models import Case, DataCategory
from spona.conferences.models import Conference, Task, TaskStatus
from spona.core.roles import CONFERENCE_ROLES, INSTITUTION_WIDE_ROLES, TASK_ROLES, Role
from spona.institutions.access import coordinates, home_municipality
from spona.institutions.models import Institution, Municipality
from spona.policy import Permission, holds, only, per_request, rows, sees, subquery, visible

CONFERENCE_VIEW = Permission[Conference]("conference_view")
CONFERENCE_CONVENE = Permission[Case | Municipality]("conference_convene")
"""On a case, or on a local topic (a municipality)."""
CONFERENCE_RUN = Permission[Conference]("conference_run")
"""Minutes, decisions, tasks, cancelling."""
CONFERENCE_MINUTES = Permission[Conference]("conference_minutes")
CONFERENCE_CONTENT = Permission[Conference]("conference_content")
"""Topic, agenda, decisions and tasks: of a case conference, within the case's consent."""
TASK_VIEW = Permission[Task]("task_view")
TASK_COMPLETE = Permission[Task]("task_complete")
TASK_CANCEL = Permission[Task]("task_cancel")
TASK_CHANGE = Permission[Task]("task_change")


@rows(Conference)
def _conferences(user: User) -> Q:
    scope = Q(case__in=subquery(team_cases(user)))
    if user.role in CONFERENCE_ROLES and user.institution_id is not None:
        invited = Conference.participants.through.objects.filter(institution=user.institution_id)
        scope |= Q(convened_by_institution=user.institution_id)
        scope |= Q(pk__in=invited.values("conference"))
        if (home := home_municipality(user)) is not None:
            local_only = Q() if user.role == Role.COORDINATOR else Q(case__isnull=True)
            scope |= Q(municipality=home) & local_only
    return scope


def owned_by(user: int, institution: int | None) -> Q:
    """The tasks ``user`` holds in person, and those ``institution`` holds (``None``: the
    user's role holds none for their institution)."""
    scope = Q(owner_user=user)
    if institution is not None:
        scope |= Q(owner_institution=institution)
    return scope


def holding_for(user: User) -> int | None:
    """The institution whose tasks the user holds too: the conference roles'."""
    return user.institution_id if user.role in CONFERENCE_ROLES else None


@rows(Task)
def own_tasks(user: User) -> Q:
    """The tasks the user holds in person, and those their institution holds."""
    return owned_by(user.pk, holding_for(user))


@rows(Task)
def _tasks(user: User) -> Q:
    scope = Q(created_by=user.pk) | Q(case__in=subquery(team_cases(user)))
    if user.role in CONFERENCE_ROLES and user.institution_id is not None:
        scope |= Q(conference__in=subquery(conferences_seen(user)))
    return scope


@per_request
def conferences_seen(user: User) -> QuerySet[Conference]:
    """The conferences this user sees (a task's scope embeds them)."""
    return visible(user, Conference)


def content_shared(user: User) -> Q:
    """The conferences whose content this user may read (a condition on Conference rows)."""
    return Q(case__isnull=True) | Q(
        case__in=subquery(consent_scope(user, DataCategory.CASE_DETAILS))
    )


def within_consent(scope: Any) -> Q:
    """The tasks not about a case, and those about a case of ``scope`` (the user's consent
    scope of case details, a subquery)."""
    return Q(case__isnull=True) | Q(case__in=scope)


@only(Task)
def _tasks_within_consent(user: User) -> Q:
    """A task about a case is case details: seen only within the case's consent scope."""
    return within_consent(subquery(consent_scope(user, DataCategory.CASE_DETAILS)))


def may_own_task(institution: Institution, case: Case | None) -> bool:
    """A task about a case goes only to an institution that may read the case details."""
    if case is None:
        return True
    return holds(consented_cases(institution, DataCategory.CASE_DETAILS), case.pk)


@CONFERENCE_CONTENT.rule
def _reads_content(user: User, conference: Conference | None) -> bool:
    if conference is None:
        return False
    return visible(user, Conference).filter(content_shared(user), pk=conference.pk).exists()


@CONFERENCE_VIEW.rule
def _may_view(user: User, conference: Conference | None) -> bool:
    if conference is None:
        return user.role in CONFERENCE_ROLES
    return sees(user, conference)


@CONFERENCE_CONVENE.rule
def _may_convene(user: User, subject: Case | Municipality | None) -> bool:
    """On a case: the case managers, supervisors and Centre officers of its team (not by
    break-glass). On a local topic: the coordinator and the case managers and supervisors of
    the municipality's institutions."""
    if user.role not in CONFERENCE_ROLES or user.institution_id is None:
        return False
    if subject is None:
        return True
    if isinstance(subject, Case):
        return user.role in INSTITUTION_WIDE_ROLES and in_own_team(user, subject)
    return subject.pk == home_municipality(user)


@CONFERENCE_MINUTES.rule
def _reads_minutes(user: User, conference: Conference | None) -> bool:
    """The minutes of a case conference are case details: shared within consent."""
    if conference is None:
        return False
    if conference.case is None:
        return sees(user, conference)
    return shares(user, conference.case, DataCategory.CASE_DETAILS)


def _convenes(user: User, conference: Conference) -> bool:
    """The convening institution, and for a local conference its municipality's coordinator."""
    if user.role not in CONFERENCE_ROLES:
        return False
    if conference.convened_by_institution_id == user.institution_id:
        return True
    local = conference.case_id is None and conference.municipality_id is not None
    return local and coordinates(user, conference.municipality)


@CONFERENCE_RUN.rule
def _runs_conference(user: User, conference: Conference | None) -> bool:
    """Recording minutes and decisions, creating tasks, cancelling: the convener, if it may
    read the minutes."""
    if conference is None:
        return user.role in CONFERENCE_ROLES
    return _convenes(user, conference) and _reads_minutes(user, conference)


@TASK_VIEW.rule
def _may_view_task(user: User, task: Task | None) -> bool:
    if task is None:
        return user.role in TASK_ROLES
    return sees(user, task)


def _manages_task(user: User, task: Task) -> bool:
    """The convener manages a conference's tasks; the creator a task without a conference."""
    if task.conference is not None:
        return _convenes(user, task.conference)
    return task.created_by_id == user.pk


@TASK_COMPLETE.rule
def _may_complete(user: User, task: Task | None) -> bool:
    """The owner (person or institution) or the manager completes an open task."""
    if task is None or task.status != TaskStatus.OPEN:
        return False
    owns = task.owner_user_id == user.pk or (
        user.role in CONFERENCE_ROLES and task.owner_institution_id == user.institution_id
    )
    return owns or _manages_task(user, task)


@TASK_CANCEL.rule
@TASK_CHANGE.rule
def _may_manage(user: User, task: Task | None) -> bool:
    """Only the manager cancels or changes an open task."""
    return task is not None and task.status == TaskStatus.OPEN and _manages_task(user, task)
