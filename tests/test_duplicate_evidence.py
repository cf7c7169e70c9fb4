"""The duplicate check's kinds of evidence beyond names and dates (issue 19): the JMBG,
former surnames, a parent's name, names without a date of birth, and "Dj"."""

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from spona.accounts.models import Role, User
from spona.people import matching
from spona.people.duplicates import find_candidates, record_of
from spona.people.matching import PersonRecord, blocking_keys, score
from spona.people.models import Person
from spona.people.services import person_register
from tests.factories import InstitutionFactory, MunicipalityFactory, UserFactory

BORN = date(1990, 3, 15)
JMBG = "1503990715500"  # a woman born 15 March 1990 in Belgrade
OTHER_JMBG = "1503990715519"


def rec(given: str, family: str, born: date | None = BORN, **kw: Any) -> PersonRecord:
    return PersonRecord(given=given, family=family, date_of_birth=born, **kw)


def likely(a: PersonRecord, b: PersonRecord, namesakes: int | None = None) -> bool:
    return score(a, b, namesakes=namesakes) >= matching.THRESHOLD


def meet(a: PersonRecord, b: PersonRecord) -> bool:
    return bool(blocking_keys(a) & blocking_keys(b))


def test_the_other_jmbg_is_valid() -> None:
    from spona.people import jmbg

    assert jmbg.is_valid(OTHER_JMBG)


# --- the JMBG ----------------------------------------------------------------------------


def test_an_equal_jmbg_is_decisive() -> None:
    """The same number under another name, no date, another place: the same person."""
    stored = rec("Milica", "Jovanović", municipality_id=1, jmbg=JMBG)
    new = rec("Mila", "Nikolov", None, municipality_id=2, jmbg=JMBG)
    assert likely(stored, new)
    assert score(stored, new) > 0.999
    assert meet(stored, new)


def test_two_different_jmbgs_nearly_rule_a_match_out() -> None:
    """Same name, date, sex and place, but two valid numbers: two people (twins, say)."""
    a = rec("Milica", "Jovanović", sex="female", municipality_id=1, jmbg=JMBG)
    b = rec("Milica", "Jovanović", sex="female", municipality_id=1, jmbg=OTHER_JMBG)
    assert likely(a, rec("Milica", "Jovanović", sex="female", municipality_id=1))
    assert not likely(a, b)
    assert not likely(a, b, namesakes=1)


def test_one_jmbg_alone_is_neutral() -> None:
    a = rec("Milica", "Jovanović", municipality_id=1, jmbg=JMBG)
    b = rec("Milica", "Jovanović", municipality_id=1)
    assert score(a, b) == score(replace_jmbg(a), b)


def replace_jmbg(record: PersonRecord) -> PersonRecord:
    from dataclasses import replace

    return replace(record, jmbg="")


# --- identity documents ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "registered", "same"),
    [
        (  # the same passport, a new surname and no date: the same person
            rec("Milica", "Obradović", municipality_id=1, documents=("009123456",)),
            rec("Milica", "Nikolov", None, municipality_id=1, documents=("009123456",)),
            True,
        ),
        (  # one digit slipped, the rest agrees
            rec("Milica", "Obradović", municipality_id=1, documents=("009123456",)),
            rec("Milica", "Obradovic", municipality_id=1, documents=("009123466",)),
            True,
        ),
        (  # the same number on a stranger, born another day elsewhere: not enough
            rec("Milica", "Obradović", municipality_id=1, documents=("009123456",)),
            rec("Dragan", "Ilić", date(1961, 7, 2), municipality_id=2, documents=("009123456",)),
            False,
        ),
        (  # different documents say nothing against (people hold several)
            rec("Milica", "Obradović", municipality_id=1, documents=("009123456",)),
            rec("Milica", "Obradović", municipality_id=1, documents=("AB1234",)),
            True,
        ),
    ],
)
def test_a_shared_document_number_is_strong_evidence(
    stored: PersonRecord, registered: PersonRecord, same: bool
) -> None:
    assert likely(stored, registered) is same
    if stored.documents == registered.documents:
        assert meet(stored, registered)
        assert "same_document" in matching.explain(stored, registered)


