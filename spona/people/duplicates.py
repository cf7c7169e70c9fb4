"""Finding likely duplicates of a person among all stored persons, without decrypting them all.

Each person's blocking keys (``matching.blocking_keys``) are stored as 64-bit keyed
hashes in ``PersonMatchKey``, kept up to date by the person services. A check hashes
the new record's keys, asks the database once for the persons sharing any of them,
ranked by the weight of the keys they share (``matching.KEY_WEIGHTS``) and capped at
``CANDIDATE_LIMIT``, counts how many persons share each of its name keys (how common
the name is), then decrypts only those candidates and scores them in Python.

The hashing key is derived from ``BLIND_INDEX_KEY`` (never the same bytes as the name
index): changing that key means running ``spona people reindex``.
"""

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, IntegerField, Max, Q, Sum, Value, When
from django.utils import timezone

from spona.institutions.models import Municipality
from spona.people import jmbg, matching
from spona.people.identifiers import document_number
from spona.people.matching import CANDIDATE_LIMIT, THRESHOLD, PersonRecord
from spona.people.models import Person, PersonMatchKey

__all__ = ["CANDIDATE_LIMIT", "THRESHOLD", "Candidate", "find_candidates", "record_of"]

#: the fields a check reads (and decrypts) of each candidate
MATCH_FIELDS = (
    "id",
    "given_name",
    "family_name",
    "date_of_birth",
    "estimated_age",
    "sex",
    "municipality",
    "created_at",
    "jmbg",
    "parent_name",
    "birth_surname",
    "previous_surnames",
    "other_names",
    "settlement",
    "address",
)


#: The key kinds (``matching.KEY_WEIGHTS``) by the number stored in a key's top bits (the
#: batch scan blocks on the key table alone, with a limit per kind). Append only: a kind's
#: number is in every stored key, so reordering needs every key rebuilt.
KINDS = ("j", "k", "d", "n", "e", "b", "y", "a")
KIND_BITS = 4
_HASH_BITS = 64 - KIND_BITS


@dataclass(frozen=True)
class Candidate:
    person_id: int
    score: float


# --- records and keys --------------------------------------------------------------------


def _birth_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:  # a date typed some other way: compared by name only
        return None


def _listed(*texts: str | None) -> tuple[str, ...]:
    if not any(texts):  # most persons: nothing to split (the batch scan reads a million)
        return ()
    parts = ",".join(t or "" for t in texts).replace(";", ",").split(",")
    return tuple(p.strip() for p in parts if p.strip())


def _jmbg(text: str | None, today: date | None) -> jmbg.Jmbg | None:
    try:
        return jmbg.validate(text, today=today) if text else None
    except ValidationError:
        return None


def record_of(
    person: Any, documents: Iterable[str] | None = None, today: date | None = None
) -> PersonRecord:
    """What matching compares of a stored person (any object with Person's fields, a
    migration's historical model too: fields only). A valid JMBG stands in for a
    missing date of birth and sex. ``documents``: the person's document numbers, where
    the caller read them itself (the batch scan); otherwise the person's documents.
    ``today``: the day no JMBG's date of birth may be after, where the caller read it
    once for many persons (the batch scan: reading it is half of checking a JMBG)."""
    estimate = None
    if person.estimated_age is not None:
        registered = person.created_at or timezone.now()
        estimate = registered.year - person.estimated_age
    read = _jmbg(getattr(person, "jmbg", ""), today)
    born = _birth_date(person.date_of_birth)
    sex = person.sex or ""
    if read is not None:
        born = born or read.date_of_birth
        sex = read.sex if sex in ("", "unknown") else sex
    return PersonRecord(
        given=person.given_name or "",
        family=person.family_name or "",
        date_of_birth=born,
        birth_year_estimate=estimate,
        sex=sex,
        municipality_id=person.municipality_id,
        jmbg=read.number if read is not None else "",
        parent=getattr(person, "parent_name", "") or "",
        former_surnames=_listed(
            getattr(person, "birth_surname", ""), getattr(person, "previous_surnames", "")
        ),
        other_names=_listed(getattr(person, "other_names", "")),
        documents=_documents(person) if documents is None else _compared(documents),
        settlement=getattr(person, "settlement", "") or "",
        address=getattr(person, "address", "") or "",
    )


