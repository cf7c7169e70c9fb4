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
from django.db.models import Model, QuerySet

from spona.accounts.models import Role, User
from spona.institutions.models import Institution, Municipality
from spona.people.models import Person


class Action(StrEnum):
    VIEW_DIRECTORY = "view_directory"
    MANAGE_USERS = "manage_users"
    MANAGE_INSTITUTIONS = "manage_institutions"
    PERSON_CREATE = "person_create"
    PERSON_VIEW = "person_view"
    PERSON_CHANGE = "person_change"
    USE_API_TOKENS = "use_api_tokens"


PERSON_ROLES = frozenset({Role.FRONTLINE, Role.CASE_MANAGER, Role.SUPERVISOR, Role.CENTRE_OFFICER})
INSTITUTION_WIDE_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR, Role.CENTRE_OFFICER})
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


def _visible_people(user: User) -> QuerySet[Person]:
    if user.role in INSTITUTION_WIDE_ROLES:
        return Person.objects.filter(registered_by_institution=user.institution_id)
    if user.role == Role.FRONTLINE:
        return Person.objects.filter(registered_by=user)
    return Person.objects.none()


def _visible_users(user: User) -> QuerySet[User]:
    if user.role == Role.INSTITUTION_ADMIN:
        return User.objects.filter(institution=user.institution_id).exclude(role=Role.SYSTEM_ADMIN)
    if user.role == Role.SYSTEM_ADMIN:
        return User.objects.filter(role__in=manageable_roles(user))
    return User.objects.filter(pk=user.pk)


_VISIBLE: dict[type[Model], Callable[[User], QuerySet[Any]]] = {
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


_RULES: dict[Action, Callable[[User, Any], bool]] = {
    Action.VIEW_DIRECTORY: lambda user, obj: True,
    Action.MANAGE_USERS: _may_manage_user,
    Action.MANAGE_INSTITUTIONS: lambda user, obj: user.role == Role.SYSTEM_ADMIN,
    Action.PERSON_CREATE: lambda user, obj: user.role in PERSON_ROLES,
    Action.PERSON_VIEW: _may_see_person,
    Action.PERSON_CHANGE: _may_see_person,
    Action.USE_API_TOKENS: lambda user, obj: True,
}


def can(user: Any, action: Action, obj: Any = None) -> bool:
    """May ``user`` do ``action`` (on ``obj``)? Unknown users and inactive accounts may not."""
    return _active(user) and _RULES[action](user, obj)


def require(user: Any, action: Action, obj: Any = None) -> None:
    """Raise ``PermissionDenied`` unless ``can(user, action, obj)``."""
    if not can(user, action, obj):
        raise PermissionDenied
