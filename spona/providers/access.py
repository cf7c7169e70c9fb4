"""Who reads and who keeps the directory, who records services delivered, who sees the costs
and unmet needs.

The directory is open to everyone signed in. The local coordinator keeps the providers, services
and offers of their municipality; an institution administrator keeps their own institution's.
Services delivered are case details: the case team that may see the case's details records and
reads them (not by break-glass). Costs and unmet needs are aggregates: exact for roles with
access to cases, small cells suppressed for the others (``spona.providers.needs``).
"""

from django.db.models import Q

from spona.accounts.models import User
from spona.cases.access import cases_sharing, in_own_team, in_team, shares, team_cases
from spona.cases.models import Case, DataCategory
from spona.core.roles import INSTITUTION_WIDE_ROLES, Role
from spona.institutions.access import home_municipality
from spona.institutions.models import Municipality
from spona.policy import ALL, Permission, rows, subquery
from spona.providers.models import Delivery, Offer, Provider, Service, ServiceRequest

DIRECTORY_VIEW = Permission[None]("providers_view")
PROVIDER_EDIT = Permission[Provider | Municipality]("provider_edit")
"""A provider (its services and offers too), or a municipality to add one to."""
HSDS_IMPORT = Permission[None]("hsds_import")
DELIVERY_RECORD = Permission[Case]("delivery_record")
SERVICE_REQUEST = Permission[Case]("service_request")
NEEDS_VIEW = Permission[None]("unmet_needs_view")

NEEDS_ROLES = frozenset(
    {Role.COORDINATOR, Role.ANALYST, Role.CENTRE_OFFICER, Role.CASE_MANAGER, Role.SUPERVISOR}
)


@rows(Provider)
def _providers(user: User) -> Q:
    return ALL


@rows(Service)
def _services(user: User) -> Q:
    return ALL


@rows(Offer)
def _offers(user: User) -> Q:
    return ALL


@rows(Delivery)
def _deliveries(user: User) -> Q:
    return Q(case__in=subquery(cases_sharing(user, DataCategory.CASE_DETAILS)))


@rows(ServiceRequest)
def _requests(user: User) -> Q:
    return Q(referral__case__in=subquery(team_cases(user)))


def sees_deliveries_of(user: User, case: Case) -> bool:
    """:func:`_deliveries` asked of one case: does the user see every delivery of it?"""
    return shares(user, case, DataCategory.CASE_DETAILS)


def sees_requests_of(user: User, case: Case) -> bool:
    """:func:`_requests` asked of one case: does the user see every service request of it?"""
    return in_team(user, case)


@DIRECTORY_VIEW.rule
def _may_read(user: User, obj: None) -> bool:
    return True


@PROVIDER_EDIT.rule
def _may_edit(user: User, subject: Provider | Municipality | None) -> bool:
    """The coordinator of the provider's municipality; the provider's institution admin."""
    if user.role == Role.COORDINATOR:
        home = home_municipality(user)
        if home is None:
            return False
        if subject is None:
            return True
        if isinstance(subject, Municipality):
            return subject.pk == home
        return subject.institution.municipality_id == home
    if user.role == Role.INSTITUTION_ADMIN and isinstance(subject, Provider):
        return subject.institution_id == user.institution_id
    return False


@HSDS_IMPORT.rule
def _may_import(user: User, obj: None) -> bool:
    """An import creates institutions, which only system administrators create."""
    return user.role == Role.SYSTEM_ADMIN


def _works_on(user: User, case: Case) -> bool:
    """The team's institution-wide roles (not by break-glass) who may see the case's details."""
    if user.role not in INSTITUTION_WIDE_ROLES or user.institution_id is None:
        return False
    return in_own_team(user, case) and shares(user, case, DataCategory.CASE_DETAILS)


@DELIVERY_RECORD.rule
def _may_record(user: User, case: Case | None) -> bool:
    if case is None:
        return user.role in INSTITUTION_WIDE_ROLES
    return _works_on(user, case)


@SERVICE_REQUEST.rule
def _may_request(user: User, case: Case | None) -> bool:
    """The case lead asks a provider for a service (a referral sent by the lead institution)."""
    if user.role not in INSTITUTION_WIDE_ROLES or user.institution_id is None:
        return False
    return case is None or case.opened_by_institution_id == user.institution_id


@NEEDS_VIEW.rule
def _may_see_needs(user: User, obj: None) -> bool:
    return user.role in NEEDS_ROLES
