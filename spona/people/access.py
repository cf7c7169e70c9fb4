"""Who sees a person: the frontline professional who registered them, the institution-wide
roles of the registering institution, and (widened by the cases app) the case team within
consent. Administrators and analysts never see a person. A person merged into another is seen
only as that other (the row stays, for history)."""

from dataclasses import dataclass

from django.db.models import Q

from spona.accounts.models import User
from spona.core.roles import INSTITUTION_WIDE_ROLES, PERSON_ROLES, Role
from spona.people.models import Person
from spona.policy import Permission, only, rows, sees


@dataclass(frozen=True)
class Merge:
    """Merging ``duplicate`` into ``keep``."""

    keep: Person
    duplicate: Person


PERSON_CREATE = Permission[None]("person_create")
PERSON_VIEW = Permission[Person]("person_view")
PERSON_CHANGE = Permission[Person]("person_change")
PERSON_MERGE = Permission[Merge]("person_merge")


@rows(Person)
def _registered(user: User) -> Q | None:
    if user.role in INSTITUTION_WIDE_ROLES:
        return Q(registered_by_institution=user.institution_id)
    if user.role == Role.FRONTLINE:
        return Q(registered_by=user)
    return None


@only(Person)
def _not_merged(user: User) -> Q:
    return Q(merged_into__isnull=True)


@PERSON_CREATE.rule
def _may_register(user: User, obj: None) -> bool:
    return user.role in PERSON_ROLES


@PERSON_VIEW.rule
@PERSON_CHANGE.rule
def _may_see_person(user: User, person: Person | None) -> bool:
    if person is None:
        return user.role in PERSON_ROLES
    return sees(user, person)


@PERSON_MERGE.rule
def _may_merge_people(user: User, merge: Merge | None) -> bool:
    """Merging re-points cases and screenings: institution-wide roles, both persons seen."""
    if user.role not in INSTITUTION_WIDE_ROLES:
        return False
    return merge is None or all(
        _may_see_person(user, person) for person in (merge.keep, merge.duplicate)
    )