def test_a_stored_document_finds_its_person_in_either_script(manager: User) -> None:
    from spona.people.services import Document

    stored = person_register(
        user=manager,
        given_name="Ана",
        family_name="Илић",
        date_of_birth="1990-03-15",
        documents=[Document(kind="passport", number="АБ 123-456")],
    )
    new = person_register(
        user=manager,
        given_name="Ana",
        family_name="Nikolov",
        date_of_birth="1990-03-15",
        documents=[Document(kind="passport", number="AB123456")],
    )
    assert [c.person_id for c in find_candidates(record_of(new), exclude_pk=new.pk)] == [stored.pk]


# --- former surnames ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "registered"),
    [
        (  # registered under her married name, with her birth surname
            rec("Milica", "Obradović", sex="female", municipality_id=1),
            rec(
                "Milica", "Nikolov", sex="female", municipality_id=2, former_surnames=("Obradović",)
            ),
        ),
        (  # known under her married name, registered under her birth surname
            rec("Milica", "Nikolov", sex="female", former_surnames=("Обрадовић",)),
            rec("Милица", "Обрадовић", sex="female"),
        ),
        (  # two marriages: the previous surname
            rec("Jelena", "Marković", former_surnames=("Petrović", "Ilić")),
            rec("Jelena", "Ilic", municipality_id=4),
        ),
        (  # another name used
            rec("Jelena", "Marković", other_names=("Lena Markovic",)),
            rec("Lena", "Marković"),
        ),
    ],
)
def test_a_former_surname_counts_as_the_family_name(
    stored: PersonRecord, registered: PersonRecord
) -> None:
    assert likely(stored, registered)
    assert meet(stored, registered)
    forgotten = replace(registered, former_surnames=(), other_names=())
    plain = replace(stored, former_surnames=(), other_names=())
    assert not likely(plain, forgotten), "without the former surname it would not match"


def test_a_parents_name_is_evidence_both_ways() -> None:
    stored = rec("Milica", "Jovanović", None, municipality_id=1, parent="Dragan")
    assert score(stored, rec("Milica", "Jovanović", None, municipality_id=1, parent="Драган")) > (
        score(stored, rec("Milica", "Jovanović", None, municipality_id=1))
    )
    assert score(stored, rec("Milica", "Jovanović", None, municipality_id=1, parent="Petar")) < (
        score(stored, rec("Milica", "Jovanović", None, municipality_id=1))
    )


def married(family: str, **kw: Any) -> PersonRecord:
    """Milica, born on BORN, living in municipality 3 (a small town: 0.5% of people)."""
    return rec("Milica", family, sex="female", municipality_id=3, **kw)


def small_town(a: PersonRecord, b: PersonRecord) -> bool:
    return score(a, b, place_share=0.005) >= matching.THRESHOLD


def test_a_replaced_surname_needs_the_same_parent_where_both_carry_one() -> None:
    """A woman's parent's name does not change when she marries: the same given name, date
    and small town under another surname is her married name, unless the two records
    name another parent; then the surname counts as another name (two departures)."""
    stored = married("Petrović", parent="Dragan")
    assert small_town(stored, married("Marković", parent="Драган"))
    assert small_town(stored, married("Marković"))  # one parent unknown: she may have married
    assert not small_town(stored, married("Marković", parent="Zoran"))


def test_a_woman_with_two_surnames_has_no_third_by_marriage() -> None:
    """Registered with two surnames, her birth surname and her husband's, a woman is the
    stored one whose surname is either of them, not one with a third surname."""
    stored = married("Petrović")
    assert likely(stored, married("Petrović Marković"))  # her birth surname, his added
    assert likely(married("Marković"), married("Petrović Marković"))  # stored married
    assert likely(stored, married("Marković"))  # one surname replaced
    assert not likely(stored, married("Jovanović Marković"))  # a third surname


# --- without a date of birth -------------------------------------------------------------


def test_without_a_date_a_rare_name_matches_even_in_another_municipality() -> None:
    stored = rec("Teodora", "Vukašinović", sex="female", municipality_id=1)
    moved = rec("Теодора", "Вукашиновић", None, sex="female", municipality_id=2)
    assert likely(stored, moved, namesakes=1)  # the only person with that name
    assert not likely(stored, moved, namesakes=3)  # one of three: not on a name alone


