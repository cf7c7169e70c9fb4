"""The scan of everyone stored for duplicates, and the Centre's review queue (issue 19).

Persons registered by different institutions, never checked against each other (loaded
before the registration check, say), are found by the scan as clusters; the Centre
confirms (merge, both histories kept) or rejects each suggestion; a rejected pair is not
suggested again and a re-scan adds no second copy of an open one.
"""

import gc
import random
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from bench.duplicates import Generator, queries
from spona.accounts.models import Role, User
from spona.audit.models import AuditEvent
from spona.cases.models import Case, CaseStatus
from spona.core.translit import fold
from spona.institutions.models import InstitutionType
from spona.jobs.models import Job, JobStatus
from spona.people import matching, scan
from spona.people.duplicates import hash_key, record_of
from spona.people.matching import CEILINGS, PersonRecord, blocking_keys, name_keys, points
from spona.people.models import (
    DocumentKind,
    DuplicateSuspicion,
    FoundBy,
    IdentityDocument,
    Person,
    PersonMatchKey,
    Resolution,
)
from spona.people.selectors import REASONS
from spona.people.services import duplicate_scan, person_register
from tests.factories import InstitutionFactory, MunicipalityFactory, UserFactory


@pytest.fixture
def place(db: Any) -> Any:
    return MunicipalityFactory(code="70009", name_cyr="Алексинац", name_lat="Aleksinac")


@pytest.fixture
def centre(db: Any) -> User:
    institution = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    return UserFactory(role=Role.CENTRE_OFFICER, institution=institution)


def _register(place: Any, given: str, family: str, born: str = "1990-05-03", **kw: Any) -> Person:
    """A person registered by a case manager of an institution of their own (no check)."""
    user = UserFactory(role=Role.CASE_MANAGER, institution=InstitutionFactory(municipality=place))
    return person_register(
        user=user,
        given_name=given,
        family_name=family,
        date_of_birth=born,
        sex=kw.pop("sex", "female"),
        municipality=place,
        **kw,
    )


@pytest.fixture
def register(place: Any) -> dict[str, Person]:
    """Three records of Đurđa Đorđević (two scripts, a typo), two of Marko Ilić (one with
    his JMBG only), and people who only share a name or a birthday with them."""
    return {
        "djurdja": _register(place, "Ђурђа", "Ђорђевић"),
        "djurdja_latin": _register(place, "Djurdja", "Djordjevic"),
        "djurdja_typo": _register(place, "Đurđa", "Đorđevć"),
        "marko": _register(place, "Марко", "Илић", "1985-11-20", sex="male"),
        "marko_again": _register(place, "Marko", "Ilic", "1985-11-21", sex="male"),
        "namesake": _register(place, "Ђурђа", "Ђорђевић", "1971-01-09"),
        "same_birthday": _register(place, "Милица", "Павловић"),
    }


def _pairs() -> set[frozenset[int]]:
    return {frozenset((s.person_id, s.match_id)) for s in DuplicateSuspicion.objects.all()}


def test_the_scan_finds_clusters_with_reasons(register: dict[str, Person]) -> None:
    outcome = duplicate_scan(user=None)
    r = register
    djurdja = {r["djurdja"].pk, r["djurdja_latin"].pk, r["djurdja_typo"].pk}
    expected = {frozenset((a, b)) for a in djurdja for b in djurdja if a < b} | {
        frozenset((r["marko"].pk, r["marko_again"].pk))
    }
    assert _pairs() == expected
    assert (outcome.found, outcome.new, outcome.clusters) == (4, 4, 2)
    clusters = {s.cluster for s in DuplicateSuspicion.objects.filter(person_id__in=djurdja)}
    assert clusters == {min(djurdja)}
    marko = DuplicateSuspicion.objects.get(person=r["marko_again"])
    assert marko.found_by == FoundBy.SCAN
    assert marko.reasons == ["same_name", "near_date_of_birth", "same_municipality"]
    assert AuditEvent.objects.filter(details__duplicate_scan__new=4).exists()


