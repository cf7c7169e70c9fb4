"""The access policy: the one place that answers who may do what, and who may see which rows.

Two questions, asked by every view, API endpoint and command:

* ``can(user, action, obj=None)``: may this user do this action (on this object)?
* ``visible(user, model)``: which rows of this kind may this user see (a queryset)?

Rules follow need-to-know. Person-level data is seen only by the roles that work with
people, and only for the people their institution registered (the case modules widen
this to the case team, within consent). Administrators and analysts never see a person.

Consent. The institution that opened a case leads it and sees its person. Every other
institution on the case team sees the case itself (code, status, referrals, timeline) but the
person's identity and the case details only where the person consented to share that category
with that type of institution. Consent is checked on every read, so a withdrawal takes effect
at the next page load. A break-glass grant opens one case to one user, for a short time.
"""

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from spona.accounts.models import Role, User
from spona.cases.models import (
    BreakGlassGrant,
    Case,
    Consent,
    DataCategory,
    Referral,
    ReferralStatus,
)
from spona.conferences.models import Conference, Task, TaskStatus
from spona.institutions.models import Institution, InstitutionType, Municipality
from spona.people.models import Person
from spona.prevention.models import PreventionFollowUp
from spona.screening.models import IndicatorCatalogue, Screening
from spona.signals.models import ChildInvolved, Signal, Urgency


class Action(StrEnum):
    VIEW_DIRECTORY = "view_directory"
    MANAGE_USERS = "manage_users"
    MANAGE_INSTITUTIONS = "manage_institutions"
    PERSON_CREATE = "person_create"
    PERSON_VIEW = "person_view"
    PERSON_CHANGE = "person_change"
    PERSON_MERGE = "person_merge"  # obj: (kept person, duplicate)
    USE_API_TOKENS = "use_api_tokens"
    SIGNAL_RAISE = "signal_raise"
    SIGNAL_VIEW = "signal_view"
    SIGNAL_TRIAGE = "signal_triage"
    SCREENING_START = "screening_start"
    SCREENING_VIEW = "screening_view"
    SCREENING_EDIT = "screening_edit"
    CATALOGUE_MANAGE = "catalogue_manage"
    PROTOCOL_OVERSEE = "protocol_oversee"
    CASE_VIEW = "case_view"
    PREVENTION_VIEW = "prevention_view"
    RISK_GROUPS_MANAGE = "risk_groups_manage"
    COUNTS_REPORT = "counts_report"
    CAMPAIGN_MANAGE = "campaign_manage"
    OUTREACH_RECORD = "outreach_record"
    SURVEY_VIEW = "survey_view"
    SURVEY_MANAGE = "survey_manage"
    SURVEY_ENTER = "survey_enter"
    MANDATE_MANAGE = "mandate_manage"
    CONFERENCE_VIEW = "conference_view"
    CONFERENCE_CONVENE = "conference_convene"  # obj: a case, or a municipality (local topic)
    CONFERENCE_RUN = "conference_run"  # minutes, decisions, tasks, cancelling
    CONFERENCE_MINUTES = "conference_minutes"
    TASK_VIEW = "task_view"
    TASK_ACT = "task_act"  # obj: (task, "complete" | "cancel" | "change")
    CASE_TRANSITION = "case_transition"  # obj: (case, target status)
    CASE_REOPEN = "case_reopen"
    REFERRAL_ACT = "referral_act"  # obj: (referral, action)
    REFERRAL_SEND = "referral_send"  # obj: case
    CONSENT_MANAGE = "consent_manage"  # obj: case
    BREAK_GLASS = "break_glass"
    REFERRAL_STATISTICS = "referral_statistics"
    FOLLOW_UP_VIEW = "follow_up_view"
    FOLLOW_UP_OPEN = "follow_up_open"  # obj: the screening that found the person at risk
    FOLLOW_UP_CLOSE = "follow_up_close"


PERSON_ROLES = frozenset({Role.FRONTLINE, Role.CASE_MANAGER, Role.SUPERVISOR, Role.CENTRE_OFFICER})
INSTITUTION_WIDE_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR, Role.CENTRE_OFFICER})
#: Roles that raise signals: everyone who works with people or coordinates (schools and
#: health care included: the study found they referred no victim at all).
SIGNAL_ROLES = PERSON_ROLES | {Role.COORDINATOR}
TRIAGE_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR})
TRIAGE_INSTITUTION_TYPES = frozenset({InstitutionType.SOCIAL_WELFARE, InstitutionType.POLICE})
#: Every role except the analyst, who sees aggregates only, must use a second factor.
TWO_FACTOR_ROLES = frozenset(Role) - {Role.ANALYST}


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.role)