def test_without_a_date_a_common_name_needs_more_than_the_municipality() -> None:
    stored = rec("Milica", "Jovanović", sex="female", municipality_id=1)
    undated = rec("Milica", "Jovanović", None, sex="female", municipality_id=1)
    assert likely(stored, undated, namesakes=2)
    assert not likely(stored, undated, namesakes=8)
    # with a date on both sides the same count of namesakes is no obstacle
    assert likely(stored, rec("Milica", "Jovanović", sex="female", municipality_id=1), 8)


@pytest.mark.parametrize(
    ("namesakes", "neighbours", "same"),
    [
        (30, 1, True),  # a common name borne by no one else in the municipality
        (30, 2, True),  # by one other person there
        (30, 8, False),  # common there too: not on the name alone
        (30, None, False),  # the municipality's count unknown: the name's count decides
        (1, 1, True),  # a rare name, as before
    ],
)
def test_without_a_date_the_name_counts_in_the_municipality_both_live_in(
    namesakes: int, neighbours: int | None, same: bool
) -> None:
    """Without a date, what could explain the same name in the same municipality is
    another person of that name living there: a name borne by thirty in the country and
    by the candidate alone in the town is rare there."""
    stored = rec("Dragica", "Stanković", sex="female", municipality_id=27)
    undated = rec("Драгица", "Станковић", None, sex="female", municipality_id=27)
    assert (score(stored, undated, namesakes=namesakes, neighbours=neighbours) >= 0.5) is same


def test_the_municipalitys_count_is_for_the_same_name_not_a_name_a_slip_apart() -> None:
    """ "Mila" and "Mina" Milošević share one typo key, borne by few; the persons a slip
    from the name living there are more than that key counts."""
    stored = rec("Mina", "Milošević", sex="female", municipality_id=28)
    undated = rec("Mila", "Milošević", None, sex="female", municipality_id=28)
    assert score(stored, undated, namesakes=59, neighbours=1) == score(
        stored, undated, namesakes=59
    )
    assert score(stored, undated, namesakes=59) < 0.5


def test_a_name_nobody_bears_as_written_is_a_slip_counted_in_the_municipality() -> None:
    """Nobody is stored as "Jasmina Nedeljkovaić": it is a slip of a name, and what could
    explain it in the town is the two persons there a slip from it. Had someone borne it
    as written (Mila beside Mina), the country's count would decide, as before."""
    stored = rec("Jasmina", "Nedeljković", sex="female", municipality_id=3)
    slip = rec("Јасмина", "Недељковаић", None, sex="female", municipality_id=3)
    assert score(slip, stored, namesakes=24, neighbours=2, written=0) >= 0.5
    assert score(slip, stored, namesakes=24, neighbours=2, written=1) < 0.5
    assert score(slip, stored, namesakes=24, neighbours=2) < 0.5, "unknown: as if borne"
    elsewhere = replace(slip, municipality_id=4)
    assert score(elsewhere, stored, namesakes=24, neighbours=2, written=0) < 0.5


def test_the_municipalitys_count_does_not_help_a_candidate_living_elsewhere() -> None:
    stored = rec("Dragica", "Stanković", sex="female", municipality_id=28)
    undated = rec("Драгица", "Станковић", None, sex="female", municipality_id=27)
    assert score(stored, undated, namesakes=30, neighbours=1) == score(
        stored, undated, namesakes=30
    )
    dated = rec("Драгица", "Станковић", sex="female", municipality_id=28)
    assert score(dated, stored, namesakes=30, neighbours=1) == score(dated, stored, namesakes=30)


def test_where_the_towns_count_decides_the_towns_size_is_not_counted_again() -> None:
    """One Dragica Stanković lives in the town: rare there, whether the town is small or a
    city (the count is of the people there); where the country's count decides (living
    elsewhere, or no count of the town: the batch scan), the size of the town still counts."""
    stored = rec("Dragica", "Stanković", sex="female", municipality_id=27)
    undated = rec("Драгица", "Станковић", None, sex="female", municipality_id=27)

    def alike(share: float, **counts: Any) -> float:
        return score(stored, undated, namesakes=30, place_share=share, **counts)

    assert alike(0.001, neighbours=1) == alike(0.06, neighbours=1) >= matching.THRESHOLD
    assert alike(0.001) > alike(0.06)


