"""Writes to person records: every change is audited and guarded by optimistic locking.

The duplicate check runs right after a registration (and an edit of identifying data).
A likely duplicate the user may see is shown to them to merge; one they may not see is
never hinted at: the Centre's officers and the coordinators of the person's municipality
are alerted instead, with codes only.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spona.accounts.models import Role, User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.core.locking import save_versioned
from spona.inbox.kinds import NotificationKind
from spona.inbox.services import notify
from spona.institutions.models import InstitutionType
from spona.jobs.models import Job
from spona.jobs.services import job_start
from spona.people.access import (
    DUPLICATE_REVIEW,
    PERSON_CHANGE,
    PERSON_CREATE,
    PERSON_MERGE,
    Merge,
)
from spona.people.duplicates import Candidate, find_candidates, record_of, refresh_match_keys
from spona.people.events import person_merged
from spona.people.identifiers import document_index, jmbg_index, name_index
from spona.people.models import (
    DuplicateSuspicion,
    FoundBy,
    IdentityDocument,
    Person,
    PersonMatchKey,
    PersonNameIndex,
    Resolution,
)
from spona.people.scan import Progress, find_links
from spona.policy import require, visible

EDITABLE_FIELDS = [
    "given_name",
    "family_name",
    "date_of_birth",
    "estimated_age",
    "sex",
    "citizenship",
    "municipality",
    "settlement",
    "address",
    "jmbg",
    "jmbg_as_documented",
    "parent_name",
    "birth_surname",
    "previous_surnames",
    "other_names",
]
INDEX_FIELDS = ["name_index", "jmbg_index", "parent_name_index"]


@dataclass(frozen=True)
class Document:
    """An identity document as entered (``IdentityDocument`` without the person)."""

    kind: str
    number: str
    country: str = ""


def _refresh_index(person: Person) -> None:
    person.name_index = name_index(person.full_name)
    person.jmbg_index = jmbg_index(person.jmbg or "")
    person.parent_name_index = name_index(person.parent_name or "")


def _refresh_name_indexes(person: Person) -> None:
    PersonNameIndex.objects.filter(person=person).delete()
    indexes = {name_index(name) for name in person.name_variants} - {person.name_index, ""}
    PersonNameIndex.objects.bulk_create(PersonNameIndex(index=i, person=person) for i in indexes)


def _replace_documents(person: Person, documents: Iterable[Document]) -> None:
    IdentityDocument.objects.filter(person=person).delete()
    IdentityDocument.objects.bulk_create(
        IdentityDocument(
            person=person,
            kind=d.kind,
            number=d.number.strip(),
            number_index=document_index(d.number),
            country=d.country.strip(),
        )
        for d in documents
        if d.number.strip()
    )


def rebuild_blind_indexes() -> int:
    """Recompute every blind index of names and identifiers (after ``BLIND_INDEX_KEY``
    changed): the name, JMBG and parent's name indexes, the other names' and the
    documents'. Returns the number of persons. Run by ``spona people reindex``."""
    count = 0
    for person in Person.objects.order_by("pk").iterator(chunk_size=500):
        _refresh_index(person)
        Person.objects.filter(pk=person.pk).update(
            **{field: getattr(person, field) for field in INDEX_FIELDS}
        )
        _refresh_name_indexes(person)
        count += 1
    for document in IdentityDocument.objects.order_by("pk").iterator(chunk_size=500):
        IdentityDocument.objects.filter(pk=document.pk).update(
            number_index=document_index(document.number)
        )
    return count


@transaction.atomic
def person_register(*, user: User, documents: Iterable[Document] = (), **fields: Any) -> Person:
    require(user, PERSON_CREATE)
    if user.institution is None:  # a person is always registered by an institution
        raise PermissionDenied
    person = Person(registered_by=user, registered_by_institution=user.institution, **fields)
    _refresh_index(person)
    person.save()
    _refresh_name_indexes(person)
    _replace_documents(person, documents)
    refresh_match_keys(person)
    audit(AuditAction.CREATE, person, user=user)
    return person


@transaction.atomic
def person_update(
    *,
    user: User,
    person: Person,
    expected_version: int,
    changed: list[str],
    documents: Iterable[Document] | None = None,
) -> Person:
    """Save ``person`` as edited, unless someone else saved it after ``expected_version``.
    ``documents``, when given, replace the person's identity documents."""
    require(user, PERSON_CHANGE, person)
    _refresh_index(person)
    person.updated_at = timezone.now()
    save_versioned(
        person,
        expected_version=expected_version,
        fields=[*EDITABLE_FIELDS, *INDEX_FIELDS, "updated_at"],
    )
    _refresh_name_indexes(person)
    if documents is not None:
        _replace_documents(person, documents)
    refresh_match_keys(person)
    audit(AuditAction.UPDATE, person, user=user, details={"fields": changed})
    return person


# --- duplicates --------------------------------------------------------------------------