@pytest.mark.django_db(transaction=True)
def test_the_scan_in_worker_processes_finds_the_same_links_with_progress(
    register: dict[str, Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pairs split between two forked workers, each reading its persons on a
    connection of its own and scoring its pairs, two a chunk: the same links as in one
    process, and progress counted up to the total."""
    _postgresql_only()
    alone, scored = scan.find_links(processes=1)
    monkeypatch.setattr(scan, "CHUNK", 2)
    reports: list[tuple[int, int]] = []
    shared, scored_too = scan.find_links(lambda done, total: reports.append((done, total)), 2)
    assert scored == scored_too > 4
    assert shared == alone
    assert len(alone) == 4
    assert reports[0] == (0, reports[-1][1])
    assert reports[-1][0] == reports[-1][1]
    assert [done for done, _total in reports] == sorted(done for done, _total in reports)


def test_the_collector_is_paused_while_the_scan_runs_and_restored_after(
    register: dict[str, Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python's cyclic garbage collector is paused while the records are read and scored
    (its walks over them were a tenth of building them; the workers, forked meanwhile,
    inherit it paused) and left as it was found when the scan ends."""
    seen: list[bool] = []
    score = scan._scored_chunk
    monkeypatch.setattr(
        scan, "_scored_chunk", lambda *chunk: seen.append(gc.isenabled()) or score(*chunk)
    )
    assert gc.isenabled()
    links, _scored = scan.find_links(processes=1)
    assert len(links) == 4
    assert seen
    assert not any(seen)
    assert gc.isenabled()
    gc.disable()
    try:
        scan.find_links(processes=1)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_blocks_limit_each_kind_of_key(register: dict[str, Person]) -> None:
    """Blocking reads the key table alone: a date of birth alone pairs its bearers where
    few share it, or else those of one municipality; a name with a date, or a name, pairs
    them up to its own limit."""
    r = register
    Person.objects.filter(pk=r["same_birthday"].pk).update(municipality=MunicipalityFactory())
    stranger = frozenset((r["djurdja"].pk, r["same_birthday"].pk))
    djurdja = [r["djurdja"].pk, r["djurdja_latin"].pk, r["djurdja_typo"].pk]
    local = {frozenset((a, b)) for a in djurdja for b in djurdja if a < b}

    def pairs(limits: dict[str, int]) -> set[frozenset[int]]:
        return {frozenset(pair) for pair in scan.blocks(limits).pairs.tolist()}

    assert {stranger, *local} <= pairs(scan.KIND_LIMITS)  # four share the date
    assert pairs({"b": 4}) == local | {frozenset((a, r["same_birthday"].pk)) for a in djurdja}
    assert pairs({"b": 3}) == local  # more than three: those of one municipality
    assert pairs({"b": 2}) == set()
    assert local <= pairs({**scan.KIND_LIMITS, "b": 2})


def test_namesakes_over_the_limit_count_as_the_registration_check_counts_them(
    register: dict[str, Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pair sharing only name keys borne by more than the limit (met on a name with
    the date) is scored with those keys' bearers, as a pair met on a rarer one is."""
    within, _scored = scan.find_links(processes=1)
    monkeypatch.setattr(scan, "KIND_LIMITS", {**scan.KIND_LIMITS, "n": 2, "e": 2})
    found = scan.blocks()
    djurdja = (register["djurdja"].pk, register["djurdja_latin"].pk)
    assert found.namesakes[found.pairs.tolist().index(list(djurdja))] == scan._UNKNOWN
    assert found.common
    over, _scored = scan.find_links(processes=1)
    assert [(link.low, link.high, link.score) for link in over] == [
        (link.low, link.high, link.score) for link in within
    ]


def test_the_scan_reads_a_person_as_the_registration_check_does(
    register: dict[str, Person],
) -> None:
    """The scan reads rows with a raw cursor and decrypts them itself: the same record as
    the model instance gives the registration check, settlement and documents too."""
    person = register["marko_again"]
    Person.objects.filter(pk=person.pk).update(
        settlement="Житковац", birth_surname="Петровић", parent_name="Милан"
    )
    IdentityDocument.objects.create(
        person=person, kind=DocumentKind.PASSPORT, number="ab 123 456", number_index="-"
    )
    (rows,) = _rows([person.pk])
    ((pk, record),) = scan._records(rows)
    assert pk == person.pk
    assert record == record_of(Person.objects.get(pk=person.pk))
    assert (record.settlement, record.documents) == ("Житковац", ("ab123456",))


def test_a_chunk_of_persons_is_read_as_each_alone(register: dict[str, Person]) -> None:
    """A chunk's tokens are opened together (``fields.decrypt_all``) and handed back row by
    row: each person gets their own fields and documents, however many each has."""
    first, second = register["djurdja"], register["namesake"]
    for number in ("p 111 222", "l 333 444"):
        IdentityDocument.objects.create(
            person=first, kind=DocumentKind.PASSPORT, number=number, number_index="-"
        )
    Person.objects.filter(pk=second.pk).update(jmbg="0101990710006", address="Kneza Miloša 12")
    (rows,) = _rows(sorted(p.pk for p in register.values()))
    read = dict(scan._records(rows))
    assert read == {p.pk: record_of(Person.objects.get(pk=p.pk)) for p in register.values()}
    assert read[first.pk].documents == ("l333444", "p111222")
    assert read[second.pk].address == "Kneza Miloša 12"


def test_the_plain_columns_tell_whether_a_parent_and_a_settlement_are_stored(
    register: dict[str, Person],
) -> None:
    """Empty values are stored empty, so whether a person has a parent's name or a
    settlement is read without decrypting: the ceiling counts them only where both have."""
    person = register["marko_again"]
    Person.objects.filter(pk=person.pk).update(settlement="Житковац", parent_name="Милан")
    others = [p.pk for p in register.values() if p.pk != person.pk]
    Person.objects.filter(pk__in=others).update(settlement="", parent_name="")
    stored = scan._plain().stored
    assert stored[person.pk] == scan._PARENT | scan._SETTLEMENT
    assert set(stored[others].tolist()) == {0}


def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("two connections on one snapshot: PostgreSQL's")


@pytest.mark.django_db(transaction=True)
def test_the_key_table_read_on_two_connections_is_the_one_connections_read(
    register: dict[str, Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside a transaction, PostgreSQL reads half the key table's pages on a second
    connection: the same rows, in the same order, as one connection reads, and the same
    plain columns."""
    _postgresql_only()
    monkeypatch.setattr(scan, "_PAGES", 1)  # a page a value: both halves hold rows here
    assert scan._last_key_page() >= 2
    keys, persons, plain = scan._stored()
    one_keys, one_persons = scan._key_table()
    assert len(keys) == PersonMatchKey.objects.count()
    assert np.array_equal(keys, one_keys)
    assert np.array_equal(persons, one_persons)
    assert np.array_equal(plain.stored, scan._plain().stored)


@pytest.mark.django_db(transaction=True)
def test_the_second_connection_reads_the_snapshot_not_what_was_written_since(
    place: Any,
) -> None:
    """The second connection sees what the first saw when it exported its snapshot: a
    person registered after that is not in its half of the key table."""
    _postgresql_only()
    before = _register(place, "Ђурђа", "Ђорђевић")
    params = connection.get_connection_params()
    with psycopg.connect(**params) as first:
        first.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        snapshot = first.execute("SELECT pg_export_snapshot()").fetchone()
        assert snapshot is not None
        after = _register(place, "Марко", "Илић", "1985-11-20", sex="male")
        pages = scan._key_pages_on(snapshot[0], params, 0, scan._last_key_page())
        _keys, persons = scan._both_joined(pages)
    assert set(persons.tolist()) == {before.pk}
    assert set(scan._key_table()[1].tolist()) == {before.pk, after.pk}


def _rows(ids: list[int]) -> list[list[tuple[Any, ...]]]:
    """``scan._rows`` on this test's connection, as the scan in one process reads them."""
    listed = scan._ANY if connection.vendor == "postgresql" else scan._IN
    with connection.cursor() as cursor:
        return list(scan._rows(ids, cursor, listed))


def test_the_scan_reads_only_the_persons_asked_for(
    register: dict[str, Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows are read by the ids asked for, a chunk at a time; the persons between
    them are not read, and a person merged away is not read."""
    monkeypatch.setattr(scan, "CHUNK", 2)
    ids = sorted(person.pk for person in register.values())
    asked = ids[::2]
    Person.objects.filter(pk=asked[-1]).update(merged_into=register["marko"])
    read = [row[0] for rows in _rows(asked) for row in rows]
    assert sorted(read) == asked[:-1]


def test_a_rescan_adds_nothing_twice_and_never_a_rejected_pair(
    register: dict[str, Person], centre: User
) -> None:
    duplicate_scan(user=None)
    marko = DuplicateSuspicion.objects.get(person=register["marko_again"])
    client = Client()
    client.force_login(centre)
    url = reverse("people:duplicate_suggestion", args=[marko.pk])
    assert client.post(url, {"action": "different"}).status_code == 302
    marko.refresh_from_db()
    assert (marko.resolution, marko.resolved_by) == (Resolution.NOT_DUPLICATE, centre)

    again = duplicate_scan(user=None)
    assert (again.found, again.new) == (4, 0)
    assert DuplicateSuspicion.objects.count() == 4
    page = client.get(reverse("people:duplicate_review"))
    assert marko.pk not in [item.suspicion.pk for item in page.context["suggestions"]]


def test_the_centre_confirms_a_suggestion_and_both_histories_are_kept(
    register: dict[str, Person], centre: User, place: Any
) -> None:
    duplicate = register["djurdja_latin"]
    keep = register["djurdja"]
    Case.objects.create(
        person=duplicate,
        status=CaseStatus.PRESUMED_VICTIM,
        opened_by_institution=duplicate.registered_by_institution,
        opened_by=duplicate.registered_by,
    )
    duplicate_scan(user=None)
    suggestion = DuplicateSuspicion.objects.get(person=duplicate, match=keep)
    client = Client()
    client.force_login(centre)
    url = reverse("people:duplicate_suggestion", args=[suggestion.pk])
    page = client.get(url)
    with translation.override("sr"):  # the page's language
        assert str(REASONS["same_date_of_birth"]) in page.content.decode()
    form = {"action": "merge", "keep": keep.code, "version": 1, "other_version": 1}
    assert client.post(url, form)["Location"] == reverse("people:duplicate_review")

    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep
    assert keep.cases.count() == 1
    suggestion.refresh_from_db()
    assert (suggestion.resolution, suggestion.resolved_by) == (Resolution.MERGED, centre)
    assert suggestion.resolved_at is not None
    shown = client.get(reverse("people:duplicate_review")).context["suggestions"]
    persons = {p for item in shown for p in (item.suspicion.person, item.suspicion.match)}
    assert duplicate not in persons  # the merged record's other pairs leave the queue


def test_the_review_queue_is_an_audited_read_for_the_centre_only(
    register: dict[str, Person], centre: User, place: Any
) -> None:
    duplicate_scan(user=None)
    client = Client()
    client.force_login(centre)
    page = client.get(reverse("people:duplicate_review"))
    assert len(page.context["suggestions"]) == 4
    listed = AuditEvent.objects.filter(purpose="duplicate review").latest("pk")
    assert register["marko"].code in listed.details["listed"]["persons"]

    manager = register["marko"].registered_by
    client.force_login(manager)
    assert client.get(reverse("people:duplicate_review")).status_code == 403
    assert client.post(reverse("people:duplicate_review")).status_code == 403


def test_the_centre_starts_the_scan_as_a_job_with_progress(
    register: dict[str, Person], centre: User
) -> None:
    client = Client()
    client.force_login(centre)
    response = client.post(reverse("people:duplicate_review"))
    job = Job.objects.get(owner=centre)
    assert response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED
    assert job.total > 0
    assert job.result["new"] == 4
    assert job.result["next_url"] == reverse("people:duplicate_review")


def test_the_command_scans(register: dict[str, Person]) -> None:
    call_command("people_scan", verbosity=0)
    assert DuplicateSuspicion.objects.filter(found_by=FoundBy.SCAN).count() == 4


def test_the_scan_drops_before_decrypting_the_pairs_that_cannot_match(
    register: dict[str, Person], place: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Marko's namesake, born in 1960, shares his name keys but cannot match him (another
    date of birth, read from the keys): dropped unread. Marko a day off stays; the links
    are those of scoring every pair blocked."""
    r = register
    namesake = _register(place, "Марко", "Илић", "1960-02-14", sex="male")
    found = scan.blocks()
    ceiling = dict(zip(map(frozenset, found.pairs.tolist()), found.ceilings.tolist(), strict=True))
    assert ceiling[frozenset((r["marko"].pk, namesake.pk))] < CEILINGS.midpoint
    assert ceiling[frozenset((r["marko"].pk, r["marko_again"].pk))] >= CEILINGS.midpoint
    cut, scored = scan.find_links(processes=1)
    monkeypatch.setattr(scan.Blocks, "reaching", lambda blocks: blocks)
    every, scored_all = scan.find_links(processes=1)
    assert cut == every
    assert scored < scored_all


def _scattered(record: PersonRecord, rng: random.Random) -> PersonRecord:
    """The generated record with an address, documents and a settlement drawn from small
    pools (the generator has none), so that some pairs share them or nearly; and now and
    then its date of birth mistyped within its year (a digit of the day or month)."""
    street = rng.choice(
        ("Kneza Miloša", "Кнеза Милоша", "Kneza Milosa", "Cara Dušana", "Njegoševa")
    )
    born = record.date_of_birth
    if born is not None and rng.random() < 0.15:
        born = _mistyped_within_year(born, rng)
    return replace(
        record,
        date_of_birth=born,
        address=f"{street} {rng.randint(1, 9)}" if rng.random() < 0.2 else "",
        documents=(f"00{rng.randint(1000, 1040)}",) if rng.random() < 0.2 else (),
        settlement=rng.choice(("", "Житковац", "Zitkovac", "Zitovac")),
    )


def _mistyped_within_year(born: date, rng: random.Random) -> date:
    """Another date of the same year whose day and month are one typing slip from
    ``born``'s (``matching._date_slip``), if there is one."""
    day, slips = date(born.year, 1, 1), []
    while day.year == born.year:
        if day != born and matching._date_slip(born, day):
            slips.append(day)
        day += timedelta(days=1)
    return rng.choice(slips) if slips else born


def _nameless(record: PersonRecord) -> PersonRecord:
    """The person recorded again without a name (left blank, lost in an import), with
    the same date of birth, documents and address."""
    return replace(record, given="", family="", former_surnames=(), other_names=(), parent="")


def _spelt_twice(record: PersonRecord) -> PersonRecord:
    """The person with the given name written again in another Latin spelling of one of
    its letters (Saša Sasha, Đorđe Djordje), as some registrations carry it."""
    given = fold(record.given)
    for letter, spelt in (("s", "sh"), ("c", "ch"), ("z", "zh"), ("d", "dj")):
        if letter in given and spelt not in given:
            return replace(record, given=f"{record.given} {given.replace(letter, spelt, 1)}")
    return record


@pytest.mark.parametrize("name_limit", [30, 3])
def test_no_pair_the_cut_drops_could_have_matched(name_limit: int) -> None:
    """The ceiling (``scan.ceilings``) is at least the points of every blocked pair of
    generated persons (namesakes, typos, dates off, JMBGs, sexes left unknown, addresses,
    documents, settlements, a name spelt twice), so no pair it drops could have reached the threshold; and it
    drops a third of them at least (at a million, far more: docs/performance.md). With a low name limit, pairs met only on a name over the limit
    take their namesakes from those keys' bearers, as the scan counts them."""
    gen, rng = Generator(seed=19), random.Random(19)
    entities = [gen.entity() for _ in range(1500)]
    written = [gen.record(e, noisy=False) for e in entities]
    written += [query.record for query in queries(gen, entities, 800)]
    scattered = [_scattered(record, rng) for record in written]
    documented = [r for r in scattered if r.documents and r.date_of_birth is not None]
    scattered += [_nameless(record) for record in documented[:40]]
    twice = [_spelt_twice(record) for record in scattered[:40]]
    scattered += twice + [_scattered(record, rng) for record in twice]
    records = dict(enumerate(scattered, start=1))
    rows = [(hash_key(key), pk) for pk, rec in records.items() for key in blocking_keys(rec)]
    keys, persons = (np.array(column) for column in zip(*rows, strict=True))
    place, sex = np.zeros(len(records) + 1, np.int32), np.zeros(len(records) + 1, np.int8)
    for pk, rec in records.items():
        place[pk] = rec.municipality_id or 0
        known = rec.sex in ("female", "male") and not (rec.jmbg and rng.random() < 0.3)
        sex[pk] = ("female", "male").index(rec.sex) + 1 if known else 0  # else read from the JMBG
    limits = {**scan.KIND_LIMITS, "n": name_limit, "e": name_limit}
    found = scan.blocked([keys, persons.astype(np.int32)], _plain(records, place, sex), limits)

    def namesakes(a: int, b: int, counted: int) -> int | None:
        if counted != scan._UNKNOWN:
            return counted
        named = [{hash_key(k) for k in name_keys(records[pk])} for pk in (a, b)]
        return scan._namesakes(frozenset(named[0]), frozenset(named[1]), found.common)

    over = []
    for (a, b), counted, ceiling in zip(
        found.pairs.tolist(), found.namesakes.tolist(), found.ceilings.tolist(), strict=True
    ):
        ra, rb = records[a], records[b]
        if ra.jmbg and ra.jmbg == rb.jmbg:
            assert ceiling == np.inf
            continue
        if points(ra, rb, namesakes=namesakes(a, b, counted)) > ceiling + 1e-9:
            over.append((ra, rb))
    assert over == []
    assert len(found.reaching().pairs) < len(found.pairs) * 2 / 3


def _plain(records: dict[int, PersonRecord], place: np.ndarray, sex: np.ndarray) -> scan.Plain:
    """The plain columns of the records stored under their keys (ids): which have a
    parent's name and a settlement read from the records themselves."""
    stored = np.zeros(len(place), np.int8)
    for pk, rec in records.items():
        stored[pk] = scan._PARENT * bool(rec.parent) + scan._SETTLEMENT * bool(rec.settlement)
    return scan.Plain(place, sex, stored)


def _ceiling_and_points(a: PersonRecord, b: PersonRecord) -> tuple[float, float]:
    """The scan's ceiling of the pair of ``a`` and ``b`` (stored alone, both men) and the
    points ``matching.points`` gives them, with the namesakes the scan counts."""
    records = {1: a, 2: b}
    rows = [(hash_key(key), pk) for pk, rec in records.items() for key in blocking_keys(rec)]
    keys, persons = (np.array(column) for column in zip(*rows, strict=True))
    place = np.array([0, a.municipality_id or 0, b.municipality_id or 0], np.int32)
    plain = _plain(records, place, np.full(3, 2, np.int8))
    found = scan.blocked([keys, persons.astype(np.int32)], plain, scan.KIND_LIMITS)
    assert found.pairs.tolist() == [[1, 2]]
    counted = int(found.namesakes[0])
    namesakes = None if counted == scan._UNKNOWN else counted
    return float(found.ceilings[0]), points(a, b, namesakes=namesakes)


def test_a_name_spelt_twice_is_not_dropped_below_its_points() -> None:
    """Saša Petrović, his given name written in both spellings (Saša Sasha), twice: born in
    other years, living in other municipalities, with one father, settlement and address.
    "Saša" and "Sasha" are one name as Serbian letters, so with "Petrović" they make one
    pair key, not two: the scan reads a name of two words. Scored as three words agreeing
    (13 points, a link) the pair was dropped under a ceiling of 9; scored as the one name
    it is, the points stay within the ceiling."""
    sasa = PersonRecord(
        given="Saša Sasha",
        family="Petrović",
        date_of_birth=date(1970, 3, 4),
        sex="male",
        municipality_id=1,
        parent="Jovan",
        settlement="Centar",
        address="Kneza Miloša 12",
    )
    again = replace(sasa, given="Sasha Saša", date_of_birth=date(1982, 7, 9), municipality_id=2)
    assert matching.normalise_tokens(sasa) == ("petrovic", "sasa")
    ceiling, scored = _ceiling_and_points(sasa, again)
    assert ceiling >= scored


@pytest.mark.parametrize("highest", [5_000, 2**31 - 1])
def test_the_pairs_made_are_each_kept_once_with_their_fewest_namesakes(highest: int) -> None:
    """Pairs made many times over (namesakes share a dozen keys), with the namesakes each
    group counted: each pair once, with its fewest, unknown counting as the most. Packed
    into one number to sort where the ids leave room; sorted by ``lexsort`` where they
    do not (ids up to 2**31)."""
    rng = np.random.default_rng(19)
    pairs = np.sort(rng.integers(1, highest, size=(3_000, 2)), axis=1)
    pairs = pairs[pairs[:, 0] < pairs[:, 1]]
    made = pairs[rng.integers(0, len(pairs), 9_000)]
    counts = rng.integers(1, 30, len(made)).astype(np.int32)
    counts[rng.random(len(made)) < 0.2] = scan._UNKNOWN
    fewest: dict[tuple[int, int], int] = {}
    for (a, b), count in zip(made.tolist(), counts.tolist(), strict=True):
        fewest[a, b] = min(count, fewest.get((a, b), count))
    encoded = scan._encode(made)
    half = len(made) // 2
    found, namesakes = scan._unique(
        [(encoded[:half].copy(), counts[:half]), (encoded[half:].copy(), counts[half:])]
    )
    assert (scan._Packing.of([(encoded, counts)]) is None) == (highest > 2**29)
    assert found.tolist() == [list(pair) for pair in sorted(fewest)]
    assert namesakes.tolist() == [fewest[pair] for pair in sorted(fewest)]


def test_the_key_rows_come_grouped_by_key_though_only_their_top_bits_are_sorted() -> None:
    """Keys that differ only in the low bits, where the rows' numbers go while sorting,
    are still grouped, each key's rows together: none lost, none moved to another key."""
    rng = np.random.default_rng(19)
    rows = 5_000
    low_bits = rows.bit_length()
    bases = rng.integers(-(2**62), 2**62, size=40) >> low_bits << low_bits
    keys = bases[rng.integers(0, len(bases), rows)] + rng.integers(0, 4, rows)  # clashes
    persons = rng.integers(1, 1_000, rows).astype(np.int32)
    grouped, bearers = scan._grouped(keys, persons)
    starts, _sizes = scan._groups(grouped)
    assert len(starts) == len(set(keys.tolist()))  # each key one run
    assert sorted(zip(grouped.tolist(), bearers.tolist(), strict=True)) == sorted(
        zip(keys.tolist(), persons.tolist(), strict=True)
    )


def test_distinct_rows_are_kept_once_even_where_their_numbers_clash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Groups of the same bearers are paired once: each distinct row once, also where two
    different rows were given the same number (forced here: a few numbers for all)."""
    rng = np.random.default_rng(19)
    rows = rng.integers(0, 6, size=(2_000, 4))
    expected = sorted(map(tuple, np.unique(rows, axis=0).tolist()))
    assert sorted(map(tuple, scan._distinct_rows(rows).tolist())) == expected
    monkeypatch.setattr(
        scan, "_row_numbers", lambda rows: (rows[:, 0] % 3).astype(np.uint64) << np.uint64(60)
    )
    assert sorted(map(tuple, scan._distinct_rows(rows).tolist())) == expected


@pytest.mark.parametrize("parts", [2, 3])
def test_the_blocks_are_the_same_from_the_key_rows_split_in_parts(
    parts: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stage 1 splits the key rows by key, a part to a thread, and makes the pairs unique
    by ranges: the same pairs, namesakes, ceilings and common name keys as from one part,
    also with a low name limit (name keys over it, namesakes unknown)."""
    keys, persons, plain, limits, records = _generated_inputs(seed=19, name_limit=3)

    def found(threads: int) -> tuple[Any, ...]:
        monkeypatch.setattr(scan, "_THREADS", threads)
        blocks = scan.blocked([keys.copy(), persons.copy()], plain, limits)
        held = [blocks.common_keys(pk) for pk in range(len(records) + 1)]
        return (
            blocks.pairs.tolist(),
            blocks.namesakes.tolist(),
            blocks.ceilings.tolist(),
            blocks.common,
            held,
        )

    one = found(1)
    assert scan._UNKNOWN in one[1]  # some pairs share only name keys over the limit
    assert one[3]
    assert found(parts) == one


def _generated_inputs(seed: int, name_limit: int) -> tuple[Any, ...]:
    """Stage 1's inputs for 600 generated persons and 300 of them written again with slips
    (their key rows, plain columns and kinds' limits, ``name_limit`` for the name keys: low,
    some pairs share only name keys over it), and the records by key."""
    gen = Generator(seed=seed)
    entities = [gen.entity() for _ in range(600)]
    written = [gen.record(e, noisy=False) for e in entities]
    records = dict(enumerate(written + [q.record for q in queries(gen, entities, 300)], start=1))
    rows = [(hash_key(key), pk) for pk, rec in records.items() for key in blocking_keys(rec)]
    keys, persons = (np.array(column) for column in zip(*rows, strict=True))
    place = np.array([0, *(rec.municipality_id or 0 for rec in records.values())], np.int32)
    plain = _plain(records, place, np.zeros(len(place), np.int8))
    limits = {**scan.KIND_LIMITS, "n": name_limit, "e": name_limit}
    return keys, persons.astype(np.int32), plain, limits, records


def _generated_blocks(name_limit: int) -> tuple[Any, dict[int, PersonRecord]]:
    """Stage 1 on ``_generated_inputs`` (seed 23)."""
    keys, persons, plain, limits, records = _generated_inputs(seed=23, name_limit=name_limit)
    return scan.blocked([keys, persons], plain, limits), records


def test_namesakes_over_the_limit_are_counted_for_a_chunk_as_from_each_persons_keys() -> None:
    """The namesakes of pairs that share only name keys over the limit, counted for a
    whole chunk at once in numpy: the same as from the two persons' keys, pair by pair
    (the rarest key both bear, less the one person; none where they share none)."""
    blocks, _records = _generated_blocks(name_limit=3)
    unknown = blocks.pairs[blocks.namesakes == scan._UNKNOWN]
    others = np.array([[a, b] for a in range(1, 40) for b in range(a + 1, 40)])
    pairs = np.concatenate([unknown, others])
    expected = [
        scan._namesakes(blocks.common_keys(a), blocks.common_keys(b), blocks.common)
        for a, b in pairs.tolist()
    ]
    found = blocks.namesakes_over_limit(pairs).tolist()
    assert [None if count < 0 else count for count in found] == expected
    assert len(unknown)
    assert any(count is not None for count in expected)
    assert None in expected


def test_the_pairs_are_shared_among_the_workers_by_birth_year() -> None:
    """Each pair goes to one worker, by the birth year its persons' date keys tell (the
    lower person's, else the higher's); a year's pairs all go to one worker, and the
    workers get about as many pairs (no more apart than the largest year's)."""
    blocks, records = _generated_blocks(name_limit=30)
    shares = scan._shares(blocks, 2)
    assert sorted(np.concatenate(shares).tolist()) == list(range(len(blocks.pairs)))
    years = scan._years(blocks.born, blocks.pairs)
    for (low, high), year in zip(blocks.pairs.tolist(), years.tolist(), strict=True):
        born = records[low].date_of_birth or records[high].date_of_birth
        assert year == (born.year if born is not None and born.year >= 1880 else -1)
    first, second = ({int(year) for year in years[share]} for share in shares)
    assert not first & second
    most = max(np.unique(years, return_counts=True)[1])
    assert abs(len(shares[0]) - len(shares[1])) <= most
