"""The access policy: the one place that answers who may do what, and who may see which rows.

Two questions, asked by every view, API endpoint and command:

* ``can(user, action, obj=None)``: may this user do this action (on this object)?
* ``visible(user, model)``: which rows of this kind may this user see (a queryset)?

Rules follow need-to-know. Person-level data is seen only by the roles that work with
people, and only for the people their institution registered (the case modules widen
this to the case team, within consent). Administrators and analysts never see a person.
"""

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet

from spona.accounts.models import Role, User
from spona.cases.models import Case, Referral, ReferralStatus
from spona.institutions.models import Institution, InstitutionType, Municipality
from spona.people.models import Person
from spona.screening.models import IndicatorCatalogue, Screening
from spona.signals.models import ChildInvolved, Signal, Urgency


class Action(StrEnum):
    VIEW_DIRECTORY = "view_directory"
    MANAGE_USERS = "manage_users"
    MANAGE_INSTITUTIONS = "manage_institutions"
    PERSON_CREATE = "person_create"
    PERSON_VIEW = "person_view"
    PERSON_CHANGE = "person_change"
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
    CASE_TRANSITION = "case_transition"  # obj: (case, target status)
    CASE_REOPEN = "case_reopen"
    REFERRAL_ACT = "referral_act"  # obj: (referral, action)


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


def _case_team_cases(user: User) -> QuerySet[Case]:
    """Cases the user's institution opened or received a (not revoked or declined) referral of."""
    if user.role not in INSTITUTION_WIDE_ROLES or user.institution_id is None:
        return Case.objects.none()
    referred = Referral.objects.filter(to_institution=user.institution_id).exclude(
        status__in=[ReferralStatus.REVOKED, ReferralStatus.DECLINED]
    )
    return Case.objects.filter(
        Q(opened_by_institution=user.institution_id) | Q(pk__in=referred.values("case"))
    )


def _visible_people(user: User) -> QuerySet[Person]:
    if user.role in INSTITUTION_WIDE_ROLES:
        return Person.objects.filter(
            Q(registered_by_institution=user.institution_id)
            | Q(pk__in=_case_team_cases(user).values("person"))
        )
    if user.role == Role.FRONTLINE:
        return Person.objects.filter(registered_by=user)
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
    if user.role in INSTITUTION_WIDE_ROLES:
        team_people = _case_team_cases(user).values("person")
        scope |= Q(institution=user.institution_id) | Q(person__in=team_people)
    return Screening.objects.filter(scope)


_VISIBLE: dict[type[Model], Callable[[User], QuerySet[Any]]] = {
    Signal: _visible_signals,
    Screening: _visible_screenings,
    Case: _case_team_cases,
    Referral: lambda user: Referral.objects.filter(case__in=_case_team_cases(user)),
    IndicatorCatalogue: lambda user: IndicatorCatalogue.objects.all(),
    Person: _visible_people,
    User: _visible_users,
    Institution: lambda user: Institution.objects.all(),
    Municipality: lambda user: Municipality.objects.all(),
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


def _home_municipality(user: User) -> int | None:
    return user.institution.municipality_id if user.institution else None


def _coordinates(user: User, municipality: Any) -> bool:
    """The local coordinator acts for their own municipality."""
    if user.role != Role.COORDINATOR or _home_municipality(user) is None:
        return False
    return municipality is None or municipality.pk == _home_municipality(user)


COUNT_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR, Role.COORDINATOR})


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
    Action.CASE_TRANSITION: lambda user, obj: obj is not None and _may_transition(user, *obj),
    Action.CASE_REOPEN: lambda user, obj: obj is not None and _is_case_supervisor(user, obj),
    Action.REFERRAL_ACT: lambda user, obj: obj is not None and _may_act_on_referral(user, *obj),
    Action.SURVEY_VIEW: lambda user, obj: True,
    Action.SURVEY_MANAGE: lambda user, obj: _manages_wave(user, obj),
    Action.SURVEY_ENTER: lambda user, obj: (
        _manages_wave(user, obj) or (user.role in SIGNAL_ROLES and _wave_is_local(user, obj))
    ),
}


def can(user: Any, action: Action, obj: Any = None) -> bool:
    """May ``user`` do ``action`` (on ``obj``)? Unknown users and inactive accounts may not."""
    return _active(user) and _RULES[action](user, obj)


def require(user: Any, action: Action, obj: Any = None) -> None:
    """Raise ``PermissionDenied`` unless ``can(user, action, obj)``."""
    if not can(user, action, obj):
        raise PermissionDenied
