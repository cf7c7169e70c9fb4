"""Who sees and edits screenings: the screener, the institution-wide roles of the screening
institution, and the case team of the screened person within consent (case details)."""

from django.db.models import Q

from spona.accounts.models import User
from spona.cases.access import cases_sharing
from spona.cases.models import DataCategory
from spona.core.roles import INSTITUTION_WIDE_ROLES, PERSON_ROLES, Role
from spona.policy import ALL, Permission, rows, sees, subquery
from spona.screening.models import IndicatorCatalogue, Screening

SCREENING_START = Permission[None]("screening_start")
SCREENING_VIEW = Permission[Screening]("screening_view")
SCREENING_EDIT = Permission[Screening]("screening_edit")
CATALOGUE_MANAGE = Permission[None]("catalogue_manage")
PROTOCOL_OVERSEE = Permission[None]("protocol_oversee")


def screened_by(user: int) -> Q:
    return Q(screened_by=user)


def screened_at(institution: int | None) -> Q:
    return Q(institution=institution)


@rows(Screening)
def own_screenings(user: User) -> Q | None:
    """The screenings the user made."""
    return screened_by(user.pk) if user.role in PERSON_ROLES else None


@rows(Screening)
def institution_screenings(user: User) -> Q | None:
    """The screenings of the user's institution, for the roles that act for all of it."""
    return screened_at(user.institution_id) if user.role in INSTITUTION_WIDE_ROLES else None


@rows(Screening)
def _team_screenings(user: User) -> Q | None:
    """The screenings of the persons of the team's cases whose details the user may see."""
    if user.role not in PERSON_ROLES:
        return None
    return Q(person__in=subquery(cases_sharing(user, DataCategory.CASE_DETAILS), "person"))


@rows(IndicatorCatalogue)
def _catalogues(user: User) -> Q:
    return ALL


@SCREENING_START.rule
def _may_start(user: User, obj: None) -> bool:
    return user.role in PERSON_ROLES and user.institution_id is not None


@SCREENING_VIEW.rule
def _may_view(user: User, screening: Screening | None) -> bool:
    if screening is None:
        return user.role in PERSON_ROLES
    return sees(user, screening)


@SCREENING_EDIT.rule
def _may_edit(user: User, screening: Screening | None) -> bool:
    """The screener, or a case manager or supervisor of the screening institution."""
    if screening is None:
        return user.role in PERSON_ROLES
    if screening.screened_by_id == user.pk:
        return True
    return user.role in INSTITUTION_WIDE_ROLES and screening.institution_id == user.institution_id


@CATALOGUE_MANAGE.rule
def _may_manage_catalogue(user: User, obj: None) -> bool:
    return user.role == Role.SYSTEM_ADMIN


@PROTOCOL_OVERSEE.rule
def _may_oversee(user: User, obj: None) -> bool:
    return user.role == Role.SUPERVISOR
