"""Who manages which accounts, and which accounts a user sees.

Institution admins manage every account of their institution except system admins; system
admins create institutions and manage administrator accounts only, so they never reach case
content.
"""

from typing import Any

from django.db.models import Q, QuerySet

from spona.accounts.models import User
from spona.core.roles import TWO_FACTOR_ROLES, Role
from spona.institutions.models import Institution
from spona.institutions.roles import roles_for
from spona.policy import Permission, rows, sees

MANAGE_USERS = Permission[User | Institution]("manage_users")
"""Create, edit and reset accounts (an institution: create accounts in it)."""
USE_API_TOKENS = Permission[None]("use_api_tokens")


def requires_two_factor(user: User) -> bool:
    return user.role in TWO_FACTOR_ROLES


def manageable_roles(user: User) -> list[Role]:
    """Roles whose accounts this user may manage (edit, reset, deactivate): an institution admin
    every account of their institution but system admins, a system admin the administrators.
    Which roles they may *give* is narrower: ``grantable_roles``."""
    if user.role == Role.INSTITUTION_ADMIN:
        return [r for r in Role if r not in {Role.SYSTEM_ADMIN}]
    if user.role == Role.SYSTEM_ADMIN:
        return [Role.INSTITUTION_ADMIN, Role.SYSTEM_ADMIN]
    return []


def grantable_roles(user: User, institution: Institution | None) -> list[Role]:
    """Roles this user may give an account in ``institution`` (``None``: no institution).

    A role must exist in the institution's type (a Centre officer only in the national Centre)
    and be one the granter manages, so roles are granted only within the granter's own level:
    the Centre's own admin makes Centre officers, a municipal admin never does.
    """
    if user.role == Role.INSTITUTION_ADMIN and (
        institution is None or institution.pk != user.institution_id
    ):
        return []
    allowed = roles_for(institution.type if institution is not None else None)
    return [r for r in manageable_roles(user) if r in allowed]


def institutions_for_user_management(user: User) -> QuerySet[Institution]:
    """Institutions in which this user may create accounts."""
    if user.role == Role.INSTITUTION_ADMIN:
        return Institution.objects.filter(users=user)
    if user.role == Role.SYSTEM_ADMIN:
        return Institution.objects.filter(is_active=True)
    return Institution.objects.none()


@rows(User)
def _users(user: User) -> Q:
    if user.role == Role.INSTITUTION_ADMIN:
        return Q(institution=user.institution_id) & ~Q(role=Role.SYSTEM_ADMIN)
    if user.role == Role.SYSTEM_ADMIN:
        return Q(role__in=manageable_roles(user))
    return Q(pk=user.pk)


@MANAGE_USERS.rule
def _may_manage_user(user: User, target: User | Institution | None) -> bool:
    if target is None:
        return bool(manageable_roles(user))
    if isinstance(target, Institution):
        return user.role == Role.SYSTEM_ADMIN or (
            user.role == Role.INSTITUTION_ADMIN and target.pk == user.institution_id
        )
    return target.role in manageable_roles(user) and sees(user, target)


@USE_API_TOKENS.rule
def _may_use_tokens(user: User, obj: Any) -> bool:
    return True
