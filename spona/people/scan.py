"""The batch duplicate scan: likely duplicates among everyone already stored, as clusters.

The same evidence and scoring as the registration check (``matching.score``), over
every pair of persons that share a stored blocking key:

1. **Blocking in the database**, one pass over ``PersonMatchKey`` grouped by key: how
   many persons bear each hashed key borne by more than one, and who they are if they
   are at most ``BLOCK_LIMIT`` (a common name's pair key is not blocked on: such
   namesakes still meet on a rarer key, their name with a date of birth). No name leaves
   encryption for this. The pairs of each block are made and deduplicated in numpy, 64
   bits a pair (namesakes share a dozen typo keys: each pair comes many times).
2. **Reading**: only the persons in some pair are read (a raw cursor, no model
   instances) and decrypted, in ``PROCESSES`` worker processes, which also make each
   person's record and hashed name keys once.
3. **Scoring**: each pair is scored (in the same workers, forked after the records are
   read, so they share them), a pair's ``namesakes`` counted as the registration check
   counts them (the other persons sharing the rarest name key the two share); the pairs
   at or above ``THRESHOLD`` are linked into clusters (connected components, labelled by
   their smallest person id).

Why not Splink on DuckDB (issue 19): it compares plain values, so every stored person
would be decrypted first (eight Fernet fields, about 9 µs each: over a minute of one
core at a million); blocking on the hashed keys decrypts only the persons who share one.
See ``docs/decisions.md``.

``duplicate_scan`` in ``spona.people.services`` writes the new pairs into the review
queue (``DuplicateSuspicion``); this module only reads.
"""

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import Any

import numpy as np
from django.db import connection

from spona.core.fields import decrypt
from spona.people import matching
from spona.people.duplicates import hash_key, record_of
from spona.people.identifiers import document_number
from spona.people.matching import THRESHOLD, PersonRecord
from spona.people.models import IdentityDocument, Person, PersonMatchKey

#: keys shared by more persons than this are not blocked on (too common to tell much)
BLOCK_LIMIT = 30
#: persons read, and pairs scored, per step (and per progress report)
CHUNK = 2000
#: worker processes that decrypt and score (fewer pairs than this many chunks: none)
PROCESSES = min(os.cpu_count() or 1, 4)
#: chunks handed to the workers ahead of the one awaited
AHEAD = 2 * PROCESSES

Progress = Callable[[int, int], None]
#: a person's row as read: the plain columns, then the encrypted ones, then documents
_PLAIN = ("id", "estimated_age", "sex", "municipality_id", "created_at")
_ENCRYPTED = (
    "given_name",
    "family_name",
    "date_of_birth",
    "jmbg",
    "parent_name",
    "birth_surname",
    "previous_surnames",
    "other_names",
    "settlement",
    "address",
)
_LOW_BITS = np.uint64(0xFFFFFFFF)


@dataclass(frozen=True)
class Link:
    """Two persons (``low`` < ``high`` by id) likely to be one, and why."""

    low: int
    high: int
    score: float
    reasons: tuple[str, ...]
    cluster: int = 0


# --- 1. blocking ------------------------------------------------------------------------


def _encode(pairs: np.ndarray) -> np.ndarray:
    """Pairs (two columns of ids, low first) as one 64-bit number each."""
    return (pairs[:, 0].astype(np.uint64) << np.uint64(32)) | pairs[:, 1].astype(np.uint64)


def _decode(encoded: np.ndarray) -> np.ndarray:
    return np.stack([encoded >> np.uint64(32), encoded & _LOW_BITS], axis=1).astype(np.int64)


class _PairSet:
    """The pairs of many blocks, deduplicated: blocks of one size are stacked, their
    pairs made with one index array and compacted with ``np.unique`` now and then."""

    FLUSH = 1 << 20  # pairs held unsorted at most

    def __init__(self) -> None:
        self.unique = np.empty(0, dtype=np.uint64)
        self.pending: list[np.ndarray] = []
        self.held = 0
        self.blocks: dict[int, list[list[int]]] = {}

    def add(self, members: list[int]) -> None:
        size = len(members)
        same = self.blocks.setdefault(size, [])
        same.append(sorted(members))
        if len(same) * size * (size - 1) // 2 >= self.FLUSH // 4:
            self._stack(size)

    def _stack(self, size: int) -> None:
        blocks = np.array(self.blocks.pop(size), dtype=np.int64)
        low, high = np.triu_indices(size, k=1)
        pairs = np.stack([blocks[:, low].ravel(), blocks[:, high].ravel()], axis=1)
        self.pending.append(_encode(pairs))
        self.held += len(pairs)
        if self.held >= self.FLUSH:
            self._compact()

    def _compact(self) -> None:
        self.unique = np.unique(np.concatenate([self.unique, *self.pending]))
        self.pending, self.held = [], 0

    def result(self) -> np.ndarray:
        for size in list(self.blocks):
            self._stack(size)
        self._compact()
        return self.unique


