"""Reads of person records. Every read of one person is audited, with its purpose."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit, audit_listed
from spona.core.listing import Listing, listing
from spona.people import jmbg, matching
from spona.people.access import DUPLICATE_REVIEW, PERSON_VIEW
from spona.people.duplicates import record_of
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
    #: what speaks for the match, in words
    reasons: tuple[str, ...] = ()


#: ``matching.explain``'s codes in words
REASONS = {
    "same_jmbg": _("same JMBG"),
    "same_document": _("same identity document number"),
    "former_name": _("the same name with a birth or previous surname, or another name used"),
    "same_name": _("same name"),
    "similar_name": _("similar name"),
    "same_parent": _("same parent's name"),
    "same_date_of_birth": _("same date of birth"),
    "near_date_of_birth": _("nearly the same date of birth"),
    "same_address": _("same address"),
    "same_municipality": _("same municipality"),
}


def _reasons(person: Person, other: Person, codes: list[str] | None = None) -> tuple[str, ...]:
    """What speaks for the match in words: the codes stored with it, else worked out now."""
    codes = codes or matching.explain(record_of(person), record_of(other))
    return tuple(str(REASONS[code]) for code in codes if code in REASONS)


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
        (PossibleDuplicate(other, scores[other.pk], _reasons(person, other)) for other in others),
        key=lambda d: (-d.score, d.other.code),
    )
    if listed:
        codes = [d.other.code for d in listed]
        audit(AuditAction.READ, user=user, purpose="duplicates", details={"persons": codes})
    return listed


def jmbg_conflicts(person: Person) -> list[str]:
    """How the person's JMBG disagrees with the recorded date of birth and sex (kept
    because the person's own documents say so), to show as a warning."""
    if not person.jmbg:
        return []
    return jmbg.stored_conflicts(person.jmbg, person.date_of_birth or "", person.sex)


# --- the review queue --------------------------------------------------------------------

#: suggestions per page of the review queue
REVIEW_PAGE_SIZE = 25


@dataclass(frozen=True)
class Suggestion:
    suspicion: DuplicateSuspicion
    reasons: tuple[str, ...]


def _suggestion(suspicion: DuplicateSuspicion) -> Suggestion:
    reasons = _reasons(suspicion.person, suspicion.match, suspicion.reasons)
    return Suggestion(suspicion, reasons)


def open_suggestions(*, user: User) -> QuerySet[DuplicateSuspicion]:
    """The open suggestions of the whole register (from the scan and from registrations)
    whose two records are both still current, a cluster's pairs together, the likeliest
    first. Not yet a read of anyone: ``suggestions_shown`` audits the page shown."""
    require(user, DUPLICATE_REVIEW)
    return (
        DuplicateSuspicion.objects.filter(
            resolved_at__isnull=True,
            person__merged_into__isnull=True,
            match__merged_into__isnull=True,
        )
        .select_related("person__municipality", "match__municipality")
        .order_by(F("cluster").asc(nulls_last=True), "-score", "pk")
    )


def suggestions_shown(*, user: User, shown: Iterable[DuplicateSuspicion]) -> list[Suggestion]:
    """The suggestions of one page, their reasons in words. Showing the two records of
    each is a read of them: one audit event names the persons on the page."""
    shown = list(shown)
    persons = [p for s in shown for p in (s.person, s.match)]
    audit_listed(user=user, purpose="duplicate review", persons=persons)
    return [_suggestion(s) for s in shown]


def duplicate_review_page(*, user: User, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One page of the review queue (``open_suggestions``), audited (``suggestions_shown``)."""
    page: Page[DuplicateSuspicion] = Paginator(
        open_suggestions(user=user), REVIEW_PAGE_SIZE
    ).get_page((params or {}).get("page"))
    return {"page": page, "suggestions": suggestions_shown(user=user, shown=page.object_list)}


def suggestion_get(*, user: User, pk: int) -> Suggestion:
    """One suggestion of the review queue with its two records; the read is audited."""
    require(user, DUPLICATE_REVIEW)
    suspicion = (
        DuplicateSuspicion.objects.select_related("person__municipality", "match__municipality")
        .filter(pk=pk)
        .first()
    )
    if suspicion is None:
        raise Http404
    codes = [suspicion.person.code, suspicion.match.code]
    audit(
        AuditAction.READ,
        suspicion,
        user=user,
        purpose="duplicate review",
        details={"persons": codes},
    )
    return _suggestion(suspicion)
