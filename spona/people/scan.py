"""The batch duplicate scan: likely duplicates among everyone already stored, as clusters.

The same evidence and scoring as the registration check (``matching.score``), over
every pair of persons that share a stored blocking key:

1. **Blocking in the database**: one self-join of ``PersonMatchKey`` gives every pair of
   persons sharing a hashed key, except keys borne by more than ``BLOCK_LIMIT`` persons
   (a common name's pair key: such namesakes still meet on a rarer key, their name with
   a date of birth). No name leaves encryption for this.
2. **Counting**: how many persons bear each shared key, so that a pair's ``namesakes``
   are counted as the registration check counts them (the other persons sharing the
   rarest name key the two share).
3. **Scoring**: only the persons in some pair are decrypted; each pair is scored, and
   the pairs at or above ``THRESHOLD`` are linked into clusters (connected components,
   labelled by their smallest person id).

``duplicate_scan`` in ``spona.people.services`` writes the new pairs into the review
queue (``DuplicateSuspicion``); this module only reads.
"""

from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from django.db import connection

from spona.people import matching
from spona.people.duplicates import MATCH_FIELDS, hash_key, record_of
from spona.people.matching import THRESHOLD, PersonRecord
from spona.people.models import Person, PersonMatchKey

#: keys shared by more persons than this are not blocked on (too common to tell much)
BLOCK_LIMIT = 30
#: persons decrypted, and pairs scored, per step (and per progress report)
CHUNK = 2000

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Link:
    """Two persons (``low`` < ``high`` by id) likely to be one, and why."""

    low: int
    high: int
    score: float
    reasons: tuple[str, ...]
    cluster: int = 0


def _table() -> str:
    return connection.ops.quote_name(PersonMatchKey._meta.db_table)


def candidate_pairs(limit: int | None = None) -> list[tuple[int, int]]:
    """Every pair of persons sharing a blocking key borne by at most ``limit`` persons
    (``BLOCK_LIMIT`` unless given)."""
    table = _table()
    sql = f"""
        SELECT DISTINCT a.person_id, b.person_id
        FROM {table} a JOIN {table} b ON b.key = a.key AND a.person_id < b.person_id
        WHERE a.key IN (
            SELECT key FROM {table} GROUP BY key HAVING COUNT(*) BETWEEN 2 AND %s
        )
        ORDER BY 1, 2
    """  # noqa: S608 - the table name is the model's, the limit a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [limit or BLOCK_LIMIT])
        return [(int(a), int(b)) for a, b in cursor.fetchall()]


def shared_key_counts() -> dict[int, int]:
    """How many persons bear each hashed key borne by more than one."""
    table = _table()
    sql = f"SELECT key, COUNT(*) FROM {table} GROUP BY key HAVING COUNT(*) > 1"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {int(key): int(count) for key, count in cursor.fetchall()}


def _records(ids: list[int]) -> Iterator[tuple[int, PersonRecord]]:
    for start in range(0, len(ids), CHUNK):
        people = Person.objects.filter(pk__in=ids[start : start + CHUNK], merged_into__isnull=True)
        for person in people.only(*MATCH_FIELDS).prefetch_related("documents").order_by():
            yield person.pk, record_of(person)


def _namesakes[K: Hashable](
    a: frozenset[K], b: frozenset[K], counts: Mapping[K, int]
) -> int | None:
    """The other persons bearing the rarest name key the two share (as the registration
    check counts them: the one person checked left out)."""
    shared = [counts[key] - 1 for key in a & b if key in counts]
    return min(shared) if shared else None


def _clusters(links: list[Link]) -> list[Link]:
    """The links labelled with their connected component's smallest person id."""
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for link in links:
        low, high = root(link.low), root(link.high)
        if low != high:
            parent[max(low, high)] = min(low, high)
    return [
        Link(link.low, link.high, link.score, link.reasons, cluster=root(link.low))
        for link in links
    ]


def score_pairs[K: Hashable](
    pairs: Sequence[tuple[int, int]],
    records: Mapping[int, PersonRecord],
    name_keys: Mapping[int, frozenset[K]],
    counts: Mapping[K, int],
    report: Callable[[int], None] = lambda done: None,
) -> list[Link]:
    """The pairs at or above ``THRESHOLD`` (``matching.score``, as at registration),
    clustered. ``name_keys``: each person's name keys (hashed or not, as ``counts`` are
    keyed). A pair with a person not in ``records`` (merged away meanwhile) is skipped.
    ``report(done)`` every ``CHUNK`` pairs."""
    links = []
    for done, (a, b) in enumerate(pairs, start=1):
        if a in records and b in records:
            ra, rb = records[a], records[b]
            namesakes = _namesakes(name_keys[a], name_keys[b], counts)
            likelihood = matching.score(ra, rb, namesakes=namesakes)
            if likelihood >= THRESHOLD:
                links.append(Link(a, b, likelihood, tuple(matching.explain(ra, rb))))
        if done % CHUNK == 0:
            report(done)
    return _clusters(links)


def find_links(progress: Progress | None = None) -> tuple[list[Link], int]:
    """Every pair of stored persons (not merged away) at or above ``THRESHOLD``, clustered;
    and how many pairs were scored. ``progress(done, total)`` counts persons read, then
    pairs scored."""
    report = progress or (lambda done, total: None)
    pairs = candidate_pairs()
    counts = shared_key_counts()
    ids = sorted({pk for pair in pairs for pk in pair})
    total = len(ids) + len(pairs)
    report(0, total)
    records: dict[int, PersonRecord] = {}
    name_keys: dict[int, frozenset[int]] = {}
    for done, (pk, record) in enumerate(_records(ids), start=1):
        records[pk] = record
        name_keys[pk] = frozenset(hash_key(key) for key in matching.name_keys(record))
        if done % CHUNK == 0:
            report(done, total)
    links = score_pairs(
        pairs, records, name_keys, counts, lambda done: report(len(ids) + done, total)
    )
    report(total, total)
    return links, len(pairs)
