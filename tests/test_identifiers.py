"""Serbian identifiers of a person (issue 19): the JMBG, a parent's name, former surnames,
other names used and identity documents; encrypted, and found by exact search."""

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from spona.accounts.models import Role, User
from spona.people import jmbg
from spona.people.forms import PersonForm
from spona.people.models import IdentityDocument, Person
from spona.people.selectors import person_list_page
from spona.people.services import Document, person_register, person_update
from tests.factories import InstitutionFactory, MunicipalityFactory, UserFactory
from tests.test_translated_pages import english_words

TODAY = date(2026, 12, 6)

# --- the JMBG ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "born", "sex", "region"),
    [
        ("1503990710010", date(1990, 3, 15), "male", "71"),  # Belgrade
        ("1503990715500", date(1990, 3, 15), "female", "71"),  # m = 10 or 11: K = 0
        ("2902000800059", date(2000, 2, 29), "male", "80"),  # Novi Sad, a leap day
        ("3112985785019", date(1985, 12, 31), "female", "78"),
        ("0705917735127", date(1917, 5, 7), "female", "73"),
        ("15 03 990 71 001 0", date(1990, 3, 15), "male", "71"),  # typed in groups
        ("1503-990-710010", date(1990, 3, 15), "male", "71"),
    ],
)
def test_valid_jmbgs_give_the_date_of_birth_sex_and_region(
    number: str, born: date, sex: str, region: str
) -> None:
    read = jmbg.validate(number, today=TODAY)
    assert (read.date_of_birth, read.sex, read.region) == (born, sex, region)
    assert read.number == jmbg.normalise(number)


def test_the_check_digit_of_the_published_example() -> None:
    """0101100710006: the first boy registered in Belgrade on 1 January 2100 (Wikipedia)."""
    assert jmbg.check_digit("010110071000") == 6


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("1503990710011", "jmbg_checksum"),  # the check digit changed
        ("1503990710020", "jmbg_checksum"),  # a serial digit mistyped
        ("1530990710010", "jmbg_checksum"),  # two neighbours swapped
        ("1503990701010", "jmbg_checksum"),
        ("3102990710005", "jmbg_date"),  # 31 February (a right check digit)
        ("2902001800052", "jmbg_date"),  # 29 February 2001
        ("0113990710006", "jmbg_date"),  # month 13
        ("0101500710005", "jmbg_date"),  # year 1500: neither 9xx nor 0xx
        ("0101030710003", "jmbg_date"),  # 2030: in the future
        ("150399071001", "jmbg_length"),  # twelve digits
        ("15039907100100", "jmbg_length"),
        ("15039907100I0", "jmbg_length"),  # a letter
        ("١٥٠٣٩٩٠٧١٠٠١٠", "jmbg_length"),  # digits, but not ASCII
    ],
)
def test_corrupted_jmbgs_are_refused_with_the_reason(number: str, code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        jmbg.validate(number, today=TODAY)
    assert refused.value.code == code
    assert not jmbg.is_valid(number)


def test_the_date_cases_above_have_right_check_digits() -> None:
    """So that they are refused for their date, not their check digit."""
    for number in [
        "3102990710005",
        "2902001800052",
        "0113990710006",
        "0101500710005",
        "0101030710003",
    ]:
        assert jmbg.check_digit(number[:12]) == int(number[12]), number


# --- the JMBG on the person form ---------------------------------------------------------

FORM = {
    "given_name": "Milica",
    "family_name": "Jovanović",
    "sex": "female",
    "citizenship": "RS",
    "settlement": "",
    "estimated_age": "",
}


def _form(**fields: Any) -> PersonForm:
    return PersonForm({**FORM, **fields})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "valid", "message"),
    [
        ({"jmbg": "1503990715500", "date_of_birth": "1990-03-15"}, True, ""),
        ({"jmbg": "", "date_of_birth": "1990-03-15"}, True, ""),  # optional
        ({"jmbg": "1503990715500", "date_of_birth": "1990-03-16"}, False, "1990-03-15"),
        ({"jmbg": "1503990710010", "date_of_birth": "1990-03-15"}, False, "a man's"),
        (  # a mismatch the person's own documents carry: kept
            {"jmbg": "1503990710010", "date_of_birth": "1990-03-15", "jmbg_as_documented": "on"},
            True,
            "",
        ),
        ({"jmbg": "1503990710501"}, False, "check digit"),
    ],
)
def test_the_form_checks_the_jmbg_against_the_recorded_date_and_sex(
    fields: dict[str, str], valid: bool, message: str
) -> None:
    with override("en"):
        form = _form(**fields)
        assert form.is_valid() is valid, form.errors
        if message:
            assert message in " ".join(form.errors["jmbg"])


