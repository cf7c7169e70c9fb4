"""The address of residence (issue 19): stored encrypted, on the person form and page, and
evidence in matching (the same street and house number for, another number on the same
street weakly against, missing on either side neither way), with its own blocking keys."""

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from spona.accounts.models import Role, User
from spona.institutions.models import InstitutionType
from spona.people import matching
from spona.people.duplicates import record_of
from spona.people.matching import THRESHOLD, Address, PersonRecord
from spona.people.models import DuplicateSuspicion, Person
from spona.people.services import duplicate_scan, person_register
from tests.factories import InstitutionFactory, MunicipalityFactory, UserFactory
from tests.test_api_duplicates import QUEUE, _api
from tests.test_identifiers import FORM

SAME, SWAPPED, OTHER_NUMBER, STREET_ONLY, NOTHING = 4.0, 1.5, -0.5, 1.0, 0.0

# --- reading and comparing addresses -----------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "street", "number"),
    [
        ("Кнеза Милоша 12", ("kneza", "milosa"), "12"),
        ("Kneza Miloša 12/4, stan 3", ("kneza", "milosa"), "12"),  # the flat left out
        ("ул. Његошева бр. 4", ("Negoseva",), "4"),  # "ul." and "br." name no street
        ("27. марта 14а", ("27", "marta"), "14a"),  # an ordinal is part of the name
        ("27. marta 14 a", ("27", "marta"), "14a"),
        ("12 Stanley Street, Miami", ("stanley", "street"), "12"),  # number first
        ("Булевар ослобођења бб", ("bulevar", "oslobodeNa"), ""),  # bez broja
        ("Главна 012", ("glavna",), "12"),
        ("", (), ""),
    ],
)
def test_an_address_is_read_as_street_and_house_number(
    typed: str, street: tuple[str, ...], number: str
) -> None:
    assert matching.address_parts(typed) == Address(street, number)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Кнеза Милоша 12", "Кнеза Милоша 12", SAME),
        ("Кнеза Милоша 12", "Kneza Miloša 12", SAME),  # Cyrillic and Latin
        ("Кнеза Милоша 12", "Kneza Milosa 12", SAME),  # without diacritics
        ("Његошева 4", "Njegoseva 4", SAME),
        ("Kneza Miloša 12", "Kneza Milоsa 12", SAME),  # one letter typed in Cyrillic
        ("Kneza Miloša 12", "Kneza Milša 12", SAME),  # a typo
        ("Kneza Miloša 12", "Kenza Miloša 12", SAME),  # two letters swapped
        ("Kneza Miloša 12", "KnezaMiloša 12", SAME),  # words run together
        ("ul. Kneza Miloša br. 12", "Kneza Miloša 12, stan 4", SAME),
        ("Kneza Miloša 12", "Kneza Miloša 14", OTHER_NUMBER),
        ("Kneza Miloša 12", "Kneza Miloša 12a", OTHER_NUMBER),
        ("Kneza Miloša 14", "Kneza Miloša 41", SWAPPED),  # a slip, not a neighbour
        ("Kneza Miloša 112", "Kneza Miloša 121", SWAPPED),
        ("Kneza Miloša 112", "Kneza Miloša 211", OTHER_NUMBER),  # not next to each other
        ("Kneza Miloša 12", "Kneza Miloša", STREET_ONLY),  # a number missing
        ("Kneza Miloša 12", "Kneza Miloša bb", STREET_ONLY),
        ("Kneza Miloša 12", "Karađorđeva 12", NOTHING),  # another street: people move
        ("Kneza Miloša 12", "Kneza Mihaila 12", NOTHING),
        ("Kneza Miloša 12", "", NOTHING),  # missing on either side
        ("", "", NOTHING),
        ("Kneza Miloša 12", "12", NOTHING),  # a number without a street
        ("Kneza Miloša 12", "Kneza Mioša Maksimović 12", NOTHING),  # two typos
    ],
)
def test_addresses_are_compared_as_street_and_house_number(a: str, b: str, expected: float) -> None:
    assert matching.address_points(a, b) == expected
    assert matching.address_points(b, a) == expected


def test_addresses_typed_alike_share_their_blocking_key() -> None:
    keys = matching.address_keys("Кнеза Милоша 12")
    assert len(keys) == 1
    for other in ["Kneza Milosa 12", "KnezaMiloša 12", "ul. Kneza Miloša br. 12/3"]:
        assert matching.address_keys(other) == keys, other
    for other in ["Kneza Miloša 14", "Kneza Mihaila 12", "Kneza Milša 12"]:  # a typo: not
        assert not keys & matching.address_keys(other), other
    assert matching.address_keys("Kneza Miloša bb") == set()  # no number: no key
    assert matching.address_keys("12") == set()  # no street: no key
    assert matching.blocking_keys(PersonRecord(given="Ana", address="Кнеза Милоша 12")) >= keys


# --- the address as evidence -------------------------------------------------------------

JELENA = PersonRecord(given="Jelena", family="Marković", municipality_id=1)
JELENA_DATED = PersonRecord(
    given="Јелена", family="Марковић", date_of_birth=date(1990, 1, 1), municipality_id=1
)


def _at(record: PersonRecord, address: str) -> PersonRecord:
    return replace(record, address=address)


