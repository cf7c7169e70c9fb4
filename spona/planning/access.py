"""Who plans: the coordinator for their own municipality. The national Centre's officers and
analysts read every municipality's readiness scores and plans (never the interview notes, which
can name people), to compare and to support."""

from django.db.models import Q

from spona.accounts.models import User
from spona.core.roles import Role
from spona.institutions.access import coordinates, home_municipality
from spona.institutions.models import Municipality
from spona.planning.models import Activity, Assessment
from spona.policy import Permission, rows

PLAN_MANAGE = Permission[Municipality]("plan_manage")
"""Record readiness assessments, activities and the budget; run the prioritisation."""
PLAN_VIEW = Permission[None]("plan_view")
PLAN_READ = Permission[Municipality]("plan_read")
"""Read one municipality's plan, its progress and its reports."""
INTERVIEW_NOTES_VIEW = Permission[Assessment]("interview_notes_view")
ACTIVITY_REPORT = Permission[Activity]("activity_report")
"""Record an activity's progress and its indicators' values: the municipality's coordinator
and the people of its lead institution, who carry it out."""

NATIONAL_READERS = frozenset({Role.CENTRE_OFFICER, Role.ANALYST})


@PLAN_MANAGE.rule
def _may_plan(user: User, municipality: Municipality | None) -> bool:
    return coordinates(user, municipality)


@PLAN_VIEW.rule
def _may_view(user: User, obj: None) -> bool:
    return user.role == Role.COORDINATOR or user.role in NATIONAL_READERS


@PLAN_READ.rule
def _may_read(user: User, municipality: Municipality | None) -> bool:
    return user.role in NATIONAL_READERS or coordinates(user, municipality)


@ACTIVITY_REPORT.rule
def _may_report(user: User, activity: Activity | None) -> bool:
    if activity is None:
        return False
    leads = user.institution_id is not None and activity.lead_id == user.institution_id
    return leads or coordinates(user, activity.municipality)


@INTERVIEW_NOTES_VIEW.rule
def _may_read_notes(user: User, assessment: Assessment | None) -> bool:
    return assessment is not None and coordinates(user, assessment.municipality)


def _own_or_national(user: User) -> Q | None:
    if user.role in NATIONAL_READERS:
        return Q()
    if user.role == Role.COORDINATOR and (home := home_municipality(user)) is not None:
        return Q(municipality=home)
    return None


@rows(Assessment)
def _assessments(user: User) -> Q | None:
    return _own_or_national(user)


@rows(Activity)
def _activities(user: User) -> Q | None:
    """The plan's readers, and the people of an activity's lead institution (who carry it
    out and report its progress)."""
    scope = _own_or_national(user)
    if user.institution_id is None or scope == Q():  # an empty Q: every row already
        return scope
    lead = Q(lead=user.institution_id)
    return lead if scope is None else scope | lead