def _documents(person: Any) -> tuple[str, ...]:
    """The person's document numbers as compared (a migration's historical model, or an
    unsaved person, may have none)."""
    if person.pk is None or not hasattr(person, "documents"):
        return ()
    return _compared(d.number or "" for d in person.documents.all())


def _compared(numbers: Iterable[str]) -> tuple[str, ...]:
    """Document numbers as compared: folded, each once, sorted."""
    folded = (document_number(number) for number in numbers)
    return tuple(sorted({n for n in folded if n}))


@lru_cache(maxsize=4)
def _hashing_key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"spona.people.match-keys", hashlib.sha256).digest()


def hash_key(key: str) -> int:
    """The stored form of a blocking key, a signed 64-bit number: its kind (``key_kind``)
    in the top ``KIND_BITS`` bits, the first bits of its HMAC below."""
    return _hashed(settings.BLIND_INDEX_KEY, key)


@lru_cache(maxsize=1 << 18)
def _hashed(secret: str, key: str) -> int:
    """Cached: a batch scan hashes the name keys of common names again and again."""
    digest = hmac.new(_hashing_key(secret), key.encode(), hashlib.sha256)
    value = KINDS.index(key[0]) << _HASH_BITS | int.from_bytes(digest.digest()[:8]) >> KIND_BITS
    return value - (1 << 64) if value >> 63 else value


def key_kind(hashed: int) -> str:
    """The kind of a stored key (``matching.KEY_WEIGHTS``), read from its top bits."""
    return KINDS[(hashed >> _HASH_BITS) & ((1 << KIND_BITS) - 1)]


def match_keys(record: PersonRecord) -> dict[int, str]:
    """The record's blocking keys: hashed -> plain (the plain key never leaves memory)."""
    return {hash_key(key): key for key in matching.blocking_keys(record)}


def refresh_match_keys(person: Person) -> None:
    """Store the keys of ``person`` as it is now (after a registration or an edit)."""
    PersonMatchKey.objects.filter(person=person).delete()
    if person.merged_into_id is None:
        PersonMatchKey.objects.bulk_create(
            PersonMatchKey(key=key, person=person) for key in match_keys(record_of(person))
        )


def rebuild_match_keys(
    person_model: Any = Person, key_model: Any = PersonMatchKey, batch: int = 500
) -> int:
    """Recompute every person's keys (new installation of this feature, key change).
    The models are parameters so a data migration can pass its historical ones."""
    key_model.objects.all().delete()
    present = {f.name for f in person_model._meta.get_fields()}
    fields = [f for f in MATCH_FIELDS if f in present]  # a migration's model may lack some
    persons = person_model.objects.filter(merged_into__isnull=True).only(*fields)
    if hasattr(person_model, "documents"):
        persons = persons.prefetch_related("documents")
    rows: list[Any] = []
    count = 0
    for person in persons.order_by("pk").iterator(chunk_size=batch):
        rows.extend(key_model(key=k, person_id=person.pk) for k in match_keys(record_of(person)))
        count += 1
        if len(rows) >= batch * 10:
            key_model.objects.bulk_create(rows)
            rows = []
    key_model.objects.bulk_create(rows)
    return count


# --- the check ---------------------------------------------------------------------------


def _weight(keys: dict[int, str]) -> Any:
    """Each shared key's weight, summed, except that the kinds in ``matching.ONCE``
    count once: the SQL expression of ``matching.rank_weight``."""
    by_weight: dict[tuple[bool, int], list[int]] = defaultdict(list)
    for key, plain in keys.items():
        by_weight[plain[0] in matching.ONCE, matching.key_weight(plain)].append(key)

    def weights(once: bool) -> Case:
        whens = [When(key__in=h, then=Value(w)) for (o, w), h in by_weight.items() if o == once]
        return Case(*whens, default=Value(0), output_field=IntegerField())

    return Sum(weights(once=False)) + Max(weights(once=True))