def test_namesakes_who_cannot_be_one_person_share_the_chance(manager: User) -> None:
    """Two Dragica Stanković live in the town, born years apart: an undated registration of
    that name is either of them, or someone new, so neither is suggested; one of them
    alone is, and a person stored twice (the same date) is suggested twice."""
    place = MunicipalityFactory()
    first = _stanković(manager, place, "1971-02-03")
    new = PersonRecord("Драгица", "Станковић", sex="female", municipality_id=place.pk)
    assert [c.person_id for c in find_candidates(new)] == [first.pk]
    _stanković(manager, place, "1994-10-12")
    assert find_candidates(new) == []
    again = _stanković(manager, place, "1971-02-03")
    dated = replace(new, date_of_birth=date(1971, 2, 3))
    assert {c.person_id for c in find_candidates(dated)} == {first.pk, again.pk}


def _stanković(user: User, place: Any, born: str) -> Person:
    return person_register(
        user=user,
        given_name="Dragica",
        family_name="Stanković",
        date_of_birth=born,
        sex="female",
        municipality=place,
    )


# --- two slips ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "registered", "same"),
    [
        (  # a slip in each record's surname, the same date and municipality
            rec("Vuk", "Stojović", sex="male", municipality_id=37),
            rec("Вук", "Стојтковић", sex="male", municipality_id=37),
            True,
        ),
        (  # the same, in another municipality: not enough
            rec("Vuk", "Stojović", sex="male", municipality_id=37),
            rec("Вук", "Стојтковић", sex="male", municipality_id=38),
            False,
        ),
        (  # twins: two given names two slips apart are two names
            rec("Milena", "Jovanović", sex="female", municipality_id=1),
            rec("Milica", "Jovanović", sex="female", municipality_id=1),
            False,
        ),
        (  # two surnames three slips apart are two families
            rec("Vuk", "Stojović", sex="male", municipality_id=37),
            rec("Vuk", "Stanković", sex="male", municipality_id=37),
            False,
        ),
    ],
)
def test_two_slips_in_a_surname_count_less_against_than_another_surname(
    stored: PersonRecord, registered: PersonRecord, same: bool
) -> None:
    assert likely(stored, registered) is same


@pytest.mark.parametrize(
    ("short", "longer", "family", "sex"),
    [
        ("An", "Anh", "Nguyen", "female"),
        ("Li", "Lin", "Wang", "male"),
        ("Vu", "Vuk", "Tran", "male"),
        ("Al", "Ali", "Hassan", "male"),
        ("Le", "Lea", "Pham", "female"),
    ],
)
def test_twins_whose_names_are_two_and_three_letters_stay_two_people(
    short: str, longer: str, family: str, sex: str
) -> None:
    """Two letters are a name too (An, Li, Vu, Al, Le): twins of one family, one date and one
    town, named one letter apart, are two people, not a slip (a rule reading every two-letter
    token as a three-letter name less a letter was withdrawn for this)."""
    stored = rec(longer, family, sex=sex, municipality_id=1)
    registered = rec(short, family, sex=sex, municipality_id=1)
    assert not likely(stored, registered)


# --- Dj ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "stored"), [("Djan", "Dejan"), ("Djana", "Dijana")])
def test_dj_is_compared_both_as_dj_and_as_d_and_j(typed: str, stored: str) -> None:
    """ "Djan" read as Đan is two edits from Dejan; read as D and J it is one."""
    assert matching.token_points(typed.lower(), stored.lower()) == matching.token_points(
        "ana", "ama"
    )
    assert likely(rec(stored, "Petrović"), rec(typed, "Petrović"))
    assert meet(rec(stored, "Petrović", None), rec(typed, "Petrović", None))


