"""Reads of person records. Every read of one person is audited, with its purpose."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.core.fields import blind_index
from spona.people.access import PERSON_VIEW
from spona.people.models import DuplicateSuspicion, Person
from spona.policy import require, visible

LIST_LIMIT = 200


def person_list(*, user: User, name: str = "") -> list[Person]:
    """The persons this user may see (newest first), optionally only those with exactly
    this name. Showing names is a read of each listed person: it is audited."""
    require(user, PERSON_VIEW)
    people: QuerySet[Person] = visible(user, Person).select_related("municipality")
    if name.strip():
        people = people.filter(name_index=blind_index(name))
    listed = list(people[:LIST_LIMIT])
    if listed:
        audit(AuditAction.READ, user=user, details={"persons": [p.code for p in listed]})
    return listed


def person_get(*, user: User, code: str, purpose: str = "") -> Person:
    """One person, if this user may see them; the read is written to the audit log."""
    person = visible(user, Person).select_related("municipality").filter(code=code).first()
    if person is None:
        raise Http404
    audit(AuditAction.READ, person, user=user, purpose=purpose)
    return person


@dataclass(frozen=True)
class PossibleDuplicate:
    other: Person
    score: float


def person_duplicates(*, user: User, person: Person) -> list[PossibleDuplicate]:
    """Open suspicions that ``person`` is someone else already known, limited to the other
    persons this user may see (the rest are the reconcilers' to see). Showing them is a
    read of each: it is audited."""
    open_ = DuplicateSuspicion.objects.filter(
        Q(person=person) | Q(match=person), resolved_at__isnull=True
    )
    scores = {
        (s.match_id if s.person_id == person.pk else s.person_id): s.score
        for s in open_.order_by("created_at")
    }
    others = visible(user, Person).filter(pk__in=scores).select_related("municipality")
    listed = sorted(
        (PossibleDuplicate(other, scores[other.pk]) for other in others),
        key=lambda d: (-d.score, d.other.code),
    )
    if listed:
        codes = [d.other.code for d in listed]
        audit(AuditAction.READ, user=user, purpose="duplicates", details={"persons": codes})
    return listed
