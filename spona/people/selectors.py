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
from spona.core.listing import PAGE_SIZE, Listing, first_page, listing
from spona.core.prepared import Shaped
from spona.people import jmbg, matching
from spona.people.access import DUPLICATE_REVIEW, PERSON_VIEW
from spona.people.duplicates import record_of
from spona.people.filters import SCAN_LIMIT, PersonFilter
from spona.people.models import DuplicateSuspicion, Person
from spona.policy import Shapes, require, values_of, visible, visible_of

#: What the person list shows of a person (and names in the audit): the rest of a person's
#: record (eight more encrypted fields) is neither read nor decrypted
_LISTED = ("code", "given_name", "family_name", "sex", "municipality", "created_at")


def _newest(people: QuerySet[Person]) -> QuerySet[Person]:
    """The person list's rows: newest first, with their municipality."""
    return people.select_related("municipality").only(*_LISTED).order_by("-created_at", "-pk")


def _first_people(shape: Shapes, **values: Any) -> QuerySet[Person]:
    """The first page of the person list and one person more, of a user whose row scopes ask
    them as ``values_of`` gives them: ``visible``'s union of every app's scope of persons."""
    return _newest(visible_of(Person, shape, **values))[: PAGE_SIZE + 1]


#: The person list's first page, unfiltered (the view of the list most often asked):
#: compiled once per shape of user, not on every view (``spona.core.prepared``).
_FIRST_PEOPLE = Shaped(_first_people)


def _first_page(user: User) -> Listing[Person]:
    """The person list unfiltered, its first page read by the prepared query; a list longer
    than a page is counted through the ORM."""
    shape, values = values_of(user, Person)
    first = first_page(_FIRST_PEOPLE(shape, **values), lambda: visible(user, Person).count())
    return Listing(filters=PersonFilter(None), page=first, page_param="page")


def person_list_page(*, user: User, params: Mapping[str, Any] | None = None) -> dict[str, object]:
    """One page of the persons this user may see (newest first), searched by name (whole or
    part, either script) and filtered (``PersonFilter``). Showing names is a read of each
    person shown: one audit event names the persons on this page, no others. Asked with no
    search, filter or page (the list as the menu opens it), the first page is read by a
    query prepared per shape of user (:func:`_first_page`)."""
    require(user, PERSON_VIEW)
    shown: Listing[Person]
    if params:
        people = visible(user, Person)
        shown = listing(PersonFilter, _newest(people), params)
        bounded = bool(params.get("name")) and people.count() > SCAN_LIMIT
    else:
        shown, bounded = _first_page(user), False
    audit_listed(user=user, purpose="person list", persons=shown.rows)
    return {
        "filters": shown.filters,
        "people": shown.page,
        "search_bounded": bounded,
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