def test_dj_still_equals_dj() -> None:
    assert matching.token_points("djan", "djan") == matching.token_points("ana", "ana")
    assert likely(rec("Đorđe", "Đurić"), rec("Djordje", "Djuric"))
    assert likely(rec("Đorđe", "Đurić"), rec("Dordje", "Duric"))


def test_an_age_estimated_decades_off_is_another_person() -> None:
    """An estimated age is a guess: a few years off is near, ten years off is against,
    and more is another generation, as much against as another date of birth (the same
    name, the only bearer in the town: Sara Đokić, born 2002, is not an undated Sara
    Đokić guessed to be born around 1983)."""
    born = rec("Сара", "Ђокић", date(2002, 8, 25), sex="female", municipality_id=1)
    undated = rec("Sara", "Đokić", None, sex="female", municipality_id=1)
    near, off, decades = (
        score(born, replace(undated, birth_year_estimate=year), namesakes=30, neighbours=1)
        for year in (2000, 1994, 1983)
    )
    assert near > off > decades
    assert near >= 0.5 > decades
    assert matching.birth_points(born, replace(undated, birth_year_estimate=1983)) == (
        matching.birth_points(born, rec("Sara", "Đokić", date(1983, 1, 1)))
    )


# --- a patronymic ------------------------------------------------------------------------


def test_a_name_that_is_the_own_parents_name_is_the_patronymic() -> None:
    """Zoran, son of Boško, registered as "Zoran Boško Nikolić": Boško is his father's name,
    not his, so he is not the undated Boško Nikolić of his town (his father, say), and
    his own earlier record without the patronymic is still his."""
    zoran = rec("Зоран Бошко", "Николић", sex="male", municipality_id=12, parent="Бошко")
    bosko = rec("Boško", "Nikolić", None, sex="male", municipality_id=12)
    himself = rec("Zoran", "Nikolić", sex="male", municipality_id=1)
    assert score(zoran, bosko, namesakes=16, neighbours=1) < 0.5
    without_parent = replace(zoran, parent="")
    assert score(without_parent, bosko, namesakes=16, neighbours=1) >= 0.5, "a middle name"
    assert likely(zoran, himself, namesakes=40)
    assert matching.explain(zoran, himself)[0] == "same_name"


def test_a_given_name_that_is_the_parents_too_is_kept() -> None:
    """Petar, son of Petar: his name is his own even though it is his father's."""
    petar = rec("Petar", "Petrović", sex="male", municipality_id=1, parent="Petar")
    assert likely(petar, rec("Петар", "Петровић", sex="male", municipality_id=1), namesakes=3)


# --- through the database ----------------------------------------------------------------


@pytest.fixture
def manager(db: Any) -> User:
    place = MunicipalityFactory()
    return UserFactory(role=Role.CASE_MANAGER, institution=InstitutionFactory(municipality=place))


def test_stored_persons_are_found_by_jmbg_and_birth_surname(manager: User) -> None:
    elsewhere = MunicipalityFactory()
    by_jmbg = person_register(
        user=manager, given_name="Ана", family_name="Илић", jmbg=JMBG, sex="female"
    )
    by_surname = person_register(
        user=manager,
        given_name="Јелена",
        family_name="Обрадовић",
        date_of_birth="1985-12-31",
        municipality=elsewhere,
    )
    first = Person(given_name="Ana", family_name="Nikolov", jmbg=JMBG, sex="unknown")
    assert [c.person_id for c in find_candidates(record_of(first))] == [by_jmbg.pk]
    second = Person(
        given_name="Jelena",
        family_name="Nikolov",
        birth_surname="Obradović",
        date_of_birth="1985-12-31",
    )
    assert [c.person_id for c in find_candidates(record_of(second))] == [by_surname.pk]


def test_an_undated_rare_name_is_found_in_another_municipality(manager: User) -> None:
    here, there = MunicipalityFactory(), MunicipalityFactory()
    known = person_register(
        user=manager,
        given_name="Теодора",
        family_name="Вукашиновић",
        date_of_birth="1994-07-01",
        sex="female",
        municipality=here,
    )
    for given in ["Милица", "Јелена"]:  # other people with the surname
        person_register(user=manager, given_name=given, family_name="Вукашиновић")
    new = Person(given_name="Teodora", family_name="Vukasinovic", sex="female", municipality=there)
    assert [c.person_id for c in find_candidates(record_of(new))] == [known.pk]
    for _ in range(3):  # once the name is common, it is no longer enough without a date
        person_register(
            user=manager, given_name="Теодора", family_name="Вукашиновић", municipality=here
        )
    assert known.pk not in [c.person_id for c in find_candidates(record_of(new))]