def requires_two_factor(user: User) -> bool:
    return user.role in TWO_FACTOR_ROLES


def manageable_roles(user: User) -> list[Role]:
    """Roles whose accounts this user may create and reset."""
    if user.role == Role.INSTITUTION_ADMIN:
        return [r for r in Role if r not in {Role.SYSTEM_ADMIN}]
    if user.role == Role.SYSTEM_ADMIN:
        return [Role.INSTITUTION_ADMIN, Role.SYSTEM_ADMIN]
    return []


def institutions_for_user_management(user: User) -> QuerySet[Institution]:
    """Institutions in which this user may create accounts."""
    if user.role == Role.INSTITUTION_ADMIN:
        return Institution.objects.filter(users=user)
    if user.role == Role.SYSTEM_ADMIN:
        return Institution.objects.filter(is_active=True)
    return Institution.objects.none()


# --- which rows ---------------------------------------------------------------------------


def _glass_cases(user: User) -> QuerySet[Case]:
    """Cases this user opened with a break-glass grant that has not expired."""
    grants = BreakGlassGrant.objects.filter(user=user.pk, expires_at__gt=timezone.now())
    return Case.objects.filter(pk__in=grants.values("case"))


def _case_team_cases(user: User) -> QuerySet[Case]:
    """Cases the user's institution opened or received a (not revoked or declined) referral of,
    and the cases of the user's own break-glass grants."""
    if user.role not in PERSON_ROLES:
        return Case.objects.none()
    glass = Q(pk__in=_glass_cases(user).values("pk"))
    if user.role not in INSTITUTION_WIDE_ROLES or user.institution_id is None:
        return Case.objects.filter(glass)
    referred = Referral.objects.filter(to_institution=user.institution_id).exclude(
        status__in=[ReferralStatus.REVOKED, ReferralStatus.DECLINED]
    )
    return Case.objects.filter(
        Q(opened_by_institution=user.institution_id) | Q(pk__in=referred.values("case")) | glass
    )


def cases_sharing(user: User, category: str) -> QuerySet[Case]:
    """Team cases whose ``category`` of data this user may see: the lead institution's, those
    whose person consented to share it with this user's type of institution, and the user's
    break-glass cases."""
    team = _case_team_cases(user)
    institution = user.institution
    if institution is None:
        return team.filter(pk__in=_glass_cases(user).values("pk"))
    consented = Consent.objects.filter(
        institution_type=institution.type, category=category, withdrawn_at__isnull=True
    )
    return team.filter(
        Q(opened_by_institution=institution.pk)
        | Q(pk__in=consented.values("case"))
        | Q(pk__in=_glass_cases(user).values("pk"))
    )


def _visible_people(user: User) -> QuerySet[Person]:
    shared = Q(pk__in=cases_sharing(user, DataCategory.IDENTITY).values("person"))
    if user.role in INSTITUTION_WIDE_ROLES:
        return Person.objects.filter(Q(registered_by_institution=user.institution_id) | shared)
    if user.role == Role.FRONTLINE:
        return Person.objects.filter(Q(registered_by=user) | shared)
    return Person.objects.none()


def _visible_users(user: User) -> QuerySet[User]:
    if user.role == Role.INSTITUTION_ADMIN:
        return User.objects.filter(institution=user.institution_id).exclude(role=Role.SYSTEM_ADMIN)
    if user.role == Role.SYSTEM_ADMIN:
        return User.objects.filter(role__in=manageable_roles(user))
    return User.objects.filter(pk=user.pk)


def _triage_municipality(user: User) -> int | None:
    """The municipality whose signals this user triages, if any."""
    institution = user.institution
    if user.role in TRIAGE_ROLES and institution and institution.type in TRIAGE_INSTITUTION_TYPES:
        return institution.municipality_id
    return None


def _visible_signals(user: User) -> QuerySet[Signal]:
    if user.role not in SIGNAL_ROLES:
        return Signal.objects.none()
    scope = Q(raised_by=user)
    if (municipality := _triage_municipality(user)) is not None:
        scope |= Q(municipality=municipality)
    if user.role == Role.CENTRE_OFFICER:
        scope |= ~Q(urgency=Urgency.NORMAL) | Q(child_involved=ChildInvolved.YES)
    if user.role in INSTITUTION_WIDE_ROLES:
        scope |= Q(assigned_institution=user.institution_id)
    return Signal.objects.filter(scope)