@pytest.mark.django_db
def test_the_jmbg_fills_a_missing_date_of_birth_and_sex() -> None:
    form = _form(jmbg="1503 990 71550 0", sex="unknown", date_of_birth="")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == "1990-03-15"
    assert form.cleaned_data["sex"] == "female"
    assert form.cleaned_data["jmbg"] == "1503990715500"


# --- stored encrypted, found by exact search ---------------------------------------------


@pytest.fixture
def manager(db: Any) -> User:
    place = MunicipalityFactory()
    return UserFactory(role=Role.CASE_MANAGER, institution=InstitutionFactory(municipality=place))


def _register(user: User, documents: list[Document] | None = None, **fields: Any) -> Person:
    defaults: dict[str, Any] = {
        "given_name": "Милица",
        "family_name": "Николов",
        "sex": "female",
        "date_of_birth": "1990-03-15",
        "jmbg": "1503990715500",
        "parent_name": "Драган",
        "birth_surname": "Обрадовић",
        "previous_surnames": "Петровић, Марковић",
        "other_names": "Мила Обрадовић",
    }
    if documents is None:
        documents = [
            Document(kind="id_card", number="009876543", country="RS"),
            Document(kind="passport", number="AB 123-456", country="BA"),
        ]
    return person_register(user=user, documents=documents, **{**defaults, **fields})


PLAIN = [
    "1503990715500",
    "009876543",
    "AB 123-456",
    "AB123456",
    "ab123456",
    "Драган",
    "Dragan",
    "Обрадовић",
    "Obradovi",
    "Петровић",
    "Марковић",
    "Мила",
    "Николов",
]


def test_the_raw_database_holds_no_plaintext_identifier(manager: User) -> None:
    _register(manager)
    with connection.cursor() as cursor:
        for table in ["people_person", "people_identitydocument", "people_personnameindex"]:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - own table names
            rows = " ".join(str(value) for row in cursor.fetchall() for value in row)
            assert rows, table
            for plain in PLAIN:
                assert plain.lower() not in rows.lower(), (table, plain)


@pytest.mark.parametrize(
    "typed",
    [
        "1503990715500",
        "1503 990 715 500",
        "009876543",
        "AB123456",
        "ab 123 456",
        "АБ 123-456",  # the letters typed in Cyrillic
        "Милица Обрадовић",  # the birth surname
        "Milica Petrovic",  # a previous surname, in Latin
        "Мила Обрадовић",  # another name used
        "Milica Nikolov",
    ],
)
def test_exact_search_by_identifier_or_former_name_in_either_script(
    manager: User, typed: str
) -> None:
    person = _register(manager)
    _register(  # someone else
        manager,
        given_name="Јована",
        jmbg="",
        birth_surname="",
        previous_surnames="",
        other_names="",
        date_of_birth="1991-01-01",
        documents=[Document(kind="id_card", number="009876544")],
    )
    assert _found(user=manager, name=typed) == [person]


def test_a_near_number_finds_nobody(manager: User) -> None:
    _register(manager)
    assert _found(user=manager, name="1503990710010") == []
    assert _found(user=manager, name="AB123457") == []


