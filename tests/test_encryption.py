"""Identifying fields are encrypted at rest; keys rotate; exact search uses a blind index."""

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from spona.accounts.models import Role
from spona.people.models import Person
from spona.people.selectors import person_list
from spona.people.services import person_register

pytestmark = pytest.mark.django_db


def _raw_database_text() -> str:
    """Every text value of the people and accounts tables, as the database holds them."""
    chunks = []
    with connection.cursor() as cursor:
        for table in ["people_person", "accounts_totpdevice"]:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            chunks += [str(value) for row in cursor.fetchall() for value in row]
    return " ".join(chunks)


def test_raw_database_holds_no_plaintext_name(make_user) -> None:
    user = make_user(Role.CASE_MANAGER)
    person_register(
        user=user, given_name="Љиљана", family_name="Vukašinović", settlement="Велико Село"
    )
    raw = _raw_database_text()
    for plaintext in ["Љиљана", "Vukašinović", "Велико Село", "Ljiljana"]:
        assert plaintext not in raw
    assert Person.objects.get().given_name == "Љиљана"


def test_empty_and_missing_values_round_trip(make_user) -> None:
    person = person_register(user=make_user(), given_name="", family_name="Ilić")
    person.refresh_from_db()
    assert (person.given_name, person.family_name) == ("", "Ilić")


def test_encrypted_fields_cannot_be_filtered_by_value() -> None:
    with pytest.raises(FieldError):
        Person.objects.filter(family_name="Ilić").count()


def test_exact_name_search_finds_both_scripts(make_user) -> None:
    user = make_user(Role.CASE_MANAGER)
    person = person_register(user=user, given_name="Ђорђе", family_name="Јовановић")
    person_register(user=user, given_name="Đorđe", family_name="Petrović")
    for query in ["Ђорђе Јовановић", "Djordje Jovanovic", "đorđe  jovanović"]:
        assert [p.code for p in person_list(user=user, name=query)] == [person.code]


def test_key_rotation_reencrypts_with_the_new_key(make_user, settings) -> None:
    person = person_register(user=make_user(), given_name="Марија", family_name="Илић")
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    before = _raw_database_text()

    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("keys_rotate")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone

    person.refresh_from_db()
    assert (person.given_name, person.family_name) == ("Марија", "Илић")
    assert _raw_database_text() != before


def test_without_the_right_key_nothing_decrypts(make_user, settings) -> None:
    person = person_register(user=make_user(), given_name="Марија")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(InvalidToken):
        Person.objects.get(pk=person.pk)
