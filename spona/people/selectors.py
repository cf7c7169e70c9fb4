"""Reads of person records. Every read of one person is audited, with its purpose."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit, audit_listed
from spona.core.listing import Listing, listing
from spona.people.access import PERSON_VIEW
from spona.people.filters import SCAN_LIMIT, PersonFilter
from spona.people.models import DuplicateSuspicion, Person
from spona.policy import require, visible


def person_list_page(*, user: User, params: Mapping[str, Any] | None = None) -> dict[str, object]:
    """One page of the persons this user may see (newest first), searched by name (whole or
    part, either script) and filtered (``PersonFilter``). Showing names is a read of each
    person shown: one audit event names the persons on this page, no others."""
    require(user, PERSON_VIEW)
    people: QuerySet[Person] = visible(user, Person).select_related("municipality")
    shown: Listing[Person] = listing(PersonFilter, people.order_by("-created_at", "-pk"), params)
    audit_listed(user=user, purpose="person list", persons=shown.rows)
    return {
        "filters": shown.filters,
        "people": shown.page,
        "search_bounded": bool((params or {}).get("name")) and people.count() > SCAN_LIMIT,
        "scan_limit": SCAN_LIMIT,
    }


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
