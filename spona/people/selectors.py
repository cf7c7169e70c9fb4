"""Reads of person records. Every read of one person is audited, with its purpose."""

from django.db.models import QuerySet
from django.http import Http404

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import record
from spona.core.fields import blind_index
from spona.people.models import Person
from spona.policy import Action, require, visible

LIST_LIMIT = 200


def person_list(*, user: User, name: str = "") -> list[Person]:
    """The persons this user may see (newest first), optionally only those with exactly
    this name. Showing names is a read of each listed person: it is audited."""
    require(user, Action.PERSON_VIEW)
    people: QuerySet[Person] = visible(user, Person).select_related("municipality")
    if name.strip():
        people = people.filter(name_index=blind_index(name))
    listed = list(people[:LIST_LIMIT])
    if listed:
        record(AuditAction.READ, user=user, details={"persons": [p.code for p in listed]})
    return listed


def person_get(*, user: User, code: str, purpose: str = "") -> Person:
    """One person, if this user may see them; the read is written to the audit log."""
    person = visible(user, Person).select_related("municipality").filter(code=code).first()
    if person is None:
        raise Http404
    record(AuditAction.READ, person, user=user, purpose=purpose)
    return person