def _grouped_keys(limit: int) -> Iterator[tuple[int, int, list[int] | None]]:
    """Each hashed key borne by more than one person: how many, and who if at most
    ``limit`` (PostgreSQL aggregates them into an array, SQLite into a comma-separated text)."""
    table = connection.ops.quote_name(PersonMatchKey._meta.db_table)
    members = (
        "array_agg(person_id)" if connection.vendor == "postgresql" else "group_concat(person_id)"
    )
    sql = f"""
        SELECT key, COUNT(*), CASE WHEN COUNT(*) <= %s THEN {members} END
        FROM {table} GROUP BY key HAVING COUNT(*) > 1
    """  # noqa: S608 - the table name is the model's, the aggregate ours, the limit a parameter
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [limit])
        while rows := cursor.fetchmany(50_000):
            for key, count, bearers in rows:
                if isinstance(bearers, str):
                    bearers = [int(bearer) for bearer in bearers.split(",")]
                yield key, count, bearers


def blocks(limit: int | None = None) -> tuple[np.ndarray, dict[int, int]]:
    """Every pair of persons sharing a blocking key borne by at most ``limit`` persons
    (``BLOCK_LIMIT`` unless given), as an (n, 2) array sorted by its first then second
    column, each pair once, low id first; and how many persons bear each hashed key
    borne by more than one."""
    pairs, counts = _PairSet(), {}
    for key, count, members in _grouped_keys(limit or BLOCK_LIMIT):
        counts[int(key)] = int(count)
        if members is not None:
            pairs.add(members)
    return _decode(pairs.result()), counts


# --- 2. reading --------------------------------------------------------------------------


def _rows(ids: Sequence[int]) -> Iterator[list[tuple[Any, ...]]]:
    """The persons' rows (not merged away), ``CHUNK`` at a time: plain and encrypted
    columns, then their documents' encrypted numbers."""
    person = connection.ops.quote_name(Person._meta.db_table)
    document = connection.ops.quote_name(IdentityDocument._meta.db_table)
    columns = ", ".join(_PLAIN + _ENCRYPTED)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = [int(pk) for pk in ids[start : start + CHUNK]]
            among = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT person_id, number FROM {document} WHERE person_id IN ({among})",  # noqa: S608
                chunk,
            )
            numbers: dict[int, list[str]] = {}
            for pk, number in cursor.fetchall():
                numbers.setdefault(pk, []).append(number)
            cursor.execute(
                f"SELECT {columns} FROM {person} WHERE id IN ({among}) AND merged_into_id IS NULL",  # noqa: S608
                chunk,
            )
            yield [(*row, tuple(numbers.get(row[0], ()))) for row in cursor.fetchall()]


def _record(row: tuple[Any, ...]) -> tuple[int, PersonRecord, frozenset[int]]:
    """A row decrypted into the person's record and hashed name keys (those that others
    bear too)."""
    plain = dict(zip(_PLAIN, row, strict=False))
    encrypted = row[len(_PLAIN) : -1]
    fields = {
        name: decrypt(token) if token else ""
        for name, token in zip(_ENCRYPTED, encrypted, strict=True)
    }
    person = SimpleNamespace(pk=None, **plain, **fields)  # record_of reads it as a Person
    numbers = (document_number(decrypt(token)) for token in row[-1])
    record = replace(record_of(person), documents=tuple(sorted({n for n in numbers if n})))
    shared = _shared["counts"]  # a name key no one else bears cannot count namesakes
    hashed = (hash_key(key) for key in matching.name_keys(record))
    return int(plain["id"]), record, frozenset(key for key in hashed if key in shared)


def _records(rows: list[tuple[Any, ...]]) -> list[tuple[int, PersonRecord, frozenset[int]]]:
    return [_record(row) for row in rows]


# --- 3. scoring --------------------------------------------------------------------------


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