def _visible_screenings(user: User) -> QuerySet[Screening]:
    if user.role not in PERSON_ROLES:
        return Screening.objects.none()
    scope = Q(screened_by=user)
    team_people = cases_sharing(user, DataCategory.CASE_DETAILS).values("person")
    scope |= Q(person__in=team_people)
    if user.role in INSTITUTION_WIDE_ROLES:
        scope |= Q(institution=user.institution_id)
    return Screening.objects.filter(scope)


# --- conferences and tasks ----------------------------------------------------------------

#: Roles that meet on cases and local topics: the case team's roles and the local coordinator.
CONFERENCE_ROLES = INSTITUTION_WIDE_ROLES | {Role.COORDINATOR}
#: Roles that may hold a task: the conference roles, and a frontline professional named in one.
TASK_ROLES = CONFERENCE_ROLES | {Role.FRONTLINE}


def _visible_conferences(user: User) -> QuerySet[Conference]:
    """A case conference: the case team, the convener and the invited institutions. A local
    one: also every institution of its municipality. The coordinator sees all of its
    municipality's conferences (a case appears by its pseudonymous code only)."""
    scope = Q(case__in=_case_team_cases(user))
    if user.role in CONFERENCE_ROLES and user.institution_id is not None:
        invited = Conference.participants.through.objects.filter(institution=user.institution_id)
        scope |= Q(convened_by_institution=user.institution_id)
        scope |= Q(pk__in=invited.values("conference"))
        if (home := _home_municipality(user)) is not None:
            local_only = Q() if user.role == Role.COORDINATOR else Q(case__isnull=True)
            scope |= Q(municipality=home) & local_only
    return Conference.objects.filter(scope)


def _visible_tasks(user: User) -> QuerySet[Task]:
    """A task: its person and institution, its creator, whoever sees its conference or case."""
    scope = Q(owner_user=user.pk) | Q(created_by=user.pk) | Q(case__in=_case_team_cases(user))
    if user.role in CONFERENCE_ROLES and user.institution_id is not None:
        scope |= Q(owner_institution=user.institution_id)
        scope |= Q(conference__in=_visible_conferences(user).values("pk"))
    return Task.objects.filter(scope)


#: Who works with people at risk: those who screen, and the local coordinator.
FOLLOW_UP_ROLES = PERSON_ROLES | {Role.COORDINATOR}


def _visible_follow_ups(user: User) -> QuerySet[PreventionFollowUp]:
    """The coordinator sees the follow-ups of their municipality (persons by code only); the
    screening institution's case managers and supervisors, and the screener, see theirs."""
    if user.role not in FOLLOW_UP_ROLES:
        return PreventionFollowUp.objects.none()
    scope = Q(opened_by=user.pk)
    if user.role == Role.COORDINATOR and (home := _home_municipality(user)) is not None:
        scope |= Q(municipality=home)
    if user.role in INSTITUTION_WIDE_ROLES:
        scope |= Q(institution=user.institution_id)
    return PreventionFollowUp.objects.filter(scope)


def _closes_follow_up(user: User, follow_up: Any) -> bool:
    """The coordinator of its municipality, or a case manager or supervisor of the institution
    that screened the person."""
    if follow_up is None:
        return user.role in {Role.COORDINATOR, *INSTITUTION_WIDE_ROLES}
    if user.role == Role.COORDINATOR:
        return follow_up.municipality_id is not None and _coordinates(user, follow_up.municipality)
    return user.role in INSTITUTION_WIDE_ROLES and follow_up.institution_id == user.institution_id


_VISIBLE: dict[type[Model], Callable[[User], QuerySet[Any]]] = {
    Signal: _visible_signals,
    Screening: _visible_screenings,
    Case: _case_team_cases,
    Referral: lambda user: Referral.objects.filter(case__in=_case_team_cases(user)),
    IndicatorCatalogue: lambda user: IndicatorCatalogue.objects.all(),
    # a person merged into another is seen only as that other (the row stays, for history)
    Person: lambda user: _visible_people(user).filter(merged_into__isnull=True),
    User: _visible_users,
    Institution: lambda user: Institution.objects.all(),
    Municipality: lambda user: Municipality.objects.all(),
    Conference: _visible_conferences,
    Task: _visible_tasks,
    PreventionFollowUp: _visible_follow_ups,
}