#: a change to any of these may make (or unmake) a duplicate
IDENTIFYING_FIELDS = frozenset(
    {
        "given_name",
        "family_name",
        "date_of_birth",
        "estimated_age",
        "sex",
        "municipality",
        "address",
        "jmbg",
        "parent_name",
        "birth_surname",
        "previous_surnames",
        "other_names",
        "documents",
    }
)


def _reconcilers(person: Person, registrant: User) -> list[User]:
    """Who reconciles a duplicate the registrant may not see: the Centre's officers and the
    coordinators of the person's municipality (never the registrant)."""
    centre = Q(role=Role.CENTRE_OFFICER, institution__type=InstitutionType.NATIONAL_CENTRE)
    local = Q(role=Role.COORDINATOR, institution__municipality=person.municipality_id)
    scope = centre | local if person.municipality_id else centre
    return list(User.objects.filter(scope, is_active=True).exclude(pk=registrant.pk))


def _suspect(
    user: User, person: Person, candidate: Candidate, code: str
) -> tuple[DuplicateSuspicion, bool]:
    """The suspicion between the two persons (either way round), created if new."""
    pair = Q(person=person, match_id=candidate.person_id) | Q(
        person_id=candidate.person_id, match=person
    )
    existing = DuplicateSuspicion.objects.filter(pair).first()
    if existing is not None:
        return existing, False
    suspicion = DuplicateSuspicion.objects.create(
        person=person, match_id=candidate.person_id, score=candidate.score
    )
    details = {"person": person.code, "match": code, "score": round(candidate.score, 3)}
    audit(AuditAction.CREATE, suspicion, user=user, details=details)
    return suspicion, True


def _alert(person: Person, matches: list[str], registrant: User) -> None:
    recipients = _reconcilers(person, registrant)
    institution = person.registered_by_institution.name
    for match in matches:
        params = {"person": person.code, "institution": institution, "match": match}
        notify(recipients=recipients, kind=NotificationKind.DUPLICATE_SUSPECTED, params=params)


@transaction.atomic
def duplicate_check(*, user: User, person: Person) -> list[DuplicateSuspicion]:
    """Look for persons already known who are likely ``person``, among all persons.

    Returns the open suspicions whose other person ``user`` may see, to show them. The
    others are recorded and sent to the reconcilers, once, and nothing about them is
    returned: the caller must answer the same whether there were any or not.
    """
    candidates = find_candidates(record_of(person), exclude_pk=person.pk)
    if not candidates:
        return []
    ids = [c.person_id for c in candidates]
    seen = set(visible(user, Person).filter(pk__in=ids).values_list("pk", flat=True))
    codes = dict(Person.objects.filter(pk__in=ids).values_list("pk", "code"))
    shown, hidden = [], []
    for candidate in candidates:
        code = codes[candidate.person_id]
        suspicion, created = _suspect(user, person, candidate, code)
        if suspicion.resolved_at is not None:
            continue
        if candidate.person_id in seen:
            shown.append(suspicion)
        elif created:
            hidden.append(code)
    if hidden:
        _alert(person, hidden, user)
    return shown


def _resolve(user: User, a: Person, b: Person, resolution: Resolution) -> None:
    pair = Q(person=a, match=b) | Q(person=b, match=a)
    DuplicateSuspicion.objects.filter(pair, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolution=resolution, resolved_by=user
    )


@transaction.atomic
def duplicate_dismiss(*, user: User, person: Person, other: Person) -> None:
    """``person`` and ``other`` are not the same person: close any suspicion between them."""
    require(user, PERSON_CHANGE, person)
    require(user, PERSON_CHANGE, other)
    _resolve(user, person, other, Resolution.NOT_DUPLICATE)
    audit(AuditAction.UPDATE, person, user=user, details={"not_duplicate_of": other.code})


def _move_history(user: User, keep: Person, duplicate: Person) -> dict[str, Any]:
    """Ask the apps that keep records about a person to re-point them to ``keep``."""
    moved: dict[str, Any] = {}
    for _receiver, response in person_merged.send(
        sender=Person, user=user, keep=keep, duplicate=duplicate
    ):
        assert isinstance(response, dict)  # noqa: S101 - every receiver says what it moved
        moved.update(response)
    return moved


@transaction.atomic
def person_merge(
    *, user: User, keep: Person, duplicate: Person, keep_version: int, duplicate_version: int
) -> Person:
    """Merge ``duplicate`` into ``keep``: both histories are kept.

    The duplicate's row stays, marked ``merged_into`` (and no longer listed or searched);
    its cases, screenings and signals now belong to ``keep``, and each case's timeline
    says so. Refused (``StaleEditError``) if either record changed since the user
    compared them.
    """
    require(user, PERSON_MERGE, Merge(keep, duplicate))
    if keep.pk == duplicate.pk:
        raise ValueError("a person cannot be merged into itself")
    keep.updated_at = duplicate.updated_at = timezone.now()
    duplicate.merged_into = keep
    save_versioned(keep, expected_version=keep_version, fields=["updated_at"])
    save_versioned(
        duplicate, expected_version=duplicate_version, fields=["merged_into", "updated_at"]
    )
    moved = _move_history(user, keep, duplicate)
    PersonMatchKey.objects.filter(person=duplicate).delete()
    _resolve(user, keep, duplicate, Resolution.MERGED)
    audit(AuditAction.UPDATE, duplicate, user=user, details={"merged_into": keep.code})
    audit(AuditAction.UPDATE, keep, user=user, details={"merged_from": duplicate.code, **moved})
    return keep