def _links[K: Hashable](
    pairs: Iterable[tuple[int, int]],
    records: Mapping[int, PersonRecord],
    name_keys: Mapping[int, frozenset[K]],
    counts: Mapping[K, int],
) -> list[Link]:
    """The pairs at or above ``THRESHOLD``, unclustered; a pair with a person not in
    ``records`` (merged away meanwhile) is skipped."""
    links = []
    for a, b in pairs:
        if a in records and b in records:
            ra, rb = records[a], records[b]
            namesakes = _namesakes(name_keys[a], name_keys[b], counts)
            likelihood = matching.score(ra, rb, namesakes=namesakes)
            if likelihood >= THRESHOLD:
                links.append(Link(a, b, likelihood, tuple(matching.explain(ra, rb))))
    return links


def score_pairs[K: Hashable](
    pairs: Sequence[tuple[int, int]],
    records: Mapping[int, PersonRecord],
    name_keys: Mapping[int, frozenset[K]],
    counts: Mapping[K, int],
    report: Callable[[int], None] = lambda done: None,
) -> list[Link]:
    """The pairs at or above ``THRESHOLD`` (``matching.score``, as at registration),
    clustered, in this process. ``name_keys``: each person's name keys (hashed or not, as
    ``counts`` are keyed). ``report(done)`` every ``CHUNK`` pairs."""
    links = []
    for start in range(0, len(pairs), CHUNK):
        links += _links(pairs[start : start + CHUNK], records, name_keys, counts)
        report(min(start + CHUNK, len(pairs)))
    return _clusters(links)


#: what the scoring workers read, set before they are forked (shared, not copied)
_shared: dict[str, Any] = {}


def _score_chunk(start: int) -> tuple[int, list[Link]]:
    pairs = _shared["pairs"][start : start + CHUNK]
    found = _links(
        ((int(a), int(b)) for a, b in pairs),
        _shared["records"],
        _shared["name_keys"],
        _shared["counts"],
    )
    return len(pairs), found


def _pool(processes: int) -> Any:
    """Worker processes forked from this one (they need no database: pure functions).
    What is in memory now is frozen out of the garbage collector's reach, so that the
    workers share it instead of copying it page by page."""
    gc.freeze()
    return multiprocessing.get_context("fork").Pool(processes)


def _map[T, R](pool: Any, function: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
    """``function`` over ``items`` in the pool's workers (in order; a few items ahead,
    not all: the items are made here, in this thread, which owns the database
    connection), or here if there is no pool."""
    if pool is None:
        yield from map(function, items)
        return
    ahead: deque[Any] = deque()
    for item in items:
        ahead.append(pool.apply_async(function, (item,)))
        if len(ahead) > AHEAD:
            yield ahead.popleft().get()
    while ahead:
        yield ahead.popleft().get()


def find_links(
    progress: Progress | None = None, processes: int | None = None
) -> tuple[list[Link], int]:
    """Every pair of stored persons (not merged away) at or above ``THRESHOLD``, clustered;
    and how many pairs were scored. ``progress(done, total)`` counts persons read, then
    pairs scored. ``processes``: the workers (``PROCESSES`` unless given; one: none, as
    with fewer than two chunks of pairs)."""
    report = progress or (lambda done, total: None)
    pairs, counts = blocks()
    ids: list[int] = np.unique(pairs).tolist()
    total = len(ids) + len(pairs)
    report(0, total)
    workers = (processes or PROCESSES) if len(pairs) >= 2 * CHUNK else 1
    records: dict[int, PersonRecord] = {}
    name_keys: dict[int, frozenset[int]] = {}
    links: list[Link] = []
    try:
        _shared.update(counts=counts)
        with _workers(workers) as pool:
            for read, chunk in enumerate(_map(pool, _records, _rows(ids)), start=1):
                for pk, record, keys in chunk:
                    records[pk], name_keys[pk] = record, keys
                report(min(read * CHUNK, len(ids)), total)
        _shared.update(pairs=pairs, records=records, name_keys=name_keys)
        done = len(ids)
        with _workers(workers) as pool:
            for scored, found in _map(pool, _score_chunk, range(0, len(pairs), CHUNK)):
                links += found
                done += scored
                report(done, total)
    finally:
        _shared.clear()
        gc.unfreeze()
    return _clusters(links), len(pairs)


@contextmanager
def _workers(processes: int) -> Iterator[Any]:
    """A pool of ``processes`` workers, or none for one."""
    if processes <= 1:
        yield None
        return
    with _pool(processes) as pool:
        yield pool
