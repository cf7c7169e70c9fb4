"""Reads about accounts that other apps need: which institutions have someone to act for them."""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from spona.accounts.models import User
from spona.core.prepared import Later, Prepared
from spona.core.roles import INSTITUTION_WIDE_ROLES, Role
from spona.institutions.models import Institution, Municipality
from spona.policy import UNKNOWN, keep, per_request, recall


def receiving_users(institution: Institution | int) -> QuerySet[User]:
    """The active accounts that act for this institution: they triage what is routed to it,
    answer its referrals and see the cases it works on."""
    return User.objects.filter(
        institution=institution, is_active=True, role__in=INSTITUTION_WIDE_ROLES
    )


def with_receivers(institutions: QuerySet[Institution]) -> QuerySet[Institution]:
    """The institutions among these that have at least one active account able to receive."""
    receivers = User.objects.filter(
        institution=OuterRef("pk"), is_active=True, role__in=INSTITUTION_WIDE_ROLES
    )
    return institutions.filter(Exists(receivers))


def without_receivers(institutions: QuerySet[Institution]) -> QuerySet[Institution]:
    """The institutions among these that nobody could answer for: a referral or a signal sent
    there would wait forever."""
    receivers = User.objects.filter(
        institution=OuterRef("pk"), is_active=True, role__in=INSTITUTION_WIDE_ROLES
    )
    return institutions.exclude(Exists(receivers))


def _receiving() -> QuerySet[User, Any]:
    receivers = User.objects.filter(
        institution__isnull=False, is_active=True, role__in=INSTITUTION_WIDE_ROLES
    )
    return receivers.order_by().values_list("institution", flat=True).distinct()


#: the same SQL for every request (no values): built and compiled once per process
_RECEIVING = Prepared(_receiving)


@per_request
def receiving_institutions() -> frozenset[int]:
    """The keys of the institutions that have at least one active account able to receive."""
    return frozenset(_RECEIVING())


def receiving_later() -> Later[frozenset[int]]:
    """:func:`receiving_institutions` as a read a page sends with its others (the case page):
    its answer, once read, is the function's for the rest of a read-only request."""
    known = recall(receiving_institutions)
    if known is not UNKNOWN:
        return Later.known(known)
    return _RECEIVING.later().then(lambda keys: keep(receiving_institutions, frozenset(keys)))


def can_receive(institution: Institution) -> bool:
    return receiving_users(institution).exists()


def coordinators_of(municipality: Municipality | int) -> QuerySet[User]:
    """The municipality's active coordinators: told of what concerns the local response as a
    whole (an overdue action-plan activity without a lead, a prevention follow-up)."""
    return User.objects.filter(
        role=Role.COORDINATOR, institution__municipality=municipality, is_active=True
    )