# --- the scan of everyone stored, and its review queue -----------------------------------

SCAN_JOB = "people.duplicate_scan"


@dataclass(frozen=True)
class ScanOutcome:
    scored: int
    found: int
    new: int
    clusters: int


def _known_pairs() -> set[frozenset[int]]:
    """Every pair already in the queue, open or decided, whichever way round."""
    return {
        frozenset(pair)
        for pair in DuplicateSuspicion.objects.values_list("person_id", "match_id").iterator()
    }


def duplicate_scan(*, user: User | None, progress: Progress | None = None) -> ScanOutcome:
    """Find likely duplicates among everyone stored (``spona.people.scan``) and add the
    pairs not already in the review queue: an open pair is not added twice, and a pair
    once rejected (or merged) is never suggested again. ``user`` is who started it (none
    from the command line). Audited: counts only. The long read runs outside the
    transaction; the writes are all or nothing."""
    links, scored = find_links(progress)
    with transaction.atomic():
        known = _known_pairs()
        new = [link for link in links if frozenset((link.low, link.high)) not in known]
        DuplicateSuspicion.objects.bulk_create(
            (
                DuplicateSuspicion(
                    person_id=link.high,  # the later registered, as at registration
                    match_id=link.low,
                    score=link.score,
                    found_by=FoundBy.SCAN,
                    reasons=list(link.reasons),
                    cluster=link.cluster,
                )
                for link in new
            ),
            batch_size=1000,
        )
        outcome = ScanOutcome(
            scored=scored,
            found=len(links),
            new=len(new),
            clusters=len({link.cluster for link in links}),
        )
        audit(AuditAction.CREATE, user=user, details={"duplicate_scan": dict(vars(outcome))})
    return outcome


def duplicate_scan_start(*, user: User) -> Job:
    """Queue the scan for the worker (``spona.people.jobs``); the user follows its progress."""
    require(user, DUPLICATE_REVIEW)
    return job_start(
        kind=SCAN_JOB, owner=user, payload={"language": translation.get_language() or "sr"}
    )


def scan_result(outcome: ScanOutcome) -> dict[str, Any]:
    """What the job page shows when the scan is done."""
    message = _(
        "%(scored)s pairs compared; %(found)s likely duplicates in %(clusters)s groups, "
        "%(new)s of them new in the review queue."
    ) % vars(outcome)
    return {"message": message, "next_url": reverse("people:duplicate_review"), **vars(outcome)}


class SuggestionDecidedError(Exception):
    """The suggestion was decided (or one of its records merged elsewhere) meanwhile."""

    message = gettext_lazy(
        "This suggestion was already decided, or one of its two records was merged meanwhile. "
        "Nothing was changed: reload the review queue."
    )


def _claim(suggestion: DuplicateSuspicion) -> None:
    """Lock the suggestion's row for this transaction, so two reviewers cannot both decide
    it; refused if it is decided or either record was merged elsewhere."""
    fresh = (
        DuplicateSuspicion.objects.select_for_update(of=("self",))
        .select_related("person", "match")
        .get(pk=suggestion.pk)
    )
    if fresh.resolved_at is not None or fresh.person.merged_into_id or fresh.match.merged_into_id:
        raise SuggestionDecidedError


@transaction.atomic
def suggestion_confirm(
    *,
    user: User,
    suggestion: DuplicateSuspicion,
    keep: Person,
    keep_version: int,
    duplicate_version: int,
) -> Person:
    """The two are one person: the other record is merged into ``keep`` (``person_merge``,
    both histories kept). Refused (``SuggestionDecidedError``) if already decided, and
    (``StaleEditError``) if either record changed since the reviewer compared them."""
    require(user, DUPLICATE_REVIEW)
    pair = (suggestion.person, suggestion.match)
    if keep not in pair:
        raise ValueError("the record kept must be one of the suggestion's two")
    _claim(suggestion)
    duplicate = pair[1] if keep == pair[0] else pair[0]
    return person_merge(
        user=user,
        keep=keep,
        duplicate=duplicate,
        keep_version=keep_version,
        duplicate_version=duplicate_version,
    )


@transaction.atomic
def suggestion_reject(*, user: User, suggestion: DuplicateSuspicion) -> None:
    """The two are different people: the pair is closed and never suggested again.
    Refused (``SuggestionDecidedError``) if already decided."""
    require(user, DUPLICATE_REVIEW)
    _claim(suggestion)
    _resolve(user, suggestion.person, suggestion.match, Resolution.NOT_DUPLICATE)
    details = {"not_duplicate_of": suggestion.match.code}
    audit(AuditAction.UPDATE, suggestion.person, user=user, details=details)