def visible(user: Any, model: type[Model]) -> QuerySet[Any]:
    """The rows of ``model`` this user may see; an empty queryset for anyone else."""
    if not _active(user):
        return model._default_manager.none()
    return _VISIBLE[model](user)


# --- which actions ------------------------------------------------------------------------


def _may_manage_user(user: User, target: Any) -> bool:
    if target is None:
        return bool(manageable_roles(user))
    if isinstance(target, Institution):
        return user.role == Role.SYSTEM_ADMIN or (
            user.role == Role.INSTITUTION_ADMIN and target.pk == user.institution_id
        )
    return (
        target.role in manageable_roles(user) and visible(user, User).filter(pk=target.pk).exists()
    )


def _may_see_person(user: User, person: Any) -> bool:
    if person is None:
        return user.role in PERSON_ROLES
    return visible(user, Person).filter(pk=person.pk).exists()


def _may_merge_people(user: User, pair: Any) -> bool:
    """Merging re-points cases and screenings: institution-wide roles, both persons seen."""
    if user.role not in INSTITUTION_WIDE_ROLES:
        return False
    return pair is None or all(_may_see_person(user, person) for person in pair)


def _in_scope(user: User, model: type[Model], obj: Any, roles: frozenset[Role]) -> bool:
    if obj is None:
        return user.role in roles
    return visible(user, model).filter(pk=obj.pk).exists()


def _may_triage(user: User, signal: Any) -> bool:
    if signal is None:
        return _triage_municipality(user) is not None or user.role == Role.CENTRE_OFFICER
    if signal.municipality_id == _triage_municipality(user):
        return True
    return user.role == Role.CENTRE_OFFICER and signal.needs_centre


def _may_edit_screening(user: User, screening: Any) -> bool:
    """The screener, or a case manager or supervisor of the screening institution."""
    if screening is None:
        return user.role in PERSON_ROLES
    if screening.screened_by_id == user.pk:
        return True
    return user.role in INSTITUTION_WIDE_ROLES and screening.institution_id == user.institution_id


def _is_case_supervisor(user: User, case: Any) -> bool:
    return user.role == Role.SUPERVISOR and case.opened_by_institution_id == user.institution_id


def decides_identification(user: Any, case: Case) -> bool:
    """Is this user's institution the one that decides this case's formal identification?"""
    return _active(user) and _identifies(user, case)


def _identifies(user: User, case: Any) -> bool:
    """Formal identification: the Centre for adults, the guardianship authority for children."""
    institution = user.institution
    if user.role not in INSTITUTION_WIDE_ROLES or institution is None:
        return False
    if case.is_child:
        return (
            institution.type == InstitutionType.SOCIAL_WELFARE
            and institution.municipality_id == case.municipality_id
        )
    return institution.type == InstitutionType.NATIONAL_CENTRE


def _may_transition(user: User, case: Any, target: str) -> bool:
    from spona.cases.workflow import TRANSITIONS

    who = TRANSITIONS.get(case.status, {}).get(target)
    if who == "identifier":
        return _identifies(user, case)
    if who == "supervisor":
        return _is_case_supervisor(user, case)
    if who == "team":
        institution = user.institution
        on_team = institution is not None and (
            case.opened_by_institution_id == institution.pk
            or institution.type == InstitutionType.NATIONAL_CENTRE
        )
        return user.role in {Role.CASE_MANAGER, Role.SUPERVISOR} and on_team
    return False


def _may_act_on_referral(user: User, referral: Any, action: str) -> bool:
    from spona.cases.referrals import ACTIONS

    if action not in ACTIONS or user.role not in INSTITUTION_WIDE_ROLES:
        return False
    source, _target, who, _event = ACTIONS[action]
    if referral.status != source:
        return False
    side = referral.to_institution_id if who == "receiver" else referral.from_institution_id
    return side == user.institution_id


def shares(user: Any, case: Case, category: str) -> bool:
    """May this user see ``category`` of this case's data (consent, lead or break-glass)?"""
    return _active(user) and cases_sharing(user, category).filter(pk=case.pk).exists()


def _leads_case(user: User, case: Any) -> bool:
    return (
        user.role in INSTITUTION_WIDE_ROLES and case.opened_by_institution_id == user.institution_id
    )


def _may_refer(user: User, case: Any) -> bool:
    """Case managers and supervisors of the team refer a case on (not by break-glass)."""
    if user.role not in INSTITUTION_WIDE_ROLES or user.institution_id is None:
        return False
    if case is None:
        return True
    return _case_team_cases(user).filter(pk=case.pk).exclude(pk__in=_glass_cases(user)).exists()


