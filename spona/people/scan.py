"""The batch duplicate scan: likely duplicates among everyone already stored, as clusters.

The same evidence and scoring as the registration check (``matching.score``), over
every pair of persons that share a stored blocking key:

1. **Blocking on the key table alone**: every ``PersonMatchKey`` row read in one pass
   into numpy arrays (on PostgreSQL half the table's pages on a second connection, on the
   same snapshot: ``_stored``), grouped by key (``_grouped``; the rows split by key, a part
   in each of ``_THREADS`` threads: ``blocked``); a key's kind is in its hash's top bits,
   and each kind has its limit (``KIND_LIMITS``): a key borne by more is not blocked on
   (a common name's pair key: such namesakes still meet on a rarer key, their name with a
   date of birth; a common date of birth: its bearers meet within a municipality). No name
   leaves encryption for this. The pairs of each block are made and deduplicated in numpy,
   64 bits a pair (namesakes share a dozen typo keys: each pair comes many times), with
   the pair's namesakes where a name key it shares tells them.
   **A ceiling per pair** (``ceilings``): the most ``matching.score``'s evidence could add,
   told from the keys the two bear (how many name tokens, a date of birth read back from its
   key, a JMBG, documents, an address) and the plain sex and municipality, and whether
   both have a parent's name and a settlement stored; a pair whose ceiling is below the
   threshold cannot match and is dropped here (at a million, nine pairs in ten:
   docs/performance.md, "Fourth pass").
2. **Reading**: the pairs left are split into ``PROCESSES`` shares by birth year (read
   from the date keys: ``_shares``), each read and scored by a forked worker of its own on
   a database connection of its own, so that no decrypted record passes from one process
   to another. A worker reads only the persons in its pairs (a raw cursor, no model
   instances) and decrypts them, a chunk's tokens at once (``fields.decrypt_all``);
   Python's cyclic garbage collector is paused for the scan (``_collector_paused``).
3. **Scoring**: then the worker scores its pairs, a pair's ``namesakes`` counted as the
   registration check counts them (the other persons sharing the rarest name key the two
   share); the pairs at or above ``THRESHOLD`` are linked into clusters (connected
   components, labelled by their smallest person id). Not on PostgreSQL, or inside a
   transaction (which the workers' connections would not see), one process does it all.

Why not Splink on DuckDB (issue 19): it compares plain values, so every stored person
would be decrypted first (eight Fernet fields, about 9 µs each: over a minute of one
core at a million); blocking on the hashed keys decrypts only the persons who share one
(at a million, with the bench's names, still three in four of them: docs/performance.md,
"Fourth pass"). See ``docs/decisions.md``.

``duplicate_scan`` in ``spona.people.services`` writes the new pairs into the review
queue (``DuplicateSuspicion``); this module only reads.
"""

import gc
import multiprocessing
import os
from collections import namedtuple
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache, partial
from itertools import islice, pairwise
from typing import Any

import numpy as np
import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from psycopg.sql import SQL, Literal

from spona.core.fields import decrypt_all
from spona.people import matching
from spona.people.duplicates import KIND_BITS, KINDS, hash_key, record_of
from spona.people.matching import CEILINGS, MAX_TOKENS, THRESHOLD, PersonRecord
from spona.people.models import IdentityDocument, Person, PersonMatchKey, Sex

#: keys shared by more persons than this are not blocked on (too common to tell much;
#: the date of birth alone has a lower limit, ``KIND_LIMITS``)
BLOCK_LIMIT = 30
#: persons read, and pairs scored, per step (and per progress report)
CHUNK = 2000
#: worker processes that decrypt and score (fewer pairs than this many chunks: none)
PROCESSES = min(os.cpu_count() or 1, 4)

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

#: the kinds of keys blocked on (``matching.KEY_WEIGHTS``), each with the most persons a
#: key of it may be shared by to be blocked on. The date of birth alone (``b``) only where
#: it is rare, or within a municipality: a pair sharing it and no ``d`` key (a name token
#: with the date) has no name token in common, which it needs a slip in each of to match,
#: and at a million a date is shared by 27 persons or more, some 13 million pairs of
#: strangers (see docs/performance.md, "Third pass"). Not a name token with the birth year (``y``): a pair sharing it and
#: no ``e`` key (the other token within a slip) has a name token apart, and the date not
#: the same; no such pair of FEBRL4 matches.
KIND_LIMITS = {
    "j": BLOCK_LIMIT,
    "k": BLOCK_LIMIT,
    "d": BLOCK_LIMIT,
    "n": BLOCK_LIMIT,
    "e": BLOCK_LIMIT,
    "a": BLOCK_LIMIT,  # a street and number: a household, or a block of flats
    "b": 5,
}
#: the kinds whose bearers count as namesakes (``matching.name_keys``)
NAME_KINDS = frozenset({"n", "e"})
#: namesakes unknown from the blocks (no name key of at most the limit shared)
_UNKNOWN = np.iinfo(np.int32).max
#: key rows read and turned into arrays at a time
_ROWS = 1 << 20


def _encode(pairs: np.ndarray) -> np.ndarray:
    """Pairs (two columns of ids, low first) as one 64-bit number each."""
    return (pairs[:, 0].astype(np.uint64) << np.uint64(32)) | pairs[:, 1].astype(np.uint64)


def _decode(encoded: np.ndarray) -> np.ndarray:
    return np.stack([encoded >> np.uint64(32), encoded & _LOW_BITS], axis=1).astype(np.int64)


#: two columns read in parts, to be joined once (int64, int32)
_Parts = tuple[list[np.ndarray], list[np.ndarray]]


#: the key table's pages packed into one value on PostgreSQL (``_key_table``)
_PAGES = 4096
#: a range of the key table's pages, packed ``_PAGES`` at a time: one value a row
_KEY_PAGES = (
    "SELECT (SELECT string_agg(int8send(key) || int8send(person_id::bigint), ''::bytea) "
    "FROM {table} WHERE ctid >= format('(%%s,0)', page)::tid "
    "AND ctid < format('(%%s,0)', page + %s)::tid) "
    "FROM generate_series(%s::bigint, %s::bigint, %s) AS page"
)


def _key_table() -> tuple[np.ndarray, np.ndarray]:
    """Every stored key and its bearer, as two arrays (int64, int32). On PostgreSQL the
    rows come packed by ``_PAGES`` pages of the table (a range of ``ctid``, in one
    statement: one snapshot), read in the order they lie, neither sorted nor hashed: half
    the time of grouping them by bearer, which spills 1.2 GB to disk at a million
    (docs/performance.md, "Fifth pass")."""
    table = connection.ops.quote_name(PersonMatchKey._meta.db_table)
    if connection.vendor != "postgresql":
        sql = f"SELECT key, person_id FROM {table}"  # noqa: S608 - the model's table
        return _two_columns(sql, bucket="second")
    return _both_joined(_key_pages(connection.chunked_cursor, 0, _last_key_page()))


def _key_pages(open_cursor: Callable[[], Any], first: int, last: int) -> _Parts:
    """The key table's rows on pages ``first`` (a multiple of ``_PAGES``) to ``last``, in
    the order they lie, read on a chunked ``open_cursor()`` (one statement: one snapshot)."""
    table = connection.ops.quote_name(PersonMatchKey._meta.db_table)
    sql = _KEY_PAGES.format(table=table)
    return _packed_parts(open_cursor, sql, [_PAGES, first, last, _PAGES])


def _last_key_page() -> int:
    table = connection.ops.quote_name(PersonMatchKey._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s) / current_setting('block_size')::int", [table])
        return int(cursor.fetchone()[0])