def test_the_same_address_adds_its_points_and_nothing_else_changes() -> None:
    kwargs = {"namesakes": 10, "neighbours": 10}
    without = matching.points(JELENA, JELENA_DATED, **kwargs)
    for a, b, expected in [
        ("Njegoševa 4", "Његошева 4", SAME),
        ("Njegoševa 4", "Његошева 6", OTHER_NUMBER),
        ("Njegoševa 4", "", NOTHING),
    ]:
        found = matching.points(_at(JELENA, a), _at(JELENA_DATED, b), **kwargs)
        assert found == pytest.approx(without + expected)


def test_the_same_address_makes_a_common_undated_name_a_match_and_says_so() -> None:
    kwargs = {"namesakes": 10, "neighbours": 10}
    assert matching.score(JELENA, JELENA_DATED, **kwargs) < THRESHOLD
    a, b = _at(JELENA, "Njegoševa 4"), _at(JELENA_DATED, "Његошева 4")
    assert matching.score(a, b, **kwargs) >= THRESHOLD
    assert "same_address" in matching.explain(a, b)
    assert "same_address" not in matching.explain(a, _at(JELENA_DATED, "Његошева 6"))


def test_the_same_common_name_at_one_address_with_another_date_is_no_match() -> None:
    """A grandfather and his grandson named alike live at one address: the dates of birth
    tell them apart when the name is common."""
    old = PersonRecord(
        given="Milan",
        family="Petrović",
        date_of_birth=date(1950, 3, 1),
        sex="male",
        municipality_id=1,
        settlement="Ржана",
        address="Главна 12",
    )
    young = replace(old, given="Милан", family="Петровић", date_of_birth=date(2005, 7, 9))
    assert matching.score(old, young, namesakes=10) < THRESHOLD


def test_a_house_number_with_its_digits_swapped_is_a_slip_not_a_neighbour() -> None:
    """Jelena Marić, a name five women bear, registered again without her date of birth
    at Cara Dušana 41 instead of 14: the same flat mistyped. At 12, a neighbour's number
    (one digit wrong), she is not linked: that is as often another household."""
    stored = PersonRecord(
        given="Jelena",
        family="Marić",
        date_of_birth=date(1966, 6, 30),
        sex="female",
        municipality_id=1,
        address="Cara Dušana 14",
    )
    again = replace(stored, date_of_birth=None, address="Cara Dušana 41")
    assert matching.score(stored, again, namesakes=5) >= THRESHOLD
    neighbour = replace(again, address="Cara Dušana 12")
    assert matching.score(stored, neighbour, namesakes=5) < THRESHOLD


# --- stored encrypted, on the form and the page ------------------------------------------


@pytest.fixture
def manager(db: Any) -> User:
    place = MunicipalityFactory()
    return UserFactory(role=Role.CASE_MANAGER, institution=InstitutionFactory(municipality=place))


@pytest.fixture
def centre(db: Any) -> User:
    institution = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    return UserFactory(role=Role.CENTRE_OFFICER, institution=institution)


def test_the_raw_database_holds_no_plaintext_address(manager: User) -> None:
    person = person_register(
        user=manager, given_name="Милица", family_name="Николов", address="Његошева 47/3"
    )
    assert Person.objects.get(pk=person.pk).address == "Његошева 47/3"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_person")
        raw = " ".join(str(value) for row in cursor.fetchall() for value in row)
    for plain in ["Његошева", "Njegoševa", "Njegoseva", "47/3"]:
        assert plain.lower() not in raw.lower(), plain


def test_the_form_and_pages_carry_the_address(manager: User, client: Client) -> None:
    client.force_login(manager)
    posted = client.post(reverse("people:person_create"), {**FORM, "address": "Кнеза Милоша 12"})
    assert posted.status_code == 302, posted.content.decode()
    person = Person.objects.get()
    assert person.address == "Кнеза Милоша 12"
    assert record_of(person).address == "Кнеза Милоша 12"
    assert "Кнеза Милоша 12" in client.get(posted["Location"]).content.decode()
    edit = reverse("people:person_edit", args=[person.code])
    assert "Кнеза Милоша 12" in client.get(edit).content.decode()
    fields = {**FORM, "address": "Kneza Miloša 14", "version": "1"}
    assert client.post(edit, fields).status_code == 302
    person.refresh_from_db()
    assert (person.address, person.version) == ("Kneza Miloša 14", 2)


def test_the_scan_reads_the_address_and_the_api_words_it(municipality: Any, centre: User) -> None:
    def register(given: str, family: str, address: str) -> Person:
        user = UserFactory(
            role=Role.CASE_MANAGER, institution=InstitutionFactory(municipality=municipality)
        )
        return person_register(
            user=user,
            given_name=given,
            family_name=family,
            sex="female",
            municipality=municipality,
            address=address,
        )

    for n in range(12):  # a common name: without the address, no match
        register("Јелена", "Марковић", f"Вука Караџића {n + 1}")
    register("Jelena", "Markovic", "Vuka Karadzica 5")
    duplicate_scan(user=None)
    (suspicion,) = DuplicateSuspicion.objects.all()
    assert {suspicion.person.address, suspicion.match.address} == {
        "Вука Караџића 5",
        "Vuka Karadzica 5",
    }
    assert "same_address" in suspicion.reasons
    (item,) = _api(centre, "en").get(QUEUE).json()["results"]
    assert "same address" in item["reasons"]
    (item,) = _api(centre, "sr").get(QUEUE).json()["results"]
    assert "иста адреса" in item["reasons"]