def _home_municipality(user: User) -> int | None:
    return user.institution.municipality_id if user.institution else None


def _coordinates(user: User, municipality: Any) -> bool:
    """The local coordinator acts for their own municipality."""
    if user.role != Role.COORDINATOR or _home_municipality(user) is None:
        return False
    return municipality is None or municipality.pk == _home_municipality(user)


def _may_convene(user: User, subject: Any) -> bool:
    """On a case: the case managers, supervisors and Centre officers of its team (not by
    break-glass). On a local topic (``subject`` a municipality): the coordinator and the case
    managers and supervisors of the municipality's institutions."""
    if user.role not in CONFERENCE_ROLES or user.institution_id is None:
        return False
    if subject is None:
        return True
    if isinstance(subject, Case):
        team = _case_team_cases(user).exclude(pk__in=_glass_cases(user).values("pk"))
        return user.role in INSTITUTION_WIDE_ROLES and team.filter(pk=subject.pk).exists()
    return subject.pk == _home_municipality(user)


def _reads_minutes(user: User, conference: Any) -> bool:
    """The minutes of a case conference are case details: shared within consent."""
    if conference.case_id is None:
        return visible(user, Conference).filter(pk=conference.pk).exists()
    return shares(user, conference.case, DataCategory.CASE_DETAILS)


def _convenes(user: User, conference: Any) -> bool:
    """The convening institution, and for a local conference its municipality's coordinator."""
    if user.role not in CONFERENCE_ROLES:
        return False
    if conference.convened_by_institution_id == user.institution_id:
        return True
    local = conference.case_id is None and conference.municipality_id is not None
    return local and _coordinates(user, conference.municipality)


def _runs_conference(user: User, conference: Any) -> bool:
    """Recording minutes and decisions, creating tasks, cancelling: the convener, if it may
    read the minutes."""
    if conference is None:
        return user.role in CONFERENCE_ROLES
    return _convenes(user, conference) and _reads_minutes(user, conference)


def _may_act_on_task(user: User, task: Any, action: str) -> bool:
    """The owner (person or institution) or the convener completes an open task; only the
    convener (or the task's creator, for a task without a conference) cancels or changes it."""
    if task.status != TaskStatus.OPEN:
        return False
    if task.conference_id is not None:
        manages = _convenes(user, task.conference)
    else:
        manages = task.created_by_id == user.pk
    if action == "complete":
        owns = task.owner_user_id == user.pk or (
            user.role in CONFERENCE_ROLES and task.owner_institution_id == user.institution_id
        )
        return owns or manages
    return action in {"cancel", "change"} and manages


COUNT_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR, Role.COORDINATOR})
STATISTICS_ROLES = frozenset({Role.CENTRE_OFFICER, Role.COORDINATOR, Role.ANALYST})


def _reports_counts(user: User, municipality: Any) -> bool:
    """Institutions of a municipality report counts for it."""
    if user.role not in COUNT_ROLES or _home_municipality(user) is None:
        return False
    return municipality is None or municipality.pk == _home_municipality(user)


def _records_outreach(user: User, campaign: Any) -> bool:
    if campaign is None:
        return user.role in SIGNAL_ROLES
    if _coordinates(user, campaign.municipality):
        return True
    return user.role in SIGNAL_ROLES and campaign.partners.filter(pk=user.institution_id).exists()


def _wave_is_local(user: User, wave: Any) -> bool:
    home = _home_municipality(user)
    if home is None:
        return False
    return wave is None or wave.municipalities.filter(pk=home).exists()


def _manages_wave(user: User, wave: Any) -> bool:
    """Coordinators run the waves of their municipality."""
    return user.role == Role.COORDINATOR and _wave_is_local(user, wave)