def test_an_undated_common_name_is_found_where_only_the_candidate_bears_it(
    manager: User,
) -> None:
    here, elsewhere = MunicipalityFactory(), MunicipalityFactory()
    known = person_register(
        user=manager,
        given_name="Драгица",
        family_name="Станковић",
        date_of_birth="1985-08-09",
        sex="female",
        municipality=here,
    )
    for born in ["1961-01-02", "1970-03-04", "1979-05-06", "1988-07-08", "1999-09-10"]:
        person_register(  # namesakes living elsewhere
            user=manager,
            given_name="Драгица",
            family_name="Станковић",
            date_of_birth=born,
            sex="female",
            municipality=elsewhere,
        )
    new = Person(given_name="Dragica", family_name="Stanković", sex="female", municipality=here)
    assert [c.person_id for c in find_candidates(record_of(new))] == [known.pk]
    away = Person(given_name="Dragica", family_name="Stanković", sex="female")
    assert find_candidates(record_of(away)) == [], "without a municipality: six namesakes"


def test_an_undated_slip_is_found_where_only_the_candidate_bears_the_name(
    manager: User,
) -> None:
    """Nobody is stored as "Jasmina Nedeljkovaić", so it is a slip; of the six Jasmina
    Nedeljković, one lives in the town the new record gives."""
    here, elsewhere = MunicipalityFactory(), MunicipalityFactory()
    known = person_register(
        user=manager,
        given_name="Јасмина",
        family_name="Недељковић",
        date_of_birth="1978-10-08",
        sex="female",
        municipality=here,
    )
    for born in ["1961-01-02", "1970-03-04", "1979-05-06", "1988-07-08", "1999-09-10"]:
        person_register(
            user=manager,
            given_name="Јасмина",
            family_name="Недељковић",
            date_of_birth=born,
            sex="female",
            municipality=elsewhere,
        )
    slip = Person(given_name="Jasmina", family_name="Nedeljkovaić", sex="female", municipality=here)
    assert [c.person_id for c in find_candidates(record_of(slip))] == [known.pk]


# --- in words ----------------------------------------------------------------------------


def test_each_suggested_match_is_explained() -> None:
    assert matching.explain(
        rec("Milica", "Jovanović", None, jmbg=JMBG), rec("Mila", "Nikolov", None, jmbg=JMBG)
    ) == ["same_jmbg"]
    married = rec("Milica", "Nikolov", former_surnames=("Obradović",), parent="Dragan")
    assert matching.explain(married, rec("Милица", "Обрадовић", parent="Драган")) == [
        "former_name",
        "same_parent",
        "same_date_of_birth",
    ]
    assert matching.explain(
        rec("Milica", "Jovanović", municipality_id=1),
        rec("Milcia", "Jovanović", date(1990, 3, 16), municipality_id=1),
    ) == ["similar_name", "near_date_of_birth", "same_municipality"]


def test_the_detail_page_says_why_a_duplicate_is_suggested(manager: User, client: Any) -> None:
    from django.urls import reverse

    from spona.people.services import duplicate_check

    known = person_register(
        user=manager, given_name="Milica", family_name="Obradović", parent_name="Dragan"
    )
    new = person_register(
        user=manager,
        given_name="Milica",
        family_name="Nikolov",
        birth_surname="Obradović",
        parent_name="Dragan",
        jmbg=JMBG,
    )
    assert [s.match_id for s in duplicate_check(user=manager, person=new)] == [known.pk]
    client.force_login(manager)
    page = client.get(reverse("people:person_detail", args=[new.code])).content.decode()
    assert "исто име једног родитеља" in page


# --- the settlement ----------------------------------------------------------------------


