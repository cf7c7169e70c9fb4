"""Reads: conferences and tasks a user may see, the participants the mandate matrix
suggests, and who answers for a task or an invitation."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit, audit_listed
from spona.cases.access import consent_scope_of, glass_of, in_team, shares
from spona.cases.models import Case, DataCategory, ReferralStatus
from spona.cases.workflow import phase_of
from spona.conferences.access import (
    content_shared,
    holding_for,
    own_tasks,
    owned_by,
    within_consent,
)
from spona.conferences.filters import ConferenceFilter, TaskFilter
from spona.conferences.models import Conference, Task, TaskStatus
from spona.coordination.defaults import PHASES
from spona.coordination.models import MandateRole
from spona.coordination.selectors import Cell, duty_contacts, matrix
from spona.core.listing import Listing, listing
from spona.core.prepared import Later, Prepared, Shaped
from spona.core.roles import CONFERENCE_ROLES, TASK_ROLES
from spona.core.work import Counted, counted, nothing_counted, read_counted
from spona.institutions.models import Institution, InstitutionType, Municipality
from spona.policy import active, granted, visible

SUGGESTED_ROLES = frozenset({MandateRole.LEADS, MandateRole.CONTRIBUTES})


# --- conferences ------------------------------------------------------------------------


def conference_list(*, user: User) -> QuerySet[Conference]:
    """Conferences the user sees, each with ``content_shared``: may it read the topic, agenda,
    decisions and tasks (a case conference's follow the case's consent)?"""
    shared = ExpressionWrapper(content_shared(user), output_field=BooleanField())
    return (
        visible(user, Conference)
        .select_related("case", "municipality", "convened_by_institution")
        .annotate(content_shared=shared)
    )


#: What the case page's panel shows of a conference
_PANEL_SHOWN = ("code", "held_on", "topic", "status")


def _conferences_of(case: int) -> QuerySet[Conference]:
    return Conference.objects.filter(case=case).only(*_PANEL_SHOWN).order_by("held_on")


#: Asked on every view of a case: the SQL compiled once per process (``spona.core.prepared``).
_CONFERENCES_OF = Prepared(_conferences_of, 0)


def case_conferences(*, user: User, case: Case) -> Later[list[Conference]]:
    """:func:`conference_list` of one case, as its page's panel shows them, asked of that case:
    a case of the user's team shows the user every conference of it (the team's grant) and
    their content as far as the case's details are shared (``shares``), both answered from the
    team's keys in a read-only request instead of the scope's subqueries; any other case
    through the whole scope."""
    if not in_team(user, case):
        seen = conference_list(user=user).filter(case=case).select_related(None)
        return Later(lambda: list(seen.only(*_PANEL_SHOWN).order_by("held_on")))
    shared = shares(user, case, DataCategory.CASE_DETAILS)

    def shown(conferences: list[Conference]) -> list[Conference]:
        for conference in conferences:
            conference.content_shared = shared  # type: ignore[attr-defined]
        return conferences

    return _CONFERENCES_OF.later(case.pk).then(shown)


def conference_list_page(
    *, user: User, params: Mapping[str, Any] | None = None
) -> dict[str, object]:
    """The conferences page: one page of the conferences (``ConferenceFilter``), one audited
    read naming each shown."""
    shown: Listing[Conference] = listing(ConferenceFilter, conference_list(user=user), params)
    audit_listed(user=user, purpose="conference list", conferences=shown.rows)
    return {"filters": shown.filters, "conferences": shown.page}


def conference_get(*, user: User, code: str) -> Conference:
    """One conference the user may see; reading a case conference is audited like the case."""
    conference = conference_list(user=user).filter(code=code).first()
    if conference is None:
        raise Http404
    if conference.case is not None:
        audit(AuditAction.READ, conference, user=user, details={"case": conference.case.code})
    return conference


def case_phase(case: Case) -> str:
    return phase_of(case)


@dataclass(frozen=True)
class Option:
    """An institution that may be invited, with what the matrix says of it in the phase."""

    institution: Institution
    cell: Cell | None
    on_team: bool = False

    @property
    def suggested(self) -> bool:
        return self.on_team or (self.cell is not None and self.cell.role in SUGGESTED_ROLES)


def _case_team(case: Case) -> list[Institution]:
    referred = case.referrals.exclude(
        status__in=[ReferralStatus.REVOKED, ReferralStatus.DECLINED]
    ).values("to_institution")
    return list(
        Institution.objects.filter(Q(pk=case.opened_by_institution_id) | Q(pk__in=referred))
    )


def participant_options(
    *, municipality: Municipality | None, phase: str, case: Case | None = None
) -> list[Option]:
    """The active institutions of the municipality and the national ones (the Centre), each
    with its mandate in ``phase``. Those that lead or contribute, and the case team, are
    suggested; the rest may be ticked by hand."""
    cells = matrix(municipality)
    index = PHASES.index(phase)
    team = _case_team(case) if case is not None else []
    team_pks = {institution.pk for institution in team}
    if municipality is not None:
        institutions = [i for group in duty_contacts(municipality).values() for i in group]
    else:
        institutions = list(Institution.objects.filter(is_active=True, municipality__isnull=True))
    institutions += [i for i in team if i.pk not in {x.pk for x in institutions}]
    options = [
        Option(i, cells[i.type][index] if i.type in cells else None, i.pk in team_pks)
        for i in institutions
    ]
    return sorted(
        options, key=lambda o: (not o.suggested, _type_order(o.institution), o.institution.name)
    )


def _type_order(institution: Institution) -> int:
    return list(InstitutionType).index(InstitutionType(institution.type))


def invitees(conference: Conference) -> list[User]:
    """Who is told of a conference: the conference roles of the invited institutions."""
    return list(
        User.objects.filter(
            institution__in=conference.participants.all(),
            role__in=CONFERENCE_ROLES,
            is_active=True,
        ).exclude(pk=conference.convened_by_id)
    )


# --- tasks --------------------------------------------------------------------------------


_TASK_RELATED = ("owner_institution", "owner_user", "conference", "case")


def _tasks(user: User) -> QuerySet[Task]:
    return visible(user, Task).select_related(*_TASK_RELATED)


def tasks_for(*, user: User) -> QuerySet[Task]:
    """The tasks the user's institution (or the user in person) holds, open ones first."""
    mine = granted(user, Task, own_tasks).select_related(*_TASK_RELATED)
    # "open" sorts after "done" and "cancelled": descending puts the open tasks first
    return mine.order_by("-status", "due_on", "pk")