def _ranked(
    keys: dict[int, str], municipality_id: int | None, exclude_pk: int | None, limit: int
) -> list[int]:
    """Persons sharing at least one key, the most telling shares first, then those of the
    same municipality (one query)."""
    local = Case(
        When(person__municipality_id=municipality_id, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    rows = PersonMatchKey.objects.filter(key__in=list(keys))
    if exclude_pk is not None:
        rows = rows.exclude(person_id=exclude_pk)
    ranked = (
        rows.values("person_id")
        .annotate(weight=_weight(keys), local=Max(local))
        .order_by("-weight", "-local", "person_id")
    )
    return [row["person_id"] for row in ranked[:limit]]


#: how many stored persons bear a name key: in all, and in the record's municipality
Namesakes = dict[str, tuple[int, int]]


def _namesakes(record: PersonRecord, exclude_pk: int | None) -> Namesakes:
    """How many stored persons share each name key of the record, in all and in the
    record's municipality (plain key -> counts)."""
    plain = {hash_key(key): key for key in matching.name_keys(record)}
    if not plain:
        return {}
    rows = PersonMatchKey.objects.filter(key__in=list(plain))
    if exclude_pk is not None:
        rows = rows.exclude(person_id=exclude_pk)
    here = Q(person__municipality_id=record.municipality_id)
    counts = rows.values("key").annotate(
        persons=Count("person_id"),
        local=Count("person_id", filter=here) if record.municipality_id else Value(0),
    )
    return {plain[row["key"]]: (row["persons"], row["local"]) for row in counts}


def _rarest_shared(namesakes: Namesakes, other: PersonRecord) -> tuple[int | None, int | None]:
    """The fewest persons bearing a name key the two records share, in all and in the
    record's municipality (``matching.score``'s ``namesakes`` and ``neighbours``)."""
    shared = [namesakes[key] for key in matching.name_keys(other) if key in namesakes]
    if not shared:
        return None, None
    return min(c[0] for c in shared), min(c[1] for c in shared) or None


def place_share(municipality_id: int | None) -> float | None:
    """The share of the population living in the municipality, from the census figures
    kept with the municipalities (``matching.place_points``); None where not known."""
    if municipality_id is None:
        return None
    counts = Municipality.objects.aggregate(
        total=Sum("population_2022"),
        here=Sum("population_2022", filter=Q(pk=municipality_id)),
    )
    total, here = counts["total"], counts["here"]
    return here / total if total and here else None


def score_all(
    record: PersonRecord,
    people: Iterable[Person],
    namesakes: Namesakes,
    share: float | None = None,
) -> list[Candidate]:
    """The people likely to be ``record``'s person, most likely first, without those
    the likeliest explains away (``matching.explained_away``) and those whose rivals
    among the others leave them less than an even chance (``matching.standing``).
    ``share``: the share of the population in ``record``'s municipality
    (``place_share``)."""
    found = []
    written = matching.bearers_as_written(namesakes, record)
    for person in people:
        other = record_of(person)
        fewest, here = _rarest_shared(namesakes, other)
        likelihood = matching.score(
            record, other, namesakes=fewest, neighbours=here, place_share=share, written=written
        )
        if likelihood >= THRESHOLD:
            found.append((other, Candidate(person.pk, likelihood)))
    found.sort(key=lambda f: (-f[1].score, f[1].person_id))
    kept = [f for f in found if not matching.explained_away(found[0][1].score, f[1].score)]
    chances = matching.standing([(other, c.score) for other, c in kept])
    return [c for (_, c), chance in zip(kept, chances, strict=True) if chance >= THRESHOLD]


def find_candidates(
    record: PersonRecord, *, exclude_pk: int | None = None, limit: int = CANDIDATE_LIMIT
) -> list[Candidate]:
    """Stored persons (not merged away) likely to be the person of ``record``, at or above
    ``THRESHOLD``, most likely first. Sees every person: callers decide what to show."""
    keys = match_keys(record)
    if not keys:
        return []
    ranked = _ranked(keys, record.municipality_id, exclude_pk, limit)
    if not ranked:
        return []
    people = Person.objects.filter(pk__in=ranked, merged_into__isnull=True)
    people = people.only(*MATCH_FIELDS).prefetch_related("documents").order_by()
    share = place_share(record.municipality_id)
    return score_all(record, people, _namesakes(record, exclude_pk), share)