def test_the_same_settlement_adds_a_little_and_another_counts_neither_way() -> None:
    stored = rec("Јована", "Марић", municipality_id=1, settlement="Житковац")
    typed = rec("Jovana", "Maric", municipality_id=1, settlement="Zitkovca")  # a slip
    moved = replace(typed, settlement="Moravac")
    unknown = replace(typed, settlement="")
    assert matching.points(stored, typed) > matching.points(stored, unknown)
    assert matching.points(stored, moved) == matching.points(stored, unknown)


# --- slips in a date of birth and in a document; a record without a name ------------------


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        (date(1974, 3, 12), date(1974, 8, 12)),  # 12.03. typed 12.08.: a digit of the month
        (date(1974, 3, 12), date(1974, 3, 21)),  # 12.03. typed 21.03.: the day's digits swapped
        (date(1974, 1, 21), date(1974, 11, 20)),  # 21.01. typed 20.11.: swapped across the dot
        (date(1974, 2, 10), date(1974, 1, 20)),  # 1974-02-10 imported as 1974-01-20
    ],
)
def test_a_date_of_birth_with_one_digit_slipped_links_the_same_man(
    stored: date, typed: date
) -> None:
    """Nikola Stanković, registered again in his municipality with the date mistyped: the
    same year, the day and month one slip apart, as written here or in an ISO import."""
    known = rec("Nikola", "Stanković", stored, sex="male", municipality_id=4)
    again = rec("Nikola", "Stanković", typed, sex="male", municipality_id=4)
    assert likely(known, again)
    assert meet(known, again)
    assert "near_date_of_birth" in matching.explain(known, again)
    stranger = rec("Nikola", "Stanković", date(1974, 6, 30), sex="male", municipality_id=4)
    assert not likely(known, stranger)  # another day of the same year: no slip explains it


@pytest.mark.parametrize(
    ("father", "son"),
    [
        (date(1950, 3, 12), date(1980, 7, 24)),
        (date(1950, 3, 12), date(1980, 3, 12)),  # the same day, a digit of the year apart
        (date(1958, 3, 12), date(1985, 3, 12)),  # the year's last digits swapped
        (date(1950, 3, 12), date(1980, 3, 21)),
    ],
)
def test_father_and_son_of_one_name_in_one_flat_are_not_linked(father: date, son: date) -> None:
    """Dragan Petrović and his son Dragan, both at Njegoševa 14/3: the name, the address and
    the municipality agree, and the years are decades apart. A slip in a date is looked for
    within one year only."""
    flat = {"sex": "male", "municipality_id": 4, "address": "Njegoševa 14/3"}
    senior = rec("Dragan", "Petrović", father, **flat)
    junior = rec("Dragan", "Petrović", son, **flat)
    assert not likely(senior, junior)
    assert not likely(senior, junior, namesakes=10)


def test_a_passport_number_with_two_digits_swapped_on_the_same_woman_links() -> None:
    """Milica Obradović registered again elsewhere, without her date of birth, her passport
    number with two digits swapped: the same document mistyped, beside the same name."""
    known = rec("Milica", "Obradović", sex="female", municipality_id=1, documents=("009123456",))
    again = rec("Milica", "Obradović", None, sex="female", municipality_id=2)
    assert not likely(known, again)
    assert likely(known, replace(again, documents=("009124356",)))


def test_a_record_without_a_name_is_the_person_of_its_document_and_date_of_birth() -> None:
    """A record whose name was left blank is linked by the same identity document and the
    same date of birth together; not by the document alone (a child recorded on a parent's
    document) nor by the date and the address (twins, a household)."""
    known = rec(
        "Jelena", "Savić", municipality_id=3, address="Cara Dušana 8", documents=("007654321",)
    )
    unnamed = rec("", "", municipality_id=3, address="Cara Dušana 8", documents=("007654321",))
    assert likely(known, unnamed)
    assert meet(known, unnamed)
    assert matching.explain(known, unnamed)[:2] == ["same_document", "same_date_of_birth"]
    assert not likely(known, replace(unnamed, date_of_birth=date(2015, 6, 1)))
    assert not likely(known, replace(unnamed, documents=()))