def tasks_asked_by(*, user: User) -> QuerySet[Task]:
    """Open tasks that conferences of the user's institution gave to other institutions."""
    if user.institution_id is None:
        return Task.objects.none()
    return (
        _tasks(user)
        .filter(conference__convened_by_institution=user.institution_id, status=TaskStatus.OPEN)
        .exclude(owner_institution=user.institution_id)
    )


def overdue_tasks(*, user: User) -> QuerySet[Task]:
    """Open tasks of the user's institution (or the user) past their due date."""
    return tasks_for(user=user).filter(status=TaskStatus.OPEN, due_on__lt=timezone.localdate())


def _open_tasks(
    shape: None,
    *,
    user: int,
    holding_for: int | None,
    institution: int | None,
    institution_type: str | None,
    now: datetime,
    today: date,
) -> QuerySet[Task]:
    """:func:`tasks_for`'s open tasks, soonest due first, as the home page counts and shows
    them: the rows of ``own_tasks`` within the consent scope (``_tasks_within_consent``), for
    a user of these values."""
    consented = consent_scope_of(
        institution, institution_type, DataCategory.CASE_DETAILS, glass_of(user, now)
    )
    tasks = Task.objects.filter(
        owned_by(user, holding_for), within_consent(consented), status=TaskStatus.OPEN
    )
    return counted(
        tasks.order_by("due_on", "pk").only("code", "title", "due_on"), Q(due_on__lt=today)
    )


#: The home page's tasks: compiled once per process for each shape of user.
_OPEN_TASKS = Shaped(_open_tasks)


def open_tasks(*, user: User) -> Counted[Task]:
    """The first open tasks of the user's institution (or the user), soonest due first, how
    many are open and how many overdue (``read_counted``)."""
    if not active(user):
        return nothing_counted()
    institution = user.institution
    return _OPEN_TASKS.later(
        None,
        user=user.pk,
        holding_for=holding_for(user),
        institution=user.institution_id,
        institution_type=None if institution is None else institution.type,
        now=timezone.now(),
        today=timezone.localdate(),
    ).then(read_counted)


def overdue_tasks_count(municipality: int) -> int:
    """Open tasks of the municipality's institutions past their due date (an aggregate)."""
    return Task.objects.filter(
        owner_institution__municipality=municipality,
        status=TaskStatus.OPEN,
        due_on__lt=timezone.localdate(),
    ).count()


def task_list_page(*, user: User, params: Mapping[str, Any] | None = None) -> dict[str, object]:
    """The tasks page: one page of the institution's tasks and one of those it asked of
    others, both filtered by ``params`` (``TaskFilter``), audited as one read naming each
    task shown."""
    tasks: Listing[Task] = listing(TaskFilter, tasks_for(user=user), params)
    asked: Listing[Task] = listing(
        TaskFilter,
        tasks_asked_by(user=user).order_by("due_on", "pk"),
        params,
        page_param="asked-page",
    )
    audit_listed(user=user, purpose="task list", tasks=tasks.rows, asked=asked.rows)
    return {"filters": tasks.filters, "tasks": tasks.page, "asked": asked.page}


def task_get(*, user: User, code: str) -> Task:
    """One task; reading a task about a case is audited like the case."""
    task = _tasks(user).filter(code=code).first()
    if task is None:
        raise Http404
    if task.case is not None:
        audit(AuditAction.READ, task, user=user, details={"case": task.case.code})
    return task


def task_owners(task: Task) -> list[User]:
    """Who answers for a task: the person named, or the institution's conference roles."""
    if task.owner_user is not None:
        return [task.owner_user] if task.owner_user.is_active else []
    return list(task.owner_institution.users.filter(role__in=CONFERENCE_ROLES, is_active=True))


def assignable_users(institutions: QuerySet[Institution]) -> QuerySet[User]:
    """People a task may name: the task roles of the given institutions."""
    return User.objects.filter(
        institution__in=institutions, role__in=TASK_ROLES, is_active=True
    ).select_related("institution")