_RULES: dict[Action, Callable[[User, Any], bool]] = {
    Action.VIEW_DIRECTORY: lambda user, obj: True,
    Action.MANAGE_USERS: _may_manage_user,
    Action.MANAGE_INSTITUTIONS: lambda user, obj: user.role == Role.SYSTEM_ADMIN,
    Action.PERSON_CREATE: lambda user, obj: user.role in PERSON_ROLES,
    Action.PERSON_VIEW: _may_see_person,
    Action.PERSON_CHANGE: _may_see_person,
    Action.PERSON_MERGE: _may_merge_people,
    Action.USE_API_TOKENS: lambda user, obj: True,
    Action.SIGNAL_RAISE: lambda user, obj: (
        user.role in SIGNAL_ROLES and user.institution_id is not None
    ),
    Action.SIGNAL_VIEW: lambda user, obj: _in_scope(user, Signal, obj, SIGNAL_ROLES),
    Action.SIGNAL_TRIAGE: _may_triage,
    Action.SCREENING_START: lambda user, obj: (
        user.role in PERSON_ROLES and user.institution_id is not None
    ),
    Action.SCREENING_VIEW: lambda user, obj: _in_scope(user, Screening, obj, PERSON_ROLES),
    Action.SCREENING_EDIT: _may_edit_screening,
    Action.CATALOGUE_MANAGE: lambda user, obj: user.role == Role.SYSTEM_ADMIN,
    Action.PROTOCOL_OVERSEE: lambda user, obj: user.role == Role.SUPERVISOR,
    Action.CASE_VIEW: lambda user, obj: _in_scope(user, Case, obj, INSTITUTION_WIDE_ROLES),
    # prevention works with aggregates only, protected before they are shown
    Action.PREVENTION_VIEW: lambda user, obj: True,
    Action.RISK_GROUPS_MANAGE: lambda user, obj: _coordinates(user, obj),
    Action.COUNTS_REPORT: lambda user, obj: _reports_counts(user, obj),
    Action.CAMPAIGN_MANAGE: lambda user, obj: _coordinates(user, obj),
    Action.OUTREACH_RECORD: lambda user, obj: _records_outreach(user, obj),
    # survey results are aggregates, protected (n < 11 hidden) for everyone
    Action.MANDATE_MANAGE: lambda user, obj: _coordinates(user, obj),
    Action.CONFERENCE_VIEW: lambda user, obj: _in_scope(user, Conference, obj, CONFERENCE_ROLES),
    Action.CONFERENCE_CONVENE: lambda user, obj: _may_convene(user, obj),
    Action.CONFERENCE_RUN: lambda user, obj: _runs_conference(user, obj),
    Action.CONFERENCE_MINUTES: lambda user, obj: obj is not None and _reads_minutes(user, obj),
    Action.TASK_VIEW: lambda user, obj: _in_scope(user, Task, obj, TASK_ROLES),
    Action.TASK_ACT: lambda user, obj: obj is not None and _may_act_on_task(user, *obj),
    Action.CASE_TRANSITION: lambda user, obj: obj is not None and _may_transition(user, *obj),
    Action.CASE_REOPEN: lambda user, obj: obj is not None and _is_case_supervisor(user, obj),
    Action.REFERRAL_ACT: lambda user, obj: obj is not None and _may_act_on_referral(user, *obj),
    Action.REFERRAL_SEND: _may_refer,
    # the lead institution records and withdraws what the person agreed to share
    Action.CONSENT_MANAGE: lambda user, obj: obj is not None and _leads_case(user, obj),
    Action.BREAK_GLASS: lambda user, obj: (
        user.role in PERSON_ROLES and user.institution_id is not None
    ),
    # who refers, how fast: exact for those who see cases, k-suppressed for analysts
    Action.REFERRAL_STATISTICS: lambda user, obj: user.role in STATISTICS_ROLES,
    Action.SURVEY_VIEW: lambda user, obj: True,
    Action.SURVEY_MANAGE: lambda user, obj: _manages_wave(user, obj),
    Action.SURVEY_ENTER: lambda user, obj: (
        _manages_wave(user, obj) or (user.role in SIGNAL_ROLES and _wave_is_local(user, obj))
    ),
    Action.FOLLOW_UP_VIEW: lambda user, obj: _in_scope(
        user, PreventionFollowUp, obj, FOLLOW_UP_ROLES
    ),
    # whoever may complete the screening puts the person on the prevention track
    Action.FOLLOW_UP_OPEN: lambda user, obj: _may_edit_screening(user, obj),
    Action.FOLLOW_UP_CLOSE: _closes_follow_up,
}


def can(user: Any, action: Action, obj: Any = None) -> bool:
    """May ``user`` do ``action`` (on ``obj``)? Unknown users and inactive accounts may not."""
    return _active(user) and _RULES[action](user, obj)


def require(user: Any, action: Action, obj: Any = None) -> None:
    """Raise ``PermissionDenied`` unless ``can(user, action, obj)``."""
    if not can(user, action, obj):
        raise PermissionDenied