def test_editing_replaces_documents_only_when_given(manager: User) -> None:
    person = _register(manager)
    person.parent_name = "Petar"
    person_update(user=manager, person=person, expected_version=1, changed=["parent_name"])
    assert IdentityDocument.objects.filter(person=person).count() == 2
    person_update(
        user=manager,
        person=person,
        expected_version=2,
        changed=["documents"],
        documents=[Document(kind="passport", number="X1", country="MK")],
    )
    assert [d.number for d in person.documents.all()] == ["X1"]
    assert _found(user=manager, name="Petar") == []  # a parent's name is not the name
    assert _found(user=manager, name="AB123456") == []


def test_the_form_and_detail_page_carry_the_identifiers(manager: User, client: Client) -> None:
    client.force_login(manager)
    posted = client.post(
        reverse("people:person_create"),
        {
            **FORM,
            "date_of_birth": "1990-03-15",
            "jmbg": "1503990710010",
            "jmbg_as_documented": "on",
            "parent_name": "Драган",
            "birth_surname": "Обрадовић",
            "previous_surnames": "",
            "other_names": "",
            "documents-TOTAL_FORMS": "1",
            "documents-INITIAL_FORMS": "0",
            "documents-0-kind": "passport",
            "documents-0-number": "АБ123",
            "documents-0-country": "RS",
        },
    )
    assert posted.status_code == 302, posted.content.decode()
    page = client.get(posted["Location"]).content.decode()
    for shown in ["1503990710010", "Драган", "Обрадовић", "АБ123", "ЈМБГ је мушки"]:
        assert shown in page, shown
    assert _found(user=manager, name="AB123")
    code = posted["Location"].rstrip("/").rsplit("/", 1)[-1]
    for page_name in ["people:person_detail", "people:person_edit"]:
        html = client.get(reverse(page_name, args=[code]), HTTP_ACCEPT_LANGUAGE="sr")
        data = {manager.username, "Milica", "Jovanović", "RS"}  # what was typed
        assert english_words(html.content.decode(), data) == set(), page_name


def test_reindex_recomputes_the_identifier_indexes_after_a_key_change(
    manager: User, settings: Any
) -> None:
    from django.core.management import call_command

    person = _register(manager)
    settings.BLIND_INDEX_KEY = "another blind index key, long enough for the test"
    assert _found(user=manager, name="AB123456") == []
    call_command("people_reindex", verbosity=0)
    for typed in ["AB123456", "1503990715500", "Milica Obradović", "Milica Nikolov"]:
        assert _found(user=manager, name=typed) == [person], typed


def test_documents_are_edited_on_the_person_form(manager: User, client: Client) -> None:
    person = _register(manager)
    client.force_login(manager)
    fields = {
        **FORM,
        "given_name": "Милица",
        "family_name": "Николов",
        "date_of_birth": "1990-03-15",
        "jmbg": "1503990715500",
        "version": "1",
        "documents-TOTAL_FORMS": "3",
        "documents-INITIAL_FORMS": "2",
        "documents-0-kind": "id_card",
        "documents-0-number": "009876543",
        "documents-0-country": "RS",
        "documents-0-DELETE": "on",
        "documents-1-kind": "passport",
        "documents-1-number": "AB 123-456",
        "documents-1-country": "BA",
        "documents-2-kind": "residence_permit",
        "documents-2-number": "ДБ-77",
        "documents-2-country": "DE",
    }
    posted = client.post(reverse("people:person_edit", args=[person.code]), fields)
    assert posted.status_code == 302, posted.content.decode()
    kept = sorted((d.kind, d.number) for d in person.documents.all())
    assert kept == [("passport", "AB 123-456"), ("residence_permit", "ДБ-77")]
    assert _found(user=manager, name="db77") == [person]
    assert _found(user=manager, name="009876543") == []


def _found(*, user, name: str) -> list:
    """The persons the list page shows for this search."""
    return list(person_list_page(user=user, params={"name": name})["people"])
