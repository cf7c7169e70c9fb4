"""Writes to person records: every change is audited and guarded by optimistic locking."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import record
from spona.core.fields import blind_index
from spona.core.locking import save_versioned
from spona.people.models import Person
from spona.policy import Action, require

EDITABLE_FIELDS = [
    "given_name",
    "family_name",
    "date_of_birth",
    "estimated_age",
    "sex",
    "citizenship",
    "municipality",
    "settlement",
]


def _refresh_index(person: Person) -> None:
    person.name_index = blind_index(person.full_name) if person.full_name else ""


@transaction.atomic
def person_register(*, user: User, **fields: Any) -> Person:
    require(user, Action.PERSON_CREATE)
    if user.institution is None:  # a person is always registered by an institution
        raise PermissionDenied
    person = Person(registered_by=user, registered_by_institution=user.institution, **fields)
    _refresh_index(person)
    person.save()
    record(AuditAction.CREATE, person, user=user)
    return person


@transaction.atomic
def person_update(
    *, user: User, person: Person, expected_version: int, changed: list[str]
) -> Person:
    """Save ``person`` as edited, unless someone else saved it after ``expected_version``."""
    require(user, Action.PERSON_CHANGE, person)
    _refresh_index(person)
    person.updated_at = timezone.now()
    save_versioned(
        person,
        expected_version=expected_version,
        fields=[*EDITABLE_FIELDS, "name_index", "updated_at"],
    )
    record(AuditAction.UPDATE, person, user=user, details={"fields": changed})
    return person