#: the sexes told apart in the clear (a person's ``Plain.sex``; 0: not known there)
_SEXES = (Sex.FEMALE.value, Sex.MALE.value)


#: ``Plain.stored``'s bits: a parent's name, a settlement stored (not empty)
_PARENT, _SETTLEMENT = 1, 2


@dataclass(frozen=True)
class Plain:
    """What is stored in the clear of each person, by id (persons merged away too): the
    municipality (0: none), the sex (``_SEXES``' number, from 1; 0: other or unknown), and
    which of the parent's name and the settlement are stored not empty (``_PARENT``,
    ``_SETTLEMENT``: an empty value is stored as ``''``, not as a token, so whether it is
    empty is plain; a token of ``''`` written before that counts as not empty)."""

    place: np.ndarray
    sex: np.ndarray
    stored: np.ndarray

    def of(self, column: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """``column``'s values for ``ids``; 0 for an id above the highest read."""
        if not len(column):
            return np.zeros(len(ids), dtype=column.dtype)
        inside = ids < len(column)
        return np.where(inside, column[np.where(inside, ids, 0)], 0)


def _plain() -> Plain:
    """Every person's municipality, sex and stored parent's name and settlement, in one
    packed query (the sex in the two low bits, then those two)."""
    table = connection.ops.quote_name(Person._meta.db_table)
    sexes = " ".join(f"WHEN '{sex}' THEN {code}" for code, sex in enumerate(_SEXES, start=1))
    sql = (
        f"SELECT id, COALESCE(municipality_id, 0) * 16 + CASE sex {sexes} ELSE 0 END "  # noqa: S608 - the model's table
        f"+ CASE WHEN parent_name <> '' THEN {_PARENT * 4} ELSE 0 END "
        f"+ CASE WHEN settlement <> '' THEN {_SETTLEMENT * 4} ELSE 0 END FROM {table}"
    )
    ids, packed = _two_columns(sql, bucket="first")
    size = int(ids.max()) + 1 if len(ids) else 0
    place, sex = np.zeros(size, dtype=np.int32), np.zeros(size, dtype=np.int8)
    stored = np.zeros(size, dtype=np.int8)
    place[ids], sex[ids], stored[ids] = packed >> 4, packed & 3, (packed >> 2) & 3
    return Plain(place=place, sex=sex, stored=stored)


def _stored() -> tuple[np.ndarray, np.ndarray, Plain]:
    """The key table (``_key_table``) and the plain columns (``_plain``). On PostgreSQL,
    outside a transaction, on two connections at once, so that the database works on both
    cores (docs/performance.md, "Eighth pass"): this one, in a repeatable read transaction,
    exports its snapshot, reads the first half of the key table's pages and the plain
    columns; a second connection, in a thread (psycopg waits without the GIL), takes the
    same snapshot and reads the other half. Inside a transaction (a test's) one connection
    reads all: another could not see what the transaction wrote."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return *_key_table(), _plain()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        last = _last_key_page()
        middle = (last // 2 + _PAGES - 1) // _PAGES * _PAGES
        params = connection.get_connection_params()
        with ThreadPoolExecutor(max_workers=1) as thread:
            other = thread.submit(_key_pages_on, snapshot, params, middle, last)
            keys, persons = _key_pages(connection.chunked_cursor, 0, middle - 1)
            plain = _plain()
            later_keys, later_persons = other.result()
    return *_both_joined((keys + later_keys, persons + later_persons)), plain


def _key_pages_on(snapshot: str, params: dict[str, Any], first: int, last: int) -> _Parts:
    """``_key_pages`` on a connection of its own (``params``: Django's for psycopg), in
    the exported ``snapshot``: what the exporting transaction sees, nothing written since."""
    with psycopg.connect(**params) as other:
        other.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        other.execute(SQL("SET TRANSACTION SNAPSHOT {}").format(snapshot))
        return _key_pages(lambda: other.cursor(name="spona_key_pages"), first, last)


#: a packed row: two big-endian 64-bit integers
_PACKED = np.dtype([("first", ">i8"), ("second", ">i8")])
#: persons whose rows PostgreSQL packs into one value
_BUCKET_BITS = 12


def _two_columns(sql: str, bucket: str) -> tuple[np.ndarray, np.ndarray]:
    """A query's two integer columns (no nulls) as arrays (int64, int32). On PostgreSQL
    the rows come packed, some 4,000 persons' to a ``bytea`` (``bucket``: the column
    holding a person's id), so that Python handles a few hundred values, not one object
    per row (a binary ``COPY`` still sends a message a row: 30 s of CPU at a million);
    elsewhere a cursor."""
    if connection.vendor == "postgresql":
        return _unpacked(
            connection.chunked_cursor,
            "SELECT string_agg(int8send(first::bigint) || int8send(second::bigint), "  # noqa: S608
            f"''::bytea) FROM ({sql}) AS t(first, second) GROUP BY {bucket} >> %s",
            [_BUCKET_BITS],
        )
    firsts, seconds = [], []
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(_ROWS):
            plain = np.array(rows, dtype=np.int64)
            firsts.append(plain[:, 0])
            seconds.append(plain[:, 1].astype(np.int32))
    return _joined(firsts, np.int64), _joined(seconds, np.int32)


def _unpacked(
    open_cursor: Callable[[], Any], sql: str, params: list[Any]
) -> tuple[np.ndarray, np.ndarray]:
    """The rows of a query whose every row is one ``bytea`` of packed pairs of integers
    (``_PACKED``; a null: none), as two arrays (int64, int32), read on ``open_cursor()``."""
    return _both_joined(_packed_parts(open_cursor, sql, params))


def _packed_parts(open_cursor: Callable[[], Any], sql: str, params: list[Any]) -> _Parts:
    """``_unpacked``'s columns, a part for each value read."""
    firsts: list[np.ndarray] = []
    seconds: list[np.ndarray] = []
    with open_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(2):  # a row of the key table: some 12 MB
            for (packed,) in rows:
                table = np.frombuffer(packed or b"", dtype=_PACKED)
                firsts.append(table["first"].astype(np.int64))
                seconds.append(table["second"].astype(np.int32))
    return firsts, seconds


def _both_joined(parts: _Parts) -> tuple[np.ndarray, np.ndarray]:
    return _joined(parts[0], np.int64), _joined(parts[1], np.int32)


def _joined(parts: list[np.ndarray], dtype: Any) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)


def _kinds(keys: np.ndarray) -> np.ndarray:
    """Each hashed key's kind, as its code (``duplicates.KINDS``)."""
    shift = np.uint64(64 - KIND_BITS)
    return (keys.view(np.uint64) >> shift).astype(np.int8)


@dataclass(frozen=True)
class Blocks:
    """What the blocking found: the pairs to score, (n, 2) sorted, low id first; for each,
    its namesakes as far as the blocks tell (``_UNKNOWN`` if they share no name key borne
    by at most the limit) and the most points it could score (``ceilings``); how many
    persons bear each name key over the limit (``common``), and which of those keys each
    person bears (``held_keys[held[pk]:held[pk + 1]]``, with their bearers' count in
    ``held_counts``: read from the key table, not made again from the decrypted names), and
    each person's date of birth key."""

    pairs: np.ndarray
    namesakes: np.ndarray
    ceilings: np.ndarray
    common: dict[int, int]
    held: np.ndarray
    held_keys: np.ndarray
    held_counts: np.ndarray
    #: each person's date of birth key (``b``; 0: none), by id: ``_shares`` reads the year
    born: np.ndarray

    def common_keys(self, pk: int) -> frozenset[int]:
        """The person's name keys borne by more than the limit."""
        if pk + 1 >= len(self.held):
            return frozenset()
        return frozenset(self.held_keys[self.held[pk] : self.held[pk + 1]].tolist())

    def namesakes_over_limit(self, pairs: np.ndarray) -> np.ndarray:
        """For each pair ((n, 2) ids), the other persons bearing the rarest name key over
        the limit that both bear, as ``_namesakes`` counts them from ``common_keys``; -1
        where they share none. All the pairs at once, in numpy: a frozenset for each of a
        pair's two persons cost some 4 µs a pair, for nine pairs in ten at a million."""
        sides = [self._held_rows(pairs[:, side]) for side in (0, 1)]
        which = np.concatenate([pair for pair, _row in sides])
        rows = np.concatenate([row for _pair, row in sides])
        keys = self.held_keys[rows]
        order = np.lexsort((keys, which))
        which, rows, keys = which[order], rows[order], keys[order]
        both = (which[1:] == which[:-1]) & (keys[1:] == keys[:-1])  # a person's keys differ
        fewest = np.full(len(pairs), _UNKNOWN, dtype=np.int64)
        np.minimum.at(fewest, which[1:][both], self.held_counts[rows[1:][both]] - 1)
        return np.where(fewest == _UNKNOWN, -1, fewest)

    def _held_rows(self, persons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each name key over the limit borne by each of ``persons``: the person's
        place in ``persons``, and the key's row in ``held_keys``."""
        inside = persons + 1 < len(self.held)
        first = np.where(inside, self.held[np.where(inside, persons, 0)], 0)
        lengths = np.where(inside, self.held[np.where(inside, persons + 1, 0)], 0) - first
        which = np.repeat(np.arange(len(persons)), lengths)
        offsets = np.arange(len(which)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return which, np.repeat(first, lengths) + offsets

    def reaching(self) -> "Blocks":
        """The pairs whose ceiling reaches the threshold: the only ones that can match."""
        kept = self.ceilings >= CEILINGS.midpoint - _ROUNDING
        return replace(
            self,
            pairs=self.pairs[kept],
            namesakes=self.namesakes[kept],
            ceilings=self.ceilings[kept],
        )


def blocks(limits: Mapping[str, int] | None = None) -> Blocks:
    """Every pair of persons sharing a stored key of a kind in ``limits`` (``KIND_LIMITS``
    unless given) borne by at most that kind's limit, each pair once, from the key table
    alone: read in one pass, sorted and grouped in numpy; no name is decrypted. A date of
    birth (``b``) borne by more is blocked on within each municipality (a plain column)."""
    limits = KIND_LIMITS if limits is None else limits
    with ThreadPoolExecutor(max_workers=1) as thread:
        # the ceilings' calendar made while this thread mostly waits on PostgreSQL
        calendar = thread.submit(_calendar, settings.BLIND_INDEX_KEY)
        keys, persons, plain = _stored()
        calendar.result()
    rows = [keys, persons]
    del keys, persons
    return blocked(rows, plain, limits)


def blocked(rows: list[np.ndarray], plain: Plain, limits: Mapping[str, int]) -> Blocks:
    """``blocks`` of the key rows given (``rows``: hashed keys and their bearers, in any
    order; the list is emptied, so that they are freed once split).
    The rows are split by their keys into ``_THREADS`` parts, each grouped and paired in a
    thread of its own (a key's rows all in one part: its group whole there); numpy's
    sorts, gathers and arithmetic let go of the GIL, so the parts are worked on on as many
    cores (docs/performance.md, "Ninth pass"). The pairs are then made unique by ranges of
    pairs, and their ceilings reckoned by chunks, in the same threads."""
    limit = np.zeros(len(KINDS), dtype=np.int64)
    for kind, most in limits.items():
        limit[KINDS.index(kind)] = most
    keys, persons = rows
    rows.clear()
    size = int(persons.max()) + 1 if len(persons) else 0
    with ThreadPoolExecutor(max_workers=_THREADS) as pool:
        split = list(pool.map(partial(_part, keys, persons), range(_THREADS)))
        del keys, persons  # the parts hold the rows now
        parts = list(
            pool.map(lambda part: _grouped_part(split, part, plain, limit, size), range(_THREADS))
        )
        bearers = _joined_bearers([part.bearers for part in parts])
        shared = {key: count for part in parts for key, count in part.common.items()}
        held, held_keys, held_counts = _held([part.held for part in parts], size)
        made = [pairs for part in parts for pairs in part.made]
        del parts  # the pairs made go as they are packed
        pairs, namesakes = _unique(made, pool)
        least = min((limits.get(kind, 0) for kind in NAME_KINDS), default=0)
        top = list(
            pool.map(
                lambda at: ceilings(
                    pairs[at : at + _CEILED], namesakes[at : at + _CEILED], bearers, plain, least
                ),
                range(0, len(pairs), _CEILED),
            )
        )
    return Blocks(
        pairs=pairs,
        namesakes=namesakes,
        ceilings=np.concatenate(top or [np.empty(0)]),
        common=shared,
        held=held,
        held_keys=held_keys,
        held_counts=held_counts,
        born=bearers.born,
    )


#: the parts stage 1 splits the key rows into, and the threads working on them
_THREADS = PROCESSES


def _part(keys: np.ndarray, persons: np.ndarray, part: int) -> tuple[np.ndarray, np.ndarray]:
    """The key rows whose keys are ``part`` modulo ``_THREADS`` (all of them for one)."""
    if _THREADS == 1:
        return keys, persons
    chosen = keys.view(np.uint64) % np.uint64(_THREADS) == part
    return keys[chosen], persons[chosen]


@dataclass(frozen=True)
class _Part:
    """What one part of the key rows gives: the pairs made (encoded, not yet unique, with
    their namesakes), what it tells of each person, the name keys over the limit with
    their bearers' count, and the rows of those keys (bearers, keys, the keys' counts)."""

    made: list[tuple[np.ndarray, np.ndarray]]
    bearers: "Bearers"
    common: dict[int, int]
    held: tuple[np.ndarray, np.ndarray, np.ndarray]


def _grouped_part(rows: list[Any], part: int, plain: Plain, limit: np.ndarray, size: int) -> _Part:
    """The part ``part`` of the key rows (``rows[part]``: keys, bearers; handed over, so
    that they are freed once grouped) grouped by key and paired within each group
    (``limit``: each kind's, by its code; ``size``: above the highest person id)."""
    (keys, persons), rows[part] = rows[part], None
    keys, persons = _grouped(keys, persons)
    starts, sizes = _groups(keys)
    kinds = _kinds(keys[starts])
    bearers = _bearers(keys, persons, size)
    limits_of = limit[kinds]
    named = np.isin(kinds, [KINDS.index(kind) for kind in NAME_KINDS])
    common = named & (sizes > limits_of)
    made = _pairs(persons, starts, sizes, limits_of, named)
    date = KINDS.index("b")
    if limit[date]:
        wide = (kinds == date) & (sizes > limits_of)
        made += _local_pairs(persons, starts, sizes, wide, limit[date], plain)
    shared = dict(zip(keys[starts[common]].tolist(), sizes[common].tolist(), strict=True))
    chosen = np.repeat(common, sizes)
    counts = np.repeat(sizes[common], sizes[common])
    held = (persons[chosen], keys[chosen], counts)
    return _Part(made=made, bearers=bearers, common=shared, held=held)


def _grouped(keys: np.ndarray, persons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The key rows with equal keys next to each other (a group's bearers in any order:
    ``_pairs`` sorts each pair). Each row's number goes into the low bits of its key, in
    place of the key's own lowest bits, and the one array of numbers is sorted: at a
    million (28 million rows) three times quicker than ``argsort`` of the keys
    (docs/performance.md, "Seventh pass"). Different keys whose remaining top bits are
    the same come out in the order of their rows, maybe interleaved: such runs (943 out
    of order at a million) are sorted again by their whole keys. The rows' numbers and
    the keys gathered by them are written into the one array, a step at a time: an array
    of the rows' size made anew costs more here, in first touching its memory, than the
    arithmetic on it (docs/performance.md, "Ninth pass")."""
    row_bits = max(len(keys).bit_length(), 1)
    shift, rows = np.uint64(row_bits), np.uint64((1 << row_bits) - 1)
    numbers = keys.view(np.uint64) >> shift
    numbers <<= shift
    for at in range(0, len(keys), _STEP):
        numbers[at : at + _STEP] |= np.arange(at, min(at + _STEP, len(keys)), dtype=np.uint64)
    numbers.sort()
    numbers &= rows
    order = numbers.view(np.int64)
    bearers = persons[order]
    for at in range(0, len(keys), _STEP):
        order[at : at + _STEP] = keys[order[at : at + _STEP]]
    _sort_runs_apart(numbers, bearers, shift)
    return order, bearers


#: rows worked on at a time where a whole array of them would be made anew (``_grouped``)
_STEP = 1 << 20


def _sort_runs_apart(grouped: np.ndarray, bearers: np.ndarray, shift: np.uint64) -> None:
    """Sorts again, in place, by their whole keys (``grouped``, unsigned), the rows of each
    run of keys with the same bits above ``shift`` that are not in order (``bearers``: the
    rows' persons, moved alike)."""
    apart = np.flatnonzero(grouped[1:] < grouped[:-1])
    if not len(apart):
        return
    tops = np.unique(grouped[apart] >> shift)
    firsts = np.searchsorted(grouped, tops << shift)  # below a run: smaller tops; after: larger
    last = tops == np.iinfo(np.uint64).max >> shift  # the run after it would wrap round
    ends = np.where(last, len(grouped), np.searchsorted(grouped, (tops + np.uint64(1)) << shift))
    rows = np.concatenate([np.arange(first, end) for first, end in zip(firsts, ends, strict=True)])
    by_key = np.argsort(grouped[rows], kind="stable")
    grouped[rows], bearers[rows] = grouped[rows][by_key], bearers[rows][by_key]


def _held(
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]], size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The key rows given (each part: bearers, keys, the keys' counts) by bearer: where
    each person id's keys start (``size`` + 1 offsets), the keys and their counts."""
    holders = _joined([holders for holders, _keys, _counts in parts], np.int32)
    held_keys = _joined([keys for _holders, keys, _counts in parts], np.int64)
    counts = _joined([counts for _holders, _keys, counts in parts], np.int64)
    order = np.argsort(holders, kind="stable")
    offsets = np.searchsorted(holders[order], np.arange(size + 1))
    return offsets, held_keys[order], counts[order]


def _unique(
    made: list[tuple[np.ndarray, np.ndarray]], pool: ThreadPoolExecutor | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs made (encoded, with their namesakes), each once with its fewest
    namesakes, decoded, in order; ``made`` is emptied as it is packed. Sorted as arrays of
    numbers, the namesakes in each pair's low bits, where the ids leave room (a national
    register's do): sorting one array is ten times quicker than ``lexsort``; a range of
    the numbers at a time, each in a thread of ``pool`` (``_THREADS`` ranges of about as
    many pairs, by a sample; a pair's numbers all in one range)."""
    made[:] = [(pairs, counts) for pairs, counts in made if len(pairs)]
    if not made:
        return _decode(np.empty(0, dtype=np.uint64)), np.empty(0, dtype=np.int32)
    packing = _Packing.of(made)
    if packing is None:
        encoded = _joined([pairs for pairs, _counts in made], np.uint64)
        counts = _joined([counts for _pairs, counts in made], np.int32)
        made.clear()
        order = np.lexsort((counts, encoded))  # each pair's fewest namesakes first
        encoded, counts = encoded[order], counts[order]
        del order
        first = np.r_[True, encoded[1:] != encoded[:-1]]
        return _decode(encoded[first]), counts[first]
    run = map if pool is None else pool.map
    packed = list(run(lambda pairs: packing.packed(*pairs), made))
    made.clear()
    bounds = [0, *_pivots(packed, packing), None]
    found = list(run(partial(_unique_within, packed, packing=packing), bounds[:-1], bounds[1:]))
    del packed
    return (
        _joined([pairs for pairs, _counts in found], np.int64).reshape(-1, 2),
        _joined([counts for _pairs, counts in found], np.int32),
    )


#: every how many-th packed pair ``_pivots`` samples
_SAMPLE = 1024


def _pivots(packed: list[np.ndarray], packing: "_Packing") -> list[int]:
    """Where to cut the packed pairs into ``_THREADS`` ranges of about as many, each cut
    at a pair's first number (its fewest namesakes: a pair's numbers in one range)."""
    sample = np.sort(_joined([numbers[::_SAMPLE] for numbers in packed], np.uint64))
    cuts = [int(sample[len(sample) * part // _THREADS]) for part in range(1, _THREADS)]
    return [cut >> packing.count_bits << packing.count_bits for cut in cuts]


def _unique_within(
    packed: list[np.ndarray], low: int, high: int | None, packing: "_Packing"
) -> tuple[np.ndarray, np.ndarray]:
    """The packed pairs from ``low`` up to ``high`` (not included; ``None``: no bound),
    each once with its fewest namesakes, unpacked."""
    numbers = _joined([_within(part, low, high) for part in packed], np.uint64)
    numbers.sort()
    pairs = numbers >> np.uint64(packing.count_bits)
    first = np.r_[True, pairs[1:] != pairs[:-1]] if len(pairs) else pairs[:0].astype(bool)
    del pairs
    return packing.unpacked(numbers[first])


def _within(numbers: np.ndarray, low: int, high: int | None) -> np.ndarray:
    """The ``numbers`` from ``low`` up to ``high`` (not included; ``None``: no bound)."""
    if high is None:
        return numbers[numbers >= np.uint64(low)] if low else numbers
    inside = numbers < np.uint64(high)
    if low:
        inside &= numbers >= np.uint64(low)
    return numbers[inside]


@dataclass(frozen=True)
class _Packing:
    """A pair and its namesakes as one 64-bit number: the lower id, the higher (each in
    ``id_bits``), the namesakes' code (``count_bits``: the count, or ``unknown`` for
    ``_UNKNOWN``, above every count), so that sorting the numbers sorts the pairs, each
    pair's fewest namesakes first."""

    id_bits: int
    count_bits: int
    unknown: int

    @classmethod
    def of(cls, made: list[tuple[np.ndarray, np.ndarray]]) -> "_Packing | None":
        """The packing of these pairs and counts (none empty), if they fit in 64 bits."""
        highest, most = 0, -1
        for encoded, counts in made:
            highest = max(highest, int((encoded & _LOW_BITS).max()))  # the higher ids
            known = counts[counts != _UNKNOWN]
            most = max(most, int(known.max()) if len(known) else -1)
        unknown = most + 1
        packing = cls(
            id_bits=highest.bit_length(),
            count_bits=max(unknown.bit_length(), 1),
            unknown=unknown,
        )
        return packing if 2 * packing.id_bits + packing.count_bits <= 64 else None

    def packed(self, encoded: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """The pairs (``_encode``d) and their counts packed; ``encoded`` is overwritten."""
        packed = (encoded >> np.uint64(32)) << np.uint64(self.id_bits + self.count_bits)
        encoded &= _LOW_BITS
        encoded <<= np.uint64(self.count_bits)
        packed |= encoded
        packed |= np.where(counts == _UNKNOWN, self.unknown, counts).astype(np.uint64)
        return packed

    def unpacked(self, packed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The pairs (n, 2) and their counts."""
        pairs = np.empty((len(packed), 2), dtype=np.uint64)
        np.right_shift(packed, np.uint64(self.id_bits + self.count_bits), out=pairs[:, 0])
        np.right_shift(packed, np.uint64(self.count_bits), out=pairs[:, 1])
        pairs[:, 1] &= np.uint64((1 << self.id_bits) - 1)
        counts = (packed & np.uint64((1 << self.count_bits) - 1)).astype(np.int32)
        counts[counts == self.unknown] = _UNKNOWN
        return pairs.view(np.int64), counts


def _groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of equal (sorted) keys starts, and how long it is."""
    if not len(keys):
        return keys[:0], keys[:0]
    change = np.empty(len(keys), dtype=bool)
    change[0] = True
    np.not_equal(keys[1:], keys[:-1], out=change[1:])
    starts = np.flatnonzero(change)
    return starts, np.diff(starts, append=len(keys))


def _pairs(
    persons: np.ndarray,
    starts: np.ndarray,
    sizes: np.ndarray,
    limits: np.ndarray,
    named: np.ndarray,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The pairs of each group of at least two and at most its limit (encoded, not yet
    unique), and for each the namesakes the group counts (``_UNKNOWN`` if not ``named``),
    a part for each size of group. Groups of one size at once: a matrix of members, paired
    with one index array (the groups ordered by size once, by a radix sort of their sizes
    in the fewest bytes). Groups of more than two with the same bearers, and counting
    alike, are paired once: namesakes share a dozen typo keys (``e``), each a group of
    the same persons."""
    paired = np.flatnonzero((sizes > 1) & (sizes <= limits))
    sized = sizes[paired]
    order = np.argsort(sized.astype(np.min_scalar_type(sized.max(initial=0))), kind="stable")
    paired, sized = paired[order], sized[order]
    firsts = np.flatnonzero(np.diff(sized, prepend=0)).tolist()  # sizes are 2 or more
    made = []
    for first, end in pairwise([*firsts, len(sized)]):
        chosen, size = paired[first:end], int(sized[first])
        members = np.sort(persons[starts[chosen][:, None] + np.arange(size)], axis=1)
        counted = named[chosen]
        if size > 2:
            rows = _distinct_rows(np.column_stack([members, counted]))
            members, counted = rows[:, :-1], rows[:, -1].astype(bool)
        low, high = np.triu_indices(size, k=1)
        encoded = _encode(np.stack([members[:, low].ravel(), members[:, high].ravel()], axis=1))
        count = np.where(counted, size - 1, _UNKNOWN).astype(np.int32)
        made.append((encoded, np.repeat(count, len(low))))
    return made


def _distinct_rows(rows: np.ndarray) -> np.ndarray:
    """The distinct rows of a matrix of non-negative integers, in no particular order.
    Each row's values, weighted by odd numbers, summed and mixed (modulo 2**64), make a
    number that goes into the top bits, the row's own number into the low ones; the one
    array is sorted (as in ``_grouped``), so that equal rows come together, and a run of
    the same top bits is kept once. The rare run holding different rows (none at a
    million) is made unique by ``np.unique``, which on all the rows takes several times as
    long: it sorts them as strings of bytes (docs/performance.md, "Seventh pass")."""
    if len(rows) < 2:
        return rows
    row_bits = len(rows).bit_length()
    shift = np.uint64(row_bits)
    mixed = _row_numbers(rows) >> shift << shift
    mixed |= np.arange(len(rows), dtype=np.uint64)
    mixed.sort()
    tops = mixed >> shift
    mixed &= np.uint64((1 << row_bits) - 1)
    rows = rows[mixed.view(np.int64)]
    same_top = tops[1:] == tops[:-1]
    apart = same_top & (rows[1:] != rows[:-1]).any(axis=1)
    first = np.r_[True, ~same_top]
    if not apart.any():
        return rows[first]
    mingled = np.isin(tops, tops[1:][apart])
    return np.concatenate([rows[first & ~mingled], np.unique(rows[mingled], axis=0)])


def _row_numbers(rows: np.ndarray) -> np.ndarray:
    """A 64-bit number for each row of non-negative integers: the same for equal rows,
    and for different ones rarely (``_distinct_rows`` tells such apart)."""
    weights = np.random.default_rng(19).integers(1, 2**63, rows.shape[1], dtype=np.uint64)
    mixed: np.ndarray = (rows.astype(np.uint64) * (weights | np.uint64(1))).sum(
        axis=1, dtype=np.uint64
    )
    mixed ^= mixed >> np.uint64(31)
    mixed *= np.uint64(0x9E3779B97F4A7C15)
    return mixed


def _local_pairs(
    persons: np.ndarray,
    starts: np.ndarray,
    sizes: np.ndarray,
    wide: np.ndarray,
    limit: int,
    plain: Plain,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The pairs of the ``wide`` groups' bearers living in one municipality, at most
    ``limit`` of them (a slip in each name with the same date and place still matches)."""
    group = np.repeat(np.flatnonzero(wide), sizes[wide])
    offsets = np.arange(len(group)) - np.repeat(np.cumsum(sizes[wide]) - sizes[wide], sizes[wide])
    members = persons[starts[group] + offsets]
    place = plain.of(plain.place, members)
    local = place > 0
    subkey = group[local].astype(np.int64) << np.int64(32) | place[local].astype(np.int64)
    order = np.argsort(subkey, kind="stable")
    subkey, members = subkey[order], members[local][order]
    substarts, subsizes = _groups(subkey)
    none = np.zeros(len(substarts), dtype=bool)
    return _pairs(members, substarts, subsizes, np.full(len(substarts), limit), none)


# --- 1b. the ceiling: pairs that cannot match, dropped before decrypting -------------------

#: pairs whose ceilings are reckoned at a time (a dozen arrays of this length at once)
_CEILED = 1 << 20
#: the float sums of ``points`` and of a ceiling may differ in their last bits
_ROUNDING = 1e-9
#: the dates of birth a key of kind ``b`` is looked up among (a date outside: any date)
_FIRST_YEAR = 1880


@dataclass(frozen=True)
class Bearers:
    """What the key table tells of each person, by id, with nothing decrypted: the kinds
    of key borne (a bit each, by ``KINDS``' number), the key of their JMBG (``j``) and of
    their date of birth (``b``: one each at most), and how many two-token name keys (``n``)."""

    kinds: np.ndarray
    jmbg: np.ndarray
    born: np.ndarray
    names: np.ndarray

    def named(self, who: np.ndarray) -> np.ndarray:
        """Whether each person bears a key made of their name (two of its words, or one
        with the date of birth): not so for a record without a name, nor for a name of
        one word without a date."""
        bits = np.uint16(sum(1 << KINDS.index(kind) for kind in "nebdy"))
        named: np.ndarray = (self.kinds[who] & bits) != 0
        return named

    def both(self, kind: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether each pair's two persons both bear a key of ``kind``."""
        bit = np.uint16(1 << KINDS.index(kind))
        both: np.ndarray = (self.kinds[a] & self.kinds[b] & bit) != 0
        return both


def _bearers(keys: np.ndarray, persons: np.ndarray, size: int) -> Bearers:
    """``Bearers`` (of persons below ``size``) from grouped key rows (``_grouped``: sorted
    by their top bits, so each kind's rows are a run)."""
    borne = np.zeros(size, dtype=np.uint16)
    rows = _kind_rows(keys)
    for code, (first, end) in enumerate(rows):
        borne[persons[first:end]] |= np.uint16(1 << code)
    single = {}
    for kind in ("j", "b"):
        first, end = rows[KINDS.index(kind)]
        single[kind] = np.zeros(size, dtype=np.int64)
        single[kind][persons[first:end]] = keys[first:end]
    first, end = rows[KINDS.index("n")]
    names = np.bincount(persons[first:end], minlength=size)
    return Bearers(kinds=borne, jmbg=single["j"], born=single["b"], names=names)


def _kind_rows(keys: np.ndarray) -> list[tuple[int, int]]:
    """Where each kind's rows (by ``KINDS``' number) start and end among grouped keys."""
    shift = np.uint64(64 - KIND_BITS)
    starts = np.searchsorted(
        keys.view(np.uint64), np.arange(len(KINDS), dtype=np.uint64) << shift
    ).tolist()
    return list(zip(starts, [*starts[1:], len(keys)], strict=True))


def _joined_bearers(parts: list[Bearers]) -> Bearers:
    """``Bearers`` of all the key rows from those of their parts: a person's JMBG and date
    of birth keys are each in one part (one each at most), 0 in the others."""
    first, *others = parts
    kinds, jmbg, born, names = first.kinds, first.jmbg, first.born, first.names
    for part in others:
        kinds, names = kinds | part.kinds, names + part.names
        jmbg, born = np.maximum(jmbg, part.jmbg), np.maximum(born, part.born)
    return Bearers(kinds=kinds, jmbg=jmbg, born=born, names=names)


def _most_tokens() -> np.ndarray:
    """By a person's count of ``n`` keys (capped), the most name tokens a name of theirs
    can have: a name of t tokens makes t(t-1)/2 different token pairs, each an ``n`` key."""
    pairs = MAX_TOKENS * (MAX_TOKENS - 1) // 2
    return np.array(
        [
            max(t for t in range(1, MAX_TOKENS + 1) if t * (t - 1) // 2 <= n)
            for n in range(pairs + 1)
        ]
    )


@dataclass(frozen=True)
class _Calendar:
    """Every date of birth since ``_FIRST_YEAR`` by its key (``b``, sorted): the year, and
    for each reading of its day and month (the key holds them in either order) the day
    number: for comparing two keys' dates by what ``matching.birth_points`` tells apart,
    without decrypting."""

    keys: np.ndarray
    years: np.ndarray
    days: np.ndarray  # (n, 2)
    either: np.ndarray  # (n, 2): the day and month, the smaller first


@lru_cache(maxsize=2)
def _calendar(secret: str) -> _Calendar:
    """The calendar for the keys hashed with ``secret`` (the blind index key in force:
    the cache must not outlive a key change). About 50,000 keys, hashed in a fraction of
    a second: reading a date back from its key is what decrypting it would tell, in this
    process, which holds both keys anyway."""
    found: dict[int, tuple[int, ...]] = {}
    day, last = date(_FIRST_YEAR, 1, 1), date(timezone.now().year + 1, 12, 31)
    while day <= last:
        key = hash_key(f"b:{matching.date_key(day)}")
        if key not in found:
            low, high = sorted((day.month, day.day))
            readings = [_reading(day.year, m, d) for m, d in ((low, high), (high, low))]
            shown = [r for r in readings if r is not None]
            found[key] = (day.year, shown[0], shown[-1], low, high)
        day += timedelta(days=1)
    keys = np.array(sorted(found), dtype=np.int64)
    rows = np.array([found[key] for key in keys.tolist()], dtype=np.int64).reshape(-1, 5)
    return _Calendar(keys, rows[:, 0], rows[:, 1:3], rows[:, 3:5])


def _reading(year: int, month: int, day: int) -> int | None:
    """A date's day number, if it is a date."""
    try:
        return date(year, month, day).toordinal()
    except ValueError:
        return None


def _birth_ceilings(born_a: np.ndarray, born_b: np.ndarray) -> np.ndarray:
    """The most ``matching.birth_points`` can give two dated persons, by their ``b`` keys:
    the same key (the same date, or day and month swapped); or else, by the calendar,
    whether some reading of the two dates is a day apart, or the same day and month a
    year apart (near), or in the same year (a slip in the day or month, or the same
    month); a key not in the calendar: anything."""
    c = CEILINGS
    calendar = _calendar(settings.BLIND_INDEX_KEY)
    at = [
        np.minimum(np.searchsorted(calendar.keys, born), len(calendar.keys) - 1)
        for born in (born_a, born_b)
    ]
    known = (calendar.keys[at[0]] == born_a) & (calendar.keys[at[1]] == born_b)
    days_a, days_b = calendar.days[at[0]], calendar.days[at[1]]
    readings = [(i, j) for i in (0, 1) for j in (0, 1)]
    day_off = np.any([np.abs(days_a[:, i] - days_b[:, j]) == 1 for i, j in readings], axis=0)
    same_day = np.all(calendar.either[at[0]] == calendar.either[at[1]], axis=1)
    year_off = same_day & (np.abs(calendar.years[at[0]] - calendar.years[at[1]]) == 1)
    same_year = calendar.years[at[0]] == calendar.years[at[1]]
    # the best of what the readings allow (whatever order the weights come in)
    found = np.full(len(born_a), c.other_date)
    found = np.where(same_year, np.maximum(found, c.same_year), found)
    found = np.where(day_off | year_off, np.maximum(found, c.near_date), found)
    anything = max(c.same_date, c.near_date, c.same_year, c.other_date)
    return np.where((born_a == born_b) | ~known, anything, found)


def _rarity_ceilings(
    namesakes: np.ndarray, dated: np.ndarray, unnamed: np.ndarray, least: int
) -> np.ndarray:
    """The rarity points each pair is scored with (``rarity_points``, or, not both dated,
    ``undated_rarity_points``; the better of the two where ``unnamed``: the key table does
    not tell whether both are dated) of its namesakes; where the blocks do not tell them,
    at most those of ``least`` namesakes (the pair shares only name keys borne by more
    than the limit, ``least`` the lowest limit of a name kind) or of none."""
    known = namesakes != _UNKNOWN
    unknown = int(namesakes[known].max(initial=0)) + 1  # its code: above every count
    codes = np.where(known, namesakes, unknown)
    values = np.flatnonzero(np.bincount(codes)).tolist()
    table = {}
    for name, points in (
        ("dated", matching.rarity_points),
        ("undated", matching.undated_rarity_points),
    ):
        table[name] = np.zeros(unknown + 1)
        table[name][values] = [
            points(v) if v != unknown else max(points(max(least, 1)), points(None)) for v in values
        ]
    by_dates = np.where(dated, table["dated"][codes], table["undated"][codes])
    either = np.maximum(table["dated"][codes], table["undated"][codes])
    return np.where(unnamed, either, by_dates)


def ceilings(
    pairs: np.ndarray, namesakes: np.ndarray, bearers: Bearers, plain: Plain, least: int
) -> np.ndarray:
    """For each pair, the most ``matching.points`` could give it, by what the key table and
    the plain columns tell (``infinity`` for the same JMBG: ``score`` is then decisive).
    A pair whose ceiling is below ``CEILINGS.midpoint`` scores below ``THRESHOLD``.

    Why, term by term of ``points`` (names + rarity + birth + other + identifiers +
    address), given that a person's stored keys are ``matching.blocking_keys`` of the
    record the scan decrypts (the person services keep them so):

    - names: ``name_points`` pairs the shorter name's tokens one to one, each at most
      ``CEILINGS.token``; a name of t tokens gives a person t(t-1)/2 different ``n`` keys
      (one per token pair), so one with N of them has at most ``_most_tokens()[N]``
      tokens in any name: at most token x the fewer of the two. It needs every token pair
      to make its own key: no two tokens of a name are spelt alike (``matching.spellings``:
      "Saša Sasha" is one token, ``matching._one_spelling_each``).
    - rarity: a pure function of the namesakes the scan passes (the blocks' count, or
      the bearers of a shared name key over the limit: ``_rarity_ceilings``), and of
      whether both are dated: a date of birth gives a person with a name a ``b`` key (one
      without a name: see birth).
    - birth: both dated, ``_birth_ceilings``; otherwise compared by year at most, unless
      either bears no key made of a name: a record without a name and its date bears no
      ``b`` key, and it matches by the same date and document
      (``matching.known_without_a_name``), so its date and rarity are taken at their best.
    - sex: a sex stored as female or male is the record's (a JMBG fills in only an
      unknown one): then exact; otherwise at most the same sex.
    - municipality: a plain column, exact (the scan passes no ``place_share``);
      settlement and a parent's name: at most the same where both persons' are stored
      not empty (``Plain.stored``; no key tells them), otherwise 0 (``other_points`` and
      ``identifier_points`` compare them only where both are given).
    - documents: a person with any bears a ``k`` key, so without one on either side 0.
    - JMBG: a valid one gives a ``j`` key; both bearing one and not the same one:
      ``CEILINGS.other_jmbg`` exactly.
    - address: the same street and number needs both to bear an ``a`` key (a street and
      a number); otherwise at most the same street (one number missing).
    """
    c = CEILINGS
    a, b = pairs[:, 0], pairs[:, 1]
    tokens = _most_tokens()
    cap = len(tokens) - 1
    fewer = np.minimum(
        tokens[np.minimum(bearers.names[a], cap)], tokens[np.minimum(bearers.names[b], cap)]
    )
    dated = bearers.both("b", a, b)
    unnamed = ~(bearers.named(a) & bearers.named(b))
    born = np.select(
        [dated, unnamed], [_birth_ceilings(bearers.born[a], bearers.born[b]), c.unnamed], c.undated
    )
    rarity = _rarity_ceilings(namesakes, dated, unnamed, least)
    sex_a, sex_b = plain.of(plain.sex, a), plain.of(plain.sex, b)
    sex = np.where(
        (sex_a > 0) & (sex_b > 0), np.where(sex_a == sex_b, c.same_sex, c.other_sex), c.unknown_sex
    )
    place_a, place_b = plain.of(plain.place, a), plain.of(plain.place, b)
    place = np.where(
        (place_a > 0) & (place_b > 0),
        np.where(place_a == place_b, c.same_place, c.other_place),
        0.0,
    )
    stored = plain.of(plain.stored, a) & plain.of(plain.stored, b)
    jmbg = np.where(bearers.both("j", a, b), c.other_jmbg, 0.0)
    same_jmbg = bearers.both("j", a, b) & (bearers.jmbg[a] == bearers.jmbg[b])
    total = (
        c.token * fewer
        + rarity
        + born
        + sex
        + place
        + np.where(stored & _SETTLEMENT, c.settlement, 0.0)
        + np.where(stored & _PARENT, c.parent, 0.0)
        + np.where(bearers.both("k", a, b), c.documents, 0.0)
        + jmbg
        + np.where(bearers.both("a", a, b), c.addresses, c.one_address)
    )
    return np.where(same_jmbg, np.inf, total)


# --- 2. reading --------------------------------------------------------------------------


def _rows(ids: Sequence[int], cursor: Any, listed: str) -> Iterator[list[tuple[Any, ...]]]:
    """The persons' rows (not merged away), ``CHUNK`` at a time, on ``cursor``: plain and
    encrypted columns, then their documents' encrypted numbers. A chunk's ids are asked
    for as one array on PostgreSQL (``listed``: ``_ANY``; a worker's persons are spread
    over all the ids, a range would read every other person too), as a list elsewhere
    (``_IN``)."""
    person = connection.ops.quote_name(Person._meta.db_table)
    document = connection.ops.quote_name(IdentityDocument._meta.db_table)
    columns = ", ".join(_PLAIN + _ENCRYPTED)
    for start in range(0, len(ids), CHUNK):
        chunk = [int(pk) for pk in ids[start : start + CHUNK]]
        which, params = (
            (_ANY, [chunk])
            if listed == _ANY
            else (_IN.format(", ".join(["%s"] * len(chunk))), chunk)
        )
        cursor.execute(f"SELECT person_id, number FROM {document} WHERE person_id {which}", params)  # noqa: S608
        numbers: dict[int, list[str]] = {}
        for pk, number in cursor.fetchall():
            numbers.setdefault(pk, []).append(number)
        cursor.execute(
            f"SELECT {columns} FROM {person} WHERE id {which} AND merged_into_id IS NULL",  # noqa: S608
            params,
        )
        yield [(*row, tuple(numbers.get(row[0], ()))) for row in cursor.fetchall()]


#: how ``_rows`` asks for a chunk's ids: one array parameter (PostgreSQL), or a list
_ANY, _IN = "= ANY(%s)", "IN ({})"


#: a person's row decrypted, as ``duplicates.record_of`` reads a ``Person``'s fields (no
#: ``pk``: it is read only to look up documents, which the scan hands over)
_Decrypted = namedtuple("_Decrypted", _PLAIN + _ENCRYPTED)  # type: ignore[misc]


def _records(rows: list[tuple[Any, ...]]) -> list[tuple[int, PersonRecord]]:
    """The rows decrypted into the persons' records: all their tokens (fields, then
    documents, row by row) opened in one call (``fields.decrypt_all``), then each row
    built from its share of them."""
    plain, today = len(_PLAIN), timezone.localdate()
    texts = iter(decrypt_all([token for row in rows for token in (*row[plain:-1], *row[-1])]))
    records = []
    for row in rows:
        person = _Decrypted(*row[:plain], *islice(texts, len(_ENCRYPTED)))
        documents = list(islice(texts, len(row[-1])))
        record = matching.prepared(record_of(person, documents, today))
        records.append((int(row[0]), record))
    return records


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


def _link(a: int, b: int, ra: PersonRecord, rb: PersonRecord, namesakes: int | None) -> Link | None:
    """The pair scored (``matching.score``, as at registration), if at or above ``THRESHOLD``."""
    likelihood = matching.score(ra, rb, namesakes=namesakes)
    if likelihood < THRESHOLD:
        return None
    return Link(a, b, likelihood, tuple(matching.explain(ra, rb)))


def score_pairs[K: Hashable](
    pairs: Sequence[tuple[int, int]],
    records: Mapping[int, PersonRecord],
    name_keys: Mapping[int, frozenset[K]],
    counts: Mapping[K, int],
    report: Callable[[int], None] = lambda done: None,
) -> list[Link]:
    """The pairs at or above ``THRESHOLD``, clustered, in this process. ``name_keys``: each
    person's name keys (hashed or not, as ``counts`` are keyed). ``report(done)`` every
    ``CHUNK`` pairs."""
    links = []
    for start in range(0, len(pairs), CHUNK):
        for a, b in pairs[start : start + CHUNK]:
            namesakes = _namesakes(name_keys[a], name_keys[b], counts)
            if (link := _link(a, b, records[a], records[b], namesakes)) is not None:
                links.append(link)
        report(min(start + CHUNK, len(pairs)))
    return _clusters(links)


#: what the workers read, set before they are forked (shared, not copied)
_shared: dict[str, Any] = {}


def _scored_chunk(
    pairs: np.ndarray,
    counted: np.ndarray,
    found_blocks: Blocks,
    records: Mapping[int, PersonRecord],
) -> list[Link]:
    """A chunk of pairs scored; a pair with a person not read (merged away meanwhile) is
    skipped. Namesakes as the blocks counted them, or, if the two share only name keys
    over the limit, the fewest bearers of those (``Blocks.namesakes_over_limit``)."""
    counted = counted.astype(np.int64)
    unknown = counted == _UNKNOWN
    if unknown.any():
        counted[unknown] = found_blocks.namesakes_over_limit(pairs[unknown])
    found = []
    for (a, b), namesakes in zip(pairs.tolist(), counted.tolist(), strict=True):
        if a not in records or b not in records:
            continue
        link = _link(a, b, records[a], records[b], namesakes if namesakes >= 0 else None)
        if link is not None:
            found.append(link)
    return found


def _share_scored(
    found_blocks: Blocks, share: np.ndarray, cursor: Any, listed: str, report: Callable[[int], None]
) -> list[Link]:
    """The pairs ``share`` (their places in ``found_blocks.pairs``) scored: their persons
    read on ``cursor`` (``_rows``) and decrypted, then the pairs, ``CHUNK`` at a time;
    ``report(done)`` after each chunk of persons read (their count) and of pairs scored."""
    pairs, counted = found_blocks.pairs[share], found_blocks.namesakes[share]
    records: dict[int, PersonRecord] = {}
    for rows in _rows(np.unique(pairs).tolist(), cursor, listed):
        records.update(_records(rows))
        report(len(rows))
    links: list[Link] = []
    for start in range(0, len(pairs), CHUNK):
        chunk = pairs[start : start + CHUNK]
        links += _scored_chunk(chunk, counted[start : start + CHUNK], found_blocks, records)
        report(len(chunk))
    return links


def _shares(found_blocks: Blocks, count: int) -> list[np.ndarray]:
    """The pairs (their places) split into ``count`` shares, each read and scored by a
    worker of its own, so that no record is sent from one process to another: a pair
    goes by the birth year of its lower person (of the higher where that one's is not
    known; read from their ``b`` keys), and the years go to the shares with the fewest
    pairs yet, the most pairs first. Two persons met on a name with the date, or on the
    date, are born the same day, and a pair whose dates are not in one year can score
    them only as another date: at a million, 98 % of the pairs are in one year, and one
    person in a hundred is read in both shares (docs/performance.md, "Twelfth pass")."""
    years = _years(found_blocks.born, found_blocks.pairs)
    found, groups, sizes = np.unique(years, return_inverse=True, return_counts=True)
    owner, load = np.zeros(len(found), dtype=np.int64), [0] * count
    for group in np.argsort(-sizes, kind="stable").tolist():
        owner[group] = lightest = load.index(min(load))
        load[lightest] += int(sizes[group])
    chosen = owner[groups]
    return [np.flatnonzero(chosen == share) for share in range(count)]


def _years(born: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Each pair's birth year by its persons' ``b`` keys (``born``), the lower person's
    where the calendar knows it, else the higher's, else -1."""
    calendar = _calendar(settings.BLIND_INDEX_KEY)
    years = []
    for side in (0, 1):
        keys = born[pairs[:, side]]
        at = np.minimum(np.searchsorted(calendar.keys, keys), len(calendar.keys) - 1)
        years.append(np.where(calendar.keys[at] == keys, calendar.years[at], -1))
    return np.where(years[0] >= 0, years[0], years[1])


def _share_in_worker(share: int) -> list[Link]:
    """``_share_scored`` of share ``share`` in a forked worker, on a database connection of
    its own (Django's is the parent's); its progress, then ``None``, on the queue."""
    progress = _shared["progress"]
    try:
        with psycopg.connect(**_shared["params"]) as own:
            own.execute(SQL("SET TIME ZONE {}").format(Literal(_shared["timezone"])))
            with own.cursor() as cursor:
                found_blocks = _shared["blocks"]
                return _share_scored(
                    found_blocks, _shared["shares"][share], cursor, _ANY, progress.put
                )
    finally:
        progress.put(None)


def _pool(processes: int) -> Any:
    """Worker processes forked from this one. What is in memory now is frozen out of the
    garbage collector's reach, so that the workers share it instead of copying it page by
    page."""
    gc.freeze()
    return multiprocessing.get_context("fork").Pool(processes)


def find_links(
    progress: Progress | None = None, processes: int | None = None
) -> tuple[list[Link], int]:
    """Every pair of stored persons (not merged away) at or above ``THRESHOLD``, clustered;
    and how many pairs were scored (those blocked whose ceiling reaches the threshold:
    only their persons are decrypted). ``progress(done, total)`` counts persons read and
    pairs scored. ``processes``: the workers (``PROCESSES`` unless given; one: none, as
    with fewer than two chunks of pairs, or where the workers' own connections would not
    see what this one does: not PostgreSQL, or inside a transaction)."""
    with _collector_paused():
        return _found_links(progress or (lambda done, total: None), processes)


def _found_links(report: Progress, processes: int | None) -> tuple[list[Link], int]:
    found_blocks = blocks().reaching()
    pairs = found_blocks.pairs
    workers = (processes or PROCESSES) if len(pairs) >= 2 * CHUNK else 1
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        workers = 1
    shares = _shares(found_blocks, workers) if workers > 1 else [np.arange(len(pairs))]
    total = sum(len(np.unique(pairs[share])) + len(share) for share in shares)
    done = [0]

    def step(count: int) -> None:
        done[0] += count
        report(done[0], total)

    report(0, total)
    if workers == 1:
        listed = _ANY if connection.vendor == "postgresql" else _IN
        with connection.cursor() as cursor:
            links = _share_scored(found_blocks, shares[0], cursor, listed, step)
    else:
        links = _in_workers(found_blocks, shares, step)
    return _clusters(links), len(pairs)


def _in_workers(
    found_blocks: Blocks, shares: list[np.ndarray], step: Callable[[int], None]
) -> list[Link]:
    """Each share read and scored in a worker of its own (``_share_in_worker``), their
    progress passed on to ``step`` as it comes."""
    context = multiprocessing.get_context("fork")
    _shared.update(
        blocks=found_blocks,
        shares=shares,
        params=connection.get_connection_params(),
        timezone=connection.timezone_name,
        progress=context.SimpleQueue(),
    )
    try:
        with _pool(len(shares)) as pool:
            results = [pool.apply_async(_share_in_worker, (share,)) for share in range(len(shares))]
            left = len(shares)
            while left:
                if (count := _shared["progress"].get()) is None:
                    left -= 1
                else:
                    step(count)
            return [link for result in results for link in result.get()]
    finally:
        _shared.clear()
        gc.unfreeze()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for the scan, here and in the workers
    forked meanwhile (they inherit it paused). Its collections walk every object made
    since the last (the records a worker builds and keeps, a chunk at a time, some
    360,000 each at a million): some 5 µs of a worker's 45 µs a record. The scan makes no reference cycles to collect (records, tuples and
    strings), so nothing waits for it; it is restored as it was when the scan ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
