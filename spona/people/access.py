"""Who sees a person: the frontline professional who registered them, the institution-wide
roles of the registering institution, and (widened by the cases app) the case team within
consent. Administrators and analysts never see a person. A person merged into another is seen
only as that other (the row stays, for history)."""

from dataclasses import dataclass

from django.db.models import Q

from spona.accounts.models import User
from spona.core.roles import INSTITUTION_WIDE_ROLES, PERSON_ROLES, Role
from spona.institutions.models import InstitutionType
from spona.people.models import Person
from spona.policy import Asked, Permission, only, rows, sees, unasked


@dataclass(frozen=True)
class Merge:
    """Merging ``duplicate`` into ``keep``."""

    keep: Person
    duplicate: Person


PERSON_CREATE = Permission[None]("person_create")
PERSON_VIEW = Permission[Person]("person_view")
PERSON_CHANGE = Permission[Person]("person_change")
PERSON_MERGE = Permission[Merge]("person_merge")
#: scanning the whole register for duplicates and confirming or rejecting its suggestions
DUPLICATE_REVIEW = Permission[None]("duplicate_review")


def _registrant(user: User) -> Asked | None:
    """Whose registrations the user sees: their institution's (the roles that act for all of
    it), or their own (a frontline professional)."""
    if user.role in INSTITUTION_WIDE_ROLES:
        return Asked("institution", {"institution": user.institution_id})
    if user.role == Role.FRONTLINE:
        return Asked("user", {"user": user.pk})
    return None


@rows(Person, of=_registrant)
def _registered(by: str, *, institution: int | None = None, user: int | None = None) -> Q:
    """The persons registered by the registrant (``_registrant``): an institution or a user."""
    if by == "institution":
        return Q(registered_by_institution=institution)
    return Q(registered_by=user)


@only(Person, of=unasked)
def _not_merged(shape: None) -> Q:
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
    """Merging re-points cases and screenings: institution-wide roles, both persons seen;
    or the Centre, which reconciles duplicates across the register."""
    if _may_review_duplicates(user, None):
        return True
    if user.role not in INSTITUTION_WIDE_ROLES:
        return False
    return merge is None or all(
        _may_see_person(user, person) for person in (merge.keep, merge.duplicate)
    )


@DUPLICATE_REVIEW.rule
def _may_review_duplicates(user: User, obj: None) -> bool:
    """The national Centre's officers: they are the reconcilers already alerted to the
    duplicates a registrant may not see, so they review the suggestions of the whole
    register, reading only the two records of each suggestion (audited)."""
    institution = user.institution
    return (
        user.role == Role.CENTRE_OFFICER
        and institution is not None
        and institution.type == InstitutionType.NATIONAL_CENTRE
    )
